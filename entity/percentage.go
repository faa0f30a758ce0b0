package entity

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/validation"
)

// Percentage limits: a percentage is between 0 and 100 inclusive and has at
// most PercentageDecimals decimal places.
const PercentageDecimals = 2

// maxPercentageText bounds the text a Percentage is parsed from, and
// maxPercentageExp the magnitude of its exponent, so that a hostile value
// such as 1e999999999 cannot make arithmetic or formatting explode.
const (
	maxPercentageText = 64
	maxPercentageExp  = 40
)

var (
	hundred = decimal.NewFromInt(100)
	decZero = decimal.Zero
)

// Percentage is an ownership or voting-rights percentage, or unknown. It is
// an exact decimal (never a float64): 33.33 is 3333/100.
//
// The zero Percentage is unknown, which is JSON null on the wire: an unknown
// percentage is not 0 and is never treated as 0. A known percentage is a
// JSON number (33.33); a JSON string holding a number ("33.33") is accepted
// on input too.
//
// Parsing and decoding do not check the range: [Percentage.Validate] does,
// so that every problem of a payload can be reported at once.
type Percentage struct {
	d     decimal.Decimal
	known bool
}

// UnknownPercentage is the unknown percentage (the zero value).
var UnknownPercentage Percentage

// ParsePercentage parses a decimal number such as "33.33", "100" or "1e1".
// It does not check the range; see [Percentage.Validate].
func ParsePercentage(s string) (Percentage, error) {
	if len(s) > maxPercentageText {
		return Percentage{}, fmt.Errorf("percentage %.20q... has more than %d characters", s, maxPercentageText)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return Percentage{}, fmt.Errorf("percentage %q is not a decimal number", s)
	}
	if e := d.Exponent(); e > maxPercentageExp || e < -maxPercentageExp {
		return Percentage{}, fmt.Errorf("percentage %q is not a number between 0 and 100", s)
	}
	return Percentage{d: d, known: true}, nil
}

// MustPercentage is like [ParsePercentage] but panics on error; for tests,
// examples and constants.
func MustPercentage(s string) Percentage {
	p, err := ParsePercentage(s)
	if err != nil {
		panic(err)
	}
	return p
}

// PercentageOf returns the known percentage d. It does not check the range.
func PercentageOf(d decimal.Decimal) Percentage { return Percentage{d: d, known: true} }

// IsKnown reports whether p holds a value.
func (p Percentage) IsKnown() bool { return p.known }

// Decimal returns the value and true, or zero and false when p is unknown.
func (p Percentage) Decimal() (decimal.Decimal, bool) {
	if !p.known {
		return decZero, false
	}
	return p.d, true
}

// Equal reports whether p and q are both unknown, or both known with the
// same value (33.3 equals 33.30).
func (p Percentage) Equal(q Percentage) bool {
	if p.known != q.known {
		return false
	}
	return !p.known || p.d.Equal(q.d)
}

// String returns the value as a plain decimal ("33.33"), or "unknown".
func (p Percentage) String() string {
	if !p.known {
		return "unknown"
	}
	return p.d.String()
}

// Validate reports a problem at path "" unless p is unknown, or known
// between 0 and 100 with at most two decimals. Callers put the problem under
// the field's path with validation.List.Merge.
func (p Percentage) Validate() error {
	if !p.known {
		return nil
	}
	if e := p.d.Exponent(); e > maxPercentageExp || e < -maxPercentageExp || p.d.Coefficient().BitLen() > 256 {
		return validation.New("", validation.CodeOutOfRange, "must be a number between 0 and 100")
	}
	var l validation.List
	if p.d.LessThan(decZero) || p.d.GreaterThan(hundred) {
		l.Addf("", validation.CodeOutOfRange, "%s is outside 0 to 100", p.d.String())
	}
	if !p.d.Truncate(PercentageDecimals).Equal(p.d) {
		l.Addf("", validation.CodeTooPrecise, "%s has more than %d decimals", p.d.String(), PercentageDecimals)
	}
	return l.Err()
}

// MarshalJSON encodes a known percentage as a JSON number and an unknown one
// as null. It never depends on decimal's package-level settings.
func (p Percentage) MarshalJSON() ([]byte, error) {
	if !p.known {
		return []byte("null"), nil
	}
	return []byte(p.d.String()), nil
}

// UnmarshalJSON decodes null (unknown), a JSON number or a string holding a
// number. Anything else is a *validation.Error at path "" (invalid_type or
// invalid_format), so that a decoder such as patch.DecodeObject reports it
// under the field's path. The range is not checked here; see
// [Percentage.Validate].
func (p *Percentage) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if bytes.Equal(data, []byte("null")) {
		*p = Percentage{}
		return nil
	}
	s := string(data)
	switch {
	case len(data) > 0 && data[0] == '"':
		if err := json.Unmarshal(data, &s); err != nil {
			return validation.New("", validation.CodeInvalidType, "a percentage is a number, a string holding a number, or null")
		}
	case len(data) == 0 || !(data[0] == '-' || (data[0] >= '0' && data[0] <= '9')):
		return validation.New("", validation.CodeInvalidType, "a percentage is a number, a string holding a number, or null")
	}
	v, err := ParsePercentage(s)
	if err != nil {
		return validation.New("", validation.CodeInvalidFormat, err.Error())
	}
	*p = v
	return nil
}
