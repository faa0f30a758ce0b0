package validation_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dossierkit/dossier/validation"
)

func TestListErr(t *testing.T) {
	var l validation.List
	if l.Err() != nil {
		t.Fatal("empty list must give a nil error")
	}
	l.Add("name", validation.CodeRequired, "name is required")
	l.Addf("metadata.k", validation.CodeTooLong, "value has %d characters, at most %d allowed", 501, 500)
	err := l.Err()
	if !errors.Is(err, validation.ErrInvalid) {
		t.Fatalf("errors.Is(%v, ErrInvalid) = false", err)
	}
	wrapped := fmt.Errorf("update case: %w", err)
	var verr *validation.Error
	if !errors.As(wrapped, &verr) {
		t.Fatal("errors.As through wrapping failed")
	}
	if len(verr.Problems) != 2 || !verr.Has("name", validation.CodeRequired) || !verr.Has("metadata.k", "") {
		t.Fatalf("problems = %+v", verr.Problems)
	}
	// The returned error must not alias the list.
	l.Add("x", validation.CodeInvalidValue, "x")
	if len(verr.Problems) != 2 {
		t.Fatal("Err must copy the problems")
	}
}

func TestMerge(t *testing.T) {
	tests := []struct {
		name   string
		prefix string
		err    error
		want   []validation.Problem
	}{
		{"nil", "p", nil, nil},
		{"field", "custom_properties", validation.New("x", validation.CodeOutOfRange, "m"),
			[]validation.Problem{{Path: "custom_properties.x", Code: validation.CodeOutOfRange, Message: "m"}}},
		{"index", "relations", validation.New("[0].ownership_percentage", validation.CodeOutOfRange, "m"),
			[]validation.Problem{{Path: "relations[0].ownership_percentage", Code: validation.CodeOutOfRange, Message: "m"}}},
		{"plain error", "p", errors.New("boom"),
			[]validation.Problem{{Path: "p", Code: validation.CodeInvalidValue, Message: "boom"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l validation.List
			l.Merge(tt.prefix, tt.err)
			err := l.Err()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			var verr *validation.Error
			if !errors.As(err, &verr) {
				t.Fatalf("got %v", err)
			}
			if fmt.Sprint(verr.Problems) != fmt.Sprint(tt.want) {
				t.Fatalf("got %+v, want %+v", verr.Problems, tt.want)
			}
		})
	}
}

func TestJoinIndex(t *testing.T) {
	tests := []struct{ prefix, field, want string }{
		{"", "name", "name"},
		{"a", "", "a"},
		{"a", "b", "a.b"},
		{"a", "[2]", "a[2]"},
	}
	for _, tt := range tests {
		if got := validation.Join(tt.prefix, tt.field); got != tt.want {
			t.Errorf("Join(%q, %q) = %q, want %q", tt.prefix, tt.field, got, tt.want)
		}
	}
	if got := validation.Index("relations", 3); got != "relations[3]" {
		t.Errorf("Index = %q", got)
	}
}

func ExampleList() {
	var l validation.List
	l.Add("name", validation.CodeRequired, "name must not be empty")
	l.Add("custom_properties.yearly_turnover", validation.CodeOutOfRange, "must be at most 1000000")
	err := l.Err()

	var verr *validation.Error
	if errors.As(err, &verr) {
		for _, p := range verr.Problems {
			fmt.Println(p.Path, p.Code)
		}
	}
	fmt.Println(errors.Is(err, validation.ErrInvalid))
	// Output:
	// name required
	// custom_properties.yearly_turnover out_of_range
	// true
}

func TestSizeIsBounded(t *testing.T) {
	huge := strings.Repeat("é", 1<<20) // 2 MiB of text in every path and message
	tests := []struct {
		name      string
		build     func() error
		wantShown int
		wantMore  string
	}{
		{"under the cap", func() error {
			var l validation.List
			for range validation.MaxProblems {
				l.Add("x", validation.CodeRequired, "m")
			}
			return l.Err()
		}, validation.MaxProblems, ""},
		{"over the cap", func() error {
			var l validation.List
			for range 100_000 {
				l.Addf(huge, validation.CodeInvalidValue, "value %s", huge)
			}
			return l.Err()
		}, validation.MaxProblems, "and 99980 more problems"},
		{"merged lists add their counts", func() error {
			var inner, outer validation.List
			for range 30 {
				inner.Add(huge, validation.CodeTooLong, huge)
			}
			for range 15 {
				outer.Add("a", validation.CodeRequired, "m")
			}
			outer.Merge("custom_properties", inner.Err())
			return outer.Err()
		}, validation.MaxProblems, "and 25 more problems"},
		{"built by hand", func() error {
			e := &validation.Error{}
			for range 50 {
				e.Problems = append(e.Problems, validation.Problem{Path: huge, Code: validation.CodeRequired, Message: huge})
			}
			return e
		}, 50, "and 30 more problems"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.build()
			var verr *validation.Error
			if !errors.As(err, &verr) {
				t.Fatalf("got %v", err)
			}
			msg := err.Error()
			if len(msg) >= 64<<10 {
				t.Fatalf("Error() is %d bytes, want under 64 KiB", len(msg))
			}
			if !utf8.ValidString(msg) {
				t.Fatal("Error() cut a character in half")
			}
			if tt.name == "built by hand" {
				// Problems are the caller's own; only Error() is bounded.
				if !strings.HasSuffix(msg, tt.wantMore+" (more_problems)") || strings.Count(msg, "(required)") != validation.MaxProblems {
					t.Errorf("Error() shows %d problems, ends %q", strings.Count(msg, "(required)"), msg[max(0, len(msg)-60):])
				}
				return
			}
			shown := 0
			for _, p := range verr.Problems {
				if p.Code != validation.CodeMoreProblems {
					shown++
					if len(p.Path) > validation.MaxPathLen || len(p.Message) > validation.MaxMessageLen {
						t.Fatalf("problem of %d/%d bytes kept", len(p.Path), len(p.Message))
					}
				}
			}
			if shown != tt.wantShown {
				t.Errorf("%d problems kept, want %d", shown, tt.wantShown)
			}
			if tt.wantMore == "" {
				if strings.Contains(msg, "more problems") {
					t.Errorf("Error() = %q, want no 'more' entry", msg)
				}
				return
			}
			if !strings.HasSuffix(msg, tt.wantMore+" (more_problems)") {
				t.Errorf("Error() ends %q, want %q", msg[max(0, len(msg)-60):], tt.wantMore)
			}
		})
	}
}
