package dossier_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/validation"
)

// builder creates the entities of one case through the Workspace.
type builder struct {
	t      *testing.T
	w      *dossier.Workspace
	ctx    context.Context
	caseID string
}

func newBuilder(t *testing.T, s dossier.Settings) *builder {
	w := newWorkspace(t, s)
	c, err := w.CreateCase(context.Background(), dossier.CreateCaseInput{Name: "ownership"})
	if err != nil {
		t.Fatal(err)
	}
	return &builder{t: t, w: w, ctx: context.Background(), caseID: c.ID}
}

// company adds the main company.
func (b *builder) company(name string) string {
	b.t.Helper()
	v, err := b.w.AddCompany(b.ctx, b.caseID, entity.CompanyInput{Name: name, Type: entity.CompanyMain})
	if err != nil {
		b.t.Fatal(err)
	}
	return v.Company.ID
}

// affiliated adds an affiliated company holding pct of company to.
func (b *builder) affiliated(name, to, pct string) string {
	b.t.Helper()
	v, err := b.w.AddCompany(b.ctx, b.caseID, entity.CompanyInput{Name: name, Type: entity.CompanyAffiliated,
		Relations: []entity.Link{{ToCompanyID: to, OwnershipPercentage: perc(pct), VotingRightsPercentage: perc(pct)}}})
	if err != nil {
		b.t.Fatal(err)
	}
	return v.Company.ID
}

// person adds an individual holding pct of company to; declared is the
// individual's declared total ("" for none).
func (b *builder) person(name, to, pct, declared string) string {
	b.t.Helper()
	in := entity.IndividualInput{LastName: name, Relations: []entity.Link{{ToCompanyID: to, OwnershipPercentage: perc(pct), VotingRightsPercentage: perc(pct)}}}
	if declared != "" {
		in.OwnershipPercentage = entity.MustPercentage(declared)
	}
	v, err := b.w.AddIndividual(b.ctx, b.caseID, in)
	if err != nil {
		b.t.Fatal(err)
	}
	return v.Individual.ID
}

// holds adds a relation from company from to company to.
func (b *builder) holds(from, to, pct string) {
	b.t.Helper()
	if _, err := b.w.AddRelation(b.ctx, b.caseID, relation.Input{FromCompanyID: from, ToCompanyID: to,
		OwnershipPercentage: perc(pct), VotingRightsPercentage: perc(pct)}); err != nil {
		b.t.Fatal(err)
	}
}

func perc(s string) entity.Percentage {
	if s == "" {
		return entity.UnknownPercentage
	}
	return entity.MustPercentage(s)
}

// shown returns the ownership_percentage of an individual as read.
func (b *builder) shown(id string) string {
	b.t.Helper()
	v, err := b.w.GetIndividual(b.ctx, id)
	if err != nil {
		b.t.Fatal(err)
	}
	return v.OwnershipPercentage.String()
}

func TestTotalsFilledOnRead(t *testing.T) {
	t.Run("chain: 70 % of a holding owning 60 % is 42 %", func(t *testing.T) {
		b := newBuilder(t, dossier.Settings{})
		main := b.company("C")
		h := b.affiliated("B", main, "60")
		a := b.person("A", h, "70", "")
		if got := b.shown(a); got != "42" {
			t.Fatalf("shown %s, want 42", got)
		}
		list, _ := b.w.ListIndividuals(b.ctx, b.caseID)
		if len(list) != 1 || list[0].OwnershipPercentage.String() != "42" || list[0].VotingRightsPercentage.String() != "42" {
			t.Fatalf("list shows %+v", list)
		}
	})
	t.Run("cross-holding: 2/3 and 1/3, shown with two decimals", func(t *testing.T) {
		b := newBuilder(t, dossier.Settings{})
		a := b.company("A")
		bb := b.affiliated("B", a, "50")
		b.holds(a, bb, "50")
		ua := b.person("UA", a, "50", "")
		ub := b.person("UB", bb, "50", "")
		if got := b.shown(ua); got != "66.67" {
			t.Errorf("UA shown %s, want 66.67", got)
		}
		if got := b.shown(ub); got != "33.33" {
			t.Errorf("UB shown %s, want 33.33", got)
		}
		rep, err := b.w.Ownership(b.ctx, b.caseID)
		if err != nil {
			t.Fatal(err)
		}
		total, _ := rep.Result.Total(ua, ownership.Ownership)
		if total.Exact() == nil || total.Exact().Cmp(big.NewRat(200, 3)) != 0 {
			t.Fatalf("exact UA total = %v, want 200/3", total.Exact())
		}
	})
	t.Run("unknown percentage is never shown as a number", func(t *testing.T) {
		b := newBuilder(t, dossier.Settings{})
		main := b.company("C")
		p := b.person("P", main, "", "")
		if got := b.shown(p); got != entity.UnknownPercentage.String() {
			t.Fatalf("shown %s for an unknown stake", got)
		}
	})
}

func TestDeclaredTotalDiscrepancy(t *testing.T) {
	b := newBuilder(t, dossier.Settings{})
	main := b.company("C")
	h := b.affiliated("B", main, "60")
	a := b.person("A", h, "70", "50")   // declared 50, computed 42
	ok := b.person("OK", h, "30", "18") // declared 18, computed exactly 18
	rep, err := b.w.Ownership(b.ctx, b.caseID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Discrepancies) != 1 {
		t.Fatalf("discrepancies %+v, want one", rep.Discrepancies)
	}
	d := rep.Discrepancies[0]
	if d.ID != a || d.Interest != ownership.Ownership || d.Difference.Cmp(big.NewRat(8, 1)) != 0 {
		t.Fatalf("discrepancy %+v, want A, ownership, +8", d)
	}
	rec, _ := b.w.GetRecord(b.ctx, b.caseID)
	for _, p := range rec.Individuals {
		if p.ID == a && p.OwnershipPercentage.String() != "50" {
			t.Fatalf("the declared total was replaced in storage: %s", p.OwnershipPercentage)
		}
	}
	if got := b.shown(a); got != "42" {
		t.Fatalf("shown %s, want the computed 42", got)
	}
	for _, d := range rep.Discrepancies {
		if d.ID == ok {
			t.Fatal("a declared total equal to the computed one was reported")
		}
	}
}

func TestBeneficialOwnersPolicy(t *testing.T) {
	// Holdings 30, 25 and 20 % directly in the main company.
	build := func(p ownership.Policy) (*builder, map[string]string) {
		b := newBuilder(t, dossier.Settings{Ownership: dossier.OwnershipSettings{Policy: p}})
		main := b.company("C")
		ids := map[string]string{}
		for _, pct := range []string{"30", "25", "20"} {
			ids[b.person("P"+pct, main, pct, "")] = pct
		}
		return b, ids
	}
	tests := []struct {
		name   string
		policy ownership.Policy
		want   string
	}{
		{"default: 25 % or more", ownership.Policy{}, "[25 30]"},
		{"more than 25 %", ownership.Policy{Comparator: ownership.MoreThan}, "[30]"},
		{"10 % or more", ownership.Policy{Threshold: decimal.NewFromInt(10)}, "[20 25 30]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, ids := build(tt.policy)
			rep, err := b.w.Ownership(b.ctx, b.caseID)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range rep.BeneficialOwners {
				got = append(got, ids[a.ID])
			}
			sort.Strings(got)
			if fmt.Sprint(got) != tt.want {
				t.Fatalf("owners %v, want %v", got, tt.want)
			}
		})
	}
}

func TestOwnershipWithoutMainCompany(t *testing.T) {
	b := newBuilder(t, dossier.Settings{})
	rep, err := b.w.Ownership(b.ctx, b.caseID)
	if err != nil || rep.Result != nil || len(rep.BeneficialOwners) != 0 {
		t.Fatalf("got %+v, %v", rep, err)
	}
	if _, err := b.w.Ownership(b.ctx, "missing"); !errors.Is(err, dossier.ErrNotFound) {
		t.Fatalf("missing case: %v", err)
	}
}

func TestInvalidPolicyRefused(t *testing.T) {
	_, err := dossier.New(newMemoryStore(), dossier.Settings{Ownership: dossier.OwnershipSettings{
		Policy: ownership.Policy{Threshold: decimal.RequireFromString("100.5")}}})
	var verr *validation.Error
	if !errors.As(err, &verr) {
		t.Fatalf("got %v", err)
	}
}
