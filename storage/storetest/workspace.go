package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/storage"
)

// RunWorkspace runs the Workspace's scenarios over stores made by newStore:
// the case lifecycle, entities, relations and orphans, checks and flags,
// risk, reviews due, the audit trail with actors and changes (also after a
// delete), conditional writes, and concurrent writers losing no update. It
// proves that the domain rules hold over the adapter, not only over the
// contract's single calls. Run calls it (as its "Workspace" subtest), so
// every adapter that runs the suite runs the scenarios too.
func RunWorkspace(t *testing.T, newStore func(t *testing.T) storage.Store) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, w *dossier.Workspace)
	}{
		{"CaseLifecycle", wsCaseLifecycle},
		{"EntitiesRelationsOrphans", wsEntities},
		{"ChecksAndFlags", wsChecksAndFlags},
		{"Risk", wsRisk},
		{"ReviewsDue", wsReviewsDue},
		{"AuditTrail", wsAuditTrail},
		{"ConditionalWrites", wsConditional},
		{"ConcurrentWritersLoseNothing", wsConcurrentWriters},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defer reportFailure(t)
			w, err := dossier.New(newStore(t), dossier.Settings{
				ReviewPeriods: map[risk.Level]cases.Period{risk.LevelLow: {Years: 1}, risk.LevelHigh: {Months: 6}},
			}, dossier.WithRetryTimeout(30*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			tt.fn(t, w)
		})
	}
}

// failure is what must panics with; RunWorkspace turns it into t.Fatal.
type failure struct{ err error }

// must returns v, or ends the scenario with err.
func must[T any](v T, err error) T {
	if err != nil {
		panic(failure{err})
	}
	return v
}

// reportFailure, deferred by each scenario, fails it on a must failure.
func reportFailure(t *testing.T) {
	if r := recover(); r != nil {
		f, ok := r.(failure)
		if !ok {
			panic(r)
		}
		t.Fatal(f.err)
	}
}

// wsEventNames returns the names of a case's events after the first skip.
func wsEventNames(t *testing.T, w *dossier.Workspace, caseID string, skip int) []string {
	t.Helper()
	var out []string
	for e, err := range w.Events(context.Background(), caseID) {
		if err != nil {
			t.Fatal(err)
		}
		if skip > 0 {
			skip--
			continue
		}
		out = append(out, e.Name())
	}
	return out
}

func wsCaseLifecycle(t *testing.T, w *dossier.Workspace) {
	ctx := context.Background()
	c := must(w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme", ExternalID: "crm-1", Status: cases.StatusDraft}))
	if c.Status != cases.StatusDraft || c.Version != 1 {
		t.Fatalf("created %+v", c)
	}
	if _, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Other", ExternalID: "crm-1"}); !errors.Is(err, dossier.ErrDuplicateExternalID) {
		t.Fatalf("duplicate external id: %v", err)
	}
	if got := must(w.GetCase(ctx, "crm-1")); got.ID != c.ID {
		t.Fatalf("by external id: %s", got.ID)
	}
	c = must(w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{Status: patch.Value(cases.StatusOpen), Metadata: patch.Value(cases.Metadata{"k": "v"})}))
	if _, err := w.ReviewCase(ctx, c.ID, dossier.ReviewInput{Status: "bogus"}); !errors.Is(err, dossier.ErrInvalid) {
		t.Fatalf("bad review: %v", err)
	}
	c = must(w.ReviewCase(ctx, c.ID, dossier.ReviewInput{Status: cases.ReviewRejected, Comment: "no"}))
	if _, err := w.ReviewCase(ctx, c.ID, dossier.ReviewInput{Status: cases.ReviewApproved}); !errors.Is(err, dossier.ErrInvalidTransition) {
		t.Fatalf("approve a rejected case: %v", err)
	}
	c = must(w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{Status: patch.Value(cases.StatusOpen)}))
	c = must(w.ReviewCase(ctx, c.ID, dossier.ReviewInput{Status: cases.ReviewClosed}))
	if c.Status != cases.StatusClosed || c.Version != 5 {
		t.Fatalf("after close: %s version %d", c.Status, c.Version)
	}
	want := "[Case.Created Case.StatusUpdated Case.MetadataUpdated Case.StatusUpdated Case.ReviewUpdated Case.StatusUpdated Case.StatusUpdated Case.ReviewUpdated]"
	if got := fmt.Sprint(wsEventNames(t, w, c.ID, 0)); got != want {
		t.Fatalf("events %s\nwant   %s", got, want)
	}
	if err := w.DeleteCase(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.GetCase(ctx, "crm-1"); !errors.Is(err, dossier.ErrNotFound) {
		t.Fatalf("deleted case: %v", err)
	}
	// The external id is free again.
	must(w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme again", ExternalID: "crm-1"}))
}

func wsEntities(t *testing.T, w *dossier.Workspace) {
	ctx := context.Background()
	c := must(w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme"}))
	early := must(w.AddIndividual(ctx, c.ID, entity.IndividualInput{LastName: "Early"}))
	if len(early.Relations) != 0 {
		t.Fatal("an individual added before the main company is linked")
	}
	main := must(w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Acme Ltd"}))
	hold := must(w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Holding", Type: entity.CompanyAffiliated,
		Relations: []entity.Link{{OwnershipPercentage: entity.MustPercentage("60")}}}))
	p := must(w.AddIndividual(ctx, c.ID, entity.IndividualInput{FirstName: "Tony", LastName: "Stark",
		Relations: []entity.Link{{ToCompanyID: hold.Company.ID, OwnershipPercentage: entity.MustPercentage("50")}}}))
	if got := must(w.GetIndividual(ctx, early.Individual.ID)); len(got.Relations) != 1 || got.Relations[0].ToCompanyID != main.Company.ID {
		t.Fatalf("the main company did not link the early individual: %+v", got.Relations)
	}
	// Totals: 50 % of 60 % is 30 %.
	if got := must(w.GetIndividual(ctx, p.Individual.ID)); got.OwnershipPercentage.String() != "30" {
		t.Fatalf("total %s, want 30", got.OwnershipPercentage)
	}
	// Over 100 % into the main company is refused; nothing saved.
	_, err := w.AddRelation(ctx, c.ID, relation.Input{FromIndividualID: p.Individual.ID, OwnershipPercentage: entity.MustPercentage("41")})
	if !errors.Is(err, dossier.ErrInvalid) {
		t.Fatalf("stakes over 100 %%: %v", err)
	}
	// Deleting the holding would orphan Tony.
	if err := w.DeleteCompany(ctx, hold.Company.ID); !errors.Is(err, dossier.ErrOrphan) {
		t.Fatalf("orphaning delete: %v", err)
	}
	r := must(w.AddRelation(ctx, c.ID, relation.Input{FromIndividualID: p.Individual.ID, OwnershipPercentage: entity.MustPercentage("10")}))
	if err := w.DeleteCompany(ctx, hold.Company.ID); err != nil {
		t.Fatal(err)
	}
	if got := must(w.GetIndividual(ctx, p.Individual.ID)); got.OwnershipPercentage.String() != "10" || len(got.Relations) != 1 || got.Relations[0].ID != r.ID {
		t.Fatalf("after the holding left: %s %+v", got.OwnershipPercentage, got.Relations)
	}
	if err := w.DeleteRelation(ctx, r.ID); !errors.Is(err, dossier.ErrOrphan) {
		t.Fatalf("deleting the last link: %v", err)
	}
	if id, err := w.CaseOfEntity(ctx, r.ID); err != nil || id != c.ID {
		t.Fatalf("case of relation: %s, %v", id, err)
	}
	if err := w.DeleteIndividual(ctx, p.Individual.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.GetRelation(ctx, r.ID); !errors.Is(err, dossier.ErrNotFound) {
		t.Fatalf("the relation of a deleted individual: %v", err)
	}
	if n := len(must(w.ListIndividuals(ctx, c.ID))); n != 1 {
		t.Fatalf("%d individuals left, want 1", n)
	}
}

func wsChecksAndFlags(t *testing.T, w *dossier.Workspace) {
	ctx := context.Background()
	c := must(w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme"}))
	must(w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Acme Ltd"}))
	p := must(w.AddIndividual(ctx, c.ID, entity.IndividualInput{LastName: "Stark"}))
	onCase := must(w.AddCheck(ctx, c.ID, dossier.AddCheckInput{Type: cases.CheckTypeAML}))
	onPerson := must(w.AddCheck(ctx, c.ID, dossier.AddCheckInput{Type: cases.CheckTypeIDDocument, IndividualID: p.Individual.ID}))
	flags := func() string {
		c := must(w.GetCase(ctx, c.ID))
		return fmt.Sprintf("contact=%t reviewer=%t %v", c.ContactHasActions, c.ReviewerHasActions, c.Flags)
	}
	steps := []struct {
		name string
		op   func() error
		want string
	}{
		{"two checks in progress", func() error { return nil }, "contact=true reviewer=false [for_first_collect]"},
		{"case check submitted", func() error {
			_, err := w.MoveCheck(ctx, onCase.ID, cases.CheckStatusNeedReview, cases.MoveOptions{})
			return err
		}, "contact=true reviewer=true [for_first_collect]"},
		{"person check submitted", func() error {
			_, err := w.MoveCheck(ctx, onPerson.ID, cases.CheckStatusNeedReview, cases.MoveOptions{})
			return err
		}, "contact=false reviewer=true [for_review first_collect_completed]"},
		{"both approved", func() error {
			if _, err := w.ReviewCheck(ctx, onCase.ID, cases.CheckDecision{Status: cases.CheckStatusApproved}); err != nil {
				return err
			}
			_, err := w.ReviewCheck(ctx, onPerson.ID, cases.CheckDecision{Status: cases.CheckStatusApproved})
			return err
		}, "contact=false reviewer=false [all_checks_approved first_collect_completed]"},
		{"person check expired", func() error {
			_, err := w.ExpireCheck(ctx, onPerson.ID, cases.MoveOptions{Override: true})
			return err
		}, "contact=true reviewer=false [for_recollection first_collect_completed]"},
		{"person deleted with its check", func() error { return w.DeleteIndividual(ctx, p.Individual.ID) },
			"contact=false reviewer=false [all_checks_approved first_collect_completed]"},
	}
	for _, s := range steps {
		if err := s.op(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := flags(); got != s.want {
			t.Fatalf("%s: %s, want %s", s.name, got, s.want)
		}
	}
	if _, err := w.GetCheck(ctx, onPerson.ID); !errors.Is(err, dossier.ErrNotFound) {
		t.Fatalf("the check of a deleted individual: %v", err)
	}
}

func wsRisk(t *testing.T, w *dossier.Workspace) {
	ctx := context.Background()
	c := must(w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme"}))
	reviewed := c.CreatedAt // a review may not be dated before its case
	day := cases.DateOf(reviewed)
	must(w.ReviewCase(ctx, c.ID, dossier.ReviewInput{Status: cases.ReviewApproved, ReviewedAt: reviewed}))
	score := decimal.NewFromInt(10067)
	r, dup, err := w.PushAutomaticRisk(ctx, c.ID, risk.Input{Level: risk.LevelLow, Score: &score})
	if err != nil || dup {
		t.Fatalf("first push: %v %t", err, dup)
	}
	again := decimal.RequireFromString("10067.0")
	r2, dup, err := w.PushAutomaticRisk(ctx, c.ID, risk.Input{Level: risk.LevelLow, Score: &again})
	if err != nil || !dup || r2.ID != r.ID {
		t.Fatalf("same risk again: %v %t", err, dup)
	}
	got := must(w.GetCase(ctx, c.ID))
	if got.Risk == nil || got.Risk.Level != risk.LevelLow || *got.Review.NextReviewAt != (cases.Period{Years: 1}).After(day) {
		t.Fatalf("after the low risk: %+v next %v", got.Risk, got.Review.NextReviewAt)
	}
	must(w.SetManualRisk(ctx, c.ID, risk.Input{Level: risk.LevelHigh}))
	if got := must(w.GetCase(ctx, c.ID)); *got.Review.NextReviewAt != (cases.Period{Months: 6}).After(day) {
		t.Fatalf("the high level did not move the review: %v", got.Review.NextReviewAt)
	}
	must3(w.PushAutomaticRisk(ctx, c.ID, risk.Input{Level: risk.LevelMedium}))
	if got := must(w.GetCase(ctx, c.ID)); got.Risk.Level != risk.LevelHigh {
		t.Fatalf("an automatic risk became current in manual mode: %s", got.Risk.Level)
	}
	if got := must(w.EnableAutomaticRisk(ctx, c.ID)); got.Risk.Level != risk.LevelMedium {
		t.Fatalf("after enabling automatic mode: %s", got.Risk.Level)
	}
	h := must(w.RiskHistory(ctx, c.ID))
	if n := len(h.Risks()); n != 3 {
		t.Fatalf("%d risks in the history, want 3", n)
	}
}

func must3[A, B any](_ A, _ B, err error) {
	if err != nil {
		panic(failure{err})
	}
}

func wsReviewsDue(t *testing.T, w *dossier.Workspace) {
	ctx := context.Background()
	for i, d := range []int{10, 20, 30} {
		c := must(w.CreateCase(ctx, dossier.CreateCaseInput{Name: fmt.Sprint("due ", d)}))
		must(w.ReviewCase(ctx, c.ID, dossier.ReviewInput{Status: cases.ReviewApproved,
			NextReviewAt: patch.Value(cases.Date{Year: 2027, Month: 1, Day: d})}))
		if i == 2 {
			must(w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{Status: patch.Value(cases.StatusOpen)})) // reopened: not due
		}
	}
	must(w.CreateCase(ctx, dossier.CreateCaseInput{Name: "open"}))
	collect := func(seq func(func(*cases.Case, error) bool)) string {
		var out []string
		for c, err := range seq {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, c.Name)
		}
		return strings.Join(out, ",")
	}
	at := time.Date(2027, 1, 25, 8, 0, 0, 0, time.UTC)
	if got := collect(w.DueForReview(ctx, at)); got != "due 10,due 20" {
		t.Fatalf("due %q", got)
	}
	if got := collect(w.RecordReviewsDue(ctx, at)); got != "due 10,due 20" {
		t.Fatalf("recorded %q", got)
	}
	if got := collect(w.RecordReviewsDue(ctx, at)); got != "" {
		t.Fatalf("recorded again %q", got)
	}
}

func wsAuditTrail(t *testing.T, w *dossier.Workspace) {
	alice, err := dossier.WithActor(context.Background(), event.Actor{Type: event.ActorUser, ID: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	job, err := dossier.WithActor(context.Background(), event.Actor{Type: event.ActorSystem, ID: "nightly"})
	if err != nil {
		t.Fatal(err)
	}
	c := must(w.CreateCase(alice, dossier.CreateCaseInput{Name: "Acme"}))
	must(w.AddCompany(alice, c.ID, entity.CompanyInput{Name: "Acme Ltd"}))
	p := must(w.AddIndividual(alice, c.ID, entity.IndividualInput{LastName: "Stark",
		Relations: []entity.Link{{OwnershipPercentage: entity.MustPercentage("25")}}}))
	must(w.UpdateRelation(job, p.Relations[0].ID, relation.Update{OwnershipPercentage: patch.Value(entity.MustPercentage("30"))}))
	if err := w.DeleteCase(alice, c.ID); err != nil {
		t.Fatal(err)
	}
	var got []string
	for e, err := range w.Events(context.Background(), c.ID) {
		if err != nil {
			t.Fatal(err)
		}
		line := fmt.Sprintf("%s by %s/%s", e.Name(), e.Actor.Type, e.Actor.ID)
		for _, fc := range e.Changes {
			line += fmt.Sprintf(" %s %s->%s", fc.Name, fc.Previous, fc.Next)
		}
		if e.CaseID != c.ID || e.Seq == 0 || !json.Valid(e.Payload) {
			t.Fatalf("event %+v", e)
		}
		got = append(got, line)
	}
	want := []string{
		"Case.Created by user/alice",
		"Company.Created by user/alice",
		"Individual.Created by user/alice",
		"Individual.Updated by system/nightly relations." + p.Relations[0].ID + ".ownership_percentage 25->30",
		"Case.Deleted by user/alice",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("audit trail of the deleted case:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	n, err := w.Drain(context.Background(), func(context.Context, event.Event) error { return nil })
	if err != nil || n != len(want) {
		t.Fatalf("drained %d, %v", n, err)
	}
}

func wsConditional(t *testing.T, w *dossier.Workspace) {
	ctx := context.Background()
	c := must(w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme"}))
	must(w.UpdateCase(dossier.IfMatch(ctx, c.Version), c.ID, dossier.UpdateCaseInput{Name: patch.Value("first")}))
	_, err := w.UpdateCase(dossier.IfMatch(ctx, c.Version), c.ID, dossier.UpdateCaseInput{Name: patch.Value("second")})
	if !errors.Is(err, dossier.ErrStaleVersion) || !errors.Is(err, dossier.ErrConflict) {
		t.Fatalf("stale version: %v", err)
	}
	if got := must(w.GetCase(ctx, c.ID)); got.Name != "first" || got.Version != 2 {
		t.Fatalf("after a stale write: %s version %d", got.Name, got.Version)
	}
}

func wsConcurrentWriters(t *testing.T, w *dossier.Workspace) {
	ctx := context.Background()
	c := must(w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme"}))
	const writers, each = 4, 15
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				md := cases.Metadata{fmt.Sprint("w", g): fmt.Sprint(i)}
				if _, err := w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{Metadata: patch.Value(md)}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	got := must(w.GetCase(ctx, c.ID))
	if got.Version != 1+writers*each {
		t.Fatalf("version %d after %d changes: an update was lost", got.Version, writers*each)
	}
	if n := len(wsEventNames(t, w, c.ID, 0)); n != 1+writers*each {
		t.Fatalf("%d events for %d changes", n, 1+writers*each)
	}
}
