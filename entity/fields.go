package entity

import (
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/biter777/countries"
	"github.com/nyaruka/phonenumbers"

	"github.com/dossierkit/dossier/validation"
)

// Field limits, in characters (Unicode code points).
const (
	MaxCompanyNameLen        = 160  // name and commercial_name of a company
	MaxRegistrationNumberLen = 180  // registration_number of a company
	MaxTextLen               = 250  // every other free-text field (names, position, address lines, legal form)
	MaxEmailLen              = 250  // email of an individual
	MaxURLLen                = 2000 // website_url of a company
)

// emailPattern is the "valid e-mail address" of the WHATWG HTML standard,
// the definition the reference API documents for individual e-mails.
var emailPattern = regexp.MustCompile("^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$")

// e164Pattern is the shape of an E.164 number: "+", then 2 to 15 digits, the
// first not 0.
var e164Pattern = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)

// checkText reports a problem at path when s is not valid UTF-8, holds a
// control character, is longer than max, or (when required) is empty or only
// white space.
func checkText(l *validation.List, path, s string, max int, required bool) {
	if s == "" || strings.TrimSpace(s) == "" {
		if required {
			l.Addf(path, validation.CodeRequired, "%s is required", path)
		} else if s != "" {
			l.Addf(path, validation.CodeInvalidFormat, "%s must not be only white space; use null to clear it", path)
		}
		return
	}
	if !utf8.ValidString(s) {
		l.Addf(path, validation.CodeInvalidFormat, "%s is not valid UTF-8", path)
		return
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		l.Addf(path, validation.CodeInvalidFormat, "%s must not contain control characters", path)
	}
	if n := utf8.RuneCountInString(s); n > max {
		l.Addf(path, validation.CodeTooLong, "%s has %d characters, at most %d allowed", path, n, max)
	}
}

// IsCountry reports whether code is an upper-case ISO 3166-1 alpha-2 code of
// an existing country, such as "FR". XK (Kosovo, user-assigned but used by
// the EU and by banks) is accepted; the withdrawn codes AN (Netherlands
// Antilles) and YU (Yugoslavia) are not.
func IsCountry(code string) bool {
	if len(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' {
		return false
	}
	if code == "AN" || code == "YU" {
		return false
	}
	c := countries.ByName(code)
	return c != countries.Unknown && c.IsValid() && c.Alpha2() == code
}

func checkCountry(l *validation.List, path, code string) {
	if code == "" {
		return
	}
	if !IsCountry(code) {
		l.Addf(path, validation.CodeInvalidCountry, "%q is not an upper-case ISO 3166-1 alpha-2 code of an existing country", code)
	}
}

// IsDate reports whether s is a real calendar date in yyyy-MM-dd form:
// "2024-02-29" is, "2023-02-29", "2023-2-01" and "2023-02-01T00:00:00Z" are
// not.
func IsDate(s string) bool {
	t, err := time.Parse(time.DateOnly, s)
	return err == nil && t.Format(time.DateOnly) == s
}

// checkDate reports a problem unless s is empty or a real yyyy-MM-dd date no
// later than the date of now (in UTC). A zero now skips the future check.
func checkDate(l *validation.List, path, s string, now time.Time) {
	if s == "" {
		return
	}
	if !IsDate(s) {
		l.Addf(path, validation.CodeInvalidFormat, "%q is not a calendar date in yyyy-MM-dd form", s)
		return
	}
	if !now.IsZero() && s > now.UTC().Format(time.DateOnly) {
		l.Addf(path, validation.CodeOutOfRange, "%s is in the future", s)
	}
}

// IsEmail reports whether s is a valid e-mail address as the HTML standard
// defines it, with at most MaxEmailLen characters.
func IsEmail(s string) bool {
	return len(s) <= MaxEmailLen && emailPattern.MatchString(s)
}

func checkEmail(l *validation.List, path, s string) {
	switch {
	case s == "":
	case utf8.RuneCountInString(s) > MaxEmailLen:
		l.Addf(path, validation.CodeTooLong, "%s has %d characters, at most %d allowed", path, utf8.RuneCountInString(s), MaxEmailLen)
	case !emailPattern.MatchString(s):
		l.Addf(path, validation.CodeInvalidFormat, "%q is not a valid e-mail address", s)
	}
}

// IsPhoneNumber reports whether s is a phone number in E.164 form ("+"
// and digits, no spaces) that is valid for its region.
func IsPhoneNumber(s string) bool {
	if !e164Pattern.MatchString(s) {
		return false
	}
	n, err := phonenumbers.Parse(s, "")
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return false
	}
	return phonenumbers.Format(n, phonenumbers.E164) == s
}

func checkPhone(l *validation.List, path, s string) {
	if s == "" {
		return
	}
	if !IsPhoneNumber(s) {
		l.Addf(path, validation.CodeInvalidPhone, "%q is not a valid phone number in E.164 form (such as +33612345678)", s)
	}
}

// IsWebURL reports whether s is an absolute http or https URL with a host,
// at most MaxURLLen characters long.
func IsWebURL(s string) bool {
	if utf8.RuneCountInString(s) > MaxURLLen || strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.Hostname() != ""
	}
	return false
}

func checkWebURL(l *validation.List, path, s string) {
	switch {
	case s == "":
	case utf8.RuneCountInString(s) > MaxURLLen:
		l.Addf(path, validation.CodeTooLong, "%s has %d characters, at most %d allowed", path, utf8.RuneCountInString(s), MaxURLLen)
	case !IsWebURL(s):
		l.Addf(path, validation.CodeInvalidFormat, "%q is not an absolute http or https URL", s)
	}
}
