package fieldcheck_test

import (
	"strings"
	"testing"

	"github.com/biter777/countries"

	"github.com/dossierkit/dossier/internal/fieldcheck"
)

// tc is one value and the problem expected for it (None: accepted). Only
// the Kind is compared unless n or arg is set.
type tc struct {
	name string
	in   string
	kind fieldcheck.Kind
	n    int
	arg  string
}

func run(t *testing.T, check func(string) fieldcheck.Problem, cases []tc) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := check(c.in)
			if p.Kind != c.kind || (c.n != 0 && p.N != c.n) || (c.arg != "" && p.Arg != c.arg) {
				t.Fatalf("(%.60q) = %+v, want kind %v n %d arg %q", c.in, p, c.kind, c.n, c.arg)
			}
			if p.OK() != (c.kind == fieldcheck.None) {
				t.Fatalf("OK() = %v for %+v", p.OK(), p)
			}
			if (p.Detail() == "") != p.OK() {
				t.Fatalf("Detail() = %q for %+v", p.Detail(), p)
			}
		})
	}
}

func TestCountry(t *testing.T) {
	run(t, fieldcheck.Country, []tc{
		{"France", "FR", fieldcheck.None, 0, ""},
		{"first code", "AD", fieldcheck.None, 0, ""},
		{"last code", "ZW", fieldcheck.None, 0, ""},
		{"Kosovo", "XK", fieldcheck.None, 0, ""},
		{"Curacao", "CW", fieldcheck.None, 0, ""},
		{"Antarctica", "AQ", fieldcheck.None, 0, ""},
		{"lower case", "fr", fieldcheck.CountryCase, 0, "FR"},
		{"mixed case", "Fr", fieldcheck.CountryCase, 0, "FR"},
		{"lower-case Kosovo", "xk", fieldcheck.CountryCase, 0, "XK"},
		{"lower-case withdrawn", "an", fieldcheck.CountryUnknown, 0, ""},
		{"withdrawn AN", "AN", fieldcheck.CountryUnknown, 0, ""},
		{"withdrawn YU", "YU", fieldcheck.CountryUnknown, 0, ""},
		{"UK is not a code", "UK", fieldcheck.CountryUnknown, 0, ""},
		{"EU is not a country", "EU", fieldcheck.CountryUnknown, 0, ""},
		{"unassigned", "ZZ", fieldcheck.CountryUnknown, 0, ""},
		{"AA", "AA", fieldcheck.CountryUnknown, 0, ""},
		{"alpha-3", "FRA", fieldcheck.CountryUnknown, 0, ""},
		{"one letter", "F", fieldcheck.CountryUnknown, 0, ""},
		{"empty", "", fieldcheck.CountryUnknown, 0, ""},
		{"digit", "F1", fieldcheck.CountryUnknown, 0, ""},
		{"padded", " FR", fieldcheck.CountryUnknown, 0, ""},
		{"before A", "@A", fieldcheck.CountryUnknown, 0, ""},
		{"after Z", "F[", fieldcheck.CountryUnknown, 0, ""},
		{"non-ASCII", "ÉÉ", fieldcheck.CountryUnknown, 0, ""},
	})
}

// TestCountryTable compares all 676 two-letter codes with
// biter777/countries looked up by name, a different path through the
// library than the table the package builds.
func TestCountryTable(t *testing.T) {
	n := 0
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			want := referenceCountry(code)
			if got := fieldcheck.Country(code).OK(); got != want {
				t.Errorf("Country(%q).OK() = %v, biter777: %v", code, got, want)
			}
			if c := fieldcheck.CountryCode(code); (c != countries.Unknown) != want || (want && c.Alpha2() != code) {
				t.Errorf("CountryCode(%q) = %v", code, c)
			}
			if want {
				n++
			}
		}
	}
	// ISO 3166-1 has 249 officially assigned codes; XK is added.
	if n != 250 || fieldcheck.CountryCount() != n {
		t.Errorf("%d codes accepted, CountryCount() = %d, want 250", n, fieldcheck.CountryCount())
	}
}

// referenceCountry is the rule written with countries.ByName: an existing
// country whose alpha-2 code is exactly code, and not withdrawn.
func referenceCountry(code string) bool {
	if len(code) != 2 || code == "AN" || code == "YU" || strings.ToUpper(code) != code {
		return false
	}
	c := countries.ByName(code)
	return c != countries.Unknown && c.IsValid() && c.Alpha2() == code
}

func TestDate(t *testing.T) {
	run(t, fieldcheck.Date, []tc{
		{"seed example", "2022-02-03", fieldcheck.None, 0, ""},
		{"first day", "0001-01-01", fieldcheck.None, 0, ""},
		{"last day", "9999-12-31", fieldcheck.None, 0, ""},
		{"leap day of a leap year", "2024-02-29", fieldcheck.None, 0, ""},
		{"leap day of 2000", "2000-02-29", fieldcheck.None, 0, ""},
		{"leap day of 1900", "1900-02-29", fieldcheck.DateDay, 28, "1900-02"},
		{"leap day of a common year", "2023-02-29", fieldcheck.DateDay, 28, "2023-02"},
		{"february 30 of a leap year", "2024-02-30", fieldcheck.DateDay, 29, "2024-02"},
		{"april 30", "2023-04-30", fieldcheck.None, 0, ""},
		{"april 31", "2023-04-31", fieldcheck.DateDay, 30, "2023-04"},
		{"january 31", "2023-01-31", fieldcheck.None, 0, ""},
		{"january 32", "2023-01-32", fieldcheck.DateDay, 31, "2023-01"},
		{"day 00", "2023-01-00", fieldcheck.DateDay, 31, "2023-01"},
		{"month 00", "2023-00-10", fieldcheck.DateMonth, 0, ""},
		{"month 13", "2023-13-01", fieldcheck.DateMonth, 0, ""},
		{"year 0000", "0000-01-01", fieldcheck.DateYear, 0, ""},
		{"unpadded month", "2023-1-05", fieldcheck.DateFormat, 0, ""},
		{"with time", "2023-01-05T00:00:00Z", fieldcheck.DateFormat, 0, ""},
		{"slashes", "2023/01/05", fieldcheck.DateFormat, 0, ""},
		{"day first", "05-01-2023", fieldcheck.DateFormat, 0, ""},
		{"leading space", " 2023-01-05", fieldcheck.DateFormat, 0, ""},
		{"five-digit year", "12023-01-05", fieldcheck.DateFormat, 0, ""},
		{"signed year", "+123-01-01", fieldcheck.DateFormat, 0, ""},
		{"letter", "2023-0a-05", fieldcheck.DateFormat, 0, ""},
		{"fullwidth digits", "２０２３-01-05", fieldcheck.DateFormat, 0, ""},
		{"empty", "", fieldcheck.DateFormat, 0, ""},
	})
}

func TestParseDate(t *testing.T) {
	for _, c := range []struct {
		in      string
		y, m, d int
	}{
		{"2024-02-29", 2024, 2, 29}, {"0001-01-01", 1, 1, 1}, {"9999-12-31", 9999, 12, 31},
		{"2023-13-01", 2023, 13, 1}, // the shape is right: the fields are set with the problem
		{"2023-1-05", 0, 0, 0},
	} {
		if y, m, d, _ := fieldcheck.ParseDate(c.in); y != c.y || m != c.m || d != c.d {
			t.Errorf("ParseDate(%q) = %d, %d, %d, want %d, %d, %d", c.in, y, m, d, c.y, c.m, c.d)
		}
	}
}

func TestDaysIn(t *testing.T) {
	for _, c := range []struct{ y, m, want int }{
		{2023, 1, 31}, {2023, 2, 28}, {2024, 2, 29}, {1900, 2, 28}, {2000, 2, 29}, {2023, 4, 30},
		{2023, 6, 30}, {2023, 9, 30}, {2023, 11, 30}, {2023, 12, 31}, {1, 2, 28}, {4, 2, 29},
	} {
		if got := fieldcheck.DaysIn(c.y, c.m); got != c.want {
			t.Errorf("DaysIn(%d, %d) = %d, want %d", c.y, c.m, got, c.want)
		}
	}
}

func TestEmail(t *testing.T) {
	local64 := strings.Repeat("a", 64)
	// 64 + 1 + 185 = 250 characters; labels of 63, 63, 53 and 3 bytes.
	domain185 := strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 53) + ".com"
	run(t, fieldcheck.Email, []tc{
		{"plain", "contact@dotfile.com", fieldcheck.None, 0, ""},
		{"plus and subdomains", "first.last+kyc@mail.example.co.uk", fieldcheck.None, 0, ""},
		{"all atext", "a!b$c&d'e*f+g/h=i?j^k_l`m{n|o}p~q#r%s@x.co", fieldcheck.None, 0, ""},
		{"unicode", "josé@exämple.fr", fieldcheck.None, 0, ""},
		{"unicode domain", "a@例え.jp", fieldcheck.None, 0, ""},
		{"punycode domain", "a@xn--r8jz45g.jp", fieldcheck.None, 0, ""},
		{"digits in the last label", "a@x.c0m", fieldcheck.None, 0, ""},
		{"numeric inner label", "a@123.example", fieldcheck.None, 0, ""},
		{"hyphen inside a label", "a@ex-ample.com", fieldcheck.None, 0, ""},
		{"exactly 250", local64 + "@" + domain185, fieldcheck.None, 0, ""},
		{"251", local64 + "@e" + domain185, fieldcheck.EmailTooLong, 251, ""},
		{"251 counted in characters", strings.Repeat("é", 64) + "@e" + domain185, fieldcheck.EmailTooLong, 251, ""},
		{"local part of 64 bytes", local64 + "@example.com", fieldcheck.None, 0, ""},
		{"local part of 65 bytes", local64 + "a@example.com", fieldcheck.EmailLocalTooLong, 65, ""},
		{"local part of 33 two-byte letters", strings.Repeat("é", 33) + "@example.com", fieldcheck.EmailLocalTooLong, 66, ""},
		{"label of 63 bytes", "a@" + strings.Repeat("b", 63) + ".com", fieldcheck.None, 0, ""},
		{"label of 64 bytes", "a@" + strings.Repeat("b", 64) + ".com", fieldcheck.EmailDomain, 0, ""},
		{"dotless domain", "a@b", fieldcheck.EmailDomain, 0, ""},
		{"localhost", "alice@localhost", fieldcheck.EmailDomain, 0, ""},
		{"numeric top-level label", "alice@1.2", fieldcheck.EmailDomain, 0, ""},
		{"domain literal", "alice@[192.168.0.1]", fieldcheck.EmailDomain, 0, ""},
		{"leading hyphen", "alice@-example.com", fieldcheck.EmailDomain, 0, ""},
		{"trailing hyphen", "alice@example-.com", fieldcheck.EmailDomain, 0, ""},
		{"underscore", "alice@ex_ample.com", fieldcheck.EmailDomain, 0, ""},
		{"empty label (a net/mail dot-atom error)", "alice@example..com", fieldcheck.EmailSyntax, 0, ""},
		{"trailing dot (a net/mail dot-atom error)", "alice@example.com.", fieldcheck.EmailSyntax, 0, ""},
		{"display name", "Alice <alice@example.com>", fieldcheck.EmailSyntax, 0, ""},
		{"angle brackets", "<alice@example.com>", fieldcheck.EmailSyntax, 0, ""},
		{"comment", "alice(x)@example.com", fieldcheck.EmailSyntax, 0, ""},
		{"quoted local part", `"alice"@example.com`, fieldcheck.EmailSyntax, 0, ""},
		{"leading dot", ".alice@example.com", fieldcheck.EmailSyntax, 0, ""},
		{"trailing dot before at", "alice.@example.com", fieldcheck.EmailSyntax, 0, ""},
		{"doubled dot", "a..b@example.com", fieldcheck.EmailSyntax, 0, ""},
		{"no at", "alice.example.com", fieldcheck.EmailSyntax, 0, ""},
		{"two ats", "a@b@example.com", fieldcheck.EmailSyntax, 0, ""},
		{"space", "ali ce@example.com", fieldcheck.EmailSyntax, 0, ""},
		{"trailing space", "alice@example.com ", fieldcheck.EmailSyntax, 0, ""},
		{"two addresses", "a@example.com, b@example.com", fieldcheck.EmailSyntax, 0, ""},
		{"invalid UTF-8", "\xff@example.com", fieldcheck.EmailSyntax, 0, ""},
		{"NUL", "a\x00@example.com", fieldcheck.EmailInvisible, 0, ""},
		{"empty", "", fieldcheck.EmailSyntax, 0, ""},
	})
}

func TestPhone(t *testing.T) {
	run(t, fieldcheck.Phone, []tc{
		{"seed example", "+33654489875", fieldcheck.None, 0, ""},
		{"US", "+12015550123", fieldcheck.None, 0, ""},
		{"UK mobile", "+447400123456", fieldcheck.None, 0, ""},
		{"italy keeps its leading zero", "+390612345678", fieldcheck.None, 0, ""},
		{"trunk zero kept", "+330654489875", fieldcheck.PhoneNotCanonical, 0, "+33654489875"},
		{"too short for the region", "+3365448987", fieldcheck.PhoneInvalid, 0, ""},
		{"unassigned country code", "+99912345678", fieldcheck.PhoneInvalid, 0, ""},
		{"invalid US area code", "+10015550123", fieldcheck.PhoneInvalid, 0, ""},
		{"15 digits, invalid", "+336544898751234", fieldcheck.PhoneInvalid, 0, ""},
		{"shortest shape", "+12", fieldcheck.PhoneInvalid, 0, ""},
		{"16 digits", "+3365448987512345", fieldcheck.PhoneFormat, 0, ""},
		{"one digit", "+1", fieldcheck.PhoneFormat, 0, ""},
		{"plus only", "+", fieldcheck.PhoneFormat, 0, ""},
		{"no plus", "33654489875", fieldcheck.PhoneFormat, 0, ""},
		{"international prefix 00", "0033654489875", fieldcheck.PhoneFormat, 0, ""},
		{"leading zero country code", "+0654489875", fieldcheck.PhoneFormat, 0, ""},
		{"spaces", "+33 6 54 48 98 75", fieldcheck.PhoneFormat, 0, ""},
		{"dashes", "+1-201-555-0123", fieldcheck.PhoneFormat, 0, ""},
		{"letters", "+1800FLOWERS", fieldcheck.PhoneFormat, 0, ""},
		{"trailing space", "+33654489875 ", fieldcheck.PhoneFormat, 0, ""},
		{"arabic-indic digits", "+٣٣٦٥٤٤٨٩٨٧٥", fieldcheck.PhoneFormat, 0, ""},
		{"empty", "", fieldcheck.PhoneFormat, 0, ""},
	})
}

func TestWebURL(t *testing.T) {
	base := "https://example.com/"
	at2000 := base + strings.Repeat("a", 2000-len(base))
	run(t, fieldcheck.WebURL, []tc{
		{"seed example", "https://dotfile.com", fieldcheck.None, 0, ""},
		{"path query fragment", "http://example.com/a/b?c=d&e=f#g", fieldcheck.None, 0, ""},
		{"port", "https://example.com:8443/x", fieldcheck.None, 0, ""},
		{"port 0", "https://example.com:0", fieldcheck.None, 0, ""},
		{"max port", "https://example.com:65535", fieldcheck.None, 0, ""},
		{"empty port", "https://example.com:/", fieldcheck.None, 0, ""},
		{"IPv6 literal", "https://[2001:db8::1]/", fieldcheck.None, 0, ""},
		{"IPv6 with port", "https://[::1]:80", fieldcheck.None, 0, ""},
		{"percent-encoded", "https://example.com/caf%C3%A9", fieldcheck.None, 0, ""},
		{"punycode host", "https://xn--r8jz45g.jp", fieldcheck.None, 0, ""},
		{"upper-case scheme", "HTTPS://example.com", fieldcheck.None, 0, ""},
		{"mixed-case scheme", "HtTp://example.com", fieldcheck.None, 0, ""},
		{"exactly 2000", at2000, fieldcheck.None, 0, ""},
		{"2001", at2000 + "a", fieldcheck.URLTooLong, 2001, ""},
		{"2001 counted in characters", base + strings.Repeat("é", 1981), fieldcheck.URLTooLong, 2001, ""},
		{"port above 65535", "https://example.com:65536", fieldcheck.URLPort, 0, "65536"},
		{"huge port", "https://example.com:99999999999999999999", fieldcheck.URLPort, 0, "99999999999999999999"},
		{"bad escape", "https://example.com/%zz", fieldcheck.URLEscape, 20, ""},
		{"truncated escape", "https://example.com/%4", fieldcheck.URLEscape, 20, ""},
		{"percent at the end", "https://example.com/%", fieldcheck.URLEscape, 20, ""},
		{"space", "https://exa mple.com", fieldcheck.URLChar, 11, " "},
		{"non-ASCII host", "https://例え.jp", fieldcheck.URLChar, 8, "例"},
		{"non-ASCII path", base + "é", fieldcheck.URLChar, 20, "é"},
		{"invalid UTF-8", base + "\xff", fieldcheck.URLChar, 20, "\xff"},
		{"backslash", `https://example.com\x`, fieldcheck.URLChar, 19, `\`},
		{"quote", `https://example.com/"`, fieldcheck.URLChar, 20, `"`},
		{"DEL", base + "\x7f", fieldcheck.URLChar, 20, "\x7f"},
		{"tab", base + "\t", fieldcheck.URLChar, 20, "\t"},
		{"no scheme", "dotfile.com", fieldcheck.URLNotAbsolute, 0, ""},
		{"scheme-relative", "//example.com", fieldcheck.URLNotAbsolute, 0, ""},
		{"relative", "/path", fieldcheck.URLNotAbsolute, 0, ""},
		{"scheme only", "https://", fieldcheck.URLNotAbsolute, 0, ""},
		{"no host", "https:///path", fieldcheck.URLNotAbsolute, 0, ""},
		{"opaque", "https:example.com", fieldcheck.URLNotAbsolute, 0, ""},
		{"mailto", "mailto:a@example.com", fieldcheck.URLNotAbsolute, 0, ""},
		{"javascript", "javascript:alert(1)", fieldcheck.URLNotAbsolute, 0, ""},
		{"unclosed IPv6", "https://[::1", fieldcheck.URLNotAbsolute, 0, ""},
		{"empty", "", fieldcheck.URLNotAbsolute, 0, ""},
		{"ftp", "ftp://example.com", fieldcheck.URLScheme, 0, "ftp"},
		{"credentials", "https://user:pass@example.com", fieldcheck.URLUserInfo, 0, ""},
		{"user only", "https://u@example.com", fieldcheck.URLUserInfo, 0, ""},
		{"empty user information", "https://@example.com", fieldcheck.URLUserInfo, 0, ""},
		{"bracket in path", "https://example.com/a[1]", fieldcheck.URLDelims, 0, ""},
		{"bracket in query", "https://example.com/?a=]", fieldcheck.URLDelims, 0, ""},
		{"two fragments", "https://example.com/#a#b", fieldcheck.URLDelims, 0, ""},
	})
}

// TestDetail checks that every Kind has its own explanation, and that the
// data of a Problem appears in it.
func TestDetail(t *testing.T) {
	seen := map[string]fieldcheck.Kind{}
	for k := fieldcheck.None + 1; k <= fieldcheck.URLPort; k++ {
		d := fieldcheck.Problem{Kind: k}.Detail()
		if d == "" || d == k.String() {
			t.Errorf("%v has no detail", k)
		}
		if other, ok := seen[d]; ok {
			t.Errorf("%v and %v share the detail %q", k, other, d)
		}
		seen[d] = k
		if strings.HasPrefix(k.String(), "kind(") {
			t.Errorf("Kind %d has no name", k)
		}
	}
	for _, c := range []struct {
		p    fieldcheck.Problem
		want string
	}{
		{fieldcheck.Problem{Kind: fieldcheck.DateDay, N: 28, Arg: "2023-02"}, "2023-02 has 28 days"},
		{fieldcheck.Problem{Kind: fieldcheck.CountryCase, Arg: "FR"}, "country codes are written in upper case (FR)"},
		{fieldcheck.Problem{Kind: fieldcheck.EmailTooLong, N: 251}, "251 characters, at most 250 allowed"},
		{fieldcheck.Problem{Kind: fieldcheck.URLTooLong, N: 2001}, "2001 characters, at most 2000 allowed"},
		{fieldcheck.Problem{Kind: fieldcheck.PhoneNotCanonical, Arg: "+33654489875"}, "its canonical E.164 form is +33654489875"},
		{fieldcheck.Problem{Kind: fieldcheck.URLChar, N: 3, Arg: "é"}, `it contains "é", which RFC 3986 does not allow (percent-encode it)`},
		{fieldcheck.Problem{Kind: fieldcheck.URLPort, Arg: strings.Repeat("9", 30)}, "port " + strings.Repeat("9", 20) + "… is above 65535"},
	} {
		if got := c.p.Detail(); got != c.want {
			t.Errorf("%+v.Detail() = %q, want %q", c.p, got, c.want)
		}
	}
	if got := fieldcheck.Kind(200).String(); got != "kind(200)" {
		t.Errorf("Kind(200).String() = %q", got)
	}
}

func TestText(t *testing.T) {
	tests := []struct {
		in   string
		want rune // 0: accepted
	}{
		{"Acme Ltd", 0},
		{"Société Générale", 0},
		{"株式会社", 0},
		{"می\u200cخواهم", 0}, // Persian needs the zero-width non-joiner
		{"Acme\tLtd", '\t'},
		{"Acme\nLtd", '\n'},
		{"Acme\u0085", 0x85},
		{"Acme\u200bLtd", 0x200b},
		{"Acme\u202eLtd", 0x202e},
		{"\u2066Acme\u2069", 0x2066},
		{"Acme\u200f", 0x200f},
		{"\ufeffAcme", 0xfeff},
		{"Ac\u00adme", 0xad},
		{"Acme\u2028Ltd", 0x2028},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p := fieldcheck.Text(tt.in)
			if tt.want == 0 {
				if !p.OK() {
					t.Fatalf("refused: %s", p.Detail())
				}
				return
			}
			if p.Kind != fieldcheck.TextInvisible || rune(p.N) != tt.want {
				t.Fatalf("got %v %U, want text_invisible %U", p.Kind, p.N, tt.want)
			}
		})
	}
}
