package relation_test

import (
	"reflect"
	"testing"

	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/validation"
)

// TestAddHeldCompany: a company created with its holders gets no default
// link to the main company; the holders' relations are checked as
// AddRelation checks them, at "holders[i]" paths, and nothing changes on
// error.
func TestAddHeldCompany(t *testing.T) {
	sub := entity.CompanyInput{Type: entity.CompanyAffiliated, Name: "Subsidiary"}
	t.Run("held by the main company and an owner: no default link", func(t *testing.T) {
		f := newFixture(t)
		g, v, err := relation.AddHeldCompany(f.g, sub, []relation.Input{
			{FromCompanyID: f.M, OwnershipPercentage: pct("70")},
			{FromIndividualID: f.O, OwnershipPercentage: pct("30"), VotingRightsPercentage: pct("30")},
		}, f.env)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Relations) != 0 {
			t.Fatalf("the new company has relations of its own: %+v", v.Relations)
		}
		var into []string
		for _, r := range g.Relations {
			if r.From() == v.ID {
				t.Fatalf("relation from the new company: %+v", r)
			}
			if r.ToCompanyID == v.ID {
				into = append(into, r.From()+" "+r.OwnershipPercentage.String())
			}
		}
		if want := []string{f.M + " 70", f.O + " 30"}; !reflect.DeepEqual(into, want) {
			t.Fatalf("relations into the new company %v, want %v", into, want)
		}
		if len(g.Relations) != len(f.g.Relations)+2 {
			t.Fatalf("%d relations, want %d", len(g.Relations), len(f.g.Relations)+2)
		}
		if err := relation.Check(g); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("with relations of its own too", func(t *testing.T) {
		f := newFixture(t)
		in := sub
		in.Relations = []entity.Link{{ToCompanyID: f.A, OwnershipPercentage: pct("5")}}
		g, v, err := relation.AddHeldCompany(f.g, in, []relation.Input{{FromIndividualID: f.R}}, f.env)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Relations) != 1 || v.Relations[0].ToCompanyID != f.A {
			t.Fatalf("own relations %+v, want one to %s", v.Relations, f.A)
		}
		if len(g.Relations) != len(f.g.Relations)+2 {
			t.Fatalf("%d relations, want %d", len(g.Relations), len(f.g.Relations)+2)
		}
	})
	t.Run("no holders: AddCompany, with the default link", func(t *testing.T) {
		f := newFixture(t)
		_, v, err := relation.AddHeldCompany(f.g, sub, nil, f.env)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Relations) != 1 || v.Relations[0].ToCompanyID != f.M || !v.Relations[0].OwnershipPercentage.IsUnknown() {
			t.Fatalf("relations %+v, want the default link to %s", v.Relations, f.M)
		}
	})

	refused := []struct {
		name    string
		in      func(f fixture) entity.CompanyInput
		holders func(f fixture) []relation.Input
		want    []problem
	}{
		{"to_company_id given", func(fixture) entity.CompanyInput { return sub },
			func(f fixture) []relation.Input { return []relation.Input{{FromCompanyID: f.M, ToCompanyID: f.A}} },
			[]problem{{"holders[0].to_company_id", validation.CodeNotAllowed}}},
		{"unknown holder", func(fixture) entity.CompanyInput { return sub },
			func(fixture) []relation.Input { return []relation.Input{{FromIndividualID: "nobody"}} },
			[]problem{{"holders[0].from_individual_id", relation.CodeNotFound}}},
		{"stakes over 100 %", func(fixture) entity.CompanyInput { return sub },
			func(f fixture) []relation.Input {
				return []relation.Input{{FromCompanyID: f.M, OwnershipPercentage: pct("70")}, {FromIndividualID: f.O, OwnershipPercentage: pct("40")}}
			},
			[]problem{{"holders[1].ownership_percentage", relation.CodeStakeExceeded}}},
		{"the same holder twice", func(fixture) entity.CompanyInput { return sub },
			func(f fixture) []relation.Input { return []relation.Input{{FromCompanyID: f.M}, {FromCompanyID: f.M}} },
			[]problem{{"holders[1].to_company_id", relation.CodeDuplicateRelation}}},
		{"a main company has no holders", func(fixture) entity.CompanyInput { return entity.CompanyInput{Name: "Second main"} },
			func(f fixture) []relation.Input { return []relation.Input{{FromCompanyID: f.A}} },
			[]problem{{"type", relation.CodeMainCompanyExists}, {"holders", validation.CodeNotAllowed}}},
		{"problems of the company and of the holders at once", func(fixture) entity.CompanyInput {
			return entity.CompanyInput{Type: entity.CompanyAffiliated}
		},
			func(fixture) []relation.Input { return []relation.Input{{FromIndividualID: "nobody"}} },
			[]problem{{"name", validation.CodeRequired}, {"holders[0].from_individual_id", relation.CodeNotFound}}},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			before := mustJSON(t, f.g)
			_, _, err := relation.AddHeldCompany(f.g, tt.in(f), tt.holders(f), f.env)
			checkProblems(t, err, tt.want...)
			if mustJSON(t, f.g) != before {
				t.Fatal("the graph passed in changed")
			}
		})
	}
}
