package cases

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/dossierkit/dossier/validation"
)

// Date is a calendar date without a time of day, as in next_review_at. Its
// JSON form is "yyyy-MM-dd". The zero Date is not a valid date.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses a real calendar date in yyyy-MM-dd form: "2024-02-29" is
// accepted, "2023-02-29", "2023-1-05" and "2023-01-05T00:00:00Z" are not
// (a *validation.Error with code invalid_format and an empty path).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || t.Format(time.DateOnly) != s {
		return Date{}, validation.New("", validation.CodeInvalidFormat, fmt.Sprintf("%q is not a calendar date in yyyy-MM-dd form", s))
	}
	return DateOf(t), nil
}

// DateOf returns the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// Time returns midnight UTC of d.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Time().Before(e.Time()) }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int { return d.Time().Compare(e.Time()) }

// String returns d as yyyy-MM-dd.
func (d Date) String() string { return d.Time().Format(time.DateOnly) }

// MarshalJSON encodes d as "yyyy-MM-dd".
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON decodes a "yyyy-MM-dd" string; errors are those of
// ParseDate, or invalid_type for a value that is not a string.
func (d *Date) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return validation.New("", validation.CodeInvalidType, "a date must be a string in yyyy-MM-dd form")
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Period is a calendar duration between periodic reviews, such as one year
// for low risk and six months for high risk. Months and years follow
// time.AddDate: a year after 2024-02-29 is 2025-03-01.
type Period struct {
	Years  int `json:"years,omitempty"`
	Months int `json:"months,omitempty"`
	Days   int `json:"days,omitempty"`
}

// IsZero reports whether p is the zero period (no periodic review).
func (p Period) IsZero() bool { return p == Period{} }

// After returns the date p after d.
func (p Period) After(d Date) Date {
	return DateOf(d.Time().AddDate(p.Years, p.Months, p.Days))
}
