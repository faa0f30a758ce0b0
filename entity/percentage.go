package entity

import (
	"encoding/json"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/ownership"
)

// PercentageDecimals is the most decimal places a percentage may have; a
// percentage is between 0 and 100 inclusive.
const PercentageDecimals = 2

// Percentage is an ownership or voting-rights percentage, or unknown: the
// ownership package's exact Percent, so that the direct percentages of
// relations and the totals of individuals feed the ownership computation
// without conversion. It is an exact decimal (never a float64): 33.33 is
// 3333/100.
//
// The zero Percentage is unknown, which is JSON null on the wire: an unknown
// percentage is not 0 and is never treated as 0. A known percentage is a
// JSON number (33.33); a JSON string holding a number ("33.33") is accepted
// on input too. Parsing and decoding do not check the range:
// Percentage.Validate does, so that every problem of a payload can be
// reported at once.
type Percentage = ownership.Percent

// UnknownPercentage is the unknown percentage (the zero value).
var UnknownPercentage Percentage

// ParsePercentage parses a decimal number such as "33.33" or "100", as the
// JSON decoding of a Percentage does. It does not check the range; see
// Percentage.Validate. (ownership.ParsePercent parses and validates.)
func ParsePercentage(s string) (Percentage, error) {
	var p Percentage
	b, err := json.Marshal(s)
	if err == nil {
		err = p.UnmarshalJSON(b)
	}
	return p, err
}

// MustPercentage is like ParsePercentage but panics on error; for tests,
// examples and constants.
func MustPercentage(s string) Percentage {
	p, err := ParsePercentage(s)
	if err != nil {
		panic("entity: MustPercentage(" + s + "): " + err.Error())
	}
	return p
}

// PercentageOf returns the known percentage d. It does not check the range.
func PercentageOf(d decimal.Decimal) Percentage { return ownership.Known(d) }
