package decnum

import "strconv"

// Kind is what is wrong with a number.
type Kind uint8

const (
	// None means nothing is wrong: the number is accepted.
	None Kind = iota
	// Syntax: the text is not in the grammar (JSON number plus
	// Limits.Allow). Detail is the byte offset where the grammar broke
	// (len of the text when it ended too early).
	Syntax
	// TooLong: the text is longer than Limits.MaxLength. Detail is its
	// length in bytes.
	TooLong
	// Exponent: the exponent as written is beyond Limits.MaxExponent.
	// Detail is that exponent; one read from a text stops growing once
	// past 2^53, far beyond any limit.
	Exponent
	// TooLarge: the absolute value is not below
	// 10^Limits.MaxIntegerDigits. Detail is the number of digits before
	// the point (saturated like Exponent's).
	TooLarge
	// TooPrecise: more than Limits.MaxFractionDigits digits after the point,
	// trailing zeros excluded. Detail is that number of digits (saturated
	// like Exponent's).
	TooPrecise
)

var kindNames = [...]string{"none", "syntax", "too_long", "exponent", "too_large", "too_precise"}

// String returns a short lower-case name of k, such as "too_large".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Problem says why a number was refused: its Kind, and a Detail whose
// meaning depends on the Kind (see the Kind constants). The zero Problem
// (Kind None) means the number was accepted. Callers map the Kind to their
// own error codes and messages; Problem.String is for logs and tests.
type Problem struct {
	Kind   Kind
	Detail int64
}

// String describes p in English, such as "17 digits before the decimal
// point".
func (p Problem) String() string {
	d := strconv.FormatInt(p.Detail, 10)
	switch p.Kind {
	case None:
		return "no problem"
	case Syntax:
		return "not a decimal number: unexpected input at byte " + d
	case TooLong:
		return "number text too long: " + d + " bytes"
	case Exponent:
		return "exponent out of range: " + d
	case TooLarge:
		return "too large: " + d + " digits before the decimal point"
	case TooPrecise:
		return "too precise: " + d + " digits after the decimal point"
	}
	return p.Kind.String() + " " + d
}
