package decnum_test

import (
	"testing"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/internal/decnum"
)

// benchInputs are typical numbers of the domain: amounts, percentages, a
// score with an exponent, the largest safe integer, and a long value that
// takes the big.Int path.
var benchInputs = []string{"20000", "12.5", "-0.000125", "1e3", "9007199254740991", "1234567890123456789012345.5"}

// BenchmarkParse compares Parse with decimal.NewFromString (the baseline)
// on the six benchInputs per op. The ratios of the ns/op of one run are
// what doc.go reports.
func BenchmarkParse(b *testing.B) {
	b.Run("NewFromString", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, s := range benchInputs {
				if _, err := decimal.NewFromString(s); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("Parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, s := range benchInputs {
				if _, p := decnum.Parse(s, riskLimits); p.Kind != decnum.None {
					b.Fatal(p)
				}
			}
		}
	})
	b.Run("Parse+Decimal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, s := range benchInputs {
				n, p := decnum.Parse(s, riskLimits)
				if p.Kind != decnum.None {
					b.Fatal(p)
				}
				_ = n.Decimal()
			}
		}
	})
	b.Run("Parse+Decimal+String", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, s := range benchInputs {
				n, p := decnum.Parse(s, riskLimits)
				if p.Kind != decnum.None {
					b.Fatal(p)
				}
				_ = n.Decimal()
				_ = n.String()
			}
		}
	})
}
