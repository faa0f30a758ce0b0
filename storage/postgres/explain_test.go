package postgres_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/postgres"
)

// planNode is a node of EXPLAIN (FORMAT JSON).
type planNode struct {
	NodeType  string     `json:"Node Type"`
	Relation  string     `json:"Relation Name"`
	IndexName string     `json:"Index Name"`
	Plans     []planNode `json:"Plans"`
}

// scans returns "Node Type" or "Node Type:index" of every scan of the plan.
func (n planNode) scans() []string {
	var out []string
	if strings.Contains(n.NodeType, "Scan") {
		s := n.NodeType
		if n.IndexName != "" {
			s += ":" + n.IndexName
		}
		out = append(out, s)
	}
	for _, c := range n.Plans {
		out = append(out, c.scans()...)
	}
	return out
}

// TestExplainUsesIndexes runs EXPLAIN on the statement of each query the
// package doc says is indexed, on 100,000 cases, and checks that it reads
// the index meant for it and never scans the whole table.
func TestExplainUsesIndexes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 100,000 cases")
	}
	s := bigStore(t)
	yes := true
	tests := []struct {
		name  string
		q     storage.Query
		index string // the index meant for it; "a|b" accepts either
	}{
		{"SortCreatedAt", storage.Query{}, "dossier_cases_created"},
		{"SortUpdatedAtDesc", storage.Query{Sort: storage.SortUpdatedAt, Desc: true}, "dossier_cases_updated"},
		{"SortName", storage.Query{Sort: storage.SortName}, "dossier_cases_name"},
		{"SortNextReviewAt", storage.Query{Sort: storage.SortNextReviewAt}, "dossier_cases_next_review"},
		{"Cursor", storage.Query{Sort: storage.SortName, After: cursorAt(storage.Query{Sort: storage.SortName}, "company 5", "case-000005")}, "dossier_cases_name"},
		{"Status", storage.Query{Statuses: []cases.Status{cases.StatusRejected}}, "dossier_cases_status"},
		// Several statuses: the status index, or the sort index read in
		// order until the page is full, whichever the planner finds cheaper.
		{"Statuses", storage.Query{Statuses: []cases.Status{cases.StatusRejected, cases.StatusClosed}}, "dossier_cases_status|dossier_cases_created"},
		{"Flags", storage.Query{Flags: cases.NewFlags(cases.FlagForReview)}, "dossier_cases_flags"},
		{"RiskLevel", storage.Query{RiskLevels: []risk.Level{risk.LevelHigh}}, "dossier_cases_risk_level"},
		{"ContactHasActions", storage.Query{ContactHasActions: &yes}, "dossier_cases_contact_actions"},
		{"ReviewerHasActions", storage.Query{ReviewerHasActions: &yes}, "dossier_cases_reviewer_actions"},
		{"NextReviewRange", storage.Query{
			NextReview: storage.DateRange{From: cases.Date{Year: 2026, Month: 3, Day: 1}, To: cases.Date{Year: 2026, Month: 3, Day: 5}},
			Sort:       storage.SortNextReviewAt,
		}, "dossier_cases_next_review"},
		{"CreatedRange", storage.Query{CreatedAt: storage.TimeRange{
			From: mustTime("2020-01-10T00:00:00Z"), To: mustTime("2020-01-10T06:00:00Z"),
		}}, "dossier_cases_created"},
		{"UpdatedRange", storage.Query{Sort: storage.SortUpdatedAt, UpdatedAt: storage.TimeRange{
			From: mustTime("2021-01-10T00:00:00Z"), To: mustTime("2021-01-10T06:00:00Z"),
		}}, "dossier_cases_updated"},
		{"ExternalID", storage.Query{ExternalID: "ext-4242"}, "dossier_cases_external_id"},
		{"NameContains", storage.Query{NameContains: "ZEBRA"}, "dossier_cases_name_trgm"},
		{"TagsAll", storage.Query{TagsAll: []string{"vip"}}, "dossier_cases_tags"},
		// Overlap with several tags: the planner may also walk the created
		// index in order and stop at the page, as for several statuses.
		{"TagsAny", storage.Query{TagsAny: []string{"vip", "pep"}}, "dossier_cases_tags|dossier_cases_created"},
		{"Assignee", storage.Query{AssigneeID: "user-3"}, "dossier_cases_assignee"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := postgres.ExplainQuery(context.Background(), s, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var plans []struct {
				Plan planNode `json:"Plan"`
			}
			if err := json.Unmarshal(raw, &plans); err != nil || len(plans) != 1 {
				t.Fatalf("plan %s: %v", raw, err)
			}
			scans := plans[0].Plan.scans()
			if !slices.ContainsFunc(scans, func(s string) bool {
				_, index, _ := strings.Cut(s, ":")
				return slices.Contains(strings.Split(tt.index, "|"), index)
			}) {
				t.Errorf("plan scans %v, want the index %s", scans, tt.index)
			}
			if slices.ContainsFunc(scans, func(s string) bool { return strings.HasPrefix(s, "Seq Scan") }) {
				t.Errorf("plan scans %v: a sequential scan", scans)
			}
		})
	}
}
