package customprop_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/validation"
	"github.com/google/go-cmp/cmp"
)

var archivedAt = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)

// seedSet defines the properties of the Dotfile API's examples on cases, plus an
// archived one and one on companies.
func seedSet(tb testing.TB) *customprop.Set {
	return mustSet(tb,
		def("ubo_us_citizen", customprop.TypeBoolean, customprop.Settings{}),
		def("main_activity_country", customprop.TypeCountries, customprop.Settings{AllowMultiple: true}),
		def("office_location", customprop.TypeChoices, regions),
		def("last_audit", customprop.TypeDate, customprop.Settings{}),
		def("default_email", customprop.TypeEmail, customprop.Settings{}),
		def("yearly_turnover", customprop.TypeNumeric, customprop.Settings{Format: customprop.FormatCurrency, CurrencyCode: "EUR", Min: dec("0")}),
		def("default_phone_number", customprop.TypePhoneNumber, customprop.Settings{}),
		def("source_of_funds", customprop.TypeText, customprop.Settings{}),
		def("external_link", customprop.TypeURL, customprop.Settings{}),
		customprop.Definition{Key: "legacy_score", Label: "Legacy", Type: customprop.TypeNumeric, Target: customprop.TargetCase, ArchivedAt: &archivedAt},
		customprop.Definition{Key: "vat_number", Label: "VAT", Type: customprop.TypeText, Target: customprop.TargetCompany},
	)
}

func decodePatch(tb testing.TB, s string) customprop.Patch {
	tb.Helper()
	var p customprop.Patch
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		tb.Fatalf("decode patch: %v", err)
	}
	return p
}

func wire(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func TestApplySeedPayloads(t *testing.T) {
	s := seedSet(t)
	tests := []struct{ payload, want string }{
		{`{"ubo_us_citizen": true, "main_activity_country": ["FR"]}`, `{"main_activity_country":["FR"],"ubo_us_citizen":true}`},
		{`{"office_location": ["emea"]}`, `{"office_location":["emea"]}`},
		{`{"main_activity_country": ["FR", "GB"]}`, `{"main_activity_country":["FR","GB"]}`},
		{`{"last_audit": "2022-02-03"}`, `{"last_audit":"2022-02-03"}`},
		{`{"default_email": "contact@dotfile.com"}`, `{"default_email":"contact@dotfile.com"}`},
		{`{"yearly_turnover": "20000"}`, `{"yearly_turnover":20000}`},
		{`{"default_phone_number": "+33654489875"}`, `{"default_phone_number":"+33654489875"}`},
		{`{"source_of_funds": "income"}`, `{"source_of_funds":"income"}`},
		{`{"external_link": "https://dotfile.com"}`, `{"external_link":"https://dotfile.com"}`},
		{`{"ubo_us_citizen": true}`, `{"ubo_us_citizen":true}`},
	}
	for _, tt := range tests {
		t.Run(tt.payload, func(t *testing.T) {
			got, err := s.Apply(customprop.TargetCase, nil, decodePatch(t, tt.payload))
			if err != nil {
				t.Fatal(err)
			}
			if w := wire(t, got); w != tt.want {
				t.Fatalf("got %s, want %s", w, tt.want)
			}
		})
	}
}

func TestApplyPartial(t *testing.T) {
	s := seedSet(t)
	current, err := s.Apply(customprop.TargetCase, nil, decodePatch(t,
		`{"ubo_us_citizen": false, "source_of_funds": "salary", "last_audit": "2022-02-03"}`))
	if err != nil {
		t.Fatal(err)
	}
	before := wire(t, current)

	next, err := s.Apply(customprop.TargetCase, current, decodePatch(t,
		`{"source_of_funds": "income", "last_audit": null, "external_link": "https://dotfile.com", "default_email": null}`))
	if err != nil {
		t.Fatal(err)
	}
	// set, removed, untouched, added; removing an unset key is a no-op.
	want := `{"external_link":"https://dotfile.com","source_of_funds":"income","ubo_us_citizen":false}`
	if w := wire(t, next); w != want {
		t.Errorf("next = %s, want %s", w, want)
	}
	if w := wire(t, current); w != before {
		t.Errorf("Apply modified current: %s, was %s", w, before)
	}

	// An empty patch returns an equal, distinct map.
	same, err := s.Apply(customprop.TargetCase, current, nil)
	if err != nil || !same.Equal(current) {
		t.Fatalf("empty patch: %v, %v", same, err)
	}
	same["x"] = customprop.Value{}
	if _, ok := current["x"]; ok {
		t.Fatal("Apply returned current itself")
	}

	// Removing everything gives an empty, non-nil map.
	empty, err := s.Apply(customprop.TargetCase, current, customprop.Patch{}.
		Remove("ubo_us_citizen").Remove("source_of_funds").Remove("last_audit"))
	if err != nil || empty == nil || len(empty) != 0 {
		t.Fatalf("remove all: %v, %v", empty, err)
	}
}

func TestApplyRefusals(t *testing.T) {
	s := seedSet(t)
	tests := []struct {
		name   string
		target customprop.Target
		patch  string
		code   validation.Code
		path   string
	}{
		{"unknown key", customprop.TargetCase, `{"nope": 1}`, validation.CodeUnknownField, "custom_properties.nope"},
		{"unknown key with null", customprop.TargetCase, `{"nope": null}`, validation.CodeUnknownField, "custom_properties.nope"},
		{"key of another target", customprop.TargetCase, `{"vat_number": "FR123"}`, validation.CodeUnknownField, "custom_properties.vat_number"},
		{"case key on a company", customprop.TargetCompany, `{"ubo_us_citizen": true}`, validation.CodeUnknownField, "custom_properties.ubo_us_citizen"},
		{"unknown target", "workspace", `{"ubo_us_citizen": true}`, validation.CodeUnknownField, "custom_properties.ubo_us_citizen"},
		{"archived key", customprop.TargetCase, `{"legacy_score": 5}`, validation.CodeArchived, "custom_properties.legacy_score"},
		{"archived key with null", customprop.TargetCase, `{"legacy_score": null}`, validation.CodeArchived, "custom_properties.legacy_score"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Apply(tt.target, nil, decodePatch(t, tt.patch))
			if err == nil {
				t.Fatalf("accepted: %v", got)
			}
			verr := asValidation(t, err)
			if len(verr.Problems) != 1 || !verr.Has(tt.path, tt.code) {
				t.Fatalf("problems = %v, want one %s at %s", verr.Problems, tt.code, tt.path)
			}
		})
	}
}

func TestApplyReportsEveryProblemAtOnce(t *testing.T) {
	s := seedSet(t)
	current, err := s.Apply(customprop.TargetCase, nil, decodePatch(t, `{"source_of_funds": "salary"}`))
	if err != nil {
		t.Fatal(err)
	}
	patch := decodePatch(t, `{
		"ubo_us_citizen": "true",
		"main_activity_country": ["FR", "fr", "FR"],
		"office_location": ["emea", "amer"],
		"last_audit": "2023-02-29",
		"default_email": "Alice <alice@example.com>",
		"yearly_turnover": "-1",
		"default_phone_number": "+33 6 54 48 98 75",
		"source_of_funds": "",
		"external_link": "ftp://dotfile.com",
		"legacy_score": 1,
		"nope": true
	}`)
	got, err := s.Apply(customprop.TargetCase, current, patch)
	if got != nil {
		t.Fatalf("values returned with an error: %v", got)
	}
	verr := asValidation(t, err)
	type pc struct {
		Path string
		Code validation.Code
	}
	var gotPC []pc
	for _, p := range verr.Problems {
		gotPC = append(gotPC, pc{p.Path, p.Code})
	}
	// Sorted by path; two problems of one key keep their order.
	want := []pc{
		{"custom_properties.default_email", invalidFormat},
		{"custom_properties.default_phone_number", invalidPhone},
		{"custom_properties.external_link", invalidValue},
		{"custom_properties.last_audit", invalidValue},
		{"custom_properties.legacy_score", validation.CodeArchived},
		{"custom_properties.main_activity_country", invalidCountry},
		{"custom_properties.main_activity_country", duplicate},
		{"custom_properties.nope", validation.CodeUnknownField},
		{"custom_properties.office_location", tooMany},
		{"custom_properties.source_of_funds", required},
		{"custom_properties.ubo_us_citizen", invalidType},
		{"custom_properties.yearly_turnover", outOfRange},
	}
	if diff := cmp.Diff(want, gotPC); diff != "" {
		t.Fatalf("problems (-want +got):\n%s", diff)
	}
	if w := wire(t, current); w != `{"source_of_funds":"salary"}` {
		t.Fatalf("current modified: %s", w)
	}
}

func TestApplyNilSet(t *testing.T) {
	var s *customprop.Set
	current := customprop.Values{"a": {}}
	got, err := s.Apply(customprop.TargetCase, current, nil)
	if err != nil || len(got) != 1 {
		t.Fatalf("empty patch on nil Set: %v, %v", got, err)
	}
	_, err = s.Apply(customprop.TargetCase, nil, customprop.Patch{}.Set("a", true).Remove("b"))
	verr := asValidation(t, err)
	if len(verr.Problems) != 2 || !verr.Has("custom_properties.a", validation.CodeUnknownField) ||
		!verr.Has("custom_properties.b", validation.CodeUnknownField) {
		t.Fatalf("problems = %v", verr.Problems)
	}
	if v := s.Visible(customprop.TargetCase, current); v == nil || len(v) != 0 {
		t.Fatalf("Visible on nil Set = %v", v)
	}
}

func TestVisible(t *testing.T) {
	opts := regions
	s := seedSet(t)
	stored, err := s.Apply(customprop.TargetCase, nil, decodePatch(t,
		`{"office_location": ["apac"], "yearly_turnover": 12.5, "last_audit": "2024-02-29", "ubo_us_citizen": true}`))
	if err != nil {
		t.Fatal(err)
	}
	// A store writes the values as JSON and reads them back.
	var back customprop.Values
	if err := json.Unmarshal([]byte(wire(t, stored)), &back); err != nil {
		t.Fatal(err)
	}
	if v, _ := back.Get("last_audit"); v.Type() != "" {
		t.Fatalf("a string read without its definition has Type %q", v.Type())
	}
	// Values of properties archived or deleted since, and stale ones, exist.
	back["legacy_score"] = mustValue(t, `7`)
	back["deleted_prop"] = mustValue(t, `"x"`)
	back["vat_number"] = mustValue(t, `"FR123"`)

	// The workspace then drops the "apac" option.
	edited := mustSet(t,
		def("office_location", customprop.TypeChoices, customprop.Settings{Options: opts.Options[:2]}),
		def("yearly_turnover", customprop.TypeNumeric, customprop.Settings{}),
		def("last_audit", customprop.TypeDate, customprop.Settings{}),
		def("ubo_us_citizen", customprop.TypeBoolean, customprop.Settings{}),
		customprop.Definition{Key: "legacy_score", Label: "Legacy", Type: customprop.TypeNumeric, Target: customprop.TargetCase, ArchivedAt: &archivedAt},
		customprop.Definition{Key: "vat_number", Label: "VAT", Type: customprop.TypeText, Target: customprop.TargetCompany},
	)
	before := wire(t, back)
	vis := edited.Visible(customprop.TargetCase, back)
	if w := wire(t, vis); w != `{"last_audit":"2024-02-29","ubo_us_citizen":true,"yearly_turnover":12.5}` {
		t.Fatalf("Visible = %s", w)
	}
	if wire(t, back) != before {
		t.Fatal("Visible modified its input")
	}
	for k, v := range vis {
		d, _ := edited.Lookup(customprop.TargetCase, k)
		if v.Type() != d.Type {
			t.Errorf("%s: Type() = %q, want %q", k, v.Type(), d.Type)
		}
	}
	if d, ok := vis["last_audit"].Date(); !ok || !d.Equal(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Date() = %v, %v", d, ok)
	}
	// The original set still shows the choice; the archived value is kept in
	// storage by Apply when other keys change.
	if _, ok := s.Visible(customprop.TargetCase, back)["office_location"]; !ok {
		t.Error("office_location hidden under the original definitions")
	}
	next, err := edited.Apply(customprop.TargetCase, back, customprop.Patch{}.Set("ubo_us_citizen", false))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := next["legacy_score"]; !ok {
		t.Error("Apply dropped the stored value of an archived property")
	}
}

func mustValue(tb testing.TB, raw string) customprop.Value {
	tb.Helper()
	var v customprop.Value
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		tb.Fatal(err)
	}
	return v
}

func TestPatch(t *testing.T) {
	var p customprop.Patch
	p = p.Set("b", true).
		Set("n", 12.5).
		Set("list", []string{"FR", "GB"}).
		Set("date", time.Date(2024, 2, 29, 23, 0, 0, 0, time.FixedZone("x", 3600))).
		Set("ptr_nil", (*time.Time)(nil)).
		Set("bad", make(chan int)).
		Remove("gone")
	want := map[string]string{
		"b": `true`, "n": `12.5`, "list": `["FR","GB"]`, "date": `"2024-02-29"`,
		"ptr_nil": `null`, "bad": ``, "gone": `null`,
	}
	got := map[string]string{}
	for k, v := range p {
		got[k] = string(v)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("patch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"b", "bad", "date", "gone", "list", "n", "ptr_nil"}, p.Keys()); diff != "" {
		t.Errorf("Keys (-want +got):\n%s", diff)
	}
	if p := (customprop.Patch)(nil).Remove("x"); string(p["x"]) != "null" {
		t.Errorf("Remove on nil patch = %v", p)
	}

	s := mustSet(t, def("bad", customprop.TypeText, customprop.Settings{}), def("n", customprop.TypeNumeric, customprop.Settings{}))
	_, err := s.Apply(customprop.TargetCase, nil, customprop.Patch{}.Set("bad", make(chan int)).Set("n", math.Inf(1)))
	verr := asValidation(t, err)
	if !verr.Has("custom_properties.bad", invalidType) || !verr.Has("custom_properties.n", invalidType) {
		t.Fatalf("problems = %v", verr.Problems)
	}
	// A decoded request patch works the same.
	got2, err := s.Apply(customprop.TargetCase, nil, customprop.Patch{}.Set("n", "20000"))
	if err != nil || wire(t, got2) != `{"n":20000}` {
		t.Fatalf("Set(n, \"20000\") = %s, %v", wire(t, got2), err)
	}
}

// TestConcurrentUse shares one Set between goroutines (run with -race).
func TestConcurrentUse(t *testing.T) {
	set, patch := bench20Set(t)
	want, err := set.Apply(customprop.TargetCase, nil, patch)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	for g := 0; g < 4; g++ {
		go func() {
			var err error
			for i := 0; i < 20 && err == nil; i++ {
				got, aerr := set.Apply(customprop.TargetCase, want, patch)
				switch {
				case aerr != nil:
					err = aerr
				case !got.Equal(want) || !set.Visible(customprop.TargetCase, got).Equal(want):
					err = errors.New("different result under concurrency")
				}
			}
			done <- err
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
