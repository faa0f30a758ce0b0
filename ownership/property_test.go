package ownership_test

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/dossierkit/dossier/ownership"
	"github.com/shopspring/decimal"
)

// randGraph builds a random case: root R, companies C*, individuals I*.
// Every company (the root included) gets random owners among companies and
// individuals, with stakes (hundredths of a percent) that sum to at most
// 100 %, and exactly 100 % now and then. Cycles are frequent. With
// closedLoops, some groups of companies own each other entirely.
func randGraph(rng *rand.Rand, closedLoops bool) []ownership.Edge {
	nc, ni := 2+rng.IntN(10), 1+rng.IntN(6)
	companies := []string{"R"}
	for i := range nc {
		companies = append(companies, fmt.Sprintf("C%d", i))
	}
	var holders []string
	holders = append(holders, companies...)
	for i := range ni {
		holders = append(holders, fmt.Sprintf("I%d", i))
	}
	var edges []ownership.Edge
	stakes := func(k int) []int64 { // k stakes summing to <= 10000
		total := int64(10000)
		if rng.IntN(3) > 0 {
			total = rng.Int64N(10001)
		}
		cuts := make([]int64, k)
		rest := total
		for i := range k - 1 {
			cuts[i] = rng.Int64N(rest + 1)
			rest -= cuts[i]
		}
		cuts[k-1] = rest
		rng.Shuffle(k, func(i, j int) { cuts[i], cuts[j] = cuts[j], cuts[i] })
		return cuts
	}
	pct := func(bp int64) ownership.Percent { return ownership.Known(decimal.New(bp, -2)) }
	loopMember := map[string]bool{}
	if closedLoops && nc >= 3 && rng.IntN(2) == 0 {
		// C0 -> C1 -> ... -> Ck -> C0, each 100 %, both interests.
		k := 2 + rng.IntN(min(3, nc-1))
		for i := range k {
			from, to := companies[1+i], companies[1+(i+1)%k]
			edges = append(edges, ownership.Edge{From: from, To: to, Ownership: pct(10000), Voting: pct(10000)})
			loopMember[to] = true
		}
	}
	for _, c := range companies {
		if loopMember[c] {
			continue
		}
		k := rng.IntN(4)
		if k == 0 && c == "R" {
			k = 1
		}
		if k == 0 {
			continue
		}
		perm := rng.Perm(len(holders))
		var owners []string
		for _, p := range perm {
			if holders[p] != c && len(owners) < k {
				owners = append(owners, holders[p])
			}
		}
		own, vote := stakes(len(owners)), stakes(len(owners))
		for i, o := range owners {
			edges = append(edges, ownership.Edge{From: o, To: c, Ownership: pct(own[i]), Voting: pct(vote[i])})
		}
	}
	return edges
}

func sumTotals(t *testing.T, r *ownership.Result, in ownership.Interest, ids []string) *big.Rat {
	t.Helper()
	s := new(big.Rat)
	for _, id := range ids {
		tot, ok := r.Total(id, in)
		if !ok || !tot.Known() {
			t.Fatalf("%s %s: %s", id, in, tot)
		}
		s.Add(s, tot.Exact())
	}
	return s
}

// TestConservation: ultimate owners + undeclared + uncontrolled + closed
// loop = exactly 100 %, and every ultimate owner lies in [0, 100].
func TestConservation(t *testing.T) {
	for seed := range uint64(propSeeds * 400) {
		rng := rand.New(rand.NewPCG(seed, 7))
		edges := randGraph(rng, true)
		for _, method := range []ownership.VotingMethod{ownership.Multiplicative, ownership.ControlChain} {
			r, err := ownership.Compute("R", edges, ownership.Options{Voting: method})
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			for _, in := range []ownership.Interest{ownership.Ownership, ownership.Voting} {
				ult := r.UltimateOwners()
				s := sumTotals(t, r, in, ult)
				u := r.Unattributed(in)
				for _, part := range []ownership.Total{u.Undeclared, u.Uncontrolled, u.ClosedLoop} {
					if !part.Known() || part.Exact().Sign() < 0 {
						t.Fatalf("seed %d %s: part %s", seed, in, part)
					}
					s.Add(s, part.Exact())
				}
				if s.Cmp(big.NewRat(100, 1)) != 0 {
					t.Fatalf("seed %d %s %s: sum = %s, want 100\n%v", seed, in, method, s.FloatString(12), edges)
				}
				for _, id := range ult {
					tot, _ := r.Total(id, in)
					if tot.Exact().Sign() < 0 || tot.Exact().Cmp(big.NewRat(100, 1)) > 0 {
						t.Fatalf("seed %d: %s = %s", seed, id, tot)
					}
				}
			}
		}
	}
}

// floatTotals solves (I - A) u = e_root in float64 with partial pivoting,
// over every node; ok is false when the system is badly conditioned.
func floatTotals(edges []ownership.Edge, in ownership.Interest) (map[string]float64, bool) {
	idx := map[string]int{"R": 0}
	ids := []string{"R"}
	for _, e := range edges {
		for _, id := range []string{e.From, e.To} {
			if _, ok := idx[id]; !ok {
				idx[id] = len(ids)
				ids = append(ids, id)
			}
		}
	}
	n := len(ids)
	m := make([][]float64, n)
	for i := range m {
		m[i] = make([]float64, n+1)
		m[i][i] = 1
	}
	m[0][n] = 1
	for _, e := range edges {
		p := e.Ownership
		if in == ownership.Voting {
			p = e.Voting
		}
		d, _ := p.Decimal()
		f, _ := d.Float64()
		m[idx[e.From]][idx[e.To]] -= f / 100
	}
	for c := range n {
		best := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[best][c]) {
				best = r
			}
		}
		if math.Abs(m[best][c]) < 1e-3 {
			return nil, false
		}
		m[c], m[best] = m[best], m[c]
		for r := range n {
			if r == c || m[r][c] == 0 {
				continue
			}
			f := m[r][c] / m[c][c]
			for k := c; k <= n; k++ {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	out := map[string]float64{}
	for i, id := range ids {
		out[id] = 100 * m[i][n] / m[i][i]
		// A walk sum above 1000 % means a nearly closed loop: (I - A) is
		// nearly singular and float64 loses digits.
		if math.Abs(out[id]) > 1000 {
			return nil, false
		}
	}
	return out, true
}

// TestFloatReference compares the exact totals with a float64 dense solve on
// graphs (without closed loops) where float64 is accurate.
func TestFloatReference(t *testing.T) {
	compared := 0
	for seed := range uint64(propSeeds * 400) {
		rng := rand.New(rand.NewPCG(seed, 11))
		edges := randGraph(rng, false)
		r, err := ownership.Compute("R", edges, ownership.Options{})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		for _, in := range []ownership.Interest{ownership.Ownership, ownership.Voting} {
			ref, ok := floatTotals(edges, in)
			if !ok {
				continue
			}
			compared++
			for id, want := range ref {
				if id == "R" {
					continue
				}
				tot, _ := r.Total(id, in)
				if tot.ClosedLoop() {
					t.Fatalf("seed %d: unexpected closed loop at %s", seed, id)
				}
				got, _ := tot.Exact().Float64()
				if math.Abs(got-want) > 1e-9 {
					t.Fatalf("seed %d %s %s: exact %s, float %.15f", seed, in, id, tot.Exact().FloatString(15), want)
				}
			}
		}
	}
	if compared < int(propSeeds)*400 {
		t.Fatalf("only %d graphs were compared", compared)
	}
}

// TestRangesAreSound replaces some percentages by unknown, then checks that
// the ranges contain the exact totals of random admissible assignments of
// the unknowns (every company's stakes still summing to at most 100 %).
func TestRangesAreSound(t *testing.T) {
	for seed := range uint64(propSeeds * 250) {
		rng := rand.New(rand.NewPCG(seed, 13))
		truth := randGraph(rng, true)
		masked := make([]ownership.Edge, len(truth))
		copy(masked, truth)
		for i := range masked {
			if rng.IntN(4) == 0 {
				masked[i].Ownership = ownership.Unknown()
			}
			if rng.IntN(4) == 0 {
				masked[i].Voting = ownership.Unknown()
			}
		}
		for _, method := range []ownership.VotingMethod{ownership.Multiplicative, ownership.ControlChain} {
			opts := ownership.Options{Voting: method}
			r, err := ownership.Compute("R", masked, opts)
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			// Admissible assignments: the truth, all unknowns at 0, and random
			// fills of each company's headroom.
			for trial := range 4 {
				assigned := assign(rng, masked, truth, trial)
				exact, err := ownership.Compute("R", assigned, opts)
				if err != nil {
					t.Fatalf("seed %d trial %d: %v", seed, trial, err)
				}
				for _, in := range []ownership.Interest{ownership.Ownership, ownership.Voting} {
					for _, id := range r.Holders() {
						rt, _ := r.Total(id, in)
						et, _ := exact.Total(id, in)
						checkWithin(t, fmt.Sprintf("seed %d trial %d %s %s %s", seed, trial, method, in, id), rt, et)
					}
					ru, eu := r.Unattributed(in), exact.Unattributed(in)
					checkWithin(t, fmt.Sprintf("seed %d trial %d %s undeclared", seed, trial, in), ru.Undeclared, eu.Undeclared)
					checkWithin(t, fmt.Sprintf("seed %d trial %d %s uncontrolled", seed, trial, in), ru.Uncontrolled, eu.Uncontrolled)
					checkWithin(t, fmt.Sprintf("seed %d trial %d %s closed", seed, trial, in), ru.ClosedLoop, eu.ClosedLoop)
				}
			}
		}
	}
}

// assign gives values to the unknown percentages of masked: trial 0 uses
// the truth, trial 1 zeros, others split each company's headroom at random.
func assign(rng *rand.Rand, masked, truth []ownership.Edge, trial int) []ownership.Edge {
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
		unknown := map[string][]int{}
		for i := range out {
			if d, ok := get(&out[i]).Decimal(); ok {
				known[out[i].To] += d.Shift(2).IntPart()
			} else {
				unknown[out[i].To] = append(unknown[out[i].To], i)
			}
		}
		for to, idxs := range unknown {
			rest := 10000 - known[to]
			for _, i := range idxs {
				var v int64
				switch trial {
				case 0:
					*get(&out[i]) = *get(&truth[i])
					continue
				case 1:
					v = 0
				default:
					v = rng.Int64N(rest + 1)
					if rng.IntN(2) == 0 {
						v = rest
					}
				}
				rest -= v
				*get(&out[i]) = ownership.Known(decimal.New(v, -2))
			}
		}
	}
	return out
}

// checkWithin fails unless the exact total e lies within the bounds of r.
func checkWithin(t *testing.T, what string, r, e ownership.Total) {
	t.Helper()
	if e.ClosedLoop() {
		if r.ClosedLoop() {
			return
		}
		if r.Max() != nil {
			t.Fatalf("%s: %s, but %s is possible (a closed loop)", what, r, e)
		}
		return
	}
	if r.ClosedLoop() {
		t.Fatalf("%s: closed loop, but %s is possible", what, e)
	}
	v := e.Exact()
	if v.Cmp(r.Min()) < 0 || (r.Max() != nil && v.Cmp(r.Max()) > 0) {
		t.Fatalf("%s: %s does not contain %s (%s)", what, r, e, v.FloatString(6))
	}
}

// propSeeds scales the number of random graphs of the property tests.
var propSeeds = uint64(1)

// TestLargeCrossHolding exercises the sparse solver (components of more than
// a dozen companies): a ring of 40 companies, each holding 30 % of the next
// and 5 % of the one after, with an individual holding 40 % of each.
func TestLargeCrossHolding(t *testing.T) {
	const n = 40
	c := func(i int) string { return fmt.Sprintf("C%02d", i%n) }
	edges := []ownership.Edge{e("C00", "R", "60"), e("C20", "R", "40")}
	for i := range n {
		edges = append(edges, e(c(i), c(i+1), "30"), e(c(i), c(i+2), "5"), e(fmt.Sprintf("I%02d", i), c(i), "40"))
	}
	r := mustCompute(t, "R", edges, ownership.Options{})
	ref, ok := floatTotals(edges, ownership.Ownership)
	if !ok {
		t.Fatal("reference failed")
	}
	for id, want := range ref {
		if id == "R" {
			continue
		}
		tot, _ := r.Total(id, ownership.Ownership)
		got, _ := tot.Exact().Float64()
		if math.Abs(got-want) > 1e-9 {
			t.Fatalf("%s: exact %v, float %v", id, got, want)
		}
	}
	s := sumTotals(t, r, ownership.Ownership, r.UltimateOwners())
	u := r.Unattributed(ownership.Ownership)
	s.Add(s, u.Undeclared.Exact())
	if s.Cmp(big.NewRat(100, 1)) != 0 {
		t.Fatalf("conservation: %s", s.FloatString(20))
	}
	ex, err := r.Explain("I05", ownership.Ownership, 3)
	if err != nil || len(ex.Chains) != 2 || ex.Chains[0].Steps[1].Loop == nil || len(ex.Chains[0].Steps[1].Loop) != n {
		t.Fatalf("explain: %v %v", ex, err)
	}
}

// TestExplainAddsUp: on random graphs, the chains of every holder add up
// exactly to its total, come largest first, and number ChainCount.
func TestExplainAddsUp(t *testing.T) {
	checked := 0
	defer func() {
		if !t.Failed() && checked < 500 {
			t.Errorf("only %d explanations checked", checked)
		}
	}()
	for seed := range uint64(propSeeds * 150) {
		rng := rand.New(rand.NewPCG(seed, 17))
		edges := randGraph(rng, true)
		r, err := ownership.Compute("R", edges, ownership.Options{Voting: ownership.ControlChain})
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range []ownership.Interest{ownership.Ownership, ownership.Voting} {
			for _, id := range r.Holders() {
				ex, err := r.Explain(id, in, 500)
				if err != nil {
					t.Fatal(err)
				}
				if ex.Total.ClosedLoop() {
					continue
				}
				if ex.ChainCount.Cmp(big.NewInt(int64(len(ex.Chains)))) != 0 {
					t.Fatalf("seed %d %s: %d chains listed, count %s", seed, id, len(ex.Chains), ex.ChainCount)
				}
				sum := new(big.Rat)
				for i, c := range ex.Chains {
					sum.Add(sum, c.Contribution.Exact())
					if i > 0 && c.Contribution.Exact().Cmp(ex.Chains[i-1].Contribution.Exact()) > 0 {
						t.Fatalf("seed %d %s: chains out of order", seed, id)
					}
					if c.Steps[0].From != id || c.Steps[len(c.Steps)-1].To != "R" {
						t.Fatalf("seed %d %s: chain %s", seed, id, c)
					}
				}
				if sum.Cmp(ex.Total.Exact()) != 0 || ex.Remainder.Exact().Sign() != 0 {
					t.Fatalf("seed %d %s %s: chains sum to %s, total %s", seed, id, in, sum.FloatString(8), ex.Total)
				}
				checked++
			}
		}
	}
}
