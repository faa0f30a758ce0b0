package dossier_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/storage/memory"
	"github.com/dossierkit/dossier/validation"
)

// entFixture is a case with the example structure of the Dotfile API's documentation: main company M; affiliated
// company A holding 60 % of M; owner O holding 40 % of A; representative R
// linked to M.
type entFixture struct {
	w             *dossier.Workspace
	caseID        string
	M, A, O, R    string
	rAM, rOA, rRM string // relation ids
}

func newEntFixture(t *testing.T, s dossier.Settings) entFixture {
	t.Helper()
	ctx := context.Background()
	f := entFixture{w: newWorkspace(t, s)}
	c, err := f.w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Stark"})
	if err != nil {
		t.Fatal(err)
	}
	f.caseID = c.ID
	m, err := f.w.AddCompany(ctx, f.caseID, entity.CompanyInput{Name: "Main Co", Country: "FR"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := f.w.AddCompany(ctx, f.caseID, entity.CompanyInput{Type: entity.CompanyAffiliated, Name: "Holding",
		Relations: []entity.Link{{OwnershipPercentage: entity.MustPercentage("60"), Roles: []entity.Role{entity.RoleShareholder}}}})
	if err != nil {
		t.Fatal(err)
	}
	o, err := f.w.AddIndividual(ctx, f.caseID, entity.IndividualInput{FirstName: "Olivia", LastName: "Owner",
		Relations: []entity.Link{{ToCompanyID: a.ID, OwnershipPercentage: entity.MustPercentage("40")}}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.w.AddIndividual(ctx, f.caseID, entity.IndividualInput{FirstName: "Remy", LastName: "Rep", Email: "remy@example.com", IsBusinessContact: true})
	if err != nil {
		t.Fatal(err)
	}
	f.M, f.A, f.O, f.R = m.ID, a.ID, o.ID, r.ID
	f.rAM, f.rOA, f.rRM = a.Relations[0].ID, o.Relations[0].ID, r.Relations[0].ID
	return f
}

func TestEntitiesSeedPayload(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Stark"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Stark Industries"}); err != nil {
		t.Fatal(err)
	}
	aff, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{Type: entity.CompanyAffiliated, Name: "Stark Holding"})
	if err != nil {
		t.Fatal(err)
	}
	// The Dotfile API's example payload, its placeholders filled in.
	payload := strings.NewReplacer("{{case_id}}", c.ID, "{{affiliated_company_id}}", aff.ID).Replace(`{
  "case_id": "{{case_id}}",
  "is_business_contact": true,
  "is_beneficial_owner": true,
  "first_name": "Tony",
  "last_name": "Stark",
  "maiden_name": null,
  "email": "tony@stark.example",
  "ownership_percentage": 33.33,
  "voting_rights_percentage": 33.33,
  "relations": [
    {
      "to_company_id": "{{affiliated_company_id}}",
      "roles": [
        "shareholder"
      ],
      "position": "CEO",
      "ownership_percentage": 33.33,
      "voting_rights_percentage": 33.33
    }
  ]
}`)
	var in entity.IndividualInput
	if err := json.Unmarshal([]byte(payload), &in); err != nil {
		t.Fatal(err)
	}
	tony, err := w.AddIndividual(ctx, c.ID, in)
	if err != nil {
		t.Fatalf("the Dotfile API's example payload was refused: %v", err)
	}
	third := entity.MustPercentage("33.33")
	if tony.FirstName != "Tony" || !tony.IsBeneficialOwner || !tony.IsBusinessContact || !tony.OwnershipPercentage.Equal(third) {
		t.Fatalf("individual %+v", tony.Individual)
	}
	if len(tony.Relations) != 1 {
		t.Fatalf("relations %+v", tony.Relations)
	}
	r := tony.Relations[0]
	if r.FromIndividualID != tony.ID || r.ToCompanyID != aff.ID || r.Position != "CEO" || !r.HasRole(relation.RoleShareholder) ||
		!r.OwnershipPercentage.Equal(third) || !r.VotingRightsPercentage.Equal(third) {
		t.Fatalf("relation %+v", r)
	}
	got, err := w.GetIndividual(ctx, tony.ID)
	if err != nil {
		t.Fatal(err)
	}
	if mustMarshal(t, got) != mustMarshal(t, tony) {
		t.Fatalf("GetIndividual differs from what AddIndividual returned:\n%s\n%s", mustMarshal(t, got), mustMarshal(t, tony))
	}
	for _, id := range []string{tony.ID, aff.ID, r.ID} {
		caseID, err := w.CaseOfEntity(ctx, id)
		if err != nil || caseID != c.ID {
			t.Fatalf("CaseOfEntity(%s) = %q, %v", id, caseID, err)
		}
	}
	if _, err := w.CaseOfEntity(ctx, "nope"); !errors.Is(err, dossier.ErrNotFound) {
		t.Fatalf("CaseOfEntity(nope) = %v", err)
	}
	names := eventNames(t, w, c.ID, 0)
	if !slices.Contains(names, "Individual.Created") || !slices.Contains(names, "Company.Created") {
		t.Fatalf("events %v", names)
	}
}

func mustMarshal(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// entProblems fails unless err is a *validation.Error with exactly these
// "path code" problems.
func entProblems(t *testing.T, err error, want ...string) {
	t.Helper()
	var verr *validation.Error
	if !errors.As(err, &verr) {
		t.Fatalf("got %v, want problems %v", err, want)
	}
	var got []string
	for _, p := range verr.Problems {
		got = append(got, p.Path+" "+string(p.Code))
	}
	slices.Sort(got)
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("problems %v, want %v", got, want)
	}
}

func TestEntitiesRefusedChangeNothing(t *testing.T) {
	ctx := context.Background()
	type check func(t *testing.T, f entFixture, err error)
	problems := func(want ...string) check {
		return func(t *testing.T, _ entFixture, err error) { t.Helper(); entProblems(t, err, want...) }
	}
	notFound := func(t *testing.T, _ entFixture, err error) {
		t.Helper()
		if !errors.Is(err, dossier.ErrNotFound) {
			t.Fatalf("got %v, want ErrNotFound", err)
		}
	}
	orphans := func(ids func(f entFixture) []string) check {
		return func(t *testing.T, f entFixture, err error) {
			t.Helper()
			var oe *relation.OrphanError
			if !errors.Is(err, relation.ErrOrphan) || !errors.As(err, &oe) || !slices.Equal(oe.IDs, ids(f)) {
				t.Fatalf("got %v, want orphans %v", err, ids(f))
			}
		}
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, f entFixture) // optional, before the refused op
		op    func(f entFixture) error
		check check
	}{
		{"second main company", nil, func(f entFixture) error {
			_, err := f.w.AddCompany(ctx, f.caseID, entity.CompanyInput{Name: "Other"})
			return err
		}, problems("type main_company_exists")},
		{"company with bad fields and an unknown target", nil, func(f entFixture) error {
			_, err := f.w.AddCompany(ctx, f.caseID, entity.CompanyInput{Type: entity.CompanyAffiliated, Name: "X", Country: "XX", WebsiteURL: "x",
				Relations: []entity.Link{{ToCompanyID: "ghost"}}})
			return err
		}, problems("country invalid_country", "website_url invalid_format", "relations[0].to_company_id not_found")},
		{"case_id of another case, with a field problem", nil, func(f entFixture) error {
			_, err := f.w.AddIndividual(ctx, f.caseID, entity.IndividualInput{CaseID: "other-case", IsSignatory: true, LastName: "S"})
			return err
		}, problems("case_id invalid_value", "email required")},
		{"stakes over 100 %", nil, func(f entFixture) error {
			_, err := f.w.AddIndividual(ctx, f.caseID, entity.IndividualInput{LastName: "S",
				Relations: []entity.Link{{ToCompanyID: f.A, OwnershipPercentage: entity.MustPercentage("60.01")}}})
			return err
		}, problems("relations[0].ownership_percentage stake_exceeded")},
		{"custom property not defined", nil, func(f entFixture) error {
			_, err := f.w.AddIndividual(ctx, f.caseID, entity.IndividualInput{LastName: "S", CustomProperties: customprop.Patch{}.Set("pep", true)})
			return err
		}, problems("custom_properties.pep unknown_field")},
		{"company type change", nil, func(f entFixture) error {
			_, err := f.w.UpdateCompany(ctx, f.A, entity.CompanyUpdate{Type: patch.Value(entity.CompanyMain)})
			return err
		}, problems("type not_allowed")},
		{"business contact without e-mail", nil, func(f entFixture) error {
			_, err := f.w.UpdateIndividual(ctx, f.R, entity.IndividualUpdate{Email: patch.Null[string]()})
			return err
		}, problems("email required")},
		{"delete the main company", nil, func(f entFixture) error { return f.w.DeleteCompany(ctx, f.M) },
			orphans(func(f entFixture) []string { return []string{f.A, f.O, f.R} })},
		{"delete the company the owner hangs from", nil, func(f entFixture) error { return f.w.DeleteCompany(ctx, f.A) },
			orphans(func(f entFixture) []string { return []string{f.O} })},
		{"delete the last link of a company", nil, func(f entFixture) error { return f.w.DeleteRelation(ctx, f.rAM) },
			orphans(func(f entFixture) []string { return []string{f.A, f.O} })},
		{"raise a stake over 100 %", func(t *testing.T, f entFixture) {
			if _, err := f.w.AddRelation(ctx, f.caseID, relation.Input{FromIndividualID: f.R, ToCompanyID: f.A, OwnershipPercentage: entity.MustPercentage("10")}); err != nil {
				t.Fatal(err)
			}
		}, func(f entFixture) error {
			_, err := f.w.UpdateRelation(ctx, f.rOA, relation.Update{OwnershipPercentage: patch.Value(entity.MustPercentage("90.5"))})
			return err
		}, problems("ownership_percentage stake_exceeded")},
		{"move a relation by update", nil, func(f entFixture) error {
			_, err := f.w.UpdateRelation(ctx, f.rOA, relation.Update{ToCompanyID: patch.Value(f.M)})
			return err
		}, problems("to_company_id not_allowed")},
		{"relation already there", nil, func(f entFixture) error {
			_, err := f.w.AddRelation(ctx, f.caseID, relation.Input{FromIndividualID: f.O, ToCompanyID: f.A})
			return err
		}, problems("to_company_id duplicate_relation")},
		{"relation from nowhere", nil, func(f entFixture) error {
			_, err := f.w.AddRelation(ctx, f.caseID, relation.Input{CaseID: "x", FromCompanyID: "ghost"})
			return err
		}, problems("case_id invalid_value", "from_company_id not_found")},
		{"individual deleted as a company", nil, func(f entFixture) error { return f.w.DeleteCompany(ctx, f.O) }, notFound},
		{"company updated as an individual", nil, func(f entFixture) error {
			_, err := f.w.UpdateIndividual(ctx, f.M, entity.IndividualUpdate{})
			return err
		}, notFound},
		{"unknown relation", nil, func(f entFixture) error { return f.w.DeleteRelation(ctx, "ghost") }, notFound},
		{"unknown individual", nil, func(f entFixture) error {
			_, err := f.w.UpdateIndividual(ctx, "ghost", entity.IndividualUpdate{})
			return err
		}, notFound},
		{"unknown case", nil, func(f entFixture) error {
			_, err := f.w.AddIndividual(ctx, "ghost", entity.IndividualInput{LastName: "S"})
			return err
		}, notFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newEntFixture(t, dossier.Settings{})
			if tt.setup != nil {
				tt.setup(t, f)
			}
			err := unchanged(t, f.w, f.caseID, func() error { return tt.op(f) })
			tt.check(t, f, err)
		})
	}
}

func TestEntitiesLifecycle(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Lifecycle"})
	if err != nil {
		t.Fatal(err)
	}
	// Before the main company, individuals stay unlinked.
	p, err := w.AddIndividual(ctx, c.ID, entity.IndividualInput{LastName: "Early"})
	if err != nil || len(p.Relations) != 0 {
		t.Fatalf("%+v %v", p, err)
	}
	if _, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{Type: entity.CompanyAffiliated, Name: "Too soon"}); err == nil {
		t.Fatal("an affiliated company without a main company was accepted")
	}
	m, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Main"})
	if err != nil {
		t.Fatal(err)
	}
	p, err = w.GetIndividual(ctx, p.ID)
	if err != nil || len(p.Relations) != 1 || p.Relations[0].ToCompanyID != m.ID {
		t.Fatalf("the main company did not link the early individual: %+v %v", p, err)
	}

	// Update, with a check on the individual that goes with it.
	p, err = w.UpdateIndividual(ctx, p.ID, entity.IndividualUpdate{Email: patch.Value("early@example.com"), IsSignatory: patch.Value(true)})
	if err != nil || !p.IsSignatory || p.Email != "early@example.com" {
		t.Fatalf("%+v %v", p, err)
	}
	if _, err := w.AddCheck(ctx, c.ID, dossier.AddCheckInput{Type: cases.CheckTypeAML, IndividualID: p.ID}); err != nil {
		t.Fatal(err)
	}
	caseCheck, err := w.AddCheck(ctx, c.ID, dossier.AddCheckInput{Type: cases.CheckTypeAML})
	if err != nil {
		t.Fatal(err)
	}

	// A second path, then the first relation can go; then the individual.
	r, err := w.AddRelation(ctx, c.ID, relation.Input{FromIndividualID: p.ID, ToCompanyID: m.ID})
	if err == nil {
		t.Fatalf("a second relation for the same pair was accepted: %+v", r)
	}
	aff, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{Type: entity.CompanyAffiliated, Name: "Aff"})
	if err != nil {
		t.Fatal(err)
	}
	r, err = w.AddRelation(ctx, c.ID, relation.Input{FromIndividualID: p.ID, ToCompanyID: aff.ID, OwnershipPercentage: entity.MustPercentage("25"),
		Roles: []relation.Role{relation.RoleShareholder}})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := w.GetRelation(ctx, r.ID); err != nil || mustMarshal(t, got) != mustMarshal(t, r) {
		t.Fatalf("GetRelation %+v %v", got, err)
	}
	if err := w.DeleteRelation(ctx, p.Relations[0].ID); err != nil {
		t.Fatalf("deleting the first path: %v", err)
	}
	r2, err := w.UpdateRelation(ctx, r.ID, relation.Update{VotingRightsPercentage: patch.Value(entity.MustPercentage("30")), Position: patch.Value("Director")})
	if err != nil || !r2.VotingRightsPercentage.Equal(entity.MustPercentage("30")) || r2.Position != "Director" || !r2.OwnershipPercentage.Equal(entity.MustPercentage("25")) {
		t.Fatalf("%+v %v", r2, err)
	}
	if err := w.DeleteIndividual(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.GetIndividual(ctx, p.ID); !errors.Is(err, dossier.ErrNotFound) {
		t.Fatalf("deleted individual: %v", err)
	}
	if _, err := w.GetRelation(ctx, r.ID); !errors.Is(err, dossier.ErrNotFound) {
		t.Fatalf("relation of the deleted individual: %v", err)
	}
	checks, err := w.ListChecks(ctx, c.ID)
	if err != nil || len(checks) != 1 || checks[0].ID != caseCheck.ID {
		t.Fatalf("checks after deleting the individual: %+v %v", checks, err)
	}

	// The affiliated company becomes the main company; then the former main
	// company, now affiliated and a leaf, can be deleted.
	v, err := w.SetMainCompany(ctx, aff.ID)
	if err != nil || v.Type != entity.CompanyMain {
		t.Fatalf("%+v %v", v, err)
	}
	if err := w.DeleteCompany(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	comps, err := w.ListCompanies(ctx, c.ID)
	if err != nil || len(comps) != 1 || comps[0].ID != aff.ID || comps[0].Relations == nil {
		t.Fatalf("%+v %v", comps, err)
	}
	inds, err := w.ListIndividuals(ctx, c.ID)
	if err != nil || len(inds) != 0 {
		t.Fatalf("%+v %v", inds, err)
	}
	if err := w.DeleteCompany(ctx, aff.ID); err != nil {
		t.Fatalf("the main company alone: %v", err)
	}
	if _, err := w.ListCompanies(ctx, "ghost"); !errors.Is(err, dossier.ErrNotFound) {
		t.Fatalf("ListCompanies(ghost) = %v", err)
	}
}

func TestEntitiesUpdate(t *testing.T) {
	ctx := context.Background()
	f := newEntFixture(t, dossier.Settings{})
	var u entity.CompanyUpdate
	if err := json.Unmarshal([]byte(`{"name":"Holding SA","address":{"city":"Paris"},"status":"live"}`), &u); err != nil {
		t.Fatal(err)
	}
	before := stored(t, f.w, f.caseID)
	v, err := f.w.UpdateCompany(ctx, f.A, u)
	if err != nil {
		t.Fatal(err)
	}
	if v.Name != "Holding SA" || v.Address.City != "Paris" || v.Status != entity.StatusLive || len(v.Relations) != 1 || v.Relations[0].ID != f.rAM {
		t.Fatalf("%+v", v)
	}
	if string(stored(t, f.w, f.caseID)) == string(before) {
		t.Fatal("nothing was saved")
	}
	got, err := f.w.GetCompany(ctx, f.A)
	if err != nil || mustMarshal(t, got) != mustMarshal(t, v) {
		t.Fatalf("GetCompany %v", err)
	}
	names := eventNames(t, f.w, f.caseID, eventCount(t, f.w, f.caseID)-1)
	if !slices.Equal(names, []string{"Company.Updated"}) {
		t.Fatalf("events %v", names)
	}
}

func TestEntitiesCustomProperties(t *testing.T) {
	ctx := context.Background()
	defs := []customprop.Definition{
		{Key: "pep", Label: "Politically exposed", Type: customprop.TypeBoolean, Target: customprop.TargetIndividual},
		{Key: "turnover", Label: "Turnover", Type: customprop.TypeNumeric, Target: customprop.TargetCompany,
			Settings: customprop.Settings{Format: customprop.FormatNumber}},
	}
	store := memory.New()
	clock := newTestClock()
	w, err := dossier.New(store, dossier.Settings{CustomProperties: defs}, dossier.WithClock(clock.Now), dossier.WithIDGenerator(seqIDs()))
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Props"})
	if err != nil {
		t.Fatal(err)
	}
	var in entity.CompanyInput
	if err := json.Unmarshal([]byte(`{"name":"Main","custom_properties":{"turnover":"20000.50"}}`), &in); err != nil {
		t.Fatal(err)
	}
	m, err := w.AddCompany(ctx, c.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := m.CustomProperties["turnover"].Decimal(); !ok || d.String() != "20000.5" {
		t.Fatalf("turnover %v", m.CustomProperties)
	}
	p, err := w.AddIndividual(ctx, c.ID, entity.IndividualInput{LastName: "P", CustomProperties: customprop.Patch{}.Set("pep", true)})
	if err != nil {
		t.Fatal(err)
	}
	// Wrong target, wrong type, and a field problem, all at once; nothing saved.
	err = unchanged(t, w, c.ID, func() error {
		_, err := w.UpdateIndividual(ctx, p.ID, entity.IndividualUpdate{
			PhoneNumber:      patch.Value("0612"),
			CustomProperties: customprop.Patch{}.Set("turnover", 1).Set("pep", "yes"),
		})
		return err
	})
	entProblems(t, err, "phone_number invalid_phone", "custom_properties.turnover unknown_field", "custom_properties.pep invalid_type")

	// Archiving the definition hides the stored value on read.
	archived := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	defs[0].ArchivedAt = &archived
	w2, err := dossier.New(store, dossier.Settings{CustomProperties: defs}, dossier.WithClock(clock.Now), dossier.WithIDGenerator(seqIDs()))
	if err != nil {
		t.Fatal(err)
	}
	got, err := w2.GetIndividual(ctx, p.ID)
	if err != nil || len(got.CustomProperties) != 0 {
		t.Fatalf("archived property shown: %+v %v", got.CustomProperties, err)
	}
	err = unchanged(t, w2, c.ID, func() error {
		_, err := w2.UpdateIndividual(ctx, p.ID, entity.IndividualUpdate{CustomProperties: customprop.Patch{}.Set("pep", false)})
		return err
	})
	entProblems(t, err, "custom_properties.pep archived")
	rec, err := store.Get(ctx, c.ID)
	if err != nil || len(rec.Individuals[0].CustomProperties) != 1 {
		t.Fatalf("the archived value must stay stored: %+v %v", rec.Individuals, err)
	}
}

func TestEntitiesInvariantsAfterEveryChange(t *testing.T) {
	// A short scripted run through the Workspace: after every accepted or
	// refused change, the stored graph passes relation.Check.
	ctx := context.Background()
	f := newEntFixture(t, dossier.Settings{})
	ops := []func() error{
		func() error { return f.w.DeleteRelation(ctx, f.rRM) },
		func() error {
			_, err := f.w.AddRelation(ctx, f.caseID, relation.Input{FromIndividualID: f.R, ToCompanyID: f.A, Roles: []relation.Role{relation.RoleLegalRepresentative}})
			return err
		},
		func() error { return f.w.DeleteRelation(ctx, f.rRM) },
		func() error { return f.w.DeleteCompany(ctx, f.A) },
		func() error { return f.w.DeleteIndividual(ctx, f.O) },
		func() error { return f.w.DeleteCompany(ctx, f.A) },
		func() error { return f.w.DeleteIndividual(ctx, f.R) },
		func() error { return f.w.DeleteCompany(ctx, f.A) },
		func() error { return f.w.DeleteCompany(ctx, f.M) },
	}
	wantErr := []bool{true, false, false, true, false, true, false, false, false}
	for i, op := range ops {
		err := op()
		if (err != nil) != wantErr[i] {
			t.Fatalf("step %d: err = %v, want error %v", i, err, wantErr[i])
		}
		rec, err := f.w.GetRecord(ctx, f.caseID)
		if err != nil {
			t.Fatal(err)
		}
		if err := relation.Check(relation.Graph{Companies: rec.Companies, Individuals: rec.Individuals, Relations: rec.Relations}); err != nil {
			t.Fatalf("step %d: stored graph breaks an invariant: %v", i, err)
		}
	}
}

// ExampleWorkspace_AddIndividual builds the example structure of the Dotfile API's documentation in a case: a
// main company, an affiliated company holding it, a beneficial owner of the
// affiliated company and a legal representative of the main company; then
// shows that the owner's only relation cannot be deleted.
func ExampleWorkspace_AddIndividual() {
	ctx := context.Background()
	// A fixed clock and numbered ids make the output the same on every
	// run; an application keeps the defaults (time.Now, random UUIDs).
	var n atomic.Int64
	w, err := dossier.New(memory.New(), dossier.Settings{},
		dossier.WithClock(func() time.Time { return time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) }),
		dossier.WithIDGenerator(func() string { return fmt.Sprintf("id-%d", n.Add(1)) }))
	if err != nil {
		panic(err)
	}
	c, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Stark onboarding"})

	main, _ := w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Stark Industries", Country: "US"})
	holding, _ := w.AddCompany(ctx, c.ID, entity.CompanyInput{
		Type: entity.CompanyAffiliated, Name: "Stark Holding",
		Relations: []entity.Link{{OwnershipPercentage: entity.MustPercentage("100"), Roles: []entity.Role{entity.RoleShareholder}}},
	})

	var owner entity.IndividualInput
	_ = json.Unmarshal([]byte(`{
		"is_beneficial_owner": true, "first_name": "Tony", "last_name": "Stark",
		"email": "tony@stark.example", "is_business_contact": true,
		"relations": [{"to_company_id": "`+holding.ID+`", "roles": ["shareholder"],
		               "ownership_percentage": 33.33, "voting_rights_percentage": 33.33}]
	}`), &owner)
	tony, err := w.AddIndividual(ctx, c.ID, owner)
	if err != nil {
		panic(err)
	}
	pepper, _ := w.AddIndividual(ctx, c.ID, entity.IndividualInput{
		FirstName: "Pepper", LastName: "Potts",
		Relations: []entity.Link{{Roles: []entity.Role{entity.RoleLegalRepresentative}, Position: "CEO"}},
	})

	fmt.Println(main.Name, "<-", holding.Name, holding.Relations[0].OwnershipPercentage)
	fmt.Println(tony.FullName(), "->", tony.Relations[0].ToCompanyID == holding.ID, tony.Relations[0].OwnershipPercentage)
	fmt.Println(pepper.FullName(), "->", pepper.Relations[0].ToCompanyID == main.ID, pepper.Relations[0].Roles, pepper.Relations[0].Position)

	err = w.DeleteRelation(ctx, tony.Relations[0].ID)
	var orphans *relation.OrphanError
	fmt.Println(errors.Is(err, relation.ErrOrphan), errors.As(err, &orphans) && orphans.IDs[0] == tony.ID)
	// Output:
	// Stark Industries <- Stark Holding 100
	// Tony Stark -> true 33.33
	// Pepper Potts -> true [legal_representative] CEO
	// true true
}

// TestEntitiesConcurrentStakes races writers that each add a 30 % owner of
// the main company: exactly three fit under 100 %, whatever the
// interleaving, and the stored graph keeps every invariant.
func TestEntitiesConcurrentStakes(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{}, dossier.WithRetryTimeout(time.Minute))
	c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Race"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Main"}); err != nil {
		t.Fatal(err)
	}
	const writers = 8
	errs := make(chan error, writers)
	for range writers {
		go func() {
			_, err := w.AddIndividual(ctx, c.ID, entity.IndividualInput{LastName: "Owner",
				Relations: []entity.Link{{OwnershipPercentage: entity.MustPercentage("30")}}})
			errs <- err
		}()
	}
	accepted := 0
	for range writers {
		err := <-errs
		switch {
		case err == nil:
			accepted++
		default:
			entProblems(t, err, "relations[0].ownership_percentage stake_exceeded")
		}
	}
	if accepted != 3 {
		t.Fatalf("%d owners of 30 %% accepted, want 3", accepted)
	}
	rec, err := w.GetRecord(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := relation.Check(relation.Graph{Companies: rec.Companies, Individuals: rec.Individuals, Relations: rec.Relations}); err != nil {
		t.Fatal(err)
	}
}
