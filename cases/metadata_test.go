package cases_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/validation"
)

func TestMetadataValidate(t *testing.T) {
	many := func(n int) cases.Metadata {
		m := cases.Metadata{}
		for i := range n {
			m[fmt.Sprintf("k%02d", i)] = "v"
		}
		return m
	}
	tests := []struct {
		name string
		md   cases.Metadata
		path string
		code validation.Code
	}{
		{"nil", nil, "", ""},
		{"spec example", cases.Metadata{"custom_key": "true", "my_data": "this is important", "count": "42"}, "", ""},
		{"50 keys", many(50), "", ""},
		{"51 keys", many(51), "metadata", validation.CodeTooMany},
		{"key 40 chars", cases.Metadata{strings.Repeat("k", 40): "v"}, "", ""},
		{"key 40 runes", cases.Metadata{strings.Repeat("é", 40): "v"}, "", ""},
		{"key 41 chars", cases.Metadata{strings.Repeat("k", 41): "v"}, "metadata." + strings.Repeat("k", 41), validation.CodeTooLong},
		{"empty key", cases.Metadata{"": "v"}, "metadata", validation.CodeRequired},
		{"value 500", cases.Metadata{"k": strings.Repeat("v", 500)}, "", ""},
		{"value 501", cases.Metadata{"k": strings.Repeat("v", 501)}, "metadata.k", validation.CodeTooLong},
		{"empty value", cases.Metadata{"k": ""}, "", ""},
		{"bad utf8", cases.Metadata{"k": "\xff"}, "metadata.k", validation.CodeInvalidFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.md.Validate()
			if tt.code == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			var verr *validation.Error
			if !errors.As(err, &verr) || !verr.Has(tt.path, tt.code) {
				t.Fatalf("got %v, want %s at %q", err, tt.code, tt.path)
			}
		})
	}
}

func TestMetadataReportsAllProblems(t *testing.T) {
	md := cases.Metadata{"a": strings.Repeat("x", 501), strings.Repeat("b", 41): "v"}
	var verr *validation.Error
	if err := md.Validate(); !errors.As(err, &verr) || len(verr.Problems) != 2 {
		t.Fatalf("got %v, want two problems", err)
	}
}

func TestMetadataUnmarshal(t *testing.T) {
	tests := []struct {
		in      string
		want    cases.Metadata
		badKeys []string
	}{
		{`{"a":"1","b":""}`, cases.Metadata{"a": "1", "b": ""}, nil},
		{`{}`, cases.Metadata{}, nil},
		{`{"count":42,"ok":"x","flag":true,"n":null,"o":{},"l":[]}`, nil, []string{"count", "flag", "n", "o", "l"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var md cases.Metadata
			err := json.Unmarshal([]byte(tt.in), &md)
			if tt.badKeys == nil {
				if err != nil || fmt.Sprint(md) != fmt.Sprint(tt.want) {
					t.Fatalf("got %v, %v; want %v", md, err, tt.want)
				}
				return
			}
			var verr *validation.Error
			if !errors.As(err, &verr) || len(verr.Problems) != len(tt.badKeys) {
				t.Fatalf("got %v, want problems at %v", err, tt.badKeys)
			}
			for _, k := range tt.badKeys {
				if !verr.Has(k, validation.CodeInvalidType) {
					t.Errorf("no invalid_type at %q in %v", k, verr)
				}
			}
		})
	}
	var md cases.Metadata
	if err := json.Unmarshal([]byte(`["a"]`), &md); !errors.Is(err, validation.ErrInvalid) {
		t.Fatalf("array: %v", err)
	}
}

func TestMetadataClone(t *testing.T) {
	m := cases.Metadata{"a": "1"}
	c := m.Clone()
	c["a"] = "2"
	if m["a"] != "1" {
		t.Fatal("Clone shares the map")
	}
	if cases.Metadata(nil).Clone() != nil {
		t.Fatal("nil Clone must stay nil")
	}
}

func FuzzMetadataJSON(f *testing.F) {
	for _, s := range []string{`{"a":"1"}`, `{"a":1}`, `{}`, `null`, `{"\u0000":"\ud800"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var md cases.Metadata
		if err := json.Unmarshal([]byte(s), &md); err != nil {
			return
		}
		b, err := json.Marshal(md)
		if err != nil {
			t.Fatal(err)
		}
		var back cases.Metadata
		if err := json.Unmarshal(b, &back); err != nil || fmt.Sprint(back) != fmt.Sprint(md) {
			t.Fatalf("round trip %s -> %s: %v", s, b, err)
		}
	})
}
