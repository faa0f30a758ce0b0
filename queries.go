package dossier

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/dossierkit/dossier/casefile"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/storage"
)

// ListOptions selects, orders and pages the cases ListCases and AllCases
// return: the store's query (see storage.Query for every filter, the sort
// fields, the cursor, Offset and Count). The zero value lists every case by
// ascending created_at, storage.DefaultPageSize at a time. Invalid options
// are a *validation.Error listing every problem. The tag filters (TagsAll,
// TagsNone, TagsAny) take tag ids or labels of the workspace's catalogue:
// the Workspace resolves them to the ids the store compares, and a tag not
// in the catalogue is a *validation.Error.
type ListOptions = storage.Query

// CasePage is one page of cases.
type CasePage struct {
	// Cases are the cases of the page, in the query's order.
	Cases []cases.Case `json:"cases"`
	// Next is the cursor of the next page (ListOptions.After), "" after the
	// last one.
	Next string `json:"next"`
	// Total is the number of matching cases when ListOptions.Count was
	// set, -1 otherwise.
	Total int `json:"total"`
	// Damaged lists the cases of the page's range whose stored data could
	// not be read: they are left out of Cases, and the page and its cursor
	// are still good. Each names the case id and wraps the adapter's error,
	// for logs; see QuarantineCase to set such a case aside.
	Damaged []*storage.DamagedError `json:"-"`
}

// ListCases returns one page of the cases matching opts, with the cursor
// of the next page, the total when opts.Count is set, and the damaged
// cases of the page's range reported beside the others (see CasePage).
func (w *Workspace) ListCases(ctx context.Context, opts ListOptions) (CasePage, error) {
	if err := opts.Validate(); err != nil {
		return CasePage{}, err
	}
	opts, err := w.resolveQuery(opts)
	if err != nil {
		return CasePage{}, err
	}
	page, err := w.store.Query(ctx, opts)
	if err != nil {
		return CasePage{}, fmt.Errorf("dossier: list cases: %w", err)
	}
	out := CasePage{Next: page.Next, Total: page.Total, Damaged: page.Damaged, Cases: make([]cases.Case, len(page.Cases))}
	for i := range page.Cases {
		out.Cases[i] = *w.views.Case(page.Cases[i])
	}
	return out, nil
}

// AllCases iterates over every case matching opts, page by page from
// opts.After (opts.Limit sets the page size used underneath; Offset is
// ignored). A damaged case is yielded as a *storage.DamagedError with a
// nil case, and the iteration goes on past it; any other error is yielded
// last.
func (w *Workspace) AllCases(ctx context.Context, opts ListOptions) iter.Seq2[*cases.Case, error] {
	return func(yield func(*cases.Case, error) bool) {
		opts.Offset = 0
		if err := opts.Validate(); err != nil {
			yield(nil, err)
			return
		}
		opts, err := w.resolveQuery(opts)
		if err != nil {
			yield(nil, err)
			return
		}
		for c, err := range storage.All(ctx, w.store, opts) {
			var damaged *storage.DamagedError
			switch {
			case errors.As(err, &damaged):
				if !yield(nil, damaged) {
					return
				}
			case err != nil:
				yield(nil, fmt.Errorf("dossier: list cases: %w", err))
				return
			default:
				if !yield(w.views.Case(*c), nil) {
					return
				}
			}
		}
	}
}

// dueQuery selects the cases due for their periodic review on day:
// approved, with a next review date on or before day, soonest first.
func dueQuery(day cases.Date) storage.Query {
	return storage.Query{
		Statuses:   []cases.Status{cases.StatusApproved},
		NextReview: storage.DateRange{To: day},
		Sort:       storage.SortNextReviewAt,
		Limit:      storage.MaxPageSize,
	}
}

// DueForReview iterates over the cases due for their periodic review at
// time at: approved cases whose next_review_at is on or before at's date
// (in UTC), soonest first. It streams them from a store query (an adapter
// with an index reads only the due cases). A damaged case is yielded as a
// *storage.DamagedError with a nil case and the iteration goes on; any
// other error ends it.
func (w *Workspace) DueForReview(ctx context.Context, at time.Time) iter.Seq2[*cases.Case, error] {
	day := cases.DateOf(at.UTC())
	return func(yield func(*cases.Case, error) bool) {
		for c, err := range w.AllCases(ctx, dueQuery(day)) {
			if err == nil && !cases.Due(c.Status, c.Review, day) {
				continue
			}
			if !yield(c, err) {
				return
			}
		}
	}
}

// RecordReviewsDue records a Case.ReviewDue event for every case due for
// its periodic review at time at (see DueForReview), once per due date:
// running it again for the same date records nothing more, while a case
// approved again with a new next review date is announced again when that
// date is due. It yields each case for which it recorded an event, as
// saved. A damaged case, or a case whose change fails, is yielded as an
// error with a nil case and the others are still recorded; an error of the
// query itself ends the iteration.
func (w *Workspace) RecordReviewsDue(ctx context.Context, at time.Time) iter.Seq2[*cases.Case, error] {
	day := cases.DateOf(at.UTC())
	return func(yield func(*cases.Case, error) bool) {
		for c, err := range w.DueForReview(ctx, at) {
			if err != nil {
				if !yield(nil, err) {
					return
				}
				continue
			}
			recorded := false
			rec, err := w.change(ctx, c.ID, func(ch *casefile.Change) error {
				recorded = ch.RecordReviewDue(day)
				if !recorded {
					return errNoChange // reviewed, reopened or announced meanwhile
				}
				return nil
			})
			switch {
			case errors.Is(err, storage.ErrNotFound):
				continue // deleted meanwhile
			case err != nil:
				if !yield(nil, err) {
					return
				}
			case recorded:
				if !yield(w.views.caseOf(rec), nil) {
					return
				}
			}
		}
	}
}

// ErrNotSupported is matched by the error of an operation the store does
// not offer (an optional capability such as storage.Quarantiner).
var ErrNotSupported = errors.New("dossier: not supported by the store")

// QuarantineCase sets aside a case whose stored data cannot be read (one
// reported as a *storage.DamagedError by ListCases, AllCases, DueForReview
// or RecordReviewsDue), without reading it and without knowing its
// version: the store removes it from every read, query and index, keeps
// its bytes where an operator can inspect them (the adapter's doc says
// where) and keeps its audit log. It works on any case id, damaged or not,
// so use it for damaged cases only: a readable case is removed with
// DeleteCase, which records its deletion. A store without the capability
// (storage.Quarantiner) gives an error matching ErrNotSupported; an
// unknown case id is ErrNotFound.
func (w *Workspace) QuarantineCase(ctx context.Context, caseID string) error {
	q, ok := w.store.(storage.Quarantiner)
	if !ok {
		return fmt.Errorf("dossier: quarantine case %s: %w", caseID, ErrNotSupported)
	}
	if err := q.Quarantine(ctx, caseID); err != nil {
		return fmt.Errorf("dossier: quarantine case %s: %w", caseID, err)
	}
	return nil
}
