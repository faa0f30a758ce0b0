package dossier

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
)

// Events iterates over the audit log of a case, oldest first: every event
// recorded with its changes, each naming its actor and, for updates, the
// changed fields with their previous and next values, as a host shows them
// in an activity log. The log is read from the store a page at a time, so
// a long history costs memory of one page. It works for deleted cases
// (their log is kept until PurgeEvents) and yields nothing for an id that
// never had events. It stops at the first error, which it yields with a
// zero event after the events read before it (a store that cannot read
// part of a log, a *storage.DamagedError, returns what comes before).
func (w *Workspace) Events(ctx context.Context, caseID string) iter.Seq2[event.Event, error] {
	return func(yield func(event.Event, error) bool) {
		var after uint64
		for {
			page, err := w.EventPage(ctx, caseID, after, storage.MaxPageSize)
			for _, e := range page {
				if !yield(e, nil) {
					return
				}
			}
			if err != nil {
				yield(event.Event{}, err)
				return
			}
			if len(page) == 0 { // a short page is not the end: stores return "up to" a limit
				return
			}
			after = page[len(page)-1].Seq
		}
	}
}

// EventPage returns up to limit events of a case's audit log whose
// sequence number is above after, oldest first (limit 0 means
// storage.DefaultPageSize, more than storage.MaxPageSize means
// storage.MaxPageSize, negative is a *validation.Error). Pass the Seq of
// the last event of a page as after to read the next one: the paging of an
// activity-log API. With an error, the events the store could read before
// it are returned too.
func (w *Workspace) EventPage(ctx context.Context, caseID string, after uint64, limit int) ([]event.Event, error) {
	evs, err := w.store.Events(ctx, caseID, after, limit)
	if err != nil {
		return evs, fmt.Errorf("dossier: events of case %s: %w", caseID, err)
	}
	return evs, nil
}

// PurgeEvents removes from the audit log the events of every case deleted
// before deletedBefore, and returns how many it removed. It is the only
// way events leave the log: the log of a case outlives the case, so that
// its history can be shown for the record-keeping period the host must
// honour (five years or more after the end of a business relationship,
// for AML). A host runs it on a schedule with deletedBefore set to now
// minus that period. Events of cases that still exist are never removed.
func (w *Workspace) PurgeEvents(ctx context.Context, deletedBefore time.Time) (int, error) {
	n, err := w.store.PurgeEvents(ctx, deletedBefore)
	if err != nil {
		return n, fmt.Errorf("dossier: purge events: %w", err)
	}
	return n, nil
}

// PendingEvents returns up to limit unacknowledged events across all cases
// with a sequence number above after, in the order they were saved (0 means
// storage.DefaultPageSize; negative is a *validation.Error). Pass the
// Seq of the last event of a page as after to read the next one.
func (w *Workspace) PendingEvents(ctx context.Context, after uint64, limit int) ([]event.Event, error) {
	return w.store.PendingEvents(ctx, after, limit)
}

// AckEvents marks events as delivered, by sequence number.
func (w *Workspace) AckEvents(ctx context.Context, seqs ...uint64) error {
	return w.store.AckEvents(ctx, seqs...)
}

// Drain delivers every pending event to deliver, in order, and
// acknowledges the events deliver accepts (returns nil for), a page at a
// time. It stops at the first error of deliver, which it returns after
// acknowledging the events delivered before it: that event and the ones
// after it stay pending and are delivered again by the next Drain.
// Delivery is therefore at-least-once (a crash between delivering and
// acknowledging redelivers a page); a receiver de-duplicates by event id.
// Drain returns how many events were delivered and acknowledged.
//
// Events the store cannot read (a damaged audit log, reported as
// *storage.DamagedError) do not stop the drain: the readable events are
// delivered, and Drain returns, beside the count, an error joining the
// damage reports (errors.As finds each). The unreadable events stay
// pending, and are reported again by the next Drain, until an operator
// acknowledges them (AckEvents) to give them up.
func (w *Workspace) Drain(ctx context.Context, deliver func(context.Context, event.Event) error) (int, error) {
	n := 0
	var after uint64
	var damaged []error
	// withDamage returns err (nil or not) with the damage reports met so
	// far, err itself when there are none, so that a delivery error keeps
	// its own chain.
	withDamage := func(err error) error {
		if len(damaged) == 0 {
			return err
		}
		return errors.Join(append(damaged, err)...)
	}
	for {
		page, err := w.store.PendingEvents(ctx, after, 0)
		if err != nil {
			var d *storage.DamagedError
			if len(page) == 0 || !errors.As(err, &d) {
				return n, withDamage(err)
			}
			damaged = append(damaged, err)
		}
		if len(page) == 0 {
			return n, withDamage(nil)
		}
		delivered := make([]uint64, 0, len(page))
		var failed error
		for _, ev := range page {
			if err := deliver(ctx, ev); err != nil {
				failed = fmt.Errorf("dossier: deliver event %s (seq %d): %w", ev.ID, ev.Seq, err)
				break
			}
			delivered = append(delivered, ev.Seq)
		}
		if len(delivered) > 0 {
			if err := w.store.AckEvents(ctx, delivered...); err != nil {
				return n, withDamage(err)
			}
			n += len(delivered)
			after = delivered[len(delivered)-1]
		}
		if failed != nil {
			return n, withDamage(failed)
		}
	}
}
