package storage

import (
	"context"

	"github.com/dossierkit/dossier/event"
)

// Outbox is the event-draining part of the store contract; every Store
// implements it. Events are saved
// inside records (Record.Events), atomically with the change they describe;
// the store also keeps every saved event pending until it is acknowledged,
// across all cases, including cases deleted since.
//
// Sequence numbers: when a store saves a record (Create, Update, Delete) it
// gives every event with Seq 0 the next number of one store-wide sequence,
// so Seq orders events across cases in save order. Numbers are unique and
// increasing; they may have gaps.
type Outbox interface {
	// PendingEvents returns up to limit unacknowledged events whose Seq is
	// greater than after, in ascending Seq order. limit 0 means
	// DefaultPageSize; negative is a *validation.Error (see Filter.PageSize).
	PendingEvents(ctx context.Context, after uint64, limit int) ([]event.Event, error)
	// AckEvents acknowledges events by Seq: they are no longer pending.
	// Unknown and already acknowledged numbers are ignored.
	AckEvents(ctx context.Context, seqs ...uint64) error
}
