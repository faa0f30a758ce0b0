package customprop_test

import (
	"encoding/json"
	"net/mail"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/biter777/countries"
	"github.com/dossierkit/dossier/customprop"
	"github.com/nyaruka/phonenumbers"
	"github.com/shopspring/decimal"
)

// bench20 is a realistic 20-property payload: every type, the costly ones
// (phone numbers, e-mails, URLs, numbers) more than once.
var bench20 = []struct {
	def customprop.Definition
	raw string
}{
	{def("ubo_us_citizen", customprop.TypeBoolean, customprop.Settings{}), `true`},
	{def("is_pep", customprop.TypeBoolean, customprop.Settings{}), `false`},
	{def("office_location", customprop.TypeChoices, regions), `["emea"]`},
	{def("business_lines", customprop.TypeChoices, customprop.Settings{AllowMultiple: true, Options: []customprop.Option{
		{Key: "retail", Label: "Retail"}, {Key: "wholesale", Label: "Wholesale"}, {Key: "crypto", Label: "Crypto"},
		{Key: "gaming", Label: "Gaming"}, {Key: "payments", Label: "Payments"}}}), `["retail","payments"]`},
	{def("main_activity_country", customprop.TypeCountries, customprop.Settings{AllowMultiple: true}), `["FR","GB","DE"]`},
	{def("nationality", customprop.TypeCountries, customprop.Settings{}), `["FR"]`},
	{def("last_audit", customprop.TypeDate, customprop.Settings{}), `"2022-02-03"`},
	{def("incorporation_date", customprop.TypeDate, customprop.Settings{}), `"2024-02-29"`},
	{def("default_email", customprop.TypeEmail, customprop.Settings{}), `"contact@dotfile.com"`},
	{def("compliance_email", customprop.TypeEmail, customprop.Settings{}), `"first.last+kyc@mail.example.co.uk"`},
	{def("yearly_turnover", customprop.TypeNumeric, customprop.Settings{Format: customprop.FormatCurrency, CurrencyCode: "EUR", Min: dec("0")}), `"20000"`},
	{def("employees", customprop.TypeNumeric, customprop.Settings{Min: dec("0"), Max: dec("1000000")}), `250`},
	{def("risk_share", customprop.TypeNumeric, customprop.Settings{Format: customprop.FormatPercent, Min: dec("0"), Max: dec("100")}), `"12.5"`},
	{def("default_phone_number", customprop.TypePhoneNumber, customprop.Settings{}), `"+33654489875"`},
	{def("backup_phone_number", customprop.TypePhoneNumber, customprop.Settings{}), `"+12015550123"`},
	{def("source_of_funds", customprop.TypeText, customprop.Settings{}), `"income"`},
	{def("legal_name", customprop.TypeText, customprop.Settings{}), `"Société Générale de Financement et d'Investissement SAS"`},
	{def("notes", customprop.TypeText, customprop.Settings{IsMultiLine: true}), `"` + strings.Repeat("Reviewed the shareholder register.\n", 8) + `"`},
	{def("external_link", customprop.TypeURL, customprop.Settings{}), `"https://dotfile.com"`},
	{def("registry_url", customprop.TypeURL, customprop.Settings{}), `"https://annuaire-entreprises.data.gouv.fr/entreprise/552081317?tab=dirigeants#top"`},
}

func bench20Set(tb testing.TB) (*customprop.Set, customprop.Patch) {
	defs := make([]customprop.Definition, len(bench20))
	p := customprop.Patch{}
	for i, b := range bench20 {
		defs[i] = b.def
		// Escape the newlines of the multi-line text.
		raw := strings.ReplaceAll(b.raw, "\n", `\n`)
		p[b.def.Key] = json.RawMessage(raw)
	}
	return mustSet(tb, defs...), p
}

// baseline20 does only what the underlying libraries must do for the same
// payload: decode each value with encoding/json, then parse it with the
// library of its type. It checks no rule of its own.
func baseline20(p customprop.Patch, types map[string]customprop.Type) int {
	n := 0
	for key, raw := range p {
		switch types[key] {
		case customprop.TypeBoolean:
			var b bool
			if json.Unmarshal(raw, &b) == nil && b {
				n++
			}
		case customprop.TypeChoices:
			var l []string
			_ = json.Unmarshal(raw, &l)
			n += len(l)
		case customprop.TypeCountries:
			var l []string
			_ = json.Unmarshal(raw, &l)
			for _, c := range l {
				if countries.ByName(c).IsValid() {
					n++
				}
			}
		case customprop.TypeNumeric:
			var num json.Number
			_ = json.Unmarshal(raw, &num)
			if d, err := decimal.NewFromString(num.String()); err == nil && d.Sign() >= 0 {
				n++
			}
		default:
			var s string
			_ = json.Unmarshal(raw, &s)
			switch types[key] {
			case customprop.TypeDate:
				if _, err := time.Parse("2006-01-02", s); err == nil {
					n++
				}
			case customprop.TypeEmail:
				if _, err := mail.ParseAddress(s); err == nil {
					n++
				}
			case customprop.TypePhoneNumber:
				if num, err := phonenumbers.Parse(s, "ZZ"); err == nil && phonenumbers.IsValidNumber(num) {
					n++
				}
			case customprop.TypeText:
				n += utf8.RuneCountInString(s)
			case customprop.TypeURL:
				if _, err := url.Parse(s); err == nil {
					n++
				}
			}
		}
	}
	return n
}

// BenchmarkApply20 validates a 20-property payload (validator) against a
// baseline that only calls the underlying libraries on the same inputs.
// Compare the two ns/op of one run: the ratio is what doc.go reports.
func BenchmarkApply20(b *testing.B) {
	set, patch := bench20Set(b)
	types := map[string]customprop.Type{}
	for _, x := range bench20 {
		types[x.def.Key] = x.def.Type
	}
	if _, err := set.Apply(customprop.TargetCase, nil, patch); err != nil {
		b.Fatal(err) // also loads the phone metadata before timing
	}
	if baseline20(patch, types) == 0 {
		b.Fatal("baseline did nothing")
	}
	b.Run("baseline", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			baseline20(patch, types)
		}
	})
	b.Run("validator", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := set.Apply(customprop.TargetCase, nil, patch); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkVisible20 measures reading the same 20 values back from JSON.
func BenchmarkVisible20(b *testing.B) {
	set, patch := bench20Set(b)
	vs, err := set.Apply(customprop.TargetCase, nil, patch)
	if err != nil {
		b.Fatal(err)
	}
	data, _ := json.Marshal(vs)
	var stored customprop.Values
	if err := json.Unmarshal(data, &stored); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if len(set.Visible(customprop.TargetCase, stored)) != len(bench20) {
			b.Fatal("values hidden")
		}
	}
}

// BenchmarkApply20Ratio runs the baseline and the validator alternately on
// every iteration, so that both see the same machine load, and reports
// their mean costs and the ratio validator/baseline (the figure of
// doc.go). ns/op is the cost of one baseline plus one validation.
func BenchmarkApply20Ratio(b *testing.B) {
	set, patch := bench20Set(b)
	types := map[string]customprop.Type{}
	for _, x := range bench20 {
		types[x.def.Key] = x.def.Type
	}
	if _, err := set.Apply(customprop.TargetCase, nil, patch); err != nil {
		b.Fatal(err)
	}
	var base, val time.Duration
	for b.Loop() {
		t0 := time.Now()
		baseline20(patch, types)
		t1 := time.Now()
		if _, err := set.Apply(customprop.TargetCase, nil, patch); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		base += t1.Sub(t0)
		val += t2.Sub(t1)
	}
	n := float64(b.N)
	b.ReportMetric(float64(base.Nanoseconds())/n, "baseline-ns/op")
	b.ReportMetric(float64(val.Nanoseconds())/n, "validator-ns/op")
	b.ReportMetric(float64(val)/float64(base), "validator/baseline")
}
