package ownership

import (
	"bytes"
	"encoding/json"
	"math/big"
	"slices"
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
// at most two decimals, a band, or unknown (a declared relation whose
// percentage was not given).
//
// A band is what registers publish instead of a number ("more than 25 % but
// not more than 50 %"): a lower and an upper bound, each inclusive or
// exclusive, as the minimum / exclusiveMinimum / maximum / exclusiveMaximum
// of a BODS share. Build it with [NewBand]; a band whose bounds are equal
// and both inclusive is the exact value.
//
// The zero value is unknown, so an edge built without a percentage never
// counts as a silent 0 %. Build known values with [Known] or [ParsePercent];
// [Percent.Validate] checks the bounds. On the wire a Percent is a JSON number
// (a string holding a number is accepted on input), null for unknown, or for
// a band an object with one lower member, "minimum" or "exclusive_minimum",
// and one upper member, "maximum" or "exclusive_maximum" (a missing lower
// member means a minimum of 0, a missing upper one a maximum of 100).
type Percent struct {
	d      decimal.Decimal // the value, or the lower bound of a band
	hi     decimal.Decimal // the upper bound of a band
	kind   percentKind
	loOpen bool // the lower bound of a band is exclusive
	hiOpen bool // the upper bound of a band is exclusive
}

type percentKind uint8

const (
	percentUnknown percentKind = iota
	percentExact
	percentBand
)

// Bound is one end of a band: a percentage and whether the end itself is
// excluded ("more than 25 %" is Bound{25, true} as a lower bound).
type Bound struct {
	Value     decimal.Decimal
	Exclusive bool
}

// Known returns a known percentage. It does not validate d: call
// [Percent.Validate] (or let [Compute] do it).
func Known(d decimal.Decimal) Percent { return Percent{d: d, kind: percentExact} }

// Unknown returns the unknown percentage (the zero value).
func Unknown() Percent { return Percent{} }

// NewBand returns the band from lower to upper. Equal inclusive bounds give
// the exact value. It does not validate: [Percent.Validate] checks that both
// bounds are percentages and that lower is below upper.
//
//	ownership.NewBand(ownership.Bound{Value: decimal.NewFromInt(25), Exclusive: true}, ownership.Bound{Value: decimal.NewFromInt(50)}) // more than 25 %, at most 50 %
func NewBand(lower, upper Bound) Percent {
	if !lower.Exclusive && !upper.Exclusive && lower.Value.Cmp(upper.Value) == 0 {
		return Known(lower.Value)
	}
	return Percent{d: lower.Value, hi: upper.Value, kind: percentBand, loOpen: lower.Exclusive, hiOpen: upper.Exclusive}
}

// ParsePercent parses a decimal percentage such as "33.33", or a band in
// interval notation such as "(25, 50]" (more than 25, at most 50; "[" and
// "]" include a bound, "(" and ")" exclude it), and validates it.
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
	var p Percent
	if s[0] == '(' || s[0] == '[' {
		band, err := parseInterval(s)
		if err != nil {
			return Percent{}, err
		}
		p = band
	} else {
		d, err := parseBoundedDecimal(s)
		if err != nil {
			return Percent{}, err
		}
		p = Known(d)
	}
	if err := p.Validate(); err != nil {
		return Percent{}, err
	}
	return p, nil
}

// parseInterval reads "(lo, hi]" and the like.
func parseInterval(s string) (Percent, error) {
	bad := validation.New("", validation.CodeInvalidFormat, "a band is written like (25, 50] or [75, 100]")
	last := s[len(s)-1]
	if len(s) > 2*maxPercentText || (last != ')' && last != ']') {
		return Percent{}, bad
	}
	lo, hi, ok := strings.Cut(s[1:len(s)-1], ",")
	if !ok {
		return Percent{}, bad
	}
	l, err := parseBoundedDecimal(strings.TrimSpace(lo))
	if err != nil {
		return Percent{}, err
	}
	h, err := parseBoundedDecimal(strings.TrimSpace(hi))
	if err != nil {
		return Percent{}, err
	}
	return NewBand(Bound{l, s[0] == '('}, Bound{h, last == ')'}), nil
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

// IsKnown reports whether the percentage is an exact number.
func (p Percent) IsKnown() bool { return p.kind == percentExact }

// IsBand reports whether the percentage is a band.
func (p Percent) IsBand() bool { return p.kind == percentBand }

// IsUnknown reports whether nothing is known of the percentage.
func (p Percent) IsUnknown() bool { return p.kind == percentUnknown }

// Decimal returns the value and true, or zero and false when the
// percentage is not an exact number (unknown or a band).
func (p Percent) Decimal() (decimal.Decimal, bool) {
	if p.kind != percentExact {
		return decimal.Zero, false
	}
	return p.d, true
}

// Band returns the bounds of a band, and false when p is not a band.
func (p Percent) Band() (lower, upper Bound, ok bool) {
	if p.kind != percentBand {
		return Bound{}, Bound{}, false
	}
	return Bound{p.d, p.loOpen}, Bound{p.hi, p.hiOpen}, true
}

// Lower returns the smallest value p allows (inclusive or not): the value
// itself when exact, the lower bound of a band, and 0 when unknown.
func (p Percent) Lower() Bound {
	switch p.kind {
	case percentExact:
		return Bound{Value: p.d}
	case percentBand:
		return Bound{Value: p.d, Exclusive: p.loOpen}
	}
	return Bound{Value: decimal.Zero}
}

// Plain returns p when it is exact or unknown, and unknown for a band: the
// value of a wire member that can hold only a number or null.
func (p Percent) Plain() Percent {
	if p.kind == percentBand {
		return Unknown()
	}
	return p
}

// Equal reports whether p and q are both unknown, both known and equal in
// value (50 equals 50.00), or both bands with equal bounds of the same kind.
func (p Percent) Equal(q Percent) bool {
	if p.kind != q.kind {
		return false
	}
	switch p.kind {
	case percentExact:
		return decEqual(p.d, q.d)
	case percentBand:
		return p.loOpen == q.loOpen && p.hiOpen == q.hiOpen && decEqual(p.d, q.d) && decEqual(p.hi, q.hi)
	}
	return true
}

func decEqual(x, y decimal.Decimal) bool {
	a, aok := exactRat(x)
	b, bok := exactRat(y)
	if !aok || !bok {
		return x.Equal(y)
	}
	return a.Cmp(b) == 0
}

// String returns the decimal text ("33.33"), a band in interval notation
// ("(25, 50]": more than 25, at most 50), or "unknown".
func (p Percent) String() string {
	switch p.kind {
	case percentExact:
		return decnum.Format(p.d)
	case percentBand:
		open, closing := "[", "]"
		if p.loOpen {
			open = "("
		}
		if p.hiOpen {
			closing = ")"
		}
		return open + safeString(p.d) + ", " + safeString(p.hi) + closing
	}
	return "unknown"
}

// Validate checks that a known percentage lies in 0..100 and has at most two
// decimals; every problem is reported (150.123 is both out of range and too
// precise). Unknown is valid. A band's bounds are checked the same way, with
// paths naming their members ("exclusive_minimum", "maximum"), and its lower
// bound must lie below its upper bound (code out_of_range at the upper
// member). The error is a *validation.Error with paths relative to the
// percentage, so callers merge it under their own field:
//
//	l.Merge("relations[0].ownership_percentage", p.Validate())
//
// Validate never rescales its operand, so even a pathological decimal built by
// hand (1e-999999999) is checked in time proportional to its digits.
func (p Percent) Validate() error {
	var l validation.List
	switch p.kind {
	case percentExact:
		checkValue(&l, "", p.d)
	case percentBand:
		lo, hi := p.bandMembers()
		checkValue(&l, lo, p.d)
		checkValue(&l, hi, p.hi)
		if l.Len() == 0 && (p.d.Cmp(p.hi) > 0 || (p.d.Cmp(p.hi) == 0 && (p.loOpen || p.hiOpen))) {
			l.Addf(hi, validation.CodeOutOfRange, "the band's lower bound (%s) must be below its upper bound (%s)", decnum.Format(p.d), decnum.Format(p.hi))
		}
	}
	return l.Err()
}

// bandMembers returns the JSON member names of a band's bounds.
func (p Percent) bandMembers() (lower, upper string) {
	lower, upper = "minimum", "maximum"
	if p.loOpen {
		lower = "exclusive_minimum"
	}
	if p.hiOpen {
		upper = "exclusive_maximum"
	}
	return lower, upper
}

func checkValue(l *validation.List, path string, d decimal.Decimal) {
	outOfRange, tooPrecise := checkPercent(d)
	if outOfRange {
		l.Addf(path, validation.CodeOutOfRange, "must be between 0 and 100, got %s", safeString(d))
	}
	if tooPrecise {
		l.Addf(path, validation.CodeTooPrecise, "must have at most 2 decimals, got %s", safeString(d))
	}
}

// MarshalJSON encodes a known percentage as a JSON number, unknown as null
// and a band as an object such as {"exclusive_minimum":25,"maximum":50}.
func (p Percent) MarshalJSON() ([]byte, error) {
	switch p.kind {
	case percentExact:
		return []byte(decnum.Format(p.d)), nil
	case percentBand:
		lo, hi := p.bandMembers()
		return []byte(`{"` + lo + `":` + decnum.Format(p.d) + `,"` + hi + `":` + decnum.Format(p.hi) + `}`), nil
	}
	return []byte("null"), nil
}

// UnmarshalJSON accepts null (unknown), a JSON number, a string holding a
// number (read as [ParsePercent] reads its text), or a band object (see
// [Percent]). It rejects malformed or absurdly long numbers, and band
// objects with unknown members or two lower (or two upper) members, with a
// *validation.Error (code invalid_format, invalid_type, unknown_field or
// conflict) but does not check the 0..100 range, the precision or the order
// of the bounds: call [Percent.Validate] so that every problem of a payload
// is reported together.
func (p *Percent) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*p = Unknown()
		return nil
	}
	if len(b) > 0 && b[0] == '{' {
		band, err := unmarshalBand(b)
		if err != nil {
			return err
		}
		*p = band
		return nil
	}
	d, err := unmarshalNumber(b)
	if err != nil {
		return err
	}
	*p = Known(d)
	return nil
}

// unmarshalNumber reads a JSON number, or a string holding one.
func unmarshalNumber(b []byte) (decimal.Decimal, error) {
	text := string(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return decimal.Decimal{}, validation.New("", validation.CodeInvalidFormat, "must be a number or null")
		}
		text = strings.TrimSpace(s)
	} else if !json.Valid(b) {
		return decimal.Decimal{}, validation.New("", validation.CodeInvalidFormat, "must be a number or null")
	} else if c := b[0]; c != '-' && (c < '0' || c > '9') {
		return decimal.Decimal{}, validation.New("", validation.CodeInvalidType, "must be a number or null") // true, []
	}
	return parseBoundedDecimal(text)
}

// unmarshalBand reads a band object, reporting every problem of it at once.
func unmarshalBand(b []byte) (Percent, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil {
		return Percent{}, validation.New("", validation.CodeInvalidFormat, "a band must be a JSON object")
	}
	var l validation.List
	lower := Bound{Value: decimal.Zero}
	upper := Bound{Value: decimal.NewFromInt(100)}
	var haveLower, haveUpper string
	for _, name := range sortedKeys(members) {
		var dst *Bound
		exclusive := false
		switch name {
		case "minimum", "exclusive_minimum":
			if haveLower != "" {
				l.Addf(name, validation.CodeConflict, "a band has one lower bound: %s or %s, not both", haveLower, name)
				continue
			}
			haveLower, dst, exclusive = name, &lower, name == "exclusive_minimum"
		case "maximum", "exclusive_maximum":
			if haveUpper != "" {
				l.Addf(name, validation.CodeConflict, "a band has one upper bound: %s or %s, not both", haveUpper, name)
				continue
			}
			haveUpper, dst, exclusive = name, &upper, name == "exclusive_maximum"
		default:
			l.Addf(name, validation.CodeUnknownField, "a band has the members minimum or exclusive_minimum, and maximum or exclusive_maximum")
			continue
		}
		raw := bytes.TrimSpace(members[name])
		if len(raw) == 0 || raw[0] == '"' || raw[0] == 'n' {
			l.Add(name, validation.CodeInvalidType, "must be a number")
			continue
		}
		d, err := unmarshalNumber(raw)
		if err != nil {
			l.Merge(name, err)
			continue
		}
		*dst = Bound{Value: d, Exclusive: exclusive}
	}
	if haveLower == "" && haveUpper == "" && l.Len() == 0 {
		l.Add("", validation.CodeRequired, "a band needs a lower or an upper bound")
	}
	if err := l.Err(); err != nil {
		return Percent{}, err
	}
	return NewBand(lower, upper), nil
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
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
