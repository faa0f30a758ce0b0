package ownership

import (
	"container/heap"
	"fmt"
	"math/big"
	"slices"
	"strings"
)

// DefaultMaxChains is the number of chains Explain lists when asked for 0.
const DefaultMaxChains = 10

// Step is one link of a chain: a direct holding, or a walk through a group of
// companies that hold each other (a loop step).
type Step struct {
	From, To string
	// Declared is the direct percentage of a holding step (the zero value,
	// unknown, for a loop step).
	Declared Percent
	// Factor is the percentage the step multiplies the chain by: the
	// declared percentage; a range from 0 to the undeclared headroom when
	// it is unknown; 100 or 0 under the control-chain method; for a loop
	// step, the sum over every walk from From to To inside the group, which
	// exceeds 100 when the walks go round (4/3 of the stake for two
	// companies holding 50 % of each other).
	Factor Total
	// Loop lists the members of the group for a loop step, sorted; nil for
	// a direct holding.
	Loop []string
}

// Clone returns a deep copy.
func (s Step) Clone() Step {
	s.Loop = slices.Clone(s.Loop)
	return s
}

// Chain is one way the holder's interest reaches the root.
type Chain struct {
	Steps []Step
	// Contribution is the product of the factors, in percent.
	Contribution Total
}

// Clone returns a deep copy.
func (c Chain) Clone() Chain {
	steps := make([]Step, len(c.Steps))
	for i, s := range c.Steps {
		steps[i] = s.Clone()
	}
	c.Steps = steps
	return c
}

// String renders the chain on one line, for instance
// "UA -50.00%-> A ~(loop A,B 133.33%)~> A: 66.67%".
func (c Chain) String() string {
	var b strings.Builder
	if len(c.Steps) > 0 {
		b.WriteString(c.Steps[0].From)
	}
	for _, s := range c.Steps {
		if s.Loop != nil {
			fmt.Fprintf(&b, " ~(loop %s %s%%)~> %s", strings.Join(s.Loop, ","), s.Factor, s.To)
		} else {
			fmt.Fprintf(&b, " -%s%%-> %s", s.Factor, s.To)
		}
	}
	fmt.Fprintf(&b, ": %s%%", c.Contribution)
	return b.String()
}

// Explanation is how a total is made.
type Explanation struct {
	ID       string
	Interest Interest
	Total    Total
	// Chains are the largest contributions, largest first (by upper bound
	// when contributions are ranges). Each chain passes through a group of
	// mutually holding companies at most once, as one loop step, so the
	// chains are finite and their contributions add up to the total.
	Chains []Chain
	// ChainCount is the number of chains with a possibly non-zero
	// contribution, listed or not. It can be astronomically large.
	ChainCount *big.Int
	// Remainder is the part of Total not covered by Chains (exactly 0 when
	// every chain is listed).
	Remainder Total
	// ClosedLoop lists the members of the closed loop the holder belongs
	// to, if any; its total is then not a number and there are no chains.
	ClosedLoop []string
}

// Clone returns a deep copy.
func (e Explanation) Clone() Explanation {
	chains := make([]Chain, len(e.Chains))
	for i, c := range e.Chains {
		chains[i] = c.Clone()
	}
	e.Chains = chains
	if e.ChainCount != nil {
		e.ChainCount = new(big.Int).Set(e.ChainCount)
	}
	e.ClosedLoop = slices.Clone(e.ClosedLoop)
	return e
}

// String renders the explanation on several lines.
func (e Explanation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %s%%", e.ID, e.Interest, e.Total)
	if e.ClosedLoop != nil {
		fmt.Fprintf(&b, " (closed loop %s)", strings.Join(e.ClosedLoop, ","))
	}
	b.WriteByte('\n')
	for _, c := range e.Chains {
		b.WriteString("  " + c.String() + "\n")
	}
	if more := new(big.Int).Sub(e.ChainCount, big.NewInt(int64(len(e.Chains)))); more.Sign() > 0 {
		fmt.Fprintf(&b, "  ... %s more chains: %s%%\n", more, e.Remainder)
	}
	return b.String()
}

// Explain lists the chains that make the total of id, with each chain's
// exact contribution, largest first, at most maxChains of them
// (DefaultMaxChains when maxChains <= 0), plus how many chains exist and
// what the unlisted ones add up to.
//
// The search is best-first with an exact bound (the best single chain from
// each node), so the largest chains are found after a number of steps
// proportional to maxChains times the chain length, even when the number of
// chains is astronomical. Groups of mutually holding companies are never
// walked round: a chain crosses each such group once, as one loop step
// carrying the sum over all the walks inside it.
//
// It fails with ErrUnknownNode for an id absent from the edges and
// ErrRootNode for the root.
func (r *Result) Explain(id string, in Interest, maxChains int) (Explanation, error) {
	if !in.valid() {
		return Explanation{}, fmt.Errorf("ownership: invalid interest %d", in)
	}
	if err := r.checkHolder(id); err != nil {
		return Explanation{}, err
	}
	if maxChains <= 0 {
		maxChains = DefaultMaxChains
	}
	t, _ := r.Total(id, in)
	ex := Explanation{ID: id, Interest: in, Total: t, ChainCount: new(big.Int)}
	g := r.g
	v := g.reach[g.index[id]]
	if v < 0 {
		ex.Remainder = exactTotal(new(big.Rat))
		return ex, nil
	}
	ir := r.ints[in]
	if t.ClosedLoop() {
		ex.ClosedLoop = sortedIDs(g, ir.lo.c.members(ir.lo.c.of[v]))
		ex.Remainder = t
		return ex, nil
	}
	x := &explainer{r: r, g: g, c: ir.hi.c, in: in, ir: ir, loops: map[int32]*loopData{}}
	x.prepare(v)
	ex.ChainCount.Set(x.count[v])
	ex.Chains = x.search(v, maxChains)

	sumLo, sumHi, hiInf := new(big.Rat), new(big.Rat), false
	for _, c := range ex.Chains {
		sumLo.Add(sumLo, c.Contribution.min)
		if c.Contribution.max == nil {
			hiInf = true
		} else {
			sumHi.Add(sumHi, c.Contribution.max)
		}
	}
	remLo := new(big.Rat).Sub(pct(fracRat(ir.lo.ar, ir.lo.vals[v])), sumLo)
	if ir.hi == ir.lo {
		ex.Remainder = exactTotal(remLo)
		return ex, nil
	}
	var remHi *big.Rat
	if h := ir.hi.vals[v]; !h.inf && !hiInf {
		remHi = new(big.Rat).Sub(pct(fracRat(ir.hi.ar, h)), sumHi)
	}
	if t.max != nil {
		if alt := new(big.Rat).Sub(t.max, sumLo); remHi == nil || alt.Cmp(remHi) < 0 {
			remHi = alt
		}
	}
	ex.Remainder = rangeTotal(remLo, remHi)
	return ex, nil
}

// bound is a non-negative fraction or +infinity.
type bound struct {
	inf bool
	r   *big.Rat // nil means 0
}

func (b bound) positive() bool { return b.inf || (b.r != nil && b.r.Sign() > 0) }

func (b bound) mul(f bound) bound {
	if !b.positive() || !f.positive() {
		return bound{}
	}
	if b.inf || f.inf {
		return bound{inf: true}
	}
	return bound{r: new(big.Rat).Mul(b.r, f.r)}
}

func (b bound) cmp(c bound) int {
	switch {
	case b.inf && c.inf:
		return 0
	case b.inf:
		return 1
	case c.inf:
		return -1
	}
	return ratOrZero(b.r).Cmp(ratOrZero(c.r))
}

func ratOrZero(r *big.Rat) *big.Rat {
	if r == nil {
		return new(big.Rat)
	}
	return r
}

func maxBound(a, b bound) bound {
	if b.cmp(a) > 0 {
		return b
	}
	return a
}

// loopData holds, for one cyclic component, the walk factors from each
// member to each exit (a member with a holding outside, or the root).
type loopData struct {
	members []string // sorted ids
	local   map[int32]int
	exits   []int32
	lo, hi  [][]*big.Rat // [entry][exit] fractions; hi nil when unbounded
}

type explainer struct {
	r     *Result
	g     *graph
	c     *comps // the components of the upper scenario
	in    Interest
	ir    *interestResult
	loops map[int32]*loopData
	best  map[int32]bound    // best single completion from an entry node (upper scenario)
	count map[int32]*big.Int // number of chains from an entry node
	seq   int
}

func bpRat(bp int32) *big.Rat { return big.NewRat(int64(bp), full) }

// loop computes (once) the walk factors of component s.
func (x *explainer) loop(s int32) *loopData {
	if d, ok := x.loops[s]; ok {
		return d
	}
	g := x.g
	mem := x.c.members(s)
	d := &loopData{members: sortedIDs(g, mem), local: make(map[int32]int, len(mem))}
	for i, m := range mem {
		d.local[m] = i
	}
	for _, m := range mem {
		exit := m == g.root
		for slot := g.outStart[m]; slot < g.outStart[m+1] && !exit; slot++ {
			if x.c.of[g.outTo[slot]] != s && x.ir.hi.w[slot] > 0 {
				exit = true
			}
		}
		if exit {
			d.exits = append(d.exits, m)
		}
	}
	factors := func(p *pass) [][]*big.Rat {
		n := len(mem)
		rows := make([][]entry, n)
		rhs := make([][]*big.Rat, n)
		for i, m := range mem {
			row := []entry{{int32(i), new(big.Rat).SetInt64(full)}}
			for slot := g.outStart[m]; slot < g.outStart[m+1]; slot++ {
				if j, in := d.local[g.outTo[slot]]; in && p.w[slot] > 0 {
					row = append(row, entry{int32(j), new(big.Rat).SetInt64(-int64(p.w[slot]))})
				}
			}
			slices.SortFunc(row, func(a, b entry) int { return int(a.col - b.col) })
			rows[i] = row
			rhs[i] = make([]*big.Rat, len(d.exits))
			for k, ex := range d.exits {
				rhs[i][k] = new(big.Rat)
				if ex == m {
					rhs[i][k].SetInt64(full)
				}
			}
		}
		sol, _, ok := solveMMatrix(rows, rhs)
		if !ok {
			return nil
		}
		return sol
	}
	d.lo = factors(x.ir.lo)
	d.hi = d.lo
	if x.ir.hi != x.ir.lo {
		d.hi = factors(x.ir.hi)
	}
	x.loops[s] = d
	return d
}

// prepare computes best and count for every entry node reachable from v
// through edges of positive (upper) weight, component by component in
// Tarjan order (owned before owners).
func (x *explainer) prepare(v int32) {
	g := x.g
	hiw := x.ir.hi.w
	inRegion := map[int32]bool{v: true}
	queue := []int32{v}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for slot := g.outStart[u]; slot < g.outStart[u+1]; slot++ {
			if t := g.outTo[slot]; hiw[slot] > 0 && !inRegion[t] {
				inRegion[t] = true
				queue = append(queue, t)
			}
		}
		// A cyclic component is entered as a whole.
		if s := x.c.of[u]; x.c.cyclic[s] {
			for _, m := range x.c.members(s) {
				if !inRegion[m] {
					inRegion[m] = true
					queue = append(queue, m)
				}
			}
		}
	}
	comps := map[int32]bool{}
	for u := range inRegion {
		comps[x.c.of[u]] = true
	}
	order := make([]int32, 0, len(comps))
	for s := range comps {
		order = append(order, s)
	}
	slices.Sort(order) // Tarjan order: owned components first
	x.best = make(map[int32]bound, len(inRegion))
	x.count = make(map[int32]*big.Int, len(inRegion))
	// exit returns the best completion and the number of chains leaving
	// component s from member m (stopping at the root, or taking one
	// holding outside s).
	exit := func(s, m int32) (bound, *big.Int) {
		var b bound
		c := new(big.Int)
		if m == g.root {
			b = bound{r: big.NewRat(1, 1)}
			c.SetInt64(1)
		}
		for slot := g.outStart[m]; slot < g.outStart[m+1]; slot++ {
			t := g.outTo[slot]
			if x.c.of[t] == s || hiw[slot] <= 0 {
				continue
			}
			b = maxBound(b, bound{r: bpRat(hiw[slot])}.mul(x.best[t]))
			c.Add(c, x.count[t])
		}
		return b, c
	}
	for _, s := range order {
		mem := x.c.members(s)
		if !x.c.cyclic[s] {
			x.best[mem[0]], x.count[mem[0]] = exit(s, mem[0])
			continue
		}
		d := x.loop(s)
		eb := make([]bound, len(d.exits))
		ec := make([]*big.Int, len(d.exits))
		for k, m := range d.exits {
			eb[k], ec[k] = exit(s, m)
		}
		for i, m := range mem {
			var b bound
			c := new(big.Int)
			for k := range d.exits {
				f := d.factor(i, k)
				if !f.positive() || !eb[k].positive() {
					continue
				}
				b = maxBound(b, f.mul(eb[k]))
				c.Add(c, ec[k])
			}
			x.best[m], x.count[m] = b, c
		}
	}
}

// factor returns the upper walk factor from member i to exit k.
func (d *loopData) factor(i, k int) bound {
	if d.hi == nil {
		return bound{inf: true}
	}
	return bound{r: d.hi[i][k]}
}

// state is a chain prefix in the best-first search.
type state struct {
	at     int32 // entry node; -1 when the chain is complete
	parent *state
	steps  []Step // appended to the parent's
	lo     *big.Rat
	hi     bound
	key    bound
	depth  int
	seq    int
}

type stateHeap []*state

func (h stateHeap) Len() int { return len(h) }
func (h stateHeap) Less(i, j int) bool {
	a, b := h[i], h[j]
	if c := a.key.cmp(b.key); c != 0 {
		return c > 0
	}
	if (a.at < 0) != (b.at < 0) {
		return a.at < 0
	}
	if a.depth != b.depth {
		return a.depth > b.depth
	}
	return a.seq < b.seq
}
func (h stateHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *stateHeap) Push(v any)   { *h = append(*h, v.(*state)) }
func (h *stateHeap) Pop() any {
	old := *h
	v := old[len(old)-1]
	*h = old[:len(old)-1]
	return v
}

// factorTotal renders a step factor (fractions) in percent.
func factorTotal(lo *big.Rat, hi bound) Total {
	if hi.inf {
		return rangeTotal(pct(lo), nil)
	}
	return rangeTotal(pct(lo), pct(ratOrZero(hi.r)))
}

// search runs the best-first enumeration from v.
func (x *explainer) search(v int32, limit int) []Chain {
	g := x.g
	lo, hi := x.ir.lo, x.ir.hi
	h := &stateHeap{}
	push := func(parent *state, steps []Step, at int32, fl *big.Rat, fh bound) {
		st := &state{at: at, parent: parent, steps: steps, seq: x.seq}
		x.seq++
		if parent == nil {
			st.lo, st.hi = big.NewRat(1, 1), bound{r: big.NewRat(1, 1)}
		} else {
			st.lo = new(big.Rat).Mul(parent.lo, fl)
			st.hi = parent.hi.mul(fh)
			st.depth = parent.depth + 1
		}
		if at >= 0 && at == g.root && !x.c.cyclic[x.c.of[at]] {
			st.at = -1 // arrived
		}
		if st.at < 0 {
			st.key = st.hi
		} else {
			st.key = st.hi.mul(x.best[at])
			if !st.key.positive() {
				return
			}
		}
		heap.Push(h, st)
	}
	edgeStep := func(from, slot int32) (Step, *big.Rat, bound) {
		e := g.outEdge[slot]
		fl, fh := bpRat(lo.w[slot]), bound{r: bpRat(hi.w[slot])}
		pc := g.edges[e].Ownership
		if x.in == Voting {
			pc = g.edges[e].Voting
		}
		factor := factorTotal(fl, fh)
		if t := g.outTo[slot]; factor.kind == kindRange && !g.controlled(x.in, x.ir.method, t) {
			// A band's own ends (and a headroom cap below an excluded
			// lower bound) are excluded from the factor too.
			factor.minOpen, factor.maxOpen = g.loOpen[x.in][e], g.upperOpen(x.in, e, t)
		}
		return Step{From: g.id(from), To: g.id(g.outTo[slot]), Declared: pc, Factor: factor}, fl, fh
	}
	push(nil, nil, v, nil, bound{})
	var out []Chain
	for h.Len() > 0 && len(out) < limit {
		st := heap.Pop(h).(*state)
		if st.at < 0 {
			out = append(out, x.chain(st))
			continue
		}
		e := st.at
		s := x.c.of[e]
		if !x.c.cyclic[s] {
			for slot := g.outStart[e]; slot < g.outStart[e+1]; slot++ {
				if hi.w[slot] <= 0 {
					continue
				}
				step, fl, fh := edgeStep(e, slot)
				push(st, []Step{step}, g.outTo[slot], fl, fh)
			}
			continue
		}
		d := x.loop(s)
		i := d.local[e]
		for k, xm := range d.exits {
			fh := d.factor(i, k)
			if !fh.positive() {
				continue
			}
			fl := new(big.Rat)
			if d.lo != nil {
				fl = d.lo[i][k]
			}
			loopStep := Step{From: g.id(e), To: g.id(xm), Factor: factorTotal(fl, fh), Loop: d.members}
			if xm == g.root {
				x.pushDone(h, st, []Step{loopStep}, fl, fh)
			}
			for slot := g.outStart[xm]; slot < g.outStart[xm+1]; slot++ {
				if x.c.of[g.outTo[slot]] == s || hi.w[slot] <= 0 {
					continue
				}
				step, el, eh := edgeStep(xm, slot)
				push(st, []Step{loopStep, step}, g.outTo[slot], new(big.Rat).Mul(fl, el), fh.mul(eh))
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Chain) int {
		ha, hb := bound{r: a.Contribution.max, inf: a.Contribution.max == nil}, bound{r: b.Contribution.max, inf: b.Contribution.max == nil}
		if c := ha.cmp(hb); c != 0 {
			return -c
		}
		return -a.Contribution.min.Cmp(b.Contribution.min)
	})
	return out
}

// pushDone pushes a complete chain (ending at the root inside a cyclic
// component).
func (x *explainer) pushDone(h *stateHeap, parent *state, steps []Step, fl *big.Rat, fh bound) {
	st := &state{at: -1, parent: parent, steps: steps, seq: x.seq, depth: parent.depth + 1}
	x.seq++
	st.lo = new(big.Rat).Mul(parent.lo, fl)
	st.hi = parent.hi.mul(fh)
	st.key = st.hi
	if !st.key.positive() {
		return
	}
	heap.Push(h, st)
}

// chain assembles the steps of a complete state.
func (x *explainer) chain(st *state) Chain {
	var parts [][]Step
	for s := st; s != nil; s = s.parent {
		if len(s.steps) > 0 {
			parts = append(parts, s.steps)
		}
	}
	var steps []Step
	for i := len(parts) - 1; i >= 0; i-- {
		for _, s := range parts[i] {
			steps = append(steps, s.Clone())
		}
	}
	return Chain{Steps: steps, Contribution: factorTotal(st.lo, st.hi)}
}
