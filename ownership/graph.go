package ownership

import (
	"fmt"
	"math"

	"github.com/dossierkit/dossier/validation"
)

// full is 100 % in basis points (hundredths of a percent).
const full = 10000

// graph is the validated, indexed input restricted to the nodes that can
// reach the root, with its strongly connected components.
type graph struct {
	rootID string
	edges  []Edge

	index map[string]int32 // id -> global index
	ids   []string         // global index -> id
	reach []int32          // global index -> reach index, or -1

	// Reach subgraph, nodes numbered 0..n-1, root first.
	n        int32
	root     int32
	rid      []int32 // reach index -> global index
	outStart []int32 // CSR of out-edges (owner -> owned), len n+1
	outTo    []int32
	outEdge  []int32 // original edge index of each CSR slot
	inStart  []int32 // CSR of in-edges (owned <- owner), len n+1
	inFrom   []int32
	inEdge   []int32
	inSlot   []int32 // out-edge CSR slot of each in-edge slot

	// lo[interest][edge] and hi[interest][edge] bound the validated
	// percentage in basis points: equal for a known one, 0 and full for an
	// unknown one, the bounds of a band; loOpen and hiOpen say that a
	// band's bound is exclusive. sumLo[interest][node] sums the lower
	// bounds of the stakes into a reach node; openIn counts those of them
	// that are exclusive.
	lo, hi         [2][]int32
	loOpen, hiOpen [2][]bool
	sumLo, openIn  [2][]int32
}

func (g *graph) id(v int32) string { return g.ids[g.rid[v]] }

// buildGraph validates the input and builds the graph. Every input problem is
// reported in one *validation.Error.
func buildGraph(root string, edges []Edge) (*graph, error) {
	var l validation.List
	if root == "" {
		l.Add("root", validation.CodeRequired, "the root id is required")
	}
	if len(edges) >= math.MaxInt32/2 {
		l.Addf("edges", validation.CodeTooMany, "at most %d edges are supported", math.MaxInt32/2-1)
		return nil, l.Err()
	}
	g := &graph{rootID: root, edges: edges, index: make(map[string]int32, len(edges)+1)}
	intern := func(id string) int32 {
		if v, ok := g.index[id]; ok {
			return v
		}
		v := int32(len(g.ids))
		g.index[id] = v
		g.ids = append(g.ids, id)
		return v
	}
	if root != "" {
		intern(root)
	}
	from := make([]int32, len(edges))
	to := make([]int32, len(edges))
	for in := range 2 {
		g.lo[in] = make([]int32, len(edges))
		g.hi[in] = make([]int32, len(edges))
		g.loOpen[in] = make([]bool, len(edges))
		g.hiOpen[in] = make([]bool, len(edges))
	}
	seen := make(map[uint64]int32, len(edges))
	for i := range edges {
		e := &edges[i]
		path := func(field string) string { return validation.Index("edges", i) + field }
		okIDs := true
		if e.From == "" {
			l.Add(path(".from"), validation.CodeRequired, "the holder id is required")
			okIDs = false
		}
		if e.To == "" {
			l.Add(path(".to"), validation.CodeRequired, "the held company id is required")
			okIDs = false
		}
		for in, pc := range [2]Percent{e.Ownership, e.Voting} {
			lo, hi, ok := bandBP(pc)
			if !ok {
				field := ".ownership_percentage"
				if Interest(in) == Voting {
					field = ".voting_rights_percentage"
				}
				l.Merge(path(field), pc.Validate())
				lo, hi = 0, full
			}
			g.lo[in][i], g.hi[in][i] = lo, hi
			if ok && pc.kind == percentBand {
				g.loOpen[in][i], g.hiOpen[in][i] = pc.loOpen, pc.hiOpen
			}
		}
		if !okIDs {
			from[i], to[i] = -1, -1
			continue
		}
		if e.From == e.To {
			l.Addf(path(".to"), validation.CodeInvalidValue, "%q cannot hold itself", e.From)
			from[i], to[i] = -1, -1
			continue
		}
		f, t := intern(e.From), intern(e.To)
		key := uint64(uint32(f))<<32 | uint64(uint32(t))
		if first, dup := seen[key]; dup {
			l.Addf(path(""), validation.CodeDuplicate, "a second edge from %q to %q (the first is edges[%d])", e.From, e.To, first)
			from[i], to[i] = -1, -1
			continue
		}
		seen[key] = int32(i)
		from[i], to[i] = f, t
	}

	nGlobal := int32(len(g.ids))
	// Sums of the lower bounds of the stakes per held company: more than
	// 100 %, or 100 % with an exclusive lower bound, is refused.
	for in := range 2 {
		sum := make([]int64, nGlobal)
		open := make([]bool, nGlobal)
		last := make([]int32, nGlobal)
		for i := range edges {
			if to[i] >= 0 && (g.lo[in][i] > 0 || g.loOpen[in][i]) {
				sum[to[i]] += int64(g.lo[in][i])
				open[to[i]] = open[to[i]] || g.loOpen[in][i]
				last[to[i]] = int32(i)
			}
		}
		for v := range nGlobal {
			if sum[v] > full || (sum[v] == full && open[v]) {
				field := ".ownership_percentage"
				what := "ownership"
				if Interest(in) == Voting {
					field, what = ".voting_rights_percentage", "voting rights"
				}
				more := "more than 100 %"
				if sum[v] == full {
					more = "with a bound that excludes its value, so they exceed 100 %"
				}
				l.Addf(validation.Index("edges", int(last[v]))+field, CodeOverAllocated,
					"the known direct %s stakes in %q (the lower bounds of bands) sum to %s %%, %s", what, g.ids[v], bpString(sum[v]), more)
			}
		}
	}
	if l.Len() > 0 {
		return nil, l.Err()
	}

	g.buildReach(from, to)
	return g, nil
}

// buildReach keeps the nodes that can reach the root and builds their CSR
// adjacency. Every owner of a reach node is itself a reach node.
func (g *graph) buildReach(from, to []int32) {
	nGlobal := int32(len(g.ids))
	// Global in-adjacency.
	inStart := make([]int32, nGlobal+1)
	for i := range from {
		if to[i] >= 0 {
			inStart[to[i]+1]++
		}
	}
	for v := range nGlobal {
		inStart[v+1] += inStart[v]
	}
	inFrom := make([]int32, inStart[nGlobal])
	fill := make([]int32, nGlobal)
	copy(fill, inStart[:nGlobal])
	for i := range from {
		if t := to[i]; t >= 0 {
			inFrom[fill[t]] = from[i]
			fill[t]++
		}
	}
	// Reverse BFS from the root (global index 0).
	g.reach = make([]int32, nGlobal)
	for i := range g.reach {
		g.reach[i] = -1
	}
	g.rid = make([]int32, 0, nGlobal)
	g.reach[0] = 0
	g.rid = append(g.rid, 0)
	for q := 0; q < len(g.rid); q++ {
		v := g.rid[q]
		for _, u := range inFrom[inStart[v]:inStart[v+1]] {
			if g.reach[u] < 0 {
				g.reach[u] = int32(len(g.rid))
				g.rid = append(g.rid, u)
			}
		}
	}
	n := int32(len(g.rid))
	g.n, g.root = n, 0

	g.outStart = make([]int32, n+1)
	g.inStart = make([]int32, n+1)
	for i := range from {
		if from[i] < 0 {
			continue
		}
		f, t := g.reach[from[i]], g.reach[to[i]]
		if f < 0 || t < 0 {
			continue
		}
		g.outStart[f+1]++
		g.inStart[t+1]++
	}
	for v := range n {
		g.outStart[v+1] += g.outStart[v]
		g.inStart[v+1] += g.inStart[v]
	}
	m := g.outStart[n]
	g.outTo = make([]int32, m)
	g.outEdge = make([]int32, m)
	g.inFrom = make([]int32, m)
	g.inEdge = make([]int32, m)
	g.inSlot = make([]int32, m)
	of := make([]int32, n)
	inf := make([]int32, n)
	copy(of, g.outStart[:n])
	copy(inf, g.inStart[:n])
	for i := range from {
		if from[i] < 0 {
			continue
		}
		f, t := g.reach[from[i]], g.reach[to[i]]
		if f < 0 || t < 0 {
			continue
		}
		g.outTo[of[f]], g.outEdge[of[f]] = t, int32(i)
		g.inFrom[inf[t]], g.inEdge[inf[t]], g.inSlot[inf[t]] = f, int32(i), of[f]
		of[f]++
		inf[t]++
	}
	for in := range 2 {
		g.sumLo[in] = make([]int32, n)
		g.openIn[in] = make([]int32, n)
		for v := range n {
			for _, e := range g.inEdge[g.inStart[v]:g.inStart[v+1]] {
				g.sumLo[in][v] += g.lo[in][e]
				if g.loOpen[in][e] {
					g.openIn[in][v]++
				}
			}
		}
	}
}

// bandBP returns the bounds of a valid percentage in basis points (0 and
// full for unknown), and false when it is invalid.
func bandBP(p Percent) (lo, hi int32, ok bool) {
	switch p.kind {
	case percentExact:
		bp, outOfRange, tooPrecise := classifyPercent(p.d)
		return int32(bp), int32(bp), !outOfRange && !tooPrecise
	case percentBand:
		l, out1, prec1 := classifyPercent(p.d)
		h, out2, prec2 := classifyPercent(p.hi)
		if out1 || prec1 || out2 || prec2 || l > h || (l == h && (p.loOpen || p.hiOpen)) {
			return 0, 0, false
		}
		return int32(l), int32(h), true
	}
	return 0, full, true
}

// comps is a decomposition of the reach subgraph into strongly connected
// components, listed in Tarjan's emission order: every component comes after
// all the components it holds (directly or not), so the root's is first.
type comps struct {
	of     []int32 // node -> component
	start  []int32 // members of s: nodes[start[s]:start[s+1]]
	nodes  []int32
	cyclic []bool
}

func (c *comps) members(s int32) []int32 { return c.nodes[c.start[s]:c.start[s+1]] }

func (c *comps) num() int32 { return int32(len(c.start) - 1) }

// components computes the strongly connected components of the subgraph of
// the edges whose weight is positive, iteratively (no recursion: graphs
// have 100,000 nodes and more). Edges of weight 0 carry nothing, and leaving
// them out keeps a closed loop from being merged with the companies it is
// only linked to by zero stakes.
func (g *graph) components(w []int32, maxCycle int) (*comps, error) {
	n := g.n
	index := make([]int32, n)
	low := make([]int32, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	c := &comps{
		of:     make([]int32, n),
		nodes:  make([]int32, 0, n),
		start:  append(make([]int32, 0, n+1), 0),
		cyclic: make([]bool, 0, n),
	}
	stack := make([]int32, 0, 64)
	type frame struct{ v, next int32 }
	calls := make([]frame, 0, 64)
	var counter int32
	for s := range n {
		if index[s] >= 0 {
			continue
		}
		index[s], low[s] = counter, counter
		counter++
		stack = append(stack, s)
		onStack[s] = true
		calls = append(calls, frame{s, g.outStart[s]})
		for len(calls) > 0 {
			top := &calls[len(calls)-1]
			v := top.v
			descended := false
			for top.next < g.outStart[v+1] {
				slot := top.next
				top.next++
				if w[slot] <= 0 {
					continue
				}
				u := g.outTo[slot]
				if index[u] < 0 {
					index[u], low[u] = counter, counter
					counter++
					stack = append(stack, u)
					onStack[u] = true
					calls = append(calls, frame{u, g.outStart[u]})
					descended = true
					break
				}
				if onStack[u] && index[u] < low[v] {
					low[v] = index[u]
				}
			}
			if descended {
				continue
			}
			if low[v] == index[v] {
				id := c.num()
				start := len(c.nodes)
				for {
					u := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[u] = false
					c.of[u] = id
					c.nodes = append(c.nodes, u)
					if u == v {
						break
					}
				}
				size := len(c.nodes) - start
				if size > maxCycle {
					return nil, fmt.Errorf("%w: %d companies hold each other (limit %d)", ErrCycleTooLarge, size, maxCycle)
				}
				c.start = append(c.start, int32(len(c.nodes)))
				c.cyclic = append(c.cyclic, size > 1)
			}
			calls = calls[:len(calls)-1]
			if len(calls) > 0 {
				if p := calls[len(calls)-1].v; low[v] < low[p] {
					low[p] = low[v]
				}
			}
		}
	}
	return c, nil
}

// bpString renders basis points as a percentage ("120.5").
func bpString(bp int64) string {
	s := fmt.Sprintf("%d.%02d", bp/100, bp%100)
	for s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}
