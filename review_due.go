package dossier

import (
	"context"
	"fmt"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
)

// DueForReview returns the cases due for their periodic review at time at:
// approved cases whose next_review_at is on or before at's date (in UTC).
// It reads every approved case, page by page; a host running it on a
// schedule over a very large workspace should prefer an adapter with a
// secondary index (the contract leaves that to adapters).
func (w *Workspace) DueForReview(ctx context.Context, at time.Time) ([]cases.Case, error) {
	day := cases.DateOf(at.UTC())
	var out []cases.Case
	f := storage.Filter{Statuses: []string{string(cases.StatusApproved)}, Limit: storage.MaxPageSize}
	for rec, err := range storage.All(ctx, w.store, f) {
		if err != nil {
			return nil, fmt.Errorf("dossier: due reviews: %w", err)
		}
		if cases.Due(rec.Case.Status, rec.Case.Review, day) {
			out = append(out, rec.Case)
		}
	}
	return out, nil
}

// RecordReviewsDue records a Case.ReviewDue event for every case due for its
// periodic review at time at (see DueForReview), once per due date: running
// it again for the same date records nothing more, while a case approved
// again with a new next review date is announced again when that date is
// due. It returns the cases for which it recorded an event.
func (w *Workspace) RecordReviewsDue(ctx context.Context, at time.Time) ([]cases.Case, error) {
	due, err := w.DueForReview(ctx, at)
	if err != nil {
		return nil, err
	}
	day := cases.DateOf(at.UTC())
	var out []cases.Case
	for _, c := range due {
		recorded := false
		rec, err := w.mutate(ctx, c.ID, func(rec *storage.Record, now time.Time) error {
			recorded = false
			if !cases.Due(rec.Case.Status, rec.Case.Review, day) {
				return errNoChange // reviewed or reopened meanwhile
			}
			next := *rec.Case.Review.NextReviewAt
			if d := rec.Schedule.DueRecorded; d != nil && *d == next {
				return errNoChange
			}
			rec.Schedule.DueRecorded = &next
			rec.Events = append(rec.Events, w.newEvent(ctx, rec.Case.ID, event.CaseReviewDue, "", rec.Case.ID, w.viewCase(rec.Case), now))
			recorded = true
			return nil
		})
		if err != nil {
			return out, err
		}
		if recorded {
			out = append(out, rec.Case)
		}
	}
	return out, nil
}
