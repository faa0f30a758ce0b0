package entity

import (
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/validation"
)

// Address is a postal address of a company or an individual. Every field is
// optional free text of at most MaxTextLen characters, except Country, an
// upper-case ISO 3166-1 alpha-2 code of an existing country (see
// [IsCountry]). The zero Address means "no address" and is left out of the
// JSON of its entity.
type Address struct {
	StreetAddress  string `json:"street_address,omitempty"`
	StreetAddress2 string `json:"street_address_2,omitempty"`
	PostalCode     string `json:"postal_code,omitempty"`
	City           string `json:"city,omitempty"`
	State          string `json:"state,omitempty"`
	Region         string `json:"region,omitempty"`
	Country        string `json:"country,omitempty"`
}

// IsZero reports whether a has no field set.
func (a Address) IsZero() bool { return a == Address{} }

// Validate reports every problem of a, with paths relative to the address
// ("city", "country").
func (a Address) Validate() error {
	var l validation.List
	a.validate(&l, "")
	return l.Err()
}

func (a Address) validate(l *validation.List, prefix string) {
	checkText(l, validation.Join(prefix, "street_address"), a.StreetAddress, MaxTextLen, false)
	checkText(l, validation.Join(prefix, "street_address_2"), a.StreetAddress2, MaxTextLen, false)
	checkText(l, validation.Join(prefix, "postal_code"), a.PostalCode, MaxTextLen, false)
	checkText(l, validation.Join(prefix, "city"), a.City, MaxTextLen, false)
	checkText(l, validation.Join(prefix, "state"), a.State, MaxTextLen, false)
	checkText(l, validation.Join(prefix, "region"), a.Region, MaxTextLen, false)
	checkCountry(l, validation.Join(prefix, "country"), a.Country)
}

// AddressUpdate is a partial update of an [Address]: each member present is
// set (null clears it), absent members are kept. An update whose whole
// address is null clears every field.
type AddressUpdate struct {
	StreetAddress  patch.Field[string] `json:"street_address,omitzero"`
	StreetAddress2 patch.Field[string] `json:"street_address_2,omitzero"`
	PostalCode     patch.Field[string] `json:"postal_code,omitzero"`
	City           patch.Field[string] `json:"city,omitzero"`
	State          patch.Field[string] `json:"state,omitzero"`
	Region         patch.Field[string] `json:"region,omitzero"`
	Country        patch.Field[string] `json:"country,omitzero"`
}

// Apply returns a with the update applied.
func (u AddressUpdate) Apply(a Address) Address {
	a.StreetAddress = apply(u.StreetAddress, a.StreetAddress)
	a.StreetAddress2 = apply(u.StreetAddress2, a.StreetAddress2)
	a.PostalCode = apply(u.PostalCode, a.PostalCode)
	a.City = apply(u.City, a.City)
	a.State = apply(u.State, a.State)
	a.Region = apply(u.Region, a.Region)
	a.Country = apply(u.Country, a.Country)
	return a
}

// applyAddress applies an optional address update: null clears the address,
// a value merges field by field.
func applyAddress(o patch.Field[AddressUpdate], a Address) Address {
	if o.IsNull() {
		return Address{}
	}
	if u, ok := o.Get(); ok {
		return u.Apply(a)
	}
	return a
}
