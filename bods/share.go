package bods

import (
	"encoding/json"
	"math/big"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/internal/decnum"
	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/validation"
)

// SharePlaces is the number of decimals of a computed share that is not a
// finite decimal (200/3 %): it is written as the exclusive bounds
// 66.666666 and 66.666667, which contain it, rather than rounded.
const SharePlaces = 6

// shareLimits read the numbers of a share: JSON numbers of at most 64
// bytes, an exponent within ±64, below 10^4 and with at most 20 decimals.
var shareLimits = decnum.Limits{MaxLength: 64, MaxExponent: 64, MaxIntegerDigits: 4, MaxFractionDigits: 20}

// shareOfPercent writes a direct percentage: exact, a band, or no share
// when unknown.
func shareOfPercent(p ownership.Percent) *Share {
	if d, ok := p.Decimal(); ok {
		return &Share{Exact: number(d)}
	}
	lo, hi, ok := p.Band()
	if !ok {
		return nil
	}
	s := &Share{}
	if lo.Exclusive {
		s.ExclusiveMinimum = number(lo.Value)
	} else {
		s.Minimum = number(lo.Value)
	}
	if hi.Exclusive {
		s.ExclusiveMaximum = number(hi.Value)
	} else {
		s.Maximum = number(hi.Value)
	}
	return s
}

func number(d decimal.Decimal) json.Number { return json.Number(decnum.Format(d)) }

// shareOfTotal writes a computed total: exact when it is a decimal of at
// most SharePlaces places, else bounds that contain it (rounded outwards,
// exclusive where rounding moved them or the total excludes them); nil for
// a total that is not a number (closed loop, unknown).
func shareOfTotal(t ownership.Total) *Share {
	if v := t.Exact(); v != nil {
		if d, ok := finiteDecimal(v); ok {
			return &Share{Exact: number(d)}
		}
		return &Share{ExclusiveMinimum: number(floorPlaces(v)), ExclusiveMaximum: number(ceilPlaces(v))}
	}
	lo := t.Min()
	if lo == nil {
		return nil
	}
	s := &Share{}
	if d, ok := finiteDecimal(lo); ok && !t.MinExclusive() {
		s.Minimum = number(d)
	} else if ok {
		s.ExclusiveMinimum = number(d)
	} else {
		s.ExclusiveMinimum = number(floorPlaces(lo))
	}
	if hi := t.Max(); hi != nil {
		if d, ok := finiteDecimal(hi); ok && !t.MaxExclusive() {
			s.Maximum = number(d)
		} else if ok {
			s.ExclusiveMaximum = number(d)
		} else {
			s.ExclusiveMaximum = number(ceilPlaces(hi))
		}
	}
	return s
}

// finiteDecimal returns r as a decimal when it has at most SharePlaces
// places.
func finiteDecimal(r *big.Rat) (decimal.Decimal, bool) {
	scaled := new(big.Rat).Mul(r, new(big.Rat).SetInt(pow10(SharePlaces)))
	if !scaled.IsInt() {
		return decimal.Decimal{}, false
	}
	return decimal.NewFromBigInt(scaled.Num(), -SharePlaces), true
}

func floorPlaces(r *big.Rat) decimal.Decimal {
	num := new(big.Int).Mul(r.Num(), pow10(SharePlaces))
	q := new(big.Int).Div(num, r.Denom()) // Euclidean: floor for a positive denominator
	return decimal.NewFromBigInt(q, -SharePlaces)
}

func ceilPlaces(r *big.Rat) decimal.Decimal {
	num := new(big.Int).Mul(r.Num(), pow10(SharePlaces))
	q, m := new(big.Int).DivMod(num, r.Denom(), new(big.Int))
	if m.Sign() != 0 {
		q.Add(q, big.NewInt(1))
	}
	return decimal.NewFromBigInt(q, -SharePlaces)
}

func pow10(n int64) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil) }

// readShare checks a share against the standard's rules (exact never
// with a bound; one lower and one upper member at most; every value a
// number within 0..100; lower below upper) and returns it. Problems are
// added to l under path.
func readShare(l *validation.List, path string, s *Share) (ownership.Percent, bool) {
	if s == nil {
		return ownership.Unknown(), true
	}
	n := l.Len()
	read := func(member string, v json.Number) (decimal.Decimal, bool) {
		if v == "" {
			return decimal.Decimal{}, false
		}
		num, prob := decnum.Parse(string(v), shareLimits)
		p := validation.Join(path, member)
		switch {
		case prob.Kind != decnum.None:
			l.Addf(p, validation.CodeInvalidFormat, "must be a number from 0 to 100 with at most 20 decimals")
			return decimal.Decimal{}, false
		case num.Sign() < 0 || num.Decimal().GreaterThan(decimal.NewFromInt(100)):
			l.Addf(p, validation.CodeOutOfRange, "must be between 0 and 100, got %s", num.String())
			return decimal.Decimal{}, false
		}
		return num.Decimal(), true
	}
	exact, hasExact := read("exact", s.Exact)
	minimum, hasMin := read("minimum", s.Minimum)
	xmin, hasXMin := read("exclusiveMinimum", s.ExclusiveMinimum)
	maximum, hasMax := read("maximum", s.Maximum)
	xmax, hasXMax := read("exclusiveMaximum", s.ExclusiveMaximum)
	if l.Len() > n {
		return ownership.Percent{}, false
	}
	switch {
	case hasExact && (hasMin || hasXMin || hasMax || hasXMax):
		l.Add(validation.Join(path, "exact"), validation.CodeConflict, "an exact share has no minimum or maximum")
	case hasMin && hasXMin:
		l.Add(validation.Join(path, "exclusiveMinimum"), validation.CodeConflict, "a share has minimum or exclusiveMinimum, not both")
	case hasMax && hasXMax:
		l.Add(validation.Join(path, "exclusiveMaximum"), validation.CodeConflict, "a share has maximum or exclusiveMaximum, not both")
	}
	if l.Len() > n {
		return ownership.Percent{}, false
	}
	if hasExact {
		return ownership.Known(exact), true
	}
	if !hasMin && !hasXMin && !hasMax && !hasXMax {
		return ownership.Unknown(), true
	}
	lower := ownership.Bound{Value: decimal.Zero}
	switch {
	case hasMin:
		lower = ownership.Bound{Value: minimum}
	case hasXMin:
		lower = ownership.Bound{Value: xmin, Exclusive: true}
	}
	upper := ownership.Bound{Value: decimal.NewFromInt(100)}
	upperMember := "maximum"
	switch {
	case hasMax:
		upper = ownership.Bound{Value: maximum}
	case hasXMax:
		upper, upperMember = ownership.Bound{Value: xmax, Exclusive: true}, "exclusiveMaximum"
	}
	c := lower.Value.Cmp(upper.Value)
	if c > 0 || (c == 0 && (lower.Exclusive || upper.Exclusive)) {
		l.Addf(validation.Join(path, upperMember), validation.CodeOutOfRange, "the lower bound (%s) must be below the upper bound (%s)",
			decnum.Format(lower.Value), decnum.Format(upper.Value))
		return ownership.Percent{}, false
	}
	return ownership.NewBand(lower, upper), true
}

// twoPlaces widens p to bounds of at most two decimals, outwards (33.333
// becomes the band (33.33, 33.34)), and reports whether it changed it.
func twoPlaces(p ownership.Percent) (ownership.Percent, bool) {
	if p.Validate() == nil {
		return p, false
	}
	if d, ok := p.Decimal(); ok {
		lo, hi := d.RoundFloor(2), d.RoundCeil(2)
		return ownership.NewBand(ownership.Bound{Value: lo, Exclusive: true}, ownership.Bound{Value: hi, Exclusive: true}), true
	}
	lo, hi, _ := p.Band()
	if r := lo.Value.RoundFloor(2); !r.Equal(lo.Value) {
		lo = ownership.Bound{Value: r, Exclusive: true}
	}
	if r := hi.Value.RoundCeil(2); !r.Equal(hi.Value) {
		hi = ownership.Bound{Value: r, Exclusive: true}
	}
	return ownership.NewBand(lo, hi), true
}
