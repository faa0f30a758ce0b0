package customprop

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/internal/jsonobj"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/validation"
)

// Option is one choice of a [TypeChoices] property: values hold the Key, a
// user interface shows the Label.
type Option struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

// Settings are the type-specific settings of a definition. Only the fields
// of the definition's type may be set ([NewSet] refuses the others):
//
//   - choices: AllowMultiple, Options (at least one);
//   - countries: AllowMultiple;
//   - numeric: Format, CurrencyCode (exactly when Format is currency),
//     Min, Max (inclusive, optional);
//   - text: IsMultiLine.
//
// Min and Max are decoded from a JSON number or string with the same strict
// grammar as numeric values, and encoded as JSON numbers.
type Settings struct {
	AllowMultiple bool             `json:"allow_multiple,omitempty"`
	Options       []Option         `json:"options,omitempty"`
	Format        Format           `json:"format,omitempty"`
	CurrencyCode  string           `json:"currency_code,omitempty"`
	Min           *decimal.Decimal `json:"min,omitempty"`
	Max           *decimal.Decimal `json:"max,omitempty"`
	IsMultiLine   bool             `json:"is_multi_line,omitempty"`
}

// Clone returns a deep copy of s.
func (s Settings) Clone() Settings {
	c := s
	if s.Options != nil {
		c.Options = append([]Option(nil), s.Options...)
	}
	if s.Min != nil {
		m := *s.Min
		c.Min = &m
	}
	if s.Max != nil {
		m := *s.Max
		c.Max = &m
	}
	return c
}

// wireSettings is the JSON shape of Settings; min and max stay raw so that
// they are parsed by this package, not by the decimal package.
type wireSettings struct {
	AllowMultiple *bool           `json:"allow_multiple,omitempty"`
	Options       []Option        `json:"options,omitempty"`
	Format        Format          `json:"format,omitempty"`
	CurrencyCode  string          `json:"currency_code,omitempty"`
	Min           json.RawMessage `json:"min,omitempty"`
	Max           json.RawMessage `json:"max,omitempty"`
	IsMultiLine   *bool           `json:"is_multi_line,omitempty"`
}

// errBadBound is returned when min or max is not a decimal literal.
var errBadBound = errors.New("customprop: settings min/max must be a decimal number (JSON number or string)")

// errBoundRange and errBoundPrecise wrap errBadBound for a bound beyond the
// numeric limits and one with too many decimals.
var (
	errBoundRange   = fmt.Errorf("%w within the numeric limits", errBadBound)
	errBoundPrecise = fmt.Errorf("%w with at most the allowed decimals", errBadBound)
)

// settingKeys are the members of the wire settings object, in wire order.
var settingKeys = []string{"allow_multiple", "options", "format", "currency_code", "min", "max", "is_multi_line"}

// UnmarshalJSON decodes the wire settings. JSON null leaves s unchanged.
//
// Decoding is strict and reports every problem at once as a
// *validation.Error, with paths relative to the settings object (a
// Definition prefixes "settings"): a key that is not a setting
// (unknown_field, naming the setting it resembles: "is_multiline" for
// "is_multi_line"), a setting of the wrong JSON type (invalid_type), a
// min or max that is not a decimal within the numeric limits
// (invalid_format, out_of_range, too_precise), a key given twice
// (duplicate) and malformed JSON (malformed_json). Which settings a type
// may have is checked by [NewSet].
func (s *Settings) UnmarshalJSON(data []byte) error {
	if jsonobj.IsNull(data) {
		return nil
	}
	var l validation.List
	members, _ := jsonobj.Read(data, "", &l)
	var out Settings
	for _, m := range members {
		k, raw := m.Key, m.Value
		if jsonobj.IsNull(raw) {
			continue // null is the absent setting
		}
		switch k {
		case "allow_multiple", "is_multi_line":
			var b bool
			if json.Unmarshal(raw, &b) != nil {
				l.Add(k, validation.CodeInvalidType, k+" must be a boolean, not "+jsonobj.Kind(raw))
				continue
			}
			if k == "allow_multiple" {
				out.AllowMultiple = b
			} else {
				out.IsMultiLine = b
			}
		case "format", "currency_code":
			var str string
			if json.Unmarshal(raw, &str) != nil {
				l.Add(k, validation.CodeInvalidType, k+" must be a string, not "+jsonobj.Kind(raw))
				continue
			}
			if k == "format" {
				out.Format = Format(str)
			} else {
				out.CurrencyCode = str
			}
		case "options":
			out.Options = decodeOptions(raw, &l)
		case "min", "max":
			d, err := decodeBound(raw)
			if err != nil {
				code := validation.CodeInvalidFormat
				switch v := decodeRaw(raw); {
				case v.kind != jNumber && v.kind != jString:
					code = validation.CodeInvalidType
				case errors.Is(err, errBoundRange):
					code = validation.CodeOutOfRange
				case errors.Is(err, errBoundPrecise):
					code = validation.CodeTooPrecise
				}
				l.Add(k, code, strings.TrimPrefix(err.Error(), "customprop: settings "))
				continue
			}
			if k == "min" {
				out.Min = d
			} else {
				out.Max = d
			}
		default:
			msg := fmt.Sprintf("%q is not a setting; the settings are %s", truncate(k, 100), strings.Join(settingKeys, ", "))
			if near := nearestSetting(k); near != "" {
				msg = fmt.Sprintf("%q is not a setting: did you mean %q?", truncate(k, 100), near)
			}
			l.Add(k, validation.CodeUnknownField, msg)
		}
	}
	if err := l.Err(); err != nil {
		return err
	}
	*s = out
	return nil
}

// nearestSetting returns the setting k is a misspelling of (the same
// letters once case, "_", "-" and spaces are ignored), or "".
func nearestSetting(k string) string {
	norm := func(s string) string {
		return strings.Map(func(r rune) rune {
			switch r {
			case '_', '-', ' ':
				return -1
			}
			return unicode.ToLower(r)
		}, s)
	}
	nk := norm(k)
	for _, s := range settingKeys {
		if norm(s) == nk {
			return s
		}
	}
	return ""
}

// decodeOptions decodes the options array; problems go to l under
// "options[i]".
func decodeOptions(raw []byte, l *validation.List) []Option {
	var elems []json.RawMessage
	if json.Unmarshal(raw, &elems) != nil {
		l.Add("options", validation.CodeInvalidType, "options must be an array of {key, label} objects, not "+jsonobj.Kind(raw))
		return nil
	}
	out := make([]Option, 0, len(elems))
	for i, e := range elems {
		var o Option
		if err := o.UnmarshalJSON(e); err != nil {
			l.Merge(validation.Index("options", i), err)
			continue
		}
		out = append(out, o)
	}
	return out
}

// UnmarshalJSON decodes {key, label}, refusing other members, values that
// are not strings and duplicate keys, as a *validation.Error.
func (o *Option) UnmarshalJSON(data []byte) error {
	var l validation.List
	members, _ := jsonobj.Read(data, "", &l)
	var out Option
	for _, m := range members {
		var str string
		switch m.Key {
		case "key", "label":
			if json.Unmarshal(m.Value, &str) != nil || jsonobj.IsNull(m.Value) {
				l.Add(m.Key, validation.CodeInvalidType, m.Key+" must be a string, not "+jsonobj.Kind(m.Value))
				continue
			}
			if m.Key == "key" {
				out.Key = str
			} else {
				out.Label = str
			}
		default:
			l.Addf(m.Key, validation.CodeUnknownField, "%q is not a member of an option; the members are key and label", truncate(m.Key, 100))
		}
	}
	if err := l.Err(); err != nil {
		return err
	}
	*o = out
	return nil
}

// UnmarshalJSON decodes the wire form {key, label, type, target_entity,
// settings, archived_at} strictly, reporting every problem at once as a
// *validation.Error: unknown members, members of the wrong JSON type,
// the problems of the settings under "settings.<name>", an archived_at
// that is not an RFC 3339 date-time within years 0000..9999, duplicate
// keys and malformed JSON. Whether the values are allowed is checked by
// [NewSet].
func (d *Definition) UnmarshalJSON(data []byte) error {
	var l validation.List
	var out Definition
	var archived *string
	if patch.DecodeObjectInto(&l, data, map[string]any{
		"key": &out.Key, "label": &out.Label, "type": &out.Type, "target_entity": &out.Target,
		"settings": &out.Settings, "archived_at": &archived,
	}) && archived != nil {
		if t, ok := jsonobj.ParseTime(*archived); ok {
			out.ArchivedAt = &t
		} else {
			l.Add("archived_at", validation.CodeInvalidFormat, "archived_at must be an RFC 3339 date-time such as 2024-05-01T09:30:00Z, or null")
		}
	}
	if err := l.Err(); err != nil {
		return err
	}
	*d = out
	return nil
}

func decodeBound(raw json.RawMessage) (*decimal.Decimal, error) {
	if raw == nil {
		return nil, nil
	}
	v := decodeRaw(raw)
	switch v.kind {
	case jNull:
		return nil, nil
	case jNumber, jString:
		n, p := parseNumber(v.s)
		switch p {
		case numOK:
			return &n.dec, nil
		case numRange:
			return nil, fmt.Errorf("%w: %q is beyond +-%d", errBoundRange, truncate(v.s, 40), MaxSafeInteger)
		case numPrecise:
			return nil, fmt.Errorf("%w: %q has more than %d decimals", errBoundPrecise, truncate(v.s, 40), MaxFractionDigits)
		}
	}
	return nil, fmt.Errorf("%w: got %s", errBadBound, truncate(string(raw), 40))
}

// MarshalJSON encodes the non-zero settings, min and max as JSON numbers.
// [Definition.MarshalJSON] writes the full settings of its type instead.
func (s Settings) MarshalJSON() ([]byte, error) {
	return s.marshal("")
}

// marshal writes the settings of typ (every settings field of that type,
// false included), or only the non-zero fields when typ is not known.
func (s Settings) marshal(typ Type) ([]byte, error) {
	var w wireSettings
	t, f := true, false
	boolPtr := func(b bool) *bool {
		if b {
			return &t
		}
		return &f
	}
	all := !typ.Valid()
	if typ == TypeChoices || typ == TypeCountries || (all && s.AllowMultiple) {
		w.AllowMultiple = boolPtr(s.AllowMultiple)
	}
	if typ == TypeChoices || all {
		w.Options = s.Options
		if typ == TypeChoices && w.Options == nil {
			w.Options = []Option{}
		}
	}
	if typ == TypeNumeric || all {
		w.Format = s.Format
		if typ == TypeNumeric && w.Format == "" {
			w.Format = FormatNumber
		}
		w.CurrencyCode = s.CurrencyCode
		var err error
		if w.Min, err = encodeBound(s.Min); err != nil {
			return nil, err
		}
		if w.Max, err = encodeBound(s.Max); err != nil {
			return nil, err
		}
	}
	if typ == TypeText || (all && s.IsMultiLine) {
		w.IsMultiLine = boolPtr(s.IsMultiLine)
	}
	return json.Marshal(w)
}

func encodeBound(d *decimal.Decimal) (json.RawMessage, error) {
	if d == nil {
		return nil, nil
	}
	n, p := fromDecimal(*d)
	if p != numOK {
		return nil, fmt.Errorf("%w: cannot encode %s", errBadBound, d.String())
	}
	return json.RawMessage(n.text), nil
}

// Definition describes one custom property of a workspace. Its JSON form is
// the wire form {key, label, type, target_entity, settings, archived_at}.
//
// A Definition is plain data; [NewSet] validates a list of them. An
// archived definition (ArchivedAt set) refuses writes, and its values are
// left out on read, but they are kept: un-archiving shows them again.
type Definition struct {
	Key        string     `json:"key"`
	Label      string     `json:"label"`
	Type       Type       `json:"type"`
	Target     Target     `json:"target_entity"`
	Settings   Settings   `json:"settings"`
	ArchivedAt *time.Time `json:"archived_at"`
}

// Archived reports whether the definition is archived.
func (d Definition) Archived() bool { return d.ArchivedAt != nil }

// Clone returns a deep copy of d.
func (d Definition) Clone() Definition {
	c := d
	c.Settings = d.Settings.Clone()
	if d.ArchivedAt != nil {
		t := *d.ArchivedAt
		c.ArchivedAt = &t
	}
	return c
}

// MarshalJSON writes the wire form, with the settings of the definition's
// type in full (allow_multiple: false included) and archived_at null when
// not archived.
func (d Definition) MarshalJSON() ([]byte, error) {
	settings, err := d.Settings.marshal(d.Type)
	if err != nil {
		return nil, err
	}
	type wire struct {
		Key        string          `json:"key"`
		Label      string          `json:"label"`
		Type       Type            `json:"type"`
		Target     Target          `json:"target_entity"`
		Settings   json.RawMessage `json:"settings"`
		ArchivedAt *time.Time      `json:"archived_at"`
	}
	return json.Marshal(wire{d.Key, d.Label, d.Type, d.Target, settings, d.ArchivedAt})
}
