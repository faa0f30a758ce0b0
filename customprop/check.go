package customprop

import (
	"fmt"
	"unicode/utf8"

	"github.com/dossierkit/dossier/internal/fieldcheck"
	"github.com/dossierkit/dossier/validation"
)

// entry is a definition compiled for validation: what every check needs is
// computed once, in NewSet.
type entry struct {
	def      Definition
	options  map[string]struct{} // choices: the option keys
	optNames string              // choices: the option keys for messages
	maxItems int                 // choices, countries: most distinct elements
	min, max *number             // numeric: inclusive bounds
	maxRunes int                 // text
}

// reporter records the problems of one value. With a nil list it only
// remembers that something failed (Set.Visible), without formatting.
type reporter struct {
	l      *validation.List
	key    string
	failed bool
}

func (r *reporter) add(code validation.Code, format string, args ...any) {
	r.failed = true
	if r.l != nil {
		r.l.Add(keyPath(r.key), code, fmt.Sprintf(format, args...))
	}
}

// keyPath is the path of a property value in a payload.
func keyPath(key string) string { return "custom_properties." + key }

// shape names the JSON type of v for messages.
func shape(v jvalue) string {
	switch v.kind {
	case jBool:
		return "a boolean"
	case jNumber:
		return "a number"
	case jString:
		return "a string"
	case jArray:
		return "an array of strings"
	case jMixed:
		return "an array with elements that are not strings"
	case jObject:
		return "an object"
	}
	return "invalid JSON"
}

// check validates one non-null JSON value against the definition.
func (e *entry) check(v jvalue, r *reporter) (Value, bool) {
	if v.kind == jInvalid {
		r.add(validation.CodeInvalidType, "value is not valid JSON")
		return Value{}, false
	}
	typ := e.def.Type
	switch typ {
	case TypeBoolean:
		if v.kind != jBool {
			if v.kind == jString && (v.s == "true" || v.s == "false") {
				r.add(validation.CodeInvalidType, "must be a JSON boolean (true or false), not the string %q", v.s)
			} else {
				r.add(validation.CodeInvalidType, "must be a JSON boolean (true or false), got %s", shape(v))
			}
			return Value{}, false
		}
		return Value{typ: typ, kind: kBool, b: v.b}, true
	case TypeChoices, TypeCountries:
		if !e.checkList(v, r) {
			return Value{}, false
		}
		return Value{typ: typ, kind: kList, list: v.list}, true
	case TypeNumeric:
		n, ok := e.checkNumeric(v, r)
		if !ok {
			return Value{}, false
		}
		return numberValue(n), true
	}
	// The remaining types hold a string.
	if v.kind != jString {
		r.add(validation.CodeInvalidType, "must be %s, got %s", stringForm[typ], shape(v))
		return Value{}, false
	}
	if v.s == "" {
		r.add(validation.CodeRequired, "must not be empty; send null to remove the value")
		return Value{}, false
	}
	var ok bool
	switch typ {
	case TypeDate:
		ok = checkDate(v.s, r)
	case TypeEmail:
		ok = checkEmail(v.s, r)
	case TypePhoneNumber:
		ok = checkPhone(v.s, r)
	case TypeText:
		ok = checkText(v.s, e.maxRunes, e.def.Settings.IsMultiLine, r)
	case TypeURL:
		ok = checkURL(v.s, r)
	}
	if !ok {
		return Value{}, false
	}
	return Value{typ: typ, kind: kString, s: v.s}, true
}

var stringForm = map[Type]string{
	TypeDate:        `a date string "yyyy-MM-dd"`,
	TypeEmail:       "an e-mail address string",
	TypePhoneNumber: "an E.164 phone number string",
	TypeText:        "a string",
	TypeURL:         "a URL string",
}

// checkList validates a choices or countries value.
func (e *entry) checkList(v jvalue, r *reporter) bool {
	what := "option keys"
	if e.def.Type == TypeCountries {
		what = "ISO 3166-1 alpha-2 country codes"
	}
	if v.kind != jArray {
		r.add(validation.CodeInvalidType, "must be an array of %s, got %s", what, shape(v))
		return false
	}
	n := len(v.list)
	if n == 0 {
		r.add(validation.CodeRequired, "must contain at least one element; send null to remove the value")
		return false
	}
	if !e.def.Settings.AllowMultiple && n > 1 {
		r.add(validation.CodeTooMany, "accepts a single element (allow_multiple is false), got %d", n)
	}
	if n > e.maxItems {
		r.add(validation.CodeTooMany, "has %d elements, more than the %d distinct %s that exist", n, e.maxItems, what)
		return false
	}
	for i, s := range v.list {
		if e.def.Type == TypeCountries {
			if p := fieldcheck.Country(s); !p.OK() {
				if p.Kind == fieldcheck.CountryCase {
					r.add(validation.CodeInvalidCountry, "element %d: %q must be written in upper case (%s)", i, truncate(s, 40), p.Arg)
				} else {
					r.add(validation.CodeInvalidCountry, "element %d: %q is not an existing ISO 3166-1 alpha-2 country code", i, truncate(s, 40))
				}
				continue
			}
		} else if _, ok := e.options[s]; !ok {
			r.add(validation.CodeInvalidValue, "element %d: %q is not an option key (allowed: %s)", i, truncate(s, 40), e.optNames)
			continue
		}
		for j := 0; j < i; j++ {
			if v.list[j] == s {
				r.add(validation.CodeDuplicate, "element %d: %q is repeated (first at element %d)", i, s, j)
				break
			}
		}
	}
	return !r.failed
}

// checkNumeric validates a numeric value: a JSON number or a string holding
// a JSON-number literal.
func (e *entry) checkNumeric(v jvalue, r *reporter) (number, bool) {
	if v.kind != jNumber && v.kind != jString {
		r.add(validation.CodeInvalidType, "must be a number or a string holding a decimal number, got %s", shape(v))
		return number{}, false
	}
	n, p := parseNumber(v.s)
	switch p {
	case numFormat:
		r.add(validation.CodeInvalidFormat, "%q is not a decimal number (digits, an optional \".\" and fraction, an optional exponent)", truncate(v.s, 40))
		return number{}, false
	case numRange:
		r.add(validation.CodeOutOfRange, "must be between -%d and %d", MaxSafeInteger, MaxSafeInteger)
		return number{}, false
	case numPrecise:
		r.add(validation.CodeTooPrecise, "must have at most %d digits after the decimal point", MaxFractionDigits)
		return number{}, false
	}
	if e.min != nil && n.dec.Cmp(e.min.dec) < 0 {
		r.add(validation.CodeOutOfRange, "must be at least %s, got %s", e.min.text, n.text)
		return number{}, false
	}
	if e.max != nil && n.dec.Cmp(e.max.dec) > 0 {
		r.add(validation.CodeOutOfRange, "must be at most %s, got %s", e.max.text, n.text)
		return number{}, false
	}
	return n, true
}

// dateResult is the outcome of parseDate: fieldcheck.None, or one of the
// fieldcheck Date kinds.
type dateResult = fieldcheck.Kind

const dateOK = fieldcheck.None

// parseDate parses exactly "yyyy-MM-dd" and checks that it is a day from
// 0001-01-01 to 9999-12-31 (see fieldcheck.ParseDate).
func parseDate(s string) (y, m, d int, res dateResult) {
	y, m, d, p := fieldcheck.ParseDate(s)
	return y, m, d, p.Kind
}

// The checks of date, email, phone_number and url values are those of
// package fieldcheck, shared with package entity; what follows maps their
// problems to this package's codes and messages.

func checkDate(s string, r *reporter) bool {
	p := fieldcheck.Date(s)
	switch p.Kind {
	case fieldcheck.None:
		return true
	case fieldcheck.DateYear:
		r.add(validation.CodeInvalidValue, "%q: year must be between 0001 and 9999", s)
	case fieldcheck.DateMonth:
		r.add(validation.CodeInvalidValue, "%q: month must be between 01 and 12", s)
	case fieldcheck.DateDay:
		r.add(validation.CodeInvalidValue, "%q is not a calendar date: %s has %d days", s, p.Arg, p.N)
	default:
		r.add(validation.CodeInvalidFormat, "%q is not a date in the form yyyy-MM-dd (e.g. 2023-01-31)", truncate(s, 40))
	}
	return false
}

// checkEmail accepts a bare RFC 5322 address of at most MaxEmailLength
// characters with a host name of two labels or more (see fieldcheck.Email).
func checkEmail(s string, r *reporter) bool {
	p := fieldcheck.Email(s)
	switch p.Kind {
	case fieldcheck.None:
		return true
	case fieldcheck.EmailTooLong:
		r.add(validation.CodeTooLong, "must be at most %d characters, got %d", MaxEmailLength, p.N)
	case fieldcheck.EmailLocalTooLong:
		r.add(validation.CodeInvalidFormat, "the part before @ must be at most 64 bytes")
	case fieldcheck.EmailDomain:
		r.add(validation.CodeInvalidFormat, "%q does not end with a domain name such as example.com", truncate(s, 40))
	case fieldcheck.EmailInvisible:
		r.add(validation.CodeInvalidFormat, "%+q holds the invisible or control character U+%04X", truncate(s, 40), p.N)
	default:
		r.add(validation.CodeInvalidFormat, "%q is not a bare e-mail address like name@example.com (no display name, angle brackets, comments or quotes)", truncate(s, 40))
	}
	return false
}

// checkPhone accepts a canonical E.164 number valid for its region (see
// fieldcheck.Phone).
func checkPhone(s string, r *reporter) bool {
	p := fieldcheck.Phone(s)
	switch p.Kind {
	case fieldcheck.None:
		return true
	case fieldcheck.PhoneInvalid:
		r.add(validation.CodeInvalidPhone, "%s is not a valid phone number for its region", s)
	case fieldcheck.PhoneNotCanonical:
		r.add(validation.CodeInvalidPhone, "%s is not in canonical E.164 form (%s)", s, p.Arg)
	default:
		r.add(validation.CodeInvalidPhone, "%q is not in E.164 format: \"+\", the country code and the number, digits only (e.g. +33654489875)", truncate(s, 40))
	}
	return false
}

// checkText accepts up to max characters (code points); single-line text
// refuses line breaks (LF, CR, U+2028, U+2029); both refuse other control
// characters except tab.
func checkText(s string, max int, multiLine bool, r *reporter) bool {
	n := 0
	badBreak, badControl := false, false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\n' || c == '\r':
				badBreak = badBreak || !multiLine
			case c < 0x20 && c != '\t', c == 0x7f:
				badControl = true
			}
			i++
		} else {
			rn, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case rn == '\u2028' || rn == '\u2029':
				badBreak = badBreak || !multiLine
			case rn >= 0x80 && rn <= 0x9f:
				badControl = true
			}
			i += size
		}
		n++
	}
	if n > max {
		if multiLine {
			r.add(validation.CodeTooLong, "must be at most %d characters (multi-line text), got %d", max, n)
		} else {
			r.add(validation.CodeTooLong, "must be at most %d characters (single-line text), got %d", max, n)
		}
	}
	if badBreak {
		r.add(validation.CodeInvalidValue, "must not contain line breaks (single-line text)")
	}
	if badControl {
		r.add(validation.CodeInvalidValue, "must not contain control characters other than tab and line breaks")
	}
	return !r.failed
}

// checkURL accepts an absolute http or https URL of at most MaxURLLength
// characters, in the RFC 3986 character set, without credentials (see
// fieldcheck.WebURL).
func checkURL(s string, r *reporter) bool {
	p := fieldcheck.WebURL(s)
	switch p.Kind {
	case fieldcheck.None:
		return true
	case fieldcheck.URLTooLong:
		r.add(validation.CodeTooLong, "must be at most %d characters, got %d", MaxURLLength, p.N)
	case fieldcheck.URLEscape:
		r.add(validation.CodeInvalidFormat, "has a malformed percent-escape at byte %d", p.N)
	case fieldcheck.URLChar:
		// The message names the offending byte, as it always has.
		r.add(validation.CodeInvalidFormat, "contains %q, which RFC 3986 does not allow in a URL (percent-encode it)", rune(s[p.N]))
	case fieldcheck.URLScheme:
		r.add(validation.CodeInvalidValue, "scheme must be http or https, got %q", p.Arg)
	case fieldcheck.URLUserInfo:
		r.add(validation.CodeInvalidValue, "must not contain user information (credentials before @)")
	case fieldcheck.URLDelims:
		r.add(validation.CodeInvalidFormat, "\"[\" and \"]\" are allowed only around an IP literal host, \"#\" only once (percent-encode them)")
	case fieldcheck.URLPort:
		r.add(validation.CodeInvalidFormat, "port %s is not between 0 and 65535", truncate(p.Arg, 20))
	default:
		r.add(validation.CodeInvalidFormat, "%q is not an absolute URL with a scheme and a host (e.g. https://example.com)", truncate(s, 40))
	}
	return false
}

// The limits this package documents are fieldcheck's: a compile-time check
// (a negative constant does not convert to uint) keeps them equal.
const (
	_ = uint(MaxEmailLength-fieldcheck.MaxEmailLength) + uint(fieldcheck.MaxEmailLength-MaxEmailLength)
	_ = uint(MaxURLLength-fieldcheck.MaxURLLength) + uint(fieldcheck.MaxURLLength-MaxURLLength)
)
