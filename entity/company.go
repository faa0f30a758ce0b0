package entity

import (
	"time"

	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/validation"
)

// CompanyType tells the company a case investigates from the others.
type CompanyType string

// The company types. A case has at most one main company; affiliated
// companies (the intermediate companies between the main company and its
// owners) need one.
const (
	CompanyMain       CompanyType = "main"
	CompanyAffiliated CompanyType = "affiliated"
)

// Valid reports whether t is a defined type.
func (t CompanyType) Valid() bool { return t == CompanyMain || t == CompanyAffiliated }

// CompanyStatus is the registry status of a company.
type CompanyStatus string

// The company statuses; StatusNotReported is the default.
const (
	StatusLive        CompanyStatus = "live"
	StatusClosed      CompanyStatus = "closed"
	StatusNotReported CompanyStatus = "not_reported"
)

// Valid reports whether s is a defined status.
func (s CompanyStatus) Valid() bool {
	return s == StatusLive || s == StatusClosed || s == StatusNotReported
}

// Company is a company in a case. Its JSON form is the wire shape of the
// Dotfile API (snake_case); optional text fields are left out when empty.
// Relations are kept apart, in the case's relation list (see package
// relation).
type Company struct {
	ID   string      `json:"id"`
	Type CompanyType `json:"type"`
	// Name has 1 to MaxCompanyNameLen characters.
	Name string `json:"name"`
	// CommercialName has at most MaxCompanyNameLen characters.
	CommercialName     string `json:"commercial_name,omitempty"`
	RegistrationNumber string `json:"registration_number,omitempty"`
	// RegistrationDate is a real yyyy-MM-dd date from 0001-01-01, by the
	// rule of a date custom property (see IsDate), and not in the future.
	RegistrationDate string `json:"registration_date,omitempty"`
	// Country is an upper-case ISO 3166-1 alpha-2 code of an existing
	// country, by the rule of a countries custom property (see IsCountry).
	Country   string        `json:"country,omitempty"`
	LegalForm string        `json:"legal_form,omitempty"`
	Status    CompanyStatus `json:"status"`
	Address   Address       `json:"address,omitzero"`
	// WebsiteURL is an absolute http or https URL of at most MaxURLLen
	// characters, in the RFC 3986 character set and without credentials,
	// by the rule of a url custom property (see IsWebURL).
	WebsiteURL string `json:"website_url,omitempty"`
	// IsRelevant is true unless the company was marked as not relevant to
	// the case; its checks then do not count towards the case flags.
	IsRelevant bool `json:"is_relevant"`
	// CompanyDetails holds the legal form code, classifications, bank
	// account, share capital and tax and employer identification numbers.
	CompanyDetails
	// CustomProperties are the values of the workspace's custom properties
	// of target company, validated against their definitions when written.
	CustomProperties customprop.Values `json:"custom_properties,omitempty"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// LastActivityAt is the time of the latest change of the company, of
	// a relation from it or of a check on it (stamped by every change
	// that touches them).
	LastActivityAt time.Time `json:"last_activity_at"`
}

// Clone returns a deep copy of c.
func (c Company) Clone() Company {
	c.CustomProperties = c.CustomProperties.Clone()
	c.CompanyDetails = c.CompanyDetails.Clone()
	return c
}

// Validate reports every problem of c's fields, with paths relative to the
// company ("name", "address.country"). It checks formats and limits only:
// the rules between entities (one main company, ...) belong to package
// relation, and custom properties to their definitions.
func (c Company) Validate() error {
	var l validation.List
	if c.ID == "" {
		l.Add("id", validation.CodeRequired, "id is required")
	}
	checkType(&l, c.Type)
	checkStatus(&l, c.Status)
	c.validateFields(&l, time.Time{})
	return l.Err()
}

// validateFields checks the free fields (all but id, type and status); a
// non-zero now also refuses a registration date after it.
func (c Company) validateFields(l *validation.List, now time.Time) {
	checkText(l, "name", c.Name, MaxCompanyNameLen, true)
	checkText(l, "commercial_name", c.CommercialName, MaxCompanyNameLen, false)
	checkText(l, "registration_number", c.RegistrationNumber, MaxRegistrationNumberLen, false)
	checkDate(l, "registration_date", c.RegistrationDate, now)
	checkCountry(l, "country", c.Country)
	checkText(l, "legal_form", c.LegalForm, MaxTextLen, false)
	c.Address.validate(l, "address")
	checkWebURL(l, "website_url", c.WebsiteURL)
	c.CompanyDetails.validate(l)
}

// CompanyInput describes a company to create. Its JSON form is the body of
// the Dotfile API's create call; decoded from JSON it refuses unknown
// members and reports every problem at once (see UnmarshalJSON), and null
// is accepted for every optional member.
type CompanyInput struct {
	// CaseID is optional: the case is given to the create call itself. When
	// set, it must name that case (the Dotfile API's payload carries it).
	CaseID string `json:"case_id,omitempty"`
	// Ref names the company within one call that creates many entities
	// (case creation with a whole graph, a bulk import), for the
	// source_company_ref of other entities' relations; it is not stored
	// and is refused where a single company is added.
	Ref string `json:"ref,omitempty"`
	// Type defaults to CompanyMain when empty, as in the Dotfile API.
	Type               CompanyType `json:"type,omitempty"`
	Name               string      `json:"name"`
	CommercialName     string      `json:"commercial_name,omitempty"`
	RegistrationNumber string      `json:"registration_number,omitempty"`
	RegistrationDate   string      `json:"registration_date,omitempty"`
	Country            string      `json:"country,omitempty"`
	LegalForm          string      `json:"legal_form,omitempty"`
	// Status defaults to StatusNotReported when empty.
	Status     CompanyStatus `json:"status,omitempty"`
	Address    Address       `json:"address,omitzero"`
	WebsiteURL string        `json:"website_url,omitempty"`
	// IsRelevant defaults to true when nil.
	IsRelevant *bool `json:"is_relevant,omitempty"`
	// CompanyDetails are the further fields (legal form code, banking
	// information, ...); IBAN and BIC are normalised (spaces removed,
	// upper case) before they are checked.
	CompanyDetails
	// CustomProperties are written as a partial object: null removes a key.
	// They are validated against the workspace's definitions by the
	// operation that creates the company (see package relation).
	CustomProperties customprop.Patch `json:"custom_properties,omitempty"`
	// Relations go from the new company to companies of the case. None
	// (nil or empty) links an affiliated company to the main company; the
	// main company is created without relations.
	Relations []Link `json:"relations,omitempty"`
}

// UnmarshalJSON decodes a create payload, refusing unknown members and
// reporting every problem (wrong JSON types, bad percentages, with paths
// such as "relations[0].ownership_percentage") at once as a
// *validation.Error.
func (in *CompanyInput) UnmarshalJSON(data []byte) error {
	var v CompanyInput
	fields := map[string]any{
		"case_id": &v.CaseID, "type": &v.Type, "name": &v.Name,
		"commercial_name": &v.CommercialName, "registration_number": &v.RegistrationNumber,
		"registration_date": &v.RegistrationDate, "country": &v.Country,
		"legal_form": &v.LegalForm, "status": &v.Status,
		"address": (*inputAddress)(&v.Address), "website_url": &v.WebsiteURL,
		"is_relevant": &v.IsRelevant, "custom_properties": &v.CustomProperties,
		"relations": (*inputLinks)(&v.Relations), "ref": &v.Ref,
	}
	v.CompanyDetails.decodeFields(fields)
	if err := patch.DecodeObject(data, fields); err != nil {
		return err
	}
	*in = v
	return nil
}

// NewCompany validates in and returns the company it describes, with the
// given id and both timestamps at now. Its relations and custom properties
// are not applied here: they need the case and the workspace's definitions
// (see relation.AddCompany). Every problem is reported in one *validation.Error, with paths as
// in the input ("name", "address.country"); a registration date after now
// is refused.
func NewCompany(id string, in CompanyInput, now time.Time) (Company, error) {
	c := Company{
		ID:                 id,
		Type:               in.Type,
		Name:               in.Name,
		CommercialName:     in.CommercialName,
		RegistrationNumber: in.RegistrationNumber,
		RegistrationDate:   in.RegistrationDate,
		Country:            in.Country,
		LegalForm:          in.LegalForm,
		Status:             in.Status,
		Address:            in.Address,
		WebsiteURL:         in.WebsiteURL,
		IsRelevant:         in.IsRelevant == nil || *in.IsRelevant,
		CompanyDetails:     in.CompanyDetails.Clone(),
		CreatedAt:          now,
		UpdatedAt:          now,
		LastActivityAt:     now,
	}
	c.CompanyDetails.normalize()
	if c.Type == "" {
		c.Type = CompanyMain
	}
	if c.Status == "" {
		c.Status = StatusNotReported
	}
	var l validation.List
	if id == "" {
		l.Add("id", validation.CodeRequired, "id is required")
	}
	checkType(&l, c.Type)
	checkStatus(&l, c.Status)
	c.validateFields(&l, now)
	if err := l.Err(); err != nil {
		return Company{}, err
	}
	return c, nil
}

func checkType(l *validation.List, t CompanyType) {
	if !t.Valid() {
		l.Addf("type", validation.CodeInvalidValue, "%q is not a company type; use %q or %q", string(t), CompanyMain, CompanyAffiliated)
	}
}

func checkStatus(l *validation.List, s CompanyStatus) {
	if !s.Valid() {
		l.Addf("status", validation.CodeInvalidValue, "%q is not a company status; use %q, %q or %q", string(s), StatusLive, StatusClosed, StatusNotReported)
	}
}

// CompanyUpdate is a partial update of a company: members present are set,
// null clears an optional field, absent members are kept (see patch.Field).
// Decoded from JSON it refuses unknown members and reports every problem at
// once.
//
// Status and IsRelevant cannot be null; a null Name is reported as missing.
// Type may be given only with the company's current type (clients often
// send back the whole object): the main company is changed with
// relation.SetMainCompany, which keeps the case consistent. The address is
// merged member by member (see AddressUpdate); null clears it.
type CompanyUpdate struct {
	Type               patch.Field[CompanyType]   `json:"type,omitzero"`
	Name               patch.Field[string]        `json:"name,omitzero"`
	CommercialName     patch.Field[string]        `json:"commercial_name,omitzero"`
	RegistrationNumber patch.Field[string]        `json:"registration_number,omitzero"`
	RegistrationDate   patch.Field[string]        `json:"registration_date,omitzero"`
	Country            patch.Field[string]        `json:"country,omitzero"`
	LegalForm          patch.Field[string]        `json:"legal_form,omitzero"`
	Status             patch.Field[CompanyStatus] `json:"status,omitzero"`
	Address            patch.Field[AddressUpdate] `json:"address,omitzero"`
	WebsiteURL         patch.Field[string]        `json:"website_url,omitzero"`
	IsRelevant         patch.Field[bool]          `json:"is_relevant,omitzero"`
	// CompanyDetailsUpdate updates the further fields (legal form code,
	// banking information, ...).
	CompanyDetailsUpdate
	// CustomProperties is a partial write: keys present are set, null
	// removes, absent keys are kept. It is validated against the
	// workspace's definitions by the operation (see package relation).
	CustomProperties customprop.Patch `json:"custom_properties,omitempty"`
}

// UnmarshalJSON decodes an update payload, refusing unknown members and
// reporting every problem at once as a *validation.Error.
func (u *CompanyUpdate) UnmarshalJSON(data []byte) error {
	var v CompanyUpdate
	fields := map[string]any{
		"type": &v.Type, "name": &v.Name, "commercial_name": &v.CommercialName,
		"registration_number": &v.RegistrationNumber, "registration_date": &v.RegistrationDate,
		"country": &v.Country, "legal_form": &v.LegalForm, "status": &v.Status,
		"address": &v.Address, "website_url": &v.WebsiteURL, "is_relevant": &v.IsRelevant,
		"custom_properties": &v.CustomProperties,
	}
	v.CompanyDetailsUpdate.decodeFields(fields)
	if err := patch.DecodeObject(data, fields); err != nil {
		return err
	}
	*u = v
	return nil
}

// Update validates u and returns c with u applied (custom properties
// excepted: see relation.UpdateCompany) and UpdatedAt set to now; c itself
// is not changed. Every problem is reported in one
// *validation.Error with paths as in the update. A registration date given
// in u may not be after now.
func (c Company) Update(u CompanyUpdate, now time.Time) (Company, error) {
	var l validation.List
	if t, ok := u.Type.Get(); u.Type.IsNull() || (ok && t != c.Type) {
		l.Add("type", validation.CodeNotAllowed, "the type of a company cannot be changed by an update; set the main company instead")
	}
	notNull(&l, "status", u.Status.IsNull())
	notNull(&l, "is_relevant", u.IsRelevant.IsNull())
	out := c.Clone()
	out.Name = apply(u.Name, c.Name)
	out.CommercialName = apply(u.CommercialName, c.CommercialName)
	out.RegistrationNumber = apply(u.RegistrationNumber, c.RegistrationNumber)
	out.RegistrationDate = apply(u.RegistrationDate, c.RegistrationDate)
	out.Country = apply(u.Country, c.Country)
	out.LegalForm = apply(u.LegalForm, c.LegalForm)
	if s, ok := u.Status.Get(); ok {
		out.Status = s
		checkStatus(&l, s)
	}
	out.Address = applyAddress(u.Address, c.Address)
	out.WebsiteURL = apply(u.WebsiteURL, c.WebsiteURL)
	out.CompanyDetails = u.CompanyDetailsUpdate.apply(c.CompanyDetails)
	if b, ok := u.IsRelevant.Get(); ok {
		out.IsRelevant = b
	}
	// Only a date the update sets is checked against now, so that a stored
	// value is never refused because of an unrelated change.
	date := time.Time{}
	if u.RegistrationDate.Present() {
		date = now
	}
	out.validateFields(&l, date)
	if err := l.Err(); err != nil {
		return Company{}, err
	}
	out.UpdatedAt = now
	return out, nil
}

// notNull reports a problem at path when a field that cannot be cleared was
// given as null.
func notNull(l *validation.List, path string, isNull bool) {
	if isNull {
		l.Addf(path, validation.CodeInvalidType, "%s cannot be null", path)
	}
}
