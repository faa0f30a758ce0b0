package entity

import (
	"encoding/json"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/validation"
)

// PercentageDecimals is the most decimal places a percentage may have; a
// percentage is between 0 and 100 inclusive.
const PercentageDecimals = 2

// Percentage is an ownership or voting-rights percentage, a band (a lower
// and an upper bound, each inclusive or exclusive, as registers publish
// stakes: "more than 25 % but not more than 50 %"), or unknown: the
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

// Bound is one end of a band percentage: the ownership package's Bound.
type Bound = ownership.Bound

// UnknownPercentage is the unknown percentage (the zero value).
var UnknownPercentage Percentage

// ParsePercentage parses a decimal number such as "33.33" or "100", as the
// JSON decoding of a Percentage does. It does not check the range; see
// Percentage.Validate. A band in interval notation ("(25, 50]") is parsed
// and validated as ownership.ParsePercent does. (ownership.ParsePercent parses and validates.)
func ParsePercentage(s string) (Percentage, error) {
	if t := strings.TrimSpace(s); t != "" && (t[0] == '(' || t[0] == '[') {
		return ownership.ParsePercent(t) // a band: parsed and validated
	}
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

// BandSuffix ends the name of the wire member that carries a band: a
// relation's ownership_percentage stays a number or null, as the Dotfile
// API defines it, and a band goes in the extension member
// ownership_percentage_band, an object such as
// {"exclusive_minimum": 25, "maximum": 50} (see ownership.Percent), left
// out when the percentage is not a band.
const BandSuffix = "_band"

// PercentageMember returns the wire member that holds p: field for a number
// or unknown, field + BandSuffix for a band.
func PercentageMember(field string, p Percentage) string {
	if p.IsBand() {
		return field + BandSuffix
	}
	return field
}

// WireBand returns the value of the band member of p: p itself when it is
// a band, nil otherwise (the member is then left out). The plain member
// holds p.Plain().
func WireBand(p Percentage) *Percentage {
	if p.IsBand() {
		return &p
	}
	return nil
}

// JoinBand returns the percentage a wire object gives with its plain
// member field (a number or null) and its band member field + BandSuffix
// (an object, null or absent: unknown). It reports under those members a
// band given in the plain member, a number in the band member, and a
// number and a band given together (code conflict).
func JoinBand(l *validation.List, field string, plain, band Percentage) Percentage {
	member := field + BandSuffix
	switch {
	case plain.IsBand():
		l.Addf(field, validation.CodeInvalidType, "must be a number or null; a band goes in %s", member)
		return plain
	case band.IsKnown():
		l.Addf(member, validation.CodeInvalidType, "must be an object with a lower and an upper bound; a number goes in %s", field)
		return plain
	case band.IsBand() && plain.IsKnown():
		l.Addf(member, validation.CodeConflict, "give a number in %s or a band in %s, not both", field, member)
		return plain
	case band.IsBand():
		return band
	}
	return plain
}

// validateDeclaredTotal checks a declared total of an individual: a number
// or unknown, never a band (bands are direct stakes, held by relations).
func validateDeclaredTotal(l *validation.List, field string, p Percentage) {
	if p.IsBand() {
		l.Add(field, validation.CodeInvalidType, "a declared total is a number or null")
		return
	}
	l.Merge(field, p.Validate())
}
