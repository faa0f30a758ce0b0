package customprop

import (
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dossierkit/dossier/validation"
	"github.com/nyaruka/phonenumbers"
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
			if !countryExists(s) {
				if up := strings.ToUpper(s); up != s && countryExists(up) {
					r.add(validation.CodeInvalidCountry, "element %d: %q must be written in upper case (%s)", i, truncate(s, 40), up)
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

// dateResult is the outcome of parseDate.
type dateResult uint8

const (
	dateOK     dateResult = iota
	dateFormat            // not yyyy-MM-dd
	dateYear              // year 0000
	dateMonth             // month outside 01..12
	dateDay               // day outside the month
)

// parseDate parses exactly "yyyy-MM-dd" (ASCII digits, zero-padded) and
// checks that it is a day of the proleptic Gregorian calendar, year 0001 to
// 9999.
func parseDate(s string) (y, m, d int, res dateResult) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, dateFormat
	}
	for i := 0; i < 10; i++ {
		if i != 4 && i != 7 && !isDigit(s[i]) {
			return 0, 0, 0, dateFormat
		}
	}
	y = int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
	m = int(s[5]-'0')*10 + int(s[6]-'0')
	d = int(s[8]-'0')*10 + int(s[9]-'0')
	switch {
	case y == 0:
		return y, m, d, dateYear
	case m < 1 || m > 12:
		return y, m, d, dateMonth
	case d < 1 || d > daysIn(y, m):
		return y, m, d, dateDay
	}
	return y, m, d, dateOK
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func checkDate(s string, r *reporter) bool {
	y, m, _, res := parseDate(s)
	switch res {
	case dateFormat:
		r.add(validation.CodeInvalidFormat, "%q is not a date in the form yyyy-MM-dd (e.g. 2023-01-31)", truncate(s, 40))
	case dateYear:
		r.add(validation.CodeInvalidValue, "%q: year must be between 0001 and 9999", s)
	case dateMonth:
		r.add(validation.CodeInvalidValue, "%q: month must be between 01 and 12", s)
	case dateDay:
		r.add(validation.CodeInvalidValue, "%q is not a calendar date: %04d-%02d has %d days", s, y, m, daysIn(y, m))
	}
	return res == dateOK
}

// checkEmail accepts a bare address as net/mail parses it (RFC 5322
// addr-spec, UTF-8 allowed), no longer than MaxEmailLength characters, with
// a local part of at most 64 bytes and a domain name of at least two dot-
// separated labels (letters, digits, hyphens; no leading or trailing
// hyphen; at most 63 bytes each; a top-level label that is not all digits).
func checkEmail(s string, r *reporter) bool {
	if n := utf8.RuneCountInString(s); n > MaxEmailLength {
		r.add(validation.CodeTooLong, "must be at most %d characters, got %d", MaxEmailLength, n)
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		r.add(validation.CodeInvalidFormat, "%q is not a bare e-mail address like name@example.com (no display name, angle brackets, comments or quotes)", truncate(s, 40))
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at > 64 {
		r.add(validation.CodeInvalidFormat, "the part before @ must be at most 64 bytes")
		return false
	}
	if !validDomain(s[at+1:]) {
		r.add(validation.CodeInvalidFormat, "%q does not end with a domain name such as example.com", truncate(s, 40))
		return false
	}
	return true
}

// validDomain reports whether d is a fully qualified host name of at least
// two labels (see checkEmail). Internationalised labels may be written in
// Unicode letters.
func validDomain(d string) bool {
	if d == "" || len(d) > 253 {
		return false
	}
	labels := 0
	for rest := d; ; {
		var label string
		i := strings.IndexByte(rest, '.')
		if i < 0 {
			label = rest
		} else {
			label, rest = rest[:i], rest[i+1:]
		}
		labels++
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		allDigits := true
		for _, c := range label {
			switch {
			case c >= '0' && c <= '9':
			case c == '-', c < utf8.RuneSelf && (c|0x20 >= 'a' && c|0x20 <= 'z'):
				allDigits = false
			case c >= utf8.RuneSelf && (unicode.IsLetter(c) || unicode.IsDigit(c) || unicode.Is(unicode.Mn, c)):
				allDigits = false
			default:
				return false
			}
		}
		if i < 0 {
			return labels >= 2 && !allDigits
		}
	}
}

// checkPhone accepts "+" then 2 to 15 digits, with no leading zero in the
// country code, that libphonenumber finds valid for its region and formats
// back to the same E.164 string.
func checkPhone(s string, r *reporter) bool {
	ok := len(s) >= 3 && len(s) <= 16 && s[0] == '+' && s[1] >= '1' && s[1] <= '9'
	for i := 2; ok && i < len(s); i++ {
		ok = isDigit(s[i])
	}
	if !ok {
		r.add(validation.CodeInvalidPhone, "%q is not in E.164 format: \"+\", the country code and the number, digits only (e.g. +33654489875)", truncate(s, 40))
		return false
	}
	num, err := phonenumbers.Parse(s, "ZZ")
	if err != nil || !phonenumbers.IsValidNumber(num) {
		r.add(validation.CodeInvalidPhone, "%s is not a valid phone number for its region", s)
		return false
	}
	if f := phonenumbers.Format(num, phonenumbers.E164); f != s {
		r.add(validation.CodeInvalidPhone, "%s is not in canonical E.164 form (%s)", s, f)
		return false
	}
	return true
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

// checkURL accepts an absolute http or https URL with a host, written with
// the RFC 3986 character set only (non-ASCII must be percent-encoded or
// punycode), with valid percent-escapes, no user information and a port,
// if any, of at most 65535.
func checkURL(s string, r *reporter) bool {
	if n := utf8.RuneCountInString(s); n > MaxURLLength {
		r.add(validation.CodeTooLong, "must be at most %d characters, got %d", MaxURLLength, n)
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' {
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				r.add(validation.CodeInvalidFormat, "has a malformed percent-escape at byte %d", i)
				return false
			}
			continue
		}
		if !uriChar[c] {
			r.add(validation.CodeInvalidFormat, "contains %q, which RFC 3986 does not allow in a URL (percent-encode it)", rune(c))
			return false
		}
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Opaque != "" || u.Host == "" || u.Hostname() == "" {
		r.add(validation.CodeInvalidFormat, "%q is not an absolute URL with a scheme and a host (e.g. https://example.com)", truncate(s, 40))
		return false
	}
	if sc := strings.ToLower(u.Scheme); sc != "http" && sc != "https" {
		r.add(validation.CodeInvalidValue, "scheme must be http or https, got %q", u.Scheme)
		return false
	}
	if u.User != nil {
		r.add(validation.CodeInvalidValue, "must not contain user information (credentials before @)")
		return false
	}
	// RFC 3986 allows "[" and "]" only around an IP literal host, and "#"
	// only once, before the fragment.
	rest := s[strings.Index(s, "//")+2:]
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		rest = rest[end:]
	} else {
		rest = ""
	}
	if strings.ContainsAny(rest, "[]") || strings.Count(s, "#") > 1 {
		r.add(validation.CodeInvalidFormat, "\"[\" and \"]\" are allowed only around an IP literal host, \"#\" only once (percent-encode them)")
		return false
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n > 65535 {
			r.add(validation.CodeInvalidFormat, "port %s is not between 0 and 65535", truncate(p, 20))
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f')
}

// uriChar marks the RFC 3986 characters other than "%": unreserved,
// gen-delims and sub-delims.
var uriChar = func() (t [256]bool) {
	const set = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;="
	for i := 0; i < len(set); i++ {
		t[set[i]] = true
	}
	return t
}()
