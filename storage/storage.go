// Package storage defines the contract between dossier and the place cases are
// kept: the [Record] aggregate and the [Store] interface, with the errors every
// adapter translates its own failures into.
//
// The unit of consistency is one case with everything in it. Every rule that
// spans objects (one main company, no orphans, flags from checks, current risk)
// is checked by the domain on a whole Record in memory, and the Record is saved
// in one atomic step, so an adapter never sees half an operation and needs no
// domain knowledge.
//
// Adapters in this module: storage/memory (in-process) and storage/file (a
// directory, crash-safe and multi-process safe). A third-party adapter proves
// it honours the contract by running the conformance suite in
// storage/storetest from its own tests:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storage.Store { return mysql.New(t) })
//	}
package storage

import (
	"context"
	"errors"
	"iter"

	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/validation"
)

// Errors every adapter returns (possibly wrapped) for these conditions, so
// callers can test them with errors.Is.
var (
	// ErrNotFound: no case with the given id, external id or entity id.
	ErrNotFound = errors.New("not found")
	// ErrConflict: an update or delete carried a stale expected version, or a
	// create reused an existing case id. The caller should reload and retry.
	ErrConflict = errors.New("version conflict")
	// ErrDuplicateExternalID: another case already has this external id.
	ErrDuplicateExternalID = errors.New("duplicate external id")
)

// Store keeps case records. Implementations must be safe for concurrent use,
// must copy records in and out (a caller mutating a Record it passed or got
// never changes what is stored), and must make each write atomic: after a
// failed call the stored state is exactly as before.
//
// Versions: Create stores the record with Version 1 and returns it; Update
// succeeds only when rec.Version equals the stored version, stores the record
// with Version+1 and returns the stored copy; otherwise it fails with
// ErrConflict and changes nothing.
type Store interface {
	// Create stores a new record. It fails with ErrConflict when the case id
	// exists and with ErrDuplicateExternalID when another case has the same
	// non-empty external id; the uniqueness check is atomic with the write.
	Create(ctx context.Context, rec *Record) (*Record, error)

	// Get returns the record of a case id, or ErrNotFound.
	Get(ctx context.Context, caseID string) (*Record, error)

	// GetByExternalID returns the record whose case has this external id, or
	// ErrNotFound. An empty external id never matches.
	GetByExternalID(ctx context.Context, externalID string) (*Record, error)

	// CaseOfEntity returns the id of the case that holds a company,
	// individual, relation or check with this id, or ErrNotFound.
	CaseOfEntity(ctx context.Context, entityID string) (string, error)

	// Update replaces a stored record when rec.Version is the stored version.
	// It fails with ErrNotFound, ErrConflict or ErrDuplicateExternalID (the
	// uniqueness check is atomic with the write) and then changes nothing.
	Update(ctx context.Context, rec *Record) (*Record, error)

	// Delete removes a case when version is the stored version; ErrNotFound
	// or ErrConflict otherwise. The events given (a Case.Deleted event, say)
	// are numbered and made pending in the same atomic step, like the new
	// events of an Update; the case's earlier pending events stay pending.
	Delete(ctx context.Context, caseID string, version int64, events ...event.Event) error

	// List returns up to filter.Limit records in ascending case id order,
	// starting after filter.After, and the cursor of the next page ("" when
	// there is none).
	List(ctx context.Context, filter Filter) (Page, error)

	// Outbox drains the events saved with the records, across all cases.
	Outbox
}

// DefaultPageSize is the page size List uses when Filter.Limit is 0.
const DefaultPageSize = 100

// MaxPageSize caps Filter.Limit; larger limits are reduced to it.
const MaxPageSize = 1000

// Filter selects the cases List returns. The zero value lists every case in
// pages of DefaultPageSize. Adapters apply Statuses themselves; the record
// order is always ascending case id, so a cursor stays valid while other
// cases are created or deleted.
type Filter struct {
	// After is the cursor returned by a previous page ("" for the first page).
	After string
	// Limit is the page size: 0 means DefaultPageSize, more than MaxPageSize
	// means MaxPageSize, negative is a *validation.Error.
	Limit int
	// Statuses keeps only cases in one of these statuses (all when empty).
	Statuses []string
}

// Page is one page of a List.
type Page struct {
	Records []*Record
	// Next is the cursor of the next page, "" after the last one.
	Next string
}

// All iterates over every record matching filter, page by page, stopping at
// the first error (yielded with a nil record).
func All(ctx context.Context, s Store, filter Filter) iter.Seq2[*Record, error] {
	return func(yield func(*Record, error) bool) {
		for {
			page, err := s.List(ctx, filter)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, r := range page.Records {
				if !yield(r, nil) {
					return
				}
			}
			if page.Next == "" {
				return
			}
			filter.After = page.Next
		}
	}
}

// Matches reports whether rec passes filter's Statuses; adapters use it so
// that every adapter filters the same way.
func (f Filter) Matches(rec *Record) bool {
	if len(f.Statuses) == 0 {
		return true
	}
	for _, s := range f.Statuses {
		if string(rec.Case.Status) == s {
			return true
		}
	}
	return false
}

// PageSize returns the effective page size of f, or a *validation.Error for
// a negative limit.
func (f Filter) PageSize() (int, error) {
	switch {
	case f.Limit < 0:
		return 0, validation.New("limit", validation.CodeOutOfRange, "limit must not be negative")
	case f.Limit == 0:
		return DefaultPageSize, nil
	case f.Limit > MaxPageSize:
		return MaxPageSize, nil
	}
	return f.Limit, nil
}
