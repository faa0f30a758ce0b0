package customprop

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/biter777/countries"
	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/internal/jsonobj"
	"github.com/dossierkit/dossier/validation"
)

// kind is the JSON shape of a Value.
type kind uint8

const (
	kNone   kind = iota // the zero Value
	kBool               // JSON true/false
	kNumber             // JSON number
	kString             // JSON string
	kList               // JSON array of strings
)

// Value is one validated custom property value. It is immutable: accessors
// return copies, so a Value may be shared freely between goroutines and
// aggregates.
//
// A Value produced by [Set.Apply] or [Set.Visible] knows its [Type]. A
// Value decoded from JSON on its own (for example when a store reads a
// record back) knows only its JSON shape: Type reports [TypeBoolean] for a
// boolean, [TypeNumeric] for a number and "" for a string or an array, until
// [Set.Visible] binds it to its definition again. The typed accessors work
// on both: they report ok=false when the value cannot be read as asked.
type Value struct {
	typ  Type
	kind kind
	b    bool
	s    string // kString: the string; kNumber: canonical decimal text
	list []string
	num  decimal.Decimal
}

// Type returns the property type of v, or "" when v was decoded from JSON
// without its definition and its shape does not tell the type.
func (v Value) Type() Type { return v.typ }

// IsZero reports whether v is the zero Value (holds nothing).
func (v Value) IsZero() bool { return v.kind == kNone }

// Clone returns v: a Value is immutable, so a copy is already deep. It
// exists so that every stored type has a Clone method.
func (v Value) Clone() Value { return v }

// Bool returns the value of a boolean property.
func (v Value) Bool() (b, ok bool) {
	if v.kind != kBool {
		return false, false
	}
	return v.b, true
}

// Decimal returns the value of a numeric property, exactly.
func (v Value) Decimal() (decimal.Decimal, bool) {
	switch {
	case v.kind == kNumber:
		return v.num, true
	case v.kind == kString && v.typ == "":
		// An unbound string: read it as a numeric literal if it is one.
		if n, p := parseNumber(v.s); p == numOK {
			return n.dec, true
		}
	}
	return decimal.Decimal{}, false
}

// Text returns the string of a text, email, url, phone_number or date
// property (a date as "yyyy-MM-dd", a phone number in E.164).
func (v Value) Text() (string, bool) {
	if v.kind != kString {
		return "", false
	}
	return v.s, true
}

// Date returns the value of a date property as midnight UTC of that day.
func (v Value) Date() (time.Time, bool) {
	if v.kind != kString || (v.typ != TypeDate && v.typ != "") {
		return time.Time{}, false
	}
	y, m, d, ok := parseDate(v.s)
	if ok != dateOK {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), true
}

// Strings returns a copy of the option keys of a choices property or the
// country codes of a countries property, in the order they were written.
func (v Value) Strings() ([]string, bool) {
	if v.kind != kList {
		return nil, false
	}
	return slices.Clone(v.list), true
}

// Countries returns the codes of a countries property as
// [countries.CountryCode] values, in the order they were written. It
// reports false for any other value, or if a code is not known.
func (v Value) Countries() ([]countries.CountryCode, bool) {
	if v.kind != kList || (v.typ != TypeCountries && v.typ != "") {
		return nil, false
	}
	out := make([]countries.CountryCode, len(v.list))
	for i, c := range v.list {
		if out[i] = countryCode(c); out[i] == countries.Unknown {
			return nil, false
		}
	}
	return out, true
}

// URL returns the value of a url property, parsed. The result is a new
// *url.URL on each call.
func (v Value) URL() (*url.URL, bool) {
	if v.kind != kString || (v.typ != TypeURL && v.typ != "") {
		return nil, false
	}
	u, err := url.Parse(v.s)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return nil, false
	}
	return u, true
}

// String returns v for people and logs: the string of a string value, the
// canonical decimal of a number ("20000", "12.5"), "true" or "false", and
// the elements of a list joined with ","; "" for the zero Value. Option
// keys and country codes cannot contain a comma, so the join is lossless.
func (v Value) String() string {
	switch v.kind {
	case kBool:
		if v.b {
			return "true"
		}
		return "false"
	case kNumber, kString:
		return v.s
	case kList:
		return strings.Join(v.list, ",")
	}
	return ""
}

// Equal reports whether v and w have the same wire value. The type is not
// compared, so a value read back from JSON equals the one that was written.
// Numbers compare by value (they are normalised: 20000 and "20000.0" give
// the same Value).
func (v Value) Equal(w Value) bool {
	if v.kind != w.kind {
		return false
	}
	switch v.kind {
	case kBool:
		return v.b == w.b
	case kNumber:
		return v.num.Equal(w.num)
	case kString:
		return v.s == w.s
	case kList:
		return slices.Equal(v.list, w.list)
	}
	return true
}

// MarshalJSON writes the wire value: a JSON boolean, a JSON number in
// plain notation (never an exponent), a string, or an array of strings.
// The zero Value is written as null.
func (v Value) MarshalJSON() ([]byte, error) {
	switch v.kind {
	case kBool:
		if v.b {
			return []byte("true"), nil
		}
		return []byte("false"), nil
	case kNumber:
		return []byte(v.s), nil
	case kString:
		return json.Marshal(v.s)
	case kList:
		return json.Marshal(v.list)
	}
	return []byte("null"), nil
}

// errValueJSON is returned by UnmarshalJSON for JSON that no property type
// can hold.
var errValueJSON = errors.New("customprop: not a custom property value")

// UnmarshalJSON reads a wire value without its definition (see [Value] for
// what Type then reports). It accepts a boolean, a number within the
// numeric limits, a string or an array of strings; null gives the zero
// Value. Values read this way are not validated against a definition: use
// [Set.Visible] for that.
func (v *Value) UnmarshalJSON(data []byte) error {
	jv := decodeRaw(data)
	switch jv.kind {
	case jNull:
		*v = Value{}
	case jBool:
		*v = Value{typ: TypeBoolean, kind: kBool, b: jv.b}
	case jNumber:
		n, p := parseNumber(jv.s)
		if p != numOK {
			return fmt.Errorf("%w: number %s is beyond the numeric limits", errValueJSON, truncate(jv.s, 40))
		}
		*v = numberValue(n)
	case jString:
		*v = Value{kind: kString, s: jv.s}
	case jArray:
		*v = Value{kind: kList, list: jv.list}
	default:
		return fmt.Errorf("%w: %s", errValueJSON, truncate(string(data), 40))
	}
	return nil
}

func numberValue(n number) Value {
	return Value{typ: TypeNumeric, kind: kNumber, s: n.text, num: n.dec}
}

// Values are the custom property values of one object, by property key.
// Every Value is immutable, so [Values.Clone] only copies the map. The JSON
// form is the wire object {"key": value, ...}.
type Values map[string]Value

// Get returns the value of key, if set.
func (vs Values) Get(key string) (Value, bool) {
	v, ok := vs[key]
	return v, ok
}

// Keys returns the keys of vs, sorted.
func (vs Values) Keys() []string {
	keys := make([]string, 0, len(vs))
	for k := range vs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Clone returns a copy of vs; nil stays nil.
func (vs Values) Clone() Values {
	if vs == nil {
		return nil
	}
	c := make(Values, len(vs))
	for k, v := range vs {
		c[k] = v
	}
	return c
}

// Equal reports whether vs and ws hold the same keys with equal values
// ([Value.Equal]). A nil map equals an empty one.
func (vs Values) Equal(ws Values) bool {
	if len(vs) != len(ws) {
		return false
	}
	for k, v := range vs {
		w, ok := ws[k]
		if !ok || !v.Equal(w) {
			return false
		}
	}
	return true
}

// MarshalJSON writes the wire object with sorted keys; nil is written as
// null and an empty map as {}.
func (vs Values) MarshalJSON() ([]byte, error) {
	if vs == nil {
		return []byte("null"), nil
	}
	return json.Marshal(map[string]Value(vs))
}

// UnmarshalJSON reads the wire object (see [Value.UnmarshalJSON]); null
// gives nil. Every problem is reported at once as a *validation.Error with
// the key as path: a member that no property type can hold, a null member
// (stored values are never null), and, as for every object in the module,
// malformed JSON, invalid UTF-8 and a key given twice.
func (vs *Values) UnmarshalJSON(data []byte) error {
	if jsonobj.IsNull(data) {
		*vs = nil
		return nil
	}
	var l validation.List
	members, _ := jsonobj.Read(data, "", &l)
	out := make(Values, len(members))
	for _, m := range members {
		var v Value
		if err := v.UnmarshalJSON(m.Value); err != nil {
			l.Add(m.Key, validation.CodeInvalidType, strings.TrimPrefix(err.Error(), "customprop: "))
			continue
		}
		if v.IsZero() {
			l.Add(m.Key, validation.CodeInvalidType, "a stored custom property value is never null")
			continue
		}
		out[m.Key] = v
	}
	if err := l.Err(); err != nil {
		return err
	}
	*vs = out
	return nil
}

// truncate shortens s to at most n bytes for messages, on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
