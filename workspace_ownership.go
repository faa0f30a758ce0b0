package dossier

import (
	"context"
	"errors"
	"fmt"

	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/storage"
)

// OwnershipSettings configures how the Workspace computes total interests
// and beneficial owners. The zero value is the default: multiplicative
// voting rights, beneficial owners at 25 % or more.
type OwnershipSettings struct {
	// Voting is how voting rights pass through intermediate companies:
	// ownership.Multiplicative (default) or ownership.ControlChain.
	Voting ownership.VotingMethod
	// Policy is the beneficial-ownership test: a threshold (default 25) and
	// a comparator (default >=; use ownership.MoreThan for "more than 25 %").
	// Ownership and voting rights are tested separately.
	Policy ownership.Policy
}

func (o OwnershipSettings) options() ownership.Options {
	return ownership.Options{Voting: o.Voting}
}

// OwnershipReport is the ownership structure of a case: every entity's
// exact total interest in the main company, the beneficial owners under the
// workspace policy, and the declared totals that disagree with the computed
// ones.
type OwnershipReport struct {
	// MainCompanyID is the company the totals are interests in.
	MainCompanyID string
	// Result holds the exact totals of every entity (Total), their
	// explanation (Explain), the unattributed shares (Unattributed) and the
	// policy tests (Assess).
	Result *ownership.Result
	// BeneficialOwners are the individuals that meet the workspace policy's
	// ownership or voting test (Outcome Yes) or may meet it given unknown
	// percentages (Possibly), in the order of the case's individuals.
	BeneficialOwners []ownership.Assessment
	// Discrepancies lists the individuals whose declared
	// ownership_percentage or voting_rights_percentage disagrees with the
	// computed total (see ownership.Discrepancy for the tolerance). The
	// declared value stays stored as given; reads show the computed one.
	Discrepancies []ownership.Discrepancy
}

// Ownership computes the ownership report of a case. A case without a main
// company has no totals: the report is then empty apart from a nil Result.
func (w *Workspace) Ownership(ctx context.Context, caseID string) (*OwnershipReport, error) {
	rec, err := w.load(ctx, caseID)
	if err != nil {
		return nil, err
	}
	res, err := w.totals(rec)
	if err != nil || res == nil {
		return &OwnershipReport{}, err
	}
	report := &OwnershipReport{MainCompanyID: res.Root(), Result: res}
	owners, err := res.BeneficialOwners(w.settings.Ownership.Policy)
	if err != nil {
		return nil, fmt.Errorf("dossier: beneficial owners: %w", err)
	}
	byID := make(map[string]ownership.Assessment, len(owners))
	for _, a := range owners {
		byID[a.ID] = a
	}
	for _, p := range rec.Individuals {
		if a, ok := byID[p.ID]; ok {
			report.BeneficialOwners = append(report.BeneficialOwners, a)
		}
		for _, c := range []struct {
			in       ownership.Interest
			declared entity.Percentage
		}{
			{ownership.Ownership, p.OwnershipPercentage},
			{ownership.Voting, p.VotingRightsPercentage},
		} {
			d, err := res.Compare(p.ID, c.in, c.declared)
			if errors.Is(err, ownership.ErrUnknownNode) {
				continue // no relation carries an interest of this individual
			}
			if err != nil {
				return nil, fmt.Errorf("dossier: compare declared total of %s: %w", p.ID, err)
			}
			if d.Differs {
				report.Discrepancies = append(report.Discrepancies, d)
			}
		}
	}
	return report, nil
}

// totals computes the totals of rec's graph, or nil without a main company.
func (w *Workspace) totals(rec *storage.Record) (*ownership.Result, error) {
	return w.views.totals(rec)
}

// totals computes the totals of rec's graph, or nil without a main company.
func (v views) totals(rec *storage.Record) (*ownership.Result, error) {
	res, err := relation.Totals(graphOf(rec), v.ownership.options())
	if errors.Is(err, relation.ErrNoMainCompany) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("dossier: ownership totals of case %s: %w", rec.Case.ID, err)
	}
	return res, nil
}

// fillTotals sets the top-level ownership_percentage and
// voting_rights_percentage of an individual as read: the computed total,
// rounded to two decimals for display, whenever it is an exact number.
// When it is not (no main company, a range because of unknown percentages,
// a closed loop), the declared value is shown as stored.
func fillTotals(p *entity.Individual, res *ownership.Result) {
	if res == nil {
		return
	}
	for _, f := range []struct {
		in  ownership.Interest
		dst *entity.Percentage
	}{
		{ownership.Ownership, &p.OwnershipPercentage},
		{ownership.Voting, &p.VotingRightsPercentage},
	} {
		t, ok := res.Total(p.ID, f.in)
		if !ok {
			continue
		}
		if d, ok := t.Round(ownership.DisplayPlaces); ok {
			*f.dst = entity.PercentageOf(d)
		}
	}
}
