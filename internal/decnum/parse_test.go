package decnum_test

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/internal/decnum"
)

// The limits of the three callers, restated here so that the tests pin
// the behaviour each one relies on.
var (
	propLimits    = decnum.Limits{MaxIntegerDigits: 16, MaxFractionDigits: 20}
	riskLimits    = decnum.Limits{MaxIntegerDigits: 30, MaxFractionDigits: 30}
	percentLimits = decnum.Limits{MaxLength: 64, MaxExponent: 64, MaxIntegerDigits: 128, MaxFractionDigits: 128,
		Allow: decnum.LeadingZeros | decnum.PlusSign}
)

func TestParse(t *testing.T) {
	const sat = -1 // Detail is beyond ±2^53: an exponent read from a text stops growing there
	tests := []struct {
		name   string
		in     string
		lim    decnum.Limits
		want   string // String() of the number; "" when a problem is expected
		kind   decnum.Kind
		detail int64
	}{
		// Accepted, and their plain notation.
		{name: "integer", in: "10067", lim: riskLimits, want: "10067"},
		{name: "trailing zero", in: "10067.0", lim: riskLimits, want: "10067"},
		{name: "trailing zeros", in: "-12.500", lim: riskLimits, want: "-12.5"},
		{name: "zero", in: "0", lim: riskLimits, want: "0"},
		{name: "minus zero", in: "-0", lim: riskLimits, want: "0"},
		{name: "zero point zero", in: "-0.000", lim: riskLimits, want: "0"},
		{name: "zero with exponent", in: "0e5", lim: riskLimits, want: "0"},
		{name: "zero with huge exponent", in: "0.0e-99999999999999999999", lim: riskLimits, want: "0"},
		{name: "small fraction", in: "0.001", lim: riskLimits, want: "0.001"},
		{name: "negative fraction", in: "-0.5", lim: riskLimits, want: "-0.5"},
		{name: "exponent", in: "1e3", lim: riskLimits, want: "1000"},
		{name: "exponent E+", in: "1E+3", lim: riskLimits, want: "1000"},
		{name: "negative exponent", in: "25e-1", lim: riskLimits, want: "2.5"},
		{name: "point moves left", in: "1.5e-2", lim: riskLimits, want: "0.015"},
		{name: "point moves inside", in: "12.345e1", lim: riskLimits, want: "123.45"},
		{name: "point moves right", in: "12.3e3", lim: riskLimits, want: "12300"},
		{name: "integer zeros", in: "1200", lim: riskLimits, want: "1200"},
		{name: "integer zeros and fraction zeros", in: "1200.00", lim: riskLimits, want: "1200"},
		{name: "leading fraction zeros", in: "0.0012", lim: riskLimits, want: "0.0012"},
		{name: "exponent zero", in: "5e0", lim: riskLimits, want: "5"},
		{name: "exponent minus zero", in: "5e-0", lim: riskLimits, want: "5"},
		{name: "exponent with zeros", in: "5e0003", lim: riskLimits, want: "5000"},
		{name: "30 nines", in: strings.Repeat("9", 30), lim: riskLimits, want: strings.Repeat("9", 30)},
		{name: "30 fraction digits", in: "0." + strings.Repeat("0", 29) + "1", lim: riskLimits, want: "0." + strings.Repeat("0", 29) + "1"},
		{name: "9.9e29", in: "9.9e29", lim: riskLimits, want: "99" + strings.Repeat("0", 28)},
		{name: "long trailing zeros", in: "1." + strings.Repeat("0", 5000), lim: riskLimits, want: "1"},
		{name: "zeros cancel the exponent", in: "1" + strings.Repeat("0", 40) + "e-40", lim: riskLimits, want: "1"},
		{name: "max safe", in: "9007199254740991", lim: propLimits, want: "9007199254740991"},
		{name: "16 digits", in: "9999999999999999", lim: propLimits, want: "9999999999999999"},
		{name: "20 fraction digits", in: "0.00000000000000000001", lim: propLimits, want: "0.00000000000000000001"},
		{name: "36 digits", in: "-1234567890123456.12345678901234567891", lim: propLimits, want: "-1234567890123456.12345678901234567891"},

		// The JSON grammar, strictly.
		{name: "empty", in: "", lim: riskLimits, kind: decnum.Syntax, detail: 0},
		{name: "minus alone", in: "-", lim: riskLimits, kind: decnum.Syntax, detail: 1},
		{name: "plus", in: "+1", lim: riskLimits, kind: decnum.Syntax, detail: 0},
		{name: "leading zero", in: "01", lim: riskLimits, kind: decnum.Syntax, detail: 1},
		{name: "minus leading zero", in: "-00.5", lim: riskLimits, kind: decnum.Syntax, detail: 2},
		{name: "point without fraction", in: "1.", lim: riskLimits, kind: decnum.Syntax, detail: 2},
		{name: "point first", in: ".5", lim: riskLimits, kind: decnum.Syntax, detail: 0},
		{name: "e without digits", in: "1e", lim: riskLimits, kind: decnum.Syntax, detail: 2},
		{name: "e sign without digits", in: "1e+", lim: riskLimits, kind: decnum.Syntax, detail: 3},
		{name: "fractional exponent", in: "1e5.5", lim: riskLimits, kind: decnum.Syntax, detail: 3},
		{name: "two e", in: "1ee5", lim: riskLimits, kind: decnum.Syntax, detail: 2},
		{name: "two minus", in: "--1", lim: riskLimits, kind: decnum.Syntax, detail: 1},
		{name: "leading space", in: " 1", lim: riskLimits, kind: decnum.Syntax, detail: 0},
		{name: "trailing space", in: "1 ", lim: riskLimits, kind: decnum.Syntax, detail: 1},
		{name: "separator", in: "1_000", lim: riskLimits, kind: decnum.Syntax, detail: 1},
		{name: "comma", in: "1,5", lim: riskLimits, kind: decnum.Syntax, detail: 1},
		{name: "hex", in: "0x10", lim: riskLimits, kind: decnum.Syntax, detail: 1},
		{name: "NaN", in: "NaN", lim: riskLimits, kind: decnum.Syntax, detail: 0},
		{name: "Infinity", in: "-Infinity", lim: riskLimits, kind: decnum.Syntax, detail: 1},
		{name: "unicode minus", in: "\u22121", lim: riskLimits, kind: decnum.Syntax, detail: 0},
		{name: "arabic-indic digits", in: "١٢", lim: riskLimits, kind: decnum.Syntax, detail: 0},
		{name: "fraction", in: "1/2", lim: riskLimits, kind: decnum.Syntax, detail: 1},

		// The leniencies, only when allowed.
		{name: "lenient leading zeros", in: "05.50", lim: percentLimits, want: "5.5"},
		{name: "lenient minus leading zeros", in: "-007", lim: percentLimits, want: "-7"},
		{name: "lenient zeros only", in: "000", lim: percentLimits, want: "0"},
		{name: "lenient plus", in: "+33.33", lim: percentLimits, want: "33.33"},
		{name: "lenient plus zero", in: "+0.0", lim: percentLimits, want: "0"},
		{name: "lenient plus and minus", in: "+-1", lim: percentLimits, kind: decnum.Syntax, detail: 1},
		{name: "lenient still no point first", in: "+.5", lim: percentLimits, kind: decnum.Syntax, detail: 1},
		{name: "zeros only without leniency", in: "00", lim: decnum.Limits{Allow: decnum.PlusSign, MaxIntegerDigits: 5}, kind: decnum.Syntax, detail: 1},
		{name: "plus without leniency", in: "+1", lim: decnum.Limits{Allow: decnum.LeadingZeros, MaxIntegerDigits: 5}, kind: decnum.Syntax, detail: 0},

		// Length, checked before anything else.
		{name: "at max length", in: strings.Repeat("1", 64), lim: percentLimits, want: strings.Repeat("1", 64)},
		{name: "beyond max length", in: strings.Repeat("1", 65), lim: percentLimits, kind: decnum.TooLong, detail: 65},
		{name: "too long before syntax", in: strings.Repeat("x", 65), lim: percentLimits, kind: decnum.TooLong, detail: 65},

		// The exponent as written.
		{name: "exponent at the limit", in: "1e64", lim: percentLimits, want: "1" + strings.Repeat("0", 64)},
		{name: "exponent beyond the limit", in: "1e65", lim: percentLimits, kind: decnum.Exponent, detail: 65},
		{name: "written exponent counts the fraction", in: "100e-66", lim: percentLimits, kind: decnum.Exponent, detail: -66},
		{name: "fraction digits lower the written exponent", in: "0.5e65", lim: percentLimits, want: "5" + strings.Repeat("0", 64)},
		{name: "exponent limit applies to zero", in: "0e65", lim: percentLimits, kind: decnum.Exponent, detail: 65},
		{name: "huge exponent saturates", in: "1e99999999999999999999", lim: percentLimits, kind: decnum.Exponent, detail: sat},
		{name: "huge negative exponent saturates", in: "1e-99999999999999999999", lim: percentLimits, kind: decnum.Exponent, detail: sat},

		// Magnitude, then precision.
		{name: "1e16", in: "1e16", lim: propLimits, kind: decnum.TooLarge, detail: 17},
		{name: "17 digits", in: "12345678901234567", lim: propLimits, kind: decnum.TooLarge, detail: 17},
		{name: "10^30", in: "1" + strings.Repeat("0", 30), lim: riskLimits, kind: decnum.TooLarge, detail: 31},
		{name: "negative 1e30", in: "-1e30", lim: riskLimits, kind: decnum.TooLarge, detail: 31},
		{name: "1e999999999", in: "1e999999999", lim: propLimits, kind: decnum.TooLarge, detail: 1000000000},
		{name: "huge exponent too large", in: "1e99999999999999999999", lim: riskLimits, kind: decnum.TooLarge, detail: sat},
		{name: "1e-21", in: "1e-21", lim: propLimits, kind: decnum.TooPrecise, detail: 21},
		{name: "21 fraction digits", in: "0.000000000000000000011", lim: propLimits, kind: decnum.TooPrecise, detail: 21},
		{name: "1e-31", in: "1e-31", lim: riskLimits, kind: decnum.TooPrecise, detail: 31},
		{name: "long fraction", in: "0." + strings.Repeat("0", 5000) + "1", lim: riskLimits, kind: decnum.TooPrecise, detail: 5001},
		{name: "huge negative exponent too precise", in: "1e-99999999999999999999", lim: riskLimits, kind: decnum.TooPrecise, detail: sat},
		{name: "too large wins over too precise", in: "1234567890123456789012345678901234567.891", lim: propLimits, kind: decnum.TooLarge, detail: 37},

		// Limits out of their range.
		{name: "no integer digits: below 1", in: "0.5", lim: decnum.Limits{MaxIntegerDigits: -3, MaxFractionDigits: 1}, want: "0.5"},
		{name: "no integer digits: 1", in: "1", lim: decnum.Limits{MaxIntegerDigits: -3, MaxFractionDigits: 1}, kind: decnum.TooLarge, detail: 1},
		{name: "no fraction digits: integer", in: "1.0", lim: decnum.Limits{MaxIntegerDigits: 3}, want: "1"},
		{name: "no fraction digits: fraction", in: "1.5", lim: decnum.Limits{MaxIntegerDigits: 3}, kind: decnum.TooPrecise, detail: 1},
		{name: "limits clamp at 2^30", in: "1e1073741824", lim: decnum.Limits{MaxIntegerDigits: 1 << 40}, kind: decnum.TooLarge, detail: 1<<30 + 1},
		{name: "fraction limit clamps at 2^30", in: "1e-1073741825", lim: decnum.Limits{MaxFractionDigits: 1 << 40}, kind: decnum.TooPrecise, detail: 1<<30 + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, p := decnum.Parse(tt.in, tt.lim)
			if tt.want == "" {
				detailOK := p.Detail == tt.detail || tt.detail == sat && (p.Detail >= 1<<53 || p.Detail <= -1<<53)
				if p.Kind != tt.kind || !detailOK {
					t.Fatalf("Parse(%.40q) = %.40s, %v(%d); want %v(%d)", tt.in, n.String(), p.Kind, p.Detail, tt.kind, tt.detail)
				}
				if n != (decnum.Number{}) {
					t.Fatalf("Parse(%.40q) refused but returned %v", tt.in, n)
				}
				return
			}
			if p.Kind != decnum.None {
				t.Fatalf("Parse(%.40q): %v", tt.in, p)
			}
			if got := n.String(); got != tt.want {
				t.Fatalf("Parse(%.40q) = %.40s, want %.40s", tt.in, got, tt.want)
			}
			if want := decimal.RequireFromString(tt.want); !n.Decimal().Equal(want) {
				t.Fatalf("Parse(%.40q).Decimal() = %s, want %s", tt.in, n.Decimal(), want)
			}
		})
	}
}
