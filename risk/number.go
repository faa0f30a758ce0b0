package risk

import (
	"fmt"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/internal/decnum"
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

// limits are the limits of a risk's numbers, in the strict JSON number
// grammar.
var limits = decnum.Limits{MaxIntegerDigits: MaxIntegerDigits, MaxFractionDigits: MaxFractionDigits}

// problemOf maps a refusal of package decnum to the problem reported.
func problemOf(p decnum.Problem) *numberProblem {
	switch p.Kind {
	case decnum.None:
		return nil
	case decnum.TooLarge:
		return errTooLarge
	case decnum.TooPrecise:
		return errTooPrecise
	}
	return errNotNumber
}

// checkDecimal applies the limits to a decimal built in Go.
func checkDecimal(d decimal.Decimal) *numberProblem {
	return problemOf(decnum.Check(d, limits))
}

// parseNumber parses s, which must follow the JSON number grammar
// (-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?), into a normalised decimal
// (no trailing zeros in the coefficient), within the limits.
func parseNumber(s string) (decimal.Decimal, *numberProblem) {
	n, p := decnum.Parse(s, limits)
	if p.Kind != decnum.None {
		return decimal.Decimal{}, problemOf(p)
	}
	return n.Decimal(), nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// formatNumber writes d in plain decimal notation with no exponent and no
// trailing zeros, a valid JSON number. It does not depend on the
// package-level formatting switches of shopspring/decimal.
func formatNumber(d decimal.Decimal) string { return decnum.Format(d) }

// quote quotes s for an error message, shortening long values.
func quote(s string) string {
	const max = 64
	if len(s) > max {
		return strconv.Quote(s[:max]) + "..."
	}
	return strconv.Quote(s)
}
