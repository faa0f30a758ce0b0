package relation

import (
	"errors"

	"github.com/dossierkit/dossier/ownership"
)

// ErrNoMainCompany is returned by Totals for a graph without a main company:
// totals are interests in the main company.
var ErrNoMainCompany = errors.New("relation: the case has no main company")

// Edges returns the holdings of g as the ownership package reads them: one
// edge per relation, from its source to its target company, with its direct
// ownership and voting-rights percentages (unknown stays unknown).
func (g Graph) Edges() []ownership.Edge {
	edges := make([]ownership.Edge, len(g.Relations))
	for i, r := range g.Relations {
		edges[i] = ownership.Edge{
			From:      r.From(),
			To:        r.ToCompanyID,
			Ownership: r.OwnershipPercentage,
			Voting:    r.VotingRightsPercentage,
		}
	}
	return edges
}

// Totals computes every entity's total ownership and voting rights in the
// main company of g (see package ownership for the method: exact, through
// cross-holdings, unknown percentages giving ranges).
func Totals(g Graph, opts ownership.Options) (*ownership.Result, error) {
	main, ok := g.MainCompany()
	if !ok {
		return nil, ErrNoMainCompany
	}
	return ownership.Compute(main.ID, g.Edges(), opts)
}
