package fieldcheck

import (
	"fmt"
	"strconv"
)

// Kind is what is wrong with a value. Each field kind has its own Kinds, so
// that a caller can word every failure precisely.
type Kind uint8

const (
	// None means nothing is wrong: the value is accepted.
	None Kind = iota

	// CountryCase: a lower- or mixed-case spelling of an existing code
	// ("fr"). Arg is the upper-case code ("FR").
	CountryCase
	// CountryUnknown: not the upper-case alpha-2 code of an existing
	// country ("ZZ", "UK", "AN", "FRA", "").
	CountryUnknown

	// DateFormat: not exactly "yyyy-MM-dd" with ASCII digits.
	DateFormat
	// DateYear: year 0000.
	DateYear
	// DateMonth: month outside 01..12.
	DateMonth
	// DateDay: day outside its month. Arg is the month as "yyyy-MM" and N
	// its number of days.
	DateDay

	// EmailTooLong: more than MaxEmailLength characters. N is the number
	// of characters (code points).
	EmailTooLong
	// EmailSyntax: not a bare RFC 5322 address as net/mail parses it (no
	// "@", a display name, angle brackets, a comment, a quoted local part,
	// misplaced dots, spaces, ...).
	EmailSyntax
	// EmailLocalTooLong: the part before "@" is longer than
	// MaxEmailLocalLength bytes. N is its length in bytes.
	EmailLocalTooLong
	// EmailDomain: the part after "@" is not a host name of at least two
	// labels ("a@b", "a@1.2", "a@[1.2.3.4]", "a@-b.com").
	EmailDomain
	// EmailInvisible: the address holds a control, format (zero-width,
	// bidirectional override) or separator character, which can hide what
	// the address really is. N is the character.
	EmailInvisible

	// PhoneFormat: not "+", a country code not starting with 0 and the
	// number, 2 to 15 ASCII digits in all.
	PhoneFormat
	// PhoneInvalid: nyaruka/phonenumbers finds no valid number for the
	// region of the country code.
	PhoneInvalid
	// PhoneNotCanonical: a valid number written differently from its
	// canonical E.164 form ("+330654489875"). Arg is the canonical form.
	PhoneNotCanonical

	// URLTooLong: more than MaxURLLength characters. N is the number of
	// characters (code points).
	URLTooLong
	// URLEscape: a "%" not followed by two hexadecimal digits. N is the
	// byte offset of the "%".
	URLEscape
	// URLChar: a character outside the RFC 3986 set (space, non-ASCII,
	// "\", "<", ...). N is its byte offset and Arg the character (the
	// single byte when it does not start valid UTF-8).
	URLChar
	// URLNotAbsolute: not an absolute URL with a scheme and a host.
	URLNotAbsolute
	// URLScheme: a scheme other than http or https. Arg is the scheme as
	// written.
	URLScheme
	// URLUserInfo: user information (credentials) before the host.
	URLUserInfo
	// URLDelims: "[" or "]" outside an IP literal host, or "#" more than
	// once.
	URLDelims
	// URLPort: a port above 65535. Arg is the port as written.
	URLPort

	// TextInvisible: a name or other display text holds a control,
	// invisible format (zero-width space, bidirectional override, soft
	// hyphen, ...) or line/paragraph separator character. N is the
	// character.
	TextInvisible

	// IBANFormat: not upper-case letters and digits, starting with two
	// letters and two digits.
	IBANFormat
	// IBANCountry: the first two letters are not a country of the SWIFT
	// IBAN Registry.
	IBANCountry
	// IBANLength: the wrong length; N is the length of the country's
	// IBANs (0 when the country is not known yet).
	IBANLength
	// IBANChecksum: the ISO 7064 MOD 97-10 check fails.
	IBANChecksum
	// BICFormat: not 8 or 11 upper-case letters and digits with letters
	// at the country code's place.
	BICFormat
	// BICCountry: characters 5 and 6 are not an existing country code.
	BICCountry
)

var kindNames = [...]string{
	None:              "none",
	CountryCase:       "country_case",
	CountryUnknown:    "country_unknown",
	DateFormat:        "date_format",
	DateYear:          "date_year",
	DateMonth:         "date_month",
	DateDay:           "date_day",
	EmailTooLong:      "email_too_long",
	EmailSyntax:       "email_syntax",
	EmailLocalTooLong: "email_local_too_long",
	EmailDomain:       "email_domain",
	EmailInvisible:    "email_invisible",
	PhoneFormat:       "phone_format",
	PhoneInvalid:      "phone_invalid",
	PhoneNotCanonical: "phone_not_canonical",
	URLTooLong:        "url_too_long",
	URLEscape:         "url_escape",
	URLChar:           "url_char",
	URLNotAbsolute:    "url_not_absolute",
	URLScheme:         "url_scheme",
	URLUserInfo:       "url_user_info",
	URLDelims:         "url_delims",
	URLPort:           "url_port",
	TextInvisible:     "text_invisible",
	IBANFormat:        "iban_format",
	IBANCountry:       "iban_country",
	IBANLength:        "iban_length",
	IBANChecksum:      "iban_checksum",
	BICFormat:         "bic_format",
	BICCountry:        "bic_country",
}

// String returns a short lower-case name of k, such as "email_domain".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Problem says why a value was refused: its Kind, and N and Arg whose
// meaning depends on the Kind (see the Kind constants; both are zero when
// the Kind says nothing about them). The zero Problem (Kind None) means
// the value was accepted.
//
// Problem carries no error code and no message of any package: each caller
// maps the Kind to its own validation code and wording, and may use
// [Problem.Detail] for the explanation. Building a Problem formats nothing,
// so a caller that only needs a yes or no pays for no message.
type Problem struct {
	Kind Kind
	N    int
	Arg  string
}

// OK reports whether the value was accepted.
func (p Problem) OK() bool { return p.Kind == None }

// Detail explains p in English, as a lower-case phrase that does not repeat
// the value and reads well after "... is not a valid e-mail address: ",
// such as "the domain must be a host name of at least two labels, such as
// example.com". It is "" for an accepted value.
func (p Problem) Detail() string {
	switch p.Kind {
	case None:
		return ""
	case CountryCase:
		return fmt.Sprintf("country codes are written in upper case (%s)", p.Arg)
	case CountryUnknown:
		return "no existing country has this upper-case ISO 3166-1 alpha-2 code"
	case DateFormat:
		return "the form is yyyy-MM-dd (e.g. 2023-01-31)"
	case DateYear:
		return "the year must be between 0001 and 9999"
	case DateMonth:
		return "the month must be between 01 and 12"
	case DateDay:
		return fmt.Sprintf("%s has %d days", p.Arg, p.N)
	case EmailTooLong:
		return fmt.Sprintf("%d characters, at most %d allowed", p.N, MaxEmailLength)
	case EmailSyntax:
		return "it must be a bare address like name@example.com (no display name, angle brackets, comments, quotes or misplaced dots)"
	case EmailLocalTooLong:
		return fmt.Sprintf("the part before @ has %d bytes, at most %d allowed", p.N, MaxEmailLocalLength)
	case EmailDomain:
		return "the domain must be a host name of at least two labels, such as example.com"
	case EmailInvisible:
		return fmt.Sprintf("holds the invisible or control character U+%04X", p.N)
	case PhoneFormat:
		return `E.164 is "+", the country code and the number, digits only (e.g. +33654489875)`
	case PhoneInvalid:
		return "the number is not valid for its region"
	case PhoneNotCanonical:
		return fmt.Sprintf("its canonical E.164 form is %s", p.Arg)
	case URLTooLong:
		return fmt.Sprintf("%d characters, at most %d allowed", p.N, MaxURLLength)
	case URLEscape:
		return fmt.Sprintf("malformed percent-escape at byte %d", p.N)
	case URLChar:
		return fmt.Sprintf("it contains %q, which RFC 3986 does not allow (percent-encode it)", p.Arg)
	case URLNotAbsolute:
		return "it must be absolute, with a scheme and a host (e.g. https://example.com)"
	case URLScheme:
		return fmt.Sprintf("the scheme must be http or https, not %q", p.Arg)
	case URLUserInfo:
		return "credentials (user information before @) are not allowed"
	case URLDelims:
		return `"[" and "]" are allowed only around an IP literal host, "#" only once (percent-encode them)`
	case TextInvisible:
		return fmt.Sprintf("holds the invisible or control character U+%04X", p.N)
	case IBANFormat:
		return "an IBAN is written in upper-case letters and digits without spaces, starting with a country code and two check digits"
	case IBANCountry:
		return "the country code is not one of the countries that publish an IBAN format"
	case IBANLength:
		if p.N > 0 {
			return fmt.Sprintf("IBANs of this country have %d characters", p.N)
		}
		return fmt.Sprintf("an IBAN has 5 to %d characters", MaxIBANLength)
	case IBANChecksum:
		return "the check digits do not match (ISO 7064 MOD 97-10)"
	case BICFormat:
		return "a BIC has 8 or 11 upper-case letters and digits: party prefix, country code, location and optional branch"
	case BICCountry:
		return "characters 5 and 6 are not an existing ISO 3166-1 alpha-2 country code"
	case URLPort:
		port := p.Arg
		if len(port) > 20 {
			port = port[:20] + "…"
		}
		return fmt.Sprintf("port %s is above 65535", port)
	}
	return p.Kind.String()
}
