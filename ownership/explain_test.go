package ownership_test

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/dossierkit/dossier/ownership"
)

func TestExplainDiamond(t *testing.T) {
	r := mustCompute(t, "C", []ownership.Edge{
		e("A", "B1", "100"), e("A", "B2", "80"), e("B1", "C", "20"), e("B2", "C", "35"),
	}, ownership.Options{})
	ex, err := r.Explain("A", ownership.Ownership, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"A -80.00%-> B2 -35.00%-> C: 28.00%",
		"A -100.00%-> B1 -20.00%-> C: 20.00%",
	}
	if len(ex.Chains) != len(want) {
		t.Fatalf("chains = %v", ex.Chains)
	}
	for i, w := range want {
		if got := ex.Chains[i].String(); got != w {
			t.Errorf("chain %d = %q, want %q", i, got, w)
		}
	}
	if ex.ChainCount.Cmp(big.NewInt(2)) != 0 || !ex.Remainder.Known() || ex.Remainder.Exact().Sign() != 0 {
		t.Fatalf("count %s remainder %s", ex.ChainCount, ex.Remainder)
	}
	if s := ex.Chains[0].Steps[0]; !s.Declared.Equal(pc("80")) || s.Loop != nil || s.From != "A" || s.To != "B2" {
		t.Fatalf("first step = %+v", s)
	}
	// Limit 1: the largest chain, and the rest as a remainder.
	ex, _ = r.Explain("A", ownership.Ownership, 1)
	if len(ex.Chains) != 1 || ex.Remainder.Exact().Cmp(rat(t, "20")) != 0 {
		t.Fatalf("limited: %v, remainder %s", ex.Chains, ex.Remainder)
	}
}

func TestExplainCrossHolding(t *testing.T) {
	r := mustCompute(t, "A", []ownership.Edge{
		e("UA", "A", "50"), e("B", "A", "50"), e("UB", "B", "50"), e("A", "B", "50"),
	}, ownership.Options{})
	tests := []struct {
		id, chain, factor, contribution string
	}{
		// Walks from A back to A inside {A, B}: 1 + 1/4 + 1/16 + ... = 4/3.
		{"UA", "UA -50.00%-> A ~(loop A,B 133.33%)~> A: 66.67%", "400/3", "200/3"},
		// Walks from B to A: 1/2 + 1/8 + ... = 2/3.
		{"UB", "UB -50.00%-> B ~(loop A,B 66.67%)~> A: 33.33%", "200/3", "100/3"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			ex, err := r.Explain(tt.id, ownership.Ownership, 5)
			if err != nil {
				t.Fatal(err)
			}
			if len(ex.Chains) != 1 || ex.Chains[0].String() != tt.chain {
				t.Fatalf("chains = %v", ex.Chains)
			}
			loop := ex.Chains[0].Steps[1]
			if loop.Factor.Exact().Cmp(rat(t, tt.factor)) != 0 || len(loop.Loop) != 2 {
				t.Fatalf("loop step = %+v", loop)
			}
			if ex.Chains[0].Contribution.Exact().Cmp(rat(t, tt.contribution)) != 0 {
				t.Fatalf("contribution = %s", ex.Chains[0].Contribution)
			}
			if ex.Remainder.Exact().Sign() != 0 || ex.ChainCount.Int64() != 1 {
				t.Fatalf("remainder %s count %s", ex.Remainder, ex.ChainCount)
			}
		})
	}
}

// lattice builds layers x width companies: every company of layer k+1 holds
// pct of every company of layer k, and layer 1 holds the root R.
func lattice(layers, width int, pct string) []ownership.Edge {
	var edges []ownership.Edge
	name := func(l, i int) string { return fmt.Sprintf("L%02d_%d", l, i) }
	for i := range width {
		edges = append(edges, e(name(1, i), "R", pct))
	}
	for l := 1; l < layers; l++ {
		for i := range width {
			for j := range width {
				edges = append(edges, e(name(l+1, i), name(l, j), pct))
			}
		}
	}
	return edges
}

func TestExplainLattice(t *testing.T) {
	// 20 layers of 5: 5^19 chains from a top company, each worth 0.2^20;
	// the total of a top company is 5^19 * 0.2^20 = 1/5, i.e. 20 %.
	r := mustCompute(t, "R", lattice(20, 5, "20"), ownership.Options{})
	wantExact(t, r, "L20_0", ownership.Ownership, "20")
	ex, err := r.Explain("L20_0", ownership.Ownership, 10)
	if err != nil {
		t.Fatal(err)
	}
	chains := new(big.Int).Exp(big.NewInt(5), big.NewInt(19), nil)
	if ex.ChainCount.Cmp(chains) != 0 {
		t.Fatalf("count = %s, want %s", ex.ChainCount, chains)
	}
	each := new(big.Rat).SetFrac(big.NewInt(100), new(big.Int).Exp(big.NewInt(5), big.NewInt(20), nil))
	if len(ex.Chains) != 10 {
		t.Fatalf("%d chains", len(ex.Chains))
	}
	for _, c := range ex.Chains {
		if len(c.Steps) != 20 || c.Contribution.Exact().Cmp(each) != 0 {
			t.Fatalf("chain %s", c)
		}
	}
	rem := new(big.Rat).Sub(big.NewRat(20, 1), new(big.Rat).Mul(each, big.NewRat(10, 1)))
	if ex.Remainder.Exact().Cmp(rem) != 0 {
		t.Fatalf("remainder %s", ex.Remainder.Exact().RatString())
	}
}

func TestExplainOrderAndUnknown(t *testing.T) {
	// P reaches R by three chains of different sizes, one through an
	// unknown percentage.
	r := mustCompute(t, "R", []ownership.Edge{
		e("P", "X", "50"), e("X", "R", "10"), // 5
		e("P", "Y", "90"), e("Y", "R", "40"), // 36
		e("P", "Z", "?"), e("Z", "R", "20"), // [0, 20]
	}, ownership.Options{})
	ex, err := r.Explain("P", ownership.Ownership, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"P -90.00%-> Y -40.00%-> R: 36.00%",
		"P -[0.00, 100.00]%-> Z -20.00%-> R: [0.00, 20.00]%",
		"P -50.00%-> X -10.00%-> R: 5.00%",
	}
	if len(ex.Chains) != 3 {
		t.Fatalf("chains %v", ex.Chains)
	}
	for i, w := range want {
		if got := ex.Chains[i].String(); got != w {
			t.Errorf("chain %d = %q, want %q", i, got, w)
		}
	}
	if ex.Total.Min().Cmp(rat(t, "41")) != 0 || ex.Total.Max().Cmp(rat(t, "61")) != 0 {
		t.Fatalf("total %s", ex.Total)
	}
	if ex.Remainder.Min().Sign() != 0 || ex.Remainder.Max().Sign() != 0 {
		t.Fatalf("remainder %s", ex.Remainder)
	}
}

// TestConcurrentReads: a Result is read by many goroutines at once (run with
// -race).
func TestConcurrentReads(t *testing.T) {
	edges := lattice(8, 3, "33.33")
	edges = append(edges, e("X", "L01_0", "?"), e("L01_1", "L02_2", "0.01"))
	r := mustCompute(t, "R", edges, ownership.Options{Voting: ownership.ControlChain})
	done := make(chan error)
	for g := range 8 {
		go func() {
			var err error
			for i := range 20 {
				id := r.Holders()[(g*7+i)%len(r.Holders())]
				in := ownership.Interest(i % 2)
				if t, _ := r.Total(id, in); t.String() == "" {
					err = fmt.Errorf("empty total")
				}
				if _, e := r.Explain(id, in, 3); e != nil {
					err = e
				}
				if _, e := r.BeneficialOwners(ownership.DefaultPolicy()); e != nil {
					err = e
				}
				_ = r.Unattributed(in)
			}
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
