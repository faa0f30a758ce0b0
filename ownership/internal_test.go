package ownership

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// TestClassifyFastPath checks the machine-integer classification against the
// big-integer one and against a direct rational computation.
func TestClassifyFastPath(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	hundred := big.NewRat(100, 1)
	for range 200000 {
		var c int64
		switch rng.IntN(4) {
		case 0:
			c = rng.Int64N(20001) - 1000
		case 1:
			c = rng.Int64N(1 << 62)
		default:
			c = rng.Int64N(1000000)
			for range rng.IntN(8) {
				c *= 10
			}
		}
		e := int32(rng.IntN(50) - 25)
		d := decimal.New(c, e)
		bp, out, prec := classifyPercent(d)
		bout, bprec := checkPercentBig(d)
		if out != bout || prec != bprec {
			t.Fatalf("%s: fast %v/%v, big %v/%v", d, out, prec, bout, bprec)
		}
		r := d.Rat()
		wantOut := r.Sign() < 0 || r.Cmp(hundred) > 0
		r100 := new(big.Rat).Mul(r, hundred)
		wantPrec := !r100.IsInt()
		if out != wantOut || prec != wantPrec {
			t.Fatalf("%s: got %v/%v, want %v/%v", d, out, prec, wantOut, wantPrec)
		}
		if !out && !prec && big.NewInt(bp).Cmp(r100.Num()) != 0 {
			t.Fatalf("%s: bp %d", d, bp)
		}
	}
}

// TestSolversAgree: the dense Bareiss solver and the sparse rational one give
// the same determinant, the same Cramer numerators and the same verdict on
// divergence, on random Z-matrices 10^4 I - W with W a substochastic (and
// sometimes exactly stochastic, i.e. closed) weight matrix.
func TestSolversAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	diverged := 0
	for trial := range 3000 {
		n := 2 + rng.IntN(bareissMax-1)
		w := make([][]int64, n)
		for i := range w {
			w[i] = make([]int64, n)
		}
		// Column j: the stakes held in j by the other members; every column
		// is full (a closed system) in a quarter of the trials.
		closed := rng.IntN(4) == 0
		for j := range n {
			total := int64(10000)
			if !closed && rng.IntN(3) > 0 {
				total = rng.Int64N(10001)
			}
			for i := range n {
				if i == j || rng.IntN(3) == 0 {
					continue
				}
				v := rng.Int64N(total + 1)
				w[i][j] = v
				total -= v
			}
			if closed {
				w[(j+1)%n][j] += total
			}
		}
		rows := make([][]entry, n)
		mat := make([][]*big.Int, n)
		rhs := make([][]*big.Rat, n)
		for i := range n {
			mat[i] = make([]*big.Int, n+1)
			for j := range n {
				v := -w[i][j]
				if i == j {
					v = 10000
				}
				mat[i][j] = big.NewInt(v)
				if v != 0 {
					rows[i] = append(rows[i], entry{int32(j), new(big.Rat).SetInt64(v)})
				}
			}
			r := rng.Int64N(1000)
			mat[i][n] = big.NewInt(r)
			rhs[i] = []*big.Rat{new(big.Rat).SetInt64(r)}
		}
		z, det, ok := bareiss(mat)
		sol, detR, okR := solveMMatrix(rows, rhs)
		if ok != okR {
			t.Fatalf("trial %d: bareiss ok=%v, sparse ok=%v", trial, ok, okR)
		}
		if !ok {
			diverged++
			continue
		}
		if detR.Cmp(new(big.Rat).SetInt(det)) != 0 {
			t.Fatalf("trial %d: det %s vs %s", trial, det, detR)
		}
		for i := range z {
			if new(big.Rat).Mul(detR, sol[i][0]).Cmp(new(big.Rat).SetInt(z[i])) != 0 {
				t.Fatalf("trial %d: z[%d]", trial, i)
			}
		}
	}
	if diverged == 0 {
		t.Fatal("no divergent system was generated")
	}
}
