package validation_test

import (
	"errors"
	"fmt"
	"testing"

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
