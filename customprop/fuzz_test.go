package customprop_test

import (
	"encoding/json"
	"testing"

	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/validation"
)

// fuzzProperty checks, for any raw JSON written to the property d, that
// Apply never panics; that a refusal is a *validation.Error whose problems
// all name the property's path; and that an accepted value re-validates
// from its own wire form to an equal value, survives a JSON round trip of
// Values unchanged, and is bound back to its type by Visible.
func fuzzProperty(f *testing.F, d customprop.Definition, seeds ...string) {
	set := mustSet(f, d)
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	path := "custom_properties." + d.Key
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, err := set.Apply(d.Target, nil, customprop.Patch{d.Key: raw})
		if err != nil {
			verr := asValidation(t, err)
			if len(verr.Problems) == 0 {
				t.Fatal("empty validation error")
			}
			for _, p := range verr.Problems {
				if p.Path != path || p.Code == "" || p.Message == "" {
					t.Fatalf("bad problem %+v", p)
				}
			}
			return
		}
		v, ok := got.Get(d.Key)
		if !ok {
			// Only null removes.
			var x any
			if json.Unmarshal(raw, &x) != nil || x != nil {
				t.Fatalf("%q accepted without a value", raw)
			}
			return
		}
		if v.Type() != d.Type {
			t.Fatalf("Type() = %q", v.Type())
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		again, err := set.Apply(d.Target, nil, customprop.Patch{d.Key: b})
		if err != nil {
			t.Fatalf("wire form %s of accepted %q refused: %v", b, raw, err)
		}
		if w := again[d.Key]; !w.Equal(v) || w.Type() != d.Type {
			t.Fatalf("re-validated %s = %v, want %v", b, w, v)
		}
		if b2, _ := json.Marshal(again[d.Key]); string(b2) != string(b) {
			t.Fatalf("wire form changed: %s then %s", b, b2)
		}
		all, _ := json.Marshal(got)
		var back customprop.Values
		if err := json.Unmarshal(all, &back); err != nil {
			t.Fatalf("Values %s do not decode: %v", all, err)
		}
		if !back.Equal(got) {
			t.Fatalf("JSON round trip changed %s", all)
		}
		vis := set.Visible(d.Target, back)
		if w, ok := vis[d.Key]; !ok || !w.Equal(v) || w.Type() != d.Type {
			t.Fatalf("Visible lost %s: %v", all, vis)
		}
		checkAccessor(t, d.Type, v)
	})
}

// checkAccessor checks that the typed accessor of an accepted value works
// and agrees with its wire form.
func checkAccessor(t *testing.T, typ customprop.Type, v customprop.Value) {
	t.Helper()
	var ok bool
	switch typ {
	case customprop.TypeBoolean:
		_, ok = v.Bool()
	case customprop.TypeNumeric:
		var d = v
		dd, ok2 := d.Decimal()
		ok = ok2 && dd.String() == v.String()
	case customprop.TypeDate:
		tm, ok2 := v.Date()
		ok = ok2 && tm.Format("2006-01-02") == v.String()
	case customprop.TypeChoices, customprop.TypeCountries:
		_, ok = v.Strings()
		if typ == customprop.TypeCountries {
			_, ok = v.Countries()
		}
	case customprop.TypeURL:
		_, ok = v.URL()
	default:
		_, ok = v.Text()
	}
	if !ok {
		t.Fatalf("accessor of %s value %v failed", typ, v)
	}
}

func FuzzBoolean(f *testing.F) {
	fuzzProperty(f, def("b", customprop.TypeBoolean, customprop.Settings{}), `true`, `false`, `"true"`, `null`, `1`)
}

func FuzzChoices(f *testing.F) {
	st := regions
	st.AllowMultiple = true
	fuzzProperty(f, def("c", customprop.TypeChoices, st), `["emea"]`, `["emea","amer"]`, `["emea","emea"]`, `[]`, `["x"]`, `["\u0065mea"]`)
}

func FuzzCountries(f *testing.F) {
	fuzzProperty(f, def("c", customprop.TypeCountries, customprop.Settings{AllowMultiple: true}), `["FR"]`, `["FR","GB"]`, `["fr"]`, `["AN"]`, `[" FR"]`)
}

func FuzzDate(f *testing.F) {
	fuzzProperty(f, def("d", customprop.TypeDate, customprop.Settings{}), `"2022-02-03"`, `"2024-02-29"`, `"2023-02-29"`, `"2023-1-05"`, `"0000-01-01"`)
}

func FuzzEmail(f *testing.F) {
	fuzzProperty(f, def("e", customprop.TypeEmail, customprop.Settings{}), `"contact@dotfile.com"`, `"A <a@b.co>"`, `"josé@exämple.fr"`, `"a@[1.2.3.4]"`, `"\"a\"@b.co"`)
}

func FuzzNumeric(f *testing.F) {
	fuzzProperty(f, def("n", customprop.TypeNumeric, customprop.Settings{Min: dec("-1000.5"), Max: dec("9007199254740991")}),
		`"20000"`, `20000.50`, `"1e3"`, `-0`, `"NaN"`, `1e400`, `"0x10"`, `0.00000000000000000001`, `"9007199254740990.99999999999999999999"`)
}

func FuzzPhoneNumber(f *testing.F) {
	fuzzProperty(f, def("p", customprop.TypePhoneNumber, customprop.Settings{}), `"+33654489875"`, `"+330654489875"`, `"+12015550123"`, `"+390612345678"`, `"+44 7400 123456"`)
}

func FuzzText(f *testing.F) {
	fuzzProperty(f, def("t", customprop.TypeText, customprop.Settings{}), `"income"`, `"a\nb"`, `"é"`, `"\u0000"`, `"\ud800"`)
	// The multi-line variant shares the code; its limits are in TestText.
}

func FuzzURL(f *testing.F) {
	fuzzProperty(f, def("u", customprop.TypeURL, customprop.Settings{}), `"https://dotfile.com"`, `"https://[::1]:80/a?b#c"`, `"ftp://x"`, `"https://%zz"`, `"https://u@x.y"`, `"http://x.y:/"`)
}

// FuzzValuesJSON decodes arbitrary JSON as stored Values: never panics, and
// whatever decodes re-encodes to JSON that decodes to equal Values.
func FuzzValuesJSON(f *testing.F) {
	for _, s := range []string{`{"a":true,"b":20000.5,"c":"x","d":["FR"]}`, `null`, `{}`, `{"a":null}`, `{"n":1e3}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var vs customprop.Values
		if json.Unmarshal(data, &vs) != nil {
			return
		}
		b, err := json.Marshal(vs)
		if err != nil {
			t.Fatal(err)
		}
		var back customprop.Values
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("re-decode %s: %v", b, err)
		}
		if !back.Equal(vs) || (vs == nil) != (back == nil) {
			t.Fatalf("round trip of %s changed", b)
		}
	})
}

// FuzzDefinitionJSON decodes arbitrary definitions: never panics; a
// definition set NewSet accepts encodes and decodes to one it accepts again.
func FuzzDefinitionJSON(f *testing.F) {
	for _, s := range []string{
		`{"key":"n","label":"N","type":"numeric","target_entity":"case","settings":{"format":"currency","currency_code":"EUR","min":"0","max":1e6}}`,
		`{"key":"c","label":"C","type":"choices","target_entity":"company","settings":{"allow_multiple":true,"options":[{"key":"a","label":"A"}]}}`,
		`{"key":"t","label":"T","type":"text","target_entity":"individual","settings":{"is_multi_line":true},"archived_at":"2024-01-01T00:00:00Z"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var d customprop.Definition
		if json.Unmarshal(data, &d) != nil {
			return
		}
		if _, err := customprop.NewSet([]customprop.Definition{d}); err != nil {
			var verr *validation.Error
			if !asValidationOK(err, &verr) {
				t.Fatalf("NewSet error %v is not a validation error", err)
			}
			return
		}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var back customprop.Definition
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
		if _, err := customprop.NewSet([]customprop.Definition{back}); err != nil {
			t.Fatalf("round trip %s refused: %v", b, err)
		}
		if b2, _ := json.Marshal(back); string(b2) != string(b) {
			t.Fatalf("wire form changed:\n%s\n%s", b, b2)
		}
	})
}
