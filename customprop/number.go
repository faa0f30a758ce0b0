package customprop

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// numProblem is why a numeric literal was refused.
type numProblem uint8

const (
	numOK      numProblem = iota
	numFormat             // not a decimal literal
	numRange              // |v| > MaxSafeInteger
	numPrecise            // more than MaxFractionDigits digits after the point
)

var maxSafe = decimal.New(MaxSafeInteger, 0)

// number is a parsed, normalised numeric value: dec and its canonical text
// (plain notation, no exponent, no trailing zeros, "0" for any zero).
type number struct {
	dec  decimal.Decimal
	text string
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// parseNumber parses s with the grammar of a JSON number
// (-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?) and checks the limits.
// It never builds a decimal before the magnitude is known to be small, so
// "1e999999999" costs no more than "1".
func parseNumber(s string) (number, numProblem) {
	i := 0
	neg := false
	if i < len(s) && s[i] == '-' {
		neg = true
		i++
	}
	start := i
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	default:
		return number{}, numFormat
	}
	intPart := s[start:i]
	frac := ""
	if i < len(s) && s[i] == '.' {
		i++
		fs := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == fs {
			return number{}, numFormat
		}
		frac = s[fs:i]
	}
	var exp int64
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		es := i
		for i < len(s) && isDigit(s[i]) {
			if exp < 1e15 { // saturate far beyond any input length
				exp = exp*10 + int64(s[i]-'0')
			}
			i++
		}
		if i == es {
			return number{}, numFormat
		}
		if eneg {
			exp = -exp
		}
	}
	if i != len(s) {
		return number{}, numFormat
	}

	// Significant digits: intPart+frac without leading and trailing zeros.
	digits := intPart
	if frac != "" {
		digits = intPart + frac
	}
	d := strings.TrimLeft(digits, "0")
	if d == "" {
		return number{dec: decimal.Zero, text: "0"}, numOK
	}
	e := exp - int64(len(frac))
	t := strings.TrimRight(d, "0")
	e += int64(len(d) - len(t))
	d = t
	if int64(len(d))+e > 16 { // more than 16 integer digits
		return number{}, numRange
	}
	if e < -MaxFractionDigits {
		return number{}, numPrecise
	}
	// Now len(d) <= 36 and -20 <= e <= 15.
	var dec decimal.Decimal
	if len(d) <= 18 {
		var n int64
		for j := 0; j < len(d); j++ {
			n = n*10 + int64(d[j]-'0')
		}
		if neg {
			n = -n
		}
		dec = decimal.New(n, int32(e))
	} else {
		bi, _ := new(big.Int).SetString(d, 10)
		if neg {
			bi.Neg(bi)
		}
		dec = decimal.NewFromBigInt(bi, int32(e))
	}
	if int64(len(d))+e == 16 && dec.Abs().Cmp(maxSafe) > 0 {
		return number{}, numRange
	}
	return number{dec: dec, text: plainText(neg, d, e)}, numOK
}

// plainText writes digits*10^e in plain notation.
func plainText(neg bool, d string, e int64) string {
	var b strings.Builder
	b.Grow(len(d) + 24)
	if neg {
		b.WriteByte('-')
	}
	switch {
	case e >= 0:
		b.WriteString(d)
		for ; e > 0; e-- {
			b.WriteByte('0')
		}
	case int64(len(d)) > -e:
		p := len(d) + int(e)
		b.WriteString(d[:p])
		b.WriteByte('.')
		b.WriteString(d[p:])
	default:
		b.WriteString("0.")
		for k := -e - int64(len(d)); k > 0; k-- {
			b.WriteByte('0')
		}
		b.WriteString(d)
	}
	return b.String()
}

// fromDecimal normalises a decimal built in Go (a definition's min or max)
// through the same limits as a parsed literal. It inspects the coefficient
// and exponent first, so a pathological decimal (10^2000000000) is refused
// without being expanded. It never reads the decimal package's global
// formatting switches.
func fromDecimal(d decimal.Decimal) (number, numProblem) {
	if d.IsZero() {
		return number{dec: decimal.Zero, text: "0"}, numOK
	}
	exp := d.Exponent()
	coef := d.Coefficient()
	if coef.BitLen() > 4096 || exp > 1000 || exp < -5000 {
		if exp > 0 {
			return number{}, numRange
		}
		return number{}, numPrecise
	}
	s := coef.String()
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	lit := s
	if exp != 0 {
		lit = s + "e" + strconv.FormatInt(int64(exp), 10)
	}
	if neg {
		lit = "-" + lit
	}
	return parseNumber(lit)
}
