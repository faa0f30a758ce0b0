package decnum_test

import (
	"encoding/json"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/internal/decnum"
)

var (
	strictGrammar  = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)
	lenientGrammar = regexp.MustCompile(`^[-+]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)
	plainGrammar   = regexp.MustCompile(`^(0|-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?)$`)
)

// fuzzLimits builds limits from fuzz arguments, small enough to be reached.
func fuzzLimits(maxInt, maxFrac, maxExp uint8, lenient bool) decnum.Limits {
	lim := decnum.Limits{MaxIntegerDigits: int(maxInt % 40), MaxFractionDigits: int(maxFrac % 40), MaxExponent: int(maxExp % 80)}
	if lenient {
		lim.Allow = decnum.LeadingZeros | decnum.PlusSign
	}
	return lim
}

// ratOf returns the exact value of a number text, by math/big, or false
// when its exponent is too long for big.Rat to build in reasonable time.
func ratOf(s string) (*big.Rat, bool) {
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if lim := len(s) + 100; err != nil || e > lim || e < -lim {
			return nil, false
		}
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

var ten = big.NewInt(10)

func pow10(n int) *big.Rat {
	return new(big.Rat).SetInt(new(big.Int).Exp(ten, big.NewInt(int64(n)), nil))
}

// FuzzParse checks Parse against math/big and regular expressions: it
// accepts exactly the grammar; an accepted text has exactly the value
// big.Rat reads from it, within the limits; a refusal for magnitude or
// precision is right; the plain text is a JSON number that parses back to
// the same value and text; FromDecimal, Check and Format agree.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"0", "-0", "10067", "10067.0", "-0.5e-3", "1e30", "1e-31", "NaN", "01", "+1", "1.", ".5", "1e", "-",
		"0e99999999999999999999", "1e999999999", "05.50", "+0.0", "100e-66", "9007199254740991", "123456789012345678901234567890.5", "1E+3"} {
		f.Add(s, uint8(30), uint8(30), uint8(0), false)
		f.Add(s, uint8(16), uint8(20), uint8(64), true)
	}
	f.Fuzz(func(t *testing.T, s string, maxInt, maxFrac, maxExp uint8, lenient bool) {
		lim := fuzzLimits(maxInt, maxFrac, maxExp, lenient)
		n, p := decnum.Parse(s, lim)

		grammar := strictGrammar
		if lenient {
			grammar = lenientGrammar
		}
		if (p.Kind != decnum.Syntax) != grammar.MatchString(s) {
			t.Fatalf("Parse(%q) = %v, grammar match %v", s, p, grammar.MatchString(s))
		}
		if !lenient && p.Kind != decnum.Syntax {
			var num json.Number
			if json.Unmarshal([]byte(s), &num) != nil || num.String() != s {
				t.Fatalf("Parse(%q) accepted what encoding/json refuses as a number", s)
			}
		}
		if p.Kind == decnum.Syntax {
			if p.Detail < 0 || p.Detail > int64(len(s)) || n != (decnum.Number{}) {
				t.Fatalf("Parse(%q) = %v, %v", s, n, p)
			}
			return
		}

		if scale, ok := writtenExponent(s); ok && lim.MaxExponent > 0 {
			beyond := scale > lim.MaxExponent || scale < -lim.MaxExponent
			exactDetail := scale < 1<<50 && scale > -1<<50 // beyond, Detail saturates
			if (p.Kind == decnum.Exponent) != beyond || beyond && exactDetail && p.Detail != int64(scale) {
				t.Fatalf("Parse(%q) = %v, written exponent %d, limit %d", s, p, scale, lim.MaxExponent)
			}
		}
		r, exact := ratOf(s)
		if exact {
			mag := new(big.Rat).Abs(r)
			large := mag.Cmp(pow10(lim.MaxIntegerDigits)) >= 0
			precise := !new(big.Rat).Mul(mag, pow10(lim.MaxFractionDigits)).IsInt()
			switch p.Kind {
			case decnum.TooLarge:
				if !large {
					t.Fatalf("Parse(%q) = %v, but |v| < 10^%d", s, p, lim.MaxIntegerDigits)
				}
			case decnum.TooPrecise:
				if large || !precise {
					t.Fatalf("Parse(%q) = %v, but large %v, precise %v", s, p, large, precise)
				}
			case decnum.None:
				if large || precise {
					t.Fatalf("Parse(%q) accepted, but large %v, precise %v (limits %+v)", s, large, precise, lim)
				}
			}
		}
		if p.Kind != decnum.None {
			return
		}

		d := n.Decimal()
		if exact && d.Rat().Cmp(r) != 0 {
			t.Fatalf("Parse(%q) = %s, big.Rat says %s", s, n.String(), r.RatString())
		}
		if !exact && !n.IsZero() {
			t.Fatalf("Parse(%q) = %s: a number with a huge exponent accepted", s, n.String())
		}
		if ref, err := decimal.NewFromString(s); err == nil {
			w := n.Written()
			if !ref.Equal(d) || ref.Exponent() != w.Exponent() || ref.Coefficient().Cmp(w.Coefficient()) != 0 {
				t.Fatalf("Parse(%q): %s and %s×10^%d, NewFromString: %s×10^%d", s, d, w.Coefficient(), w.Exponent(), ref.Coefficient(), ref.Exponent())
			}
		}
		if !n.Written().Equal(d) {
			t.Fatalf("Parse(%q): Written %s != Decimal %s", s, n.Written(), d)
		}
		if c := d.Coefficient(); c.Sign() != 0 && new(big.Int).Rem(c, ten).Sign() == 0 {
			t.Fatalf("Parse(%q).Decimal() = %s×10^%d is not normalised", s, c, d.Exponent())
		}

		text := n.String()
		if !plainGrammar.MatchString(text) {
			t.Fatalf("Parse(%q).String() = %q is not plain notation", s, text)
		}
		var num json.Number
		if err := json.Unmarshal([]byte(text), &num); err != nil {
			t.Fatalf("%q is not a JSON number: %v", text, err)
		}
		back, q := decnum.Parse(text, decnum.Limits{MaxIntegerDigits: lim.MaxIntegerDigits, MaxFractionDigits: lim.MaxFractionDigits})
		if q.Kind != decnum.None || back.String() != text || !back.Decimal().Equal(d) {
			t.Fatalf("String() = %q of %q parses back to %q, %v", text, s, back.String(), q)
		}
		intPart, frac, _ := strings.Cut(strings.TrimPrefix(text, "-"), ".")
		if intPart == "0" {
			intPart = ""
		}
		if n.IntegerDigits() != len(intPart) || n.FractionDigits() != len(frac) {
			t.Fatalf("%q: IntegerDigits %d, FractionDigits %d", text, n.IntegerDigits(), n.FractionDigits())
		}
		// The written decimal has the written exponent; the normalised one
		// may not (100 is 1×10^2), so MaxExponent does not apply to it.
		if m, q := decnum.FromDecimal(n.Written(), lim); q.Kind != decnum.None || m.String() != text {
			t.Fatalf("FromDecimal(%s) = %q, %v; want %q", n.Written(), m.String(), q, text)
		}
		noExp := lim
		noExp.MaxExponent = 0
		if m, q := decnum.FromDecimal(d, noExp); q.Kind != decnum.None || m.String() != text {
			t.Fatalf("FromDecimal(%s) = %q, %v; want %q", d, m.String(), q, text)
		}
		if decnum.Check(d, noExp).Kind != decnum.None || decnum.Check(n.Written(), lim).Kind != decnum.None ||
			decnum.Format(d) != text || decnum.Format(n.Written()) != text {
			t.Fatalf("Check or Format disagree on %q", s)
		}
	})
}

// writtenExponent returns the exponent of a number text as written (its
// exponent minus its fraction digits), or false when it is too long for an
// int.
func writtenExponent(s string) (int, bool) {
	mant, exp, _ := strings.Cut(strings.ToLower(s), "e")
	e := 0
	if exp != "" {
		var err error
		if e, err = strconv.Atoi(exp); err != nil {
			return 0, false
		}
	}
	_, frac, _ := strings.Cut(mant, ".")
	return e - len(frac), true
}

// FuzzFromDecimal checks Check and FromDecimal against math/big on decimals
// built in Go, with coefficients of any size and any exponent.
func FuzzFromDecimal(f *testing.F) {
	f.Add(int64(1), int32(29), uint8(0), uint8(30), uint8(30))
	f.Add(int64(-1000), int32(-33), uint8(0), uint8(30), uint8(30))
	f.Add(int64(7), int32(1<<30), uint8(0), uint8(16), uint8(20))
	f.Add(int64(15), int32(-41), uint8(40), uint8(16), uint8(20))
	f.Add(int64(0), int32(-1<<31), uint8(0), uint8(1), uint8(1))
	f.Fuzz(func(t *testing.T, c int64, e int32, zeros uint8, maxInt, maxFrac uint8) {
		lim := fuzzLimits(maxInt, maxFrac, 0, false)
		coef := new(big.Int).Mul(big.NewInt(c), new(big.Int).Exp(ten, big.NewInt(int64(zeros)), nil))
		d := decimal.NewFromBigInt(coef, e)
		n, p := decnum.FromDecimal(d, lim)
		if q := decnum.Check(d, lim); q != p {
			t.Fatalf("Check = %v, FromDecimal = %v", q, p)
		}
		if e > -3000 && e < 3000 {
			r := d.Rat()
			mag := new(big.Rat).Abs(r)
			large := mag.Cmp(pow10(lim.MaxIntegerDigits)) >= 0
			precise := !new(big.Rat).Mul(mag, pow10(lim.MaxFractionDigits)).IsInt()
			want := decnum.None
			switch {
			case large:
				want = decnum.TooLarge
			case precise:
				want = decnum.TooPrecise
			}
			if p.Kind != want {
				t.Fatalf("FromDecimal(%s×10^%d) = %v, want %v", coef, e, p, want)
			}
			if p.Kind == decnum.None {
				if n.Decimal().Rat().Cmp(r) != 0 || decnum.Format(d) != n.String() {
					t.Fatalf("FromDecimal(%s×10^%d) = %s", coef, e, n.String())
				}
				// The plain text reads back as the same number.
				back, q := decnum.Parse(n.String(), lim)
				if q.Kind != decnum.None || back.String() != n.String() {
					t.Fatalf("%q parses back as %q, %v", n.String(), back.String(), q)
				}
			}
		}
		// The scientific text of d is judged as d is.
		text := coef.String() + "e" + strconv.Itoa(int(e))
		if m, q := decnum.Parse(text, lim); q.Kind != p.Kind || m.String() != n.String() {
			t.Fatalf("Parse(%q) = %v %s, FromDecimal = %v %s", text, q, m.String(), p, n.String())
		}
	})
}
