package ownership

import (
	"math/big"
	"math/bits"
	"slices"
	"strconv"
	"strings"
)

// This file holds the exact arithmetic of the walk sums.
//
// A value is a non-negative rational mag / (10^exp * Q[set]), where mag is a
// fixed-width integer of up to fixWords 64-bit words held inline (the fast
// path: machine multiplications and additions with carry and overflow
// checks, no allocation) and a *big.Int only when it overflows, and Q[set] is
// the product of the determinants of the cyclic components the value went
// through (1 for the empty set). Values of acyclic parts are therefore exact
// fixed-point decimals, and a cross-holding only adds its determinant to the
// denominator of what lies above it: no big.Rat (and no gcd) is ever computed
// outside the small linear systems of the cyclic components.

// pow10u[i] is 10^i for i <= 19.
var pow10u = [20]uint64{
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
	10000000000, 100000000000, 1000000000000, 10000000000000, 100000000000000,
	1000000000000000, 10000000000000000, 100000000000000000, 1000000000000000000,
	10000000000000000000,
}

// fixWords is the capacity of the inline magnitude: 256 bits, 77 digits.
const fixWords = 4

// fix is a non-negative integer of at most fixWords words, little-endian;
// n is the number of significant words (0 for zero).
type fix struct {
	w [fixWords]uint64
	n uint8
}

func fixOf(u uint64) fix {
	var f fix
	if u != 0 {
		f.w[0], f.n = u, 1
	}
	return f
}

// mulWord returns x*m, and false on overflow.
func mulWord(x *fix, m uint64) (r fix, ok bool) {
	var carry uint64
	n := int(x.n)
	for i := range n {
		hi, lo := bits.Mul64(x.w[i], m)
		var c uint64
		r.w[i], c = bits.Add64(lo, carry, 0)
		carry = hi + c
	}
	r.n = x.n
	if carry != 0 {
		if n == fixWords {
			return r, false
		}
		r.w[n] = carry
		r.n++
	}
	if m == 0 {
		return fix{}, true
	}
	return r, true
}

// addFix returns x+y, and false on overflow.
func addFix(x, y *fix) (r fix, ok bool) {
	n := int(max(x.n, y.n))
	var c uint64
	for i := range n {
		r.w[i], c = bits.Add64(x.w[i], y.w[i], c)
	}
	r.n = uint8(n)
	if c != 0 {
		if n == fixWords {
			return r, false
		}
		r.w[n] = 1
		r.n++
	}
	return r, true
}

// mod10 returns x mod 10 (2^64 = 6 mod 10, and 6^k = 6 mod 10 for k >= 1).
func (x *fix) mod10() uint64 {
	var s uint64
	for i := 1; i < int(x.n); i++ {
		s += x.w[i] % 10
	}
	return (x.w[0]%10 + 6*s) % 10
}

// div10 divides x by 10 in place (x must be a multiple of 10).
func (x *fix) div10() {
	var r uint64
	for i := int(x.n) - 1; i >= 0; i-- {
		x.w[i], r = bits.Div64(r, x.w[i], 10)
	}
	for x.n > 0 && x.w[x.n-1] == 0 {
		x.n--
	}
}

// setBig sets z to x.
func (x *fix) setBig(z *big.Int) *big.Int {
	if bits.UintSize == 64 {
		ws := make([]big.Word, x.n)
		for i := range ws {
			ws[i] = big.Word(x.w[i])
		}
		return z.SetBits(ws)
	}
	var t big.Int
	z.SetUint64(0)
	for i := int(x.n) - 1; i >= 0; i-- {
		z.Lsh(z, 64)
		z.Or(z, t.SetUint64(x.w[i]))
	}
	return z
}

// fixFromBig converts a non-negative z, and reports false when it does not fit.
func fixFromBig(z *big.Int) (fix, bool) {
	if z.BitLen() > 64*fixWords {
		return fix{}, false
	}
	var f fix
	if bits.UintSize == 64 {
		for i, w := range z.Bits() {
			f.w[i] = uint64(w)
		}
	} else {
		var buf [8 * fixWords]byte
		z.FillBytes(buf[:])
		for i := range fixWords {
			for j := range 8 {
				f.w[i] |= uint64(buf[len(buf)-1-8*i-j]) << (8 * j)
			}
		}
	}
	f.n = fixWords
	for f.n > 0 && f.w[f.n-1] == 0 {
		f.n--
	}
	return f, true
}

// xval is an exact value; see the file comment. inf marks +infinity (a walk
// sum that diverges). It holds no pointer, so that arrays of values cost the
// garbage collector nothing: a magnitude too large for f lives in the
// arith's side table, at index big-1.
type xval struct {
	f   fix
	big int32
	exp int32
	set int32
	inf bool
}

func (v *xval) isZero() bool { return !v.inf && v.big == 0 && v.f.n == 0 }

// mag sets z to the magnitude of v.
func (ar *arith) mag(v *xval, z *big.Int) *big.Int {
	if v.big != 0 {
		return z.Set(ar.bigs[v.big-1])
	}
	return v.f.setBig(z)
}

// storeBig records a large magnitude and returns its reference.
func (ar *arith) storeBig(z *big.Int) int32 {
	ar.bigs = append(ar.bigs, z)
	return int32(len(ar.bigs))
}

// arith holds the per-pass tables: the interned sets of cyclic components
// with their denominators, and a cache of big powers of ten.
type arith struct {
	members [][]int32  // sorted component ids of each set; set 0 is empty
	q       []*big.Int // Q of each set
	delta   map[int32]*big.Int
	byKey   map[string]int32
	unions  map[uint64]int32
	ratios  map[uint64]*big.Int
	pows    []*big.Int
	bigs    []*big.Int // magnitudes that do not fit inline
}

func newArith() *arith {
	return &arith{
		members: [][]int32{nil},
		q:       []*big.Int{big.NewInt(1)},
		delta:   map[int32]*big.Int{},
		byKey:   map[string]int32{"": 0},
		unions:  map[uint64]int32{},
		ratios:  map[uint64]*big.Int{},
	}
}

// pow10read returns 10^n as a read-only *big.Int without touching the
// cache, so that a finished Result can be read concurrently.
func (ar *arith) pow10read(n int32) *big.Int {
	if n < int32(len(ar.pows)) {
		return ar.pows[n]
	}
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}

// pow10 returns 10^n as a shared, read-only *big.Int, caching it. It is only
// called while computing.
func (ar *arith) pow10(n int32) *big.Int {
	for int32(len(ar.pows)) <= n {
		k := int64(len(ar.pows))
		ar.pows = append(ar.pows, new(big.Int).Exp(big.NewInt(10), big.NewInt(k), nil))
	}
	return ar.pows[n]
}

func setKey(m []int32) string {
	var b strings.Builder
	for i, s := range m {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(int(s)))
	}
	return b.String()
}

// intern returns the id of the set with the given sorted members.
func (ar *arith) intern(m []int32) int32 {
	k := setKey(m)
	if id, ok := ar.byKey[k]; ok {
		return id
	}
	q := big.NewInt(1)
	for _, s := range m {
		q.Mul(q, ar.delta[s])
	}
	id := int32(len(ar.members))
	ar.members = append(ar.members, m)
	ar.q = append(ar.q, q)
	ar.byKey[k] = id
	return id
}

// union returns the id of the union of two sets.
func (ar *arith) union(a, b int32) int32 {
	if a == b || b == 0 {
		return a
	}
	if a == 0 {
		return b
	}
	if a > b {
		a, b = b, a
	}
	key := uint64(uint32(a))<<32 | uint64(uint32(b))
	if id, ok := ar.unions[key]; ok {
		return id
	}
	ma, mb := ar.members[a], ar.members[b]
	m := make([]int32, 0, len(ma)+len(mb))
	i, j := 0, 0
	for i < len(ma) || j < len(mb) {
		switch {
		case j == len(mb) || (i < len(ma) && ma[i] < mb[j]):
			m = append(m, ma[i])
			i++
		case i == len(ma) || mb[j] < ma[i]:
			m = append(m, mb[j])
			j++
		default:
			m = append(m, ma[i])
			i++
			j++
		}
	}
	id := ar.intern(m)
	ar.unions[key] = id
	return id
}

// withComponent returns the id of set a plus component s, whose
// determinant must have been registered.
func (ar *arith) withComponent(a int32, s int32) int32 {
	single := ar.intern([]int32{s})
	return ar.union(a, single)
}

// ratio returns Q[to] / Q[from] for from ⊆ to, read-only.
func (ar *arith) ratio(from, to int32) *big.Int {
	key := uint64(uint32(from))<<32 | uint64(uint32(to))
	if r, ok := ar.ratios[key]; ok {
		return r
	}
	r := big.NewInt(1)
	mf := ar.members[from]
	for _, s := range ar.members[to] {
		if _, in := slices.BinarySearch(mf, s); !in {
			r.Mul(r, ar.delta[s])
		}
	}
	ar.ratios[key] = r
	return r
}

// rat returns scale * v as a big.Rat; v must be finite. It only reads ar.
func (ar *arith) rat(v xval, scale int64) *big.Rat {
	num := ar.mag(&v, new(big.Int))
	if scale != 1 {
		num.Mul(num, big.NewInt(scale))
	}
	den := new(big.Int).Set(ar.q[v.set])
	if v.exp > 0 {
		den.Mul(den, ar.pow10read(v.exp))
	} else if v.exp < 0 {
		num.Mul(num, ar.pow10read(-v.exp))
	}
	return new(big.Rat).SetFrac(num, den)
}

// accum accumulates a sum of terms c/10^k * value. Its zero value is 0.
type accum struct {
	f       fix
	b       big.Int
	isBig   bool
	exp     int32
	set     int32
	inf     bool
	nonzero bool
	t1, t2  big.Int
}

func (a *accum) reset() {
	a.f, a.isBig, a.exp, a.set, a.inf, a.nonzero = fix{}, false, 0, 0, false, false
}

// setOne sets the accumulator to 1.
func (a *accum) setOne() {
	a.reset()
	a.f, a.nonzero = fixOf(1), true
}

func (a *accum) toBig() {
	if !a.isBig {
		a.f.setBig(&a.b)
		a.isBig = true
	}
}

func (a *accum) mulBig(m *big.Int) {
	a.toBig()
	a.b.Mul(&a.b, m)
}

// mulPow10 multiplies the accumulator by 10^d.
func (a *accum) mulPow10(d int32, ar *arith) {
	for !a.isBig && d > 0 {
		step := min(d, 19)
		r, ok := mulWord(&a.f, pow10u[step])
		if !ok {
			break
		}
		a.f, d = r, d-step
	}
	if d > 0 {
		a.mulBig(ar.pow10(d))
	}
}

// add adds c / 10^k * v, where c <= 10000.
func (a *accum) add(c uint64, k int32, v *xval, ar *arith) {
	if c == 0 || a.inf {
		return
	}
	if v.inf {
		a.inf = true
		return
	}
	if v.isZero() {
		return
	}
	e := v.exp + k
	if !a.nonzero {
		a.nonzero, a.exp, a.set = true, e, v.set
		if v.big == 0 {
			if r, ok := mulWord(&v.f, c); ok {
				a.f, a.isBig = r, false
				return
			}
		}
		ar.mag(v, &a.b)
		a.t1.SetUint64(c)
		a.b.Mul(&a.b, &a.t1)
		a.isBig = true
		return
	}
	if v.set != a.set {
		if t := ar.union(a.set, v.set); t != a.set {
			a.mulBig(ar.ratio(a.set, t))
			a.set = t
		}
	}
	if e > a.exp {
		a.mulPow10(e-a.exp, ar)
		a.exp = e
	}
	d := a.exp - e
	if !a.isBig && v.big == 0 && v.set == a.set && d < 20 {
		// term = v * c * 10^d, with c * 10^d in one word when it fits.
		hi, m := bits.Mul64(c, pow10u[d])
		if hi == 0 {
			if t, ok := mulWord(&v.f, m); ok {
				if s, ok := addFix(&a.f, &t); ok {
					a.f = s
					return
				}
			}
		}
	}
	t := ar.mag(v, &a.t1)
	a.t2.SetUint64(c)
	t.Mul(t, &a.t2)
	if d > 0 {
		t.Mul(t, ar.pow10(d))
	}
	if v.set != a.set {
		t.Mul(t, ar.ratio(v.set, a.set))
	}
	a.toBig()
	a.b.Add(&a.b, t)
}

// value returns the accumulated value; see valueInto.
func (a *accum) value(ar *arith) xval {
	var v xval
	a.valueInto(&v, ar)
	return v
}

// valueInto stores the accumulated value in *v, normalised: inline when it
// fits, trailing decimal zeros removed from inline values.
func (a *accum) valueInto(v *xval, ar *arith) {
	switch {
	case a.inf:
		*v = xval{inf: true}
		return
	case !a.nonzero:
		*v = xval{}
		return
	}
	v.f, v.big, v.exp, v.set, v.inf = a.f, 0, a.exp, a.set, false
	if a.isBig {
		f, ok := fixFromBig(&a.b)
		if !ok {
			v.big = ar.storeBig(new(big.Int).Set(&a.b))
			return
		}
		v.f = f
	}
	if v.f.n == 0 {
		*v = xval{}
		return
	}
	for v.exp > 0 && v.f.mod10() == 0 {
		v.f.div10()
		v.exp--
	}
}

// reduceBP writes bp/10000 as c/10^k with c not divisible by 10 (unless 0).
func reduceBP(bp int32) (c uint64, k int32) {
	if bp <= 0 {
		return 0, 0
	}
	c, k = uint64(bp), 4
	for k > 0 && c%10 == 0 {
		c /= 10
		k--
	}
	return c, k
}

// setSum adds many values whose denominators differ. Values are first
// accumulated per denominator set (cheap: same set, mostly the uint64 fast
// path), then the per-set sums are combined pairwise in a balanced tree, so
// the big common denominators are built O(log k) times instead of once per
// value.
type setSum struct {
	groups map[int32]*accum
	inf    bool
}

func (s *setSum) add(c uint64, k int32, v *xval, ar *arith) {
	if c == 0 || v.isZero() {
		return
	}
	if v.inf {
		s.inf = true
		return
	}
	if s.groups == nil {
		s.groups = map[int32]*accum{}
	}
	a := s.groups[v.set]
	if a == nil {
		a = &accum{}
		s.groups[v.set] = a
	}
	a.add(c, k, v, ar)
}

func (s *setSum) value(ar *arith) xval {
	if s.inf {
		return xval{inf: true}
	}
	sets := make([]int32, 0, len(s.groups))
	for set := range s.groups {
		sets = append(sets, set)
	}
	slices.Sort(sets)
	vals := make([]xval, len(sets))
	for i, set := range sets {
		vals[i] = s.groups[set].value(ar)
	}
	if len(vals) == 0 {
		return xval{}
	}
	var a accum
	for len(vals) > 1 {
		next := vals[:0:0]
		for i := 0; i < len(vals); i += 2 {
			if i+1 == len(vals) {
				next = append(next, vals[i])
				continue
			}
			a.reset()
			a.add(1, 0, &vals[i], ar)
			a.add(1, 0, &vals[i+1], ar)
			next = append(next, a.value(ar))
		}
		vals = next
	}
	return vals[0]
}
