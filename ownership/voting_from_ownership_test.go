package ownership_test

import (
	"errors"
	"testing"

	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/validation"
)

// TestVotingFromOwnership: with Options.VotingFromOwnership an unknown
// voting percentage takes the edge's ownership percentage (number, band or
// unknown); a given voting percentage is kept.
func TestVotingFromOwnership(t *testing.T) {
	band := ownership.MustParsePercent("(25, 50]")
	edges := []ownership.Edge{
		ev("h", "r", "60", "?"),               // H holds 60 % of R, votes not given
		ev("p", "h", "50", "?"),               // P: 50 % of H, votes not given
		ev("q", "h", "50", "10"),              // Q: 50 % of H, 10 % of its votes
		{From: "b", To: "r", Ownership: band}, // B: a band, votes not given
		ev("u", "r", "?", "?"),                // U: nothing known
	}
	tests := []struct {
		name string
		on   bool
		want map[string]string // voting totals as String shows them
	}{
		{"off: unknown stays unknown", false, map[string]string{
			"h": "[0.00, 100.00]", "p": "[0.00, 90.00]", "q": "[0.00, 10.00]", "b": "[0.00, 100.00]", "u": "[0.00, 100.00]"}},
		{"on: one share, one vote", true, map[string]string{
			// H 60; P 50 % of H's votes -> 30; Q 10 % -> 6; B (25, 50] capped
			// by what H's 60 leaves: (25, 40]; U: what H and B leave, [0, 15).
			"h": "60.00", "p": "30.00", "q": "6.00", "b": "(25.00, 40.00]", "u": "[0.00, 15.00)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustCompute(t, "r", edges, ownership.Options{VotingFromOwnership: tt.on})
			if r.Options().VotingFromOwnership != tt.on {
				t.Errorf("Options() does not report VotingFromOwnership %v", tt.on)
			}
			for id, want := range tt.want {
				got, _ := r.Total(id, ownership.Voting)
				if got.String() != want {
					t.Errorf("voting total of %s = %s, want %s", id, got, want)
				}
			}
			// Ownership never changes.
			wantExact(t, r, "p", ownership.Ownership, "30")
		})
	}
	t.Run("the caller's edges are not modified", func(t *testing.T) {
		in := []ownership.Edge{ev("p", "r", "30", "?")}
		mustCompute(t, "r", in, ownership.Options{VotingFromOwnership: true})
		if !in[0].Voting.IsUnknown() {
			t.Fatalf("edge voting became %s", in[0].Voting)
		}
	})
	t.Run("an invalid ownership percentage is reported once", func(t *testing.T) {
		_, err := ownership.Compute("r", []ownership.Edge{ev("p", "r", "130", "?")}, ownership.Options{VotingFromOwnership: true})
		var verr *validation.Error
		if !errors.As(err, &verr) {
			t.Fatalf("got %v", err)
		}
		if len(verr.Problems) != 1 || verr.Problems[0].Path != "edges[0].ownership_percentage" {
			t.Fatalf("problems %+v, want one at edges[0].ownership_percentage", verr.Problems)
		}
	})
}
