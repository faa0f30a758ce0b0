package ownership

import "math/big"

// entry is one non-zero coefficient of a sparse row.
type entry struct {
	col int32
	v   *big.Rat
}

// solveMMatrix solves M X = B exactly, where M is a Z-matrix (positive
// diagonal, non-positive off-diagonal entries) given as sparse rows sorted by
// column, and B has k dense columns (rhs[i][j] is row i, column j).
//
// It eliminates without pivoting. For a Z-matrix, the pivots are the ratios of
// consecutive leading principal minors, and all of them are positive exactly
// when M is a non-singular M-matrix, i.e. when the spectral radius of the
// walk matrix is below 1 and the walk sums converge. ok is false otherwise
// (the walk sums diverge: a closed loop, or an upper bound that is
// unbounded). det is the determinant (the product of the pivots).
//
// rows and rhs are consumed.
func solveMMatrix(rows [][]entry, rhs [][]*big.Rat) (sol [][]*big.Rat, det *big.Rat, ok bool) {
	n := len(rows)
	det = big.NewRat(1, 1)
	pivots := make([]*big.Rat, n)
	var f, t big.Rat
	for i := range n {
		ri := rows[i]
		if len(ri) == 0 || ri[0].col != int32(i) || ri[0].v.Sign() <= 0 {
			return nil, nil, false
		}
		p := ri[0].v
		pivots[i] = p
		det.Mul(det, p)
		for j := i + 1; j < n; j++ {
			rj := rows[j]
			if len(rj) == 0 || rj[0].col != int32(i) {
				continue
			}
			f.Quo(rj[0].v, p)
			// rows[j] = rows[j] - f*rows[i], dropping column i.
			merged := make([]entry, 0, len(rj)+len(ri)-2)
			a, b := 1, 1
			for a < len(rj) || b < len(ri) {
				switch {
				case b == len(ri) || (a < len(rj) && rj[a].col < ri[b].col):
					merged = append(merged, rj[a])
					a++
				case a == len(rj) || ri[b].col < rj[a].col:
					v := new(big.Rat).Mul(&f, ri[b].v)
					v.Neg(v)
					merged = append(merged, entry{ri[b].col, v})
					b++
				default:
					t.Mul(&f, ri[b].v)
					v := new(big.Rat).Sub(rj[a].v, &t)
					if v.Sign() != 0 {
						merged = append(merged, entry{rj[a].col, v})
					}
					a++
					b++
				}
			}
			rows[j] = merged
			for c := range rhs[j] {
				if rhs[i][c].Sign() != 0 {
					t.Mul(&f, rhs[i][c])
					rhs[j][c] = new(big.Rat).Sub(rhs[j][c], &t)
				}
			}
		}
	}
	sol = make([][]*big.Rat, n)
	for i := n - 1; i >= 0; i-- {
		row := make([]*big.Rat, len(rhs[i]))
		for c := range rhs[i] {
			v := new(big.Rat).Set(rhs[i][c])
			for _, e := range rows[i][1:] {
				if s := sol[e.col][c]; s.Sign() != 0 {
					t.Mul(e.v, s)
					v.Sub(v, &t)
				}
			}
			row[c] = v.Quo(v, pivots[i])
		}
		sol[i] = row
	}
	return sol, det, true
}

// bareissMax is the largest component solved densely by bareiss; larger
// ones use the sparse rational elimination of solveMMatrix.
const bareissMax = 12

// bareiss solves M x = r for a small dense integer Z-matrix M by
// fraction-free (Bareiss) elimination: no gcd, only exact integer divisions.
// It returns det = det M and z = det * x, which is an integer vector
// (Cramer's rule). After step k the pivot a[k][k] is the leading principal
// minor of order k+1, so ok is false exactly when one of them is not
// positive: M is not a non-singular M-matrix and the walk sums diverge.
// a is n x (n+1), the last column holding r; it is consumed.
func bareiss(a [][]*big.Int) (z []*big.Int, det *big.Int, ok bool) {
	n := len(a)
	prev := big.NewInt(1)
	var t1, t2 big.Int
	for k := range n {
		if a[k][k].Sign() <= 0 {
			return nil, nil, false
		}
		for i := k + 1; i < n; i++ {
			for j := k + 1; j <= n; j++ {
				t1.Mul(a[k][k], a[i][j])
				t2.Mul(a[i][k], a[k][j])
				t1.Sub(&t1, &t2)
				a[i][j].Quo(&t1, prev)
			}
			a[i][k].SetInt64(0)
		}
		prev = a[k][k]
	}
	det = new(big.Int).Set(a[n-1][n-1])
	z = make([]*big.Int, n)
	for i := n - 1; i >= 0; i-- {
		v := new(big.Int).Mul(det, a[i][n])
		for j := i + 1; j < n; j++ {
			if a[i][j].Sign() != 0 {
				v.Sub(v, t1.Mul(a[i][j], z[j]))
			}
		}
		z[i] = v.Quo(v, a[i][i])
	}
	return z, det, true
}
