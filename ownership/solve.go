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
// indices) for the given interest, method and scenario.
func (g *graph) weight(in Interest, method VotingMethod, upper bool, e, t int32) int32 {
	bp := g.pct[in][e]
	head := full - g.known[in][t]
	if in != Voting || method != ControlChain || t == g.root {
		if bp != unknownBP {
			return bp
		}
		if upper {
			return head
		}
		return 0
	}
	if bp != unknownBP {
		if bp > half {
			return full
		}
		return 0
	}
	if upper && head > half {
		return full
	}
	return 0
}

// uncertain reports whether some edge of the reach subgraph has an unknown
// percentage of the interest.
func (g *graph) uncertain(in Interest) bool {
	for _, e := range g.outEdge {
		if g.pct[in][e] == unknownBP {
			return true
		}
	}
	return false
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
