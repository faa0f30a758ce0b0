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
// Adapters in this module: storage/memory (in-process), storage/file (a
// directory, crash-safe and multi-process safe: the embedded default) and
// storage/postgres (one database shared by every instance of a host
// service, each Store bound to a workspace id). A third-party adapter proves
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
	"time"

	"github.com/dossierkit/dossier/cases"
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

// Store keeps case records and their audit log. Implementations must be
// safe for concurrent use, must copy records and events in and out (a caller
// mutating a value it passed or got never changes what is stored), and must
// make each write atomic: after a failed call the stored state, the audit log
// and the outbox are exactly as before.
//
// Versions: Create stores the record with Version 1 and returns it; Update
// succeeds only when rec.Version equals the stored version, stores the record
// with Version+1 and returns the stored copy; otherwise it fails with
// ErrConflict and changes nothing.
//
// The audit log: every write takes the events that describe it and appends
// them, numbered (see Outbox), to an append-only log in the same atomic step
// as the record, so a saved change always has its events and a refused one
// has none. The log is read per case with Events and drained across cases
// with the Outbox. It outlives the case: Delete keeps the case's events, and
// only PurgeEvents, an explicit call, removes the events of cases deleted
// before a given time. Nothing else ever rewrites the log.
type Store interface {
	// Create stores a new record with the events of its creation. It fails
	// with ErrConflict when the case id exists and with
	// ErrDuplicateExternalID when another case has the same non-empty
	// external id; the uniqueness check is atomic with the write.
	Create(ctx context.Context, rec *Record, events ...event.Event) (*Record, error)

	// Get returns the record of a case id, or ErrNotFound.
	Get(ctx context.Context, caseID string) (*Record, error)

	// GetByExternalID returns the record whose case has this external id, or
	// ErrNotFound. An empty external id never matches.
	GetByExternalID(ctx context.Context, externalID string) (*Record, error)

	// CaseOfEntity returns the id of the case that holds a company,
	// individual, relation or check with this id, or ErrNotFound.
	CaseOfEntity(ctx context.Context, entityID string) (string, error)

	// Update replaces a stored record when rec.Version is the stored version
	// and appends events to the audit log, in one atomic step. It fails with
	// ErrNotFound, ErrConflict or ErrDuplicateExternalID (the uniqueness
	// check is atomic with the write) and then changes nothing.
	Update(ctx context.Context, rec *Record, events ...event.Event) (*Record, error)

	// Delete removes a case when version is the stored version and appends
	// events (a Case.Deleted event, say) to the audit log in the same atomic
	// step; ErrNotFound or ErrConflict otherwise. The case's events stay in
	// the log, and pending ones stay pending; deletedAt is the time
	// PurgeEvents compares.
	Delete(ctx context.Context, caseID string, version int64, deletedAt time.Time, events ...event.Event) error

	// Query returns one page of the cases matching q, in q's order (see
	// Query). A case whose stored data cannot be read is left out of the
	// page and reported in Page.Damaged; the page and its cursor are still
	// returned.
	Query(ctx context.Context, q Query) (Page, error)

	// Events returns up to limit events of one case's audit log whose Seq
	// is greater than after, in ascending Seq order, whether the case still
	// exists or not (an empty slice when it has none). limit 0 means
	// DefaultPageSize, more than MaxPageSize means MaxPageSize; negative is
	// a *validation.Error.
	Events(ctx context.Context, caseID string, after uint64, limit int) ([]event.Event, error)

	// PurgeEvents removes from the audit log, and from the outbox, every
	// event of the cases deleted before the given time, and returns how many
	// events it removed. It is the only call that removes events; a host
	// runs it when its record-keeping period (five years or more for AML)
	// has passed.
	PurgeEvents(ctx context.Context, deletedBefore time.Time) (int, error)

	// Outbox drains the events saved with the records, across all cases.
	Outbox
}

// DefaultPageSize is the page size Query, Events and PendingEvents use when
// the limit is 0.
const DefaultPageSize = 100

// MaxPageSize caps page sizes; larger limits are reduced to it.
const MaxPageSize = 1000

// PageSize returns the effective page size of a limit (0 means
// DefaultPageSize, more than MaxPageSize means MaxPageSize), or a
// *validation.Error for a negative limit.
func PageSize(limit int) (int, error) {
	switch {
	case limit < 0:
		return 0, validation.New("limit", validation.CodeOutOfRange, "limit must not be negative")
	case limit == 0:
		return DefaultPageSize, nil
	case limit > MaxPageSize:
		return MaxPageSize, nil
	}
	return limit, nil
}

// All iterates over every case matching q, page by page, from q's cursor
// on, stopping at the first error (yielded with a nil case). Damaged cases
// are yielded as errors (a *DamagedError) and the iteration goes on past
// them.
func All(ctx context.Context, s Store, q Query) iter.Seq2[*cases.Case, error] {
	return func(yield func(*cases.Case, error) bool) {
		q.Offset = 0
		for {
			page, err := s.Query(ctx, q)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, d := range page.Damaged {
				if !yield(nil, d) {
					return
				}
			}
			for i := range page.Cases {
				if !yield(&page.Cases[i], nil) {
					return
				}
			}
			if page.Next == "" {
				return
			}
			q.After = page.Next
		}
	}
}

// Quarantiner is implemented by stores that can set aside a case whose
// stored data cannot be read (one reported as a *DamagedError), without
// knowing its version. Quarantine removes the case from every read, query
// and index, keeps its stored bytes somewhere an operator can inspect
// them (the adapter's doc says where), and keeps the case's audit log.
// It returns ErrNotFound for an unknown case id.
type Quarantiner interface {
	Quarantine(ctx context.Context, caseID string) error
}
