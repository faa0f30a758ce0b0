// Package decnum reads and writes the decimal numbers of dossier's domain
// packages: custom property values and bounds (customprop), risk scores and
// components (risk), ownership percentages (ownership). It is the one place
// where a number's text becomes a [github.com/shopspring/decimal] value, so
// that all of them agree on the grammar, on the limits, and on the cost of
// a hostile input.
//
// # Reading
//
// [Parse] reads the JSON number grammar,
//
//	-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
//
// with no NaN, infinity, hex, digit separator or surrounding space, and
// checks the result against [Limits]: a maximum text length, a maximum
// exponent as written, a maximum number of digits before the point and of
// significant digits after it. It never builds a decimal before the
// magnitude is known to be within the limits, so "1e999999999" costs no
// more than "1" (decimal.NewFromString refuses it only through its
// package-level MaxDecodeExponent, and big.Rat builds 10^999999999). A caller
// that must tolerate leading zeros or a leading "+" (ownership, for
// percentages sent as strings) says so in [Limits.Allow]; the others get
// the strict grammar.
//
// A refusal is a [Problem]: a [Kind] (Syntax, TooLong, Exponent, TooLarge,
// TooPrecise) and a numeric Detail. The package has no error codes or
// messages of its own: each caller maps the Kind to its validation code
// and message, which therefore stay those of its public API.
//
// [Check] and [FromDecimal] apply the same limits to a decimal built in Go
// (a definition's min, a hand-built score), at a cost proportional to the
// coefficient's digits, never to the exponent: decimal.New(1, 2000000000)
// is refused at once.
//
// # Writing
//
// [Format] and [Number.String] write plain notation: no exponent, no
// trailing zeros after the point, "0" for any zero ("-0.015", "1500").
// The output is a valid JSON number and does not depend on
// shopspring/decimal's package-level switches (TrimTrailingZeros,
// UseScientificNotation), which a host application may set.
//
// # Values
//
// [Number.Decimal] is normalised (no trailing zeros in the coefficient:
// "1.50" is 15×10^-1), so that equal values have equal representations.
// [Number.Written] keeps the text's coefficient and exponent (150×10^-2),
// as decimal.NewFromString does.
//
// # Cost
//
// Parse allocates nothing (the Number refers to the text); String
// allocates nothing when the text was already in plain notation ("20000",
// "12.5"); Decimal allocates what building a decimal.Decimal takes. On six
// typical inputs (integers, fractions, an exponent, 16 and 26 digits),
// against decimal.NewFromString in the same run (Intel Xeon, 2 shared
// cores, Go 1.26; ns/op ratio, mean of 3):
//
//	go test ./internal/decnum -run '^$' -bench Parse -count 3
//
//	NewFromString          1.00  (570 ns, 15 allocs for the six)
//	Parse                  0.21  (0 allocs)
//	Parse+Decimal          0.88  (15 allocs)
//	Parse+Decimal+String   0.91  (16 allocs)
package decnum
