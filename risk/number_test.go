package risk

import (
	"math/big"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/validation"
)

func TestParseNumber(t *testing.T) {
	thirtyNines := strings.Repeat("9", 30)
	tests := []struct {
		in   string
		want string // canonical text; "" when an error is expected
		code validation.Code
	}{
		{in: "10067", want: "10067"},
		{in: "10067.0", want: "10067"},
		{in: "10067.000000", want: "10067"},
		{in: "-12.50", want: "-12.5"},
		{in: "0", want: "0"},
		{in: "-0", want: "0"},
		{in: "0.0", want: "0"},
		{in: "0.001", want: "0.001"},
		{in: "1e3", want: "1000"},
		{in: "1E+3", want: "1000"},
		{in: "25e-1", want: "2.5"},
		{in: "1.5e-2", want: "0.015"},
		{in: "16.67", want: "16.67"},
		{in: thirtyNines, want: thirtyNines},
		{in: "-" + thirtyNines, want: "-" + thirtyNines},
		{in: "0." + strings.Repeat("0", 29) + "1", want: "0." + strings.Repeat("0", 29) + "1"},
		{in: "1" + strings.Repeat("0", 30), code: validation.CodeOutOfRange},
		{in: "1e30", code: validation.CodeOutOfRange},
		{in: "9.9e29", want: "99" + strings.Repeat("0", 28)},
		{in: "1e-31", code: validation.CodeTooPrecise},
		{in: "1e999999999", code: validation.CodeOutOfRange},
		{in: "1e99999999999999999999", code: validation.CodeOutOfRange},
		{in: "1e-99999999999999999999", code: validation.CodeTooPrecise},
		{in: "0e99999999999999999999", want: "0"},
		{in: "1." + strings.Repeat("0", 5000), want: "1"},
		{in: "0." + strings.Repeat("0", 5000) + "1", code: validation.CodeTooPrecise},
		{in: "", code: validation.CodeInvalidFormat},
		{in: "-", code: validation.CodeInvalidFormat},
		{in: "NaN", code: validation.CodeInvalidFormat},
		{in: "nan", code: validation.CodeInvalidFormat},
		{in: "Infinity", code: validation.CodeInvalidFormat},
		{in: "-Inf", code: validation.CodeInvalidFormat},
		{in: "+1", code: validation.CodeInvalidFormat},
		{in: "01", code: validation.CodeInvalidFormat},
		{in: "1.", code: validation.CodeInvalidFormat},
		{in: ".5", code: validation.CodeInvalidFormat},
		{in: "1e", code: validation.CodeInvalidFormat},
		{in: "1e+", code: validation.CodeInvalidFormat},
		{in: " 1", code: validation.CodeInvalidFormat},
		{in: "1 ", code: validation.CodeInvalidFormat},
		{in: "1_000", code: validation.CodeInvalidFormat},
		{in: "1,5", code: validation.CodeInvalidFormat},
		{in: "0x10", code: validation.CodeInvalidFormat},
		{in: "١٢", code: validation.CodeInvalidFormat}, // Arabic-Indic digits
	}
	for _, tt := range tests {
		t.Run(tt.in[:min(len(tt.in), 40)], func(t *testing.T) {
			d, p := parseNumber(tt.in)
			if tt.want == "" {
				if p == nil {
					t.Fatalf("parseNumber(%q) = %s, want error %s", tt.in, d, tt.code)
				}
				if p.code != tt.code {
					t.Fatalf("parseNumber(%q) code = %s, want %s", tt.in, p.code, tt.code)
				}
				return
			}
			if p != nil {
				t.Fatalf("parseNumber(%q) error %s: %s", tt.in, p.code, p.msg)
			}
			if got := formatNumber(d); got != tt.want {
				t.Errorf("parseNumber(%q) = %s, want %s", tt.in, got, tt.want)
			}
			if want := decimal.RequireFromString(tt.want); !d.Equal(want) {
				t.Errorf("parseNumber(%q) = %s, not equal to %s", tt.in, d, want)
			}
			if checkDecimal(d) != nil {
				t.Errorf("accepted %q fails checkDecimal", tt.in)
			}
		})
	}
}

func TestCheckDecimal(t *testing.T) {
	tests := []struct {
		name string
		d    decimal.Decimal
		want *numberProblem
	}{
		{"zero with huge exponent", decimal.New(0, 1<<30), nil},
		{"trailing zeros do not count", decimal.New(1000, -33), nil}, // 1e-30
		{"too precise", decimal.New(1, -31), errTooPrecise},
		{"10^29", decimal.New(1, 29), nil},
		{"10^30", decimal.New(1, 30), errTooLarge},
		{"negative 10^30", decimal.New(-1, 30), errTooLarge},
		{"huge exponent", decimal.New(1, 1<<30), errTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkDecimal(tt.d); got != tt.want {
				t.Errorf("checkDecimal(%s) = %v, want %v", tt.d.Coefficient(), got, tt.want)
			}
		})
	}
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		d    decimal.Decimal
		want string
	}{
		{decimal.New(0, 0), "0"},
		{decimal.New(0, -5), "0"},
		{decimal.New(100670, -1), "10067"},
		{decimal.New(15, 2), "1500"},
		{decimal.New(-15, -1), "-1.5"},
		{decimal.New(15, -4), "0.0015"},
		{decimal.New(-1500, -6), "-0.0015"},
		{decimal.New(1667, -2), "16.67"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := formatNumber(tt.d); got != tt.want {
				t.Errorf("formatNumber = %s, want %s", got, tt.want)
			}
		})
	}
}

// FuzzParseNumber checks parseNumber against math/big as a reference: an
// accepted text has exactly the value big.Rat reads from it, is within the
// limits, and prints back to a text that parses to the same value.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"10067", "10067.0", "-0.5e-3", "1e30", "1e-31", "NaN", "01", "1.", "0e99999999999999999999", "-0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, p := parseNumber(s)
		if p != nil {
			return
		}
		ref, ok := new(big.Rat).SetString(s)
		if !ok {
			// math/big refuses exponents it cannot hold; only a zero
			// mantissa makes such a number acceptable.
			if !d.IsZero() {
				t.Fatalf("accepted %q = %s, which math/big refuses", s, d)
			}
			return
		}
		if d.Rat().Cmp(ref) != 0 {
			t.Fatalf("parseNumber(%q) = %s, want %s", s, d, ref.RatString())
		}
		if checkDecimal(d) != nil {
			t.Fatalf("accepted %q is outside the limits", s)
		}
		text := formatNumber(d)
		back, p := parseNumber(text)
		if p != nil || !back.Equal(d) {
			t.Fatalf("formatNumber(%q) = %q does not parse back", s, text)
		}
	})
}
