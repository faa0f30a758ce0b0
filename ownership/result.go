package ownership

import (
	"cmp"
	"math/big"
	"slices"

	"github.com/dossierkit/dossier/validation"
)

// Result holds the totals of every node in the root. It is immutable and safe
// for concurrent use. Exact values are kept in a compact fixed-point form and
// turned into *big.Rat only when asked for, so computing is cheap even for
// 100,000 nodes.
type Result struct {
	g    *graph
	opts Options
	ints [2]*interestResult
}

// interestResult is the outcome for one interest.
type interestResult struct {
	method VotingMethod
	lo, hi *pass // hi == lo when every relevant percentage is known
	// minOpen and maxOpen mark the reach nodes whose total cannot equal
	// the lower (upper) bound, because of exclusive bounds of bands.
	minOpen, maxOpen []bool
	un               Unattributed
	// slack is 1 - (sum of the lower bounds of the ultimate owners and of
	// the unattributed categories), as a fraction; an ultimate owner's
	// total cannot exceed its lower bound plus slack (conservation).
	slack *big.Rat
}

// Unattributed is the share of the root that no ultimate owner holds, by
// cause, in percent. For every graph whose percentages are all known:
//
//	sum of the totals of the ultimate owners + Undeclared + Uncontrolled + ClosedLoop = 100
//
// exactly. With unknown percentages each part is a range.
type Unattributed struct {
	// Undeclared is the share nobody declared: for every company whose known
	// direct stakes sum below 100 % (the root included), the missing part
	// times the company's own total (1 for the root, counting the walks that
	// come back to it through cross-holdings).
	Undeclared Total

	// Uncontrolled is zero except for voting rights under ControlChain: the
	// share held through intermediate companies that no single holder
	// controls (more than 50 %), which that method attributes to nobody.
	Uncontrolled Total

	// ClosedLoop is the share held by closed loops: groups of companies
	// wholly owned by one another with no outside owner.
	ClosedLoop Total

	// Loops lists the members of each closed loop, each sorted, in order of
	// their first member.
	Loops [][]string
}

// Clone returns a deep copy.
func (u Unattributed) Clone() Unattributed {
	c := u
	if u.Loops != nil {
		c.Loops = make([][]string, len(u.Loops))
		for i, l := range u.Loops {
			c.Loops[i] = slices.Clone(l)
		}
	}
	return c
}

// Compute validates the edges and computes every total in root, for
// ownership and voting rights.
//
// A total is the sum, over every walk from the node to the root following
// edges, of the product of the edge fractions: chains multiply and add, and
// walks around cross-holdings are all counted (the (I - A)^-1 view), which
// the method computes exactly by solving each group of mutually holding
// companies as a small rational linear system. Nodes that cannot reach the
// root have a total of exactly 0.
//
// Input problems (an empty id, a self-holding, a duplicate (from, to) pair, a
// percentage outside 0..100 or with more than 2 decimals, and known stakes
// of one kind into one company summing to more than 100 %) are all reported
// in one *validation.Error with paths such as "edges[3].ownership_percentage".
// A group of more than Options.MaxCycleSize mutually holding companies fails
// with ErrCycleTooLarge.
func Compute(root string, edges []Edge, opts Options) (*Result, error) {
	if opts.MaxCycleSize <= 0 {
		opts.MaxCycleSize = DefaultMaxCycleSize
	}
	if opts.Voting != Multiplicative && opts.Voting != ControlChain {
		return nil, validation.New("options.voting", validation.CodeInvalidValue, "must be multiplicative or control_chain")
	}
	if opts.VotingFromOwnership {
		edges = votingFromOwnership(edges)
	}
	g, err := buildGraph(root, edges)
	if err != nil {
		return nil, err
	}
	r := &Result{g: g, opts: opts}
	if r.ints[Ownership], err = g.computeInterest(Ownership, Multiplicative, opts.MaxCycleSize); err != nil {
		return nil, err
	}
	if r.ints[Voting], err = g.computeInterest(Voting, opts.Voting, opts.MaxCycleSize); err != nil {
		return nil, err
	}
	return r, nil
}

func (g *graph) computeInterest(in Interest, method VotingMethod, maxCycle int) (*interestResult, error) {
	ir := &interestResult{method: method}
	var err error
	if ir.lo, err = g.newPass(in, method, false, maxCycle); err != nil {
		return nil, err
	}
	ir.hi = ir.lo
	if g.uncertain(in) {
		if ir.hi, err = g.newPass(in, method, true, maxCycle); err != nil {
			return nil, err
		}
		ir.minOpen = g.openEnds(in, method, ir.lo, false)
		ir.maxOpen = g.openEnds(in, method, ir.hi, true)
	}
	ir.unattributed(g, in)
	return ir, nil
}

// unattributed computes the unattributed parts (see Unattributed) and slack.
func (ir *interestResult) unattributed(g *graph, in Interest) {
	lo, hi := ir.lo, ir.hi
	exact := lo == hi
	var ult, undMin, uncMin, closedMin, undMax, uncMax, closedMax setSum
	closedMaxOK := true
	for v := range g.n {
		if v != g.root && g.inStart[v] == g.inStart[v+1] {
			ult.add(1, 0, &lo.vals[v], lo.ar)
			continue
		}
		var sumLo, sumHi int64
		for k := g.inStart[v]; k < g.inStart[v+1]; k++ {
			e := g.inEdge[k]
			sumLo += int64(g.weight(in, ir.method, false, e, v))
			sumHi += int64(g.weight(in, ir.method, true, e, v))
		}
		uncontrolled := in == Voting && ir.method == ControlChain && v != g.root
		if dmin := int64(full) - sumHi; dmin > 0 && !lo.vals[v].inf {
			c, k := reduceBP(int32(dmin))
			if uncontrolled {
				uncMin.add(c, k, &lo.vals[v], lo.ar)
			} else {
				undMin.add(c, k, &lo.vals[v], lo.ar)
			}
		}
		if !exact {
			if dmax := int64(full) - sumLo; dmax > 0 {
				c, k := reduceBP(int32(dmax))
				if uncontrolled {
					uncMax.add(c, k, &hi.vals[v], hi.ar)
				} else {
					undMax.add(c, k, &hi.vals[v], hi.ar)
				}
			}
		}
	}
	inLoop := make(map[int32]bool)
	for s := range lo.c.num() {
		if lo.divergent[s] {
			trap := lo.trap[s]
			closedMin.add(1, 0, &trap, lo.ar)
			mem := lo.c.members(s)
			ir.un.Loops = append(ir.un.Loops, sortedIDs(g, mem))
			for _, m := range mem {
				inLoop[m] = true
			}
		}
	}
	if !exact {
		// A closed loop is definite when the lower scenario has it; such a
		// loop is a divergent component of the upper scenario too. Any
		// other divergent component of the upper scenario may hide a loop
		// that some values of the unknowns close: then only conservation
		// bounds the closed-loop share.
		for s := range hi.c.num() {
			if !hi.divergent[s] {
				continue
			}
			trap := hi.trap[s]
			closedMax.add(1, 0, &trap, hi.ar)
			for _, m := range hi.c.members(s) {
				if !inLoop[m] {
					closedMaxOK = false
				}
			}
		}
	}
	slices.SortFunc(ir.un.Loops, func(a, b []string) int { return cmp.Compare(a[0], b[0]) })

	ultR := fracRat(lo.ar, ult.value(lo.ar))
	undR := fracRat(lo.ar, undMin.value(lo.ar))
	uncR := fracRat(lo.ar, uncMin.value(lo.ar))
	clR := fracRat(lo.ar, closedMin.value(lo.ar))
	if exact {
		ir.un.Undeclared = exactTotal(pct(undR))
		ir.un.Uncontrolled = exactTotal(pct(uncR))
		ir.un.ClosedLoop = exactTotal(pct(clR))
		ir.slack = new(big.Rat)
		return
	}
	// Conservation: in every admissible assignment of the unknown
	// percentages the parts add up to 1, so each part is at most 1 minus
	// the lower bounds of all the others.
	mins := new(big.Rat).Add(ultR, undR)
	mins.Add(mins, uncR)
	mins.Add(mins, clR)
	ir.slack = new(big.Rat).Sub(big.NewRat(1, 1), mins)
	bound := func(minR *big.Rat, direct *setSum, directOK bool) Total {
		limit := new(big.Rat).Add(ir.slack, minR) // 1 - others' minimums
		if v := direct.value(hi.ar); directOK && !v.inf {
			if d := fracRat(hi.ar, v); d.Cmp(limit) < 0 {
				limit = d
			}
		}
		if limit.Cmp(minR) < 0 {
			limit = minR
		}
		return rangeTotal(pct(minR), pct(limit))
	}
	ir.un.Undeclared = bound(undR, &undMax, true)
	ir.un.Uncontrolled = bound(uncR, &uncMax, true)
	ir.un.ClosedLoop = bound(clR, &closedMax, closedMaxOK)
}

// fracRat converts a finite value to a fraction (1 = 100 %).
func fracRat(ar *arith, v xval) *big.Rat { return ar.rat(v, 1) }

// pct converts a fraction to percent.
func pct(r *big.Rat) *big.Rat { return new(big.Rat).Mul(r, big.NewRat(100, 1)) }

// votingFromOwnership returns edges, or a copy of it in which every
// unknown voting percentage is the edge's ownership percentage. An invalid
// ownership percentage is left to be reported once, at its own path.
func votingFromOwnership(edges []Edge) []Edge {
	var out []Edge
	for i, e := range edges {
		if !e.Voting.IsUnknown() || e.Ownership.IsUnknown() || e.Ownership.Validate() != nil {
			continue
		}
		if out == nil {
			out = slices.Clone(edges)
		}
		out[i].Voting = e.Ownership
	}
	if out == nil {
		return edges
	}
	return out
}

func sortedIDs(g *graph, vs []int32) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = g.id(v)
	}
	slices.Sort(out)
	return out
}

// Root returns the root id.
func (r *Result) Root() string { return r.g.rootID }

// Options returns the options the result was computed with (defaults
// filled in).
func (r *Result) Options() Options { return r.opts }

// Total returns the total interest of id in the root, in percent. ok is
// false when id appears in no edge, or is the root itself. A node that
// appears but cannot reach the root has a total of exactly 0.
func (r *Result) Total(id string, in Interest) (t Total, ok bool) {
	if !in.valid() {
		return Total{}, false
	}
	gv, found := r.g.index[id]
	if !found || id == r.g.rootID {
		return Total{}, false
	}
	v := r.g.reach[gv]
	if v < 0 {
		return exactTotal(new(big.Rat)), true
	}
	return r.total(in, v), true
}

// total builds the Total of reach node v.
func (r *Result) total(in Interest, v int32) Total {
	ir := r.ints[in]
	g := r.g
	lo := ir.lo.vals[v]
	if lo.inf {
		// The walk sums diverge: a closed loop through which a positive
		// share flows. (A closed loop whose every way out weighs 0 holds
		// exactly 0: its walks all have a zero product.)
		return closedLoopTotal()
	}
	loR := pct(fracRat(ir.lo.ar, lo))
	if ir.hi == ir.lo {
		return exactTotal(loR)
	}
	var hiR, walkMax *big.Rat
	if h := ir.hi.vals[v]; !h.inf {
		hiR = pct(fracRat(ir.hi.ar, h))
		walkMax = hiR
	}
	if !ir.hi.c.cyclic[ir.hi.c.of[v]] {
		// Outside cross-holdings a node is visited at most once by any
		// walk, so its total is a probability: at most 100 %.
		if hiR == nil || hiR.Cmp(big.NewRat(100, 1)) > 0 {
			hiR = big.NewRat(100, 1)
		}
	}
	if v != g.root && g.inStart[v] == g.inStart[v+1] {
		if c := new(big.Rat).Add(loR, pct(ir.slack)); hiR == nil || c.Cmp(hiR) < 0 {
			hiR = c
		}
	}
	// The upper bound is open when it is the walk sum of the upper
	// scenario and that sum cannot be reached; a bound from conservation is
	// kept closed (it is sound, not always attained).
	maxOpen := hiR != nil && walkMax != nil && ir.maxOpen[v] && hiR.Cmp(walkMax) == 0
	return openRangeTotal(loR, ir.minOpen[v], hiR, maxOpen)
}

// Holders returns the ids of every node that can reach the root (the root
// excluded), sorted.
func (r *Result) Holders() []string {
	out := make([]string, 0, r.g.n)
	for v := int32(1); v < r.g.n; v++ {
		out = append(out, r.g.id(v))
	}
	slices.Sort(out)
	return out
}

// UltimateOwners returns the holders that have no owner themselves (every
// individual, and any company whose owners are not declared), sorted. Their
// totals, with Unattributed, account for the whole root.
func (r *Result) UltimateOwners() []string {
	var out []string
	for v := int32(1); v < r.g.n; v++ {
		if r.g.inStart[v] == r.g.inStart[v+1] {
			out = append(out, r.g.id(v))
		}
	}
	slices.Sort(out)
	return out
}

// IsUltimate reports whether id is a holder of the root with no owner.
func (r *Result) IsUltimate(id string) bool {
	gv, ok := r.g.index[id]
	if !ok {
		return false
	}
	v := r.g.reach[gv]
	return v > 0 && r.g.inStart[v] == r.g.inStart[v+1]
}

// Unattributed returns the share of the root held by no ultimate owner.
func (r *Result) Unattributed(in Interest) Unattributed {
	if !in.valid() {
		return Unattributed{}
	}
	return r.ints[in].un.Clone()
}
