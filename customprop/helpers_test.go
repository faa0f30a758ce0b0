package customprop_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/validation"
	"github.com/shopspring/decimal"
)

func mustSet(tb testing.TB, defs ...customprop.Definition) *customprop.Set {
	tb.Helper()
	s, err := customprop.NewSet(defs)
	if err != nil {
		tb.Fatalf("NewSet: %v", err)
	}
	return s
}

func dec(s string) *decimal.Decimal {
	d := decimal.RequireFromString(s)
	return &d
}

func def(key string, typ customprop.Type, st customprop.Settings) customprop.Definition {
	return customprop.Definition{Key: key, Label: key, Type: typ, Target: customprop.TargetCase, Settings: st}
}

func asValidation(tb testing.TB, err error) *validation.Error {
	tb.Helper()
	var verr *validation.Error
	if !errors.As(err, &verr) {
		tb.Fatalf("error %v (%T) is not a *validation.Error", err, err)
	}
	if !errors.Is(err, validation.ErrInvalid) {
		tb.Fatalf("errors.Is(%v, validation.ErrInvalid) = false", err)
	}
	return verr
}

// valueCase is one raw JSON value written to a property. An empty code
// means the value is accepted and its wire form is want (raw when want is
// empty).
type valueCase struct {
	name string
	raw  string
	code validation.Code
	want string
}

func runValueCases(t *testing.T, d customprop.Definition, cases []valueCase) {
	t.Helper()
	set := mustSet(t, d)
	path := "custom_properties." + d.Key
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := set.Apply(d.Target, nil, customprop.Patch{d.Key: json.RawMessage(tc.raw)})
			if tc.code != "" {
				if err == nil {
					t.Fatalf("%s accepted as %v, want %s", tc.raw, got[d.Key], tc.code)
				}
				verr := asValidation(t, err)
				if !verr.Has(path, tc.code) {
					t.Fatalf("problems = %v, want %s at %s", verr.Problems, tc.code, path)
				}
				for _, p := range verr.Problems {
					if p.Path != path || p.Message == "" {
						t.Errorf("unexpected problem %+v", p)
					}
				}
				if got != nil {
					t.Errorf("Apply returned values %v with an error", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s refused: %v", tc.raw, err)
			}
			v, ok := got.Get(d.Key)
			if !ok {
				t.Fatalf("value not set: %v", got)
			}
			if v.Type() != d.Type {
				t.Errorf("Type() = %q, want %q", v.Type(), d.Type)
			}
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.want
			if want == "" {
				want = tc.raw
			}
			if string(b) != want {
				t.Errorf("wire form = %s, want %s", b, want)
			}
		})
	}
}

func asValidationOK(err error, target **validation.Error) bool { return errors.As(err, target) }
