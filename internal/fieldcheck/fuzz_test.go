package fieldcheck_test

import (
	"encoding/json"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/biter777/countries"
	"github.com/nyaruka/phonenumbers"

	"github.com/dossierkit/dossier/internal/fieldcheck"
)

// checkProblem fails on what every check promises whatever the input: the
// same answer twice, a Detail exactly when refused, and an accepted value
// that survives a JSON round trip.
func checkProblem(t *testing.T, check func(string) fieldcheck.Problem, s string) fieldcheck.Problem {
	t.Helper()
	p := check(s)
	if again := check(s); again != p {
		t.Fatalf("(%q) = %+v, then %+v", s, p, again)
	}
	if (p.Detail() == "") != p.OK() {
		t.Fatalf("(%q) = %+v with detail %q", s, p, p.Detail())
	}
	if p.OK() {
		if !utf8.ValidString(s) {
			t.Fatalf("accepted invalid UTF-8 %q", s)
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back string
		if err := json.Unmarshal(b, &back); err != nil || back != s {
			t.Fatalf("%q does not survive JSON: %q, %v", s, back, err)
		}
		if !check(back).OK() {
			t.Fatalf("%q accepted, its JSON round trip refused", s)
		}
	}
	return p
}

// FuzzDate checks Date against time.Parse: the accepted set is exactly the
// strings time.Parse reads as a date of year 1 to 9999 and formats back
// identically, with the same year, month and day.
func FuzzDate(f *testing.F) {
	for _, s := range []string{"2022-02-03", "2024-02-29", "2023-02-29", "1900-02-29", "2023-1-05", "0000-01-01", "0001-01-01",
		"9999-12-31", "2023-13-01", "2023-00-01", "2023-01-00", "+123-01-01", "2023-01-05T00:00:00Z", "", "２０２３-01-05"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := checkProblem(t, fieldcheck.Date, s)
		y, m, d, p2 := fieldcheck.ParseDate(s)
		if p2 != p {
			t.Fatalf("ParseDate(%q) = %+v, Date = %+v", s, p2, p)
		}
		ref, err := time.Parse(time.DateOnly, s)
		want := err == nil && ref.Year() >= 1 && ref.Format(time.DateOnly) == s
		if p.OK() != want {
			t.Fatalf("Date(%q) = %+v, time.Parse: %v, %v", s, p, ref, err)
		}
		if p.OK() && (ref.Year() != y || int(ref.Month()) != m || ref.Day() != d) {
			t.Fatalf("ParseDate(%q) = %d-%d-%d, time.Parse: %v", s, y, m, d, ref)
		}
		if p.Kind == fieldcheck.DateDay && (p.Arg != s[:7] || p.N != fieldcheck.DaysIn(y, m) || (d >= 1 && d <= p.N)) {
			t.Fatalf("Date(%q) = %+v", s, p)
		}
	})
}

// FuzzCountry checks Country against the biter777/countries table looked up
// by name.
func FuzzCountry(f *testing.F) {
	for _, s := range []string{"FR", "fr", "Fr", "XK", "AN", "YU", "UK", "ZZ", "FRA", "", "É", "ﬀ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := checkProblem(t, fieldcheck.Country, s)
		if p.OK() != referenceCountry(s) {
			t.Fatalf("Country(%q) = %+v, biter777: %v", s, p, referenceCountry(s))
		}
		if c := fieldcheck.CountryCode(s); (c != countries.Unknown) != p.OK() {
			t.Fatalf("CountryCode(%q) = %v, Country = %+v", s, c, p)
		}
		if p.Kind == fieldcheck.CountryCase && (p.Arg != strings.ToUpper(s) || p.Arg == s || !referenceCountry(p.Arg)) {
			t.Fatalf("Country(%q) = %+v", s, p)
		}
	})
}

// FuzzEmail checks that an accepted address is what net/mail parses as a
// bare address, within the length limits, with a dotted domain.
func FuzzEmail(f *testing.F) {
	for _, s := range []string{"contact@dotfile.com", "josé@exämple.fr", "a@b", "a@1.2", "Alice <a@b.co>", `"a"@b.co`, "a..b@x.co",
		"a@[1.2.3.4]", "a@-b.co", strings.Repeat("a", 65) + "@b.co", "", "@", "a@b.c\u0301", "\xff@b.co"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := checkProblem(t, fieldcheck.Email, s)
		if !p.OK() {
			return
		}
		a, err := mail.ParseAddress(s)
		if err != nil || a.Address != s || a.Name != "" {
			t.Fatalf("accepted %q: net/mail says %v, %v", s, a, err)
		}
		at := strings.LastIndexByte(s, '@')
		domain := s[at+1:]
		if utf8.RuneCountInString(s) > fieldcheck.MaxEmailLength || at < 1 || at > fieldcheck.MaxEmailLocalLength ||
			!strings.Contains(domain, ".") || strings.ContainsAny(domain, "[]_ ") {
			t.Fatalf("accepted %q", s)
		}
	})
}

// e164 is the shape of an E.164 number.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)

// FuzzPhone checks Phone against the E.164 shape and nyaruka/phonenumbers
// used directly: accepted exactly when the shape is right, the number
// valid, and its canonical form the input.
func FuzzPhone(f *testing.F) {
	for _, s := range []string{"+33654489875", "+330654489875", "+12015550123", "+390612345678", "+99912345678", "+1", "+", "",
		"0033654489875", "+33 6 54 48 98 75", "+٣٣", "+3365448987512345"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := checkProblem(t, fieldcheck.Phone, s)
		want := false
		if e164.MatchString(s) {
			n, err := phonenumbers.Parse(s, "")
			want = err == nil && phonenumbers.IsValidNumber(n) && phonenumbers.Format(n, phonenumbers.E164) == s
		}
		if p.OK() != want {
			t.Fatalf("Phone(%q) = %+v, phonenumbers: %v", s, p, want)
		}
		if (p.Kind == fieldcheck.PhoneFormat) == e164.MatchString(s) {
			t.Fatalf("Phone(%q) = %+v, shape: %v", s, p, e164.MatchString(s))
		}
		if p.Kind == fieldcheck.PhoneNotCanonical && (p.Arg == s || !fieldcheck.Phone(p.Arg).OK()) {
			t.Fatalf("Phone(%q) = %+v; Phone(%q) = %+v", s, p, p.Arg, fieldcheck.Phone(p.Arg))
		}
	})
}

// FuzzWebURL checks that an accepted URL is an absolute http(s) URL for
// net/url, without user information, in the RFC 3986 character set.
func FuzzWebURL(f *testing.F) {
	for _, s := range []string{"https://dotfile.com", "http://example.com/a/b?c=d&e=f#g", "https://[2001:db8::1]:8443/", "HTTPS://x.y",
		"https://user:pass@x.y", "https://@x.y", "ftp://x.y", "https://x.y:65536", "https://x.y/%zz", "https://例え.jp", "https://x.y/a[1]",
		"https://x.y/#a#b", "https:x.y", "//x.y", "", "https://[::1", "https://x.y:99999999999999999999"} {
		f.Add(s)
	}
	const rfc3986 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%"
	f.Fuzz(func(t *testing.T, s string) {
		p := checkProblem(t, fieldcheck.WebURL, s)
		if p.Kind == fieldcheck.URLChar && (p.N >= len(s) || strings.IndexByte(rfc3986, s[p.N]) >= 0 || !strings.HasPrefix(s[p.N:], p.Arg) || p.Arg == "") {
			t.Fatalf("WebURL(%q) = %+v", s, p)
		}
		if p.Kind == fieldcheck.URLEscape && (p.N >= len(s) || s[p.N] != '%') {
			t.Fatalf("WebURL(%q) = %+v", s, p)
		}
		if !p.OK() {
			return
		}
		for i := 0; i < len(s); i++ {
			if strings.IndexByte(rfc3986, s[i]) < 0 {
				t.Fatalf("accepted %q with %q", s, s[i])
			}
		}
		u, err := url.Parse(s)
		if err != nil || u.Host == "" || u.Hostname() == "" || u.User != nil || u.Opaque != "" || len(s) > fieldcheck.MaxURLLength {
			t.Fatalf("accepted %q: %#v, %v", s, u, err)
		}
		if sc := strings.ToLower(u.Scheme); sc != "http" && sc != "https" {
			t.Fatalf("accepted %q with scheme %q", s, u.Scheme)
		}
	})
}
