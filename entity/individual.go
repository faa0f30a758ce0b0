package entity

import (
	"time"

	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/validation"
)

// Individual is a person in a case: a beneficial owner, a legal
// representative, a business contact, a signatory... Its JSON form is the
// wire shape of the Dotfile API (snake_case); optional text fields are
// left out when empty. Relations are kept apart, in the case's relation list
// (see package relation).
//
// Rules between fields:
//   - at least one of FirstName and LastName is set (people with a single
//     name exist; the Dotfile API requires both, a stricter subset);
//   - a business contact or a signatory has an Email;
//   - an individual is not both delegator and signatory;
//   - an individual that is not relevant is neither delegator nor signatory.
type Individual struct {
	ID         string `json:"id"`
	FirstName  string `json:"first_name,omitempty"`
	MiddleName string `json:"middle_name,omitempty"`
	LastName   string `json:"last_name,omitempty"`
	MaidenName string `json:"maiden_name,omitempty"`
	// Email is a bare address of at most MaxEmailLen characters with a
	// domain of two labels or more, by the rule of an email custom property
	// (see IsEmail).
	Email string `json:"email,omitempty"`
	// PhoneNumber is a valid number in canonical E.164 form, by the rule of
	// a phone_number custom property (see IsPhoneNumber).
	PhoneNumber string `json:"phone_number,omitempty"`
	// BirthDate is a real yyyy-MM-dd date from 0001-01-01, by the rule of a
	// date custom property (see IsDate), and not in the future.
	BirthDate string `json:"birth_date,omitempty"`
	// BirthCountry and Nationalities are upper-case ISO 3166-1 alpha-2
	// codes of existing countries, by the rule of a countries custom
	// property (see IsCountry); no nationality is listed twice.
	BirthCountry  string   `json:"birth_country,omitempty"`
	Nationalities []string `json:"nationalities,omitempty"`
	Address       Address  `json:"address,omitzero"`
	Roles         []Role   `json:"roles,omitempty"`
	Position      string   `json:"position,omitempty"`

	IsBeneficialOwner bool `json:"is_beneficial_owner"`
	IsBusinessContact bool `json:"is_business_contact"`
	IsDelegator       bool `json:"is_delegator"`
	IsSignatory       bool `json:"is_signatory"`
	// IsRelevant is true unless the individual was marked as not relevant
	// to the case; its checks then do not count towards the case flags.
	IsRelevant bool `json:"is_relevant"`
	// IndividualDetails holds is_controlling_person, birth place, gender,
	// bank account and the tax and social security numbers.
	IndividualDetails

	// OwnershipPercentage and VotingRightsPercentage are the total interest
	// in the main company as given by the caller (unknown when not given).
	// Package ownership computes totals from the relations and reports a
	// given total that differs as a discrepancy; it never overwrites it.
	OwnershipPercentage    Percentage `json:"ownership_percentage"`
	VotingRightsPercentage Percentage `json:"voting_rights_percentage"`

	// CustomProperties are the values of the workspace's custom properties
	// of target individual, validated against their definitions when
	// written.
	CustomProperties customprop.Values `json:"custom_properties,omitempty"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// LastActivityAt is the time of the latest change of the individual,
	// of a relation from it or of a check on it (stamped by every change
	// that touches them).
	LastActivityAt time.Time `json:"last_activity_at"`
}

// Clone returns a deep copy of i.
func (i Individual) Clone() Individual {
	out := i
	out.IndividualDetails = i.IndividualDetails.Clone()
	if i.Nationalities != nil {
		out.Nationalities = append([]string(nil), i.Nationalities...)
	}
	if i.Roles != nil {
		out.Roles = append([]Role(nil), i.Roles...)
	}
	out.CustomProperties = i.CustomProperties.Clone()
	return out
}

// FullName returns the first, middle and last names joined by spaces,
// skipping empty ones.
func (i Individual) FullName() string {
	s := ""
	for _, n := range []string{i.FirstName, i.MiddleName, i.LastName} {
		if n == "" {
			continue
		}
		if s != "" {
			s += " "
		}
		s += n
	}
	return s
}

// Validate reports every problem of i's fields and of the rules between
// them, with paths relative to the individual ("email",
// "nationalities[1]"). Custom properties are validated against their
// definitions elsewhere.
func (i Individual) Validate() error {
	var l validation.List
	if i.ID == "" {
		l.Add("id", validation.CodeRequired, "id is required")
	}
	i.validateFields(&l, time.Time{})
	return l.Err()
}

// validateFields checks every field but the id; a non-zero now also refuses
// a birth date after it.
func (i Individual) validateFields(l *validation.List, now time.Time) {
	if i.FirstName == "" && i.LastName == "" {
		l.Add("last_name", validation.CodeRequired, "first_name or last_name is required")
	}
	checkText(l, "first_name", i.FirstName, MaxTextLen, false)
	checkText(l, "middle_name", i.MiddleName, MaxTextLen, false)
	checkText(l, "last_name", i.LastName, MaxTextLen, false)
	checkText(l, "maiden_name", i.MaidenName, MaxTextLen, false)
	checkEmail(l, "email", i.Email)
	checkPhone(l, "phone_number", i.PhoneNumber)
	checkDate(l, "birth_date", i.BirthDate, now)
	checkCountry(l, "birth_country", i.BirthCountry)
	i.IndividualDetails.validate(l)
	seen := make(map[string]bool, len(i.Nationalities))
	for k, n := range i.Nationalities {
		p := validation.Index("nationalities", k)
		switch {
		case !IsCountry(n):
			addCountry(l, p, n)
		case seen[n]:
			l.Addf(p, validation.CodeDuplicate, "nationality %q is listed twice", n)
		}
		seen[n] = true
	}
	i.Address.validate(l, "address")
	ValidateRoles(l, "roles", i.Roles)
	checkText(l, "position", i.Position, MaxTextLen, false)
	validateDeclaredTotal(l, "ownership_percentage", i.OwnershipPercentage)
	validateDeclaredTotal(l, "voting_rights_percentage", i.VotingRightsPercentage)

	if i.Email == "" && i.IsBusinessContact {
		l.Add("email", validation.CodeRequired, "email is required for a business contact")
	} else if i.Email == "" && i.IsSignatory {
		l.Add("email", validation.CodeRequired, "email is required for a signatory")
	}
	if i.IsDelegator && i.IsSignatory {
		l.Add("is_signatory", validation.CodeConflict, "an individual cannot be both delegator and signatory")
	}
	if !i.IsRelevant && i.IsDelegator {
		l.Add("is_delegator", validation.CodeConflict, "an individual that is not relevant cannot be a delegator")
	}
	if !i.IsRelevant && i.IsSignatory {
		l.Add("is_signatory", validation.CodeConflict, "an individual that is not relevant cannot be a signatory")
	}
}

// IndividualInput describes an individual to create. Its JSON form is the
// body of the Dotfile API's create call (the API's documented example payload
// decodes as written); decoded from JSON it refuses unknown members and
// reports every problem at once (see UnmarshalJSON), and null is accepted
// for every optional member and means "not set".
type IndividualInput struct {
	// CaseID is optional: the case is given to the create call itself. When
	// set, it must name that case (the Dotfile API's payload carries it).
	CaseID string `json:"case_id,omitempty"`
	// Ref names the individual within one call that creates many
	// entities; it is not stored (individuals are never the target of a
	// source_company_ref) and is refused where a single individual is
	// added.
	Ref           string   `json:"ref,omitempty"`
	FirstName     string   `json:"first_name,omitempty"`
	MiddleName    string   `json:"middle_name,omitempty"`
	LastName      string   `json:"last_name,omitempty"`
	MaidenName    string   `json:"maiden_name,omitempty"`
	Email         string   `json:"email,omitempty"`
	PhoneNumber   string   `json:"phone_number,omitempty"`
	BirthDate     string   `json:"birth_date,omitempty"`
	BirthCountry  string   `json:"birth_country,omitempty"`
	Nationalities []string `json:"nationalities,omitempty"`
	Address       Address  `json:"address,omitzero"`
	Roles         []Role   `json:"roles,omitempty"`
	Position      string   `json:"position,omitempty"`

	IsBeneficialOwner bool `json:"is_beneficial_owner,omitempty"`
	IsBusinessContact bool `json:"is_business_contact,omitempty"`
	IsDelegator       bool `json:"is_delegator,omitempty"`
	IsSignatory       bool `json:"is_signatory,omitempty"`
	// IsRelevant defaults to true when nil.
	IsRelevant *bool `json:"is_relevant,omitempty"`
	// IndividualDetails are the further fields (gender, banking
	// information, ...); IBAN and BIC are normalised (spaces removed,
	// upper case) before they are checked.
	IndividualDetails

	// OwnershipPercentage and VotingRightsPercentage are the declared total
	// interest in the main company (unknown when absent or null).
	OwnershipPercentage    Percentage `json:"ownership_percentage,omitzero"`
	VotingRightsPercentage Percentage `json:"voting_rights_percentage,omitzero"`

	// CustomProperties are written as a partial object: null removes a key.
	// They are validated against the workspace's definitions by the
	// operation that creates the individual (see package relation).
	CustomProperties customprop.Patch `json:"custom_properties,omitempty"`

	// Relations go from the new individual to companies of the case. None
	// (nil or empty) links the individual to the main company, when the
	// case has one.
	Relations []Link `json:"relations,omitempty"`
}

// UnmarshalJSON decodes a create payload, refusing unknown members and
// reporting every problem (wrong JSON types, bad percentages, with paths
// such as "relations[0].ownership_percentage") at once as a
// *validation.Error.
func (in *IndividualInput) UnmarshalJSON(data []byte) error {
	var v IndividualInput
	fields := map[string]any{
		"case_id": &v.CaseID, "first_name": &v.FirstName, "middle_name": &v.MiddleName,
		"last_name": &v.LastName, "maiden_name": &v.MaidenName, "email": &v.Email,
		"phone_number": &v.PhoneNumber, "birth_date": &v.BirthDate,
		"birth_country": &v.BirthCountry, "nationalities": &v.Nationalities,
		"address": (*inputAddress)(&v.Address), "roles": &v.Roles, "position": &v.Position,
		"is_beneficial_owner": &v.IsBeneficialOwner, "is_business_contact": &v.IsBusinessContact,
		"is_delegator": &v.IsDelegator, "is_signatory": &v.IsSignatory, "is_relevant": &v.IsRelevant,
		"ownership_percentage": &v.OwnershipPercentage, "voting_rights_percentage": &v.VotingRightsPercentage,
		"custom_properties": &v.CustomProperties, "relations": (*inputLinks)(&v.Relations),
		"ref": &v.Ref,
	}
	v.IndividualDetails.decodeFields(fields)
	if err := patch.DecodeObject(data, fields); err != nil {
		return err
	}
	*in = v
	return nil
}

// NewIndividual validates in and returns the individual it describes, with
// the given id and both timestamps at now. Its relations and custom
// properties are not applied here: they need the case and the workspace's
// definitions (see relation.AddIndividual). Every problem is reported in one *validation.Error
// with paths as in the input; a birth date after now is refused.
func NewIndividual(id string, in IndividualInput, now time.Time) (Individual, error) {
	i := Individual{
		ID:                     id,
		FirstName:              in.FirstName,
		MiddleName:             in.MiddleName,
		LastName:               in.LastName,
		MaidenName:             in.MaidenName,
		Email:                  in.Email,
		PhoneNumber:            in.PhoneNumber,
		BirthDate:              in.BirthDate,
		BirthCountry:           in.BirthCountry,
		Nationalities:          cloneStrings(in.Nationalities),
		Address:                in.Address,
		Roles:                  CloneRoles(in.Roles),
		Position:               in.Position,
		IsBeneficialOwner:      in.IsBeneficialOwner,
		IsBusinessContact:      in.IsBusinessContact,
		IsDelegator:            in.IsDelegator,
		IsSignatory:            in.IsSignatory,
		IsRelevant:             in.IsRelevant == nil || *in.IsRelevant,
		OwnershipPercentage:    in.OwnershipPercentage,
		VotingRightsPercentage: in.VotingRightsPercentage,
		IndividualDetails:      in.IndividualDetails.Clone(),
		CreatedAt:              now,
		UpdatedAt:              now,
		LastActivityAt:         now,
	}
	i.IndividualDetails.normalize()
	var l validation.List
	if id == "" {
		l.Add("id", validation.CodeRequired, "id is required")
	}
	i.validateFields(&l, now)
	if err := l.Err(); err != nil {
		return Individual{}, err
	}
	return i, nil
}

// IndividualUpdate is a partial update of an individual: members present
// are set, null clears an optional field (an unknown percentage, no roles),
// absent members are kept (see patch.Field). Decoded from JSON it refuses
// unknown members and reports every problem at once.
//
// The flags (IsBeneficialOwner, ...) cannot be null. The rules between
// fields are checked on the result, so an update that sets IsSignatory
// needs an Email in the update or already on the individual. The address is
// merged member by member (see AddressUpdate); null clears it.
type IndividualUpdate struct {
	FirstName     patch.Field[string]        `json:"first_name,omitzero"`
	MiddleName    patch.Field[string]        `json:"middle_name,omitzero"`
	LastName      patch.Field[string]        `json:"last_name,omitzero"`
	MaidenName    patch.Field[string]        `json:"maiden_name,omitzero"`
	Email         patch.Field[string]        `json:"email,omitzero"`
	PhoneNumber   patch.Field[string]        `json:"phone_number,omitzero"`
	BirthDate     patch.Field[string]        `json:"birth_date,omitzero"`
	BirthCountry  patch.Field[string]        `json:"birth_country,omitzero"`
	Nationalities patch.Field[[]string]      `json:"nationalities,omitzero"`
	Address       patch.Field[AddressUpdate] `json:"address,omitzero"`
	Roles         patch.Field[[]Role]        `json:"roles,omitzero"`
	Position      patch.Field[string]        `json:"position,omitzero"`

	IsBeneficialOwner patch.Field[bool] `json:"is_beneficial_owner,omitzero"`
	IsBusinessContact patch.Field[bool] `json:"is_business_contact,omitzero"`
	IsDelegator       patch.Field[bool] `json:"is_delegator,omitzero"`
	IsSignatory       patch.Field[bool] `json:"is_signatory,omitzero"`
	IsRelevant        patch.Field[bool] `json:"is_relevant,omitzero"`
	// IndividualDetailsUpdate updates the further fields (gender,
	// banking information, ...).
	IndividualDetailsUpdate

	OwnershipPercentage    patch.Field[Percentage] `json:"ownership_percentage,omitzero"`
	VotingRightsPercentage patch.Field[Percentage] `json:"voting_rights_percentage,omitzero"`

	// CustomProperties is a partial write: keys present are set, null
	// removes, absent keys are kept. It is validated against the
	// workspace's definitions by the operation (see package relation).
	CustomProperties customprop.Patch `json:"custom_properties,omitempty"`
}

// UnmarshalJSON decodes an update payload, refusing unknown members and
// reporting every problem at once as a *validation.Error.
func (u *IndividualUpdate) UnmarshalJSON(data []byte) error {
	var v IndividualUpdate
	fields := map[string]any{
		"first_name": &v.FirstName, "middle_name": &v.MiddleName, "last_name": &v.LastName,
		"maiden_name": &v.MaidenName, "email": &v.Email, "phone_number": &v.PhoneNumber,
		"birth_date": &v.BirthDate, "birth_country": &v.BirthCountry,
		"nationalities": &v.Nationalities, "address": &v.Address, "roles": &v.Roles,
		"position": &v.Position, "is_beneficial_owner": &v.IsBeneficialOwner,
		"is_business_contact": &v.IsBusinessContact, "is_delegator": &v.IsDelegator,
		"is_signatory": &v.IsSignatory, "is_relevant": &v.IsRelevant,
		"ownership_percentage": &v.OwnershipPercentage, "voting_rights_percentage": &v.VotingRightsPercentage,
		"custom_properties": &v.CustomProperties,
	}
	v.IndividualDetailsUpdate.decodeFields(fields)
	if err := patch.DecodeObject(data, fields); err != nil {
		return err
	}
	*u = v
	return nil
}

// Update validates u and returns i with u applied (custom properties
// excepted: see relation.UpdateIndividual) and UpdatedAt set to now; i
// itself is not changed. Every problem is reported in one
// *validation.Error with paths as in the update. A birth date given in u
// may not be after now.
func (i Individual) Update(u IndividualUpdate, now time.Time) (Individual, error) {
	var l validation.List
	out := i.Clone()
	out.IndividualDetails = u.IndividualDetailsUpdate.apply(&l, i.IndividualDetails)
	out.FirstName = apply(u.FirstName, i.FirstName)
	out.MiddleName = apply(u.MiddleName, i.MiddleName)
	out.LastName = apply(u.LastName, i.LastName)
	out.MaidenName = apply(u.MaidenName, i.MaidenName)
	out.Email = apply(u.Email, i.Email)
	out.PhoneNumber = apply(u.PhoneNumber, i.PhoneNumber)
	out.BirthDate = apply(u.BirthDate, i.BirthDate)
	out.BirthCountry = apply(u.BirthCountry, i.BirthCountry)
	if u.Nationalities.Present() {
		v, _ := u.Nationalities.Get()
		out.Nationalities = cloneStrings(v)
	}
	out.Address = applyAddress(u.Address, i.Address)
	if u.Roles.Present() {
		v, _ := u.Roles.Get()
		out.Roles = CloneRoles(v)
	}
	out.Position = apply(u.Position, i.Position)
	for _, f := range []struct {
		path string
		f    patch.Field[bool]
		dst  *bool
	}{
		{"is_beneficial_owner", u.IsBeneficialOwner, &out.IsBeneficialOwner},
		{"is_business_contact", u.IsBusinessContact, &out.IsBusinessContact},
		{"is_delegator", u.IsDelegator, &out.IsDelegator},
		{"is_signatory", u.IsSignatory, &out.IsSignatory},
		{"is_relevant", u.IsRelevant, &out.IsRelevant},
	} {
		notNull(&l, f.path, f.f.IsNull())
		if b, ok := f.f.Get(); ok {
			*f.dst = b
		}
	}
	out.OwnershipPercentage = apply(u.OwnershipPercentage, i.OwnershipPercentage)
	out.VotingRightsPercentage = apply(u.VotingRightsPercentage, i.VotingRightsPercentage)
	date := time.Time{}
	if u.BirthDate.Present() {
		date = now
	}
	out.validateFields(&l, date)
	if err := l.Err(); err != nil {
		return Individual{}, err
	}
	out.UpdatedAt = now
	return out, nil
}

func cloneStrings(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return append([]string(nil), s...)
}
