package customprop

import (
	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/internal/decnum"
)

// numProblem is why a numeric literal was refused.
type numProblem uint8

const (
	numOK      numProblem = iota
	numFormat             // not a decimal literal
	numRange              // |v| > MaxSafeInteger
	numPrecise            // more than MaxFractionDigits digits after the point
)

// numLimits are the limits of every numeric value and min/max: at most 16
// integer digits (MaxSafeInteger has 16, and is checked on top), at most
// MaxFractionDigits after the point, the strict JSON number grammar.
var numLimits = decnum.Limits{MaxIntegerDigits: 16, MaxFractionDigits: MaxFractionDigits}

var maxSafe = decimal.New(MaxSafeInteger, 0)

// number is a parsed, normalised numeric value: dec and its canonical text
// (plain notation, no exponent, no trailing zeros, "0" for any zero).
type number struct {
	dec  decimal.Decimal
	text string
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// parseNumber parses s with the grammar of a JSON number
// (-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?) and checks the limits.
// It never builds a decimal before the magnitude is known to be small, so
// "1e999999999" costs no more than "1".
func parseNumber(s string) (number, numProblem) {
	return checked(decnum.Parse(s, numLimits))
}

// fromDecimal normalises a decimal built in Go (a definition's min or max)
// through the same limits as a parsed literal, without expanding its
// exponent. It never reads the decimal package's global formatting switches.
func fromDecimal(d decimal.Decimal) (number, numProblem) {
	// A coefficient beyond 4096 bits (1234 digits or more) is refused
	// without being printed: out of range with a positive exponent, too
	// precise otherwise. This keeps the cost of a hostile bound small.
	if !d.IsZero() && d.NumDigits() > 1233 && d.Coefficient().BitLen() > 4096 {
		if d.Exponent() > 0 {
			return number{}, numRange
		}
		return number{}, numPrecise
	}
	return checked(decnum.FromDecimal(d, numLimits))
}

// checked maps the outcome of decnum to a number: the 16-digit values above
// MaxSafeInteger are out of range too.
func checked(n decnum.Number, p decnum.Problem) (number, numProblem) {
	switch p.Kind {
	case decnum.None:
	case decnum.TooLarge:
		return number{}, numRange
	case decnum.TooPrecise:
		return number{}, numPrecise
	default:
		return number{}, numFormat
	}
	dec := n.Decimal()
	if n.IntegerDigits() == 16 && dec.Abs().Cmp(maxSafe) > 0 {
		return number{}, numRange
	}
	return number{dec: dec, text: n.String()}, numOK
}
