package cases_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/dossierkit/dossier/cases"
)

// The full transition table of the package doc, written out by hand: every
// pair of statuses, for updates and for reviews.
func TestCheckUpdate(t *testing.T) {
	allowed := map[[2]cases.Status]bool{
		{cases.StatusDraft, cases.StatusDraft}:   true,
		{cases.StatusDraft, cases.StatusOpen}:    true,
		{cases.StatusOpen, cases.StatusOpen}:     true,
		{cases.StatusOpen, cases.StatusDraft}:    true,
		{cases.StatusApproved, cases.StatusOpen}: true,
		{cases.StatusRejected, cases.StatusOpen}: true,
		{cases.StatusClosed, cases.StatusOpen}:   true,
	}
	for _, from := range cases.Statuses {
		for _, to := range cases.Statuses {
			want := allowed[[2]cases.Status{from, to}]
			t.Run(fmt.Sprintf("%s_to_%s", from, to), func(t *testing.T) {
				err := cases.CheckUpdate(from, to)
				if want {
					if err != nil {
						t.Fatalf("refused: %v", err)
					}
					return
				}
				if !errors.Is(err, cases.ErrInvalidTransition) {
					t.Fatalf("got %v, want ErrInvalidTransition", err)
				}
				var te *cases.TransitionError
				if !errors.As(err, &te) || te.From != from || te.To != to || te.Via != "update" {
					t.Fatalf("TransitionError = %+v", te)
				}
			})
		}
	}
}

func TestCheckReview(t *testing.T) {
	reviews := []cases.ReviewStatus{cases.ReviewApproved, cases.ReviewRejected, cases.ReviewClosed}
	allowed := map[cases.Status][]cases.ReviewStatus{
		cases.StatusDraft:    {cases.ReviewClosed},
		cases.StatusOpen:     {cases.ReviewApproved, cases.ReviewRejected, cases.ReviewClosed},
		cases.StatusApproved: {cases.ReviewApproved, cases.ReviewClosed},
		cases.StatusRejected: {cases.ReviewClosed},
		cases.StatusClosed:   nil,
	}
	for _, from := range cases.Statuses {
		for _, to := range reviews {
			want := false
			for _, a := range allowed[from] {
				want = want || a == to
			}
			t.Run(fmt.Sprintf("%s_to_%s", from, to), func(t *testing.T) {
				err := cases.CheckReview(from, to)
				if want != (err == nil) {
					t.Fatalf("CheckReview(%s, %s) = %v, want allowed=%v", from, to, err, want)
				}
				if err != nil && !errors.Is(err, cases.ErrInvalidTransition) {
					t.Fatalf("error %v does not match ErrInvalidTransition", err)
				}
			})
		}
	}
	if err := cases.CheckReview(cases.StatusOpen, "bogus"); !errors.Is(err, cases.ErrInvalidTransition) {
		t.Fatalf("unknown review status: %v", err)
	}
}

func TestStatusPredicates(t *testing.T) {
	tests := []struct {
		s               cases.Status
		valid, settable bool
	}{
		{cases.StatusDraft, true, true},
		{cases.StatusOpen, true, true},
		{cases.StatusApproved, true, false},
		{cases.StatusRejected, true, false},
		{cases.StatusClosed, true, false},
		{"", false, false},
		{"OPEN", false, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.s), func(t *testing.T) {
			if tt.s.Valid() != tt.valid || tt.s.Settable() != tt.settable {
				t.Fatalf("Valid=%v Settable=%v", tt.s.Valid(), tt.s.Settable())
			}
		})
	}
}
