package decnum_test

import (
	"math/big"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/internal/decnum"
)

func TestNumberAccessors(t *testing.T) {
	tests := []struct {
		in             string
		coef           string // of Decimal(), normalised
		exp            int32
		wcoef          string // of Written(), as in the text
		wexp           int32
		sign, int, fra int
	}{
		{"0", "0", 0, "0", 0, 0, 0, 0},
		{"-0.00", "0", 0, "0", -2, 0, 0, 0},
		{"0e7", "0", 0, "0", 7, 0, 0, 0},
		{"1.50", "15", -1, "150", -2, 1, 1, 1},
		{"-1500", "-15", 2, "-1500", 0, -1, 4, 0},
		{"123.45", "12345", -2, "12345", -2, 1, 3, 2},
		{"0.015", "15", -3, "15", -3, 1, 0, 3},
		{"-0.0150e1", "-15", -2, "-150", -3, -1, 0, 2},
		{"25e-1", "25", -1, "25", -1, 1, 1, 1},
		{"1.2300e10", "123", 8, "12300", 6, 1, 11, 0},
		{"+007.10", "71", -1, "710", -2, 1, 1, 1},
		{"1234567890123456789.0", "1234567890123456789", 0, "12345678901234567890", -1, 1, 19, 0},
		{"-0.12345678901234567890123", "-12345678901234567890123", -23, "-12345678901234567890123", -23, -1, 0, 23},
		{"12345678901234567.00", "12345678901234567", 0, "1234567890123456700", -2, 1, 17, 0},
	}
	lim := decnum.Limits{MaxIntegerDigits: 30, MaxFractionDigits: 30, Allow: decnum.LeadingZeros | decnum.PlusSign}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			n, p := decnum.Parse(tt.in, lim)
			if p.Kind != decnum.None {
				t.Fatal(p)
			}
			d := n.Decimal()
			if d.Coefficient().String() != tt.coef || d.Exponent() != tt.exp {
				t.Errorf("Decimal() = %s×10^%d, want %s×10^%d", d.Coefficient(), d.Exponent(), tt.coef, tt.exp)
			}
			w := n.Written()
			if w.Coefficient().String() != tt.wcoef || w.Exponent() != tt.wexp {
				t.Errorf("Written() = %s×10^%d, want %s×10^%d", w.Coefficient(), w.Exponent(), tt.wcoef, tt.wexp)
			}
			// Written is what decimal.NewFromString builds.
			ref := decimal.RequireFromString(tt.in)
			if ref.Coefficient().Cmp(w.Coefficient()) != 0 || ref.Exponent() != w.Exponent() {
				t.Errorf("Written() = %s×10^%d, NewFromString: %s×10^%d", w.Coefficient(), w.Exponent(), ref.Coefficient(), ref.Exponent())
			}
			if n.Sign() != tt.sign || n.IsZero() != (tt.sign == 0) || n.IntegerDigits() != tt.int || n.FractionDigits() != tt.fra {
				t.Errorf("Sign, IsZero, IntegerDigits, FractionDigits = %d, %v, %d, %d; want %d, %v, %d, %d",
					n.Sign(), n.IsZero(), n.IntegerDigits(), n.FractionDigits(), tt.sign, tt.sign == 0, tt.int, tt.fra)
			}
		})
	}
}

func TestZeroNumber(t *testing.T) {
	var n decnum.Number
	if n.String() != "0" || !n.Decimal().IsZero() || !n.Written().IsZero() || n.Sign() != 0 || !n.IsZero() {
		t.Fatalf("zero Number: %q %v %v", n.String(), n.Decimal(), n.Written())
	}
	// A zero whose written exponent does not fit an int32 falls back to
	// the normalised zero.
	n, p := decnum.Parse("0e99999999999", decnum.Limits{})
	if p.Kind != decnum.None || n.Written().Exponent() != 0 || !n.Written().IsZero() {
		t.Fatalf("0e99999999999: %v, %v", p, n.Written())
	}
}

func TestCheck(t *testing.T) {
	huge := new(big.Int).Exp(big.NewInt(10), big.NewInt(40), nil)
	hugeZeros := new(big.Int).Mul(big.NewInt(15), huge) // 15 followed by 40 zeros
	tests := []struct {
		name string
		d    decimal.Decimal
		lim  decnum.Limits
		want string // plain text, "" when refused
		kind decnum.Kind
	}{
		{"zero with huge exponent", decimal.New(0, 1<<30), riskLimits, "0", decnum.None},
		{"trailing zeros do not count", decimal.New(1000, -33), riskLimits, "0." + strings.Repeat("0", 29) + "1", decnum.None},
		{"too precise", decimal.New(1, -31), riskLimits, "", decnum.TooPrecise},
		{"10^29", decimal.New(1, 29), riskLimits, "1" + strings.Repeat("0", 29), decnum.None},
		{"10^30", decimal.New(1, 30), riskLimits, "", decnum.TooLarge},
		{"negative 10^30", decimal.New(-1, 30), riskLimits, "", decnum.TooLarge},
		{"huge exponent", decimal.New(1, 1<<30), riskLimits, "", decnum.TooLarge},
		{"huge negative exponent", decimal.New(1, -(1 << 30)), riskLimits, "", decnum.TooPrecise},
		{"most negative exponent", decimal.New(-7, -1<<31), riskLimits, "", decnum.TooPrecise},
		{"big coefficient, zeros cancel", decimal.NewFromBigInt(hugeZeros, -41), propLimits, "1.5", decnum.None},
		{"big coefficient, too large", decimal.NewFromBigInt(hugeZeros, 0), propLimits, "", decnum.TooLarge},
		{"big coefficient, too precise", decimal.NewFromBigInt(new(big.Int).Add(huge, big.NewInt(1)), -40), propLimits, "", decnum.TooPrecise},
		{"negative big coefficient", decimal.NewFromBigInt(new(big.Int).Neg(hugeZeros), -30), propLimits, "-150000000000", decnum.None},
		{"max safe", decimal.New(9007199254740991, 0), propLimits, "9007199254740991", decnum.None},
		{"exponent limit", decimal.New(0, 65), percentLimits, "", decnum.Exponent},
		{"exponent limit, negative", decimal.New(5, -65), percentLimits, "", decnum.Exponent},
		{"exponent at the limit", decimal.New(5, -64), percentLimits, "0." + strings.Repeat("0", 63) + "5", decnum.None},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := decnum.Check(tt.d, tt.lim)
			n, q := decnum.FromDecimal(tt.d, tt.lim)
			if p.Kind != tt.kind || q != p {
				t.Fatalf("Check = %v, FromDecimal = %v; want %v", p, q, tt.kind)
			}
			if tt.kind != decnum.None {
				return
			}
			if n.String() != tt.want {
				t.Fatalf("FromDecimal = %s, want %s", n.String(), tt.want)
			}
			if !n.Decimal().Equal(tt.d) {
				t.Fatalf("FromDecimal(%s).Decimal() = %s", tt.d, n.Decimal())
			}
			if w := n.Written(); w.Exponent() != tt.d.Exponent() || w.Coefficient().Cmp(tt.d.Coefficient()) != 0 {
				t.Fatalf("Written() = %s×10^%d, want the decimal itself", w.Coefficient(), w.Exponent())
			}
		})
	}
}

// TestCheckAgreesWithParse: a decimal and its scientific text are judged
// alike.
func TestCheckAgreesWithParse(t *testing.T) {
	for _, c := range []int64{0, 1, -1, 7, 10, 1000, 123456789, -900719925474099100, 1 << 62} {
		for e := int32(-45); e <= 45; e++ {
			d := decimal.New(c, e)
			text := big.NewInt(c).String() + "e" + big.NewInt(int64(e)).String()
			for _, lim := range []decnum.Limits{propLimits, riskLimits, percentLimits} {
				lim.MaxLength = 0
				n, p := decnum.Parse(text, lim)
				m, q := decnum.FromDecimal(d, lim)
				if p.Kind != q.Kind || decnum.Check(d, lim).Kind != p.Kind || n.String() != m.String() {
					t.Fatalf("%s with %+v: Parse %v %s, FromDecimal %v %s", text, lim, p, n.String(), q, m.String())
				}
			}
		}
	}
}

func TestFormat(t *testing.T) {
	huge := new(big.Int).Exp(big.NewInt(10), big.NewInt(25), nil)
	tests := []struct {
		d    decimal.Decimal
		want string
	}{
		{decimal.New(0, 0), "0"},
		{decimal.New(0, -5), "0"},
		{decimal.New(0, 5), "0"},
		{decimal.Decimal{}, "0"},
		{decimal.New(100670, -1), "10067"},
		{decimal.New(15, 2), "1500"},
		{decimal.New(-15, -1), "-1.5"},
		{decimal.New(15, -4), "0.0015"},
		{decimal.New(-1500, -6), "-0.0015"},
		{decimal.New(1667, -2), "16.67"},
		{decimal.New(123, -3), "0.123"},
		{decimal.New(1230, -3), "1.23"},
		{decimal.NewFromBigInt(huge, -25), "1"},
		{decimal.NewFromBigInt(new(big.Int).Add(huge, big.NewInt(5)), -25), "1.0000000000000000000000005"},
		{decimal.NewFromBigInt(new(big.Int).Neg(huge), 2), "-1" + strings.Repeat("0", 27)},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := decnum.Format(tt.d); got != tt.want {
				t.Errorf("Format(%s×10^%d) = %s, want %s", tt.d.Coefficient(), tt.d.Exponent(), got, tt.want)
			}
		})
	}
}

// TestFormatIgnoresSwitches: the output does not follow shopspring/decimal's
// package-level formatting switches. (No test of this package runs in
// parallel, so flipping them here races with nothing.)
func TestFormatIgnoresSwitches(t *testing.T) {
	trim, sci := decimal.TrimTrailingZeros, decimal.UseScientificNotation
	t.Cleanup(func() { decimal.TrimTrailingZeros, decimal.UseScientificNotation = trim, sci })
	decimal.TrimTrailingZeros, decimal.UseScientificNotation = false, true
	d := decimal.New(1500, -2)
	if d.String() == "15" {
		t.Fatal("the switches had no effect: the test proves nothing")
	}
	for _, tt := range []struct {
		d    decimal.Decimal
		want string
	}{{d, "15"}, {decimal.New(12, 3), "12000"}, {decimal.New(-120, -4), "-0.012"}} {
		if got := decnum.Format(tt.d); got != tt.want {
			t.Errorf("Format(%s×10^%d) = %s, want %s", tt.d.Coefficient(), tt.d.Exponent(), got, tt.want)
		}
		n, _ := decnum.FromDecimal(tt.d, riskLimits)
		if got := n.String(); got != tt.want {
			t.Errorf("FromDecimal(%s×10^%d).String() = %s, want %s", tt.d.Coefficient(), tt.d.Exponent(), got, tt.want)
		}
	}
}

// TestAllocations pins the cost claims of the package doc: Parse allocates
// nothing up to 18 significant digits, String nothing when the text was
// plain already, Check nothing on a small coefficient.
func TestAllocations(t *testing.T) {
	tests := []struct {
		in   string
		want float64 // allocations of Parse and String together
	}{
		{"20000", 0},
		{"-12.5", 0},
		{"0", 0},
		{"-0", 0},    // String is the constant "0"
		{"12.50", 1}, // the plain text "12.5"
		{"1.5e3", 1}, // the plain text "1500"
		{"123456789012345678", 0},
		{"1234567890123456789", 0},
	}
	for _, tt := range tests {
		got := testing.AllocsPerRun(100, func() {
			n, p := decnum.Parse(tt.in, riskLimits)
			if p.Kind != decnum.None {
				t.Fatal(p)
			}
			_ = n.String()
		})
		if got != tt.want {
			t.Errorf("%s: %v allocations, want %v", tt.in, got, tt.want)
		}
	}
	if got := testing.AllocsPerRun(100, func() {
		if decnum.Check(decimal.New(123456, -2), riskLimits).Kind != decnum.None {
			t.Fatal("refused")
		}
	}); got != 0 {
		t.Errorf("Check: %v allocations, want 0", got)
	}
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		p    decnum.Problem
		want string
	}{
		{decnum.Problem{}, "no problem"},
		{decnum.Problem{Kind: decnum.Syntax, Detail: 3}, "not a decimal number: unexpected input at byte 3"},
		{decnum.Problem{Kind: decnum.TooLong, Detail: 65}, "number text too long: 65 bytes"},
		{decnum.Problem{Kind: decnum.Exponent, Detail: -66}, "exponent out of range: -66"},
		{decnum.Problem{Kind: decnum.TooLarge, Detail: 17}, "too large: 17 digits before the decimal point"},
		{decnum.Problem{Kind: decnum.TooPrecise, Detail: 21}, "too precise: 21 digits after the decimal point"},
		{decnum.Problem{Kind: 42, Detail: 1}, "kind(42) 1"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.p, got, tt.want)
		}
	}
	if decnum.TooPrecise.String() != "too_precise" || decnum.None.String() != "none" {
		t.Error("Kind.String")
	}
}
