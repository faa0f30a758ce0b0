package entity_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/validation"
)

func TestPercentageValidate(t *testing.T) {
	tests := []struct {
		in   string
		code validation.Code // "" when valid
	}{
		{"0", ""},
		{"100", ""},
		{"33.33", ""},
		{"33.330", ""}, // trailing zeros are not extra precision
		{"0.01", ""},
		{"1e1", ""},
		{"-0.01", validation.CodeOutOfRange},
		{"100.01", validation.CodeOutOfRange},
		{"1e3", validation.CodeOutOfRange},
		{"33.333", validation.CodeTooPrecise},
		{"0.001", validation.CodeTooPrecise},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := entity.ParsePercentage(tt.in)
			if err != nil {
				t.Fatalf("ParsePercentage(%q): %v", tt.in, err)
			}
			err = p.Validate()
			if tt.code == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var verr *validation.Error
			if !errors.As(err, &verr) || !verr.Has("", tt.code) {
				t.Fatalf("Validate() = %v, want code %s", err, tt.code)
			}
		})
	}
}

func TestPercentageBothProblems(t *testing.T) {
	err := entity.MustPercentage("100.001").Validate()
	var verr *validation.Error
	if !errors.As(err, &verr) || !verr.Has("", validation.CodeOutOfRange) || !verr.Has("", validation.CodeTooPrecise) {
		t.Fatalf("Validate(100.001) = %v, want out_of_range and too_precise", err)
	}
}

func TestParsePercentageRefuses(t *testing.T) {
	for _, s := range []string{"", "abc", "1,5", "1e999999999", "1e-65", "12345678901234567890123456789012345678901234567890123456789012345"} {
		if _, err := entity.ParsePercentage(s); err == nil {
			t.Errorf("ParsePercentage(%q) accepted", s)
		}
	}
}

func TestPercentageUnknown(t *testing.T) {
	var p entity.Percentage
	if p.IsKnown() || p.String() != "unknown" || p.Validate() != nil {
		t.Fatalf("zero Percentage = %v known=%v, want unknown and valid", p, p.IsKnown())
	}
	if _, ok := p.Decimal(); ok {
		t.Fatal("Decimal() of unknown reported a value")
	}
	if p.Equal(entity.MustPercentage("0")) {
		t.Fatal("unknown equals 0: an unknown percentage must never be 0")
	}
	if !entity.MustPercentage("33.3").Equal(entity.MustPercentage("33.30")) {
		t.Fatal("33.3 should equal 33.30")
	}
	if !entity.PercentageOf(decimal.New(5, -1)).Equal(entity.MustPercentage("0.5")) {
		t.Fatal("PercentageOf(0.5) should equal 0.5")
	}
}

func TestPercentageJSON(t *testing.T) {
	tests := []struct {
		in, out string
	}{
		{`null`, `null`},
		{`33.33`, `33.33`},
		{`"33.33"`, `33.33`},
		{`100`, `100`},
		{`0.10`, `0.1`},
		{`1e1`, `10`},
		{`-5`, `-5`}, // decoded; Validate refuses it
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var p entity.Percentage
			if err := json.Unmarshal([]byte(tt.in), &p); err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.out {
				t.Fatalf("round trip of %s = %s, want %s", tt.in, got, tt.out)
			}
		})
	}
}

func TestPercentageJSONRefuses(t *testing.T) {
	for _, in := range []string{`true`, `"abc"`, `[]`, `{}`, `"1e999999999"`} {
		var p entity.Percentage
		err := json.Unmarshal([]byte(in), &p)
		var verr *validation.Error
		if !errors.As(err, &verr) {
			t.Errorf("Unmarshal(%s) = %v, want a *validation.Error", in, err)
		}
	}
}

func FuzzPercentage(f *testing.F) {
	for _, s := range []string{"0", "100", "33.33", "-1", "1e2", "0.001", "abc", "1e-40", "99.99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := entity.ParsePercentage(s)
		if err != nil {
			return
		}
		if p.Validate() != nil {
			return
		}
		d, _ := p.Decimal()
		if d.LessThan(decimal.Zero) || d.GreaterThan(decimal.NewFromInt(100)) || !d.Round(2).Equal(d) {
			t.Fatalf("Validate accepted %q = %s", s, d)
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var q entity.Percentage
		if err := json.Unmarshal(b, &q); err != nil {
			t.Fatalf("Unmarshal(%s): %v", b, err)
		}
		if !q.Equal(p) || q.Validate() != nil {
			t.Fatalf("round trip of %q gave %v", s, q)
		}
	})
}

// TestDeclaredTotalIsNotABand: an individual's declared total is a number
// or null; bands belong to relations.
func TestDeclaredTotalIsNotABand(t *testing.T) {
	p := entity.Individual{ID: "i1", FirstName: "Pat", OwnershipPercentage: entity.MustPercentage("(25, 50]")}
	var verr *validation.Error
	if err := p.Validate(); !errors.As(err, &verr) || !verr.Has("ownership_percentage", validation.CodeInvalidType) {
		t.Fatalf("Validate = %v", err)
	}
}
