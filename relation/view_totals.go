package relation

import (
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/ownership"
)

// Shown names the figure an individual's wire member
// (ownership_percentage, voting_rights_percentage) carries; see
// [IndividualView].
type Shown string

const (
	// ShownComputed: the wire member is the computed total, rounded to
	// two decimals.
	ShownComputed Shown = "computed"
	// ShownDeclared: the wire member is the declared total as stored.
	ShownDeclared Shown = "declared"
)

// TotalDetail is what a read knows of one total interest of an individual
// in the main company (see [IndividualView] for the rule).
type TotalDetail struct {
	// Declared is the total as the caller gave it: a number, or unknown
	// (null) when not given.
	Declared entity.Percentage `json:"declared"`
	// Computed is the total computed from the relations, nil (null) when
	// there is none: no main company, or no relation of the individual.
	Computed *ownership.Total `json:"computed"`
	// Shown says which of the two the wire member carries.
	Shown Shown `json:"shown"`
}

// SetTotals sets the wire members ownership_percentage and
// voting_rights_percentage of v and their details from the declared totals
// stored on v and the computed totals of res (nil when the case has no
// main company), by the rule of [IndividualView]. Call it once, on a view
// whose Individual holds the stored (declared) totals.
func (v *IndividualView) SetTotals(res *ownership.Result) {
	v.OwnershipDetail = setTotal(&v.OwnershipPercentage, v.ID, ownership.Ownership, res)
	v.VotingRightsDetail = setTotal(&v.VotingRightsPercentage, v.ID, ownership.Voting, res)
}

// setTotal fills one wire member and returns its detail.
func setTotal(member *entity.Percentage, id string, in ownership.Interest, res *ownership.Result) *TotalDetail {
	d := &TotalDetail{Declared: *member, Shown: ShownDeclared}
	if res == nil {
		return d
	}
	t, ok := res.Total(id, in)
	if !ok {
		return d
	}
	d.Computed = &t
	if r, ok := t.Round(ownership.DisplayPlaces); ok {
		*member = entity.PercentageOf(r)
		d.Shown = ShownComputed
	}
	return d
}
