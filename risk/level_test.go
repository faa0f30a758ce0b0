package risk_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/validation"
)

func TestParseLevel(t *testing.T) {
	tests := []struct {
		in      string
		want    risk.Level
		wantErr bool
	}{
		{"not_defined", risk.LevelNotDefined, false},
		{"low", risk.LevelLow, false},
		{"medium", risk.LevelMedium, false},
		{"high", risk.LevelHigh, false},
		{"critical", risk.LevelCritical, false},
		{"prohibited", risk.LevelProhibited, false},
		{"", "", true},
		{"LOW", "", true},
		{" low", "", true},
		{"low ", "", true},
		{"none", "", true},
		{"not defined", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := risk.ParseLevel(tt.in)
			if tt.wantErr {
				var verr *validation.Error
				if !errors.As(err, &verr) || !verr.Has("", validation.CodeInvalidValue) {
					t.Fatalf("ParseLevel(%q) error = %v, want *validation.Error invalid_value", tt.in, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseLevel(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			if !got.Valid() {
				t.Errorf("%q not Valid", got)
			}
		})
	}
}

func TestLevelOrder(t *testing.T) {
	// The order of the spec: not_defined first, then low < medium < high <
	// critical < prohibited.
	want := []risk.Level{"not_defined", "low", "medium", "high", "critical", "prohibited"}
	if got := risk.Levels(); !slices.Equal(got, want) {
		t.Fatalf("Levels() = %v, want %v", got, want)
	}
	for i, a := range want {
		for j, b := range want {
			wantCmp := 0
			if i < j {
				wantCmp = -1
			} else if i > j {
				wantCmp = 1
			}
			if got := a.Compare(b); got != wantCmp {
				t.Errorf("%s.Compare(%s) = %d, want %d", a, b, got, wantCmp)
			}
		}
	}
	shuffled := []risk.Level{risk.LevelProhibited, risk.LevelLow, risk.LevelCritical, risk.LevelNotDefined, risk.LevelHigh, risk.LevelMedium}
	slices.SortFunc(shuffled, risk.Level.Compare)
	if !slices.Equal(shuffled, want) {
		t.Errorf("sorted = %v, want %v", shuffled, want)
	}
	if got := risk.Level("bogus").Compare(risk.LevelNotDefined); got != -1 {
		t.Errorf("invalid.Compare(not_defined) = %d, want -1", got)
	}
	if got := risk.Level("bogus").Compare(risk.Level("other")); got != 0 {
		t.Errorf("invalid.Compare(invalid) = %d, want 0", got)
	}
	// Levels returns a copy.
	l := risk.Levels()
	l[0] = "x"
	if risk.Levels()[0] != risk.LevelNotDefined {
		t.Error("Levels() shares its backing array")
	}
}

func TestLevelDefined(t *testing.T) {
	tests := map[risk.Level]bool{
		risk.LevelNotDefined: false, risk.LevelLow: true, risk.LevelMedium: true,
		risk.LevelHigh: true, risk.LevelCritical: true, risk.LevelProhibited: true,
		"": false, "x": false,
	}
	for l, want := range tests {
		if got := l.Defined(); got != want {
			t.Errorf("Level(%q).Defined() = %v, want %v", l, got, want)
		}
	}
}

func TestLevelJSON(t *testing.T) {
	// As a value and as a map key.
	in := map[risk.Level]risk.Level{risk.LevelHigh: risk.LevelCritical}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(data), `{"high":"critical"}`; got != want {
		t.Fatalf("Marshal = %s, want %s", got, want)
	}
	var out map[risk.Level]risk.Level
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	if out[risk.LevelHigh] != risk.LevelCritical || len(out) != 1 {
		t.Errorf("round trip = %v", out)
	}

	if _, err := json.Marshal(risk.Level("severe")); !errors.Is(err, validation.ErrInvalid) {
		t.Errorf("Marshal(unknown level) error = %v, want validation error", err)
	}
	for _, bad := range []string{`"severe"`, `""`, `"High"`} {
		l := risk.LevelLow
		if err := json.Unmarshal([]byte(bad), &l); !errors.Is(err, validation.ErrInvalid) {
			t.Errorf("Unmarshal(%s) error = %v, want validation error", bad, err)
		}
		if l != risk.LevelLow {
			t.Errorf("Unmarshal(%s) changed the level to %q", bad, l)
		}
	}
}

func TestMode(t *testing.T) {
	for _, s := range []string{"automatic", "manual"} {
		m, err := risk.ParseMode(s)
		if err != nil || string(m) != s || !m.Valid() {
			t.Errorf("ParseMode(%q) = %q, %v", s, m, err)
		}
	}
	for _, s := range []string{"", "Manual", "auto"} {
		if _, err := risk.ParseMode(s); !errors.Is(err, validation.ErrInvalid) {
			t.Errorf("ParseMode(%q) error = %v, want validation error", s, err)
		}
	}
	var m risk.Mode
	if err := json.Unmarshal([]byte(`"manual"`), &m); err != nil || m != risk.ModeManual {
		t.Errorf("Unmarshal manual = %q, %v", m, err)
	}
	if _, err := json.Marshal(risk.Mode("x")); err == nil {
		t.Error("Marshal(invalid mode) succeeded")
	}
}
