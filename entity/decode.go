package entity

import (
	"bytes"
	"encoding/json"

	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/validation"
)

// apply returns a field's value after a partial update: cur when f is
// absent, the zero T when f is null, f's value otherwise.
func apply[T any](f patch.Field[T], cur T) T {
	if !f.Present() {
		return cur
	}
	v, _ := f.Get()
	return v
}

func isNull(data []byte) bool { return bytes.Equal(bytes.TrimSpace(data), []byte("null")) }

// inputAddress decodes an Address of an input, refusing unknown members and
// reporting every problem at once; null is the zero Address. (Stored
// entities decode their Address leniently, for forward compatibility.)
type inputAddress Address

func (a *inputAddress) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		*a = inputAddress{}
		return nil
	}
	// A null member leaves its string empty.
	var v Address
	if err := patch.DecodeObject(data, map[string]any{
		"street_address": &v.StreetAddress, "street_address_2": &v.StreetAddress2,
		"postal_code": &v.PostalCode, "city": &v.City, "state": &v.State,
		"region": &v.Region, "country": &v.Country,
	}); err != nil {
		return err
	}
	*a = inputAddress(v)
	return nil
}

// UnmarshalJSON decodes an address update, refusing unknown members and
// reporting every problem at once as a *validation.Error.
func (u *AddressUpdate) UnmarshalJSON(data []byte) error {
	var v AddressUpdate
	if err := patch.DecodeObject(data, map[string]any{
		"street_address": &v.StreetAddress, "street_address_2": &v.StreetAddress2,
		"postal_code": &v.PostalCode, "city": &v.City, "state": &v.State,
		"region": &v.Region, "country": &v.Country,
	}); err != nil {
		return err
	}
	*u = v
	return nil
}

// inputLinks decodes the relations of an input: each element is decoded
// with [Link.UnmarshalJSON] and its problems are reported under its index
// ("[1].ownership_percentage"), all at once. null is no relations.
type inputLinks []Link

func (ls *inputLinks) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		*ls = nil
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return validation.New("", validation.CodeInvalidType, "relations must be an array of relation objects")
	}
	out := make([]Link, len(raw))
	var l validation.List
	for i, r := range raw {
		if err := json.Unmarshal(r, &out[i]); err != nil {
			l.Merge(validation.Index("", i), err)
		}
	}
	if err := l.Err(); err != nil {
		return err
	}
	*ls = out
	return nil
}
