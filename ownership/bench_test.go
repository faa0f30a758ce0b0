package ownership

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// genCase generates a case of about n entities: the root, a tree of
// companies in which each company has 2 to 4 owners (companies, or
// individuals with probability 0.3) holding random two-decimal stakes, plus
// diamonds (an owner also holds a small stake in the next company of the
// same layer, probability 0.15) and small cycles (a company and the next one
// of its layer hold each other, probability 0.01; a company holds part of
// one of its own owners, probability 0.005). Every company keeps at least
// 100 % - 85 % of headroom for those extra stakes, so sums stay <= 100 %.
func genCase(n int, seed uint64) []Edge {
	rng := rand.New(rand.NewPCG(seed, 99))
	pct := func(bp int64) Percent { return Known(decimal.New(bp, -2)) }
	var edges []Edge
	head := map[string]int64{}
	add := func(from, to string, bp int64) {
		if bp <= 0 || head[to] < bp {
			return
		}
		head[to] -= bp
		vote := bp
		if rng.IntN(5) == 0 {
			vote = rng.Int64N(bp + 1)
		}
		edges = append(edges, Edge{From: from, To: to, Ownership: pct(bp), Voting: pct(vote)})
	}
	count := 1
	layer := []string{"R"}
	head["R"] = 10000
	owners := map[string][]string{}
	for len(layer) > 0 && count < n {
		var next []string
		for ci, c := range layer {
			if count >= n {
				break
			}
			k := 2 + rng.IntN(3)
			budget := 5000 + rng.Int64N(3501) // 50 % .. 85 %
			for j := range k {
				if count >= n {
					break
				}
				var id string
				if rng.IntN(10) < 3 {
					id = fmt.Sprintf("i%d", count)
				} else {
					id = fmt.Sprintf("c%d", count)
					head[id] = 10000
					next = append(next, id)
				}
				count++
				stake := budget / int64(k-j)
				if j < k-1 {
					stake = 1 + rng.Int64N(max(1, 2*stake-1))
				}
				stake = min(stake, budget)
				budget -= stake
				add(id, c, stake)
				owners[c] = append(owners[c], id)
				if ci+1 < len(layer) && rng.IntN(100) < 15 {
					add(id, layer[ci+1], 1+rng.Int64N(500)) // diamond
				}
			}
			if ci+1 < len(layer) && rng.IntN(100) < 1 {
				add(c, layer[ci+1], 1+rng.Int64N(700)) // cross-holding
				add(layer[ci+1], c, 1+rng.Int64N(700))
			}
			if os := owners[c]; len(os) > 0 && rng.IntN(1000) < 5 && head[os[0]] > 0 {
				add(c, os[0], 1+rng.Int64N(700)) // a company holds part of its owner
			}
		}
		layer = next
	}
	return edges
}

// floatCompute is the same method as Compute with float64 arithmetic: same
// validation and indexing, same weights, same components, same order, and
// dense float64 Gaussian elimination for cyclic components. It is the
// baseline of BenchmarkExactVsFloat.
func floatCompute(root string, edges []Edge) ([2][]float64, error) {
	var out [2][]float64
	g, err := buildGraph(root, edges)
	if err != nil {
		return out, err
	}
	for in := range 2 {
		w := make([]int32, len(g.outTo))
		for slot := range w {
			w[slot] = g.weight(Interest(in), Multiplicative, false, g.outEdge[slot], g.outTo[slot])
		}
		c, err := g.components(w, DefaultMaxCycleSize)
		if err != nil {
			return out, err
		}
		out[in] = floatRun(g, c, w)
		// The unattributed shares, as Compute does.
		var und float64
		for v := range g.n {
			if v != g.root && g.inStart[v] == g.inStart[v+1] {
				continue
			}
			var sum int64
			for k := g.inStart[v]; k < g.inStart[v+1]; k++ {
				sum += int64(g.weight(Interest(in), Multiplicative, false, g.inEdge[k], v))
			}
			und += float64(full-sum) / full * out[in][v]
		}
		_ = und
	}
	return out, nil
}

// floatRun evaluates the walk sums in float64.
func floatRun(g *graph, c *comps, w []int32) []float64 {
	vals := make([]float64, g.n)
	for s := range c.num() {
		mem := c.members(s)
		if !c.cyclic[s] {
			v := mem[0]
			var a float64
			if v == g.root {
				a = 1
			}
			for slot := g.outStart[v]; slot < g.outStart[v+1]; slot++ {
				a += float64(w[slot]) / full * vals[g.outTo[slot]]
			}
			vals[v] = a
			continue
		}
		n := len(mem)
		local := make(map[int32]int, n)
		for i, m := range mem {
			local[m] = i
		}
		mat := make([][]float64, n)
		for i, m := range mem {
			row := make([]float64, n+1)
			row[i] = 1
			if m == g.root {
				row[n] = 1
			}
			for slot := g.outStart[m]; slot < g.outStart[m+1]; slot++ {
				f := float64(w[slot]) / full
				if j, ok := local[g.outTo[slot]]; ok {
					row[j] -= f
				} else {
					row[n] += f * vals[g.outTo[slot]]
				}
			}
			mat[i] = row
		}
		for i := range n {
			for j := i + 1; j < n; j++ {
				if mat[j][i] == 0 {
					continue
				}
				f := mat[j][i] / mat[i][i]
				for k := i; k <= n; k++ {
					mat[j][k] -= f * mat[i][k]
				}
			}
		}
		for i := n - 1; i >= 0; i-- {
			v := mat[i][n]
			for k := i + 1; k < n; k++ {
				v -= mat[i][k] * vals[mem[k]]
			}
			vals[mem[i]] = v / mat[i][i]
		}
	}
	return vals
}

// TestFloatTwinAgrees keeps the float64 baseline honest: it computes the
// same thing as the exact method on the generated cases.
func TestFloatTwinAgrees(t *testing.T) {
	edges := genCase(3000, 1)
	r, err := Compute("R", edges, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fl, err := floatCompute("R", edges)
	if err != nil {
		t.Fatal(err)
	}
	cyclic := 0
	for _, c := range r.ints[Ownership].lo.c.cyclic {
		if c {
			cyclic++
		}
	}
	if cyclic == 0 {
		t.Fatal("the generated case has no cross-holding")
	}
	for in := range 2 {
		ir := r.ints[in]
		for v := int32(1); v < r.g.n; v++ {
			got, _ := fracRat(ir.lo.ar, ir.lo.vals[v]).Float64()
			if math.Abs(got-fl[in][v]) > 1e-12 {
				t.Fatalf("%s %s: exact %v float %v", Interest(in), r.g.id(v), got, fl[in][v])
			}
		}
	}
}

// enumerateChains is the chain-enumerating baseline: for every node, a
// depth-first walk over every chain to the root, multiplying exactly
// (big.Int fixed point) and adding. It only terminates on acyclic graphs.
func enumerateChains(root string, edges []Edge) map[string]*big.Rat {
	out := map[string][]Edge{}
	for _, e := range edges {
		out[e.From] = append(out[e.From], e)
	}
	totals := map[string]*big.Rat{}
	for from := range out {
		sum := new(big.Rat)
		type frame struct {
			at    string
			prod  *big.Int
			depth int64
		}
		stack := []frame{{from, big.NewInt(1), 0}}
		for len(stack) > 0 {
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if f.at == root {
				den := new(big.Int).Exp(big.NewInt(10000), big.NewInt(f.depth), nil)
				sum.Add(sum, new(big.Rat).SetFrac(f.prod, den))
				continue
			}
			for _, e := range out[f.at] {
				d, _ := e.Ownership.Decimal()
				p := new(big.Int).Mul(f.prod, big.NewInt(basisPoints(d)))
				stack = append(stack, frame{e.To, p, f.depth + 1})
			}
		}
		totals[from] = sum
	}
	return totals
}

// latticeEdges: layers x width companies, every company of layer k+1 holding
// 20 % of every company of layer k, layer 1 holding the root.
func latticeEdges(layers, width int) []Edge {
	p := MustParsePercent("19.87")
	var edges []Edge
	name := func(l, i int) string { return fmt.Sprintf("L%d_%d", l, i) }
	for i := range width {
		edges = append(edges, Edge{From: name(1, i), To: "R", Ownership: p, Voting: p})
	}
	for l := 1; l < layers; l++ {
		for i := range width {
			for j := range width {
				edges = append(edges, Edge{From: name(l+1, i), To: name(l, j), Ownership: p, Voting: p})
			}
		}
	}
	return edges
}

func TestEnumerationBaselineAgrees(t *testing.T) {
	edges := latticeEdges(6, 4)
	r, err := Compute("R", edges, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range enumerateChains("R", edges) {
		got, _ := r.Total(id, Ownership)
		if got.Exact().Cmp(new(big.Rat).Mul(want, big.NewRat(100, 1))) != 0 {
			t.Fatalf("%s: %s vs %s", id, got, want)
		}
	}
}

// BenchmarkScale: Compute on generated cases; time should grow linearly.
func BenchmarkScale(b *testing.B) {
	for _, n := range []int{1000, 2000, 10000, 20000, 50000, 100000} {
		edges := genCase(n, 7)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Compute("R", edges, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkExactVsFloat: the exact method against its float64 twin, on the
// whole pipeline (validation, indexing, components, arithmetic) and on the
// arithmetic alone (one pass over prepared components).
func BenchmarkExactVsFloat(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		edges := genCase(n, 7)
		b.Run(fmt.Sprintf("pipeline/exact/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Compute("R", edges, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("pipeline/float64/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := floatCompute("R", edges); err != nil {
					b.Fatal(err)
				}
			}
		})
		g, _ := buildGraph("R", edges)
		p, _ := g.newPass(Ownership, Multiplicative, false, DefaultMaxCycleSize)
		b.Run(fmt.Sprintf("arith/exact/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				p.ar = newArith()
				p.run()
			}
		})
		b.Run(fmt.Sprintf("arith/float64/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				floatRun(g, p.c, p.w)
			}
		})
	}
}

// BenchmarkLattice: the method on a 20 x 5 lattice (5^19 chains from each
// top company) and, on an 8 x 5 lattice, against enumerating the chains.
func BenchmarkLattice(b *testing.B) {
	big := latticeEdges(20, 5)
	b.Run("method/20x5", func(b *testing.B) {
		for b.Loop() {
			if _, err := Compute("R", big, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("explain/20x5", func(b *testing.B) {
		r, _ := Compute("R", big, Options{})
		for b.Loop() {
			if _, err := r.Explain("L20_0", Ownership, 10); err != nil {
				b.Fatal(err)
			}
		}
	})
	small := latticeEdges(8, 5)
	b.Run("method/8x5", func(b *testing.B) {
		for b.Loop() {
			if _, err := Compute("R", small, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("enumerate/8x5", func(b *testing.B) {
		for b.Loop() {
			enumerateChains("R", small)
		}
	})
}
