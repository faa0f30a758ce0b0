package relation_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/validation"
)

// unchanged fails unless g still encodes as before.
func unchanged(t *testing.T, g relation.Graph, before string) {
	t.Helper()
	if after := mustJSON(t, g); after != before {
		t.Fatalf("the operation changed its input graph:\nbefore %s\nafter  %s", before, after)
	}
}

func TestAddCompany(t *testing.T) {
	t.Run("main company in an empty case", func(t *testing.T) {
		b := newBuilder(t)
		g, v, err := relation.AddCompany(b.g, entity.CompanyInput{Name: "Main"}, b.env)
		if err != nil {
			t.Fatal(err)
		}
		if v.Type != entity.CompanyMain || len(g.Companies) != 1 || len(g.Relations) != 0 || len(v.Relations) != 0 {
			t.Fatalf("graph %s", mustJSON(t, g))
		}
	})
	t.Run("main company links the unlinked entities", func(t *testing.T) {
		b := newBuilder(t)
		p1 := b.individual(entity.IndividualInput{LastName: "One"})
		p2 := b.individual(entity.IndividualInput{LastName: "Two"})
		if len(b.g.Relations) != 0 || relation.Orphans(b.g) != nil {
			t.Fatalf("without a main company nothing is linked nor orphaned: %s", mustJSON(t, b.g))
		}
		m := b.company(entity.CompanyInput{Name: "Main"})
		for _, p := range []string{p1, p2} {
			r, ok := b.g.Relation(b.relationID(p, m))
			if !ok || r.FromIndividualID != p || r.OwnershipPercentage.IsKnown() || r.VotingRightsPercentage.IsKnown() || len(r.Roles) != 0 {
				t.Fatalf("implicit relation %+v", r)
			}
		}
		if len(b.g.Relations) != 2 || relation.Check(b.g) != nil {
			t.Fatalf("graph %s: %v", mustJSON(t, b.g), relation.Check(b.g))
		}
	})
	t.Run("affiliated company without relations is linked to the main company", func(t *testing.T) {
		f := newFixture(t)
		g, v, err := relation.AddCompany(f.g, entity.CompanyInput{Type: entity.CompanyAffiliated, Name: "Sub"}, f.env)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Relations) != 1 || v.Relations[0].FromCompanyID != v.ID || v.Relations[0].ToCompanyID != f.M {
			t.Fatalf("relations %+v", v.Relations)
		}
		if len(g.Relations) != len(f.g.Relations)+1 {
			t.Fatal("one relation expected")
		}
	})
	t.Run("affiliated company related to another affiliated company", func(t *testing.T) {
		f := newFixture(t)
		_, v, err := relation.AddCompany(f.g, entity.CompanyInput{Type: entity.CompanyAffiliated, Name: "Top",
			Relations: []entity.Link{{ToCompanyID: f.A, OwnershipPercentage: pct("60")}, {OwnershipPercentage: pct("40")}}}, f.env)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Relations) != 2 || v.Relations[0].ToCompanyID != f.A || v.Relations[1].ToCompanyID != f.M {
			t.Fatalf("relations %+v", v.Relations)
		}
	})

	refusals := []struct {
		name  string
		empty bool // run on an empty case instead of the fixture
		in    func(f fixture) entity.CompanyInput
		want  []problem
	}{
		{"second main company", false, func(f fixture) entity.CompanyInput { return entity.CompanyInput{Name: "Other"} },
			[]problem{{"type", relation.CodeMainCompanyExists}}},
		{"affiliated without main company", true, func(f fixture) entity.CompanyInput {
			return entity.CompanyInput{Type: entity.CompanyAffiliated, Name: "Sub"}
		}, []problem{{"type", relation.CodeNoMainCompany}}},
		{"main company with relations", true, func(f fixture) entity.CompanyInput {
			return entity.CompanyInput{Name: "Main", Relations: []entity.Link{{}}}
		}, []problem{{"relations", validation.CodeNotAllowed}}},
		{"relation to an unknown company", false, func(f fixture) entity.CompanyInput {
			return entity.CompanyInput{Type: entity.CompanyAffiliated, Name: "Sub", Relations: []entity.Link{{ToCompanyID: "nope"}}}
		}, []problem{{"relations[0].to_company_id", relation.CodeNotFound}}},
		{"relation to an individual", false, func(f fixture) entity.CompanyInput {
			return entity.CompanyInput{Type: entity.CompanyAffiliated, Name: "Sub", Relations: []entity.Link{{ToCompanyID: f.O}}}
		}, []problem{{"relations[0].to_company_id", relation.CodeNotFound}}},
		{"stake over 100 % into the main company", false, func(f fixture) entity.CompanyInput {
			return entity.CompanyInput{Type: entity.CompanyAffiliated, Name: "Sub", Relations: []entity.Link{{OwnershipPercentage: pct("40.01")}}}
		}, []problem{{"relations[0].ownership_percentage", relation.CodeStakeExceeded}}},
		{"field and graph problems together", true, func(f fixture) entity.CompanyInput {
			return entity.CompanyInput{Type: entity.CompanyAffiliated, Name: "", Country: "XX"}
		}, []problem{{"name", validation.CodeRequired}, {"country", validation.CodeInvalidCountry}, {"type", relation.CodeNoMainCompany}}},
		{"unknown custom property", false, func(f fixture) entity.CompanyInput {
			return entity.CompanyInput{Type: entity.CompanyAffiliated, Name: "Sub", CustomProperties: customprop.Patch{}.Set("nope", 1)}
		}, []problem{{"custom_properties.nope", validation.CodeUnknownField}}},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			g := f.g
			if tt.empty {
				g = relation.Graph{}
			}
			before := mustJSON(t, g)
			out, _, err := relation.AddCompany(g, tt.in(f), f.env)
			checkProblems(t, err, tt.want...)
			unchanged(t, g, before)
			if out.Companies != nil || out.Relations != nil {
				t.Fatal("a refused operation returned a graph")
			}
		})
	}
}

func TestAddIndividual(t *testing.T) {
	t.Run("no main company: unlinked", func(t *testing.T) {
		b := newBuilder(t)
		g, v, err := relation.AddIndividual(b.g, entity.IndividualInput{LastName: "Solo"}, b.env)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Relations) != 0 || len(g.Relations) != 0 || relation.Check(g) != nil {
			t.Fatalf("graph %s", mustJSON(t, g))
		}
	})
	t.Run("no relations: linked to the main company", func(t *testing.T) {
		f := newFixture(t)
		_, v, err := relation.AddIndividual(f.g, entity.IndividualInput{LastName: "New"}, f.env)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Relations) != 1 || v.Relations[0].ToCompanyID != f.M || v.Relations[0].FromIndividualID != v.ID {
			t.Fatalf("relations %+v", v.Relations)
		}
	})
	t.Run("empty relations: linked to the main company", func(t *testing.T) {
		f := newFixture(t)
		_, v, err := relation.AddIndividual(f.g, entity.IndividualInput{LastName: "New", Relations: []entity.Link{}}, f.env)
		if err != nil || len(v.Relations) != 1 || v.Relations[0].ToCompanyID != f.M {
			t.Fatalf("relations %+v, %v", v.Relations, err)
		}
	})
	t.Run("relations to the main (omitted) and an affiliated company", func(t *testing.T) {
		f := newFixture(t)
		_, v, err := relation.AddIndividual(f.g, entity.IndividualInput{LastName: "New", Relations: []entity.Link{
			{Roles: []entity.Role{entity.RoleLegalRepresentative}, Position: "Director"},
			{ToCompanyID: f.A, OwnershipPercentage: pct("60"), VotingRightsPercentage: pct("100")},
		}}, f.env)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Relations) != 2 || v.Relations[0].ToCompanyID != f.M || v.Relations[0].Position != "Director" ||
			v.Relations[1].ToCompanyID != f.A || !v.Relations[1].OwnershipPercentage.Equal(pct("60")) {
			t.Fatalf("relations %+v", v.Relations)
		}
	})
	t.Run("stakes exactly 100 %", func(t *testing.T) {
		f := newFixture(t)
		if _, _, err := relation.AddIndividual(f.g, entity.IndividualInput{LastName: "New", Relations: []entity.Link{
			{OwnershipPercentage: pct("40"), VotingRightsPercentage: pct("40")}}}, f.env); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("unknown stakes count for nothing", func(t *testing.T) {
		f := newFixture(t)
		g, _, err := relation.AddIndividual(f.g, entity.IndividualInput{LastName: "New", Relations: []entity.Link{{OwnershipPercentage: pct("40")}}}, f.env)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := relation.AddIndividual(g, entity.IndividualInput{LastName: "Newer"}, f.env); err != nil {
			t.Fatalf("an unknown stake into a fully owned company was refused: %v", err)
		}
	})

	refusals := []struct {
		name  string
		empty bool
		in    func(f fixture) entity.IndividualInput
		want  []problem
	}{
		{"relation without a main company", true, func(f fixture) entity.IndividualInput {
			return entity.IndividualInput{LastName: "X", Relations: []entity.Link{{}}}
		}, []problem{{"relations[0].to_company_id", relation.CodeNoMainCompany}}},
		{"unknown company", false, func(f fixture) entity.IndividualInput {
			return entity.IndividualInput{LastName: "X", Relations: []entity.Link{{ToCompanyID: "ghost"}}}
		}, []problem{{"relations[0].to_company_id", relation.CodeNotFound}}},
		{"to an individual", false, func(f fixture) entity.IndividualInput {
			return entity.IndividualInput{LastName: "X", Relations: []entity.Link{{ToCompanyID: f.R}}}
		}, []problem{{"relations[0].to_company_id", relation.CodeNotFound}}},
		{"same company twice", false, func(f fixture) entity.IndividualInput {
			return entity.IndividualInput{LastName: "X", Relations: []entity.Link{{ToCompanyID: f.M}, {}}}
		}, []problem{{"relations[1].to_company_id", relation.CodeDuplicateRelation}}},
		{"ownership over 100 %", false, func(f fixture) entity.IndividualInput {
			return entity.IndividualInput{LastName: "X", Relations: []entity.Link{{OwnershipPercentage: pct("40.5")}}}
		}, []problem{{"relations[0].ownership_percentage", relation.CodeStakeExceeded}}},
		{"voting rights over 100 %, ownership fine", false, func(f fixture) entity.IndividualInput {
			return entity.IndividualInput{LastName: "X", Relations: []entity.Link{{ToCompanyID: f.A, OwnershipPercentage: pct("60"), VotingRightsPercentage: pct("100.00")}, {VotingRightsPercentage: pct("41")}}}
		}, []problem{{"relations[1].voting_rights_percentage", relation.CodeStakeExceeded}}},
		{"two companies over 100 %", false, func(f fixture) entity.IndividualInput {
			return entity.IndividualInput{LastName: "X", Relations: []entity.Link{{ToCompanyID: f.A, OwnershipPercentage: pct("61")}, {OwnershipPercentage: pct("41")}}}
		}, []problem{{"relations[0].ownership_percentage", relation.CodeStakeExceeded}, {"relations[1].ownership_percentage", relation.CodeStakeExceeded}}},
		{"bad percentages are not summed", false, func(f fixture) entity.IndividualInput {
			return entity.IndividualInput{LastName: "X", Relations: []entity.Link{{OwnershipPercentage: pct("150"), VotingRightsPercentage: pct("1.555")}}}
		}, []problem{{"relations[0].ownership_percentage", validation.CodeOutOfRange}, {"relations[0].voting_rights_percentage", validation.CodeTooPrecise}}},
		{"every problem at once", false, func(f fixture) entity.IndividualInput {
			return entity.IndividualInput{IsSignatory: true, Relations: []entity.Link{
				{ToCompanyID: "ghost", Roles: []entity.Role{"boss"}},
				{OwnershipPercentage: pct("50")},
			}}
		}, []problem{
			{"last_name", validation.CodeRequired},
			{"email", validation.CodeRequired},
			{"relations[0].roles[0]", validation.CodeInvalidValue},
			{"relations[0].to_company_id", relation.CodeNotFound},
			{"relations[1].ownership_percentage", relation.CodeStakeExceeded},
		}},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			g := f.g
			if tt.empty {
				g = relation.Graph{}
			}
			before := mustJSON(t, g)
			_, _, err := relation.AddIndividual(g, tt.in(f), f.env)
			checkProblems(t, err, tt.want...)
			unchanged(t, g, before)
		})
	}
}

func TestStakeMessage(t *testing.T) {
	f := newFixture(t)
	_, _, err := relation.AddIndividual(f.g, entity.IndividualInput{LastName: "X", Relations: []entity.Link{{OwnershipPercentage: pct("52.25")}}}, f.env)
	verr := checkProblems(t, err, problem{"relations[0].ownership_percentage", relation.CodeStakeExceeded})
	// 60 (Holding) + 52.25 = 112.25, 12.25 over.
	msg := verr.Problems[0].Message
	for _, want := range []string{`"Main Co"`, f.M, "112.25 %", "12.25 % over 100 %", "ownership"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not mention %q", msg, want)
		}
	}
}

func TestCustomProperties(t *testing.T) {
	set, err := customprop.NewSet([]customprop.Definition{
		{Key: "pep", Label: "Politically exposed", Type: customprop.TypeBoolean, Target: customprop.TargetIndividual},
		{Key: "turnover", Label: "Turnover", Type: customprop.TypeNumeric, Target: customprop.TargetCompany, Settings: customprop.Settings{Format: customprop.FormatNumber}},
	})
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	f.env.Properties = set

	g, v, err := relation.AddIndividual(f.g, entity.IndividualInput{LastName: "P", CustomProperties: customprop.Patch{}.Set("pep", true)}, f.env)
	if err != nil {
		t.Fatal(err)
	}
	if b, ok := v.CustomProperties["pep"].Bool(); !ok || !b {
		t.Fatalf("custom properties %v", v.CustomProperties)
	}
	// A company property on an individual, and a bad value, with a field problem.
	_, _, err = relation.UpdateIndividual(g, v.ID, entity.IndividualUpdate{
		Email:            patchOf("bad"),
		CustomProperties: customprop.Patch{}.Set("turnover", 5).Set("pep", "yes"),
	}, f.env)
	checkProblems(t, err,
		problem{"email", validation.CodeInvalidFormat},
		problem{"custom_properties.turnover", validation.CodeUnknownField},
		problem{"custom_properties.pep", validation.CodeInvalidType},
	)
	g2, v2, err := relation.UpdateIndividual(g, v.ID, entity.IndividualUpdate{CustomProperties: customprop.Patch{}.Remove("pep")}, f.env)
	if err != nil || len(v2.CustomProperties) != 0 {
		t.Fatalf("remove: %v %v", v2.CustomProperties, err)
	}
	if p, _ := g.Individual(v.ID); len(p.CustomProperties) != 1 {
		t.Fatal("the update changed the input graph")
	}
	_, c, err := relation.UpdateCompany(g2, f.A, entity.CompanyUpdate{CustomProperties: customprop.Patch{}.Set("turnover", "1200.50")}, f.env)
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := c.CustomProperties["turnover"].Decimal(); !ok || d.String() != "1200.5" {
		t.Fatalf("turnover %v", c.CustomProperties)
	}
	// Values survive the stored JSON, and Clone does not share them.
	b := mustJSON(t, c.Company)
	if !strings.Contains(b, `"custom_properties":{"turnover":`) {
		t.Fatalf("JSON %s", b)
	}
	var back entity.Company
	if err := json.Unmarshal([]byte(b), &back); err != nil || mustJSON(t, back) != b {
		t.Fatalf("round trip %s: %v", mustJSON(t, back), err)
	}
	cl := back.Clone()
	delete(cl.CustomProperties, "turnover")
	if len(back.CustomProperties) != 1 {
		t.Fatal("Clone shares custom properties")
	}
}

func TestUpdateEntities(t *testing.T) {
	f := newFixture(t)
	g, v, err := relation.UpdateCompany(f.g, f.A, entity.CompanyUpdate{Name: patchOf("Holding SA")}, f.env)
	if err != nil || v.Name != "Holding SA" || len(v.Relations) != 1 {
		t.Fatalf("%+v %v", v, err)
	}
	if c, _ := g.Company(f.A); c.Name != "Holding SA" {
		t.Fatal("graph not updated")
	}
	before := mustJSON(t, f.g)
	for name, err := range map[string]error{
		"company type":       second(relation.UpdateCompany(f.g, f.A, entity.CompanyUpdate{Type: patchOf(entity.CompanyMain)}, f.env)),
		"individual email":   second(relation.UpdateIndividual(f.g, f.O, entity.IndividualUpdate{IsBusinessContact: patchOf(true)}, f.env)),
		"missing company":    second(relation.UpdateCompany(f.g, "ghost", entity.CompanyUpdate{}, f.env)),
		"company as person":  second(relation.UpdateIndividual(f.g, f.M, entity.IndividualUpdate{}, f.env)),
		"individual as firm": second(relation.UpdateCompany(f.g, f.O, entity.CompanyUpdate{}, f.env)),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	unchanged(t, f.g, before)
	if _, _, err := relation.UpdateCompany(f.g, "ghost", entity.CompanyUpdate{}, f.env); !errors.Is(err, relation.ErrNotFound) {
		t.Fatalf("missing company: %v", err)
	}
}

func second[A, B any](_ A, _ B, err error) error { return err }

func errOf[A any](_ A, err error) error { return err }

func TestUpdateRelation(t *testing.T) {
	tests := []struct {
		name  string
		rel   func(f fixture) string
		in    relation.Update
		check func(t *testing.T, r relation.Relation)
		want  []problem
	}{
		{"raise to exactly 100 %", func(f fixture) string { return f.relationID(f.A, f.M) },
			relation.Update{OwnershipPercentage: patchOf(pct("100"))}, func(t *testing.T, r relation.Relation) {
				if !r.OwnershipPercentage.Equal(pct("100")) || !r.VotingRightsPercentage.Equal(pct("60")) || !r.UpdatedAt.Equal(now) {
					t.Fatalf("%+v", r)
				}
			}, nil},
		{"same value is not counted twice", func(f fixture) string { return f.relationID(f.A, f.M) },
			relation.Update{OwnershipPercentage: patchOf(pct("60"))}, func(t *testing.T, r relation.Relation) {}, nil},
		{"null percentage is unknown", func(f fixture) string { return f.relationID(f.O, f.A) },
			relation.Update{OwnershipPercentage: patch.Null[entity.Percentage]()}, func(t *testing.T, r relation.Relation) {
				if r.OwnershipPercentage.IsKnown() {
					t.Fatalf("%+v", r)
				}
			}, nil},
		{"roles and position", func(f fixture) string { return f.relationID(f.R, f.M) },
			relation.Update{Roles: patchOf([]relation.Role{relation.RoleLegalRepresentative}), Position: patchOf("CFO")}, func(t *testing.T, r relation.Relation) {
				if !r.HasRole(relation.RoleLegalRepresentative) || r.Position != "CFO" {
					t.Fatalf("%+v", r)
				}
			}, nil},
		{"ends given unchanged", func(f fixture) string { return f.relationID(f.O, f.A) },
			relation.Update{}, func(t *testing.T, r relation.Relation) {}, nil},
		{"over 100 %", func(f fixture) string { return f.relationID(f.A, f.M) },
			relation.Update{VotingRightsPercentage: patchOf(pct("100.01"))}, nil, []problem{{"voting_rights_percentage", validation.CodeOutOfRange}}},
		{"stake over 100 % with another holder", func(f fixture) string {
			f.g, _, _ = relation.AddIndividual(f.g, entity.IndividualInput{LastName: "X", Relations: []entity.Link{{OwnershipPercentage: pct("30")}}}, f.env)
			return f.relationID(f.A, f.M)
		}, relation.Update{OwnershipPercentage: patchOf(pct("70.01"))}, nil, []problem{{"ownership_percentage", relation.CodeStakeExceeded}}},
		{"change of target", func(f fixture) string { return f.relationID(f.O, f.A) },
			relation.Update{ToCompanyID: patchOf("other")}, nil, []problem{{"to_company_id", validation.CodeNotAllowed}}},
		{"change of source", func(f fixture) string { return f.relationID(f.O, f.A) },
			relation.Update{FromIndividualID: patchOf("other"), FromCompanyID: patchOf("x")}, nil,
			[]problem{{"from_individual_id", validation.CodeNotAllowed}, {"from_company_id", validation.CodeNotAllowed}}},
		{"bad roles", func(f fixture) string { return f.relationID(f.O, f.A) },
			relation.Update{Roles: patchOf([]relation.Role{"owner"})}, nil, []problem{{"roles[0]", validation.CodeInvalidValue}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			id := tt.rel(f)
			g := f.g
			before := mustJSON(t, g)
			out, r, err := relation.UpdateRelation(g, id, tt.in, f.env)
			unchanged(t, g, before)
			checkProblems(t, err, tt.want...)
			if err != nil {
				return
			}
			if got, _ := out.Relation(id); mustJSON(t, got) != mustJSON(t, r) {
				t.Fatal("returned relation differs from the graph's")
			}
			tt.check(t, r)
		})
	}
	f := newFixture(t)
	if _, _, err := relation.UpdateRelation(f.g, "ghost", relation.Update{}, f.env); !errors.Is(err, relation.ErrNotFound) {
		t.Fatalf("missing relation: %v", err)
	}
}

func TestAddRelation(t *testing.T) {
	t.Run("second path, then the first can go", func(t *testing.T) {
		f := newFixture(t)
		g, r, err := relation.AddRelation(f.g, relation.Input{FromIndividualID: f.O, Roles: []relation.Role{relation.RoleLegalRepresentative}}, f.env)
		if err != nil {
			t.Fatal(err)
		}
		if r.ToCompanyID != f.M || r.FromIndividualID != f.O {
			t.Fatalf("%+v", r)
		}
		if _, err := relation.DeleteRelation(g, f.relationID(f.O, f.A)); err != nil {
			t.Fatalf("moving a relation: %v", err)
		}
	})
	t.Run("company to company", func(t *testing.T) {
		f := newFixture(t)
		if _, _, err := relation.AddRelation(f.g, relation.Input{FromCompanyID: f.M, ToCompanyID: f.A, OwnershipPercentage: pct("10")}, f.env); err != nil {
			t.Fatal(err)
		}
	})
	tests := []struct {
		name  string
		empty bool
		in    func(f fixture) relation.Input
		want  []problem
	}{
		{"no main company", true, func(f fixture) relation.Input { return relation.Input{FromIndividualID: "x"} },
			[]problem{{"", relation.CodeNoMainCompany}, {"from_individual_id", relation.CodeNotFound}}},
		{"no source", false, func(f fixture) relation.Input { return relation.Input{ToCompanyID: f.A} },
			[]problem{{"from_individual_id", validation.CodeRequired}}},
		{"two sources", false, func(f fixture) relation.Input { return relation.Input{FromCompanyID: f.A, FromIndividualID: f.O} },
			[]problem{{"from_company_id", validation.CodeConflict}, {"to_company_id", relation.CodeDuplicateRelation}}},
		{"unknown source", false, func(f fixture) relation.Input { return relation.Input{FromIndividualID: f.M} },
			[]problem{{"from_individual_id", relation.CodeNotFound}}},
		{"unknown company source", false, func(f fixture) relation.Input { return relation.Input{FromCompanyID: f.O} },
			[]problem{{"from_company_id", relation.CodeNotFound}}},
		{"self relation", false, func(f fixture) relation.Input { return relation.Input{FromCompanyID: f.M} },
			[]problem{{"to_company_id", relation.CodeSelfRelation}}},
		{"duplicate pair", false, func(f fixture) relation.Input { return relation.Input{FromIndividualID: f.O, ToCompanyID: f.A} },
			[]problem{{"to_company_id", relation.CodeDuplicateRelation}}},
		{"target is an individual", false, func(f fixture) relation.Input { return relation.Input{FromIndividualID: f.O, ToCompanyID: f.R} },
			[]problem{{"to_company_id", relation.CodeNotFound}}},
		{"stake over 100 %", false, func(f fixture) relation.Input {
			return relation.Input{FromIndividualID: f.R, ToCompanyID: f.A, OwnershipPercentage: pct("60.01")}
		}, []problem{{"ownership_percentage", relation.CodeStakeExceeded}}},
		{"bad fields", false, func(f fixture) relation.Input {
			return relation.Input{FromIndividualID: f.R, ToCompanyID: f.A, OwnershipPercentage: pct("-1"), Roles: []relation.Role{"x"}, Position: strings.Repeat("p", 251)}
		}, []problem{{"ownership_percentage", validation.CodeOutOfRange}, {"roles[0]", validation.CodeInvalidValue}, {"position", validation.CodeTooLong}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			g := f.g
			if tt.empty {
				g = relation.Graph{Individuals: []entity.Individual{{ID: "p", LastName: "P", IsRelevant: true}}}
			}
			before := mustJSON(t, g)
			_, _, err := relation.AddRelation(g, tt.in(f), f.env)
			unchanged(t, g, before)
			checkProblems(t, err, tt.want...)
		})
	}
}

func TestDeleteRelation(t *testing.T) {
	t.Run("only link of an individual", func(t *testing.T) {
		f := newFixture(t)
		before := mustJSON(t, f.g)
		_, err := relation.DeleteRelation(f.g, f.relationID(f.R, f.M))
		checkOrphans(t, err, f.R)
		unchanged(t, f.g, before)
	})
	t.Run("link of a company orphans what hangs from it", func(t *testing.T) {
		f := newFixture(t)
		_, err := relation.DeleteRelation(f.g, f.relationID(f.A, f.M))
		checkOrphans(t, err, f.A, f.O)
	})
	t.Run("with another path", func(t *testing.T) {
		f := newFixture(t)
		f.relate(relation.Input{FromIndividualID: f.O, ToCompanyID: f.M})
		g, err := relation.DeleteRelation(f.g, f.relationID(f.A, f.M))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := g.Relation(f.relationID(f.A, f.M)); ok || len(g.Relations) != len(f.g.Relations)-1 {
			t.Fatal("relation still there")
		}
	})
	t.Run("missing", func(t *testing.T) {
		f := newFixture(t)
		if _, err := relation.DeleteRelation(f.g, "ghost"); !errors.Is(err, relation.ErrNotFound) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestDeleteEntities(t *testing.T) {
	t.Run("main company with others", func(t *testing.T) {
		f := newFixture(t)
		before := mustJSON(t, f.g)
		_, err := relation.DeleteCompany(f.g, f.M)
		checkOrphans(t, err, f.A, f.O, f.R)
		unchanged(t, f.g, before)
	})
	t.Run("main company alone", func(t *testing.T) {
		b := newBuilder(t)
		m := b.company(entity.CompanyInput{Name: "M"})
		g, err := relation.DeleteCompany(b.g, m)
		if err != nil || len(g.Companies) != 0 {
			t.Fatalf("%v %s", err, mustJSON(t, g))
		}
	})
	t.Run("company others hang from", func(t *testing.T) {
		f := newFixture(t)
		_, err := relation.DeleteCompany(f.g, f.A)
		checkOrphans(t, err, f.O)
	})
	t.Run("company and its relations", func(t *testing.T) {
		f := newFixture(t)
		f.relate(relation.Input{FromIndividualID: f.O, ToCompanyID: f.M})
		f.relate(relation.Input{FromCompanyID: f.M, ToCompanyID: f.A})
		g, err := relation.DeleteCompany(f.g, f.A)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range g.Relations {
			if r.From() == f.A || r.ToCompanyID == f.A {
				t.Fatalf("relation %s of the deleted company kept", r.ID)
			}
		}
		if len(g.Relations) != 2 || len(g.Companies) != 1 || relation.Check(g) != nil {
			t.Fatalf("graph %s", mustJSON(t, g))
		}
	})
	t.Run("individual that is the only link of a company", func(t *testing.T) {
		f := newFixture(t)
		// B hangs from R only: R -> B.
		g, v, err := relation.AddCompany(f.g, entity.CompanyInput{Type: entity.CompanyAffiliated, Name: "B"}, f.env)
		if err != nil {
			t.Fatal(err)
		}
		f.g = g
		f.relate(relation.Input{FromIndividualID: f.R, ToCompanyID: v.ID})
		g, err = relation.DeleteRelation(f.g, f.relationID(v.ID, f.M))
		if err != nil {
			t.Fatal(err)
		}
		_, err = relation.DeleteIndividual(g, f.R)
		checkOrphans(t, err, v.ID)
	})
	t.Run("individual", func(t *testing.T) {
		f := newFixture(t)
		g, err := relation.DeleteIndividual(f.g, f.O)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := g.Individual(f.O); ok || len(g.RelationsFrom(f.O)) != 0 || relation.Check(g) != nil {
			t.Fatal("individual or its relations still there")
		}
	})
	t.Run("missing or wrong kind", func(t *testing.T) {
		f := newFixture(t)
		for _, err := range []error{
			errOf(relation.DeleteCompany(f.g, "ghost")),
			errOf(relation.DeleteCompany(f.g, f.O)),
			errOf(relation.DeleteIndividual(f.g, f.A)),
		} {
			if !errors.Is(err, relation.ErrNotFound) {
				t.Errorf("got %v, want ErrNotFound", err)
			}
		}
	})
}

func TestSetMainCompany(t *testing.T) {
	f := newFixture(t)
	before := mustJSON(t, f.g)
	g, err := relation.SetMainCompany(f.g, f.A, f.env)
	if err != nil {
		t.Fatal(err)
	}
	unchanged(t, f.g, before)
	m, _ := g.MainCompany()
	old, _ := g.Company(f.M)
	if m.ID != f.A || old.Type != entity.CompanyAffiliated || relation.Check(g) != nil {
		t.Fatalf("graph %s", mustJSON(t, g))
	}
	if _, err := relation.SetMainCompany(f.g, f.O, f.env); !errors.Is(err, relation.ErrNotFound) {
		t.Fatalf("individual: %v", err)
	}
	same, err := relation.SetMainCompany(f.g, f.M, f.env)
	if err != nil || mustJSON(t, same) != before {
		t.Fatalf("setting the main company again changed something: %v", err)
	}
}
