package patch_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/validation"
)

type input struct {
	Name patch.Field[string] `json:"name,omitzero"`
	Ext  patch.Field[string] `json:"external_id,omitzero"`
}

func TestFieldStates(t *testing.T) {
	tests := []struct {
		json                  string
		namePresent, nameNull bool
		name                  string
		extPresent, extNull   bool
	}{
		{`{}`, false, false, "", false, false},
		{`{"name":"A"}`, true, false, "A", false, false},
		{`{"name":null,"external_id":"x"}`, true, true, "", true, false},
		{`{"external_id":null}`, false, false, "", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.json, func(t *testing.T) {
			var in input
			if err := json.Unmarshal([]byte(tt.json), &in); err != nil {
				t.Fatal(err)
			}
			if in.Name.Present() != tt.namePresent || in.Name.IsNull() != tt.nameNull {
				t.Fatalf("name present=%v null=%v", in.Name.Present(), in.Name.IsNull())
			}
			if v, ok := in.Name.Get(); ok != (tt.namePresent && !tt.nameNull) || v != tt.name {
				t.Fatalf("name Get = %q, %v", v, ok)
			}
			if in.Ext.Present() != tt.extPresent || in.Ext.IsNull() != tt.extNull {
				t.Fatalf("ext present=%v null=%v", in.Ext.Present(), in.Ext.IsNull())
			}
			out, err := json.Marshal(in)
			if err != nil {
				t.Fatal(err)
			}
			var back input
			if err := json.Unmarshal(out, &back); err != nil {
				t.Fatal(err)
			}
			if back != in {
				t.Fatalf("round trip %s: got %+v want %+v", out, back, in)
			}
		})
	}
}

func TestDecodeObjectReportsEverything(t *testing.T) {
	var name string
	var count int
	err := patch.DecodeObject([]byte(`{"name": 3, "count": "x", "bogus": 1}`), map[string]any{
		"name": &name, "count": &count,
	})
	var verr *validation.Error
	if !errors.As(err, &verr) {
		t.Fatalf("got %v", err)
	}
	for _, want := range []struct {
		path string
		code validation.Code
	}{{"name", validation.CodeInvalidType}, {"count", validation.CodeInvalidType}, {"bogus", validation.CodeUnknownField}} {
		if !verr.Has(want.path, want.code) {
			t.Errorf("missing %s %s in %v", want.path, want.code, verr)
		}
	}
	if len(verr.Problems) != 3 {
		t.Errorf("got %d problems: %v", len(verr.Problems), verr)
	}
	for _, bad := range []string{`[]`, `null`, `"x"`, `{`} {
		if err := patch.DecodeObject([]byte(bad), map[string]any{}); !errors.Is(err, validation.ErrInvalid) {
			t.Errorf("DecodeObject(%s) = %v", bad, err)
		}
	}
}

func ExampleField() {
	var in struct {
		Name       patch.Field[string] `json:"name,omitzero"`
		ExternalID patch.Field[string] `json:"external_id,omitzero"`
	}
	_ = json.Unmarshal([]byte(`{"external_id": null}`), &in)
	fmt.Println(in.Name.Present(), in.ExternalID.IsNull())
	// Output: false true
}

func TestKind(t *testing.T) {
	tests := []struct{ raw, want string }{
		{`"x"`, "a string"}, {` 42`, "a number"}, {`-1e3`, "a number"}, {`true`, "a boolean"},
		{`false`, "a boolean"}, {`null`, "null"}, {`[1]`, "an array"}, {`{"a":1}`, "an object"}, {"  ", "nothing"},
	}
	for _, tt := range tests {
		if got := patch.Kind([]byte(tt.raw)); got != tt.want {
			t.Errorf("Kind(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}
