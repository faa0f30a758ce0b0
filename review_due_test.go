package dossier_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/patch"
)

func TestReviewsDue(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	approve := func(name string, next cases.Date) string {
		c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.ReviewCase(ctx, c.ID, dossier.ReviewInput{Status: cases.ReviewApproved, NextReviewAt: patch.Value(next)}); err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	early := approve("early", cases.Date{Year: 2027, Month: 1, Day: 10})
	late := approve("late", cases.Date{Year: 2027, Month: 6, Day: 1})
	if _, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "open"}); err != nil { // never due
		t.Fatal(err)
	}

	names := func(cs []cases.Case) string {
		s := ""
		for _, c := range cs {
			s += c.Name + " "
		}
		return s
	}
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

	tests := []struct {
		at               time.Time
		due, newlyRecord string
	}{
		{at(2027, 1, 9), "", ""},
		{at(2027, 1, 10), "early ", "early "}, // due on the date itself
		{at(2027, 1, 11), "early ", ""},       // already announced for this date
		{at(2027, 6, 1), "early late ", "late "},
	}
	for _, tt := range tests {
		t.Run(tt.at.Format(time.DateOnly), func(t *testing.T) {
			if due := collect(t, w.DueForReview(ctx, tt.at)); names(due) != tt.due {
				t.Fatalf("DueForReview = %q; want %q", names(due), tt.due)
			}
			if rec := collect(t, w.RecordReviewsDue(ctx, tt.at)); names(rec) != tt.newlyRecord {
				t.Fatalf("RecordReviewsDue = %q; want %q", names(rec), tt.newlyRecord)
			}
		})
	}
	if got := eventNames(t, w, early, 0); fmt.Sprint(got) != "[Case.Created Case.StatusUpdated Case.ReviewUpdated Case.ReviewDue]" {
		t.Fatalf("early events %v", got)
	}
	// A confirmed periodic review sets a new date, which is announced again
	// when due.
	if _, err := w.ReviewCase(ctx, early, dossier.ReviewInput{Status: cases.ReviewApproved,
		NextReviewAt: patch.Value(cases.Date{Year: 2027, Month: 12, Day: 1})}); err != nil {
		t.Fatal(err)
	}
	if rec := collect(t, w.RecordReviewsDue(ctx, at(2028, 1, 1))); names(rec) != "early " {
		t.Fatalf("after re-approval: %q", names(rec))
	}
	if n := len(eventNames(t, w, late, 0)); n != 4 {
		t.Fatalf("late has %d events, want 4", n)
	}
}
