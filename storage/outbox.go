package storage

import (
	"context"

	"github.com/dossierkit/dossier/event"
)

// Outbox is the event-draining part of the store contract; every Store
// implements it. The events given to Create, Update and Delete are appended
// to the audit log atomically with the change they describe; the store also
// keeps every such event pending until it is acknowledged, across all cases,
// including cases deleted since.
//
// Sequence numbers: when a store saves a change it gives each of its events
// the next number of one store-wide sequence, so Seq orders events across
// cases. Numbers are unique and may have gaps. PendingEvents returns events
// in commit order: an event whose change committed after another's has a
// higher Seq than it, or is never returned before it, so a drainer that
// resumes after the last Seq it saw never skips an event (an adapter whose
// sequence is assigned before commit must close that gap itself, and say
// how in its package doc).
type Outbox interface {
	// PendingEvents returns up to limit unacknowledged events whose Seq is
	// greater than after, in ascending Seq order. limit 0 means
	// DefaultPageSize; negative is a *validation.Error (see Query.PageSize).
	PendingEvents(ctx context.Context, after uint64, limit int) ([]event.Event, error)
	// AckEvents acknowledges events by Seq: they are no longer pending.
	// Unknown and already acknowledged numbers are ignored.
	AckEvents(ctx context.Context, seqs ...uint64) error
}
