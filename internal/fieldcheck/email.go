package fieldcheck

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of an e-mail address.
const (
	// MaxEmailLength is the maximum length of an address, in characters
	// (Unicode code points).
	MaxEmailLength = 250
	// MaxEmailLocalLength is the maximum length of the part before "@", in
	// bytes (RFC 5321).
	MaxEmailLocalLength = 64
)

// Email checks an e-mail address, in this order:
//
//   - at most MaxEmailLength characters ([EmailTooLong]);
//   - a bare RFC 5322 addr-spec as net/mail parses it, UTF-8 allowed
//     (RFC 6532): no display name ("Alice <a@example.com>"), angle
//     brackets, comments or quoted local part; no leading, trailing or
//     doubled dot in the local part ([EmailSyntax]);
//   - a local part of at most MaxEmailLocalLength bytes
//     ([EmailLocalTooLong]);
//   - a domain that is a host name of at least two dot-separated labels,
//     each of letters (Unicode letters allowed), digits and hyphens, with
//     no leading or trailing hyphen, at most 63 bytes, 253 in all, and a
//     last label that is not all digits: "a@b", "a@1.2", "a@[1.2.3.4]"
//     and "a@example.com." are refused ([EmailDomain]).
//
// Before parsing, any control, format or separator character is refused
// ([EmailInvisible]): net/mail accepts every non-ASCII character in the
// local part, invisible ones included (U+0085, U+200B, U+202E, U+2028),
// and an address such as "a\u202e@example.com" would display as something
// it is not. Letters outside ASCII stay allowed ("josé@exämple.fr").
func Email(s string) Problem {
	if n := utf8.RuneCountInString(s); n > MaxEmailLength {
		return Problem{Kind: EmailTooLong, N: n}
	}
	for _, c := range s {
		if unicode.IsControl(c) || unicode.In(c, unicode.Cf, unicode.Zl, unicode.Zp) || (c >= utf8.RuneSelf && unicode.IsSpace(c)) {
			return Problem{Kind: EmailInvisible, N: int(c)}
		}
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return Problem{Kind: EmailSyntax}
	}
	at := strings.LastIndexByte(s, '@')
	if at > MaxEmailLocalLength {
		return Problem{Kind: EmailLocalTooLong, N: at}
	}
	if !validDomain(s[at+1:]) {
		return Problem{Kind: EmailDomain}
	}
	return Problem{}
}

// validDomain reports whether d is a fully qualified host name of at least
// two labels (see Email). Internationalised labels may be written in
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
