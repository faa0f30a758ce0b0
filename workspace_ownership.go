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
// voting rights, an absent voting percentage following the ownership one,
// beneficial owners at 25 % or more.
type OwnershipSettings struct {
	// Voting is how voting rights pass through intermediate companies:
	// ownership.Multiplicative (default) or ownership.ControlChain.
	Voting ownership.VotingMethod
	// AbsentVoting is what a relation without a voting-rights percentage
	// counts for in voting totals: VotingFollowsOwnership (default) or
	// VotingUnknown.
	AbsentVoting AbsentVoting
	// Policy is the beneficial-ownership test: a threshold (default 25) and
	// a comparator (default >=; use ownership.MoreThan for "more than 25 %").
	// Ownership and voting rights are tested separately.
	Policy ownership.Policy
}

func (o OwnershipSettings) options() ownership.Options {
	return ownership.Options{Voting: o.Voting, VotingFromOwnership: o.AbsentVoting == VotingFollowsOwnership}
}

// AbsentVoting says what the voting rights of a relation whose
// voting_rights_percentage is unknown (absent or null: storage does not
// tell them apart) count for in voting totals and beneficial-owner tests.
//
// The default, VotingFollowsOwnership, counts the relation's ownership
// percentage (a number, a band, or unknown when that is unknown too): one
// share, one vote. It is the statutory rule where the articles say nothing
// else (UK Companies Act 2006 s. 284, German AktG s. 134, French Code de
// commerce L. 225-122), registers and the Dotfile API mostly publish
// capital stakes only, and treating every absent voting figure as unknown
// makes every holder a "possibly" beneficial owner on the voting test (a
// voting total from 0 to 100 %), which buries the real ones under false
// alerts. A holder whose votes differ from its shares (dual-class shares,
// voting agreements) must then be given its voting percentage explicitly;
// [OwnershipReport.AssumedVoting] lists the relations the rule applied to,
// so a reviewer can see what was assumed.
//
// VotingUnknown keeps such voting rights unknown: totals through them are
// ranges and the voting test answers "possibly" wherever the range
// straddles the threshold. Choose it when absent voting figures are
// genuinely unknown rather than unstated.
type AbsentVoting uint8

const (
	// VotingFollowsOwnership counts an unknown voting percentage as the
	// relation's ownership percentage (the zero value and default).
	VotingFollowsOwnership AbsentVoting = iota
	// VotingUnknown keeps an unknown voting percentage unknown.
	VotingUnknown
)

// String returns "follow_ownership" or "unknown".
func (a AbsentVoting) String() string {
	switch a {
	case VotingFollowsOwnership:
		return "follow_ownership"
	case VotingUnknown:
		return "unknown"
	default:
		return fmt.Sprintf("AbsentVoting(%d)", uint8(a))
	}
}

func (a AbsentVoting) valid() bool { return a == VotingFollowsOwnership || a == VotingUnknown }

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
	// declared value stays stored as given; see relation.IndividualView for
	// what reads show.
	Discrepancies []ownership.Discrepancy
	// AssumedVoting lists the ids of the relations, in case order, whose
	// voting rights are unknown and were counted as their ownership
	// percentage (AbsentVoting VotingFollowsOwnership); empty under
	// VotingUnknown.
	AssumedVoting []string
	// Names gives the display name of every company (its name) and
	// individual (its full name) of the case, by id, for the JSON form.
	Names map[string]string
	// Settings are the ownership settings the report was computed with,
	// the policy's threshold filled in (25 when left zero).
	Settings OwnershipSettings
}

// Ownership computes the ownership report of a case. A case without a main
// company has no totals: the report is then empty apart from a nil Result.
func (w *Workspace) Ownership(ctx context.Context, caseID string) (*OwnershipReport, error) {
	rec, err := w.load(ctx, caseID)
	if err != nil {
		return nil, err
	}
	res, err := w.totals(rec)
	if err != nil {
		return &OwnershipReport{}, err
	}
	settings := w.settings.Ownership
	if settings.Policy.Threshold.IsZero() {
		settings.Policy.Threshold = ownership.DefaultPolicy().Threshold
	}
	names := make(map[string]string, len(rec.Companies)+len(rec.Individuals))
	for _, c := range rec.Companies {
		names[c.ID] = c.Name
	}
	for _, p := range rec.Individuals {
		names[p.ID] = p.FullName()
	}
	if res == nil {
		return &OwnershipReport{Names: names, Settings: settings}, nil
	}
	report := &OwnershipReport{MainCompanyID: res.Root(), Result: res, Names: names, Settings: settings}
	owners, err := res.BeneficialOwners(w.settings.Ownership.Policy)
	if err != nil {
		return nil, fmt.Errorf("dossier: beneficial owners: %w", err)
	}
	if w.settings.Ownership.AbsentVoting == VotingFollowsOwnership {
		for _, r := range rec.Relations {
			if r.VotingRightsPercentage.IsUnknown() && !r.OwnershipPercentage.IsUnknown() {
				report.AssumedVoting = append(report.AssumedVoting, r.ID)
			}
		}
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
