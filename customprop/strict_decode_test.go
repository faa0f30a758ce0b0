package customprop_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/validation"
)

// problemKeys returns "path code" for every problem of err, failing the test
// when err is not a *validation.Error.
func problemKeys(t *testing.T, err error) []string {
	t.Helper()
	var verr *validation.Error
	if !errors.As(err, &verr) {
		t.Fatalf("got %v (%T), want a *validation.Error", err, err)
	}
	var out []string
	for _, p := range verr.Problems {
		out = append(out, p.Path+" "+string(p.Code))
	}
	return out
}

func TestDefinitionDecodeIsStrict(t *testing.T) {
	tests := []struct {
		name string
		json string
		want []string
	}{
		{"misspelled setting", `{"key":"t","label":"T","type":"text","target_entity":"case","settings":{"is_multiline":true}}`,
			[]string{"settings.is_multiline unknown_field"}},
		{"setting types", `{"key":"c","label":"C","type":"choices","target_entity":"case","settings":{"allow_multiple":"yes","options":[{"key":1,"label":"A","extra":0}],"min":true}}`,
			[]string{"settings.allow_multiple invalid_type", "settings.options[0].key invalid_type", "settings.options[0].extra unknown_field", "settings.min invalid_type"}},
		{"bounds", `{"key":"n","label":"N","type":"numeric","target_entity":"case","settings":{"min":"abc","max":1e30,"format":7}}`,
			[]string{"settings.min invalid_format", "settings.max out_of_range", "settings.format invalid_type"}},
		{"options not an array", `{"key":"c","label":"C","type":"choices","target_entity":"case","settings":{"options":{"a":"A"}}}`,
			[]string{"settings.options invalid_type"}},
		{"duplicate setting", `{"key":"t","label":"T","type":"text","target_entity":"case","settings":{"is_multi_line":true,"is_multi_line":false}}`,
			[]string{"settings.is_multi_line duplicate"}},
		{"unknown member and bad archived_at", `{"key":"t","label":"T","type":"text","target_entity":"case","archived":true,"archived_at":"0000-01-01T00:00:00+01:00"}`,
			[]string{"archived unknown_field", "archived_at invalid_format"}},
		{"not an object", `[1]`, []string{" invalid_type"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d customprop.Definition
			got := problemKeys(t, json.Unmarshal([]byte(tt.json), &d))
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems = %q, want %q", got, tt.want)
			}
		})
	}
	// The message names the setting a misspelling resembles.
	var s customprop.Settings
	err := json.Unmarshal([]byte(`{"is_multiline":true}`), &s)
	if err == nil || !strings.Contains(err.Error(), `did you mean "is_multi_line"`) {
		t.Errorf("misspelled setting: %v", err)
	}
}

func TestPatchAndValuesRefuseDuplicateKeys(t *testing.T) {
	tests := []struct {
		name string
		into any
		json string
		want []string
	}{
		{"patch duplicate", new(customprop.Patch), `{"a":1,"a":null}`, []string{"a duplicate"}},
		{"patch invalid UTF-8", new(customprop.Patch), "{\"a\":\"\xff\"}", []string{" malformed_json"}},
		{"patch not an object", new(customprop.Patch), `"x"`, []string{" invalid_type"}},
		{"values duplicate", new(customprop.Values), `{"a":"x","a":"y"}`, []string{"a duplicate"}},
		{"values null member and object", new(customprop.Values), `{"a":null,"b":{}}`, []string{"a invalid_type", "b invalid_type"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := problemKeys(t, json.Unmarshal([]byte(tt.json), tt.into))
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestValueRefusesInvalidUTF8(t *testing.T) {
	for _, raw := range []string{"\"\xff\"", "[\"a\", \"\xc3\"]"} {
		var v customprop.Value
		if err := v.UnmarshalJSON([]byte(raw)); err == nil {
			t.Errorf("Value.UnmarshalJSON(%q) accepted %v", raw, v)
		}
	}
}
