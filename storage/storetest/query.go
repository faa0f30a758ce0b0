package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/validation"
)

var queryTests = []struct {
	name string
	fn   func(t *testing.T, s storage.Store, seed uint64)
}{
	{"QueryOracle", testQueryOracle},
	{"QueryInvalid", testQueryInvalid},
	{"QueryCursorUnderChurn", testQueryCursorUnderChurn},
}

// The value pools of random cases: few distinct values, so that filters
// match some cases and sort keys tie (ties are broken by case id).
var (
	poolNames = []string{
		"Acme", "ACME Holding", "acme", "Ünïcode GmbH", "ünïcode gmbh", "Straße AG", "STRASSE AG",
		"Ωmega", "ωMEGA Ltd", "Café Noir", "CAFÉ noir", "zeta", "Zeta", "日本 KK", "alpha beta", " Alpha",
	}
	poolNameParts = []string{"acme", "ACME", "ü", "Ü", "ß", "gmbh", "ω", "Ω", "café", "CAFÉ", "zz", " ", "ltd", "a", "日本"}
	poolDates     = func() []cases.Date {
		var ds []cases.Date
		for i := range 12 {
			d := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, i, i)
			ds = append(ds, cases.Date{Year: d.Year(), Month: d.Month(), Day: d.Day()})
		}
		return ds
	}()
	poolTimes = func() []time.Time {
		var ts []time.Time
		for i := range 15 {
			ts = append(ts, epoch.Add(time.Duration(i)*time.Hour+time.Duration(i%3)*time.Nanosecond))
		}
		return ts
	}()
)

func pick[T any](r *rand.Rand, pool []T) T { return pool[r.IntN(len(pool))] }

// randomCase returns a case with random statuses, flags, actions, risk
// (none, or any level including not_defined), next review date (no
// review, a review without date, or a date), times, external id and name.
func randomCase(r *rand.Rand, id string) cases.Case {
	c := cases.Case{
		ID: id, Name: pick(r, poolNames), Status: pick(r, cases.Statuses),
		Metadata:          cases.Metadata{"n": id},
		ContactHasActions: r.IntN(2) == 0, ReviewerHasActions: r.IntN(3) == 0,
		CreatedAt: pick(r, poolTimes),
	}
	if r.IntN(3) == 0 {
		c.Name += fmt.Sprint(" ", r.IntN(5))
	}
	c.UpdatedAt = c.CreatedAt.Add(time.Duration(r.IntN(4)) * 90 * time.Minute)
	for _, f := range cases.AllFlags() {
		if r.IntN(3) == 0 {
			c.Flags = c.Flags.With(f)
		}
	}
	if r.IntN(4) != 0 {
		c.Risk = &risk.Risk{ID: "risk-" + id, Mode: risk.ModeAutomatic, Level: pick(r, risk.Levels()), CreatedAt: epoch}
	}
	switch r.IntN(4) {
	case 0: // no review
	case 1:
		c.Review = &cases.Review{ID: "rv-" + id, Status: cases.ReviewRejected, ReviewerType: cases.ReviewerUser, ReviewedAt: epoch}
	default:
		d := pick(r, poolDates)
		c.Review = &cases.Review{ID: "rv-" + id, Status: cases.ReviewApproved, ReviewerType: cases.ReviewerAPI, ReviewedAt: epoch, NextReviewAt: &d}
	}
	if r.IntN(2) == 0 {
		c.ExternalID = fmt.Sprint("Ext-", id)
	}
	for _, tag := range poolTags {
		if r.IntN(2) == 0 {
			c.Tags = append(c.Tags, tag)
		}
	}
	c.AssigneeID = pick(r, poolAssignees)
	return c
}

// The tags and assignees of random cases ("" is unassigned).
var (
	poolTags      = []string{"tag-a", "tag-b", "tag-c", "Tag-A"}
	poolAssignees = []string{"", "", "user-1", "user-2", "User-1"}
)

// randomTags returns one to three tags of poolTags, sometimes with a tag
// no case has.
func randomTags(r *rand.Rand) []string {
	var out []string
	for range 1 + r.IntN(3) {
		out = append(out, pick(r, poolTags))
	}
	if r.IntN(6) == 0 {
		out = append(out, "tag-none")
	}
	return out
}

// oracleMatches is the suite's own reading of the filters of a Query,
// written independently of storage.Query.Matches so that a mistake there
// is caught too.
func oracleMatches(q storage.Query, c cases.Case) bool {
	if c.DeletedAt != nil {
		return false
	}
	if len(q.Statuses) > 0 {
		found := false
		for _, s := range q.Statuses {
			found = found || s == c.Status
		}
		if !found {
			return false
		}
	}
	for _, f := range cases.AllFlags() {
		if q.Flags.Has(f) && !c.Flags.Has(f) {
			return false
		}
	}
	if q.ContactHasActions != nil && *q.ContactHasActions != c.ContactHasActions {
		return false
	}
	if q.ReviewerHasActions != nil && *q.ReviewerHasActions != c.ReviewerHasActions {
		return false
	}
	if len(q.RiskLevels) > 0 {
		level := risk.LevelNotDefined
		if c.Risk != nil {
			level = c.Risk.Level
		}
		found := false
		for _, l := range q.RiskLevels {
			found = found || l == level
		}
		if !found {
			return false
		}
	}
	if q.NextReview != (storage.DateRange{}) {
		if c.Review == nil || c.Review.NextReviewAt == nil {
			return false
		}
		d := c.Review.NextReviewAt.Time()
		if (!q.NextReview.From.IsZero() && d.Before(q.NextReview.From.Time())) ||
			(!q.NextReview.To.IsZero() && d.After(q.NextReview.To.Time())) {
			return false
		}
	}
	inRange := func(r storage.TimeRange, t time.Time) bool {
		return (r.From.IsZero() || !t.Before(r.From)) && (r.To.IsZero() || t.Before(r.To))
	}
	if !inRange(q.CreatedAt, c.CreatedAt) || !inRange(q.UpdatedAt, c.UpdatedAt) {
		return false
	}
	if q.ExternalID != "" && q.ExternalID != c.ExternalID {
		return false
	}
	has := map[string]bool{}
	for _, tag := range c.Tags {
		has[tag] = true
	}
	for _, tag := range q.TagsAll {
		if !has[tag] {
			return false
		}
	}
	for _, tag := range q.TagsNone {
		if has[tag] {
			return false
		}
	}
	if len(q.TagsAny) > 0 {
		n := 0
		for _, tag := range q.TagsAny {
			if has[tag] {
				n++
			}
		}
		if n == 0 {
			return false
		}
	}
	if (q.AssigneeID != "" && q.AssigneeID != c.AssigneeID) || (q.Unassigned && c.AssigneeID != "") {
		return false
	}
	return strings.Contains(strings.ToLower(c.Name), strings.ToLower(q.NameContains))
}

// oracleCompare is the suite's own reading of the order of a Query.
func oracleCompare(q storage.Query, a, b cases.Case) int {
	var c int
	switch q.Sort {
	case storage.SortUpdatedAt:
		c = a.UpdatedAt.Compare(b.UpdatedAt)
	case storage.SortName:
		c = strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	case storage.SortNextReviewAt:
		da, oka := nextReview(a)
		db, okb := nextReview(b)
		switch {
		case oka && okb:
			c = da.Compare(db)
		case oka:
			c = -1 // cases without a date come last in ascending order
		case okb:
			c = 1
		}
	default:
		c = a.CreatedAt.Compare(b.CreatedAt)
	}
	if c == 0 {
		c = strings.Compare(a.ID, b.ID)
	}
	if q.Desc {
		c = -c
	}
	return c
}

func nextReview(c cases.Case) (time.Time, bool) {
	if c.Review == nil || c.Review.NextReviewAt == nil {
		return time.Time{}, false
	}
	return c.Review.NextReviewAt.Time(), true
}

// oracle returns the cases of all that q selects, in q's order.
func oracle(q storage.Query, all []cases.Case) []cases.Case {
	var out []cases.Case
	for _, c := range all {
		if oracleMatches(q, c) {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b cases.Case) int { return oracleCompare(q, a, b) })
	return out
}

var sortFields = []storage.SortField{"", storage.SortCreatedAt, storage.SortUpdatedAt, storage.SortName, storage.SortNextReviewAt}

// filterGens set one filter of a query to a random value, each able to
// match some of the random cases and to match none.
var filterGens = map[string]func(r *rand.Rand, q *storage.Query, all []cases.Case){
	"statuses": func(r *rand.Rand, q *storage.Query, _ []cases.Case) {
		for range 1 + r.IntN(2) {
			q.Statuses = append(q.Statuses, pick(r, cases.Statuses))
		}
	},
	"flags": func(r *rand.Rand, q *storage.Query, _ []cases.Case) {
		for range 1 + r.IntN(2) {
			q.Flags = q.Flags.With(pick(r, cases.AllFlags()))
		}
	},
	"contact_has_actions": func(r *rand.Rand, q *storage.Query, _ []cases.Case) {
		b := r.IntN(2) == 0
		q.ContactHasActions = &b
	},
	"reviewer_has_actions": func(r *rand.Rand, q *storage.Query, _ []cases.Case) {
		b := r.IntN(2) == 0
		q.ReviewerHasActions = &b
	},
	"risk_levels": func(r *rand.Rand, q *storage.Query, _ []cases.Case) {
		for range 1 + r.IntN(2) {
			q.RiskLevels = append(q.RiskLevels, pick(r, risk.Levels()))
		}
	},
	"next_review_at": func(r *rand.Rand, q *storage.Query, _ []cases.Case) {
		a, b := pick(r, poolDates), pick(r, poolDates)
		if a.Compare(b) > 0 {
			a, b = b, a
		}
		switch r.IntN(3) {
		case 0:
			q.NextReview = storage.DateRange{From: a}
		case 1:
			q.NextReview = storage.DateRange{To: b}
		default:
			q.NextReview = storage.DateRange{From: a, To: b}
		}
	},
	"created_at": func(r *rand.Rand, q *storage.Query, _ []cases.Case) { q.CreatedAt = randomTimeRange(r) },
	"updated_at": func(r *rand.Rand, q *storage.Query, _ []cases.Case) { q.UpdatedAt = randomTimeRange(r) },
	"external_id": func(r *rand.Rand, q *storage.Query, all []cases.Case) {
		q.ExternalID = pick(r, all).ExternalID
		if q.ExternalID == "" || r.IntN(5) == 0 {
			q.ExternalID = "ext-" + pick(r, all).ID // wrong case: matches none
		}
	},
	"name_contains": func(r *rand.Rand, q *storage.Query, _ []cases.Case) { q.NameContains = pick(r, poolNameParts) },
	"tags_all":      func(r *rand.Rand, q *storage.Query, _ []cases.Case) { q.TagsAll = randomTags(r) },
	"tags_none":     func(r *rand.Rand, q *storage.Query, _ []cases.Case) { q.TagsNone = randomTags(r) },
	"tags_any":      func(r *rand.Rand, q *storage.Query, _ []cases.Case) { q.TagsAny = randomTags(r) },
	"assignee": func(r *rand.Rand, q *storage.Query, _ []cases.Case) {
		if r.IntN(3) == 0 {
			q.Unassigned = true
		} else {
			q.AssigneeID = pick(r, poolAssignees[2:])
		}
	},
}

func randomTimeRange(r *rand.Rand) storage.TimeRange {
	a, b := pick(r, poolTimes), pick(r, poolTimes).Add(time.Duration(r.IntN(3))*time.Nanosecond)
	if a.After(b) {
		a, b = b, a
	}
	switch r.IntN(3) {
	case 0:
		return storage.TimeRange{From: a}
	case 1:
		return storage.TimeRange{To: b}
	}
	return storage.TimeRange{From: a, To: b}
}

func caseJSON(t *testing.T, c cases.Case) string {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatalf("marshal case: %v", err)
	}
	return string(b)
}

// checkQuery runs q through cursor pages of a random size and through
// Offset pages, and fails unless both give exactly the oracle's answer.
// With whole set, it also compares the JSON of every case returned with
// the case stored.
func checkQuery(t *testing.T, s storage.Store, r *rand.Rand, q storage.Query, all []cases.Case, whole bool) {
	t.Helper()
	ctx := context.Background()
	want := oracle(q, all)
	// A page size that gives one to nine pages: small pages when few
	// cases match, without a call per case when many do.
	q.Limit = max(1, len(want)/(1+r.IntN(8))+r.IntN(2))
	q.Count = r.IntN(2) == 0
	var got []cases.Case
	for pages := 0; ; pages++ {
		if pages > len(all)+1 {
			t.Fatalf("%+v: the cursor walk does not end", q)
		}
		p, err := s.Query(ctx, q)
		if err != nil {
			t.Fatalf("Query(%+v): %v", q, err)
		}
		if len(p.Cases) > q.Limit {
			t.Fatalf("%+v: a page of %d cases", q, len(p.Cases))
		}
		if q.Count && p.Total != len(want) || !q.Count && p.Total != -1 {
			t.Fatalf("%+v: Total = %d, want %d (-1 unless Count)", q, p.Total, len(want))
		}
		got = append(got, p.Cases...)
		if p.Next == "" {
			break
		}
		q.After = p.Next
	}
	if g, w := caseIDs(got), caseIDs(want); g != w {
		t.Fatalf("Query(%+v) by cursor returned\n%s\nwant\n%s", q, g, w)
	}
	for i := range got {
		if !whole {
			break
		}
		if g, w := caseJSON(t, got[i]), caseJSON(t, want[i]); g != w {
			t.Fatalf("Query(%+v) returned\n%s\nwant the stored case\n%s", q, g, w)
		}
	}
	q.After = ""
	n := len(want)
	offsets := []int{0, 1, q.Limit, n - 1, n, n + 3}
	r.Shuffle(len(offsets), func(i, j int) { offsets[i], offsets[j] = offsets[j], offsets[i] })
	for _, off := range offsets[:3] {
		if off < 0 {
			continue
		}
		q.Offset = off
		p, err := s.Query(ctx, q)
		if err != nil {
			t.Fatalf("Query(%+v): %v", q, err)
		}
		if g, w := caseIDs(p.Cases), caseIDs(want[min(off, n):min(off+q.Limit, n)]); g != w {
			t.Fatalf("Query(%+v) by offset returned\n%s\nwant\n%s", q, g, w)
		}
		if q.Count && p.Total != n {
			t.Fatalf("%+v: Total = %d, want %d", q, p.Total, n)
		}
	}
}

// createAll stores a record for each case, from four goroutines.
func createAll(t *testing.T, s storage.Store, all []cases.Case) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for w := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(all) && errs[w] == nil; i += len(errs) {
				_, errs[w] = s.Create(context.Background(), &storage.Record{Case: all[i]})
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

func caseIDs(cs []cases.Case) string {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return "[" + strings.Join(ids, " ") + "]"
}

// testQueryOracle stores random cases and checks every filter alone and in
// random combinations, under every sort field in both directions, against
// the oracle.
func testQueryOracle(t *testing.T, s storage.Store, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 13))
	const n = 160
	all := make([]cases.Case, n)
	for i := range all {
		all[i] = randomCase(r, fmt.Sprintf("q%03d", r.IntN(1000)*1000+i))
		if r.IntN(10) == 0 {
			// Deleted restorably: stored, but never matched by a query.
			at := epoch.Add(time.Duration(i) * time.Minute)
			all[i].DeletedAt = &at
		}
	}
	createAll(t, s, all)
	for _, sort := range sortFields {
		for _, desc := range []bool{false, true} {
			checkQuery(t, s, r, storage.Query{Sort: sort, Desc: desc}, all, true)
		}
	}
	names := make([]string, 0, len(filterGens))
	for name := range filterGens {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			for range 6 {
				q := storage.Query{Sort: pick(r, sortFields), Desc: r.IntN(2) == 0}
				filterGens[name](r, &q, all)
				checkQuery(t, s, r, q, all, false)
			}
		})
	}
	t.Run("combinations", func(t *testing.T) {
		for range 60 {
			q := storage.Query{Sort: pick(r, sortFields), Desc: r.IntN(2) == 0}
			for _, name := range names {
				if r.IntN(4) == 0 {
					filterGens[name](r, &q, all)
				}
			}
			checkQuery(t, s, r, q, all, false)
		}
	})
}

// testQueryInvalid checks that every kind of bad query is a
// *validation.Error naming the field.
func testQueryInvalid(t *testing.T, s storage.Store, _ uint64) {
	ctx := context.Background()
	mustCreate(t, s, newRecord("c1", ""))
	byName := storage.Query{Sort: storage.SortName}.CursorAfter(&cases.Case{ID: "c1", Name: "x"})
	tests := []struct {
		name string
		path string
		q    storage.Query
	}{
		{"unknown status", "statuses[0]", storage.Query{Statuses: []cases.Status{"pending"}}},
		{"unknown risk level", "risk_levels[1]", storage.Query{RiskLevels: []risk.Level{risk.LevelLow, "severe"}}},
		{"unknown sort", "sort", storage.Query{Sort: "id"}},
		{"negative limit", "limit", storage.Query{Limit: -1}},
		{"negative offset", "offset", storage.Query{Offset: -1}},
		{"offset and cursor", "offset", storage.Query{Offset: 2, After: storage.Query{}.CursorAfter(&cases.Case{ID: "c1"})}},
		{"malformed cursor", "after", storage.Query{After: "!!not a cursor"}},
		{"cursor of another order", "after", storage.Query{After: byName}},
		{"cursor of the other direction", "after", storage.Query{Sort: storage.SortName, Desc: true, After: byName}},
		{"next review range reversed", "next_review_at", storage.Query{NextReview: storage.DateRange{From: poolDates[3], To: poolDates[2]}}},
		{"created range reversed", "created_at", storage.Query{CreatedAt: storage.TimeRange{From: epoch.Add(time.Nanosecond), To: epoch}}},
		{"updated range reversed", "updated_at", storage.Query{UpdatedAt: storage.TimeRange{From: epoch.Add(time.Hour), To: epoch}}},
		{"empty tag", "tags_none[1]", storage.Query{TagsNone: []string{"tag-a", ""}}},
		{"assignee and unassigned", "assignee_id", storage.Query{AssigneeID: "user-1", Unassigned: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Query(ctx, tt.q)
			var verr *validation.Error
			if !errors.As(err, &verr) || !errors.Is(err, validation.ErrInvalid) {
				t.Fatalf("got %v, want a *validation.Error", err)
			}
			if !verr.Has(tt.path, "") {
				t.Fatalf("problems %v, want one at %q", verr.Problems, tt.path)
			}
		})
	}
	// An empty range (From equal to To) is valid and matches nothing.
	p, err := s.Query(ctx, storage.Query{CreatedAt: storage.TimeRange{From: epoch, To: epoch}, Count: true})
	if err != nil || len(p.Cases) != 0 || p.Total != 0 {
		t.Fatalf("empty range: %d cases, total %d, %v", len(p.Cases), p.Total, err)
	}
}

// testQueryCursorUnderChurn walks every order with a cursor while cases are
// created and deleted, both between pages (the case the cursor names is
// deleted whenever it may be) and concurrently: every case that exists for
// the whole walk must be seen exactly once, and the walk must be in order.
func testQueryCursorUnderChurn(t *testing.T, s storage.Store, seed uint64) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(seed, 17))
	stable := map[string]bool{}
	for i := range 60 {
		id := fmt.Sprintf("s%03d", i)
		mustCreate(t, s, &storage.Record{Case: randomCase(r, id)})
		stable[id] = true
	}
	var churn []string // churn cases the walker may delete
	newChurn := func() {
		id := fmt.Sprintf("x%04d", len(stable)+len(churn)+r.IntN(1<<20)*10000)
		if _, err := s.Create(ctx, &storage.Record{Case: randomCase(r, id)}); err != nil && !errors.Is(err, storage.ErrConflict) {
			t.Fatal(err)
		}
		churn = append(churn, id)
	}
	for range 30 {
		newChurn()
	}
	for _, sort := range sortFields[1:] {
		for _, desc := range []bool{false, true} {
			q := storage.Query{Sort: sort, Desc: desc, Limit: 8}
			stop := make(chan struct{})
			errc := make(chan error, 1)
			go func() { errc <- concurrentChurn(ctx, s, fmt.Sprintf("g-%s-%v-", sort, desc), seed, stop) }()
			seen := map[string]bool{}
			var prev *cases.Case
			for pages := 0; ; pages++ {
				if pages > 1000 {
					t.Fatalf("%s desc=%v: the walk does not end", sort, desc)
				}
				p, err := s.Query(ctx, q)
				if err != nil {
					close(stop)
					<-errc
					t.Fatalf("Query(%+v): %v", q, err)
				}
				for i := range p.Cases {
					c := p.Cases[i]
					if seen[c.ID] {
						t.Fatalf("%s desc=%v: case %s seen twice", sort, desc, c.ID)
					}
					seen[c.ID] = true
					if prev != nil && oracleCompare(q, *prev, c) >= 0 {
						t.Fatalf("%s desc=%v: %s came after %s, out of order", sort, desc, c.ID, prev.ID)
					}
					prev = &c
				}
				if p.Next == "" {
					break
				}
				q.After = p.Next
				if n := len(p.Cases); n > 0 && strings.HasPrefix(p.Cases[n-1].ID, "x") {
					// Delete the case the cursor names.
					if rec, err := s.Get(ctx, p.Cases[n-1].ID); err == nil {
						if err := s.Delete(ctx, rec.Case.ID, rec.Version, epoch); err != nil {
							t.Fatal(err)
						}
					}
				}
				newChurn()
			}
			close(stop)
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
			for id := range stable {
				if !seen[id] {
					t.Fatalf("%s desc=%v: case %s, stored for the whole walk, was never returned", sort, desc, id)
				}
			}
		}
	}
}

// concurrentChurn creates and deletes cases with ids of the given prefix,
// at most 20 at a time, until stop is closed.
func concurrentChurn(ctx context.Context, s storage.Store, prefix string, seed uint64, stop <-chan struct{}) error {
	r := rand.New(rand.NewPCG(seed, 19))
	var live []*storage.Record
	for i := 0; ; i++ {
		select {
		case <-stop:
			return nil
		default:
		}
		time.Sleep(200 * time.Microsecond) // leave the walker some time
		if len(live) >= 20 || len(live) > 0 && r.IntN(2) == 0 {
			k := r.IntN(len(live))
			if err := s.Delete(ctx, live[k].Case.ID, live[k].Version, epoch); err != nil {
				return err
			}
			live = slices.Delete(live, k, k+1)
			continue
		}
		rec, err := s.Create(ctx, &storage.Record{Case: randomCase(r, fmt.Sprintf("%s%05d", prefix, i))})
		if err != nil {
			return err
		}
		live = append(live, rec)
	}
}
