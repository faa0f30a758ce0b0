package customprop_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/validation"
	"github.com/google/go-cmp/cmp"
)

func TestNewSetRejects(t *testing.T) {
	ok := def("ok", customprop.TypeText, customprop.Settings{})
	tests := []struct {
		name string
		defs []customprop.Definition
		path string
		code validation.Code
	}{
		{"empty key", []customprop.Definition{def("", customprop.TypeText, customprop.Settings{})},
			"custom_properties[0].key", required},
		{"key with a dot", []customprop.Definition{ok, def("a.b", customprop.TypeText, customprop.Settings{})},
			"custom_properties[1].key", invalidFormat},
		{"key with a space", []customprop.Definition{def("a b", customprop.TypeText, customprop.Settings{})},
			"custom_properties[0].key", invalidFormat},
		{"key too long", []customprop.Definition{def(strings.Repeat("k", customprop.MaxKeyLength+1), customprop.TypeText, customprop.Settings{})},
			"custom_properties[0].key", tooLong},
		{"duplicate key on a target", []customprop.Definition{ok, def("ok", customprop.TypeBoolean, customprop.Settings{})},
			"custom_properties[1].key", duplicate},
		{"third copy of a key", []customprop.Definition{ok, def("x", customprop.TypeText, customprop.Settings{}), ok, ok},
			"custom_properties[3].key", duplicate},
		{"empty label", []customprop.Definition{{Key: "k", Label: " ", Type: customprop.TypeText, Target: customprop.TargetCase}},
			"custom_properties[0].label", required},
		{"label too long", []customprop.Definition{{Key: "k", Label: strings.Repeat("é", customprop.MaxLabelLength+1), Type: customprop.TypeText, Target: customprop.TargetCase}},
			"custom_properties[0].label", tooLong},
		{"unknown type", []customprop.Definition{def("k", "yes_no", customprop.Settings{})},
			"custom_properties[0].type", invalidValue},
		{"unknown target", []customprop.Definition{{Key: "k", Label: "K", Type: customprop.TypeText, Target: "workspace"}},
			"custom_properties[0].target_entity", invalidValue},
		{"choices without options", []customprop.Definition{def("k", customprop.TypeChoices, customprop.Settings{})},
			"custom_properties[0].settings.options", required},
		{"duplicate option", []customprop.Definition{def("k", customprop.TypeChoices, customprop.Settings{Options: []customprop.Option{{Key: "a", Label: "A"}, {Key: "a", Label: "A2"}}})},
			"custom_properties[0].settings.options[1].key", duplicate},
		{"empty option key", []customprop.Definition{def("k", customprop.TypeChoices, customprop.Settings{Options: []customprop.Option{{Key: "", Label: "A"}}})},
			"custom_properties[0].settings.options[0].key", required},
		{"option key with comma", []customprop.Definition{def("k", customprop.TypeChoices, customprop.Settings{Options: []customprop.Option{{Key: "a,b", Label: "A"}}})},
			"custom_properties[0].settings.options[0].key", invalidFormat},
		{"empty option label", []customprop.Definition{def("k", customprop.TypeChoices, customprop.Settings{Options: []customprop.Option{{Key: "a"}}})},
			"custom_properties[0].settings.options[0].label", required},
		{"currency format without code", []customprop.Definition{def("k", customprop.TypeNumeric, customprop.Settings{Format: customprop.FormatCurrency})},
			"custom_properties[0].settings.currency_code", required},
		{"lower-case currency code", []customprop.Definition{def("k", customprop.TypeNumeric, customprop.Settings{Format: customprop.FormatCurrency, CurrencyCode: "eur"})},
			"custom_properties[0].settings.currency_code", validation.CodeInvalidCurrency},
		{"unknown currency code", []customprop.Definition{def("k", customprop.TypeNumeric, customprop.Settings{Format: customprop.FormatCurrency, CurrencyCode: "ABC"})},
			"custom_properties[0].settings.currency_code", validation.CodeInvalidCurrency},
		{"currency code with number format", []customprop.Definition{def("k", customprop.TypeNumeric, customprop.Settings{Format: customprop.FormatNumber, CurrencyCode: "EUR"})},
			"custom_properties[0].settings.currency_code", validation.CodeNotAllowed},
		{"unknown format", []customprop.Definition{def("k", customprop.TypeNumeric, customprop.Settings{Format: "ratio"})},
			"custom_properties[0].settings.format", invalidValue},
		{"min above max", []customprop.Definition{def("k", customprop.TypeNumeric, customprop.Settings{Min: dec("10"), Max: dec("9.99")})},
			"custom_properties[0].settings.min", validation.CodeConflict},
		{"max beyond safe", []customprop.Definition{def("k", customprop.TypeNumeric, customprop.Settings{Max: dec("9007199254740992")})},
			"custom_properties[0].settings.max", outOfRange},
		{"min beyond safe", []customprop.Definition{def("k", customprop.TypeNumeric, customprop.Settings{Min: dec("-9007199254740992")})},
			"custom_properties[0].settings.min", outOfRange},
		{"min too precise", []customprop.Definition{def("k", customprop.TypeNumeric, customprop.Settings{Min: dec("0.000000000000000000001")})},
			"custom_properties[0].settings.min", tooPrecise},
		{"options on text", []customprop.Definition{def("k", customprop.TypeText, customprop.Settings{Options: []customprop.Option{{Key: "a", Label: "A"}}})},
			"custom_properties[0].settings.options", validation.CodeNotAllowed},
		{"allow_multiple on date", []customprop.Definition{def("k", customprop.TypeDate, customprop.Settings{AllowMultiple: true})},
			"custom_properties[0].settings.allow_multiple", validation.CodeNotAllowed},
		{"is_multi_line on email", []customprop.Definition{def("k", customprop.TypeEmail, customprop.Settings{IsMultiLine: true})},
			"custom_properties[0].settings.is_multi_line", validation.CodeNotAllowed},
		{"min on text", []customprop.Definition{def("k", customprop.TypeText, customprop.Settings{Min: dec("1")})},
			"custom_properties[0].settings.min", validation.CodeNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := customprop.NewSet(tt.defs)
			if err == nil {
				t.Fatalf("NewSet accepted %+v", tt.defs)
			}
			if s != nil {
				t.Error("NewSet returned a Set with an error")
			}
			verr := asValidation(t, err)
			if !verr.Has(tt.path, tt.code) {
				t.Fatalf("problems = %v, want %s at %s", verr.Problems, tt.code, tt.path)
			}
		})
	}
}

func TestNewSetReportsEveryProblem(t *testing.T) {
	_, err := customprop.NewSet([]customprop.Definition{
		{Key: "", Label: "", Type: "nope", Target: "nowhere"},
		def("n", customprop.TypeNumeric, customprop.Settings{Format: customprop.FormatCurrency, CurrencyCode: "XYZ", Min: dec("5"), Max: dec("1")}),
	})
	verr := asValidation(t, err)
	want := []struct {
		path string
		code validation.Code
	}{
		{"custom_properties[0].key", required},
		{"custom_properties[0].label", required},
		{"custom_properties[0].type", invalidValue},
		{"custom_properties[0].target_entity", invalidValue},
		{"custom_properties[1].settings.currency_code", validation.CodeInvalidCurrency},
		{"custom_properties[1].settings.min", validation.CodeConflict},
	}
	if len(verr.Problems) != len(want) {
		t.Fatalf("got %d problems %v, want %d", len(verr.Problems), verr.Problems, len(want))
	}
	for _, w := range want {
		if !verr.Has(w.path, w.code) {
			t.Errorf("missing %s at %s in %v", w.code, w.path, verr.Problems)
		}
	}
}

func TestNewSetAccepts(t *testing.T) {
	archived := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	defs := []customprop.Definition{
		def("yearly_turnover", customprop.TypeNumeric, customprop.Settings{Format: customprop.FormatCurrency, CurrencyCode: "EUR", Min: dec("0"), Max: dec("0")}),
		{Key: "yearly_turnover", Label: "Turnover", Type: customprop.TypeNumeric, Target: customprop.TargetCompany},
		def("Legacy-Key_2", customprop.TypeBoolean, customprop.Settings{}),
		{Key: "old", Label: "Old", Type: customprop.TypeText, Target: customprop.TargetCase, ArchivedAt: &archived},
	}
	s := mustSet(t, defs...)

	// The Set is a copy: changing the input changes nothing.
	defs[0].Settings.Min = dec("-5")
	defs[0].Label = "changed"
	got, ok := s.Lookup(customprop.TargetCase, "yearly_turnover")
	if !ok || got.Label != "yearly_turnover" || !got.Settings.Min.Equal(*dec("0")) {
		t.Fatalf("Lookup = %+v, %v", got, ok)
	}
	// Lookup returns a copy too.
	got.Settings.Min = dec("7")
	again, _ := s.Lookup(customprop.TargetCase, "yearly_turnover")
	if !again.Settings.Min.Equal(*dec("0")) {
		t.Fatal("Lookup result aliases the Set")
	}

	if _, ok := s.Lookup(customprop.TargetIndividual, "yearly_turnover"); ok {
		t.Error("Lookup found a key on the wrong target")
	}
	if d, ok := s.Lookup(customprop.TargetCase, "old"); !ok || !d.Archived() {
		t.Errorf("archived definition: %+v %v", d, ok)
	}
	var keys []string
	for _, d := range s.Definitions(customprop.TargetCase) {
		keys = append(keys, d.Key)
	}
	if diff := cmp.Diff([]string{"yearly_turnover", "Legacy-Key_2", "old"}, keys); diff != "" {
		t.Errorf("Definitions(case) keys (-want +got):\n%s", diff)
	}
	if n := len(s.All()); n != 4 {
		t.Errorf("All() has %d definitions, want 4", n)
	}

	var nilSet *customprop.Set
	if nilSet.Definitions(customprop.TargetCase) != nil || nilSet.All() != nil {
		t.Error("a nil Set must define nothing")
	}
	if _, ok := nilSet.Lookup(customprop.TargetCase, "x"); ok {
		t.Error("a nil Set must define nothing")
	}
	if empty, err := customprop.NewSet(nil); err != nil || len(empty.All()) != 0 {
		t.Errorf("NewSet(nil) = %v, %v", empty, err)
	}
}

func TestDefinitionJSON(t *testing.T) {
	archived := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		def  customprop.Definition
		wire string
	}{
		{"numeric currency",
			customprop.Definition{Key: "yearly_turnover", Label: "Yearly turnover", Type: customprop.TypeNumeric, Target: customprop.TargetCompany,
				Settings: customprop.Settings{Format: customprop.FormatCurrency, CurrencyCode: "EUR", Min: dec("0"), Max: dec("1000000.50")}},
			`{"key":"yearly_turnover","label":"Yearly turnover","type":"numeric","target_entity":"company","settings":{"format":"currency","currency_code":"EUR","min":0,"max":1000000.5},"archived_at":null}`},
		{"numeric defaults to number",
			customprop.Definition{Key: "n", Label: "N", Type: customprop.TypeNumeric, Target: customprop.TargetCase},
			`{"key":"n","label":"N","type":"numeric","target_entity":"case","settings":{"format":"number"},"archived_at":null}`},
		{"choices",
			customprop.Definition{Key: "office_location", Label: "Office", Type: customprop.TypeChoices, Target: customprop.TargetCase,
				Settings: customprop.Settings{Options: []customprop.Option{{Key: "emea", Label: "EMEA"}}}},
			`{"key":"office_location","label":"Office","type":"choices","target_entity":"case","settings":{"allow_multiple":false,"options":[{"key":"emea","label":"EMEA"}]},"archived_at":null}`},
		{"countries",
			customprop.Definition{Key: "c", Label: "C", Type: customprop.TypeCountries, Target: customprop.TargetIndividual, Settings: customprop.Settings{AllowMultiple: true}},
			`{"key":"c","label":"C","type":"countries","target_entity":"individual","settings":{"allow_multiple":true},"archived_at":null}`},
		{"text archived",
			customprop.Definition{Key: "t", Label: "T", Type: customprop.TypeText, Target: customprop.TargetCase, ArchivedAt: &archived},
			`{"key":"t","label":"T","type":"text","target_entity":"case","settings":{"is_multi_line":false},"archived_at":"2024-05-01T12:00:00Z"}`},
		{"boolean",
			customprop.Definition{Key: "b", Label: "B", Type: customprop.TypeBoolean, Target: customprop.TargetCase},
			`{"key":"b","label":"B","type":"boolean","target_entity":"case","settings":{},"archived_at":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.def)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.wire {
				t.Fatalf("marshal:\n got %s\nwant %s", b, tt.wire)
			}
			var back customprop.Definition
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			b2, _ := json.Marshal(back)
			if string(b2) != tt.wire {
				t.Fatalf("round trip:\n got %s\nwant %s", b2, tt.wire)
			}
		})
	}
}

func TestSettingsDecode(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		min, max string // "" = nil
		err      bool
	}{
		{"numbers", `{"min":0,"max":100.5}`, "0", "100.5", false},
		{"strings", `{"min":"-5","max":"1e3"}`, "-5", "1000", false},
		{"nulls", `{"min":null,"max":null}`, "", "", false},
		{"absent", `{"format":"percent"}`, "", "", false},
		{"garbage min", `{"min":"abc"}`, "", "", true},
		{"boolean max", `{"max":true}`, "", "", true},
		{"huge exponent", `{"max":1e999999999}`, "", "", true},
		{"too precise", `{"min":1e-30}`, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s customprop.Settings
			err := json.Unmarshal([]byte(tt.in), &s)
			if tt.err {
				if err == nil {
					t.Fatalf("decoded %s without error: %+v", tt.in, s)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			check := func(name string, got interface{ String() string }, isNil bool, want string) {
				t.Helper()
				if want == "" {
					if !isNil {
						t.Errorf("%s = %v, want nil", name, got)
					}
					return
				}
				if isNil || dec(want).Cmp(*dec(got.String())) != 0 {
					t.Errorf("%s = %v, want %s", name, got, want)
				}
			}
			check("min", s.Min, s.Min == nil, tt.min)
			check("max", s.Max, s.Max == nil, tt.max)
		})
	}
}

func TestDefinitionClone(t *testing.T) {
	at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	d := customprop.Definition{Key: "k", Label: "K", Type: customprop.TypeChoices, Target: customprop.TargetCase, ArchivedAt: &at,
		Settings: customprop.Settings{Options: []customprop.Option{{Key: "a", Label: "A"}}, Min: dec("1"), Max: dec("2")}}
	c := d.Clone()
	if diff := cmp.Diff(d, c); diff != "" {
		t.Fatalf("clone differs:\n%s", diff)
	}
	c.Settings.Options[0].Key = "z"
	*c.ArchivedAt = at.Add(time.Hour)
	*c.Settings.Min = *dec("9")
	if d.Settings.Options[0].Key != "a" || !d.ArchivedAt.Equal(at) || !d.Settings.Min.Equal(*dec("1")) {
		t.Fatal("Clone shares memory with the original")
	}
}
