package decnum_test

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/internal/decnum"
)

func ExampleParse() {
	lim := decnum.Limits{MaxIntegerDigits: 16, MaxFractionDigits: 20}
	for _, s := range []string{"20000", "12.50", "1.5e-2", "-0", "1e999999999", "1e-21", "+5", "05"} {
		n, p := decnum.Parse(s, lim)
		if p.Kind != decnum.None {
			fmt.Printf("%-12s refused: %s\n", s, p)
			continue
		}
		fmt.Printf("%-12s %s\n", s, n)
	}
	// Output:
	// 20000        20000
	// 12.50        12.5
	// 1.5e-2       0.015
	// -0           0
	// 1e999999999  refused: too large: 1000000000 digits before the decimal point
	// 1e-21        refused: too precise: 21 digits after the decimal point
	// +5           refused: not a decimal number: unexpected input at byte 0
	// 05           refused: not a decimal number: unexpected input at byte 1
}

func ExampleParse_lenient() {
	// Percentages sent as strings may have leading zeros or a "+"; the
	// exponent as written is bounded, and the decimal keeps the text's
	// scale.
	lim := decnum.Limits{MaxLength: 64, MaxExponent: 64, MaxIntegerDigits: 128, MaxFractionDigits: 128,
		Allow: decnum.LeadingZeros | decnum.PlusSign}
	for _, s := range []string{"+033.30", "1e-65"} {
		n, p := decnum.Parse(s, lim)
		if p.Kind != decnum.None {
			fmt.Printf("%s refused: %s\n", s, p)
			continue
		}
		w := n.Written()
		fmt.Printf("%s is %s, written %s×10^%d\n", s, n, w.Coefficient(), w.Exponent())
	}
	// Output:
	// +033.30 is 33.3, written 3330×10^-2
	// 1e-65 refused: exponent out of range: -65
}

func ExampleCheck() {
	lim := decnum.Limits{MaxIntegerDigits: 30, MaxFractionDigits: 30}
	fmt.Println(decnum.Check(decimal.New(1000, -33), lim).Kind) // 1e-30: trailing zeros do not count
	fmt.Println(decnum.Check(decimal.New(1, 2000000000), lim))  // never expanded
	// Output:
	// none
	// too large: 2000000001 digits before the decimal point
}

func ExampleFormat() {
	fmt.Println(decnum.Format(decimal.New(1500, -2)))
	fmt.Println(decnum.Format(decimal.New(-15, -4)))
	fmt.Println(decnum.Format(decimal.New(12, 3)))
	// Output:
	// 15
	// -0.0015
	// 12000
}
