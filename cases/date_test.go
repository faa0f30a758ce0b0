package cases_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/validation"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"2023-01-31", true},
		{"2024-02-29", true},
		{"2023-02-29", false},
		{"2023-1-05", false},
		{"2023-13-01", false},
		{"2023-01-05T00:00:00Z", false},
		{"", false},
		{" 2023-01-05", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := cases.ParseDate(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("ParseDate(%q) = %v, %v", tt.in, d, err)
			}
			if tt.ok && d.String() != tt.in {
				t.Fatalf("String() = %q", d.String())
			}
			if !tt.ok && !errors.Is(err, validation.ErrInvalid) {
				t.Fatalf("error %v is not a validation error", err)
			}
		})
	}
}

func TestDateJSON(t *testing.T) {
	var d cases.Date
	if err := json.Unmarshal([]byte(`"2024-02-29"`), &d); err != nil || d != (cases.Date{Year: 2024, Month: 2, Day: 29}) {
		t.Fatalf("got %v, %v", d, err)
	}
	b, _ := json.Marshal(d)
	if string(b) != `"2024-02-29"` {
		t.Fatalf("marshal = %s", b)
	}
	for _, bad := range []string{`"2023-02-29"`, `20230101`, `null`} {
		var d cases.Date
		if err := json.Unmarshal([]byte(bad), &d); err == nil && bad != "null" {
			t.Errorf("accepted %s", bad)
		}
	}
}

func TestPeriodAfter(t *testing.T) {
	tests := []struct {
		from string
		p    cases.Period
		want string
	}{
		{"2026-01-15", cases.Period{Years: 1}, "2027-01-15"},
		{"2026-01-31", cases.Period{Months: 6}, "2026-07-31"},
		{"2024-02-29", cases.Period{Years: 1}, "2025-03-01"},
		{"2026-12-31", cases.Period{Days: 1}, "2027-01-01"},
	}
	for _, tt := range tests {
		d, _ := cases.ParseDate(tt.from)
		if got := tt.p.After(d).String(); got != tt.want {
			t.Errorf("%v after %s = %s, want %s", tt.p, tt.from, got, tt.want)
		}
	}
}

func TestNextReview(t *testing.T) {
	at := time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC)
	periods := map[risk.Level]cases.Period{risk.LevelLow: {Years: 1}, risk.LevelHigh: {Months: 3}}
	explicit := cases.Date{Year: 2026, Month: 9, Day: 1}
	tests := []struct {
		name         string
		level        risk.Level
		explicit     *cases.Date
		none         bool
		want         string // "" = nil
		wantComputed bool
	}{
		{"explicit wins", risk.LevelLow, &explicit, false, "2026-09-01", false},
		{"explicit null", risk.LevelLow, nil, true, "", false},
		{"computed low", risk.LevelLow, nil, false, "2027-03-10", true},
		{"computed high", risk.LevelHigh, nil, false, "2026-06-10", true},
		{"level without period", risk.LevelMedium, nil, false, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, sched := cases.NextReview(at, tt.level, periods, tt.explicit, tt.none)
			gotS := ""
			if got != nil {
				gotS = got.String()
			}
			if gotS != tt.want || sched.Computed != tt.wantComputed {
				t.Fatalf("got %q computed=%v, want %q computed=%v", gotS, sched.Computed, tt.want, tt.wantComputed)
			}
			if sched.Computed && sched.Level != tt.level {
				t.Fatalf("schedule level %q", sched.Level)
			}
		})
	}
}
