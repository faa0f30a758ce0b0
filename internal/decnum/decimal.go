package decnum

import (
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Check tests a decimal built in Go (a bound in a definition, a score set
// by hand) against lim, ignoring lim.MaxLength and lim.Allow, exactly as
// Parse tests the same value written as a text: 10^2000000000 is refused
// as TooLarge without being expanded. It allocates nothing when the
// coefficient has at most 18 digits or the limits are clearly met.
func Check(d decimal.Decimal, lim Limits) Problem {
	if p := checkExponent(d, lim); p.Kind != None || d.IsZero() {
		return p
	}
	// Fast path: the digit count, trailing zeros included, bounds the
	// magnitude from above, and an exponent above -MaxFractionDigits
	// needs no trimming.
	if e := int64(d.Exponent()); e >= -lim.fracDigits() && int64(d.NumDigits())+e <= lim.intDigits() {
		return Problem{}
	}
	_, p := FromDecimal(d, lim)
	return p
}

// FromDecimal is [Check] returning the checked value as a Number, for its
// plain text ([Number.String]) and its normalised form ([Number.Decimal]).
// Its cost is proportional to the number of digits of d's coefficient,
// never to its exponent.
func FromDecimal(d decimal.Decimal, lim Limits) (Number, Problem) {
	if p := checkExponent(d, lim); p.Kind != None {
		return Number{}, p
	}
	n := normalize(d)
	if n.nd == 0 {
		return n, Problem{}
	}
	if p := checkMagnitude(int64(n.nd), n.exp, lim); p.Kind != None {
		return Number{}, p
	}
	return n, Problem{}
}

// normalize returns d as a Number, unchecked.
func normalize(d decimal.Decimal) Number {
	scale := int64(d.Exponent())
	if d.IsZero() {
		return Number{scale: scale}
	}
	var digits string
	neg := d.Sign() < 0
	if d.NumDigits() <= 18 {
		c := d.CoefficientInt64()
		if neg {
			c = -c
		}
		digits = strconv.FormatInt(c, 10)
	} else {
		digits = strings.TrimPrefix(d.Coefficient().String(), "-")
	}
	t := strings.TrimRight(digits, "0")
	return Number{digits: t, nd: len(t), exp: scale + int64(len(digits)-len(t)), neg: neg, scale: scale}
}

func checkExponent(d decimal.Decimal, lim Limits) Problem {
	if e := int64(d.Exponent()); lim.MaxExponent > 0 && (e > int64(lim.MaxExponent) || e < -int64(lim.MaxExponent)) {
		return Problem{Kind: Exponent, Detail: e}
	}
	return Problem{}
}

// Format writes d in plain notation, as [Number.String] does: no exponent,
// no trailing zeros after the point, "0" for any zero; a valid JSON number.
// Unlike d.String it does not depend on shopspring/decimal's package-level
// switches (TrimTrailingZeros, UseScientificNotation).
//
// Its output has as many digits as the value in plain notation, so check
// the decimal first ([Check]) when its exponent is not trusted.
func Format(d decimal.Decimal) string { return normalize(d).String() }
