// Package patch provides what partial updates need: a [Field] that tells an
// absent JSON member from an explicit null, and [DecodeObject], which decodes
// a JSON object field by field and reports every problem at once as a
// *validation.Error instead of stopping at the first.
//
// DecodeObject is the strict object decoder of the whole module: every
// input type decodes through it (or, for risks, custom properties and
// metadata, through the same reader underneath), so malformed JSON, invalid
// UTF-8, a key given twice and an unknown member are refused the same way
// everywhere.
//
// A Field is used in update inputs:
//
//	type UpdateInput struct {
//		Name       patch.Field[string] `json:"name,omitzero"`
//		ExternalID patch.Field[string] `json:"external_id,omitzero"`
//	}
//
// After decoding {"external_id": null}, Name.Present() is false (leave the
// name alone) and ExternalID.IsNull() is true (clear the external id).
package patch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dossierkit/dossier/internal/jsonobj"
	"github.com/dossierkit/dossier/validation"
)

// Field is an optional value in a partial update: absent (the zero value),
// null, or a value.
type Field[T any] struct {
	present bool
	null    bool
	value   T
}

// Value returns a Field holding v.
func Value[T any](v T) Field[T] { return Field[T]{present: true, value: v} }

// Null returns a Field that is present and null.
func Null[T any]() Field[T] { return Field[T]{present: true, null: true} }

// Present reports whether the field was given, as a value or as null.
func (f Field[T]) Present() bool { return f.present }

// IsNull reports whether the field was given as null.
func (f Field[T]) IsNull() bool { return f.present && f.null }

// Get returns the value and true when the field holds a value (present and
// not null).
func (f Field[T]) Get() (T, bool) { return f.value, f.present && !f.null }

// IsZero reports whether the field is absent, so that the `omitzero` JSON
// option leaves absent fields out when marshalling.
func (f Field[T]) IsZero() bool { return !f.present }

// MarshalJSON encodes null or the value. Absent fields should be tagged
// `omitzero`; an absent field that is marshalled anyway encodes as null.
func (f Field[T]) MarshalJSON() ([]byte, error) {
	if !f.present || f.null {
		return []byte("null"), nil
	}
	return json.Marshal(f.value)
}

// UnmarshalJSON records the field as present, and null for a JSON null.
func (f *Field[T]) UnmarshalJSON(data []byte) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		*f = Null[T]()
		return nil
	}
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*f = Value(v)
	return nil
}

// DecodeObject decodes the JSON object data into the targets of fields, keyed
// by JSON member name; each target is a pointer, as for json.Unmarshal. It
// reports every problem together as a *validation.Error, in document
// order: data that is not well-formed JSON or not valid UTF-8
// (malformed_json at the root), data that is not an object (invalid_type
// at the root), a key given twice (duplicate), a member that is not in
// fields (unknown_field), a member of the wrong JSON type (invalid_type),
// and the problems of a member whose own UnmarshalJSON returned a
// *validation.Error (merged under the member's name).
//
// It is the one object decoder of the module: every input type uses it
// or, for risks and custom properties, the same reader underneath, so one
// policy holds everywhere (duplicate keys are refused, never resolved
// last-wins).
func DecodeObject(data []byte, fields map[string]any) error {
	var l validation.List
	DecodeObjectInto(&l, data, fields)
	return l.Err()
}

// DecodeObjectInto is DecodeObject recording its problems in l, so that a
// caller can add the problems of a later stage (the rules checked on the
// decoded values) and report everything at once. It returns false when
// data is not an object at all, so nothing was decoded.
func DecodeObjectInto(l *validation.List, data []byte, fields map[string]any) bool {
	members, ok := jsonobj.Read(data, "", l)
	if !ok {
		return false
	}
	for _, m := range members {
		k := m.Key
		target, ok := fields[k]
		if !ok {
			l.Addf(k, validation.CodeUnknownField, "unknown field %q", k)
			continue
		}
		if err := json.Unmarshal(m.Value, target); err != nil {
			var verr *validation.Error
			var terr *json.UnmarshalTypeError
			switch {
			case errors.As(err, &verr):
				l.Merge(k, verr)
			case errors.As(err, &terr):
				l.Addf(validation.Join(k, terr.Field), validation.CodeInvalidType, "expected %s, got JSON %s", terr.Type, terr.Value)
			default:
				l.Add(k, validation.CodeInvalidFormat, fmt.Sprint(err))
			}
		}
	}
	return true
}

// Kind describes the JSON value raw for an error message: "a string",
// "a number", "a boolean", "null", "an array", "an object", or "nothing"
// for blank input. It reads only the first byte that is not white space,
// so it does not check that raw is valid JSON.
func Kind(raw []byte) string { return jsonobj.Kind(raw) }
