package dossier_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/validation"
)

func TestCreateCaseValidation(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		in   dossier.CreateCaseInput
		path string
		code validation.Code
	}{
		{"minimal", dossier.CreateCaseInput{Name: "A"}, "", ""},
		{"180 chars", dossier.CreateCaseInput{Name: strings.Repeat("n", 180)}, "", ""},
		{"180 runes", dossier.CreateCaseInput{Name: strings.Repeat("é", 180)}, "", ""},
		{"draft", dossier.CreateCaseInput{Name: "A", Status: cases.StatusDraft}, "", ""},
		{"empty name", dossier.CreateCaseInput{Name: ""}, "name", validation.CodeRequired},
		{"blank name", dossier.CreateCaseInput{Name: " \t"}, "name", validation.CodeRequired},
		{"181 chars", dossier.CreateCaseInput{Name: strings.Repeat("n", 181)}, "name", validation.CodeTooLong},
		{"approved on create", dossier.CreateCaseInput{Name: "A", Status: cases.StatusApproved}, "status", validation.CodeNotAllowed},
		{"unknown status", dossier.CreateCaseInput{Name: "A", Status: "pending"}, "status", validation.CodeInvalidValue},
		{"long external id", dossier.CreateCaseInput{Name: "A", ExternalID: strings.Repeat("x", 256)}, "external_id", validation.CodeTooLong},
		{"metadata value too long", dossier.CreateCaseInput{Name: "A", Metadata: cases.Metadata{"k": strings.Repeat("v", 501)}}, "metadata.k", validation.CodeTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorkspace(t, dossier.Settings{})
			c, err := w.CreateCase(ctx, tt.in)
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				want := tt.in.Status
				if want == "" {
					want = cases.StatusOpen
				}
				if c.Status != want || c.Name != tt.in.Name || c.ID == "" {
					t.Fatalf("created %+v", c)
				}
				return
			}
			wantProblem(t, err, tt.path, tt.code)
			if page, _ := w.ListCases(ctx, dossier.ListOptions{}); len(page.Cases) != 0 {
				t.Fatal("a refused create stored a case")
			}
		})
	}
}

func TestCreateCaseReportsEveryProblem(t *testing.T) {
	w := newWorkspace(t, dossier.Settings{})
	_, err := w.CreateCase(context.Background(), dossier.CreateCaseInput{
		Name: "", Status: "closed", Metadata: cases.Metadata{strings.Repeat("k", 41): "v"},
	})
	var verr *validation.Error
	if !errors.As(err, &verr) || len(verr.Problems) != 3 {
		t.Fatalf("got %v, want 3 problems", err)
	}
}

func TestCreateCaseFromJSON(t *testing.T) {
	var in dossier.CreateCaseInput
	err := json.Unmarshal([]byte(`{"name": "Acme", "status": "draft", "external_id": null,
		"metadata": {"custom_key": "true", "my_data": "this is important", "count": "42"}}`), &in)
	if err != nil {
		t.Fatal(err)
	}
	if in.Name != "Acme" || in.Status != cases.StatusDraft || in.ExternalID != "" || in.Metadata["count"] != "42" {
		t.Fatalf("decoded %+v", in)
	}
	err = json.Unmarshal([]byte(`{"name": 1, "metadata": {"count": 42}, "nope": true}`), &in)
	var verr *validation.Error
	if !errors.As(err, &verr) || !verr.Has("name", validation.CodeInvalidType) ||
		!verr.Has("metadata.count", validation.CodeInvalidType) || !verr.Has("nope", validation.CodeUnknownField) {
		t.Fatalf("got %v", err)
	}
}

func TestExternalIDUnique(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	a, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A", ExternalID: "crm-1"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.CreateCase(ctx, dossier.CreateCaseInput{Name: "B", ExternalID: "crm-1"})
	if !errors.Is(err, dossier.ErrDuplicateExternalID) || dossier.HTTPStatus(err) != http.StatusConflict {
		t.Fatalf("duplicate create: %v", err)
	}
	b, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "B", ExternalID: "crm-2"})
	if err != nil {
		t.Fatal(err)
	}
	err = unchanged(t, w, b.ID, func() error {
		_, err := w.UpdateCase(ctx, b.ID, dossier.UpdateCaseInput{ExternalID: patch.Value("crm-1"), Name: patch.Value("renamed")})
		return err
	})
	if !errors.Is(err, dossier.ErrDuplicateExternalID) {
		t.Fatalf("duplicate update: %v", err)
	}
	// Clearing frees the id for another case.
	if _, err := w.UpdateCase(ctx, a.ID, dossier.UpdateCaseInput{ExternalID: patch.Null[string]()}); err != nil {
		t.Fatal(err)
	}
	if c, err := w.UpdateCase(ctx, b.ID, dossier.UpdateCaseInput{ExternalID: patch.Value("crm-1")}); err != nil || c.ExternalID != "crm-1" {
		t.Fatalf("update after clear: %v, %v", c, err)
	}
}

func TestConcurrentCreatesSameExternalID(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	const n = 20
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, dups := 0, 0
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: fmt.Sprint("case ", i), ExternalID: "same"})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, dossier.ErrDuplicateExternalID):
				dups++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || dups != n-1 {
		t.Fatalf("%d creates won and %d were duplicates; want 1 and %d", wins, dups, n-1)
	}
}

func TestGetCase(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	a, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A", ExternalID: "ext-a"})
	// A case whose external id equals another case's id: the id wins.
	b, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "B", ExternalID: a.ID})
	tests := []struct {
		key, want string
	}{
		{a.ID, "A"},
		{"ext-a", "A"},
		{b.ID, "B"},
	}
	for _, tt := range tests {
		c, err := w.GetCase(ctx, tt.key)
		if err != nil || c.Name != tt.want {
			t.Errorf("GetCase(%q) = %v, %v; want %s", tt.key, c, err, tt.want)
		}
	}
	for _, key := range []string{"nope", ""} {
		_, err := w.GetCase(ctx, key)
		if !errors.Is(err, dossier.ErrNotFound) || dossier.HTTPStatus(err) != http.StatusNotFound {
			t.Errorf("GetCase(%q) = %v", key, err)
		}
	}
	if _, err := w.GetCaseByID(ctx, "ext-a"); !errors.Is(err, dossier.ErrNotFound) {
		t.Errorf("GetCaseByID matched an external id: %v", err)
	}
}

func TestUpdateCase(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	c, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A", ExternalID: "e", Metadata: cases.Metadata{"a": "1", "b": "2"}})

	got, err := w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{Name: patch.Value("B"), Metadata: patch.Value(cases.Metadata{"c": "3"})})
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "B" || len(got.Metadata) != 1 || got.Metadata["c"] != "3" || got.ExternalID != "e" {
		t.Fatalf("after update: %+v (metadata must be replaced, not merged)", got)
	}
	if !got.UpdatedAt.After(c.UpdatedAt) || !got.CreatedAt.Equal(c.CreatedAt) {
		t.Fatalf("timestamps: created %v updated %v", got.CreatedAt, got.UpdatedAt)
	}
	got, err = w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{Metadata: patch.Null[cases.Metadata](), ExternalID: patch.Null[string]()})
	if err != nil || got.Metadata != nil || got.ExternalID != "" {
		t.Fatalf("clearing: %+v, %v", got, err)
	}
	// No field present: nothing saved.
	before := stored(t, w, c.ID)
	if _, err := w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{}); err != nil {
		t.Fatal(err)
	}
	if string(stored(t, w, c.ID)) != string(before) {
		t.Fatal("an empty update changed the case")
	}
}

func TestUpdateCaseRefused(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	c, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A", Metadata: cases.Metadata{"a": "1"}})
	tests := []struct {
		name string
		in   dossier.UpdateCaseInput
		path string
		code validation.Code
	}{
		{"empty name", dossier.UpdateCaseInput{Name: patch.Value("")}, "name", validation.CodeRequired},
		{"null name", dossier.UpdateCaseInput{Name: patch.Null[string]()}, "name", validation.CodeRequired},
		{"181 chars", dossier.UpdateCaseInput{Name: patch.Value(strings.Repeat("x", 181))}, "name", validation.CodeTooLong},
		{"empty external id", dossier.UpdateCaseInput{ExternalID: patch.Value("")}, "external_id", validation.CodeRequired},
		{"approved by update", dossier.UpdateCaseInput{Status: patch.Value(cases.StatusApproved)}, "status", validation.CodeNotAllowed},
		{"null status", dossier.UpdateCaseInput{Status: patch.Null[cases.Status]()}, "status", validation.CodeRequired},
		{"metadata too big", dossier.UpdateCaseInput{Metadata: patch.Value(cases.Metadata{"k": strings.Repeat("v", 501)})}, "metadata.k", validation.CodeTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := unchanged(t, w, c.ID, func() error {
				_, err := w.UpdateCase(ctx, c.ID, tt.in)
				return err
			})
			wantProblem(t, err, tt.path, tt.code)
			if dossier.HTTPStatus(err) != http.StatusBadRequest {
				t.Fatalf("HTTPStatus = %d", dossier.HTTPStatus(err))
			}
		})
	}
	_, err := w.UpdateCase(ctx, "missing", dossier.UpdateCaseInput{Name: patch.Value("x")})
	if !errors.Is(err, dossier.ErrNotFound) {
		t.Fatalf("unknown case: %v", err)
	}
}

func TestUpdateCaseFromJSON(t *testing.T) {
	tests := []struct {
		json                        string
		name, ext, status, metadata string // "absent", "null" or "value"
	}{
		{`{}`, "absent", "absent", "absent", "absent"},
		{`{"external_id": null}`, "absent", "null", "absent", "absent"},
		{`{"metadata": null, "name": "x"}`, "value", "absent", "absent", "null"},
		{`{"status": "open", "metadata": {"a": "b"}, "external_id": "e"}`, "absent", "value", "value", "value"},
	}
	state := func(present, null bool) string {
		switch {
		case !present:
			return "absent"
		case null:
			return "null"
		}
		return "value"
	}
	for _, tt := range tests {
		t.Run(tt.json, func(t *testing.T) {
			var in dossier.UpdateCaseInput
			if err := json.Unmarshal([]byte(tt.json), &in); err != nil {
				t.Fatal(err)
			}
			got := []string{
				state(in.Name.Present(), in.Name.IsNull()), state(in.ExternalID.Present(), in.ExternalID.IsNull()),
				state(in.Status.Present(), in.Status.IsNull()), state(in.Metadata.Present(), in.Metadata.IsNull()),
			}
			want := []string{tt.name, tt.ext, tt.status, tt.metadata}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("got %v, want %v", got, want)
			}
		})
	}
	var in dossier.UpdateCaseInput
	err := json.Unmarshal([]byte(`{"metadata": {"n": 1, "b": false}, "name": 3}`), &in)
	var verr *validation.Error
	if !errors.As(err, &verr) || len(verr.Problems) != 3 {
		t.Fatalf("got %v, want three problems", err)
	}
}

// TestStatusTransitionsThroughWorkspace drives each row of the lifecycle
// table through the Workspace: every allowed move succeeds and every refused
// one is ErrInvalidTransition with the case unchanged.
func TestStatusTransitionsThroughWorkspace(t *testing.T) {
	ctx := context.Background()
	// reach builds a case in the given status through allowed operations.
	reach := func(t *testing.T, w *dossier.Workspace, s cases.Status) string {
		t.Helper()
		start := cases.StatusOpen
		if s == cases.StatusDraft {
			start = cases.StatusDraft
		}
		c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A", Status: start})
		if err != nil {
			t.Fatal(err)
		}
		if s == cases.StatusApproved || s == cases.StatusRejected || s == cases.StatusClosed {
			if _, err := w.ReviewCase(ctx, c.ID, dossier.ReviewInput{Status: cases.ReviewStatus(s)}); err != nil {
				t.Fatal(err)
			}
		}
		return c.ID
	}
	type move struct {
		review bool
		to     cases.Status
	}
	allowed := map[cases.Status][]move{
		cases.StatusDraft:    {{false, cases.StatusDraft}, {false, cases.StatusOpen}, {true, cases.StatusClosed}},
		cases.StatusOpen:     {{false, cases.StatusOpen}, {false, cases.StatusDraft}, {true, cases.StatusApproved}, {true, cases.StatusRejected}, {true, cases.StatusClosed}},
		cases.StatusApproved: {{false, cases.StatusOpen}, {true, cases.StatusApproved}, {true, cases.StatusClosed}},
		cases.StatusRejected: {{false, cases.StatusOpen}, {true, cases.StatusClosed}},
		cases.StatusClosed:   {{false, cases.StatusOpen}},
	}
	for _, from := range cases.Statuses {
		for _, m := range []move{
			{false, cases.StatusDraft}, {false, cases.StatusOpen},
			{true, cases.StatusApproved}, {true, cases.StatusRejected}, {true, cases.StatusClosed},
		} {
			ok := false
			for _, a := range allowed[from] {
				ok = ok || a == m
			}
			via := "update"
			if m.review {
				via = "review"
			}
			t.Run(fmt.Sprintf("%s_%s_%s", from, via, m.to), func(t *testing.T) {
				w := newWorkspace(t, dossier.Settings{})
				id := reach(t, w, from)
				op := func() error {
					var err error
					if m.review {
						_, err = w.ReviewCase(ctx, id, dossier.ReviewInput{Status: cases.ReviewStatus(m.to)})
					} else {
						_, err = w.UpdateCase(ctx, id, dossier.UpdateCaseInput{Status: patch.Value(m.to)})
					}
					return err
				}
				if ok {
					if err := op(); err != nil {
						t.Fatalf("refused: %v", err)
					}
					if c, _ := w.GetCase(ctx, id); c.Status != m.to {
						t.Fatalf("status = %s, want %s", c.Status, m.to)
					}
					return
				}
				err := unchanged(t, w, id, op)
				if !errors.Is(err, dossier.ErrInvalidTransition) || dossier.HTTPStatus(err) != http.StatusConflict {
					t.Fatalf("got %v, want ErrInvalidTransition", err)
				}
			})
		}
	}
}

func TestReopenKeepsEverything(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	c, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A", Metadata: cases.Metadata{"a": "1"}})
	reviewed, err := w.ReviewCase(ctx, c.ID, dossier.ReviewInput{Status: cases.ReviewClosed, Comment: "done"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{Status: patch.Value(cases.StatusOpen)})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != cases.StatusOpen || got.Metadata["a"] != "1" || got.Review == nil || got.Review.ID != reviewed.Review.ID {
		t.Fatalf("reopened case lost data: %+v", got)
	}
}

func TestReview(t *testing.T) {
	ctx := context.Background()
	settings := dossier.Settings{
		ReviewCommentRequired: true,
		ReviewPeriods:         map[risk.Level]cases.Period{risk.LevelNotDefined: {Years: 1}},
	}
	w := newWorkspace(t, settings)
	newCase := func() string {
		c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A"})
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	explicit := cases.Date{Year: 2026, Month: 12, Day: 24}

	t.Run("computed from the risk level period", func(t *testing.T) {
		c, err := w.ReviewCase(ctx, newCase(), dossier.ReviewInput{Status: cases.ReviewApproved, Comment: "ok", ReviewerType: cases.ReviewerUser})
		if err != nil {
			t.Fatal(err)
		}
		r := c.Review
		if r.Status != cases.ReviewApproved || *r.Comment != "ok" || r.ReviewerType != cases.ReviewerUser || r.ID == "" {
			t.Fatalf("review = %+v", r)
		}
		want := cases.Period{Years: 1}.After(cases.DateOf(r.ReviewedAt))
		if r.NextReviewAt == nil || *r.NextReviewAt != want {
			t.Fatalf("next_review_at = %v, want %v", r.NextReviewAt, want)
		}
		if c.Status != cases.StatusApproved {
			t.Fatalf("status %s", c.Status)
		}
	})
	t.Run("explicit date and back-dated review", func(t *testing.T) {
		id := newCase()
		created, err := w.GetCase(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		backdated := created.CreatedAt // the earliest date allowed
		c, err := w.ReviewCase(ctx, id, dossier.ReviewInput{Status: cases.ReviewApproved, Comment: "ok",
			ReviewedAt: backdated, NextReviewAt: patch.Value(explicit)})
		if err != nil {
			t.Fatal(err)
		}
		if !c.Review.ReviewedAt.Equal(backdated) || *c.Review.NextReviewAt != explicit || c.Review.ReviewerType != cases.ReviewerAPI {
			t.Fatalf("review = %+v", c.Review)
		}
	})
	t.Run("explicit null schedules nothing", func(t *testing.T) {
		c, err := w.ReviewCase(ctx, newCase(), dossier.ReviewInput{Status: cases.ReviewApproved, Comment: "ok", NextReviewAt: patch.Null[cases.Date]()})
		if err != nil || c.Review.NextReviewAt != nil {
			t.Fatalf("got %+v, %v", c.Review, err)
		}
	})
	t.Run("rejection has no next review", func(t *testing.T) {
		c, err := w.ReviewCase(ctx, newCase(), dossier.ReviewInput{Status: cases.ReviewRejected, Comment: "no"})
		if err != nil || c.Review.NextReviewAt != nil || c.Status != cases.StatusRejected {
			t.Fatalf("got %+v, %v", c, err)
		}
	})
	refusals := []struct {
		name string
		in   dossier.ReviewInput
		path string
		code validation.Code
	}{
		{"missing comment", dossier.ReviewInput{Status: cases.ReviewApproved}, "comment", validation.CodeRequired},
		{"blank comment", dossier.ReviewInput{Status: cases.ReviewApproved, Comment: "  "}, "comment", validation.CodeRequired},
		{"long comment", dossier.ReviewInput{Status: cases.ReviewApproved, Comment: strings.Repeat("c", dossier.MaxCommentLen+1)}, "comment", validation.CodeTooLong},
		{"unknown status", dossier.ReviewInput{Status: "open", Comment: "x"}, "status", validation.CodeInvalidValue},
		{"unknown reviewer", dossier.ReviewInput{Status: cases.ReviewApproved, Comment: "x", ReviewerType: "robot"}, "reviewer_type", validation.CodeInvalidValue},
		{"next review on rejection", dossier.ReviewInput{Status: cases.ReviewRejected, Comment: "x", NextReviewAt: patch.Value(explicit)}, "next_review_at", validation.CodeNotAllowed},
		{"future review", dossier.ReviewInput{Status: cases.ReviewApproved, Comment: "x", ReviewedAt: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}, "reviewed_at", validation.CodeOutOfRange},
		{"next review before review", dossier.ReviewInput{Status: cases.ReviewApproved, Comment: "x", ReviewedAt: time.Date(2025, 6, 30, 15, 0, 0, 0, time.UTC),
			NextReviewAt: patch.Value(cases.Date{Year: 2025, Month: 1, Day: 1})}, "next_review_at", validation.CodeOutOfRange},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			id := newCase()
			err := unchanged(t, w, id, func() error {
				_, err := w.ReviewCase(ctx, id, tt.in)
				return err
			})
			wantProblem(t, err, tt.path, tt.code)
		})
	}
	_, err := w.ReviewCase(ctx, "missing", dossier.ReviewInput{Status: cases.ReviewClosed, Comment: "x"})
	if !errors.Is(err, dossier.ErrNotFound) {
		t.Fatalf("unknown case: %v", err)
	}
}

func TestReviewFromJSON(t *testing.T) {
	var in dossier.ReviewInput
	err := json.Unmarshal([]byte(`{"status":"approved","comment":null,"next_review_at":null,"reviewed_at":"2025-01-02T03:04:05Z"}`), &in)
	if err != nil || !in.NextReviewAt.IsNull() || in.Comment != "" || in.ReviewedAt.Year() != 2025 {
		t.Fatalf("got %+v, %v", in, err)
	}
	err = json.Unmarshal([]byte(`{"status":"approved","next_review_at":"2025-02-30"}`), &in)
	if !errors.Is(err, dossier.ErrInvalid) {
		t.Fatalf("bad date accepted: %v", err)
	}
}

// TestConcurrentUpdatesThroughWorkspace: many goroutines update one case at
// once. Each successful update must be applied on top of the previous one,
// so the final version counts every update.
func TestConcurrentUpdatesThroughWorkspace(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{}, dossier.WithRetryTimeout(time.Minute))
	c, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A"})
	const workers, each = 12, 15
	var wg sync.WaitGroup
	for g := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				in := dossier.UpdateCaseInput{Name: patch.Value(fmt.Sprintf("g%d-%d", g, i))}
				if _, err := w.UpdateCase(ctx, c.ID, in); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	rec, err := w.GetRecord(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Version != 1+workers*each {
		t.Fatalf("version %d after %d updates: updates were lost", rec.Version, workers*each)
	}
}

// conflictingStore reports a version conflict on every update.
type conflictingStore struct {
	storage.Store
	updates atomic.Int64
}

func (s *conflictingStore) Update(context.Context, *storage.Record, ...event.Event) (*storage.Record, error) {
	s.updates.Add(1)
	return nil, storage.ErrConflict
}

// TestRetryIsBounded: a change that keeps conflicting is retried for the
// retry timeout (many attempts, not a small count), then fails with
// ErrConflict and saves nothing.
func TestRetryIsBounded(t *testing.T) {
	ctx := context.Background()
	st := &conflictingStore{Store: newMemoryStore()}
	w, err := dossier.New(st, dossier.Settings{}, dossier.WithRetryTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A"})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{Name: patch.Value("B")})
	took := time.Since(start)
	if !errors.Is(err, dossier.ErrConflict) {
		t.Fatalf("got %v", err)
	}
	if took < 100*time.Millisecond || took > 10*time.Second {
		t.Fatalf("gave up after %v, want about the 100ms timeout", took)
	}
	if n := st.updates.Load(); n < 3 {
		t.Fatalf("%d attempts in %v", n, took)
	}
	if got, _ := w.GetCase(ctx, c.ID); got.Name != "A" {
		t.Fatalf("name = %q", got.Name)
	}
}

func TestListAndDelete(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	var ids []string
	for i := range 12 {
		s := cases.StatusOpen
		if i%3 == 0 {
			s = cases.StatusDraft
		}
		c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: fmt.Sprint("c", i), Status: s, ExternalID: fmt.Sprint("e", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	n := 0
	for c, err := range w.AllCases(ctx, dossier.ListOptions{Limit: 5, Statuses: []cases.Status{cases.StatusDraft}}) {
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != cases.StatusDraft {
			t.Fatalf("filter let %s through", c.Status)
		}
		n++
	}
	if n != 4 {
		t.Fatalf("%d draft cases, want 4", n)
	}
	if _, err := w.ListCases(ctx, dossier.ListOptions{Statuses: []cases.Status{"nope"}}); !errors.Is(err, dossier.ErrInvalid) {
		t.Fatalf("bad status filter: %v", err)
	}
	if err := w.DeleteCase(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := w.GetCase(ctx, "e0"); !errors.Is(err, dossier.ErrNotFound) {
		t.Fatalf("deleted case still found by external id: %v", err)
	}
	if err := w.DeleteCase(ctx, ids[0]); !errors.Is(err, dossier.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	page, _ := w.ListCases(ctx, dossier.ListOptions{})
	if len(page.Cases) != 11 || page.Next != "" {
		t.Fatalf("%d cases after delete, next %q", len(page.Cases), page.Next)
	}
}

func TestHTTPStatus(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		err  error
		want int
	}{
		{nil, 200},
		{validation.New("name", validation.CodeRequired, "x"), 400},
		{fmt.Errorf("wrapped: %w", dossier.ErrNotFound), 404},
		{dossier.ErrStaleVersion, 412},
		{dossier.ErrConflict, 409},
		{dossier.ErrDuplicateExternalID, 409},
		{&cases.TransitionError{From: "closed", To: "approved", Via: "review"}, 409},
		{fmt.Errorf("move: %w", cases.ErrCheckOverrideRequired), 409},
		{&relation.OrphanError{IDs: []string{"i1"}}, 409},
		{ctx.Err(), 499},
		{context.DeadlineExceeded, 504},
		{errors.New("disk on fire"), 500},
	}
	for _, tt := range tests {
		if got := dossier.HTTPStatus(tt.err); got != tt.want {
			t.Errorf("HTTPStatus(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

func TestNewRejectsBadSettings(t *testing.T) {
	_, err := dossier.New(newMemoryStore(), dossier.Settings{ReviewPeriods: map[risk.Level]cases.Period{"extreme": {Years: 1}, risk.LevelLow: {Months: -1}}})
	var verr *validation.Error
	if !errors.As(err, &verr) || len(verr.Problems) != 2 {
		t.Fatalf("got %v", err)
	}
	if _, err := dossier.New(nil, dossier.Settings{}); err == nil {
		t.Fatal("nil store accepted")
	}
}
