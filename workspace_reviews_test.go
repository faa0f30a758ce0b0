package dossier_test

import (
	"context"
	"testing"
	"time"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/validation"
)

// TestReviewHistory records three reviews by different actors and reads
// them back oldest first, with the reviewer of each; the current review
// stays the latest one.
func TestReviewHistory(t *testing.T) {
	w := newWorkspace(t, dossier.Settings{})
	c, err := w.CreateCase(context.Background(), dossier.CreateCaseInput{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		actor  string
		status cases.ReviewStatus
	}{{"alice", cases.ReviewApproved}, {"bob", cases.ReviewApproved}, {"carol", cases.ReviewClosed}}
	for _, s := range steps {
		if _, err := w.ReviewCase(actorCtx(t, event.ActorUser, s.actor), c.ID, dossier.ReviewInput{Status: s.status}); err != nil {
			t.Fatal(err)
		}
	}
	h, err := w.Reviews(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != len(steps) {
		t.Fatalf("%d reviews, want %d", len(h), len(steps))
	}
	for i, s := range steps {
		if h[i].ActorID != s.actor || h[i].ActorType != "user" || h[i].Review.Status != s.status {
			t.Fatalf("review %d = %+v, want %s %s", i, h[i], s.actor, s.status)
		}
		if i > 0 && h[i].Review.ReviewedAt.Before(h[i-1].Review.ReviewedAt) {
			t.Fatal("not oldest first")
		}
	}
	got, _ := w.GetCase(context.Background(), c.ID)
	if got.Review.ID != h[2].Review.ID {
		t.Fatalf("current review %s, want the latest %s", got.Review.ID, h[2].Review.ID)
	}
	n := 0
	for _, e := range allEvents(t, w, c.ID) {
		if e.SubEvent == event.ReviewUpdated {
			n++
		}
	}
	if n != 3 {
		t.Fatalf("%d Case.ReviewUpdated events, want 3", n)
	}
}

// TestReviewDateBounds: a review may be dated from the case's creation up
// to cases.MaxReviewClockSkew ahead of now.
func TestReviewDateBounds(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	w, err := dossier.New(newMemoryStore(), dossier.Settings{}, dossier.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		at   time.Time
		ok   bool
	}{
		{"now", now, true},
		{"at creation", now, true},
		{"within the skew", now.Add(cases.MaxReviewClockSkew), true},
		{"beyond the skew", now.Add(cases.MaxReviewClockSkew + time.Second), false},
		{"before creation", now.Add(-time.Second), false},
		{"long before creation", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme"})
			if err != nil {
				t.Fatal(err)
			}
			op := func() error {
				_, err := w.ReviewCase(ctx, c.ID, dossier.ReviewInput{Status: cases.ReviewApproved, ReviewedAt: tt.at})
				return err
			}
			if tt.ok {
				if err := op(); err != nil {
					t.Fatal(err)
				}
				return
			}
			wantProblem(t, unchanged(t, w, c.ID, op), "reviewed_at", validation.CodeOutOfRange)
			if h, _ := w.Reviews(ctx, c.ID); len(h) != 0 {
				t.Fatalf("a refused review is in the history: %+v", h)
			}
		})
	}
}
