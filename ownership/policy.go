package ownership

import (
	"fmt"
	"math/big"

	"github.com/dossierkit/dossier/validation"
	"github.com/shopspring/decimal"
)

// DefaultThreshold is the beneficial-ownership threshold, in percent, used
// when Policy.Threshold is zero.
const DefaultThreshold = 25

// Comparator says how a total is compared with the threshold.
type Comparator uint8

const (
	// AtLeast passes a total of exactly the threshold: "25 % or more" (EU
	// AMLR 2024/1624, US FinCEN). It is the zero value: the inclusive test
	// never misses an owner sitting exactly on the threshold.
	AtLeast Comparator = iota
	// MoreThan needs strictly more than the threshold: "more than 25 %"
	// (AMLD4, UK PSC, Germany).
	MoreThan
)

// String returns ">=" or ">".
func (c Comparator) String() string {
	switch c {
	case AtLeast:
		return ">="
	case MoreThan:
		return ">"
	default:
		return fmt.Sprintf("Comparator(%d)", uint8(c))
	}
}

// Policy is a beneficial-ownership test. Ownership and voting rights are
// tested separately against the same threshold and an owner qualifies when
// either test passes (an OR, never a sum of the two).
type Policy struct {
	// Threshold in percent, 0 < Threshold <= 100 with at most 2 decimals.
	// Zero means DefaultThreshold (25).
	Threshold decimal.Decimal
	// Comparator; the zero value is AtLeast (>=).
	Comparator Comparator
}

// DefaultPolicy returns 25 % with AtLeast.
func DefaultPolicy() Policy {
	return Policy{Threshold: decimal.NewFromInt(DefaultThreshold), Comparator: AtLeast}
}

// Validate checks the policy; errors are *validation.Error with paths
// "threshold" and "comparator".
func (p Policy) Validate() error {
	var l validation.List
	if !p.Threshold.IsZero() {
		out, precise := checkPercent(p.Threshold)
		if out {
			l.Addf("threshold", validation.CodeOutOfRange, "must be above 0 and at most 100, got %s", safeString(p.Threshold))
		}
		if precise {
			l.Addf("threshold", validation.CodeTooPrecise, "must have at most 2 decimals, got %s", safeString(p.Threshold))
		}
	}
	if p.Comparator != AtLeast && p.Comparator != MoreThan {
		l.Addf("comparator", validation.CodeInvalidValue, "must be >= or >")
	}
	return l.Err()
}

func (p Policy) threshold() *big.Rat {
	if p.Threshold.IsZero() {
		return big.NewRat(DefaultThreshold, 1)
	}
	return p.Threshold.Rat()
}

func (p Policy) passes(v, threshold *big.Rat) bool {
	c := v.Cmp(threshold)
	if p.Comparator == MoreThan {
		return c > 0
	}
	return c >= 0
}

// Outcome is the result of one threshold test.
type Outcome uint8

const (
	// No: the test fails for every possible value of the total.
	No Outcome = iota
	// Possibly: unknown percentages leave both answers open (the upper
	// bound passes, the lower bound does not).
	Possibly
	// Yes: the test passes for every possible value of the total.
	Yes
)

// String returns "no", "possibly" or "yes".
func (o Outcome) String() string {
	switch o {
	case No:
		return "no"
	case Possibly:
		return "possibly"
	case Yes:
		return "yes"
	default:
		return fmt.Sprintf("Outcome(%d)", uint8(o))
	}
}

// test evaluates the policy on a total, exactly.
func (p Policy) test(t Total, threshold *big.Rat) Outcome {
	switch t.kind {
	case kindExact, kindRange:
		// Every value passes when the lowest does, or when the lowest is
		// the threshold itself, excluded, under "more than".
		if p.passes(t.min, threshold) || (t.minOpen && p.Comparator == MoreThan && t.min.Cmp(threshold) == 0) {
			return Yes
		}
		// Some value passes unless the highest fails, or is the threshold
		// itself, excluded, under "at least".
		if t.max == nil || (p.passes(t.max, threshold) && !(t.maxOpen && t.max.Cmp(threshold) == 0)) {
			return Possibly
		}
		return No
	default:
		// A closed-loop member (or an unknown total) has no number to test:
		// its share is reported in Unattributed.
		return No
	}
}

// Assessment is the beneficial-ownership test of one holder.
type Assessment struct {
	ID string
	// Ultimate is true when the holder has no owner itself. The package
	// does not know which ids are natural persons: callers keep the
	// individuals.
	Ultimate  bool
	Ownership Total
	Voting    Total
	// OwnershipTest and VotingTest are the outcomes of the two separate
	// tests.
	OwnershipTest Outcome
	VotingTest    Outcome
}

// Outcome combines the two tests with OR: Yes if either is Yes, else
// Possibly if either is Possibly, else No.
func (a Assessment) Outcome() Outcome { return max(a.OwnershipTest, a.VotingTest) }

// Met lists the interests whose test is Yes, ownership first.
func (a Assessment) Met() []Interest {
	var out []Interest
	if a.OwnershipTest == Yes {
		out = append(out, Ownership)
	}
	if a.VotingTest == Yes {
		out = append(out, Voting)
	}
	return out
}

// Assess runs the policy on one holder. It fails with a *validation.Error
// for a bad policy, ErrUnknownNode for an id absent from the edges and
// ErrRootNode for the root.
func (r *Result) Assess(id string, p Policy) (Assessment, error) {
	if err := p.Validate(); err != nil {
		return Assessment{}, err
	}
	if err := r.checkHolder(id); err != nil {
		return Assessment{}, err
	}
	return r.assess(id, p, p.threshold()), nil
}

func (r *Result) assess(id string, p Policy, th *big.Rat) Assessment {
	own, _ := r.Total(id, Ownership)
	vot, _ := r.Total(id, Voting)
	return Assessment{
		ID:            id,
		Ultimate:      r.IsUltimate(id),
		Ownership:     own,
		Voting:        vot,
		OwnershipTest: p.test(own, th),
		VotingTest:    p.test(vot, th),
	}
}

// BeneficialOwners returns the assessment of every holder whose combined
// outcome is Yes or Possibly, sorted by id. Companies are included (with
// Ultimate false when they have owners of their own); members of closed
// loops never are, their share being reported by Unattributed.
func (r *Result) BeneficialOwners(p Policy) ([]Assessment, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	th := p.threshold()
	var out []Assessment
	for _, id := range r.Holders() {
		if a := r.assess(id, p, th); a.Outcome() != No {
			out = append(out, a)
		}
	}
	return out, nil
}

func (r *Result) checkHolder(id string) error {
	if id == r.g.rootID {
		return fmt.Errorf("%w: %q", ErrRootNode, id)
	}
	if _, ok := r.g.index[id]; !ok {
		return fmt.Errorf("%w: %q", ErrUnknownNode, id)
	}
	return nil
}

// Discrepancy compares a total declared by a caller (for instance the
// ownership_percentage of an individual) with the computed one.
type Discrepancy struct {
	ID       string
	Interest Interest
	Declared Percent
	Computed Total
	// Differs is true when Declared is known and cannot be the computed
	// total written with two decimals: |declared - computed| >= 0.01 for
	// an exact total, declared outside (min - 0.01, max + 0.01) for a
	// range, and any number for a closed-loop member. So 66.67 and 66.66
	// both match 200/3, while 66.65 does not. An unknown declared value
	// never differs. A declared band differs when none of its values can
	// be the computed total written with two decimals (the band and the
	// computed range widened by 0.01 on each side do not meet).
	Differs bool
	// Difference is declared - computed, exactly, when both are known.
	Difference *big.Rat
}

// Compare checks a declared total against the computed one. It fails with
// ErrUnknownNode for an id absent from the edges and ErrRootNode for the
// root.
func (r *Result) Compare(id string, in Interest, declared Percent) (Discrepancy, error) {
	if !in.valid() {
		return Discrepancy{}, fmt.Errorf("ownership: invalid interest %d", in)
	}
	if err := r.checkHolder(id); err != nil {
		return Discrepancy{}, err
	}
	t, _ := r.Total(id, in)
	d := Discrepancy{ID: id, Interest: in, Declared: declared, Computed: t}
	if lower, upper, ok := declared.Band(); ok {
		d.Differs = !bandMeets(lower, upper, t)
		return d, nil
	}
	dv, ok := declared.Decimal()
	if !ok {
		return d, nil
	}
	dr, ok := exactRat(dv)
	if !ok {
		d.Differs = true
		return d, nil
	}
	tolerance := big.NewRat(1, 100) // one unit of the second decimal
	switch t.kind {
	case kindExact:
		d.Difference = new(big.Rat).Sub(dr, t.min)
		d.Differs = new(big.Rat).Abs(d.Difference).Cmp(tolerance) >= 0
	case kindRange:
		low := new(big.Rat).Sub(t.min, tolerance)
		d.Differs = dr.Cmp(low) <= 0
		if t.max != nil {
			high := new(big.Rat).Add(t.max, tolerance)
			d.Differs = d.Differs || dr.Cmp(high) >= 0
		}
	default:
		d.Differs = true
	}
	return d, nil
}

// bandMeets reports whether the band [lower, upper] meets the total t
// widened by 0.01 on each side (an open interval, so the ends of the band
// need no care: both have positive width).
func bandMeets(lower, upper Bound, t Total) bool {
	if t.kind != kindExact && t.kind != kindRange {
		return false
	}
	lo, okLo := exactRat(lower.Value)
	hi, okHi := exactRat(upper.Value)
	if !okLo || !okHi {
		return false
	}
	tolerance := big.NewRat(1, 100)
	if hi.Cmp(new(big.Rat).Sub(t.min, tolerance)) <= 0 {
		return false
	}
	return t.max == nil || lo.Cmp(new(big.Rat).Add(t.max, tolerance)) < 0
}
