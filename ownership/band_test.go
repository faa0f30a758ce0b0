package ownership_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/validation"
)

func TestBandParseAndValidate(t *testing.T) {
	tests := []struct {
		in      string
		want    string // String of the parsed value, "" when refused
		code    validation.Code
		path    string
		isBand  bool
		isKnown bool
	}{
		{in: "(25, 50]", want: "(25, 50]", isBand: true},
		{in: "(50,75)", want: "(50, 75)", isBand: true},
		{in: "[75, 100]", want: "[75, 100]", isBand: true},
		{in: "[0, 0.01)", want: "[0, 0.01)", isBand: true},
		{in: "[40, 40]", want: "40", isKnown: true}, // equal inclusive bounds: exact
		{in: "(40, 40]", code: validation.CodeOutOfRange, path: "maximum"},
		{in: "[40, 40)", code: validation.CodeOutOfRange, path: "exclusive_maximum"},
		{in: "[60, 40]", code: validation.CodeOutOfRange, path: "maximum"},
		{in: "(25, 100.5]", code: validation.CodeOutOfRange, path: "maximum"},
		{in: "(-1, 5]", code: validation.CodeOutOfRange, path: "exclusive_minimum"},
		{in: "[25.001, 50]", code: validation.CodeTooPrecise, path: "minimum"},
		{in: "(25 50]", code: validation.CodeInvalidFormat},
		{in: "(25, 50", code: validation.CodeInvalidFormat},
		{in: "(a, 50]", code: validation.CodeInvalidFormat},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := ownership.ParsePercent(tt.in)
			if tt.want == "" {
				var verr *validation.Error
				if !errors.As(err, &verr) || !verr.Has(tt.path, tt.code) {
					t.Fatalf("ParsePercent(%q) = %v, %v; want %s at %q", tt.in, p, err, tt.code, tt.path)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.String() != tt.want || p.IsBand() != tt.isBand || p.IsKnown() != tt.isKnown {
				t.Fatalf("got %s (band %v, known %v), want %s", p, p.IsBand(), p.IsKnown(), tt.want)
			}
			if _, ok := p.Decimal(); ok != tt.isKnown {
				t.Fatalf("Decimal ok = %v", ok)
			}
		})
	}
}

func TestBandJSON(t *testing.T) {
	tests := []struct {
		in   string
		want string // re-encoded, "" when refused
		code validation.Code
		path string
	}{
		{in: `{"exclusive_minimum": 25, "maximum": 50}`, want: `{"exclusive_minimum":25,"maximum":50}`},
		{in: `{"exclusive_minimum": 50, "exclusive_maximum": 75}`, want: `{"exclusive_minimum":50,"exclusive_maximum":75}`},
		{in: `{"minimum": "50"}`, code: validation.CodeInvalidType, path: "minimum"},
		{in: `{"minimum": 75}`, want: `{"minimum":75,"maximum":100}`},
		{in: `{"maximum": 10.50}`, want: `{"minimum":0,"maximum":10.5}`},
		{in: `{"minimum": 30, "maximum": 30}`, want: `30`},
		{in: `{}`, code: validation.CodeRequired, path: ""},
		{in: `{"minimum": 1, "exclusive_minimum": 2}`, code: validation.CodeConflict, path: "minimum"},
		{in: `{"maximum": 1, "exclusive_maximum": 2}`, code: validation.CodeConflict, path: "maximum"},
		{in: `{"minimum": null}`, code: validation.CodeInvalidType, path: "minimum"},
		{in: `{"minimum": true}`, code: validation.CodeInvalidType, path: "minimum"},
		{in: `{"exact": 5}`, code: validation.CodeUnknownField, path: "exact"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var p ownership.Percent
			err := json.Unmarshal([]byte(tt.in), &p)
			if tt.want == "" {
				var verr *validation.Error
				if !errors.As(err, &verr) || !verr.Has(tt.path, tt.code) {
					t.Fatalf("got %v, %v; want %s at %q", p, err, tt.code, tt.path)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(p)
			if string(b) != tt.want {
				t.Fatalf("re-encoded %s, want %s", b, tt.want)
			}
			var back ownership.Percent
			if err := json.Unmarshal(b, &back); err != nil || !back.Equal(p) {
				t.Fatalf("round trip: %v, %v", back, err)
			}
		})
	}
}

func TestBandAccessors(t *testing.T) {
	p := ownership.MustParsePercent("(25, 50]")
	lo, hi, ok := p.Band()
	if !ok || !lo.Exclusive || hi.Exclusive || !lo.Value.Equal(decimal.NewFromInt(25)) || !hi.Value.Equal(decimal.NewFromInt(50)) {
		t.Fatalf("Band() = %v %v %v", lo, hi, ok)
	}
	if l := p.Lower(); !l.Exclusive || !l.Value.Equal(decimal.NewFromInt(25)) {
		t.Fatalf("Lower() = %v", l)
	}
	if !p.Plain().IsUnknown() || !ownership.MustParsePercent("7").Plain().Equal(ownership.MustParsePercent("7")) {
		t.Fatal("Plain")
	}
	if p.Equal(ownership.MustParsePercent("[25, 50]")) || !p.Equal(ownership.MustParsePercent("(25.00, 50.0]")) {
		t.Fatal("Equal")
	}
	if l := ownership.Unknown().Lower(); l.Exclusive || !l.Value.IsZero() {
		t.Fatalf("unknown Lower() = %v", l)
	}
}

// bandEdge is an edge whose ownership and voting percentages are both p.
func bandEdge(from, to, p string) ownership.Edge {
	v := ownership.MustParsePercent(p)
	return ownership.Edge{From: from, To: to, Ownership: v, Voting: v}
}

func TestBandTotals(t *testing.T) {
	moreThan := ownership.Policy{Threshold: decimal.NewFromInt(25), Comparator: ownership.MoreThan}
	atLeast := ownership.DefaultPolicy()
	tests := []struct {
		name     string
		edges    []ownership.Edge
		id       string
		want     string
		moreThan ownership.Outcome
		atLeast  ownership.Outcome
	}{
		{"UK band 25-50 held directly", []ownership.Edge{bandEdge("P", "M", "(25, 50]")}, "P",
			"(25.00, 50.00]", ownership.Yes, ownership.Yes},
		{"UK band 50-75 held directly", []ownership.Edge{bandEdge("P", "M", "(50, 75)")}, "P",
			"(50.00, 75.00)", ownership.Yes, ownership.Yes},
		{"UK band 75 or more", []ownership.Edge{bandEdge("P", "M", "[75, 100]")}, "P",
			"[75.00, 100.00]", ownership.Yes, ownership.Yes},
		{"inclusive 25 under more than", []ownership.Edge{bandEdge("P", "M", "[25, 50]")}, "P",
			"[25.00, 50.00]", ownership.Possibly, ownership.Yes},
		{"below 25, excluded", []ownership.Edge{bandEdge("P", "M", "(10, 25)")}, "P",
			"(10.00, 25.00)", ownership.No, ownership.No},
		{"up to 25 included", []ownership.Edge{bandEdge("P", "M", "(10, 25]")}, "P",
			"(10.00, 25.00]", ownership.No, ownership.Possibly},
		{"band through a wholly owned company", []ownership.Edge{bandEdge("P", "H", "(25, 50]"), bandEdge("H", "M", "100")}, "P",
			"(25.00, 50.00]", ownership.Yes, ownership.Yes},
		{"band times half", []ownership.Edge{bandEdge("P", "H", "(50, 75)"), bandEdge("H", "M", "50")}, "P",
			"(25.00, 37.50)", ownership.Yes, ownership.Yes},
		{"band times a band", []ownership.Edge{bandEdge("P", "H", "(50, 75)"), bandEdge("H", "M", "[50, 60)")}, "P",
			"(25.00, 45.00)", ownership.Yes, ownership.Yes},
		{"band above zero only", []ownership.Edge{bandEdge("P", "H", "(0, 50]"), bandEdge("H", "M", "60")}, "P",
			"(0.00, 30.00]", ownership.Possibly, ownership.Possibly},
		{"band times zero", []ownership.Edge{bandEdge("P", "H", "(25, 50]"), bandEdge("H", "M", "0")}, "P",
			"0.00", ownership.No, ownership.No},
		{"unknown beside an exclusive band takes less than the headroom", []ownership.Edge{
			bandEdge("P", "M", "(25, 50]"), {From: "Q", To: "M"}}, "Q",
			"[0.00, 75.00)", ownership.Possibly, ownership.Possibly},
		{"band capped by the headroom", []ownership.Edge{
			bandEdge("P", "M", "[0, 80]"), bandEdge("Q", "M", "40")}, "P",
			"[0.00, 60.00]", ownership.Possibly, ownership.Possibly},
		{"band capped by the headroom of an exclusive band", []ownership.Edge{
			bandEdge("P", "M", "[0, 80]"), bandEdge("Q", "M", "(40, 50]")}, "P",
			"[0.00, 60.00)", ownership.Possibly, ownership.Possibly},
		{"two chains, one open", []ownership.Edge{
			bandEdge("P", "M", "20"), bandEdge("P", "H", "[10, 20)"), bandEdge("H", "M", "50")}, "P",
			"[25.00, 30.00)", ownership.Possibly, ownership.Yes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustCompute(t, "M", tt.edges, ownership.Options{})
			for _, in := range []ownership.Interest{ownership.Ownership, ownership.Voting} {
				got, _ := r.Total(tt.id, in)
				if got.String() != tt.want {
					t.Fatalf("%s total = %s, want %s", in, got, tt.want)
				}
			}
			for _, c := range []struct {
				p    ownership.Policy
				want ownership.Outcome
			}{{moreThan, tt.moreThan}, {atLeast, tt.atLeast}} {
				a, err := r.Assess(tt.id, c.p)
				if err != nil {
					t.Fatal(err)
				}
				if a.OwnershipTest != c.want {
					t.Errorf("%s %s: %s, want %s", c.p.Comparator, c.p.Threshold, a.OwnershipTest, c.want)
				}
			}
		})
	}
}

func TestBandControlChain(t *testing.T) {
	// Under the control-chain rule a band decides control when all its
	// values agree: more than 50 % always controls, at most 50 % never.
	tests := []struct {
		band, want string
	}{
		{"(50, 75)", "40.00"},
		{"[50, 75)", "[0.00, 40.00]"},
		{"(25, 50]", "0.00"},
	}
	for _, tt := range tests {
		t.Run(tt.band, func(t *testing.T) {
			r := mustCompute(t, "M", []ownership.Edge{bandEdge("P", "H", tt.band), bandEdge("H", "M", "40")},
				ownership.Options{Voting: ownership.ControlChain})
			got, _ := r.Total("P", ownership.Voting)
			if got.String() != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestBandOverAllocated(t *testing.T) {
	tests := []struct {
		name  string
		edges []ownership.Edge
		ok    bool
	}{
		{"lower bounds at 100, inclusive", []ownership.Edge{bandEdge("P", "M", "[50, 75]"), bandEdge("Q", "M", "50")}, true},
		{"lower bounds at 100, one exclusive", []ownership.Edge{bandEdge("P", "M", "(50, 75)"), bandEdge("Q", "M", "50")}, false},
		{"lower bounds over 100", []ownership.Edge{bandEdge("P", "M", "[60, 75]"), bandEdge("Q", "M", "(41, 50]")}, false},
		{"upper bounds over 100 are fine", []ownership.Edge{bandEdge("P", "M", "(25, 75]"), bandEdge("Q", "M", "(25, 75]")}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ownership.Compute("M", tt.edges, ownership.Options{})
			var verr *validation.Error
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.As(err, &verr) || !verr.Has("edges[1].ownership_percentage", ownership.CodeOverAllocated) {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func TestBandCompare(t *testing.T) {
	r := mustCompute(t, "M", []ownership.Edge{bandEdge("P", "H", "(50, 75)"), bandEdge("H", "M", "50")}, ownership.Options{})
	tests := []struct {
		declared string
		differs  bool
	}{
		{"(25, 50]", false},
		{"30", false},
		{"[37.5, 40]", false},
		{"(37.51, 40]", true},
		{"(10, 24.99)", true},
		{"[10, 25]", false},
		{"20", true},
	}
	for _, tt := range tests {
		t.Run(tt.declared, func(t *testing.T) {
			d, err := r.Compare("P", ownership.Ownership, ownership.MustParsePercent(tt.declared))
			if err != nil || d.Differs != tt.differs {
				t.Fatalf("Differs = %v (%v), want %v; computed %s", d.Differs, err, tt.differs, d.Computed)
			}
		})
	}
}

// TestBandRangesAreSound replaces some percentages of random graphs by
// bands that contain them (or by unknown), then checks that every range
// contains the exact totals of random admissible fillings, with excluded
// bounds never reached, and that the beneficial-owner tests agree with
// every filling.
func TestBandRangesAreSound(t *testing.T) {
	policies := []ownership.Policy{
		ownership.DefaultPolicy(),
		{Threshold: decimal.NewFromInt(25), Comparator: ownership.MoreThan},
		{Threshold: decimal.NewFromInt(10), Comparator: ownership.MoreThan},
	}
	fillings := 0
	for seed := range uint64(propSeeds * 250) {
		rng := rand.New(rand.NewPCG(seed, 19))
		truth := randGraph(rng, true)
		masked := make([]ownership.Edge, len(truth))
		copy(masked, truth)
		for i := range masked {
			masked[i].Ownership = maskBand(rng, truth[i].Ownership)
			masked[i].Voting = maskBand(rng, truth[i].Voting)
		}
		for _, method := range []ownership.VotingMethod{ownership.Multiplicative, ownership.ControlChain} {
			opts := ownership.Options{Voting: method}
			r, err := ownership.Compute("R", masked, opts)
			if err != nil {
				t.Fatalf("seed %d: %v\n%v", seed, err, masked)
			}
			for trial := range 5 {
				filled, ok := fillBands(rng, masked, truth, trial)
				if !ok {
					continue
				}
				exact, err := ownership.Compute("R", filled, opts)
				if err != nil {
					t.Fatalf("seed %d trial %d: %v", seed, trial, err)
				}
				fillings++
				for _, in := range []ownership.Interest{ownership.Ownership, ownership.Voting} {
					ru, eu := r.Unattributed(in), exact.Unattributed(in)
					checkWithin(t, fmt.Sprintf("seed %d trial %d %s undeclared", seed, trial, in), ru.Undeclared, eu.Undeclared)
					checkWithin(t, fmt.Sprintf("seed %d trial %d %s uncontrolled", seed, trial, in), ru.Uncontrolled, eu.Uncontrolled)
					checkWithin(t, fmt.Sprintf("seed %d trial %d %s closed", seed, trial, in), ru.ClosedLoop, eu.ClosedLoop)
					for _, id := range r.Holders() {
						rt, _ := r.Total(id, in)
						et, _ := exact.Total(id, in)
						what := fmt.Sprintf("seed %d trial %d %s %s %s", seed, trial, method, in, id)
						checkWithin(t, what, rt, et)
						checkOpenEnds(t, what, rt, et)
						for _, p := range policies {
							if et.ClosedLoop() {
								break // no number to test
							}
							ra, _ := r.Assess(id, p)
							ea, _ := exact.Assess(id, p)
							got, want := ra.OwnershipTest, ea.OwnershipTest
							if in == ownership.Voting {
								got, want = ra.VotingTest, ea.VotingTest
							}
							if got != ownership.Possibly && got != want {
								t.Fatalf("%s %s %s: range %s says %s, filling %s gives %s", what, p.Comparator, p.Threshold, rt, got, et, want)
							}
						}
					}
				}
			}
		}
	}
	if fillings < int(propSeeds)*1000 {
		t.Fatalf("only %d fillings checked", fillings)
	}
}

// maskBand returns p, unknown, or a band around p (inclusive or exclusive
// where p is not on the bound).
func maskBand(rng *rand.Rand, p ownership.Percent) ownership.Percent {
	d, _ := p.Decimal()
	v := d.Shift(2).IntPart()
	switch rng.IntN(6) {
	case 0:
		return ownership.Unknown()
	case 1, 2:
		lo, hi := rng.Int64N(v+1), v+rng.Int64N(10001-v)
		if rng.IntN(3) == 0 {
			lo = v // a band with the truth on its bound
		}
		band := ownership.NewBand(
			ownership.Bound{Value: decimal.New(lo, -2), Exclusive: lo < v && rng.IntN(2) == 0},
			ownership.Bound{Value: decimal.New(hi, -2), Exclusive: hi > v && rng.IntN(2) == 0})
		return band
	}
	return p
}

// fillBands gives every band and unknown of masked an admissible value (in
// hundredths of a percent): trial 0 the truth, 1 the lowest values, 2 the
// highest that fit, others random; false when no such filling exists in
// hundredths.
func fillBands(rng *rand.Rand, masked, truth []ownership.Edge, trial int) ([]ownership.Edge, bool) {
	out := make([]ownership.Edge, len(masked))
	copy(out, masked)
	for _, in := range []ownership.Interest{ownership.Ownership, ownership.Voting} {
		get := func(e *ownership.Edge) *ownership.Percent {
			if in == ownership.Voting {
				return &e.Voting
			}
			return &e.Ownership
		}
		known := map[string]int64{}
		free := map[string][]int{}
		for i := range out {
			if d, ok := get(&out[i]).Decimal(); ok {
				known[out[i].To] += d.Shift(2).IntPart()
			} else {
				free[out[i].To] = append(free[out[i].To], i)
			}
		}
		for to, idxs := range free {
			lows, highs := make([]int64, len(idxs)), make([]int64, len(idxs))
			sum := known[to]
			for k, i := range idxs {
				lows[k], highs[k] = 0, 10000
				if lo, hi, ok := get(&out[i]).Band(); ok {
					lows[k], highs[k] = lo.Value.Shift(2).IntPart(), hi.Value.Shift(2).IntPart()
					if lo.Exclusive {
						lows[k]++
					}
					if hi.Exclusive {
						highs[k]--
					}
				}
				sum += lows[k]
			}
			if sum > 10000 || trial == 0 {
				if trial != 0 {
					return nil, false
				}
			}
			rest := 10000 - sum
			for _, k := range rng.Perm(len(idxs)) {
				i := idxs[k]
				var v int64
				switch trial {
				case 0:
					*get(&out[i]) = *get(&truth[i])
					continue
				case 1:
					v = lows[k]
				case 2:
					v = lows[k] + min(rest, highs[k]-lows[k])
				default:
					v = lows[k] + rng.Int64N(min(rest, highs[k]-lows[k])+1)
				}
				rest -= v - lows[k]
				*get(&out[i]) = ownership.Known(decimal.New(v, -2))
			}
		}
	}
	return out, true
}

// checkOpenEnds fails when an exact total e sits on a bound that r excludes.
func checkOpenEnds(t *testing.T, what string, r, e ownership.Total) {
	t.Helper()
	if e.ClosedLoop() || r.ClosedLoop() || r.Known() {
		return
	}
	v := e.Exact()
	if r.MinExclusive() && v.Cmp(r.Min()) == 0 {
		t.Fatalf("%s: %s excludes its minimum, but a filling gives exactly %s", what, r, v.FloatString(6))
	}
	if r.MaxExclusive() && v.Cmp(r.Max()) == 0 {
		t.Fatalf("%s: %s excludes its maximum, but a filling gives exactly %s", what, r, v.FloatString(6))
	}
}

func TestBandExplain(t *testing.T) {
	r := mustCompute(t, "M", []ownership.Edge{bandEdge("P", "H", "(50, 75)"), bandEdge("H", "M", "50"), bandEdge("P", "M", "10")}, ownership.Options{})
	ex, err := r.Explain("P", ownership.Ownership, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := ex.Total.String(); got != "(35.00, 47.50)" {
		t.Fatalf("total %s", got)
	}
	if len(ex.Chains) != 2 || ex.Chains[0].Steps[0].Factor.String() != "(50.00, 75.00)" || !ex.Chains[0].Steps[0].Declared.IsBand() {
		t.Fatalf("chains %v", ex.Chains)
	}
}
