package ownership

import (
	"math/big"

	"github.com/shopspring/decimal"
)

// DisplayPlaces is the number of decimals of [Total.String].
const DisplayPlaces = 2

type totalKind uint8

const (
	kindUnknown totalKind = iota // nothing is known (the zero value)
	kindExact
	kindRange
	kindClosedLoop
)

// Total is a computed percentage (0..100 for an ultimate owner; a company
// inside a cross-holding can exceed 100, see the package documentation). It
// is one of:
//
//   - exact: Known reports true and Exact returns the value, an exact
//     rational such as 200/3 (66.666...);
//   - a range: some percentage on the way is unknown or a band; Min and
//     Max bound the value (Max is nil when no finite upper bound exists),
//     and MinExclusive and MaxExclusive say that the value is strictly
//     above Min or below Max (a band "more than 25 %" held through a
//     wholly owned company gives a total strictly above 25);
//   - closed loop: the holder belongs to a group of companies that own each
//     other entirely, with no outside owner, so its interest is not a number
//     (ClosedLoop reports true; Min and Max are nil);
//   - unknown: the zero value, with no bound at all.
//
// Values are never float64. Round and String are for display only; compare
// and test thresholds on Exact, Min and Max.
type Total struct {
	kind             totalKind
	min, max         *big.Rat // percent; never mutated once built
	minOpen, maxOpen bool     // a range's bound is excluded
}

func exactTotal(r *big.Rat) Total { return Total{kind: kindExact, min: r, max: r} }

// rangeTotal builds [lo, hi] (hi nil: unbounded), collapsing to exact when
// the bounds meet.
func rangeTotal(lo, hi *big.Rat) Total {
	if hi != nil && hi.Cmp(lo) <= 0 {
		return exactTotal(lo)
	}
	return Total{kind: kindRange, min: lo, max: hi}
}

// openRangeTotal is rangeTotal with open ends.
func openRangeTotal(lo *big.Rat, loOpen bool, hi *big.Rat, hiOpen bool) Total {
	t := rangeTotal(lo, hi)
	if t.kind == kindRange {
		t.minOpen, t.maxOpen = loOpen, hiOpen && hi != nil
	}
	return t
}

// MinExclusive reports whether a range excludes its lower bound: every
// admissible value of the percentages gives a total strictly above Min.
func (t Total) MinExclusive() bool { return t.minOpen }

// MaxExclusive reports whether a range excludes its upper bound: every
// admissible value of the percentages gives a total strictly below Max.
func (t Total) MaxExclusive() bool { return t.maxOpen }

func closedLoopTotal() Total { return Total{kind: kindClosedLoop} }

// Known reports whether the total is an exact number.
func (t Total) Known() bool { return t.kind == kindExact }

// ClosedLoop reports whether the holder belongs to a closed loop (a group of
// companies wholly owned by one another, with no outside owner).
func (t Total) ClosedLoop() bool { return t.kind == kindClosedLoop }

// Exact returns a copy of the exact value in percent, or nil when the total
// is not known.
func (t Total) Exact() *big.Rat {
	if t.kind != kindExact {
		return nil
	}
	return new(big.Rat).Set(t.min)
}

// Min returns a copy of the lower bound in percent (the value itself when
// known), or nil for a closed loop or the zero Total.
func (t Total) Min() *big.Rat {
	if t.min == nil {
		return nil
	}
	return new(big.Rat).Set(t.min)
}

// Max returns a copy of the upper bound in percent (the value itself when
// known), or nil when there is no finite upper bound.
func (t Total) Max() *big.Rat {
	if t.max == nil {
		return nil
	}
	return new(big.Rat).Set(t.max)
}

// Round returns the exact value rounded half away from zero to places
// decimals, and false when the total is not known.
func (t Total) Round(places int32) (decimal.Decimal, bool) {
	if t.kind != kindExact {
		return decimal.Zero, false
	}
	return roundRat(t.min, places, roundHalfUp), true
}

// String formats the total with [DisplayPlaces] decimals: "66.67",
// "[10.00, 35.00]" (bounds rounded outwards, so the range still contains
// the value), "(25.00, 50.00]" (a parenthesis for an excluded bound),
// "[10.00, unbounded]", "closed loop" or "unknown".
func (t Total) String() string { return t.Format(DisplayPlaces) }

// Format is String with the given number of decimals.
func (t Total) Format(places int32) string {
	switch t.kind {
	case kindExact:
		return roundRat(t.min, places, roundHalfUp).StringFixed(places)
	case kindRange:
		lo, hi, _ := t.Bounds(places)
		his := "unbounded"
		if hi != nil {
			his = hi.StringFixed(places)
		}
		open, closing := "[", "]"
		if t.minOpen {
			open = "("
		}
		if t.maxOpen {
			closing = ")"
		}
		return open + lo.StringFixed(places) + ", " + his + closing
	case kindClosedLoop:
		return "closed loop"
	default:
		return "unknown"
	}
}

// Bounds returns the bounds of a range rounded outwards to places decimals
// (the minimum down, the maximum up), so that the rounded range still
// contains the exact value; hi is nil when there is no upper bound. ok is
// false for a total that is not a range (exact, closed loop or unknown).
// Like Round, it is for display only.
func (t Total) Bounds(places int32) (lo decimal.Decimal, hi *decimal.Decimal, ok bool) {
	if t.kind != kindRange {
		return decimal.Decimal{}, nil, false
	}
	lo = roundRat(t.min, places, roundDown)
	if t.max != nil {
		h := roundRat(t.max, places, roundUp)
		hi = &h
	}
	return lo, hi, true
}

// Equal reports whether two totals are of the same kind with equal bounds,
// excluded or not alike.
func (t Total) Equal(u Total) bool {
	return t.kind == u.kind && ratEq(t.min, u.min) && ratEq(t.max, u.max) &&
		t.minOpen == u.minOpen && t.maxOpen == u.maxOpen
}

func ratEq(a, b *big.Rat) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Cmp(b) == 0
}

type rounding uint8

const (
	roundHalfUp rounding = iota
	roundDown
	roundUp
)

// roundRat rounds a non-negative or negative rational to places decimals.
func roundRat(r *big.Rat, places int32, mode rounding) decimal.Decimal {
	num := new(big.Int).Set(r.Num())
	den := r.Denom()
	neg := num.Sign() < 0
	num.Abs(num)
	if places >= 0 {
		num.Mul(num, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil))
	} else {
		den = new(big.Int).Mul(den, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-places)), nil))
	}
	q, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	if rem.Sign() != 0 {
		up := false
		switch mode {
		case roundHalfUp:
			up = new(big.Int).Lsh(rem, 1).Cmp(den) >= 0
		case roundUp:
			up = !neg
		case roundDown:
			up = neg
		}
		if up {
			q.Add(q, big.NewInt(1))
		}
	}
	if neg {
		q.Neg(q)
	}
	return decimal.NewFromBigInt(q, -places)
}
