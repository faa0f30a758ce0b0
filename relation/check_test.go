package relation_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/validation"
)

func company(id string, typ entity.CompanyType) entity.Company {
	return entity.Company{ID: id, Type: typ, Name: "Co " + id, Status: entity.StatusNotReported, IsRelevant: true, CreatedAt: now, UpdatedAt: now}
}

func person(id string) entity.Individual {
	return entity.Individual{ID: id, LastName: "P " + id, IsRelevant: true, CreatedAt: now, UpdatedAt: now}
}

func rel(id, from, to string) relation.Relation {
	r := relation.Relation{ID: id, ToCompanyID: to, CreatedAt: now, UpdatedAt: now}
	if strings.HasPrefix(from, "c") {
		r.FromCompanyID = from
	} else {
		r.FromIndividualID = from
	}
	return r
}

func withOwn(r relation.Relation, own, vote string) relation.Relation {
	if own != "" {
		r.OwnershipPercentage = pct(own)
	}
	if vote != "" {
		r.VotingRightsPercentage = pct(vote)
	}
	return r
}

func TestCheck(t *testing.T) {
	main, aff := entity.CompanyMain, entity.CompanyAffiliated
	tests := []struct {
		name    string
		g       relation.Graph
		want    []problem
		orphans []string
	}{
		{"empty", relation.Graph{}, nil, nil},
		{"individuals without main company", relation.Graph{Individuals: []entity.Individual{person("p1"), person("p2")}}, nil, nil},
		{"valid tree", relation.Graph{
			Companies:   []entity.Company{company("c1", main), company("c2", aff)},
			Individuals: []entity.Individual{person("p1")},
			Relations:   []relation.Relation{withOwn(rel("r1", "c2", "c1"), "100", "100"), withOwn(rel("r2", "p1", "c2"), "50", "")},
		}, nil, nil},
		{"cross-holding is fine", relation.Graph{
			Companies: []entity.Company{company("c1", main), company("c2", aff)},
			Relations: []relation.Relation{withOwn(rel("r1", "c2", "c1"), "50", ""), withOwn(rel("r2", "c1", "c2"), "50", "")},
		}, nil, nil},
		{"two main companies", relation.Graph{
			Companies: []entity.Company{company("c1", main), company("c2", main)},
			Relations: []relation.Relation{rel("r1", "c2", "c1")},
		}, []problem{{"companies[1].type", relation.CodeMainCompanyExists}}, nil},
		{"affiliated without main", relation.Graph{
			Companies: []entity.Company{company("c1", aff)},
		}, []problem{{"companies[0].type", relation.CodeNoMainCompany}}, nil},
		{"relation without main", relation.Graph{
			Companies:   []entity.Company{company("c1", aff)},
			Individuals: []entity.Individual{person("p1")},
			Relations:   []relation.Relation{rel("r1", "p1", "c1")},
		}, []problem{{"companies[0].type", relation.CodeNoMainCompany}, {"relations[0]", relation.CodeNoMainCompany}}, nil},
		{"unknown ends", relation.Graph{
			Companies:   []entity.Company{company("c1", main)},
			Individuals: []entity.Individual{person("p1")},
			Relations:   []relation.Relation{rel("r1", "p1", "c1"), rel("r2", "c9", "c1"), rel("r3", "p9", "c1"), rel("r4", "p1", "p1x")},
		}, []problem{
			{"relations[1].from_company_id", relation.CodeNotFound},
			{"relations[2].from_individual_id", relation.CodeNotFound},
			{"relations[3].to_company_id", relation.CodeNotFound},
		}, nil},
		{"source of the wrong kind", relation.Graph{
			Companies:   []entity.Company{company("c1", main)},
			Individuals: []entity.Individual{person("p1")},
			Relations:   []relation.Relation{{ID: "r1", FromCompanyID: "p1", ToCompanyID: "c1"}, {ID: "r2", FromIndividualID: "p1", ToCompanyID: "p1"}},
		}, []problem{{"relations[0].from_company_id", relation.CodeNotFound}, {"relations[1].to_company_id", relation.CodeNotFound}}, []string{"p1"}},
		{"no or two sources, no target", relation.Graph{
			Companies:   []entity.Company{company("c1", main)},
			Individuals: []entity.Individual{person("p1")},
			Relations:   []relation.Relation{rel("r1", "p1", "c1"), {ID: "r2", ToCompanyID: "c1"}, {ID: "r3", FromCompanyID: "c1", FromIndividualID: "p1"}},
		}, []problem{
			{"relations[1].from_individual_id", validation.CodeRequired},
			{"relations[2].from_company_id", validation.CodeConflict},
			{"relations[2].to_company_id", validation.CodeRequired},
		}, nil},
		{"self relation", relation.Graph{
			Companies: []entity.Company{company("c1", main)},
			Relations: []relation.Relation{rel("r1", "c1", "c1")},
		}, []problem{{"relations[0].to_company_id", relation.CodeSelfRelation}}, nil},
		{"duplicate pair", relation.Graph{
			Companies:   []entity.Company{company("c1", main)},
			Individuals: []entity.Individual{person("p1")},
			Relations:   []relation.Relation{rel("r1", "p1", "c1"), rel("r2", "p1", "c1")},
		}, []problem{{"relations[1]", relation.CodeDuplicateRelation}}, nil},
		{"duplicate ids", relation.Graph{
			Companies:   []entity.Company{company("c1", main)},
			Individuals: []entity.Individual{person("c1")},
			Relations:   []relation.Relation{rel("c1", "c1x", "c1")},
		}, []problem{
			{"individuals[0].id", validation.CodeDuplicate},
			{"relations[0].id", validation.CodeDuplicate},
			{"relations[0].from_company_id", relation.CodeNotFound},
		}, []string{"c1"}}, // the individual c1: its id shadows the company's
		{"stakes over 100 %", relation.Graph{
			Companies:   []entity.Company{company("c1", main), company("c2", aff)},
			Individuals: []entity.Individual{person("p1"), person("p2")},
			Relations: []relation.Relation{
				withOwn(rel("r1", "c2", "c1"), "60", "50"), withOwn(rel("r2", "p1", "c1"), "40.01", "50"),
				withOwn(rel("r3", "p1", "c2"), "", "70"), withOwn(rel("r4", "p2", "c2"), "100", "30.5"),
			},
		}, []problem{{"companies[0]", relation.CodeStakeExceeded}, {"companies[1]", relation.CodeStakeExceeded}}, nil},
		{"invalid objects", relation.Graph{
			Companies:   []entity.Company{{ID: "c1", Type: main, Status: "x", IsRelevant: true}},
			Individuals: []entity.Individual{{ID: "p1", LastName: "P", IsSignatory: true}},
			Relations:   []relation.Relation{withOwn(rel("r1", "p1", "c1"), "100.5", ""), {FromIndividualID: "p1", ToCompanyID: "c1", Roles: []relation.Role{"boss"}}},
		}, []problem{
			{"companies[0].name", validation.CodeRequired},
			{"companies[0].status", validation.CodeInvalidValue},
			{"individuals[0].email", validation.CodeRequired},
			{"individuals[0].is_signatory", validation.CodeConflict},
			{"relations[0].ownership_percentage", validation.CodeOutOfRange},
			{"relations[1].id", validation.CodeRequired},
			{"relations[1].roles[0]", validation.CodeInvalidValue},
			{"relations[1]", relation.CodeDuplicateRelation},
		}, nil},
		{"orphans", relation.Graph{
			Companies:   []entity.Company{company("c1", aff), company("c2", main), company("c3", aff)},
			Individuals: []entity.Individual{person("p1"), person("p2"), person("p3")},
			Relations:   []relation.Relation{rel("r1", "p1", "c2"), rel("r2", "p2", "c3"), rel("r3", "c3", "c3x")},
		}, []problem{{"relations[2].to_company_id", relation.CodeNotFound}}, []string{"c1", "c3", "p2", "p3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := relation.Check(tt.g)
			var verr *validation.Error
			if len(tt.want) > 0 {
				checkProblems(t, err, tt.want...)
			} else if errors.As(err, &verr) {
				t.Fatalf("unexpected problems: %v", verr)
			}
			if len(tt.orphans) > 0 {
				checkOrphans(t, err, tt.orphans...)
			} else if errors.Is(err, relation.ErrOrphan) {
				t.Fatalf("unexpected orphans: %v", err)
			}
			if len(tt.want) == 0 && len(tt.orphans) == 0 && err != nil {
				t.Fatalf("Check = %v", err)
			}
		})
	}
}

func TestCheckStakeMessage(t *testing.T) {
	g := relation.Graph{
		Companies:   []entity.Company{company("c1", entity.CompanyMain)},
		Individuals: []entity.Individual{person("p1"), person("p2")},
		Relations:   []relation.Relation{withOwn(rel("r1", "p1", "c1"), "", "70.5"), withOwn(rel("r2", "p2", "c1"), "", "33")},
	}
	verr := checkProblems(t, relation.Check(g), problem{"companies[0]", relation.CodeStakeExceeded})
	// 70.5 + 33 = 103.5, 3.5 over.
	if msg := verr.Problems[0].Message; !strings.Contains(msg, "voting rights") || !strings.Contains(msg, "103.5 %") || !strings.Contains(msg, "3.5 % over") || !strings.Contains(msg, "c1") {
		t.Fatalf("message %q", msg)
	}
}

func TestOrphans(t *testing.T) {
	f := newFixture(t)
	if o := relation.Orphans(f.g); o != nil {
		t.Fatalf("orphans in the fixture: %v", o)
	}
	noMain := relation.Graph{Individuals: []entity.Individual{person("p1")}}
	if o := relation.Orphans(noMain); o != nil {
		t.Fatalf("without a main company nothing is orphaned: %v", o)
	}
	// Direction does not matter: the main company owning an affiliated
	// company connects it.
	g := relation.Graph{
		Companies: []entity.Company{company("c1", entity.CompanyMain), company("c2", entity.CompanyAffiliated)},
		Relations: []relation.Relation{rel("r1", "c1", "c2")},
	}
	if o := relation.Orphans(g); o != nil {
		t.Fatalf("orphans %v", o)
	}
	err := &relation.OrphanError{IDs: []string{"a", "b"}}
	if !errors.Is(err, relation.ErrOrphan) || !strings.Contains(err.Error(), "a, b") {
		t.Fatalf("OrphanError %q", err)
	}
}

func TestRelationJSON(t *testing.T) {
	r := relation.Relation{
		ID: "r1", FromIndividualID: "p1", ToCompanyID: "c1",
		OwnershipPercentage: pct("33.33"), Roles: []relation.Role{relation.RoleShareholder}, Position: "CEO",
		CreatedAt: now, UpdatedAt: now,
	}
	want := `{"id":"r1","from_company_id":null,"from_individual_id":"p1","to_company_id":"c1","ownership_percentage":33.33,` +
		`"voting_rights_percentage":null,"roles":["shareholder"],"position":"CEO","created_at":"2024-05-01T09:00:00Z","updated_at":"2024-05-01T09:00:00Z"}`
	if got := mustJSON(t, r); got != want {
		t.Fatalf("JSON\n got %s\nwant %s", got, want)
	}
	bare := relation.Relation{ID: "r2", FromCompanyID: "c2", ToCompanyID: "c1", CreatedAt: now, UpdatedAt: now}
	wantBare := `{"id":"r2","from_company_id":"c2","from_individual_id":null,"to_company_id":"c1","ownership_percentage":null,` +
		`"voting_rights_percentage":null,"roles":[],"position":null,"created_at":"2024-05-01T09:00:00Z","updated_at":"2024-05-01T09:00:00Z"}`
	if got := mustJSON(t, bare); got != wantBare {
		t.Fatalf("JSON\n got %s\nwant %s", got, wantBare)
	}
	for _, in := range []relation.Relation{r, bare} {
		var back relation.Relation
		if err := json.Unmarshal([]byte(mustJSON(t, in)), &back); err != nil {
			t.Fatal(err)
		}
		if mustJSON(t, back) != mustJSON(t, in) || back.Roles == nil && in.Roles != nil {
			t.Fatalf("round trip: %+v", back)
		}
	}
	c := r.Clone()
	c.Roles[0] = relation.RoleLegalRepresentative
	if r.Roles[0] != relation.RoleShareholder {
		t.Fatal("Clone shares roles")
	}
}

func TestInputJSON(t *testing.T) {
	var in relation.Input
	err := json.Unmarshal([]byte(`{"from_individual_id":"p1","to_company_id":null,"ownership_percentage":"12.50","roles":["shareholder"],"position":null}`), &in)
	if err != nil || in.FromIndividualID != "p1" || in.ToCompanyID != "" || !in.OwnershipPercentage.Equal(pct("12.5")) || in.Position != "" {
		t.Fatalf("%+v %v", in, err)
	}
	err = json.Unmarshal([]byte(`{"from_individual_id":3,"owner":"x","ownership_percentage":true}`), &in)
	checkProblems(t, err,
		problem{"from_individual_id", validation.CodeInvalidType},
		problem{"owner", validation.CodeUnknownField},
		problem{"ownership_percentage", validation.CodeInvalidType},
	)
	var u relation.Update
	if err := json.Unmarshal([]byte(`{"ownership_percentage":null,"roles":[]}`), &u); err != nil {
		t.Fatal(err)
	}
	if !u.OwnershipPercentage.IsNull() || !u.Roles.Present() || u.VotingRightsPercentage.Present() || u.Position.Present() {
		t.Fatalf("%+v", u)
	}
	err = json.Unmarshal([]byte(`{"position":1,"weight":2}`), &u)
	checkProblems(t, err, problem{"position", validation.CodeInvalidType}, problem{"weight", validation.CodeUnknownField})
}

func TestViews(t *testing.T) {
	f := newFixture(t)
	v, ok := f.g.IndividualView(f.O)
	if !ok || len(v.Relations) != 1 || v.Relations[0].ToCompanyID != f.A {
		t.Fatalf("%+v", v)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(mustJSON(t, v)), &m); err != nil {
		t.Fatal(err)
	}
	if m["first_name"] != "Olivia" || m["relations"] == nil {
		t.Fatalf("view JSON %v", m)
	}
	cv, ok := f.g.CompanyView(f.M)
	if !ok || cv.Relations == nil || len(cv.Relations) != 0 {
		t.Fatalf("main company view %+v", cv)
	}
	if !strings.Contains(mustJSON(t, cv), `"relations":[]`) {
		t.Fatal("relations must be an array")
	}
	if _, ok := f.g.CompanyView(f.O); ok {
		t.Fatal("an individual as a company")
	}
	if len(f.g.RelationsTo(f.M)) != 2 || len(f.g.RelationsFrom(f.A)) != 1 {
		t.Fatal("RelationsTo / RelationsFrom")
	}
}
