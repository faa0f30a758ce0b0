package entity

import (
	"encoding/json"
	"strings"
	"unicode"

	"github.com/dossierkit/dossier/internal/fieldcheck"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/validation"
)

// MaxIdentifierLen is the longest tax, employer or social security
// identification number, share capital or classification code, in
// characters.
const MaxIdentifierLen = 100

// BankingInformation is a bank account: an IBAN (ISO 13616) and a BIC
// (ISO 9362). Both are optional; "" is null on the wire. When written,
// spaces are removed and letters upper-cased (as in the Dotfile API), then
// the IBAN's country length and MOD 97-10 check digits and the BIC's form
// and country are checked. Error messages never repeat either value.
type BankingInformation struct {
	IBAN string
	BIC  string
}

// IsZero reports whether b holds neither an IBAN nor a BIC.
func (b BankingInformation) IsZero() bool { return b.IBAN == "" && b.BIC == "" }

type bankingJSON struct {
	IBAN *string `json:"iban"`
	BIC  *string `json:"bic"`
}

// MarshalJSON encodes b as {"iban": ..., "bic": ...}, with null for a
// missing value.
func (b BankingInformation) MarshalJSON() ([]byte, error) {
	var out bankingJSON
	if b.IBAN != "" {
		out.IBAN = &b.IBAN
	}
	if b.BIC != "" {
		out.BIC = &b.BIC
	}
	return json.Marshal(out)
}

// UnmarshalJSON decodes {"iban": ..., "bic": ...} (either may be null or
// absent), refusing unknown members.
func (b *BankingInformation) UnmarshalJSON(data []byte) error {
	var in bankingJSON
	if err := patch.DecodeObject(data, map[string]any{"iban": &in.IBAN, "bic": &in.BIC}); err != nil {
		return err
	}
	*b = BankingInformation{}
	if in.IBAN != nil {
		b.IBAN = *in.IBAN
	}
	if in.BIC != nil {
		b.BIC = *in.BIC
	}
	return nil
}

// Normalized returns b with spaces removed and letters upper-cased.
func (b BankingInformation) Normalized() BankingInformation {
	norm := func(s string) string {
		return strings.ToUpper(strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, s))
	}
	return BankingInformation{IBAN: norm(b.IBAN), BIC: norm(b.BIC)}
}

func (b BankingInformation) validate(l *validation.List, path string) {
	if b.IBAN != "" {
		if p := fieldcheck.IBAN(b.IBAN); !p.OK() {
			l.Add(validation.Join(path, "iban"), validation.CodeInvalidFormat, "iban is not a valid IBAN: "+p.Detail())
		}
	}
	if b.BIC != "" {
		if p := fieldcheck.BIC(b.BIC); !p.OK() {
			l.Add(validation.Join(path, "bic"), validation.CodeInvalidFormat, "bic is not a valid BIC: "+p.Detail())
		}
	}
}

// Classification is an industry classification of a company (a NACE, SIC
// or NAICS code, say): the classification system, the code and an
// optional description.
type Classification struct {
	Type        string  `json:"type"`
	Code        string  `json:"code"`
	Description *string `json:"description"`
}

func (c Classification) validate(l *validation.List, path string) {
	checkText(l, validation.Join(path, "type"), c.Type, MaxIdentifierLen, true)
	checkText(l, validation.Join(path, "code"), c.Code, MaxIdentifierLen, true)
	if c.Description != nil {
		checkText(l, validation.Join(path, "description"), *c.Description, MaxTextLen, false)
	}
}

// Gender is the gender of an individual.
type Gender string

// The genders of the Dotfile API.
const (
	GenderMale   Gender = "male"
	GenderFemale Gender = "female"
	GenderOther  Gender = "other"
)

// Valid reports whether g is male, female or other.
func (g Gender) Valid() bool { return g == GenderMale || g == GenderFemale || g == GenderOther }

// isELFCode reports whether s has the form of an ISO 20275 entity legal
// form code: four upper-case letters or digits.
func isELFCode(s string) bool {
	if len(s) != 4 {
		return false
	}
	for i := range 4 {
		c := s[i]
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// CompanyDetails are the company fields of the Dotfile API beyond the
// registry basics. They are embedded in Company and CompanyInput, so their
// members are members of the company's JSON.
type CompanyDetails struct {
	// EntityLegalForm is an ISO 20275 entity legal form code (four
	// upper-case letters or digits, such as "6CHY"); the code's form is
	// checked, not its presence in the GLEIF list.
	EntityLegalForm string `json:"entity_legal_form,omitempty"`
	// Classifications lists industry classifications.
	Classifications []Classification `json:"classifications,omitempty"`
	// BankingInformation is the company's bank account.
	BankingInformation BankingInformation `json:"banking_information"`
	// ShareCapital is the share capital as the registry states it (free
	// text, such as "10 000 EUR").
	ShareCapital string `json:"share_capital,omitempty"`
	// TaxIdentificationNumber and EmployerIdentificationNumber are opaque
	// identifiers of at most MaxIdentifierLen characters; messages never
	// repeat them.
	TaxIdentificationNumber      string `json:"tax_identification_number,omitempty"`
	EmployerIdentificationNumber string `json:"employer_identification_number,omitempty"`
}

// Clone returns a deep copy of d.
func (d CompanyDetails) Clone() CompanyDetails {
	if d.Classifications != nil {
		d.Classifications = append([]Classification(nil), d.Classifications...)
		for i, c := range d.Classifications {
			if c.Description != nil {
				s := *c.Description
				d.Classifications[i].Description = &s
			}
		}
	}
	return d
}

func (d *CompanyDetails) normalize() { d.BankingInformation = d.BankingInformation.Normalized() }

func (d CompanyDetails) validate(l *validation.List) {
	if d.EntityLegalForm != "" && !isELFCode(d.EntityLegalForm) {
		l.Add("entity_legal_form", validation.CodeInvalidFormat, "entity_legal_form must be an ISO 20275 code: four upper-case letters or digits")
	}
	for i, c := range d.Classifications {
		c.validate(l, validation.Index("classifications", i))
	}
	d.BankingInformation.validate(l, "banking_information")
	checkText(l, "share_capital", d.ShareCapital, MaxIdentifierLen, false)
	checkText(l, "tax_identification_number", d.TaxIdentificationNumber, MaxIdentifierLen, false)
	checkText(l, "employer_identification_number", d.EmployerIdentificationNumber, MaxIdentifierLen, false)
}

// decodeFields adds d's members to a DecodeObject field map.
func (d *CompanyDetails) decodeFields(m map[string]any) {
	m["entity_legal_form"] = &d.EntityLegalForm
	m["classifications"] = &d.Classifications
	m["banking_information"] = &d.BankingInformation
	m["share_capital"] = &d.ShareCapital
	m["tax_identification_number"] = &d.TaxIdentificationNumber
	m["employer_identification_number"] = &d.EmployerIdentificationNumber
}

// CompanyDetailsUpdate is the partial update of CompanyDetails: present
// members are set, null clears, absent members are kept.
type CompanyDetailsUpdate struct {
	EntityLegalForm              patch.Field[string]             `json:"entity_legal_form,omitzero"`
	Classifications              patch.Field[[]Classification]   `json:"classifications,omitzero"`
	BankingInformation           patch.Field[BankingInformation] `json:"banking_information,omitzero"`
	ShareCapital                 patch.Field[string]             `json:"share_capital,omitzero"`
	TaxIdentificationNumber      patch.Field[string]             `json:"tax_identification_number,omitzero"`
	EmployerIdentificationNumber patch.Field[string]             `json:"employer_identification_number,omitzero"`
}

func (u *CompanyDetailsUpdate) decodeFields(m map[string]any) {
	m["entity_legal_form"] = &u.EntityLegalForm
	m["classifications"] = &u.Classifications
	m["banking_information"] = &u.BankingInformation
	m["share_capital"] = &u.ShareCapital
	m["tax_identification_number"] = &u.TaxIdentificationNumber
	m["employer_identification_number"] = &u.EmployerIdentificationNumber
}

func (u CompanyDetailsUpdate) apply(d CompanyDetails) CompanyDetails {
	d.EntityLegalForm = apply(u.EntityLegalForm, d.EntityLegalForm)
	d.Classifications = apply(u.Classifications, d.Classifications)
	d.BankingInformation = apply(u.BankingInformation, d.BankingInformation)
	d.ShareCapital = apply(u.ShareCapital, d.ShareCapital)
	d.TaxIdentificationNumber = apply(u.TaxIdentificationNumber, d.TaxIdentificationNumber)
	d.EmployerIdentificationNumber = apply(u.EmployerIdentificationNumber, d.EmployerIdentificationNumber)
	d = d.Clone()
	d.normalize()
	return d
}

// IndividualDetails are the individual fields of the Dotfile API beyond
// names, contact and birth data. They are embedded in Individual and
// IndividualInput, so their members are members of the individual's JSON.
type IndividualDetails struct {
	// IsControllingPerson marks a person who controls the customer by
	// other means than ownership.
	IsControllingPerson bool `json:"is_controlling_person"`
	// BirthPlace is free text of at most MaxTextLen characters.
	BirthPlace string `json:"birth_place,omitempty"`
	// Gender is male, female or other; "" is unknown.
	Gender Gender `json:"gender,omitempty"`
	// BankingInformation is the individual's bank account; nil (null)
	// when none is known.
	BankingInformation *BankingInformation `json:"banking_information"`
	// TaxIdentificationNumber and SocialSecurityNumber are personal
	// identifiers of at most MaxIdentifierLen characters; error messages
	// never repeat them.
	TaxIdentificationNumber string `json:"tax_identification_number,omitempty"`
	SocialSecurityNumber    string `json:"social_security_number,omitempty"`
}

// Clone returns a deep copy of d.
func (d IndividualDetails) Clone() IndividualDetails {
	if d.BankingInformation != nil {
		b := *d.BankingInformation
		d.BankingInformation = &b
	}
	return d
}

func (d *IndividualDetails) normalize() {
	if d.BankingInformation != nil {
		b := d.BankingInformation.Normalized()
		if b.IsZero() {
			d.BankingInformation = nil
		} else {
			d.BankingInformation = &b
		}
	}
}

func (d IndividualDetails) validate(l *validation.List) {
	checkText(l, "birth_place", d.BirthPlace, MaxTextLen, false)
	if d.Gender != "" && !d.Gender.Valid() {
		l.Add("gender", validation.CodeInvalidValue, "gender must be male, female or other")
	}
	if d.BankingInformation != nil {
		d.BankingInformation.validate(l, "banking_information")
	}
	checkText(l, "tax_identification_number", d.TaxIdentificationNumber, MaxIdentifierLen, false)
	checkText(l, "social_security_number", d.SocialSecurityNumber, MaxIdentifierLen, false)
}

func (d *IndividualDetails) decodeFields(m map[string]any) {
	m["is_controlling_person"] = &d.IsControllingPerson
	m["birth_place"] = &d.BirthPlace
	m["gender"] = &d.Gender
	m["banking_information"] = &d.BankingInformation
	m["tax_identification_number"] = &d.TaxIdentificationNumber
	m["social_security_number"] = &d.SocialSecurityNumber
}

// IndividualDetailsUpdate is the partial update of IndividualDetails:
// present members are set, null clears, absent members are kept;
// is_controlling_person cannot be null.
type IndividualDetailsUpdate struct {
	IsControllingPerson     patch.Field[bool]               `json:"is_controlling_person,omitzero"`
	BirthPlace              patch.Field[string]             `json:"birth_place,omitzero"`
	Gender                  patch.Field[Gender]             `json:"gender,omitzero"`
	BankingInformation      patch.Field[BankingInformation] `json:"banking_information,omitzero"`
	TaxIdentificationNumber patch.Field[string]             `json:"tax_identification_number,omitzero"`
	SocialSecurityNumber    patch.Field[string]             `json:"social_security_number,omitzero"`
}

func (u *IndividualDetailsUpdate) decodeFields(m map[string]any) {
	m["is_controlling_person"] = &u.IsControllingPerson
	m["birth_place"] = &u.BirthPlace
	m["gender"] = &u.Gender
	m["banking_information"] = &u.BankingInformation
	m["tax_identification_number"] = &u.TaxIdentificationNumber
	m["social_security_number"] = &u.SocialSecurityNumber
}

func (u IndividualDetailsUpdate) apply(l *validation.List, d IndividualDetails) IndividualDetails {
	d = d.Clone()
	notNull(l, "is_controlling_person", u.IsControllingPerson.IsNull())
	d.IsControllingPerson = apply(u.IsControllingPerson, d.IsControllingPerson)
	d.BirthPlace = apply(u.BirthPlace, d.BirthPlace)
	d.Gender = apply(u.Gender, d.Gender)
	if u.BankingInformation.IsNull() {
		d.BankingInformation = nil
	} else if b, ok := u.BankingInformation.Get(); ok {
		d.BankingInformation = &b
	}
	d.TaxIdentificationNumber = apply(u.TaxIdentificationNumber, d.TaxIdentificationNumber)
	d.SocialSecurityNumber = apply(u.SocialSecurityNumber, d.SocialSecurityNumber)
	d.normalize()
	return d
}
