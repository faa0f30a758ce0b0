package customprop_test

import (
	"strings"
	"testing"

	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/validation"
)

const (
	invalidType    = validation.CodeInvalidType
	invalidFormat  = validation.CodeInvalidFormat
	invalidValue   = validation.CodeInvalidValue
	invalidCountry = validation.CodeInvalidCountry
	invalidPhone   = validation.CodeInvalidPhone
	outOfRange     = validation.CodeOutOfRange
	tooLong        = validation.CodeTooLong
	tooMany        = validation.CodeTooMany
	tooPrecise     = validation.CodeTooPrecise
	duplicate      = validation.CodeDuplicate
	required       = validation.CodeRequired
)

// q quotes s as a JSON string (s must not need escapes).
func q(s string) string { return `"` + s + `"` }

func TestBoolean(t *testing.T) {
	runValueCases(t, def("ubo_us_citizen", customprop.TypeBoolean, customprop.Settings{}), []valueCase{
		{"true", `true`, "", ""},
		{"false", `false`, "", ""},
		{"spaces around", ` true `, "", "true"},
		{"string true", `"true"`, invalidType, ""},
		{"string false", `"false"`, invalidType, ""},
		{"number 1", `1`, invalidType, ""},
		{"array", `[true]`, invalidType, ""},
		{"object", `{}`, invalidType, ""},
		{"not json", `tru`, invalidType, ""},
		{"empty raw", ``, invalidType, ""},
	})
}

var regions = customprop.Settings{Options: []customprop.Option{
	{Key: "emea", Label: "EMEA"}, {Key: "amer", Label: "Americas"}, {Key: "apac", Label: "Asia-Pacific"},
}}

func TestChoices(t *testing.T) {
	t.Run("single", func(t *testing.T) {
		runValueCases(t, def("office_location", customprop.TypeChoices, regions), []valueCase{
			{"seed example", `["emea"]`, "", ""},
			{"other option", `[ "apac" ]`, "", `["apac"]`},
			{"two without allow_multiple", `["emea","amer"]`, tooMany, ""},
			{"unknown option", `["latam"]`, invalidValue, ""},
			{"keys are case sensitive", `["EMEA"]`, invalidValue, ""},
			{"empty array", `[]`, required, ""},
			{"bare string", `"emea"`, invalidType, ""},
			{"number element", `[1]`, invalidType, ""},
			{"null element", `[null]`, invalidType, ""},
			{"escaped key", `["\u0065mea"]`, "", `["emea"]`},
		})
	})
	multi := regions
	multi.AllowMultiple = true
	t.Run("multiple", func(t *testing.T) {
		runValueCases(t, def("office_location", customprop.TypeChoices, multi), []valueCase{
			{"one", `["emea"]`, "", ""},
			{"two keep order", `["apac","emea"]`, "", ""},
			{"all three", `["emea","amer","apac"]`, "", ""},
			{"duplicate", `["emea","emea"]`, duplicate, ""},
			{"more than options", `["emea","amer","apac","emea"]`, tooMany, ""},
			{"one unknown among valid", `["emea","latam"]`, invalidValue, ""},
		})
	})
}

func TestCountries(t *testing.T) {
	t.Run("single", func(t *testing.T) {
		runValueCases(t, def("main_activity_country", customprop.TypeCountries, customprop.Settings{}), []valueCase{
			{"seed example", `["FR"]`, "", ""},
			{"kosovo", `["XK"]`, "", ""},
			{"lower case", `["fr"]`, invalidCountry, ""},
			{"mixed case", `["Fr"]`, invalidCountry, ""},
			{"alpha-3", `["FRA"]`, invalidCountry, ""},
			{"unassigned", `["ZZ"]`, invalidCountry, ""},
			{"withdrawn AN", `["AN"]`, invalidCountry, ""},
			{"withdrawn YU", `["YU"]`, invalidCountry, ""},
			{"UK is not a code", `["UK"]`, invalidCountry, ""},
			{"padded", `[" FR"]`, invalidCountry, ""},
			{"two without allow_multiple", `["FR","GB"]`, tooMany, ""},
			{"empty", `[]`, required, ""},
			{"bare string", `"FR"`, invalidType, ""},
			{"empty code", `[""]`, invalidCountry, ""},
		})
	})
	t.Run("multiple", func(t *testing.T) {
		runValueCases(t, def("main_activity_country", customprop.TypeCountries, customprop.Settings{AllowMultiple: true}), []valueCase{
			{"seed example", `["FR","GB"]`, "", ""},
			{"duplicate", `["FR","GB","FR"]`, duplicate, ""},
			{"one bad", `["FR","XX"]`, invalidCountry, ""},
		})
	})
}

func TestDate(t *testing.T) {
	runValueCases(t, def("last_audit", customprop.TypeDate, customprop.Settings{}), []valueCase{
		{"seed example", `"2022-02-03"`, "", ""},
		{"spec example", `"2023-01-31"`, "", ""},
		{"leap day of a leap year", `"2024-02-29"`, "", ""},
		{"leap day of a non-leap year", `"2023-02-29"`, invalidValue, ""},
		{"leap day of 2000 (divisible by 400)", `"2000-02-29"`, "", ""},
		{"leap day of 1900 (divisible by 100)", `"1900-02-29"`, invalidValue, ""},
		{"february 30", `"2024-02-30"`, invalidValue, ""},
		{"april 31", `"2023-04-31"`, invalidValue, ""},
		{"april 30", `"2023-04-30"`, "", ""},
		{"december 31", `"2023-12-31"`, "", ""},
		{"month 13", `"2023-13-01"`, invalidValue, ""},
		{"month 00", `"2023-00-10"`, invalidValue, ""},
		{"day 00", `"2023-01-00"`, invalidValue, ""},
		{"year 0000", `"0000-01-01"`, invalidValue, ""},
		{"first day", `"0001-01-01"`, "", ""},
		{"last day", `"9999-12-31"`, "", ""},
		{"unpadded month", `"2023-1-05"`, invalidFormat, ""},
		{"with time", `"2023-01-05T00:00:00Z"`, invalidFormat, ""},
		{"slashes", `"2023/01/05"`, invalidFormat, ""},
		{"day first", `"05-01-2023"`, invalidFormat, ""},
		{"leading space", `" 2023-01-05"`, invalidFormat, ""},
		{"five digit year", `"12023-01-05"`, invalidFormat, ""},
		{"fullwidth digits", `"２０２３-01-05"`, invalidFormat, ""},
		{"empty", `""`, required, ""},
		{"number", `20230105`, invalidType, ""},
	})
}

func TestEmail(t *testing.T) {
	local64 := strings.Repeat("a", 64)
	// 64 + 1 + 185 = 250 characters; the domain has labels of 63, 63, 53, 3.
	domain185 := strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 53) + ".com"
	at250 := local64 + "@" + domain185
	at251 := local64 + "@" + "e" + domain185
	runValueCases(t, def("default_email", customprop.TypeEmail, customprop.Settings{}), []valueCase{
		{"plain", q("contact@dotfile.com"), "", ""},
		{"plus and dots", q("first.last+kyc@mail.example.co.uk"), "", ""},
		{"unicode", q("josé@exämple.fr"), "", ""},
		{"exactly 250", q(at250), "", ""},
		{"251", q(at251), tooLong, ""},
		{"local part of 65 bytes", q(strings.Repeat("a", 65) + "@example.com"), invalidFormat, ""},
		{"display name", q("Alice <alice@example.com>"), invalidFormat, ""},
		{"angle brackets", q("<alice@example.com>"), invalidFormat, ""},
		{"comment", q("alice(x)@example.com"), invalidFormat, ""},
		{"quoted local part", `"\"alice\"@example.com"`, invalidFormat, ""},
		{"no domain dot", q("alice@localhost"), invalidFormat, ""},
		{"numeric tld", q("alice@1.2"), invalidFormat, ""},
		{"domain literal", q("alice@[192.168.0.1]"), invalidFormat, ""},
		{"hyphen label", q("alice@-example.com"), invalidFormat, ""},
		{"empty label", q("alice@example..com"), invalidFormat, ""},
		{"trailing dot local", q("alice.@example.com"), invalidFormat, ""},
		{"no at", q("alice.example.com"), invalidFormat, ""},
		{"space", q("ali ce@example.com"), invalidFormat, ""},
		{"trailing space", q("alice@example.com "), invalidFormat, ""},
		{"two addresses", q("a@example.com, b@example.com"), invalidFormat, ""},
		{"empty", `""`, required, ""},
		{"number", `12`, invalidType, ""},
	})
}

func TestNumeric(t *testing.T) {
	t.Run("bounded currency", func(t *testing.T) {
		runValueCases(t, def("yearly_turnover", customprop.TypeNumeric, customprop.Settings{
			Format: customprop.FormatCurrency, CurrencyCode: "EUR", Min: dec("0"), Max: dec("1000000"),
		}), []valueCase{
			{"seed example string", `"20000"`, "", "20000"},
			{"json number", `20000`, "", "20000"},
			{"decimal string", `"20000.50"`, "", "20000.5"},
			{"min inclusive", `0`, "", ""},
			{"max inclusive", `1000000`, "", ""},
			{"max with zero decimals", `"1000000.000"`, "", "1000000"},
			{"below min", `-0.01`, outOfRange, ""},
			{"above max", `1000000.01`, outOfRange, ""},
			{"exponent", `"1e3"`, "", "1000"},
			{"exponent upper case", `1.5E+2`, "", "150"},
			{"negative zero", `"-0"`, "", "0"},
			{"word", `"abc"`, invalidFormat, ""},
			{"empty string", `""`, invalidFormat, ""},
			{"NaN", `"NaN"`, invalidFormat, ""},
			{"Infinity", `"Infinity"`, invalidFormat, ""},
			{"hex", `"0x10"`, invalidFormat, ""},
			{"plus sign", `"+5"`, invalidFormat, ""},
			{"leading zero", `"05"`, invalidFormat, ""},
			{"leading space", `" 5"`, invalidFormat, ""},
			{"trailing dot", `"5."`, invalidFormat, ""},
			{"leading dot", `".5"`, invalidFormat, ""},
			{"thousands separator", `"20,000"`, invalidFormat, ""},
			{"decimal comma", `"5,5"`, invalidFormat, ""},
			{"boolean", `true`, invalidType, ""},
			{"array", `["5"]`, invalidType, ""},
			{"huge exponent", `"1e400"`, outOfRange, ""},
		})
	})
	t.Run("unbounded", func(t *testing.T) {
		runValueCases(t, def("score", customprop.TypeNumeric, customprop.Settings{}), []valueCase{
			{"max safe", `9007199254740991`, "", ""},
			{"min safe", `-9007199254740991`, "", ""},
			{"max safe as string", `"9007199254740991"`, "", "9007199254740991"},
			{"max safe plus one", `9007199254740992`, outOfRange, ""},
			{"min safe minus one", `-9007199254740992`, outOfRange, ""},
			{"max safe plus a fraction", `"9007199254740991.5"`, outOfRange, ""},
			{"17 digits", `10000000000000000`, outOfRange, ""},
			{"36 significant digits", `"9007199254740990.99999999999999999999"`, "", "9007199254740990.99999999999999999999"},
			{"20 decimals", `0.00000000000000000001`, "", ""},
			{"21 decimals", `0.000000000000000000001`, tooPrecise, ""},
			{"21 decimals as exponent", `1e-21`, tooPrecise, ""},
			{"trailing zeros beyond 20 decimals", `"1.0000000000000000000000000"`, "", "1"},
			{"exactly representable, not via float", `"0.1"`, "", "0.1"},
			{"float trap", `0.30000000000000004`, "", "0.30000000000000004"},
			{"giant exponent", `1e999999999999999999999`, outOfRange, ""},
			{"giant negative exponent", `1e-999999999999999999999`, tooPrecise, ""},
			{"zero with giant exponent", `0e999999999999`, "", "0"},
			{"mantissa and exponent cancel", `"1000000000000000000000e-21"`, "", "1"},
		})
	})
	t.Run("percent with negative bounds", func(t *testing.T) {
		runValueCases(t, def("change", customprop.TypeNumeric, customprop.Settings{
			Format: customprop.FormatPercent, Min: dec("-12.5"), Max: dec("-0.5"),
		}), []valueCase{
			{"min", `-12.5`, "", ""},
			{"max", `"-0.50"`, "", "-0.5"},
			{"below", `-12.51`, outOfRange, ""},
			{"above", `-0.49`, outOfRange, ""},
			{"zero", `0`, outOfRange, ""},
		})
	})
}

func TestPhoneNumber(t *testing.T) {
	runValueCases(t, def("default_phone_number", customprop.TypePhoneNumber, customprop.Settings{}), []valueCase{
		{"seed example", `"+33654489875"`, "", ""},
		{"us", `"+12015550123"`, "", ""},
		{"uk mobile", `"+447400123456"`, "", ""},
		{"italy keeps its leading zero", `"+390612345678"`, "", ""},
		{"spaces", `"+33 6 54 48 98 75"`, invalidPhone, ""},
		{"dashes", `"+1-201-555-0123"`, invalidPhone, ""},
		{"national form", `"0654489875"`, invalidPhone, ""},
		{"international prefix 00", `"0033654489875"`, invalidPhone, ""},
		{"trunk zero kept", `"+330654489875"`, invalidPhone, ""},
		{"too short for region", `"+3365448987"`, invalidPhone, ""},
		{"too long", `"+3365448987512345"`, invalidPhone, ""},
		{"unassigned country code", `"+99912345678"`, invalidPhone, ""},
		{"invalid us area code", `"+10015550123"`, invalidPhone, ""},
		{"leading zero country code", `"+0654489875"`, invalidPhone, ""},
		{"letters", `"+1800FLOWERS"`, invalidPhone, ""},
		{"trailing space", `"+33654489875 "`, invalidPhone, ""},
		{"plus only", `"+"`, invalidPhone, ""},
		{"empty", `""`, required, ""},
		{"json number", `33654489875`, invalidType, ""},
	})
}

func TestText(t *testing.T) {
	t.Run("single line", func(t *testing.T) {
		runValueCases(t, def("source_of_funds", customprop.TypeText, customprop.Settings{}), []valueCase{
			{"seed example", `"income"`, "", ""},
			{"250 ascii", q(strings.Repeat("a", 250)), "", ""},
			{"251 ascii", q(strings.Repeat("a", 251)), tooLong, ""},
			{"250 two-byte characters (500 bytes)", q(strings.Repeat("é", 250)), "", ""},
			{"251 two-byte characters", q(strings.Repeat("é", 251)), tooLong, ""},
			{"250 emoji (1000 bytes)", q(strings.Repeat("😀", 250)), "", ""},
			{"tab", `"a\tb"`, "", ""},
			{"newline", `"a\nb"`, invalidValue, ""},
			{"carriage return", `"a\rb"`, invalidValue, ""},
			{"line separator", `"a\u2028b"`, invalidValue, ""},
			{"nul", `"a\u0000b"`, invalidValue, ""},
			{"escape character", `"a\u001bb"`, invalidValue, ""},
			{"html is text", `"<b>&</b>"`, "", `"\u003cb\u003e\u0026\u003c/b\u003e"`},
			{"whitespace only", `" "`, "", ""},
			{"empty", `""`, required, ""},
			{"number", `5`, invalidType, ""},
			{"array", `["a"]`, invalidType, ""},
		})
	})
	t.Run("multi line", func(t *testing.T) {
		runValueCases(t, def("notes", customprop.TypeText, customprop.Settings{IsMultiLine: true}), []valueCase{
			{"newline", `"line 1\nline 2"`, "", ""},
			{"crlf", `"line 1\r\nline 2"`, "", ""},
			{"1500 characters", q(strings.Repeat("é", 1500)), "", ""},
			{"1501 characters", q(strings.Repeat("é", 1501)), tooLong, ""},
			{"251 characters", q(strings.Repeat("a", 251)), "", ""},
			{"nul", `"a\u0000b"`, invalidValue, ""},
		})
	})
}

func TestURL(t *testing.T) {
	long := "https://example.com/"
	at2000 := long + strings.Repeat("a", 2000-len(long))
	runValueCases(t, def("external_link", customprop.TypeURL, customprop.Settings{}), []valueCase{
		{"seed example", `"https://dotfile.com"`, "", ""},
		{"http with path query fragment", `"http://example.com/a/b?c=d&e=f#g"`, "", `"http://example.com/a/b?c=d\u0026e=f#g"`},
		{"port", `"https://example.com:8443/x"`, "", ""},
		{"max port", `"https://example.com:65535"`, "", ""},
		{"port too big", `"https://example.com:65536"`, invalidFormat, ""},
		{"ipv6 host", `"https://[2001:db8::1]/"`, "", ""},
		{"percent-encoded", `"https://example.com/caf%C3%A9"`, "", ""},
		{"punycode host", `"https://xn--r8jz45g.jp"`, "", ""},
		{"upper-case scheme", `"HTTPS://example.com"`, "", ""},
		{"exactly 2000", q(at2000), "", ""},
		{"2001", q(at2000 + "a"), tooLong, ""},
		{"no scheme", `"dotfile.com"`, invalidFormat, ""},
		{"relative", `"/path"`, invalidFormat, ""},
		{"scheme only", `"https://"`, invalidFormat, ""},
		{"no host", `"https:///path"`, invalidFormat, ""},
		{"opaque", `"https:example.com"`, invalidFormat, ""},
		{"mailto", `"mailto:a@example.com"`, invalidFormat, ""},
		{"javascript", `"javascript:alert(1)"`, invalidFormat, ""},
		{"ftp", `"ftp://example.com"`, invalidValue, ""},
		{"credentials", `"https://user:pass@example.com"`, invalidValue, ""},
		{"space", `"https://exa mple.com"`, invalidFormat, ""},
		{"unicode host", `"https://例え.jp"`, invalidFormat, ""},
		{"bad escape", `"https://example.com/%zz"`, invalidFormat, ""},
		{"truncated escape", `"https://example.com/%4"`, invalidFormat, ""},
		{"bracket in path", `"https://example.com/a[1]"`, invalidFormat, ""},
		{"bracket in query", `"https://example.com/?a=]"`, invalidFormat, ""},
		{"two fragments", `"https://example.com/#a#b"`, invalidFormat, ""},
		{"backslash", `"https://example.com\\x"`, invalidFormat, ""},
		{"empty", `""`, required, ""},
		{"number", `1`, invalidType, ""},
	})
}
