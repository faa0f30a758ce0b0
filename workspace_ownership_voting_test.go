package dossier_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/validation"
)

// TestAbsentVotingSetting: relations given with an ownership percentage and
// no voting one. Under the default (one share, one vote) the voting test
// follows the shares; under VotingUnknown every holder's voting total is a
// range and may pass.
func TestAbsentVotingSetting(t *testing.T) {
	type holder struct{ name, own, vote string }
	holders := []holder{{"A", "30", ""}, {"B", "20", ""}, {"C", "10", "40"}, {"D", "", ""}}
	tests := []struct {
		name     string
		setting  dossier.AbsentVoting
		voting   map[string]string // holder -> voting total as String shows it
		outcomes map[string]string // beneficial owners -> combined outcome
		assumed  []string          // holders whose relation had its voting assumed
	}{
		{
			name:    "default follows ownership",
			setting: dossier.VotingFollowsOwnership,
			// D's ownership is unknown too, so its voting stays unknown:
			// at most what the others leave of 100 %.
			voting: map[string]string{"A": "30.00", "B": "20.00", "C": "40.00", "D": "[0.00, 10.00]"},
			// D's ownership is [0, 40]: possibly, on ownership alone.
			outcomes: map[string]string{"A": "yes", "C": "yes", "D": "possibly"},
			assumed:  []string{"A", "B"},
		},
		{
			name:     "unknown",
			setting:  dossier.VotingUnknown,
			voting:   map[string]string{"A": "[0.00, 60.00]", "B": "[0.00, 60.00]", "C": "40.00", "D": "[0.00, 60.00]"},
			outcomes: map[string]string{"A": "yes", "B": "possibly", "C": "yes", "D": "possibly"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBuilder(t, dossier.Settings{Ownership: dossier.OwnershipSettings{AbsentVoting: tt.setting}})
			main := b.company("Main")
			ids := map[string]string{}
			relOf := map[string]string{}
			for _, h := range holders {
				v, err := b.w.AddIndividual(b.ctx, b.caseID, entity.IndividualInput{LastName: h.name, Relations: []entity.Link{
					{ToCompanyID: main, OwnershipPercentage: perc(h.own), VotingRightsPercentage: perc(h.vote)}}})
				if err != nil {
					t.Fatal(err)
				}
				ids[v.Individual.ID] = h.name
				relOf[v.Relations[0].ID] = h.name
			}
			rep, err := b.w.Ownership(b.ctx, b.caseID)
			if err != nil {
				t.Fatal(err)
			}
			for id, name := range ids {
				got, _ := rep.Result.Total(id, ownership.Voting)
				if got.String() != tt.voting[name] {
					t.Errorf("voting total of %s = %s, want %s", name, got, tt.voting[name])
				}
			}
			outcomes := map[string]string{}
			for _, a := range rep.BeneficialOwners {
				outcomes[ids[a.ID]] = a.Outcome().String()
			}
			if len(outcomes) != len(tt.outcomes) {
				t.Errorf("beneficial owners %v, want %v", outcomes, tt.outcomes)
			}
			for name, want := range tt.outcomes {
				if outcomes[name] != want {
					t.Errorf("outcome of %s = %q, want %q", name, outcomes[name], want)
				}
			}
			var assumed []string
			for _, rid := range rep.AssumedVoting {
				assumed = append(assumed, relOf[rid])
			}
			slices.Sort(assumed)
			if !slices.Equal(assumed, tt.assumed) {
				t.Errorf("assumed voting for %v, want %v", assumed, tt.assumed)
			}
		})
	}
}

func TestAbsentVotingInvalidSettingRefused(t *testing.T) {
	_, err := dossier.New(newMemoryStore(), dossier.Settings{Ownership: dossier.OwnershipSettings{AbsentVoting: 7}})
	var verr *validation.Error
	if !errors.As(err, &verr) {
		t.Fatalf("got %v, want a *validation.Error", err)
	}
	wantProblem(t, err, "ownership.absent_voting", validation.CodeInvalidValue)
}
