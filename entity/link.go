package entity

import (
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/validation"
)

// Link is a relation given with an entity being created: from the new
// entity to a company of the case. Its JSON form is an element of the
// "relations" array of the Dotfile API's create payloads.
type Link struct {
	// ToCompanyID is the company the new entity relates to; empty means the
	// case's main company.
	ToCompanyID string `json:"to_company_id,omitempty"`
	// OwnershipPercentage and VotingRightsPercentage are the direct
	// interest in ToCompanyID: 0 to 100 with at most two decimals, or
	// unknown (null or absent).
	OwnershipPercentage    Percentage `json:"ownership_percentage"`
	VotingRightsPercentage Percentage `json:"voting_rights_percentage"`
	Roles                  []Role     `json:"roles,omitempty"`
	// Position is free text ("CEO") of at most MaxTextLen characters.
	Position string `json:"position,omitempty"`
	// SourceCompanyRef names the company the new entity relates to by the
	// ref of a company created in the same call (case creation with a
	// whole graph, or a bulk import); it cannot be combined with
	// ToCompanyID and is refused where no such companies are created.
	SourceCompanyRef string `json:"source_company_ref,omitempty"`
}

// Clone returns a deep copy of k.
func (k Link) Clone() Link {
	k.Roles = CloneRoles(k.Roles)
	return k
}

// Validate reports every problem of k's own fields, with paths relative to
// the link ("ownership_percentage", "roles[0]"). Whether ToCompanyID exists
// and the stakes into it stay within 100 % is the graph's business (package
// relation).
func (k Link) Validate() error {
	var l validation.List
	ValidateRelationFields(&l, k.OwnershipPercentage, k.VotingRightsPercentage, k.Roles, k.Position)
	return l.Err()
}

// ValidateRelationFields reports the problems of the fields every relation
// has: both percentages (0 to 100, at most two decimals, or unknown), the
// roles (defined, not repeated) and the position (free text).
//
// The problems of a band are reported under its wire member
// ("ownership_percentage_band.exclusive_minimum"), those of a number under
// the plain one.
func ValidateRelationFields(l *validation.List, ownership, votingRights Percentage, roles []Role, position string) {
	l.Merge(PercentageMember("ownership_percentage", ownership), ownership.Validate())
	l.Merge(PercentageMember("voting_rights_percentage", votingRights), votingRights.Validate())
	ValidateRoles(l, "roles", roles)
	checkText(l, "position", position, MaxTextLen, false)
}

// UnmarshalJSON decodes a link, refusing unknown members and reporting every
// problem at once as a *validation.Error. null is accepted for every member
// and means "not given". A band comes in the extension members
// ownership_percentage_band and voting_rights_percentage_band (see
// [JoinBand]).
func (k *Link) UnmarshalJSON(data []byte) error {
	var v Link
	var ownBand, voteBand Percentage
	if err := patch.DecodeObject(data, map[string]any{
		"to_company_id": &v.ToCompanyID, "ownership_percentage": &v.OwnershipPercentage,
		"voting_rights_percentage": &v.VotingRightsPercentage, "roles": &v.Roles,
		"position": &v.Position, "source_company_ref": &v.SourceCompanyRef,
		"ownership_percentage_band": &ownBand, "voting_rights_percentage_band": &voteBand,
	}); err != nil {
		return err
	}
	var l validation.List
	v.OwnershipPercentage = JoinBand(&l, "ownership_percentage", v.OwnershipPercentage, ownBand)
	v.VotingRightsPercentage = JoinBand(&l, "voting_rights_percentage", v.VotingRightsPercentage, voteBand)
	if err := l.Err(); err != nil {
		return err
	}
	v.Roles = CloneRoles(v.Roles)
	*k = v
	return nil
}
