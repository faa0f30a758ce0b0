package relation

import (
	"encoding/json"
	"time"

	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/validation"
)

// Role is what the source of a relation is to its target company; the same
// type as entity.Role.
type Role = entity.Role

// The roles of a relation.
const (
	RoleShareholder         = entity.RoleShareholder
	RoleLegalRepresentative = entity.RoleLegalRepresentative
)

// Relation is a directed edge of a case's graph: from an individual or a
// company (exactly one of FromIndividualID and FromCompanyID is set) to a
// company, with the direct interest the source holds in the target.
//
// Its JSON form is the wire shape of the Dotfile API: from_company_id,
// from_individual_id and position are null when empty, roles is always an
// array, and an unknown percentage is null. A band is null in
// ownership_percentage (or voting_rights_percentage) and given in the
// extension member ownership_percentage_band (voting_rights_percentage_band),
// which is left out otherwise (see entity.BandSuffix).
type Relation struct {
	ID               string
	FromCompanyID    string
	FromIndividualID string
	ToCompanyID      string
	// OwnershipPercentage and VotingRightsPercentage are the direct
	// interest in ToCompanyID: 0 to 100 with at most two decimals, a band,
	// or unknown (the zero value), never silently 0.
	OwnershipPercentage    entity.Percentage
	VotingRightsPercentage entity.Percentage
	Roles                  []Role
	// Position is free text ("CEO"), empty when none.
	Position  string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// From returns the id of the relation's source, whichever kind it is.
func (r Relation) From() string {
	if r.FromCompanyID != "" {
		return r.FromCompanyID
	}
	return r.FromIndividualID
}

// Clone returns a deep copy of r.
func (r Relation) Clone() Relation {
	r.Roles = entity.CloneRoles(r.Roles)
	return r
}

// HasRole reports whether r has role.
func (r Relation) HasRole(role Role) bool {
	for _, x := range r.Roles {
		if x == role {
			return true
		}
	}
	return false
}

// Validate reports every problem of r on its own, with paths relative to
// the relation ("from_company_id", "ownership_percentage"): an id, exactly
// one source, a target other than the source, valid percentages, roles and
// position. Whether the ids exist in the case is checked by [Check].
func (r Relation) Validate() error {
	var l validation.List
	if r.ID == "" {
		l.Add("id", validation.CodeRequired, "id is required")
	}
	validateEnds(&l, r.FromCompanyID, r.FromIndividualID, r.ToCompanyID, true)
	entity.ValidateRelationFields(&l, r.OwnershipPercentage, r.VotingRightsPercentage, r.Roles, r.Position)
	return l.Err()
}

// validateEnds checks the shape of a relation's ends: exactly one source,
// and a target (when required) that is not the source.
func validateEnds(l *validation.List, fromCompany, fromIndividual, to string, toRequired bool) {
	switch {
	case fromCompany == "" && fromIndividual == "":
		l.Add("from_individual_id", validation.CodeRequired, "a relation comes from an individual or a company: set from_individual_id or from_company_id")
	case fromCompany != "" && fromIndividual != "":
		l.Add("from_company_id", validation.CodeConflict, "a relation comes from one entity: set from_individual_id or from_company_id, not both")
	}
	if to == "" && toRequired {
		l.Add("to_company_id", validation.CodeRequired, "to_company_id is required")
	}
	if to != "" && to == fromCompany {
		l.Add("to_company_id", CodeSelfRelation, "a company cannot relate to itself")
	}
}

type wireRelation struct {
	ID                     string            `json:"id"`
	FromCompanyID          *string           `json:"from_company_id"`
	FromIndividualID       *string           `json:"from_individual_id"`
	ToCompanyID            string            `json:"to_company_id"`
	OwnershipPercentage    entity.Percentage `json:"ownership_percentage"`
	VotingRightsPercentage entity.Percentage `json:"voting_rights_percentage"`
	// The bands, as extension members left out unless set.
	OwnershipBand *entity.Percentage `json:"ownership_percentage_band,omitempty"`
	VotingBand    *entity.Percentage `json:"voting_rights_percentage_band,omitempty"`
	Roles         []Role             `json:"roles"`
	Position      *string            `json:"position"`
	CreatedAt     time.Time          `json:"created_at"`
	UpdatedAt     time.Time          `json:"updated_at"`
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// MarshalJSON encodes r in the wire shape of the Dotfile API.
func (r Relation) MarshalJSON() ([]byte, error) {
	roles := r.Roles
	if roles == nil {
		roles = []Role{}
	}
	return json.Marshal(wireRelation{
		ID:                     r.ID,
		FromCompanyID:          nullable(r.FromCompanyID),
		FromIndividualID:       nullable(r.FromIndividualID),
		ToCompanyID:            r.ToCompanyID,
		OwnershipPercentage:    r.OwnershipPercentage.Plain(),
		VotingRightsPercentage: r.VotingRightsPercentage.Plain(),
		OwnershipBand:          entity.WireBand(r.OwnershipPercentage),
		VotingBand:             entity.WireBand(r.VotingRightsPercentage),
		Roles:                  roles,
		Position:               nullable(r.Position),
		CreatedAt:              r.CreatedAt,
		UpdatedAt:              r.UpdatedAt,
	})
}

// UnmarshalJSON decodes the wire shape; null and missing members are empty.
// It does not validate (see [Relation.Validate]).
func (r *Relation) UnmarshalJSON(data []byte) error {
	var w wireRelation
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	if w.OwnershipBand != nil && w.OwnershipBand.IsBand() {
		w.OwnershipPercentage = *w.OwnershipBand
	}
	if w.VotingBand != nil && w.VotingBand.IsBand() {
		w.VotingRightsPercentage = *w.VotingBand
	}
	*r = Relation{
		ID:                     w.ID,
		FromCompanyID:          deref(w.FromCompanyID),
		FromIndividualID:       deref(w.FromIndividualID),
		ToCompanyID:            w.ToCompanyID,
		OwnershipPercentage:    w.OwnershipPercentage,
		VotingRightsPercentage: w.VotingRightsPercentage,
		Roles:                  entity.CloneRoles(w.Roles),
		Position:               deref(w.Position),
		CreatedAt:              w.CreatedAt,
		UpdatedAt:              w.UpdatedAt,
	}
	return nil
}

// Input describes a relation to create between two entities already in a
// case. Its JSON form is the body of the Dotfile API's create call;
// decoded from JSON it refuses unknown members and reports every problem at
// once, and null is accepted for every optional member.
type Input struct {
	// CaseID is optional: the case is given to the create call itself. When
	// set, it must name that case.
	CaseID string `json:"case_id,omitempty"`
	// Exactly one of FromCompanyID and FromIndividualID is set.
	FromCompanyID    string `json:"from_company_id,omitempty"`
	FromIndividualID string `json:"from_individual_id,omitempty"`
	// ToCompanyID empty means the case's main company.
	ToCompanyID            string            `json:"to_company_id,omitempty"`
	OwnershipPercentage    entity.Percentage `json:"ownership_percentage"`
	VotingRightsPercentage entity.Percentage `json:"voting_rights_percentage"`
	Roles                  []Role            `json:"roles,omitempty"`
	Position               string            `json:"position,omitempty"`
}

// UnmarshalJSON decodes a create payload, refusing unknown members and
// reporting every problem at once as a *validation.Error. A band comes in
// ownership_percentage_band or voting_rights_percentage_band.
func (in *Input) UnmarshalJSON(data []byte) error {
	var v Input
	var ownBand, voteBand entity.Percentage
	if err := patch.DecodeObject(data, map[string]any{
		"case_id": &v.CaseID, "from_company_id": &v.FromCompanyID,
		"from_individual_id": &v.FromIndividualID, "to_company_id": &v.ToCompanyID,
		"ownership_percentage": &v.OwnershipPercentage, "voting_rights_percentage": &v.VotingRightsPercentage,
		"roles": &v.Roles, "position": &v.Position,
		"ownership_percentage_band": &ownBand, "voting_rights_percentage_band": &voteBand,
	}); err != nil {
		return err
	}
	var l validation.List
	v.OwnershipPercentage = entity.JoinBand(&l, "ownership_percentage", v.OwnershipPercentage, ownBand)
	v.VotingRightsPercentage = entity.JoinBand(&l, "voting_rights_percentage", v.VotingRightsPercentage, voteBand)
	if err := l.Err(); err != nil {
		return err
	}
	*in = v
	return nil
}

// Update is a partial update of a relation: members present are set, null
// clears (an unknown percentage, no roles, no position), absent members are
// kept (see patch.Field). Decoded from JSON it refuses unknown members and
// reports every problem at once.
//
// The ends of a relation cannot change: FromCompanyID, FromIndividualID and
// ToCompanyID are accepted only with their current value (clients often
// send back the whole object). To move a relation, create the new one and
// then delete the old one.
type Update struct {
	FromCompanyID          patch.Field[string]            `json:"from_company_id,omitzero"`
	FromIndividualID       patch.Field[string]            `json:"from_individual_id,omitzero"`
	ToCompanyID            patch.Field[string]            `json:"to_company_id,omitzero"`
	OwnershipPercentage    patch.Field[entity.Percentage] `json:"ownership_percentage,omitzero"`
	VotingRightsPercentage patch.Field[entity.Percentage] `json:"voting_rights_percentage,omitzero"`
	Roles                  patch.Field[[]Role]            `json:"roles,omitzero"`
	Position               patch.Field[string]            `json:"position,omitzero"`
	// OwnershipBand and VotingBand are the band extension members: a band
	// sets the percentage (the plain member must then be absent or null);
	// null alone turns a band into unknown and leaves a number as it is.
	OwnershipBand patch.Field[entity.Percentage] `json:"ownership_percentage_band,omitzero"`
	VotingBand    patch.Field[entity.Percentage] `json:"voting_rights_percentage_band,omitzero"`
}

// UnmarshalJSON decodes an update payload, refusing unknown members and
// reporting every problem at once as a *validation.Error.
func (u *Update) UnmarshalJSON(data []byte) error {
	var v Update
	if err := patch.DecodeObject(data, map[string]any{
		"from_company_id": &v.FromCompanyID, "from_individual_id": &v.FromIndividualID,
		"to_company_id": &v.ToCompanyID, "ownership_percentage": &v.OwnershipPercentage,
		"voting_rights_percentage": &v.VotingRightsPercentage, "roles": &v.Roles,
		"position":                  &v.Position,
		"ownership_percentage_band": &v.OwnershipBand, "voting_rights_percentage_band": &v.VotingBand,
	}); err != nil {
		return err
	}
	var l validation.List
	for _, m := range []struct {
		field       string
		plain, band patch.Field[entity.Percentage]
	}{
		{"ownership_percentage", v.OwnershipPercentage, v.OwnershipBand},
		{"voting_rights_percentage", v.VotingRightsPercentage, v.VotingBand},
	} {
		p, _ := m.plain.Get()
		b, _ := m.band.Get()
		entity.JoinBand(&l, m.field, p, b)
	}
	if err := l.Err(); err != nil {
		return err
	}
	*u = v
	return nil
}

// apply returns r with u applied (ends excepted), UpdatedAt set to now, and
// the problems of u.
func (u Update) apply(r Relation, now time.Time) (Relation, error) {
	var l validation.List
	for _, e := range []struct {
		path string
		f    patch.Field[string]
		cur  string
	}{
		{"from_company_id", u.FromCompanyID, r.FromCompanyID},
		{"from_individual_id", u.FromIndividualID, r.FromIndividualID},
		{"to_company_id", u.ToCompanyID, r.ToCompanyID},
	} {
		if v, _ := e.f.Get(); e.f.Present() && v != e.cur {
			l.Addf(e.path, validation.CodeNotAllowed, "the ends of a relation cannot change; create the new relation, then delete this one")
		}
	}
	out := r.Clone()
	out.OwnershipPercentage = applyPercentage(&l, "ownership_percentage", u.OwnershipPercentage, u.OwnershipBand, out.OwnershipPercentage)
	out.VotingRightsPercentage = applyPercentage(&l, "voting_rights_percentage", u.VotingRightsPercentage, u.VotingBand, out.VotingRightsPercentage)
	if u.Roles.Present() {
		roles, _ := u.Roles.Get()
		out.Roles = entity.CloneRoles(roles)
	}
	if u.Position.Present() {
		out.Position, _ = u.Position.Get()
	}
	entity.ValidateRelationFields(&l, out.OwnershipPercentage, out.VotingRightsPercentage, out.Roles, out.Position)
	if err := l.Err(); err != nil {
		return Relation{}, err
	}
	out.UpdatedAt = now
	return out, nil
}

// applyPercentage returns the percentage after an update of its plain
// member and its band member (see Update).
func applyPercentage(l *validation.List, field string, plain, band patch.Field[entity.Percentage], cur entity.Percentage) entity.Percentage {
	if !plain.Present() && !band.Present() {
		return cur
	}
	p, _ := plain.Get()
	b, _ := band.Get()
	switch {
	case b.IsBand() && p.IsKnown():
		l.Addf(field+entity.BandSuffix, validation.CodeConflict, "give a number in %s or a band in %s, not both", field, field+entity.BandSuffix)
		return cur
	case b.IsBand():
		return b
	case plain.Present():
		return p
	case cur.IsBand():
		return entity.UnknownPercentage // the band member set to null
	}
	return cur
}
