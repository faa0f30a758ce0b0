package dossier

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/storage"
)

// DefaultMaxAttempts is how many times a Workspace runs one change when the
// store keeps reporting a version conflict (see WithMaxAttempts).
const DefaultMaxAttempts = 10

// Workspace is the entry point of dossier: it holds a store and the
// workspace settings, and every operation on a case goes through it. Each
// change loads the case's record, applies the domain rules to a private copy
// and saves it in one atomic, versioned write; when another writer saved the
// case in between, the change is re-applied on the fresh record, up to the
// configured number of attempts. A refused change saves nothing.
//
// A Workspace is safe for concurrent use by many goroutines; its settings
// never change after New.
type Workspace struct {
	store       storage.Store
	settings    Settings
	props       *customprop.Set // compiled settings.CustomProperties
	clock       func() time.Time
	ids         func() string
	maxAttempts int
}

// Option configures a Workspace.
type Option func(*Workspace)

// WithClock sets the clock the Workspace reads for created_at, updated_at
// and review dates (default time.Now). Times are stored in UTC.
func WithClock(now func() time.Time) Option { return func(w *Workspace) { w.clock = now } }

// WithIDGenerator sets the function that makes ids of cases, reviews,
// entities, relations, checks and risks (default: random UUID v4 strings).
// It must return unique ids and be safe for concurrent use; tests and
// examples use it for reproducible output.
func WithIDGenerator(newID func() string) Option { return func(w *Workspace) { w.ids = newID } }

// WithMaxAttempts sets how many times one change is tried when the store
// reports a version conflict (default DefaultMaxAttempts; values below 1
// mean 1). Between attempts the Workspace waits a short, jittered, growing
// delay. When every attempt conflicts, the change fails with an error that
// matches ErrConflict and nothing is saved.
func WithMaxAttempts(n int) Option {
	return func(w *Workspace) { w.maxAttempts = max(n, 1) }
}

// New returns a Workspace over store with the given settings. It fails with
// a *validation.Error (matching ErrInvalid) when the settings are invalid.
func New(store storage.Store, settings Settings, opts ...Option) (*Workspace, error) {
	if store == nil {
		return nil, errors.New("dossier: New: nil store")
	}
	s, props, err := settings.compile()
	if err != nil {
		return nil, fmt.Errorf("dossier: settings: %w", err)
	}
	w := &Workspace{
		store:       store,
		settings:    s,
		props:       props,
		clock:       time.Now,
		ids:         uuid.NewString,
		maxAttempts: DefaultMaxAttempts,
	}
	for _, o := range opts {
		o(w)
	}
	return w, nil
}

// Settings returns a copy of the workspace settings.
func (w *Workspace) Settings() Settings { return w.settings.clone() }

func (w *Workspace) now() time.Time { return w.clock().UTC() }

func (w *Workspace) newID() string { return w.ids() }

// errNoChange, returned by a mutate function, means the operation changes
// nothing: mutate saves nothing and returns the loaded record.
var errNoChange = errors.New("no change")

// load returns the record of caseID.
func (w *Workspace) load(ctx context.Context, caseID string) (*storage.Record, error) {
	rec, err := w.store.Get(ctx, caseID)
	if err != nil {
		return nil, fmt.Errorf("dossier: case %s: %w", caseID, err)
	}
	return rec, nil
}

// mutate loads the record of caseID, lets fn change a private copy of it,
// derives the computed fields (flags, current risk...) and saves the record
// with the loaded version. On a version conflict it waits briefly, reloads
// and runs fn again, so fn must depend only on the record and its own
// inputs. If fn returns an error nothing is saved; errNoChange returns the
// loaded record unsaved, and so does a change that leaves the record as it
// was. A saved change carries the events that describe it (changeEvents),
// after any events fn appended itself.
func (w *Workspace) mutate(ctx context.Context, caseID string, fn func(rec *storage.Record, now time.Time) error) (*storage.Record, error) {
	for attempt := 1; ; attempt++ {
		rec, err := w.load(ctx, caseID)
		if err != nil {
			return nil, err
		}
		before := rec.Clone()
		now := w.now()
		if err := fn(rec, now); err != nil {
			if errors.Is(err, errNoChange) {
				return before, nil
			}
			return nil, err
		}
		rec.Version = before.Version
		w.derive(rec, now)
		if sameRecord(before, rec) {
			return before, nil // nothing changed: nothing to save or record
		}
		rec.Case.UpdatedAt = now
		rec.Events = append(rec.Events, w.changeEvents(ctx, before, rec, now)...)
		saved, err := w.store.Update(ctx, rec)
		if err == nil {
			return saved, nil
		}
		if !errors.Is(err, storage.ErrConflict) || attempt >= w.maxAttempts {
			return nil, fmt.Errorf("dossier: save case %s (attempt %d of %d): %w", caseID, attempt, w.maxAttempts, err)
		}
		if err := backoff(ctx, attempt); err != nil {
			return nil, err
		}
	}
}

// backoff sleeps a jittered delay that grows with attempt (about 0.5 ms,
// 1 ms, 2 ms, ... capped at 50 ms), or until ctx is done.
func backoff(ctx context.Context, attempt int) error {
	d := min(time.Duration(1<<min(attempt-1, 7))*500*time.Microsecond, 50*time.Millisecond)
	d = d/2 + rand.N(d/2+1)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// derive recomputes every field of rec that follows from the rest of it.
func (w *Workspace) derive(rec *storage.Record, now time.Time) {
	w.deriveChecks(rec, now)
	w.deriveRisk(rec, now)
}
