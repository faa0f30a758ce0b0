package dossier_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/validation"
)

const graphPayload = `{
  "name": "Acme group",
  "companies": [
    {"name": "Acme SA", "type": "main", "ref": "acme"},
    {"name": "Acme Holding", "type": "affiliated", "ref": "holding",
     "relations": [{"source_company_ref": "acme", "ownership_percentage": 60, "voting_rights_percentage": 60, "roles": ["shareholder"]}]}
  ],
  "individuals": [
    {"first_name": "Ada", "last_name": "Lovelace",
     "relations": [{"source_company_ref": "holding", "ownership_percentage": 50, "roles": ["shareholder"]},
                   {"source_company_ref": "acme", "ownership_percentage": 40, "roles": ["shareholder"]}]},
    {"first_name": "Bob", "last_name": "Smith", "relations": [{"source_company_ref": "acme", "roles": ["legal_representative"], "position": "CEO"}]},
    {"first_name": "Cy", "last_name": "Young"}
  ]
}`

// TestCreateCaseWithGraph creates a whole case graph in one call and checks
// the entities, the exact relations (no default link where relations were
// given), the computed totals and the events.
func TestCreateCaseWithGraph(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	var in dossier.CreateCaseInput
	if err := json.Unmarshal([]byte(graphPayload), &in); err != nil {
		t.Fatal(err)
	}
	c, err := w.CreateCase(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := w.GetRecord(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Companies) != 2 || len(rec.Individuals) != 3 {
		t.Fatalf("%d companies, %d individuals", len(rec.Companies), len(rec.Individuals))
	}
	names := map[string]string{}
	for _, co := range rec.Companies {
		names[co.ID] = co.Name
	}
	for _, p := range rec.Individuals {
		names[p.ID] = p.FirstName
	}
	got := map[string]string{}
	for _, r := range rec.Relations {
		got[names[r.From()]+">"+names[r.ToCompanyID]] = r.OwnershipPercentage.String()
	}
	want := map[string]string{
		"Acme Holding>Acme SA": "60", "Ada>Acme Holding": "50", "Ada>Acme SA": "40",
		"Bob>Acme SA": "unknown", "Cy>Acme SA": "unknown",
	}
	if len(got) != len(want) {
		t.Fatalf("relations %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("relation %s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	var ada string
	for _, p := range rec.Individuals {
		if p.FirstName == "Ada" {
			ada = p.ID
		}
	}
	view, err := w.GetIndividual(ctx, ada)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(view)
	if !json.Valid(b) {
		t.Fatal("invalid view")
	}
	counts := map[event.Type]int{}
	for _, e := range allEvents(t, w, c.ID) {
		counts[e.Type]++
	}
	if counts[event.CaseCreated] != 1 || counts[event.CompanyCreated] != 2 || counts[event.IndividualCreated] != 3 {
		t.Fatalf("events %v", counts)
	}
}

// TestCreateCaseGraphRefused lists refused payloads: every problem is
// reported at once with payload paths, and nothing is stored.
func TestCreateCaseGraphRefused(t *testing.T) {
	ctx := context.Background()
	pct := func(s string) entity.Percentage { return entity.MustPercentage(s) }
	tests := []struct {
		name string
		in   dossier.CreateCaseInput
		want []struct {
			path string
			code validation.Code
		}
	}{
		{"unknown ref and bad percentage and bad case name", dossier.CreateCaseInput{
			Name:      "",
			Companies: []entity.CompanyInput{{Name: "Main", Ref: "m"}},
			Individuals: []entity.IndividualInput{
				{LastName: "A"}, {LastName: "B"}, {LastName: "C"},
				{LastName: "D", Relations: []entity.Link{{SourceCompanyRef: "m", OwnershipPercentage: pct("101")}, {SourceCompanyRef: "nope"}}},
			},
		}, []struct {
			path string
			code validation.Code
		}{
			{"name", validation.CodeRequired},
			{"individuals[3].relations[0].ownership_percentage", ""},
			{"individuals[3].relations[1].source_company_ref", validation.CodeInvalidValue},
		}},
		{"stakes over 100 %", dossier.CreateCaseInput{
			Name:      "X",
			Companies: []entity.CompanyInput{{Name: "Main", Ref: "m"}},
			Individuals: []entity.IndividualInput{
				{LastName: "A", Relations: []entity.Link{{SourceCompanyRef: "m", OwnershipPercentage: pct("60")}}},
				{LastName: "B", Relations: []entity.Link{{SourceCompanyRef: "m", OwnershipPercentage: pct("50")}}},
			},
		}, []struct {
			path string
			code validation.Code
		}{{"individuals[1].relations[0].ownership_percentage", ""}}},
		{"duplicate ref and two refs on one link", dossier.CreateCaseInput{
			Name:      "X",
			Companies: []entity.CompanyInput{{Name: "Main", Ref: "m"}, {Name: "H", Type: entity.CompanyAffiliated, Ref: "m"}},
			Individuals: []entity.IndividualInput{
				{LastName: "A", Relations: []entity.Link{{SourceCompanyRef: "m", ToCompanyID: "x"}}},
			},
		}, []struct {
			path string
			code validation.Code
		}{{"companies[1].ref", validation.CodeDuplicate}, {"individuals[0].relations[0].source_company_ref", validation.CodeConflict}}},
		{"two main companies", dossier.CreateCaseInput{
			Name:      "X",
			Companies: []entity.CompanyInput{{Name: "Main", Ref: "m"}, {Name: "Other main", Type: entity.CompanyMain}},
		}, []struct {
			path string
			code validation.Code
		}{{"companies[1].type", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorkspace(t, dossier.Settings{})
			_, err := w.CreateCase(ctx, tt.in)
			if !errors.Is(err, dossier.ErrInvalid) {
				t.Fatalf("err = %v", err)
			}
			var verr *validation.Error
			errors.As(err, &verr)
			for _, p := range tt.want {
				if !verr.Has(p.path, p.code) {
					t.Fatalf("no %q problem at %q in %v", p.code, p.path, err)
				}
			}
			page, err := w.ListCases(ctx, dossier.ListOptions{})
			if err != nil || len(page.Cases) != 0 {
				t.Fatalf("a refused creation stored %d cases (%v)", len(page.Cases), err)
			}
		})
	}
}

// TestImportEntities adds a graph to an existing case in one call:
// to_company_id names the case's companies, source_company_ref the
// payload's; a refused import changes nothing.
func TestImportEntities(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme", Companies: []entity.CompanyInput{{Name: "Acme SA"}}})
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := w.GetRecord(ctx, c.ID)
	mainID := rec.Companies[0].ID
	before := len(allEvents(t, w, c.ID))
	g, err := w.ImportEntities(ctx, c.ID, dossier.ImportEntitiesInput{
		Companies: []entity.CompanyInput{{Name: "Holding", Type: entity.CompanyAffiliated, Ref: "h",
			Relations: []entity.Link{{ToCompanyID: mainID, OwnershipPercentage: entity.MustPercentage("100")}}}},
		Individuals: []entity.IndividualInput{{LastName: "Owner", Relations: []entity.Link{{SourceCompanyRef: "h", OwnershipPercentage: entity.MustPercentage("100")}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.CompanyIDs) != 1 || len(g.IndividualIDs) != 1 {
		t.Fatalf("result %+v", g)
	}
	owner, err := w.GetIndividual(ctx, g.IndividualIDs[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(owner.Relations) != 1 || owner.Relations[0].ToCompanyID != g.CompanyIDs[0] {
		t.Fatalf("owner relations %+v", owner.Relations)
	}
	evs := allEvents(t, w, c.ID)[before:]
	if len(evs) != 2 || evs[0].Type != event.CompanyCreated || evs[1].Type != event.IndividualCreated {
		t.Fatalf("events %v", eventNames(t, w, c.ID, before))
	}
	err = unchanged(t, w, c.ID, func() error {
		_, err := w.ImportEntities(ctx, c.ID, dossier.ImportEntitiesInput{
			Individuals: []entity.IndividualInput{{LastName: "X", Relations: []entity.Link{{ToCompanyID: "missing"}}},
				{LastName: "Y", Relations: []entity.Link{{ToCompanyID: mainID, OwnershipPercentage: entity.MustPercentage("1")}}}},
		})
		return err
	})
	wantProblem(t, err, "individuals[0].relations[0].to_company_id", validation.CodeInvalidValue)
	// The main company is full (Holding owns 100 %): Y's 1 % is refused
	// too, at its payload path, once the first problem is fixed.
	err = unchanged(t, w, c.ID, func() error {
		_, err := w.ImportEntities(ctx, c.ID, dossier.ImportEntitiesInput{
			Individuals: []entity.IndividualInput{{LastName: "Y", Relations: []entity.Link{{ToCompanyID: mainID, OwnershipPercentage: entity.MustPercentage("1")}}}},
		})
		return err
	})
	wantProblem(t, err, "individuals[0].relations[0].ownership_percentage", "")
	// A single add refuses refs.
	_, err = w.AddIndividual(ctx, c.ID, entity.IndividualInput{LastName: "Z", Ref: "z"})
	wantProblem(t, err, "ref", validation.CodeNotAllowed)
}
