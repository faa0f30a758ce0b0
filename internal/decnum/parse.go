package decnum

import (
	"math"
	"math/big"

	"github.com/shopspring/decimal"
)

// Leniency extends the grammar Parse accepts. The zero Leniency is the JSON
// number grammar exactly.
type Leniency uint8

const (
	// LeadingZeros accepts an integer part with leading zeros: "05.5",
	// "-007".
	LeadingZeros Leniency = 1 << iota
	// PlusSign accepts a leading "+" on the number: "+5". (A "+" in the
	// exponent, "1e+5", is always accepted: the JSON grammar allows it.)
	PlusSign
)

// maxDigitsLimit is the largest MaxIntDigits or MaxFractionDigits honoured;
// larger values act as this one. It keeps every exponent within an int32,
// which is what a decimal.Decimal holds.
const maxDigitsLimit = 1 << 30

// Limits are the bounds a number must respect besides its grammar. Parse
// tests the length, then the grammar, then the other limits in the order
// of the fields below, and reports the first one broken; FromDecimal and
// Check do the same from MaxExponent on.
//
// MaxIntegerDigits and MaxFractionDigits always apply (values above 2^30
// act as 2^30, and negative ones as 0): they are what keeps a text such as
// "1e999999999" from turning into a gigabyte of digits. MaxLength and
// MaxExponent apply only when positive.
type Limits struct {
	// MaxLength is the longest text Parse reads, in bytes ([TooLong]);
	// 0 means no limit. FromDecimal and Check ignore it.
	MaxLength int
	// MaxExponent bounds the exponent as written, in absolute value
	// ([Exponent]): for a text, the exponent after "e" minus the number of
	// digits after the point ("1.50e3" has 1, "100e-66" has -66, "0e99"
	// has 99); for a decimal, its Exponent. It applies to zero too, and
	// keeps [Number.Written] small. 0 means no limit.
	MaxExponent int
	// MaxIntegerDigits bounds the magnitude ([TooLarge]): the absolute
	// value must be below 10^MaxIntegerDigits.
	MaxIntegerDigits int
	// MaxFractionDigits bounds the precision ([TooPrecise]): the number of
	// digits after the point once trailing zeros are dropped (1.500 has 1).
	MaxFractionDigits int
	// Allow lists the extensions of the grammar Parse accepts.
	Allow Leniency
}

func (l Limits) intDigits() int64  { return int64(min(max(l.MaxIntegerDigits, 0), maxDigitsLimit)) }
func (l Limits) fracDigits() int64 { return int64(min(max(l.MaxFractionDigits, 0), maxDigitsLimit)) }

// expCap is where the exponent of a text stops growing while it is read:
// far beyond any limit and any text length, far below int64 overflow.
const expCap = 1 << 53

// Number is a finite decimal accepted by [Parse] or [FromDecimal]. The
// zero Number is 0. A Number is a small value: copy it freely.
type Number struct {
	// digits are the significant digits: no leading or trailing zero,
	// "" for zero. A Number from Parse points into the text it was read
	// from, so digits may hold one '.', which is not a digit.
	digits string
	nd     int   // the number of digits in digits
	exp    int64 // value = ±digits × 10^exp; within an int32 once checked
	neg    bool
	scale  int64  // the exponent as written (see Written)
	text   string // the canonical text when it is known already, else ""
}

// Parse reads s, a number in the JSON number grammar
//
//	-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
//
// extended by lim.Allow, and checks it against lim. It returns the number,
// or a [Problem] whose Kind says what is wrong (the zero Problem when
// nothing is). Its cost is proportional to len(s), never to the exponent:
// "1e999999999" is refused as fast as "1" is accepted. It allocates
// nothing: the Number refers to s.
func Parse(s string, lim Limits) (Number, Problem) {
	if lim.MaxLength > 0 && len(s) > lim.MaxLength {
		return Number{}, Problem{Kind: TooLong, Detail: int64(len(s))}
	}
	i := 0
	neg, plus := false, false
	if i < len(s) && (s[i] == '-' || s[i] == '+' && lim.Allow&PlusSign != 0) {
		neg, plus = s[i] == '-', s[i] == '+'
		i++
	}
	intStart := i
	switch {
	case i < len(s) && s[i] == '0' && lim.Allow&LeadingZeros == 0:
		i++
	case i < len(s) && isDigit(s[i]):
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	default:
		return Number{}, Problem{Kind: Syntax, Detail: int64(i)}
	}
	point := i // where the decimal point is, or would be
	fracLen := 0
	if i < len(s) && s[i] == '.' {
		i++
		fs := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == fs {
			return Number{}, Problem{Kind: Syntax, Detail: int64(i)}
		}
		fracLen = i - fs
	}
	mantEnd := i
	var e int64
	hasExp := false
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		hasExp = true
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		es := i
		for i < len(s) && isDigit(s[i]) {
			if e < expCap {
				e = e*10 + int64(s[i]-'0')
			}
			i++
		}
		if i == es {
			return Number{}, Problem{Kind: Syntax, Detail: int64(i)}
		}
		if eneg {
			e = -e
		}
	}
	if i != len(s) {
		return Number{}, Problem{Kind: Syntax, Detail: int64(i)}
	}

	scale := e - int64(fracLen)
	if lim.MaxExponent > 0 && (scale > int64(lim.MaxExponent) || scale < -int64(lim.MaxExponent)) {
		return Number{}, Problem{Kind: Exponent, Detail: scale}
	}

	// The significant digits: from the first to the last non-zero digit.
	first := intStart
	for first < mantEnd && (s[first] == '0' || s[first] == '.') {
		first++
	}
	if first == mantEnd {
		n := Number{scale: scale}
		if !neg && !plus && !hasExp && mantEnd-intStart == 1 {
			n.text = s // "0"
		}
		return n, Problem{}
	}
	last := mantEnd - 1
	for s[last] == '0' || s[last] == '.' {
		last--
	}
	nd := last + 1 - first
	if first < point && point < last {
		nd-- // the '.' is inside
	}
	var exp int64 // of the last significant digit
	if last < point {
		exp = e + int64(point-1-last)
	} else {
		exp = e - int64(last-point)
	}
	if p := checkMagnitude(int64(nd), exp, lim); p.Kind != None {
		return Number{}, p
	}
	n := Number{digits: s[first : last+1], nd: nd, exp: exp, neg: neg, scale: scale}
	if !plus && !hasExp && (fracLen == 0 || s[mantEnd-1] != '0') && (point-intStart == 1 || s[intStart] != '0') {
		n.text = s // already in plain notation
	}
	return n, Problem{}
}

// checkMagnitude tests a non-zero number of nd significant digits whose
// last digit has weight 10^exp.
func checkMagnitude(nd, exp int64, lim Limits) Problem {
	if id := nd + exp; id > lim.intDigits() {
		return Problem{Kind: TooLarge, Detail: id}
	}
	if exp < -lim.fracDigits() {
		return Problem{Kind: TooPrecise, Detail: -exp}
	}
	return Problem{}
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// IsZero reports whether n is 0.
func (n Number) IsZero() bool { return n.nd == 0 }

// Sign returns -1, 0 or +1 as n is negative, zero or positive ("-0" is 0).
func (n Number) Sign() int {
	switch {
	case n.nd == 0:
		return 0
	case n.neg:
		return -1
	}
	return 1
}

// IntegerDigits returns the number of digits before the decimal point of n
// in plain notation, 0 when |n| < 1: 3 for 123.45, 0 for 0.5.
func (n Number) IntegerDigits() int {
	if n.nd == 0 {
		return 0
	}
	return int(max(int64(n.nd)+n.exp, 0))
}

// FractionDigits returns the number of digits after the decimal point of n
// in plain notation, trailing zeros excluded: 2 for 123.45, 0 for 1500.
func (n Number) FractionDigits() int { return int(max(-n.exp, 0)) }

// Decimal returns n as a decimal whose coefficient has no trailing zeros:
// "1.50" gives 15×10^-1, "1500" gives 15×10^2, and 0 is decimal.Zero.
func (n Number) Decimal() decimal.Decimal {
	if n.nd == 0 {
		return decimal.Zero
	}
	if n.nd <= 18 {
		return decimal.New(n.int64(), int32(n.exp))
	}
	var c big.Int
	return decimal.NewFromBigInt(n.bigCoef(&c), int32(n.exp))
}

// Written returns n with the coefficient and exponent of its text, as
// decimal.NewFromString builds them: "1.50" gives 150×10^-2, "0.00" gives
// 0×10^-2. A Number from FromDecimal is written as its decimal was. When
// the written exponent does not fit an int32 (a zero such as "0e99999999999"
// read without Limits.MaxExponent), Written returns [Number.Decimal].
func (n Number) Written() decimal.Decimal {
	if n.scale < math.MinInt32 || n.scale > math.MaxInt32 {
		return n.Decimal()
	}
	if n.nd == 0 {
		return decimal.New(0, int32(n.scale))
	}
	zeros := n.exp - n.scale // the trailing zeros of the written coefficient
	if int64(n.nd)+zeros <= 18 {
		c := n.int64()
		for ; zeros > 0; zeros-- {
			c *= 10
		}
		return decimal.New(c, int32(n.scale))
	}
	c := n.bigCoef(new(big.Int))
	if zeros > 0 {
		c.Mul(c, new(big.Int).Exp(big.NewInt(10), big.NewInt(zeros), nil))
	}
	return decimal.NewFromBigInt(c, int32(n.scale))
}

// int64 returns the signed coefficient of n; n has at most 18 digits.
func (n Number) int64() int64 {
	var c int64
	for i := 0; i < len(n.digits); i++ {
		if d := n.digits[i]; d != '.' {
			c = c*10 + int64(d-'0')
		}
	}
	if n.neg {
		c = -c
	}
	return c
}

// bigCoef sets c to the signed coefficient of n, reading 18 digits at a
// time.
func (n Number) bigCoef(c *big.Int) *big.Int {
	var chunk big.Int
	c.SetInt64(0)
	var v int64
	k := 0
	for i := 0; i < len(n.digits); i++ {
		d := n.digits[i]
		if d == '.' {
			continue
		}
		v = v*10 + int64(d-'0')
		if k++; k == 18 {
			c.Mul(c, pow18).Add(c, chunk.SetInt64(v))
			v, k = 0, 0
		}
	}
	if k > 0 {
		c.Mul(c, pow10s[k]).Add(c, chunk.SetInt64(v))
	}
	if n.neg {
		c.Neg(c)
	}
	return c
}

// pow10s[k] is 10^k for k <= 18; pow18 is 10^18.
var (
	pow10s = func() (p [19]*big.Int) {
		for k := range p {
			p[k] = new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil)
		}
		return p
	}()
	pow18 = pow10s[18]
)

// String returns n in plain notation: an optional "-", digits, and a
// fraction only when needed, with no exponent, no leading zero but the one
// before the point, and no trailing zero after it ("-0.015", "1500", "0").
// It is a valid JSON number. A text Parse read already in this form is
// returned as is, without allocating.
func (n Number) String() string {
	if n.text != "" {
		return n.text
	}
	if n.nd == 0 {
		return "0"
	}
	return string(n.appendPlain(make([]byte, 0, n.plainLen())))
}

// plainLen is the length of the plain notation of a non-zero n.
func (n Number) plainLen() int {
	l := int64(n.nd)
	if n.neg {
		l++
	}
	switch exp := n.exp; {
	case exp >= 0:
		l += exp
	case int64(n.nd) > -exp:
		l++ // the point
	default:
		l += 2 - exp - int64(n.nd) // "0." and the zeros after the point
	}
	return int(l)
}

// appendPlain appends the plain notation of a non-zero n to b.
func (n Number) appendPlain(b []byte) []byte {
	if n.neg {
		b = append(b, '-')
	}
	nd, exp := int64(n.nd), n.exp
	switch {
	case exp >= 0:
		b = appendDigits(b, n.digits)
		for ; exp > 0; exp-- {
			b = append(b, '0')
		}
	case nd > -exp:
		p := nd + exp // digits before the point
		for i := 0; i < len(n.digits); i++ {
			if d := n.digits[i]; d != '.' {
				if p == 0 {
					b = append(b, '.')
				}
				b = append(b, d)
				p--
			}
		}
	default:
		b = append(b, '0', '.')
		for k := -exp - nd; k > 0; k-- {
			b = append(b, '0')
		}
		b = appendDigits(b, n.digits)
	}
	return b
}

// appendDigits appends the digits of ds, skipping a '.'.
func appendDigits(b []byte, ds string) []byte {
	for i := 0; i < len(ds); i++ {
		if ds[i] != '.' {
			b = append(b, ds[i])
		}
	}
	return b
}
