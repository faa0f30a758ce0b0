package ownership

import (
	"math/big"
	"slices"
)

// half is 50 % in basis points: control needs strictly more.
const half = full / 2

// pass is one evaluation of the walk sums with fixed edge weights: the exact
// figures (no unknown percentage), the lower scenario (unknown = 0) or the
// upper one (unknown = the headroom of the held company).
type pass struct {
	g  *graph
	ar *arith
	w  []int32 // weight of each out-edge CSR slot, basis points
	wc []uint16
	wk []int8

	c         *comps         // components of the positive-weight edges
	vals      []xval         // u of each node: walks to the root (u_root counts the empty walk)
	divergent []bool         // per component: the walk sums inside it diverge
	trap      map[int32]xval // per divergent component: the share flowing into it
}

// weight returns the weight in basis points of edge e into node t (reach
// indices) for the given interest, method and scenario: the lower bound of
// the percentage in the lower scenario; in the upper one its upper bound,
// capped by what the lower bounds of the other stakes into t leave of
// 100 % (an unknown percentage has the bounds 0 and 100, so it takes the
// headroom of t).
func (g *graph) weight(in Interest, method VotingMethod, upper bool, e, t int32) int32 {
	w := g.lo[in][e]
	if upper {
		w = g.upperBP(in, e, t)
	}
	if !g.controlled(in, method, t) {
		return w
	}
	if w > half || (!upper && w == half && g.loOpen[in][e]) {
		return full // every admissible value (lower) or some (upper) controls
	}
	return 0
}

// upperBP is the upper bound of edge e into t, capped by the headroom left
// by the lower bounds of the other stakes into t.
func (g *graph) upperBP(in Interest, e, t int32) int32 {
	return min(g.hi[in][e], full-(g.sumLo[in][t]-g.lo[in][e]))
}

// upperOpen reports whether no admissible value of edge e into t reaches
// its upper bound upperBP: the bound is an exclusive upper bound of a
// band, or the headroom left by lower bounds of which one is exclusive.
func (g *graph) upperOpen(in Interest, e, t int32) bool {
	hi, headroom := g.hi[in][e], full-(g.sumLo[in][t]-g.lo[in][e])
	u := min(hi, headroom)
	others := g.openIn[in][t]
	if g.loOpen[in][e] {
		others--
	}
	return (u == hi && g.hiOpen[in][e]) || (u == headroom && others > 0)
}

// controlled reports whether an edge into t follows the control-chain
// rule (a step: control or nothing) rather than its face value.
func (g *graph) controlled(in Interest, method VotingMethod, t int32) bool {
	return in == Voting && method == ControlChain && t != g.root
}

// uncertain reports whether some edge of the reach subgraph has a
// percentage of the interest that is not exact.
func (g *graph) uncertain(in Interest) bool {
	for _, e := range g.outEdge {
		if g.lo[in][e] != g.hi[in][e] {
			return true
		}
	}
	return false
}

// openEnds marks the nodes whose total cannot reach the bound computed by
// the lower (upper false) or upper scenario p: those with a walk to the
// root, every edge of it positive, through an edge whose own bound is
// excluded. In the lower scenario such an edge has an exclusive lower
// bound (and counts as positive even at 0: every admissible value is
// above it); in the upper one its upper bound is exclusive, or it is
// capped by the headroom of the held company while the lower bound of
// another stake there is exclusive. Every admissible filling then gives
// the walk, so the total, strictly more than the lower bound (or less than
// the upper one): totals are non-decreasing in every weight and strictly
// increasing in a weight on a walk of positive product. Edges under the
// control-chain rule are steps whose bounds are attained: never open.
func (g *graph) openEnds(in Interest, method VotingMethod, p *pass, upper bool) []bool {
	positive := func(slot int32) bool {
		if p.w[slot] > 0 {
			return true
		}
		return !upper && g.loOpen[in][g.outEdge[slot]] && !g.controlled(in, method, g.outTo[slot])
	}
	flagged := func(slot int32) bool {
		e, t := g.outEdge[slot], g.outTo[slot]
		if g.controlled(in, method, t) || !positive(slot) {
			return false
		}
		if !upper {
			return g.loOpen[in][e]
		}
		return g.upperOpen(in, e, t)
	}
	// reach: nodes with a positive walk to the root.
	reach := make([]bool, g.n)
	queue := []int32{g.root}
	reach[g.root] = true
	for q := 0; q < len(queue); q++ {
		v := queue[q]
		for k := g.inStart[v]; k < g.inStart[v+1]; k++ {
			u := g.inFrom[k]
			if !reach[u] && positive(g.inSlot[k]) {
				reach[u] = true
				queue = append(queue, u)
			}
		}
	}
	open := make([]bool, g.n)
	queue = queue[:0]
	for v := range g.n {
		if !reach[v] {
			continue
		}
		for slot := g.outStart[v]; slot < g.outStart[v+1]; slot++ {
			if reach[g.outTo[slot]] && flagged(slot) {
				open[v] = true
				queue = append(queue, v)
				break
			}
		}
	}
	for q := 0; q < len(queue); q++ {
		v := queue[q]
		for k := g.inStart[v]; k < g.inStart[v+1]; k++ {
			u := g.inFrom[k]
			if !open[u] && positive(g.inSlot[k]) {
				open[u] = true
				queue = append(queue, u)
			}
		}
	}
	return open
}

func (g *graph) newPass(in Interest, method VotingMethod, upper bool, maxCycle int) (*pass, error) {
	m := len(g.outTo)
	p := &pass{g: g, ar: newArith(), w: make([]int32, m), wc: make([]uint16, m), wk: make([]int8, m)}
	for slot := range m {
		w := g.weight(in, method, upper, g.outEdge[slot], g.outTo[slot])
		c, k := reduceBP(w)
		p.w[slot], p.wc[slot], p.wk[slot] = w, uint16(c), int8(k)
	}
	c, err := g.components(p.w, maxCycle)
	if err != nil {
		return nil, err
	}
	p.c = c
	p.run()
	return p, nil
}

// run evaluates the components in Tarjan order: everything a node holds is
// known before the node itself.
func (p *pass) run() {
	g := p.g
	ns := p.c.num()
	p.vals = make([]xval, g.n)
	p.divergent = make([]bool, ns)
	p.trap = map[int32]xval{}
	var a accum
	var local []int32
	for s := range ns {
		if p.c.cyclic[s] {
			if local == nil {
				local = make([]int32, g.n)
				for i := range local {
					local[i] = -1
				}
			}
			p.solveCyclic(s, &a, local)
			continue
		}
		v := p.c.nodes[p.c.start[s]]
		if v == g.root {
			a.setOne()
		} else {
			a.reset()
		}
		for slot := g.outStart[v]; slot < g.outStart[v+1]; slot++ {
			a.add(uint64(p.wc[slot]), int32(p.wk[slot]), &p.vals[g.outTo[slot]], p.ar)
		}
		a.valueInto(&p.vals[v], p.ar)
	}
}

// solveCyclic computes the members of a cyclic component: u = b + A_SS u,
// where b holds the walks that leave the component at once, solved exactly
// as (10^4 I - 10^4 A_SS) u = 10^4 b.
func (p *pass) solveCyclic(s int32, a *accum, local []int32) {
	g := p.g
	mem := p.c.members(s)
	n := len(mem)
	for i, m := range mem {
		local[m] = int32(i)
	}
	defer func() {
		for _, m := range mem {
			local[m] = -1
		}
	}()
	b := make([]xval, n)
	type coef struct {
		i, j int32
		w    int64
	}
	var coefs []coef // the internal stakes, in basis points
	anyInf, allZero := false, true
	for i, m := range mem {
		if m == g.root {
			a.setOne()
		} else {
			a.reset()
		}
		for slot := g.outStart[m]; slot < g.outStart[m+1]; slot++ {
			t := g.outTo[slot]
			if j := local[t]; j >= 0 {
				if p.w[slot] > 0 {
					coefs = append(coefs, coef{int32(i), j, int64(p.w[slot])})
				}
				continue
			}
			a.add(uint64(p.wc[slot]), int32(p.wk[slot]), &p.vals[t], p.ar)
		}
		b[i] = a.value(p.ar)
		anyInf = anyInf || b[i].inf
		allZero = allZero && b[i].isZero()
	}
	internal := len(coefs) > 0
	if !internal {
		// Every internal edge weighs 0 here: no walk goes round.
		for i, m := range mem {
			p.vals[m] = b[i]
		}
		return
	}
	// Common denominator 10^E * Q[T] of the right-hand side.
	var e int32
	var set int32
	for i := range b {
		if !b[i].isZero() && !b[i].inf {
			e = max(e, b[i].exp)
			set = p.ar.union(set, b[i].set)
		}
	}
	rhs := make([]*big.Int, n)
	for i := range b {
		r := new(big.Int)
		if !b[i].isZero() && !b[i].inf {
			p.ar.mag(&b[i], r)
			if d := e - b[i].exp; d > 0 {
				r.Mul(r, p.ar.pow10(d))
			}
			if b[i].set != set {
				r.Mul(r, p.ar.ratio(b[i].set, set))
			}
		}
		rhs[i] = r
	}
	// Solve (10^4 I - W) z = det * rhs.
	var zs []*big.Int
	var det *big.Int
	ok := false
	if n <= bareissMax {
		mat := make([][]*big.Int, n)
		for i := range mat {
			mat[i] = make([]*big.Int, n+1)
			for j := range n {
				mat[i][j] = new(big.Int)
			}
			mat[i][i].SetInt64(full)
			mat[i][n] = rhs[i]
		}
		for _, c := range coefs {
			mat[c.i][c.j].SetInt64(-c.w)
		}
		zs, det, ok = bareiss(mat)
	} else {
		rows := make([][]entry, n)
		rrhs := make([][]*big.Rat, n)
		for i := range rows {
			rows[i] = []entry{{int32(i), new(big.Rat).SetInt64(full)}}
			rrhs[i] = []*big.Rat{new(big.Rat).SetInt(rhs[i])}
		}
		for _, c := range coefs {
			rows[c.i] = append(rows[c.i], entry{c.j, new(big.Rat).SetInt64(-c.w)})
		}
		for i := range rows {
			slices.SortFunc(rows[i], func(x, y entry) int { return int(x.col - y.col) })
		}
		var sol [][]*big.Rat
		var detR *big.Rat
		if sol, detR, ok = solveMMatrix(rows, rrhs); ok {
			if !detR.IsInt() {
				panic("ownership: internal error: non-integer determinant")
			}
			det = detR.Num()
			zs = make([]*big.Int, n)
			var z big.Rat
			for i := range sol {
				z.Mul(detR, sol[i][0])
				if !z.IsInt() {
					panic("ownership: internal error: Cramer numerator is not an integer")
				}
				zs[i] = new(big.Int).Set(z.Num())
			}
		}
	}
	if !ok || anyInf {
		if !ok {
			p.divergent[s] = true
			a.reset()
			for i := range b {
				a.add(1, 0, &b[i], p.ar)
			}
			p.trap[s] = a.value(p.ar)
		}
		for _, m := range mem {
			if allZero {
				p.vals[m] = xval{}
			} else {
				p.vals[m] = xval{inf: true}
			}
		}
		return
	}
	p.ar.delta[s] = det
	set = p.ar.withComponent(set, s)
	for i, m := range mem {
		num := zs[i]
		v := xval{set: set, exp: e - 4}
		if v.exp < 0 {
			num.Mul(num, p.ar.pow10(-v.exp))
			v.exp = 0
		}
		if f, ok := fixFromBig(num); ok {
			v.f = f
		} else {
			v.big = p.ar.storeBig(num)
		}
		if num.Sign() == 0 {
			v = xval{}
		}
		p.vals[m] = v
	}
}
