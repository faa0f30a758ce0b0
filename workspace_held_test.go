package dossier_test

import (
	"testing"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/validation"
)

// TestAddHeldCompanyKeepsTotalsExact: P holds 40 % of Acme, which holds
// 100 % of a subsidiary. Created with AddCompany, the subsidiary gets the
// default link to Acme with unknown percentages, a cross-holding that
// makes P's total a range; created with AddHeldCompany it gets none and
// P's total stays exactly 40.
func TestAddHeldCompanyKeepsTotalsExact(t *testing.T) {
	sub := entity.CompanyInput{Name: "Subsidiary", Type: entity.CompanyAffiliated}
	tests := []struct {
		name      string
		add       func(b *builder, acme string) string
		wantExact bool
	}{
		{"AddCompany then AddRelation", func(b *builder, acme string) string {
			v, err := b.w.AddCompany(b.ctx, b.caseID, sub)
			if err != nil {
				b.t.Fatal(err)
			}
			b.holds(acme, v.ID, "100")
			return v.ID
		}, false},
		{"AddHeldCompany", func(b *builder, acme string) string {
			v, err := b.w.AddHeldCompany(b.ctx, b.caseID, sub, []relation.Input{{FromCompanyID: acme, OwnershipPercentage: perc("100"), VotingRightsPercentage: perc("100")}})
			if err != nil {
				b.t.Fatal(err)
			}
			if len(v.Relations) != 0 {
				b.t.Fatalf("the subsidiary has relations of its own: %+v", v.Relations)
			}
			return v.ID
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBuilder(t, dossier.Settings{})
			acme := b.company("Acme")
			p := b.person("P", acme, "40", "")
			tt.add(b, acme)
			rep, err := b.w.Ownership(b.ctx, b.caseID)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := rep.Result.Total(p, ownership.Ownership)
			if got.Known() != tt.wantExact {
				t.Fatalf("P's total is %s; want exact: %v", got, tt.wantExact)
			}
			if tt.wantExact && got.String() != "40.00" {
				t.Fatalf("P's total is %s, want 40", got)
			}
		})
	}
	t.Run("refused: nothing saved, problems at holder paths", func(t *testing.T) {
		b := newBuilder(t, dossier.Settings{})
		b.company("Acme")
		err := unchanged(t, b.w, b.caseID, func() error {
			_, err := b.w.AddHeldCompany(b.ctx, b.caseID, sub, []relation.Input{{CaseID: "other", FromIndividualID: "nobody"}})
			return err
		})
		wantProblem(t, err, "holders[0].from_individual_id", relation.CodeNotFound)
		wantProblem(t, err, "holders[0].case_id", validation.CodeInvalidValue)
	})
}
