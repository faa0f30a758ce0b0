package entity_test

import (
	"errors"
	"testing"
	"time"

	"github.com/dossierkit/dossier/validation"
)

var now = time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)

// problem is an expected validation problem.
type problem struct {
	path string
	code validation.Code
}

// checkProblems fails unless err is a *validation.Error holding exactly the
// wanted problems (in any order); no wanted problems means err is nil.
func checkProblems(t *testing.T, err error, want ...problem) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	var verr *validation.Error
	if !errors.As(err, &verr) {
		t.Fatalf("error = %v, want a *validation.Error with %v", err, want)
	}
	if !errors.Is(err, validation.ErrInvalid) {
		t.Fatalf("error does not match validation.ErrInvalid")
	}
	if len(verr.Problems) != len(want) {
		t.Fatalf("problems = %v, want %v", verr.Problems, want)
	}
	for _, w := range want {
		if !verr.Has(w.path, w.code) {
			t.Fatalf("problems = %v, want %v", verr.Problems, want)
		}
	}
	for _, p := range verr.Problems {
		if p.Message == "" {
			t.Errorf("problem %s has no message", p.Path)
		}
	}
}

func ptr[T any](v T) *T { return &v }
