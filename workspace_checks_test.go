package dossier_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/storage/memory"
	"github.com/dossierkit/dossier/validation"
)

// chkFixture is a case with a relevant main company (co-1), a relevant
// director (ind-1) and an individual marked not relevant (ind-2), put in
// the store directly so these tests do not depend on the entity operations.
type chkFixture struct {
	w      *dossier.Workspace
	store  *memory.Store
	caseID string
}

func newChkFixture(t *testing.T, opts ...dossier.Option) chkFixture {
	t.Helper()
	ctx := context.Background()
	store := memory.New()
	clock := newTestClock()
	opts = append([]dossier.Option{dossier.WithClock(clock.Now), dossier.WithIDGenerator(seqIDs())}, opts...)
	w, err := dossier.New(store, dossier.Settings{}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme SAS"})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := store.Get(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	at := rec.Case.CreatedAt
	rec.Companies = append(rec.Companies, entity.Company{ID: "co-1", Type: entity.CompanyMain, Name: "Acme SAS", Status: entity.StatusLive, IsRelevant: true, CreatedAt: at, UpdatedAt: at})
	rec.Individuals = append(rec.Individuals,
		entity.Individual{ID: "ind-1", FirstName: "Ada", LastName: "Lovelace", IsRelevant: true, CreatedAt: at, UpdatedAt: at},
		entity.Individual{ID: "ind-2", FirstName: "Bob", LastName: "Former", IsRelevant: false, CreatedAt: at, UpdatedAt: at},
	)
	if _, err := store.Update(ctx, rec); err != nil {
		t.Fatal(err)
	}
	return chkFixture{w: w, store: store, caseID: c.ID}
}

// state returns the case's actions and flags as stored.
func (f chkFixture) state(t *testing.T) cases.FlagState {
	t.Helper()
	c, err := f.w.GetCaseByID(context.Background(), f.caseID)
	if err != nil {
		t.Fatal(err)
	}
	return cases.FlagState{ContactHasActions: c.ContactHasActions, ReviewerHasActions: c.ReviewerHasActions, Flags: c.Flags}
}

func (f chkFixture) add(t *testing.T, in dossier.AddCheckInput) *cases.Check {
	t.Helper()
	c, err := f.w.AddCheck(context.Background(), f.caseID, in)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var chkFlagNames = map[string]cases.Flag{
	"aca": cases.FlagAllChecksApproved, "fr": cases.FlagForReview, "ffc": cases.FlagForFirstCollect,
	"frc": cases.FlagForRecollection, "fcc": cases.FlagFirstCollectCompleted,
}

// chkWant builds a FlagState from "contact reviewer flags..." where contact
// and reviewer are "C"/"-" and "R"/"-", and flags are short names.
func chkWant(spec string) cases.FlagState {
	f := strings.Fields(spec)
	st := cases.FlagState{ContactHasActions: f[0] == "C", ReviewerHasActions: f[1] == "R"}
	for _, n := range f[2:] {
		fl, ok := chkFlagNames[n]
		if !ok {
			panic("unknown flag " + n)
		}
		st.Flags = st.Flags.With(fl)
	}
	return st
}

// TestCheckCollectionThroughWorkspace walks one case through a full
// collection with the Workspace and checks the stored actions and flags
// after every operation. Expected states are worked out by hand from the
// rules in docs/design.md.
func TestCheckCollectionThroughWorkspace(t *testing.T) {
	ctx := context.Background()
	f := newChkFixture(t)
	if got, want := f.state(t), chkWant("- -"); got != want {
		t.Fatalf("new case: %+v, want %+v", got, want)
	}
	var aml, idDoc, kbis, ignored *cases.Check
	steps := []struct {
		name string
		op   func() error
		want string
	}{
		{"aml on the case", func() error { aml = f.add(t, dossier.AddCheckInput{Type: cases.CheckTypeAML}); return nil }, "C - ffc"},
		{"id document on the director", func() error {
			idDoc = f.add(t, dossier.AddCheckInput{Type: cases.CheckTypeIDDocument, Subtype: "passport", IndividualID: "ind-1"})
			return nil
		}, "C - ffc"},
		{"registry extract on the company", func() error {
			kbis = f.add(t, dossier.AddCheckInput{Type: cases.CheckTypeDocument, Subtype: "kbis", CompanyID: "co-1"})
			return nil
		}, "C - ffc"},
		{"a check on a non-relevant individual changes nothing", func() error {
			ignored = f.add(t, dossier.AddCheckInput{Type: cases.CheckTypeIDVerification, Status: cases.CheckStatusNeedReview, IndividualID: "ind-2"})
			return nil
		}, "C - ffc"},
		{"aml screening runs", func() error {
			_, err := f.w.MoveCheck(ctx, aml.ID, cases.CheckStatusProcessing, cases.MoveOptions{})
			return err
		}, "C - ffc"},
		{"passport submitted", func() error {
			_, err := f.w.MoveCheck(ctx, idDoc.ID, cases.CheckStatusNeedReview, cases.MoveOptions{})
			return err
		}, "C R ffc"},
		{"extract submitted: first collect done", func() error {
			_, err := f.w.MoveCheck(ctx, kbis.ID, cases.CheckStatusNeedReview, cases.MoveOptions{})
			return err
		}, "- R fr fcc"},
		{"aml cleared automatically", func() error {
			_, err := f.w.ReviewCheck(ctx, aml.ID, cases.CheckDecision{Status: cases.CheckStatusApproved})
			return err
		}, "- R fr fcc"},
		{"passport approved", func() error {
			_, err := f.w.ReviewCheck(ctx, idDoc.ID, cases.CheckDecision{Status: cases.CheckStatusApproved, Comment: "ok"})
			return err
		}, "- R fr fcc"},
		{"extract rejected", func() error {
			_, err := f.w.ReviewCheck(ctx, kbis.ID, cases.CheckDecision{Status: cases.CheckStatusRejected, Comment: "older than 3 months"})
			return err
		}, "C - frc fcc"},
		{"recollection started", func() error {
			_, err := f.w.MoveCheck(ctx, kbis.ID, cases.CheckStatusInProgress, cases.MoveOptions{})
			return err
		}, "C - fcc"},
		{"new extract submitted", func() error {
			_, err := f.w.MoveCheck(ctx, kbis.ID, cases.CheckStatusNeedReview, cases.MoveOptions{})
			return err
		}, "- R fr fcc"},
		{"new extract approved: all approved", func() error {
			_, err := f.w.ReviewCheck(ctx, kbis.ID, cases.CheckDecision{Status: cases.CheckStatusApproved})
			return err
		}, "- - aca fcc"},
		{"passport expires", func() error {
			_, err := f.w.ExpireCheck(ctx, idDoc.ID, cases.MoveOptions{})
			return err
		}, "C - frc fcc"},
		{"expired passport deleted", func() error { return f.w.DeleteCheck(ctx, idDoc.ID) }, "- - aca fcc"},
		{"all remaining checks deleted: the latch stays", func() error {
			if err := f.w.DeleteCheck(ctx, aml.ID); err != nil {
				return err
			}
			return f.w.DeleteCheck(ctx, kbis.ID)
		}, "- - fcc"},
	}
	for i, s := range steps {
		if err := s.op(); err != nil {
			t.Fatalf("step %d %s: %v", i, s.name, err)
		}
		if got, want := f.state(t), chkWant(s.want); got != want {
			t.Fatalf("step %d %s:\n got %+v\nwant %+v", i, s.name, got, want)
		}
	}
	// Only the check on the non-relevant individual is left.
	checks, err := f.w.ListChecks(ctx, f.caseID)
	if err != nil || len(checks) != 1 || checks[0].ID != ignored.ID {
		t.Fatalf("ListChecks = %v, %v", checks, err)
	}
}

func TestAddCheck(t *testing.T) {
	ctx := context.Background()
	f := newChkFixture(t)
	c, err := f.w.AddCheck(ctx, f.caseID, dossier.AddCheckInput{Type: cases.CheckTypeIDDocument, Subtype: "passport", IndividualID: "ind-1"})
	if err != nil {
		t.Fatal(err)
	}
	if c.ID == "" || c.Type != cases.CheckTypeIDDocument || c.Subtype != "passport" || c.Status != cases.CheckStatusInProgress ||
		c.IndividualID != "ind-1" || c.CompanyID != "" || c.CreatedAt.IsZero() || !c.CreatedAt.Equal(c.UpdatedAt) {
		t.Errorf("AddCheck = %+v", c)
	}
	if c.CreatedAt.Location() != time.UTC {
		t.Errorf("created_at not UTC: %v", c.CreatedAt)
	}
	if err := c.Validate(); err != nil {
		t.Error(err)
	}
	got, err := f.w.GetCheck(ctx, c.ID)
	if err != nil || *got != *c {
		t.Errorf("GetCheck = %+v, %v; want %+v", got, err, c)
	}
	// Copies out: changing what we got does not change the store.
	got.Status = cases.CheckStatusApproved
	again, _ := f.w.GetCheck(ctx, c.ID)
	if again.Status != cases.CheckStatusInProgress {
		t.Error("GetCheck returned shared state")
	}
	list, _ := f.w.ListChecks(ctx, f.caseID)
	list[0].Status = cases.CheckStatusApproved
	again, _ = f.w.GetCheck(ctx, c.ID)
	if again.Status != cases.CheckStatusInProgress {
		t.Error("ListChecks returned shared state")
	}
	// The check is found through its own id.
	rec, _ := f.store.Get(ctx, f.caseID)
	if len(rec.Checks) != 1 || rec.Checks[0] != *c {
		t.Errorf("stored checks = %+v", rec.Checks)
	}
}

func TestAddCheckRefused(t *testing.T) {
	ctx := context.Background()
	f := newChkFixture(t)
	tests := []struct {
		name     string
		in       dossier.AddCheckInput
		problems []string
	}{
		{"no type", dossier.AddCheckInput{}, []string{"type required"}},
		{"unknown type and status", dossier.AddCheckInput{Type: "kyb", Status: "open"}, []string{"type invalid_value", "status invalid_value"}},
		{"created decided", dossier.AddCheckInput{Type: cases.CheckTypeAML, Status: cases.CheckStatusApproved}, []string{"status not_allowed"}},
		{"two entities", dossier.AddCheckInput{Type: cases.CheckTypeAML, CompanyID: "co-1", IndividualID: "ind-1"}, []string{"individual_id conflict"}},
		{"long subtype", dossier.AddCheckInput{Type: cases.CheckTypeAML, Subtype: strings.Repeat("s", 101)}, []string{"subtype too_long"}},
		{"unknown company", dossier.AddCheckInput{Type: cases.CheckTypeDocument, CompanyID: "co-9"}, []string{"company_id invalid_value"}},
		{"unknown individual", dossier.AddCheckInput{Type: cases.CheckTypeDocument, IndividualID: "ind-9"}, []string{"individual_id invalid_value"}},
		{"an individual id given as company", dossier.AddCheckInput{Type: cases.CheckTypeDocument, CompanyID: "ind-1"}, []string{"company_id invalid_value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := unchanged(t, f.w, f.caseID, func() error {
				_, err := f.w.AddCheck(ctx, f.caseID, tt.in)
				return err
			})
			var verr *validation.Error
			if !errors.As(err, &verr) {
				t.Fatalf("err = %v, want validation error", err)
			}
			var got []string
			for _, p := range verr.Problems {
				got = append(got, p.Path+" "+string(p.Code))
			}
			if strings.Join(got, ",") != strings.Join(tt.problems, ",") {
				t.Errorf("problems = %v, want %v", got, tt.problems)
			}
			if dossier.HTTPStatus(err) != 400 {
				t.Errorf("HTTPStatus = %d", dossier.HTTPStatus(err))
			}
		})
	}
	if _, err := f.w.AddCheck(ctx, "no-such-case", dossier.AddCheckInput{Type: cases.CheckTypeAML}); !errors.Is(err, dossier.ErrNotFound) {
		t.Errorf("missing case: %v", err)
	}
}

func TestMoveCheckRefused(t *testing.T) {
	ctx := context.Background()
	f := newChkFixture(t)
	c := f.add(t, dossier.AddCheckInput{Type: cases.CheckTypeIDDocument, IndividualID: "ind-1"})

	// in_progress -> approved is not a move (decisions are reviews).
	err := unchanged(t, f.w, f.caseID, func() error {
		_, err := f.w.MoveCheck(ctx, c.ID, cases.CheckStatusApproved, cases.MoveOptions{Override: true})
		return err
	})
	wantProblem(t, err, "status", validation.CodeNotAllowed)

	// in_progress -> in_progress.
	err = unchanged(t, f.w, f.caseID, func() error {
		_, err := f.w.MoveCheck(ctx, c.ID, cases.CheckStatusInProgress, cases.MoveOptions{})
		return err
	})
	var terr *cases.CheckTransitionError
	if !errors.Is(err, dossier.ErrInvalidCheckTransition) || !errors.As(err, &terr) ||
		terr.From != cases.CheckStatusInProgress || terr.To != cases.CheckStatusInProgress || terr.OverrideRequired {
		t.Errorf("err = %v", err)
	}

	// Review before submission.
	err = unchanged(t, f.w, f.caseID, func() error {
		_, err := f.w.ReviewCheck(ctx, c.ID, cases.CheckDecision{Status: cases.CheckStatusApproved})
		return err
	})
	if !errors.Is(err, dossier.ErrInvalidCheckTransition) || errors.Is(err, dossier.ErrCheckOverrideRequired) {
		t.Errorf("early review: %v", err)
	}

	// Unknown target status.
	err = unchanged(t, f.w, f.caseID, func() error {
		_, err := f.w.MoveCheck(ctx, c.ID, "submitted", cases.MoveOptions{})
		return err
	})
	wantProblem(t, err, "status", validation.CodeInvalidValue)

	// Missing checks; a company id is not a check id.
	for _, id := range []string{"", "nope", "co-1", f.caseID} {
		if _, err := f.w.MoveCheck(ctx, id, cases.CheckStatusProcessing, cases.MoveOptions{}); !errors.Is(err, dossier.ErrNotFound) {
			t.Errorf("MoveCheck(%q) = %v, want ErrNotFound", id, err)
		}
		if _, err := f.w.GetCheck(ctx, id); !errors.Is(err, dossier.ErrNotFound) {
			t.Errorf("GetCheck(%q) = %v, want ErrNotFound", id, err)
		}
		if err := f.w.DeleteCheck(ctx, id); !errors.Is(err, dossier.ErrNotFound) {
			t.Errorf("DeleteCheck(%q) = %v, want ErrNotFound", id, err)
		}
	}
}

func TestReviewCheckDecidedNeedsOverride(t *testing.T) {
	ctx := context.Background()
	f := newChkFixture(t)
	c := f.add(t, dossier.AddCheckInput{Type: cases.CheckTypeIDDocument, IndividualID: "ind-1", Status: cases.CheckStatusNeedReview})
	rejected, err := f.w.ReviewCheck(ctx, c.ID, cases.CheckDecision{Status: cases.CheckStatusRejected, Comment: "blurred"})
	if err != nil {
		t.Fatal(err)
	}
	if rejected.Status != cases.CheckStatusRejected || rejected.ReviewComment != "blurred" ||
		rejected.ReviewedAt.IsZero() || !rejected.ReviewedAt.Equal(rejected.UpdatedAt) || !rejected.ReviewedAt.After(c.CreatedAt) {
		t.Errorf("rejected = %+v", rejected)
	}

	for _, op := range []struct {
		name string
		do   func(override bool) (*cases.Check, error)
		want cases.CheckStatus
	}{
		{"approve a rejected check", func(o bool) (*cases.Check, error) {
			return f.w.ReviewCheck(ctx, c.ID, cases.CheckDecision{Status: cases.CheckStatusApproved, Comment: "second look", Override: o})
		}, cases.CheckStatusApproved},
		{"send an approved check back to review", func(o bool) (*cases.Check, error) {
			return f.w.MoveCheck(ctx, c.ID, cases.CheckStatusNeedReview, cases.MoveOptions{Override: o})
		}, cases.CheckStatusNeedReview},
	} {
		t.Run(op.name, func(t *testing.T) {
			err := unchanged(t, f.w, f.caseID, func() error { _, err := op.do(false); return err })
			var terr *cases.CheckTransitionError
			if !errors.Is(err, dossier.ErrCheckOverrideRequired) || !errors.As(err, &terr) || !terr.OverrideRequired {
				t.Fatalf("without override: %v", err)
			}
			got, err := op.do(true)
			if err != nil || got.Status != op.want {
				t.Fatalf("with override: %+v, %v", got, err)
			}
		})
	}

	// Input problems are reported before anything is loaded.
	err = unchanged(t, f.w, f.caseID, func() error {
		_, err := f.w.ReviewCheck(ctx, c.ID, cases.CheckDecision{Status: cases.CheckStatusExpired, Comment: strings.Repeat("x", cases.MaxCheckCommentLen+1)})
		return err
	})
	wantProblem(t, err, "status", validation.CodeInvalidValue)
	wantProblem(t, err, "comment", validation.CodeTooLong)
}

func TestRelevanceDecidesWhichChecksCount(t *testing.T) {
	ctx := context.Background()
	f := newChkFixture(t)
	onCase := f.add(t, dossier.AddCheckInput{Type: cases.CheckTypeAML, Status: cases.CheckStatusNeedReview})
	f.add(t, dossier.AddCheckInput{Type: cases.CheckTypeIDDocument, IndividualID: "ind-2"}) // in_progress, not relevant
	if got, want := f.state(t), chkWant("- R fr fcc"); got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}

	// ind-2 becomes relevant (written to the store as an entity update
	// would); the next change of the case recomputes the flags.
	setRelevant := func(id string, relevant bool) {
		rec, err := f.store.Get(ctx, f.caseID)
		if err != nil {
			t.Fatal(err)
		}
		for i := range rec.Individuals {
			if rec.Individuals[i].ID == id {
				rec.Individuals[i].IsRelevant = relevant
			}
		}
		if _, err := f.store.Update(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	setRelevant("ind-2", true)
	if _, err := f.w.ReviewCheck(ctx, onCase.ID, cases.CheckDecision{Status: cases.CheckStatusApproved}); err != nil {
		t.Fatal(err)
	}
	// approved + in_progress; the latch was set before, so no for_first_collect.
	if got, want := f.state(t), chkWant("C - fcc"); got != want {
		t.Fatalf("after relevance: got %+v, want %+v", got, want)
	}

	// Not relevant again: only the approved check counts.
	setRelevant("ind-2", false)
	if _, err := f.w.UpdateCase(ctx, f.caseID, dossier.UpdateCaseInput{Name: patch.Value("Acme SA")}); err != nil {
		t.Fatal(err)
	}
	if got, want := f.state(t), chkWant("- - aca fcc"); got != want {
		t.Fatalf("after irrelevance: got %+v, want %+v", got, want)
	}

	// A check whose entity left the case does not count either.
	f.add(t, dossier.AddCheckInput{Type: cases.CheckTypeDocument, CompanyID: "co-1"})
	if got, want := f.state(t), chkWant("C - fcc"); got != want {
		t.Fatalf("with company check: got %+v, want %+v", got, want)
	}
	rec, _ := f.store.Get(ctx, f.caseID)
	rec.Companies = nil
	if _, err := f.store.Update(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if _, err := f.w.UpdateCase(ctx, f.caseID, dossier.UpdateCaseInput{Name: patch.Value("Acme")}); err != nil {
		t.Fatal(err)
	}
	if got, want := f.state(t), chkWant("- - aca fcc"); got != want {
		t.Fatalf("entity gone: got %+v, want %+v", got, want)
	}
}

func TestAddCheckInputJSON(t *testing.T) {
	var in dossier.AddCheckInput
	err := json.Unmarshal([]byte(`{"type":"id_document","subtype":"passport","individual_id":"ind-1","status":null}`), &in)
	if err != nil {
		t.Fatal(err)
	}
	want := dossier.AddCheckInput{Type: cases.CheckTypeIDDocument, Subtype: "passport", IndividualID: "ind-1"}
	if in != want {
		t.Errorf("got %+v", in)
	}
	err = json.Unmarshal([]byte(`{"type":"kyb","status":"done","company_id":7,"colour":"red"}`), &in)
	var verr *validation.Error
	if !errors.As(err, &verr) {
		t.Fatalf("err = %v", err)
	}
	for _, p := range []struct {
		path string
		code validation.Code
	}{
		{"type", validation.CodeInvalidValue},
		{"status", validation.CodeInvalidValue},
		{"company_id", validation.CodeInvalidType},
		{"colour", validation.CodeUnknownField},
	} {
		if !verr.Has(p.path, p.code) {
			t.Errorf("missing %s %s in %v", p.path, p.code, verr)
		}
	}
	if len(verr.Problems) != 4 {
		t.Errorf("problems = %v", verr.Problems)
	}
	if in != want {
		t.Errorf("input changed on error: %+v", in)
	}
}

// Concurrent changes to different checks of one case all land: the
// Workspace re-applies a change that lost a version race.
func TestConcurrentCheckChanges(t *testing.T) {
	ctx := context.Background()
	f := newChkFixture(t)
	const n = 8
	ids := make([]string, n)
	for i := range ids {
		ids[i] = f.add(t, dossier.AddCheckInput{Type: cases.CheckTypeDocument, Status: cases.CheckStatusNeedReview}).ID
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.w.ReviewCheck(ctx, id, cases.CheckDecision{Status: cases.CheckStatusApproved})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	checks, _ := f.w.ListChecks(ctx, f.caseID)
	for _, c := range checks {
		if c.Status != cases.CheckStatusApproved {
			t.Errorf("check %s is %s", c.ID, c.Status)
		}
	}
	if got, want := f.state(t), chkWant("- - aca fcc"); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestDeleteCheckKeepsOthers(t *testing.T) {
	ctx := context.Background()
	f := newChkFixture(t)
	a := f.add(t, dossier.AddCheckInput{Type: cases.CheckTypeAML})
	b := f.add(t, dossier.AddCheckInput{Type: cases.CheckTypeEKYC, IndividualID: "ind-1"})
	c := f.add(t, dossier.AddCheckInput{Type: cases.CheckTypeDocument, CompanyID: "co-1"})
	if err := f.w.DeleteCheck(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	checks, _ := f.w.ListChecks(ctx, f.caseID)
	if len(checks) != 2 || checks[0].ID != a.ID || checks[1].ID != c.ID {
		t.Fatalf("after delete: %+v", checks)
	}
	if err := f.w.DeleteCheck(ctx, b.ID); !errors.Is(err, dossier.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	if got, want := f.state(t), chkWant("C - ffc"); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func FuzzAddCheckInputJSON(f *testing.F) {
	for _, s := range []string{
		`{"type":"id_document","subtype":"passport","individual_id":"ind-1"}`,
		`{"type":"aml","status":"need_review","company_id":"co-1"}`,
		`{"type":null}`, `{}`, `[]`, `{"type":"kyb","x":1}`, `{"type":""}`, `A`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var in dossier.AddCheckInput
		if err := json.Unmarshal(data, &in); err != nil {
			var syntax *json.SyntaxError
			if !errors.Is(err, validation.ErrInvalid) && !errors.As(err, &syntax) {
				t.Fatalf("decode error is not a validation error: %v", err)
			}
			return
		}
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		var back dossier.AddCheckInput
		if err := json.Unmarshal(b, &back); err != nil || back != in {
			t.Fatalf("round trip %s: %+v, %v; want %+v", b, back, err, in)
		}
		if in.Type != "" && !in.Type.Valid() || in.Status != "" && !in.Status.Valid() {
			t.Fatalf("decoded an unknown type or status: %+v", in)
		}
	})
}
