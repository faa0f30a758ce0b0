package fieldcheck

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxURLLength is the maximum length of a web URL, in characters (Unicode
// code points).
const MaxURLLength = 2000

// WebURL checks the address of a web page, in this order:
//
//   - at most MaxURLLength characters ([URLTooLong]);
//   - written with the RFC 3986 character set only, every "%" starting a
//     valid escape: non-ASCII characters must be percent-encoded, and a
//     host written in punycode ([URLEscape], [URLChar]);
//   - an absolute URL with a scheme and a host, as net/url parses it
//     ([URLNotAbsolute]: "example.com", "/path", "https:///path",
//     "mailto:a@example.com");
//   - the scheme http or https, in any case ([URLScheme]);
//   - no user information: credentials are refused, even empty ones
//     ("https://user:pass@example.com", "https://@example.com")
//     ([URLUserInfo]);
//   - "[" and "]" only around an IP literal host, "#" at most once
//     ([URLDelims]);
//   - a port, if any, of at most 65535 ([URLPort]).
func WebURL(s string) Problem {
	if n := utf8.RuneCountInString(s); n > MaxURLLength {
		return Problem{Kind: URLTooLong, N: n}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' {
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return Problem{Kind: URLEscape, N: i}
			}
			continue
		}
		if !uriChar[c] {
			size := 1
			if c >= utf8.RuneSelf {
				if r, n := utf8.DecodeRuneInString(s[i:]); r != utf8.RuneError || n > 1 {
					size = n
				}
			}
			return Problem{Kind: URLChar, N: i, Arg: s[i : i+size]}
		}
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Opaque != "" || u.Host == "" || u.Hostname() == "" {
		return Problem{Kind: URLNotAbsolute}
	}
	if sc := strings.ToLower(u.Scheme); sc != "http" && sc != "https" {
		return Problem{Kind: URLScheme, Arg: u.Scheme}
	}
	if u.User != nil {
		return Problem{Kind: URLUserInfo}
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
		return Problem{Kind: URLDelims}
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n > 65535 {
			return Problem{Kind: URLPort, Arg: p}
		}
	}
	return Problem{}
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
