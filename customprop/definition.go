package customprop

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
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

// UnmarshalJSON decodes the wire settings. JSON null leaves s unchanged.
func (s *Settings) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		return nil
	}
	var w wireSettings
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	out := Settings{Options: w.Options, Format: w.Format, CurrencyCode: w.CurrencyCode}
	out.AllowMultiple = w.AllowMultiple != nil && *w.AllowMultiple
	out.IsMultiLine = w.IsMultiLine != nil && *w.IsMultiLine
	var err error
	if out.Min, err = decodeBound(w.Min); err != nil {
		return fmt.Errorf("min: %w", err)
	}
	if out.Max, err = decodeBound(w.Max); err != nil {
		return fmt.Errorf("max: %w", err)
	}
	*s = out
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
			return nil, fmt.Errorf("%w: %q is beyond +-%d", errBadBound, v.s, MaxSafeInteger)
		case numPrecise:
			return nil, fmt.Errorf("%w: %q has more than %d decimals", errBadBound, v.s, MaxFractionDigits)
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
