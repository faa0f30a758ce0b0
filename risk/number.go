package risk

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/validation"
)

// Limits on the numbers of a risk (score and components). They keep every
// accepted number exactly representable and cheap to print: without them a
// payload such as 1e999999999 would be a valid JSON number whose decimal
// expansion takes a gigabyte.
const (
	// MaxIntegerDigits is the most digits a number may have before the
	// decimal point: its absolute value is below 10^MaxIntegerDigits.
	MaxIntegerDigits = 30
	// MaxFractionDigits is the most significant digits a number may have
	// after the decimal point (trailing zeros do not count: 1.500 has 1).
	MaxFractionDigits = 30
)

// numberProblem is why a number is refused.
type numberProblem struct {
	code validation.Code
	msg  string
}

var (
	errTooLarge   = &numberProblem{validation.CodeOutOfRange, fmt.Sprintf("must be below 10^%d in absolute value", MaxIntegerDigits)}
	errTooPrecise = &numberProblem{validation.CodeTooPrecise, fmt.Sprintf("must have at most %d digits after the decimal point", MaxFractionDigits)}
	errNotNumber  = &numberProblem{validation.CodeInvalidFormat, "must be a decimal number such as 10067 or 16.67 (NaN, infinities and other notations are refused)"}
)

// checkMagnitude tests a normalised number: n significant digits (no
// trailing zero) times 10^exp.
func checkMagnitude(n int, exp int64) *numberProblem {
	if n == 0 {
		return nil
	}
	if int64(n)+exp > MaxIntegerDigits {
		return errTooLarge
	}
	if exp < -MaxFractionDigits {
		return errTooPrecise
	}
	return nil
}

// checkDecimal applies the limits to a decimal built in Go.
func checkDecimal(d decimal.Decimal) *numberProblem {
	if d.IsZero() {
		return nil
	}
	// Fast path: the digit count with any trailing zeros bounds the
	// magnitude from above, and a small enough exponent needs no trimming.
	if e := int64(d.Exponent()); int64(d.NumDigits())+e <= MaxIntegerDigits && e >= -MaxFractionDigits {
		return nil
	}
	s := d.Coefficient().String()
	s = strings.TrimPrefix(s, "-")
	t := len(s) - len(strings.TrimRight(s, "0"))
	return checkMagnitude(len(s)-t, int64(d.Exponent())+int64(t))
}

// parseNumber parses s, which must follow the JSON number grammar
// (-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?), into a normalised decimal
// (no trailing zeros in the coefficient), within the limits.
func parseNumber(s string) (decimal.Decimal, *numberProblem) {
	i := 0
	neg := false
	if i < len(s) && s[i] == '-' {
		neg = true
		i++
	}
	// Integer part.
	start := i
	if i < len(s) && s[i] == '0' {
		i++
	} else {
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i == start {
		return decimal.Decimal{}, errNotNumber
	}
	intPart := s[start:i]
	fracPart := ""
	if i < len(s) && s[i] == '.' {
		i++
		fs := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == fs {
			return decimal.Decimal{}, errNotNumber
		}
		fracPart = s[fs:i]
	}
	var exp int64
	expOverflow := 0 // -1 or +1 when the exponent does not fit
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		es := i
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		ds := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == ds {
			return decimal.Decimal{}, errNotNumber
		}
		v, err := strconv.ParseInt(s[es:i], 10, 64)
		switch {
		case err != nil && s[es] == '-':
			expOverflow = -1
		case err != nil:
			expOverflow = 1
		case v > 1<<40 || v < -(1<<40):
			expOverflow = 1
			if v < 0 {
				expOverflow = -1
			}
		default:
			exp = v
		}
	}
	if i != len(s) {
		return decimal.Decimal{}, errNotNumber
	}

	digits := strings.TrimLeft(intPart+fracPart, "0")
	if digits == "" {
		return decimal.Decimal{}, nil // zero, whatever its exponent
	}
	switch expOverflow {
	case 1:
		return decimal.Decimal{}, errTooLarge
	case -1:
		return decimal.Decimal{}, errTooPrecise
	}
	exp -= int64(len(fracPart))
	trimmed := strings.TrimRight(digits, "0")
	exp += int64(len(digits) - len(trimmed))
	if p := checkMagnitude(len(trimmed), exp); p != nil {
		return decimal.Decimal{}, p
	}
	coef, ok := new(big.Int).SetString(trimmed, 10)
	if !ok { // unreachable: trimmed holds only digits
		return decimal.Decimal{}, errNotNumber
	}
	if neg {
		coef.Neg(coef)
	}
	return decimal.NewFromBigInt(coef, int32(exp)), nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// formatNumber writes d in plain decimal notation with no exponent and no
// trailing zeros, a valid JSON number. It does not depend on the
// package-level formatting switches of shopspring/decimal.
func formatNumber(d decimal.Decimal) string {
	if d.IsZero() {
		return "0"
	}
	d = d.Normalize()
	s := d.Coefficient().String()
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	exp := int(d.Exponent())
	switch {
	case exp >= 0:
		return sign + s + strings.Repeat("0", exp)
	case len(s) > -exp:
		return sign + s[:len(s)+exp] + "." + s[len(s)+exp:]
	default:
		return sign + "0." + strings.Repeat("0", -exp-len(s)) + s
	}
}

// quote quotes s for an error message, shortening long values.
func quote(s string) string {
	const max = 64
	if len(s) > max {
		return strconv.Quote(s[:max]) + "..."
	}
	return strconv.Quote(s)
}
