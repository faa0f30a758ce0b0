package ownership

import (
	"bytes"
	"encoding/json"
	"math/big"
	"strings"

	"github.com/dossierkit/dossier/internal/decnum"
	"github.com/dossierkit/dossier/validation"
	"github.com/shopspring/decimal"
)

// maxPercentText bounds the length of a percentage accepted by [ParsePercent]
// and [Percent.UnmarshalJSON]; no valid percentage comes close to it.
const maxPercentText = 64

// maxPercentExponent bounds the decimal exponent accepted by the parsers, so
// that a hostile "1e-999999999" can neither allocate nor stall.
const maxPercentExponent = 64

// Percent is a direct percentage on an edge: a decimal between 0 and 100 with
// at most two decimals, or unknown (a declared relation whose percentage was
// not given).
//
// The zero value is unknown, so an edge built without a percentage never
// counts as a silent 0 %. Build known values with [Known] or [ParsePercent];
// [Percent.Validate] checks the bounds. On the wire a Percent is a JSON number
// (a string holding a number is accepted on input) or null for unknown.
type Percent struct {
	d     decimal.Decimal
	known bool
}

// Known returns a known percentage. It does not validate d: call
// [Percent.Validate] (or let [Compute] do it).
func Known(d decimal.Decimal) Percent { return Percent{d: d, known: true} }

// Unknown returns the unknown percentage (the zero value).
func Unknown() Percent { return Percent{} }

// ParsePercent parses a decimal percentage such as "33.33" and validates it.
// The empty string and "null" give [Unknown]. Surrounding spaces, leading
// zeros ("05.5") and a leading "+" are tolerated; the text may be at most 64
// bytes with an exponent (after "e", minus the digits after the point)
// within ±64. Errors are *validation.Error with an empty path, ready for
// [validation.List.Merge].
func ParsePercent(s string) (Percent, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "null" {
		return Unknown(), nil
	}
	d, err := parseBoundedDecimal(s)
	if err != nil {
		return Percent{}, err
	}
	p := Known(d)
	if err := p.Validate(); err != nil {
		return Percent{}, err
	}
	return p, nil
}

// MustParsePercent is like [ParsePercent] but panics on error. It is meant for
// constants in tests and examples.
func MustParsePercent(s string) Percent {
	p, err := ParsePercent(s)
	if err != nil {
		panic("ownership: MustParsePercent(" + s + "): " + err.Error())
	}
	return p
}

// IsKnown reports whether the percentage is known.
func (p Percent) IsKnown() bool { return p.known }

// Decimal returns the value and true, or zero and false when unknown.
func (p Percent) Decimal() (decimal.Decimal, bool) {
	if !p.known {
		return decimal.Zero, false
	}
	return p.d, true
}

// Equal reports whether p and q are both unknown, or both known and equal in
// value (50 equals 50.00).
func (p Percent) Equal(q Percent) bool {
	if p.known != q.known {
		return false
	}
	if !p.known {
		return true
	}
	a, aok := exactRat(p.d)
	b, bok := exactRat(q.d)
	if !aok || !bok {
		return p.d.Equal(q.d)
	}
	return a.Cmp(b) == 0
}

// String returns the decimal text ("33.33"), or "unknown".
func (p Percent) String() string {
	if !p.known {
		return "unknown"
	}
	return decnum.Format(p.d)
}

// Validate checks that a known percentage lies in 0..100 and has at most two
// decimals; every problem is reported (150.123 is both out of range and too
// precise). Unknown is valid. The error is a *validation.Error with an empty
// path, so callers merge it under their own field:
//
//	l.Merge("relations[0].ownership_percentage", p.Validate())
//
// Validate never rescales its operand, so even a pathological decimal built by
// hand (1e-999999999) is checked in time proportional to its digits.
func (p Percent) Validate() error {
	if !p.known {
		return nil
	}
	outOfRange, tooPrecise := checkPercent(p.d)
	var l validation.List
	if outOfRange {
		l.Addf("", validation.CodeOutOfRange, "must be between 0 and 100, got %s", safeString(p.d))
	}
	if tooPrecise {
		l.Addf("", validation.CodeTooPrecise, "must have at most 2 decimals, got %s", safeString(p.d))
	}
	return l.Err()
}

// MarshalJSON encodes a known percentage as a JSON number and unknown as null.
func (p Percent) MarshalJSON() ([]byte, error) {
	if !p.known {
		return []byte("null"), nil
	}
	return []byte(decnum.Format(p.d)), nil
}

// UnmarshalJSON accepts null (unknown), a JSON number, or a string holding a
// number (read as [ParsePercent] reads its text). It rejects malformed or absurdly long numbers with a
// *validation.Error (code invalid_format) but does not check the 0..100 range
// or the precision: call [Percent.Validate] so that every problem of a
// payload is reported together.
func (p *Percent) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*p = Unknown()
		return nil
	}
	text := string(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return validation.New("", validation.CodeInvalidFormat, "must be a number or null")
		}
		text = strings.TrimSpace(s)
	} else if !json.Valid(b) {
		return validation.New("", validation.CodeInvalidFormat, "must be a number or null")
	} else if c := b[0]; c != '-' && (c < '0' || c > '9') {
		return validation.New("", validation.CodeInvalidType, "must be a number or null") // true, [], {}
	}
	d, err := parseBoundedDecimal(text)
	if err != nil {
		return err
	}
	*p = Known(d)
	return nil
}

// percentLimits read a percentage: the JSON number grammar, with leading
// zeros ("05.5") and a leading "+" tolerated in strings, at most
// maxPercentText bytes and an exponent as written within
// ±maxPercentExponent. The digit limits are never the binding ones: such a
// text has at most 127 digits before the point and 64 after it.
var percentLimits = decnum.Limits{
	MaxLength:         maxPercentText,
	MaxExponent:       maxPercentExponent,
	MaxIntegerDigits:  2 * maxPercentText,
	MaxFractionDigits: 2 * maxPercentText,
	Allow:             decnum.LeadingZeros | decnum.PlusSign,
}

// decodeExponentLimit is the exponent beyond which a percentage is not
// reported as having an unreasonable exponent but as not being a decimal
// number at all (the decoding limit of shopspring/decimal, which this
// parser once used).
const decodeExponentLimit = 10000

// parseBoundedDecimal parses a plain decimal number (optional sign, digits,
// optional fraction and exponent), refusing anything that is not a JSON-style
// number or is unreasonably long. The decimal keeps the digits and exponent
// of the text ("33.330" is 33330×10^-3).
func parseBoundedDecimal(s string) (decimal.Decimal, error) {
	n, p := decnum.Parse(s, percentLimits)
	switch {
	case p.Kind == decnum.None:
		return n.Written(), nil
	case p.Kind == decnum.Exponent && p.Detail >= -decodeExponentLimit && p.Detail <= decodeExponentLimit:
		return decimal.Decimal{}, validation.New("", validation.CodeInvalidFormat, "number has an unreasonable exponent")
	}
	return decimal.Decimal{}, validation.New("", validation.CodeInvalidFormat, "must be a decimal number such as 33.33")
}

// normalized returns the coefficient and exponent of d with trailing zeros of
// the coefficient removed (0 is returned as 0, 0).
func normalized(d decimal.Decimal) (*big.Int, int64) {
	c := d.Coefficient() // a copy
	e := int64(d.Exponent())
	if c.Sign() == 0 {
		return c, 0
	}
	ten := big.NewInt(10)
	var q, r big.Int
	for {
		q.QuoRem(c, ten, &r)
		if r.Sign() != 0 {
			return c, e
		}
		c.Set(&q)
		e++
	}
}

// checkPercent classifies d without rescaling it by its exponent.
func checkPercent(d decimal.Decimal) (outOfRange, tooPrecise bool) {
	_, outOfRange, tooPrecise = classifyPercent(d)
	return outOfRange, tooPrecise
}

// classifyPercent classifies d and, when it is a valid percentage, returns it
// in basis points (hundredths of a percent). Coefficients of up to 18 digits
// (every real input) take a machine-integer path.
func classifyPercent(d decimal.Decimal) (bp int64, outOfRange, tooPrecise bool) {
	if d.NumDigits() <= 18 {
		c, e := d.CoefficientInt64(), int64(d.Exponent())
		if c == 0 {
			return 0, false, false
		}
		for c%10 == 0 {
			c /= 10
			e++
		}
		tooPrecise = e < -2
		outOfRange = c < 0 || e > 2
		if !outOfRange && !tooPrecise {
			// -2 <= e <= 2 and 0 < c < 10^18: bp = c * 10^(e+2) if small enough.
			bp = c
			for i := int64(0); i < e+2; i++ {
				if bp > full {
					break
				}
				bp *= 10
			}
			outOfRange = bp > full
		} else if !outOfRange && c > 0 {
			// Too precise, but is it also above 100? c * 10^e > 100 with e < -2.
			lim := int64(100)
			ok := true
			for i := e; i < 0; i++ {
				if lim > (1<<62)/10 {
					ok = false // 100 * 10^-e exceeds any int64 coefficient
					break
				}
				lim *= 10
			}
			outOfRange = ok && c > lim
		}
		if outOfRange || tooPrecise {
			bp = 0
		}
		return bp, outOfRange, tooPrecise
	}
	out, prec := checkPercentBig(d)
	return 0, out, prec
}

// checkPercentBig is checkPercent for coefficients of any size.
func checkPercentBig(d decimal.Decimal) (outOfRange, tooPrecise bool) {
	c, e := normalized(d)
	if c.Sign() == 0 {
		return false, false
	}
	tooPrecise = e < -2
	if c.Sign() < 0 {
		return true, tooPrecise
	}
	digits := int64(len(c.String()))
	mag := digits + e // d lies in [10^(mag-1), 10^mag)
	switch {
	case mag > 3:
		outOfRange = true
	case mag == 3:
		// 100 <= d < 1000: exactly 100 is the only valid value. Here e >= 3-digits,
		// so any rescaling below is bounded by the number of digits.
		if e >= 0 {
			v := new(big.Int).Mul(c, new(big.Int).Exp(big.NewInt(10), big.NewInt(e), nil))
			outOfRange = v.Cmp(big.NewInt(100)) != 0
		} else {
			hundred := new(big.Int).Mul(big.NewInt(100), new(big.Int).Exp(big.NewInt(10), big.NewInt(-e), nil))
			outOfRange = c.Cmp(hundred) != 0
		}
	}
	return outOfRange, tooPrecise
}

// basisPoints converts a validated known percentage to hundredths of a
// percent (0..10000).
func basisPoints(d decimal.Decimal) int64 {
	bp, _, _ := classifyPercent(d)
	return bp
}

// exactRat converts d to a rational when its exponent is reasonable.
func exactRat(d decimal.Decimal) (*big.Rat, bool) {
	if e := d.Exponent(); e > 4*maxPercentExponent || e < -4*maxPercentExponent {
		return nil, false
	}
	return d.Rat(), true
}

// safeString renders d for a message without expanding a huge exponent.
func safeString(d decimal.Decimal) string {
	if e := d.Exponent(); e > 4*maxPercentExponent || e < -4*maxPercentExponent {
		c := d.Coefficient().String()
		if len(c) > 20 {
			c = c[:20] + "..."
		}
		return c + "e" + big.NewInt(int64(e)).String()
	}
	return decnum.Format(d)
}
