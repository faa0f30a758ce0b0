package entity

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dossierkit/dossier/internal/fieldcheck"
	"github.com/dossierkit/dossier/validation"
)

// Field limits, in characters (Unicode code points).
const (
	MaxCompanyNameLen        = 160  // name and commercial_name of a company
	MaxRegistrationNumberLen = 180  // registration_number of a company
	MaxTextLen               = 250  // every other free-text field (names, position, address lines, legal form)
	MaxEmailLen              = 250  // email of an individual (as for an email custom property)
	MaxURLLen                = 2000 // website_url of a company (as for a url custom property)
)

// checkText reports a problem at path when s is not valid UTF-8, holds a
// control or invisible character (fieldcheck.Text, the rule of case names
// too), is longer than max, or (when required) is empty or only white
// space.
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
	if p := fieldcheck.Text(s); !p.OK() {
		l.Addf(path, validation.CodeInvalidFormat, "%s must not contain control or invisible characters: it %s", path, p.Detail())
	}
	if n := utf8.RuneCountInString(s); n > max {
		l.Addf(path, validation.CodeTooLong, "%s has %d characters, at most %d allowed", path, n, max)
	}
}

// The e-mail, phone number, country, date and web URL rules are those of
// package fieldcheck, shared with custom property values (package
// customprop, "Value rules"): a value refused there is refused here. The
// functions below map fieldcheck's problems to this package's codes and
// messages.

// IsCountry reports whether code is an upper-case ISO 3166-1 alpha-2 code of
// an existing country, such as "FR", as biter777/countries lists them. XK
// (Kosovo, user-assigned but used by the EU and by banks) is accepted; the
// withdrawn codes AN (Netherlands Antilles) and YU (Yugoslavia) are not,
// and neither are "fr", "UK" or "FRA". These are the codes a countries
// custom property accepts.
func IsCountry(code string) bool { return fieldcheck.Country(code).OK() }

// checkCountry reports a problem unless code is empty (not set) or a valid
// country code.
func checkCountry(l *validation.List, path, code string) {
	if code != "" {
		addCountry(l, path, code)
	}
}

// addCountry reports a problem unless code is a valid country code; the
// empty string is not one.
func addCountry(l *validation.List, path, code string) {
	if p := fieldcheck.Country(code); !p.OK() {
		l.Addf(path, validation.CodeInvalidCountry, "%q is not a valid ISO 3166-1 alpha-2 country code: %s", code, p.Detail())
	}
}

// IsDate reports whether s is a real calendar date in yyyy-MM-dd form, from
// 0001-01-01 to 9999-12-31: "2024-02-29" is, "2023-02-29", "0000-01-01",
// "2023-2-01" and "2023-02-01T00:00:00Z" are not. These are the dates a
// date custom property accepts.
func IsDate(s string) bool { return fieldcheck.Date(s).OK() }

// checkDate reports a problem unless s is empty or a real yyyy-MM-dd date no
// later than the date of now (in UTC). A zero now skips the future check.
func checkDate(l *validation.List, path, s string, now time.Time) {
	if s == "" {
		return
	}
	if p := fieldcheck.Date(s); !p.OK() {
		l.Addf(path, validation.CodeInvalidFormat, "%q is not a valid date: %s", s, p.Detail())
		return
	}
	if !now.IsZero() && s > now.UTC().Format(time.DateOnly) {
		l.Addf(path, validation.CodeOutOfRange, "%s is in the future", s)
	}
}

// IsEmail reports whether s is a valid e-mail address of at most
// MaxEmailLen characters: a bare RFC 5322 address as net/mail parses it
// (no display name, angle brackets, comments, quoted local part, or
// leading, trailing or doubled dot before the @; letters outside ASCII are
// allowed), a local part of at most 64 bytes and a domain of at least two
// labels such as example.com ("a@b", "x@localhost", "a@1.2" and
// "a@[192.168.0.1]" are refused). These are the addresses an email custom
// property accepts.
func IsEmail(s string) bool { return fieldcheck.Email(s).OK() }

func checkEmail(l *validation.List, path, s string) {
	if s == "" {
		return
	}
	switch p := fieldcheck.Email(s); p.Kind {
	case fieldcheck.None:
	case fieldcheck.EmailTooLong:
		l.Addf(path, validation.CodeTooLong, "%s has %d characters, at most %d allowed", path, p.N, MaxEmailLen)
	default:
		l.Addf(path, validation.CodeInvalidFormat, "%q is not a valid e-mail address: %s", s, p.Detail())
	}
}

// IsPhoneNumber reports whether s is a phone number in E.164 form ("+", the
// country code and the number, digits only, no spaces) that
// nyaruka/phonenumbers finds valid for its region, written in its
// canonical form ("+330654489875" is refused: the canonical form is
// "+33654489875"). These are the numbers a phone_number custom property
// accepts.
func IsPhoneNumber(s string) bool { return fieldcheck.Phone(s).OK() }

func checkPhone(l *validation.List, path, s string) {
	if s == "" {
		return
	}
	if p := fieldcheck.Phone(s); !p.OK() {
		l.Addf(path, validation.CodeInvalidPhone, "%q is not a valid E.164 phone number (such as +33612345678): %s", s, p.Detail())
	}
}

// IsWebURL reports whether s is an absolute http or https URL with a host,
// at most MaxURLLen characters long, written with the RFC 3986 character
// set (non-ASCII characters percent-encoded, a punycode host), with valid
// percent-escapes, no credentials ("https://user:pass@example.com" is
// refused), "[" and "]" only around an IP literal host, at most one "#",
// and a port, if any, of at most 65535. These are the URLs a url custom
// property accepts.
func IsWebURL(s string) bool { return fieldcheck.WebURL(s).OK() }

func checkWebURL(l *validation.List, path, s string) {
	if s == "" {
		return
	}
	switch p := fieldcheck.WebURL(s); p.Kind {
	case fieldcheck.None:
	case fieldcheck.URLTooLong:
		l.Addf(path, validation.CodeTooLong, "%s has %d characters, at most %d allowed", path, p.N, MaxURLLen)
	default:
		l.Addf(path, validation.CodeInvalidFormat, "%q is not a valid http or https URL: %s", s, p.Detail())
	}
}

// The limits above are fieldcheck's: a compile-time check (a negative
// constant does not convert to uint) keeps them equal.
const (
	_ = uint(MaxEmailLen-fieldcheck.MaxEmailLength) + uint(fieldcheck.MaxEmailLength-MaxEmailLen)
	_ = uint(MaxURLLen-fieldcheck.MaxURLLength) + uint(fieldcheck.MaxURLLength-MaxURLLen)
)
