package entity_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/validation"
)

// fieldCase is one value of a field and whether it is accepted.
type fieldCase struct {
	name  string
	value string
	ok    bool
}

func runFieldCases(t *testing.T, fn func(string) bool, cases []fieldCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := fn(tc.value); got != tc.ok {
				t.Errorf("(%.60q) = %v, want %v", tc.value, got, tc.ok)
			}
		})
	}
}

var countryCases = []fieldCase{
	{"FR", "FR", true}, {"US", "US", true}, {"GB", "GB", true}, {"DE", "DE", true},
	{"kosovo XK", "XK", true},
	{"lower case", "fr", false}, {"mixed case", "Fr", false}, {"alpha-3", "FRA", false},
	{"one letter", "F", false}, {"empty", "", false}, {"unassigned ZZ", "ZZ", false},
	{"UK is not a code", "UK", false}, {"EU is not a country", "EU", false},
	{"withdrawn AN", "AN", false}, {"withdrawn YU", "YU", false}, {"digit", "F1", false},
	{"padded", " FR", false},
}

func TestIsCountry(t *testing.T) { runFieldCases(t, entity.IsCountry, countryCases) }

var dateCases = []fieldCase{
	{"leap day of a leap year", "2024-02-29", true}, {"epoch", "1970-01-01", true},
	{"december 31", "2023-12-31", true}, {"first day", "0001-01-01", true}, {"last day", "9999-12-31", true},
	{"leap day of 2000", "2000-02-29", true},
	{"leap day of 1900", "1900-02-29", false},
	{"leap day of a common year", "2023-02-29", false}, {"april 31", "2023-04-31", false},
	{"month 13", "2023-13-01", false}, {"month 00", "2023-00-10", false}, {"day 00", "2023-01-00", false},
	{"year 0000", "0000-01-01", false}, // newly refused: time.Parse accepts year 0
	{"unpadded month", "2023-1-05", false}, {"two-digit year", "23-01-05", false},
	{"with time", "2023-01-05T00:00:00Z", false}, {"slashes", "2023/01/05", false},
	{"empty", "", false}, {"leading space", " 2023-01-05", false}, {"five-digit year", "12023-01-05", false},
	{"fullwidth digits", "２０２３-01-05", false},
}

func TestIsDate(t *testing.T) { runFieldCases(t, entity.IsDate, dateCases) }

var emailCases = []fieldCase{
	{"plain", "tony@stark.example", true},
	{"plus and subdomains", "a.b+c@sub.example.co.uk", true},
	{"letters outside ASCII", "tönÿ@stark.example", true}, // RFC 6532, as for custom properties
	{"unicode domain", "josé@exämple.fr", true},
	{"exactly 250", strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 53) + ".com", true},
	{"local part of 64 bytes", strings.Repeat("a", 64) + "@example.com", true},
	{"empty", "", false},
	{"no at", "tony", false},
	{"no domain", "tony@", false},
	{"no local part", "@stark.example", false},
	{"space", "tony stark@x.example", false},
	{"empty label", "tony@stark..example", false},
	{"hyphen label", "tony@-stark.example", false},
	{"trailing dot", "tony@stark.example.", false},
	{"252 characters", strings.Repeat("a", 240) + "@example.com", false},
	{"display name", "Tony <tony@stark.example>", false},
	{"angle brackets", "<tony@stark.example>", false},
	{"comment", "tony(x)@stark.example", false},
	{"quoted local part", `"tony"@stark.example`, false},
	// Newly refused: the HTML standard's pattern accepted these.
	{"dotless domain", "a@b", false},
	{"localhost", "x@localhost", false},
	{"numeric top-level label", "a@1.2", false},
	{"numeric top-level label after a name", "a@x.123", false},
	{"leading dot", ".tony@stark.example", false},
	{"trailing dot before at", "tony.@stark.example", false},
	{"doubled dot", "to..ny@stark.example", false},
	{"local part of 65 bytes", strings.Repeat("a", 65) + "@example.com", false},
	{"domain literal", "a@[192.168.0.1]", false},
}

func TestIsEmail(t *testing.T) { runFieldCases(t, entity.IsEmail, emailCases) }

var phoneCases = []fieldCase{
	{"seed example", "+33654489875", true},
	{"US", "+14155552671", true},
	{"GB", "+442079460958", true},
	{"italy keeps its leading zero", "+390612345678", true},
	{"no plus", "33654489875", false},
	{"spaces", "+33 6 54 48 98 75", false},
	{"dashes", "+1-415-555-2671", false},
	{"leading zero country code", "+0654489875", false},
	{"too short for FR", "+33123", false},
	{"no such country code", "+999123456789", false},
	{"15 digits, invalid", "+336544898751234", false},
	{"16 digits", "+3365448987512345", false},
	{"trunk zero kept", "+330654489875", false}, // not canonical: +33654489875
	{"plus only", "+", false},
	{"trailing space", "+33654489875 ", false},
	{"empty", "", false},
}

func TestIsPhoneNumber(t *testing.T) { runFieldCases(t, entity.IsPhoneNumber, phoneCases) }

var urlCases = []fieldCase{
	{"https", "https://stark.example", true},
	{"path and query", "http://stark.example/about?x=1", true},
	{"upper-case scheme", "HTTPS://stark.example", true},
	{"IP and port", "https://127.0.0.1:8080/", true},
	{"IPv6 literal", "https://[2001:db8::1]/", true},
	{"max port", "https://stark.example:65535", true},
	{"percent-encoded", "https://stark.example/caf%C3%A9", true},
	{"punycode host", "https://xn--r8jz45g.jp", true},
	{"exactly 2000", "https://stark.example/" + strings.Repeat("a", 2000-len("https://stark.example/")), true},
	{"no scheme", "stark.example", false},
	{"ftp", "ftp://stark.example", false},
	{"scheme only", "https://", false},
	{"no host", "https:///path", false},
	{"mailto", "mailto:tony@stark.example", false},
	{"space", "https://stark .example", false},
	{"javascript", "javascript:alert(1)", false},
	{"2001 characters", "https://stark.example/" + strings.Repeat("a", 2000), false},
	// Newly refused: net/url alone accepted these.
	{"credentials", "https://user:pass@stark.example", false},
	{"user only", "https://u@stark.example", false},
	{"empty user information", "https://@stark.example", false},
	{"non-ASCII path", "https://stark.example/é", false},
	{"non-ASCII host", "https://例え.jp", false},
	{"port above 65535", "https://stark.example:65536", false},
	{"bracket in path", "https://stark.example/a[1]", false},
	{"bracket in query", "https://stark.example/?a=]", false},
	{"two fragments", "https://stark.example/#a#b", false},
	{"bad escape", "https://stark.example/%zz", false},
	{"truncated escape", "https://stark.example/%4", false},
	{"quote", `https://stark.example/"x"`, false},
	{"angle bracket", "https://stark.example/<x>", false},
	{"backslash", `https://stark.example\x`, false},
}

func TestIsWebURL(t *testing.T) { runFieldCases(t, entity.IsWebURL, urlCases) }

// TestSameRulesAsCustomProperties checks every table above against the
// custom property of the same kind: a value is accepted by entity exactly
// when customprop accepts it.
func TestSameRulesAsCustomProperties(t *testing.T) {
	set, err := customprop.NewSet([]customprop.Definition{
		{Key: "c", Label: "c", Type: customprop.TypeCountries, Target: customprop.TargetCase},
		{Key: "d", Label: "d", Type: customprop.TypeDate, Target: customprop.TargetCase},
		{Key: "e", Label: "e", Type: customprop.TypeEmail, Target: customprop.TargetCase},
		{Key: "p", Label: "p", Type: customprop.TypePhoneNumber, Target: customprop.TargetCase},
		{Key: "u", Label: "u", Type: customprop.TypeURL, Target: customprop.TargetCase},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []struct {
		key   string
		fn    func(string) bool
		cases []fieldCase
	}{
		{"c", entity.IsCountry, countryCases},
		{"d", entity.IsDate, dateCases},
		{"e", entity.IsEmail, emailCases},
		{"p", entity.IsPhoneNumber, phoneCases},
		{"u", entity.IsWebURL, urlCases},
	} {
		for _, tc := range kind.cases {
			t.Run(kind.key+"/"+tc.name, func(t *testing.T) {
				var raw []byte
				if kind.key == "c" {
					raw, _ = json.Marshal([]string{tc.value})
				} else {
					raw, _ = json.Marshal(tc.value)
				}
				_, err := set.Apply(customprop.TargetCase, nil, customprop.Patch{kind.key: raw})
				if got := kind.fn(tc.value); got != (err == nil) {
					t.Errorf("entity accepts %.60q: %v; custom property: %v", tc.value, got, err)
				}
			})
		}
	}
}

// TestNewlyRefusedValues checks the paths, codes and messages of values
// that entity accepted before it shared customprop's rules.
func TestNewlyRefusedValues(t *testing.T) {
	tests := []struct {
		name   string
		in     any // entity.IndividualInput or entity.CompanyInput
		path   string
		code   validation.Code
		detail string // in the message
	}{
		{"dotless e-mail domain", entity.IndividualInput{LastName: "S", Email: "a@b"}, "email", validation.CodeInvalidFormat, "at least two labels"},
		{"localhost e-mail", entity.IndividualInput{LastName: "S", Email: "x@localhost"}, "email", validation.CodeInvalidFormat, "at least two labels"},
		{"numeric top-level label", entity.IndividualInput{LastName: "S", Email: "a@1.2"}, "email", validation.CodeInvalidFormat, "at least two labels"},
		{"leading dot in e-mail", entity.IndividualInput{LastName: "S", Email: ".tony@stark.example"}, "email", validation.CodeInvalidFormat, "misplaced dots"},
		{"doubled dot in e-mail", entity.IndividualInput{LastName: "S", Email: "to..ny@stark.example"}, "email", validation.CodeInvalidFormat, "misplaced dots"},
		{"long local part", entity.IndividualInput{LastName: "S", Email: strings.Repeat("a", 65) + "@example.com"}, "email", validation.CodeInvalidFormat, "65 bytes, at most 64"},
		{"year 0000 birth date", entity.IndividualInput{LastName: "S", BirthDate: "0000-01-01"}, "birth_date", validation.CodeInvalidFormat, "between 0001 and 9999"},
		{"year 0000 registration date", entity.CompanyInput{Name: "A", RegistrationDate: "0000-12-31"}, "registration_date", validation.CodeInvalidFormat, "between 0001 and 9999"},
		{"credentials", entity.CompanyInput{Name: "A", WebsiteURL: "https://user:pass@stark.example"}, "website_url", validation.CodeInvalidFormat, "credentials"},
		{"empty user information", entity.CompanyInput{Name: "A", WebsiteURL: "https://@stark.example"}, "website_url", validation.CodeInvalidFormat, "credentials"},
		{"non-ASCII URL", entity.CompanyInput{Name: "A", WebsiteURL: "https://stark.example/é"}, "website_url", validation.CodeInvalidFormat, `"é"`},
		{"port above 65535", entity.CompanyInput{Name: "A", WebsiteURL: "https://stark.example:65536"}, "website_url", validation.CodeInvalidFormat, "65536"},
		{"bracket in path", entity.CompanyInput{Name: "A", WebsiteURL: "https://stark.example/a[1]"}, "website_url", validation.CodeInvalidFormat, "IP literal"},
		{"bad escape", entity.CompanyInput{Name: "A", WebsiteURL: "https://stark.example/%zz"}, "website_url", validation.CodeInvalidFormat, "percent-escape at byte 22"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			switch in := tt.in.(type) {
			case entity.IndividualInput:
				_, err = entity.NewIndividual("i1", in, now)
			case entity.CompanyInput:
				_, err = entity.NewCompany("c1", in, now)
			}
			checkProblems(t, err, problem{tt.path, tt.code})
			if msg := err.(*validation.Error).Problems[0].Message; !strings.Contains(msg, tt.detail) {
				t.Errorf("message %q does not mention %q", msg, tt.detail)
			}
		})
	}
}

// TestFieldMessages checks the codes and messages of each field kind,
// including the limits that keep their own code.
func TestFieldMessages(t *testing.T) {
	tests := []struct {
		name string
		in   any
		path string
		code validation.Code
		msg  string
	}{
		{"lower-case country", entity.CompanyInput{Name: "A", Country: "fr"}, "country", validation.CodeInvalidCountry,
			`"fr" is not a valid ISO 3166-1 alpha-2 country code: country codes are written in upper case (FR)`},
		{"unknown nationality", entity.IndividualInput{LastName: "S", Nationalities: []string{"UK"}}, "nationalities[0]", validation.CodeInvalidCountry,
			`"UK" is not a valid ISO 3166-1 alpha-2 country code: no existing country has this upper-case ISO 3166-1 alpha-2 code`},
		{"address country", entity.CompanyInput{Name: "A", Address: entity.Address{Country: "YU"}}, "address.country", validation.CodeInvalidCountry,
			`"YU" is not a valid ISO 3166-1 alpha-2 country code: no existing country has this upper-case ISO 3166-1 alpha-2 code`},
		{"day outside the month", entity.IndividualInput{LastName: "S", BirthDate: "2023-02-29"}, "birth_date", validation.CodeInvalidFormat,
			`"2023-02-29" is not a valid date: 2023-02 has 28 days`},
		{"date shape", entity.IndividualInput{LastName: "S", BirthDate: "2023-2-01"}, "birth_date", validation.CodeInvalidFormat,
			`"2023-2-01" is not a valid date: the form is yyyy-MM-dd (e.g. 2023-01-31)`},
		{"future registration", entity.CompanyInput{Name: "A", RegistrationDate: "2024-05-02"}, "registration_date", validation.CodeOutOfRange,
			"2024-05-02 is in the future"},
		{"e-mail too long", entity.IndividualInput{LastName: "S", Email: strings.Repeat("é", 240) + "@example.com"}, "email", validation.CodeTooLong,
			"email has 252 characters, at most 250 allowed"},
		{"display name", entity.IndividualInput{LastName: "S", Email: "Tony <tony@stark.example>"}, "email", validation.CodeInvalidFormat,
			`"Tony <tony@stark.example>" is not a valid e-mail address: it must be a bare address like name@example.com (no display name, angle brackets, comments, quotes or misplaced dots)`},
		{"phone not canonical", entity.IndividualInput{LastName: "S", PhoneNumber: "+330654489875"}, "phone_number", validation.CodeInvalidPhone,
			`"+330654489875" is not a valid E.164 phone number (such as +33612345678): its canonical E.164 form is +33654489875`},
		{"phone format", entity.IndividualInput{LastName: "S", PhoneNumber: "+33 6 54 48 98 75"}, "phone_number", validation.CodeInvalidPhone,
			`"+33 6 54 48 98 75" is not a valid E.164 phone number (such as +33612345678): E.164 is "+", the country code and the number, digits only (e.g. +33654489875)`},
		{"phone invalid for region", entity.IndividualInput{LastName: "S", PhoneNumber: "+33123"}, "phone_number", validation.CodeInvalidPhone,
			`"+33123" is not a valid E.164 phone number (such as +33612345678): the number is not valid for its region`},
		{"URL too long", entity.CompanyInput{Name: "A", WebsiteURL: "https://a.example/" + strings.Repeat("é", 1983)}, "website_url", validation.CodeTooLong,
			"website_url has 2001 characters, at most 2000 allowed"},
		{"URL scheme", entity.CompanyInput{Name: "A", WebsiteURL: "ftp://stark.example"}, "website_url", validation.CodeInvalidFormat,
			`"ftp://stark.example" is not a valid http or https URL: the scheme must be http or https, not "ftp"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			switch in := tt.in.(type) {
			case entity.IndividualInput:
				_, err = entity.NewIndividual("i1", in, now)
			case entity.CompanyInput:
				_, err = entity.NewCompany("c1", in, now)
			}
			checkProblems(t, err, problem{tt.path, tt.code})
			if got := err.(*validation.Error).Problems[0].Message; got != tt.msg {
				t.Errorf("message = %q\nwant      %q", got, tt.msg)
			}
		})
	}
}
