package customprop_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/biter777/countries"
	"github.com/dossierkit/dossier/customprop"
	"github.com/google/go-cmp/cmp"
)

func TestAccessors(t *testing.T) {
	s := seedSet(t)
	vs, err := s.Apply(customprop.TargetCase, nil, decodePatch(t, `{
		"ubo_us_citizen": true,
		"main_activity_country": ["FR", "GB"],
		"office_location": ["emea"],
		"last_audit": "2024-02-29",
		"default_email": "contact@dotfile.com",
		"yearly_turnover": "20000.50",
		"default_phone_number": "+33654489875",
		"source_of_funds": "income",
		"external_link": "https://dotfile.com/kyc?x=1"
	}`))
	if err != nil {
		t.Fatal(err)
	}
	get := func(k string) customprop.Value {
		v, ok := vs.Get(k)
		if !ok {
			t.Fatalf("%s not set", k)
		}
		return v
	}

	if b, ok := get("ubo_us_citizen").Bool(); !ok || !b {
		t.Errorf("Bool() = %v, %v", b, ok)
	}
	if d, ok := get("yearly_turnover").Decimal(); !ok || !d.Equal(*dec("20000.5")) {
		t.Errorf("Decimal() = %v, %v", d, ok)
	}
	if d, ok := get("last_audit").Date(); !ok || !d.Equal(time.Date(2024, time.February, 29, 0, 0, 0, 0, time.UTC)) || d.Location() != time.UTC {
		t.Errorf("Date() = %v, %v", d, ok)
	}
	list, ok := get("main_activity_country").Strings()
	if !ok || !cmp.Equal(list, []string{"FR", "GB"}) {
		t.Errorf("Strings() = %v, %v", list, ok)
	}
	list[0] = "XX" // a copy: the Value is unchanged
	if again, _ := get("main_activity_country").Strings(); again[0] != "FR" {
		t.Error("Strings() returned the Value's own slice")
	}
	if cs, ok := get("main_activity_country").Countries(); !ok || !cmp.Equal(cs, []countries.CountryCode{countries.France, countries.UnitedKingdom}) {
		t.Errorf("Countries() = %v, %v", cs, ok)
	}
	if o, ok := get("office_location").Strings(); !ok || !cmp.Equal(o, []string{"emea"}) {
		t.Errorf("choices Strings() = %v, %v", o, ok)
	}
	if _, ok := get("office_location").Countries(); ok {
		t.Error("Countries() on a choices value")
	}
	for _, k := range []string{"default_email", "default_phone_number", "source_of_funds"} {
		if s, ok := get(k).Text(); !ok || s == "" {
			t.Errorf("%s Text() = %q, %v", k, s, ok)
		}
	}
	if s, _ := get("last_audit").Text(); s != "2024-02-29" {
		t.Errorf("date Text() = %q", s)
	}
	if u, ok := get("external_link").URL(); !ok || u.Host != "dotfile.com" || u.Query().Get("x") != "1" {
		t.Errorf("URL() = %v, %v", u, ok)
	}

	// Asking for the wrong type reports false.
	if _, ok := get("source_of_funds").Bool(); ok {
		t.Error("Bool() on text")
	}
	if _, ok := get("source_of_funds").Decimal(); ok {
		t.Error("Decimal() on text")
	}
	if _, ok := get("source_of_funds").Date(); ok {
		t.Error("Date() on text")
	}
	if _, ok := get("ubo_us_citizen").Text(); ok {
		t.Error("Text() on boolean")
	}
	if _, ok := get("ubo_us_citizen").Strings(); ok {
		t.Error("Strings() on boolean")
	}
	if _, ok := get("default_email").URL(); ok {
		t.Error("URL() on email")
	}

	strs := map[string]string{
		"ubo_us_citizen": "true", "main_activity_country": "FR,GB", "yearly_turnover": "20000.5",
		"last_audit": "2024-02-29", "source_of_funds": "income",
	}
	for k, want := range strs {
		if got := get(k).String(); got != want {
			t.Errorf("%s String() = %q, want %q", k, got, want)
		}
	}
	var zero customprop.Value
	if !zero.IsZero() || zero.String() != "" || wire(t, zero) != "null" {
		t.Error("zero Value")
	}
}

func TestUnboundAccessors(t *testing.T) {
	// Values read back from JSON, before Visible binds them.
	if d, ok := mustValue(t, `"2024-02-29"`).Date(); !ok || d.Day() != 29 {
		t.Errorf("unbound Date() = %v, %v", d, ok)
	}
	if _, ok := mustValue(t, `"2023-02-29"`).Date(); ok {
		t.Error("unbound Date() accepted a non-date")
	}
	if d, ok := mustValue(t, `"20000"`).Decimal(); !ok || !d.Equal(*dec("20000")) {
		t.Errorf("unbound Decimal() = %v, %v", d, ok)
	}
	if v := mustValue(t, `12.50`); v.Type() != customprop.TypeNumeric || v.String() != "12.5" {
		t.Errorf("number decodes as %q %q", v.Type(), v.String())
	}
	if v := mustValue(t, `false`); v.Type() != customprop.TypeBoolean {
		t.Errorf("boolean decodes as %q", v.Type())
	}
	if _, ok := mustValue(t, `["FR","xx"]`).Countries(); ok {
		t.Error("Countries() accepted an unknown code")
	}
}

func TestValueJSONErrors(t *testing.T) {
	for _, in := range []string{`{}`, `[1]`, `1e400`, `-`, `["a",null]`} {
		var v customprop.Value
		if err := json.Unmarshal([]byte(in), &v); err == nil {
			t.Errorf("Value decoded %s as %v", in, v)
		}
	}
	for _, in := range []string{`{"a":null}`, `{"a":{}}`, `[]`, `"x"`} {
		var vs customprop.Values
		if err := json.Unmarshal([]byte(in), &vs); err == nil {
			t.Errorf("Values decoded %s as %v", in, vs)
		}
	}
}

func TestValuesJSONAndClone(t *testing.T) {
	s := seedSet(t)
	vs, err := s.Apply(customprop.TargetCase, nil, decodePatch(t,
		`{"ubo_us_citizen": true, "yearly_turnover": "1e3", "main_activity_country": ["GB","FR"], "source_of_funds": "<&>"}`))
	if err != nil {
		t.Fatal(err)
	}
	b := wire(t, vs)
	if want := `{"main_activity_country":["GB","FR"],"source_of_funds":"\u003c\u0026\u003e","ubo_us_citizen":true,"yearly_turnover":1000}`; b != want {
		t.Fatalf("wire = %s, want %s", b, want)
	}
	var back customprop.Values
	if err := json.Unmarshal([]byte(b), &back); err != nil {
		t.Fatal(err)
	}
	if !back.Equal(vs) || wire(t, back) != b {
		t.Fatalf("round trip: %s", wire(t, back))
	}
	if diff := cmp.Diff([]string{"main_activity_country", "source_of_funds", "ubo_us_citizen", "yearly_turnover"}, back.Keys()); diff != "" {
		t.Error(diff)
	}

	var nilVals customprop.Values
	if nilVals.Clone() != nil {
		t.Error("Clone of nil is not nil")
	}
	if wire(t, nilVals) != "null" || wire(t, customprop.Values{}) != "{}" {
		t.Error("nil/empty Values wire forms")
	}
	var decoded customprop.Values = customprop.Values{"x": {}}
	if err := json.Unmarshal([]byte(`null`), &decoded); err != nil || decoded != nil {
		t.Errorf("null decodes to %v, %v", decoded, err)
	}

	c := vs.Clone()
	delete(c, "ubo_us_citizen")
	if _, ok := vs["ubo_us_citizen"]; !ok {
		t.Fatal("Clone shares the map")
	}
	if c.Equal(vs) || !vs.Equal(vs.Clone()) {
		t.Fatal("Equal")
	}

	// Values embedded in a struct, as a store persists them.
	type record struct {
		Props customprop.Values `json:"custom_properties,omitempty"`
	}
	rb, _ := json.Marshal(record{Props: vs})
	var r record
	if err := json.Unmarshal(rb, &r); err != nil || !r.Props.Equal(vs) {
		t.Fatalf("embedded round trip: %v %v", r, err)
	}
	if w := wire(t, record{}); w != `{}` {
		t.Errorf("omitempty: %s", w)
	}
}

func TestValueEqual(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{`1`, `1.0`, true},
		{`1`, `"1"`, false},
		{`true`, `true`, true},
		{`true`, `false`, false},
		{`["a","b"]`, `["a","b"]`, true},
		{`["a","b"]`, `["b","a"]`, false},
		{`"a"`, `"a"`, true},
		{`"a"`, `["a"]`, false},
	}
	for _, tt := range tests {
		if got := mustValue(t, tt.a).Equal(mustValue(t, tt.b)); got != tt.want {
			t.Errorf("%s == %s: %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
