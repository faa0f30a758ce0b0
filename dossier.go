package dossier

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"github.com/dossierkit/dossier/casefile"
	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
)

// DefaultRetryTimeout is how long a Workspace keeps re-applying one change
// while the store reports that another writer saved the case in between
// (see WithRetryTimeout).
const DefaultRetryTimeout = 5 * time.Second

// Workspace is the entry point of dossier: it holds a store and the
// workspace settings, and every operation on a case goes through it. Each
// change loads the case's record, applies the domain rules to a private copy
// (package casefile), and saves it with the events of the change in one
// atomic, versioned write; when another writer saved the case in between,
// the change is re-applied on the fresh record, for up to the retry timeout.
// A refused change saves nothing.
//
// A Workspace is safe for concurrent use by many goroutines; its settings
// never change after New.
type Workspace struct {
	store        storage.Store
	settings     Settings
	props        *customprop.Set // compiled settings.CustomProperties
	views        views
	rules        *casefile.Rules
	clock        func() time.Time
	ids          func() string
	retryTimeout time.Duration
	maxAttempts  int
	actor        event.Actor
	optErr       error
}

// Option configures a Workspace.
type Option func(*Workspace)

// WithClock sets the clock the Workspace reads for created_at, updated_at
// and review dates (default time.Now). Times are stored in UTC.
func WithClock(now func() time.Time) Option { return func(w *Workspace) { w.clock = now } }

// WithIDGenerator sets the function that makes ids of cases, reviews,
// entities, relations, checks, risks and events (default: random UUID v4
// strings). It must return unique ids and be safe for concurrent use; tests
// and examples use it for reproducible output.
func WithIDGenerator(newID func() string) Option { return func(w *Workspace) { w.ids = newID } }

// WithRetryTimeout sets how long one change is re-applied while the store
// reports a version conflict, that is while other writers keep saving the
// same case (default DefaultRetryTimeout; 0 or less means a single
// attempt). Between attempts the Workspace waits a jittered delay that
// grows from about a millisecond to 100 ms. When the time is up, the change
// fails with an error that matches ErrConflict and nothing is saved. A
// change carrying an expected version (IfMatch) is never retried.
func WithRetryTimeout(d time.Duration) Option {
	return func(w *Workspace) { w.retryTimeout = max(d, 0) }
}

// WithMaxAttempts also caps the number of attempts of one change (values
// below 1 mean no cap, the default): retries end at the retry timeout or
// after n attempts, whichever comes first.
func WithMaxAttempts(n int) Option {
	return func(w *Workspace) { w.maxAttempts = max(n, 0) }
}

// WithDefaultActor sets the actor named by the events of changes made with
// a context that carries none (see WithActor). The default is
// DefaultActor. New fails with a *validation.Error when actor is not valid
// (see ValidateActor).
func WithDefaultActor(actor event.Actor) Option {
	return func(w *Workspace) {
		if err := ValidateActor(actor); err != nil {
			w.optErr = errors.Join(w.optErr, err)
		}
		w.actor = actor
	}
}

// New returns a Workspace over store with the given settings. It fails with
// a *validation.Error (matching ErrInvalid) when the settings or an option
// are invalid.
func New(store storage.Store, settings Settings, opts ...Option) (*Workspace, error) {
	if store == nil {
		return nil, errors.New("dossier: New: nil store")
	}
	s, props, err := settings.compile()
	if err != nil {
		return nil, fmt.Errorf("dossier: settings: %w", err)
	}
	w := &Workspace{
		store:        store,
		settings:     s,
		props:        props,
		clock:        time.Now,
		ids:          uuid.NewString,
		retryTimeout: DefaultRetryTimeout,
		actor:        DefaultActor,
	}
	for _, o := range opts {
		o(w)
	}
	if w.optErr != nil {
		return nil, fmt.Errorf("dossier: options: %w", w.optErr)
	}
	w.views = views{props: props, ownership: s.Ownership, tags: s.Tags}
	w.rules = &casefile.Rules{Views: w.views, ReviewPeriods: s.ReviewPeriods, Properties: props}
	return w, nil
}

// Settings returns a copy of the workspace settings.
func (w *Workspace) Settings() Settings { return w.settings.clone() }

func (w *Workspace) now() time.Time { return w.clock().UTC() }

func (w *Workspace) newID() string { return w.ids() }

// errNoChange, returned by a change function, means the operation changes
// nothing: change saves nothing and returns the loaded record.
var errNoChange = errors.New("no change")

// load returns the record of caseID; a case deleted without the
// permanent choice is ErrNotFound.
func (w *Workspace) load(ctx context.Context, caseID string) (*storage.Record, error) {
	rec, err := w.store.Get(ctx, caseID)
	if err == nil && rec.Case.DeletedAt != nil {
		err = storage.ErrNotFound // deleted, restorable (see Delete)
	}
	if err != nil {
		return nil, fmt.Errorf("dossier: case %s: %w", caseID, err)
	}
	return rec, nil
}

// change loads the record of caseID, lets fn apply one operation through a
// casefile.Change, and saves the record with the events of the change, in
// one atomic step, at the loaded version. On a version conflict it reloads
// and runs fn again (see retry), so fn must depend only on the record and
// its own inputs. If fn fails nothing is saved; errNoChange, or a change
// that leaves the record as it was, returns the loaded record unsaved.
//
// A context carrying an expected version (IfMatch) fails with a
// *StaleVersionError when the stored version is another, and is not
// retried.
func (w *Workspace) change(ctx context.Context, caseID string, fn func(c *casefile.Change) error) (*storage.Record, error) {
	actor := w.actorOf(ctx)
	expected, conditional, err := ifMatchOf(ctx)
	if err != nil {
		return nil, err
	}
	var out *storage.Record
	err = w.retry(ctx, caseID, conditional, func() error {
		rec, err := w.load(ctx, caseID)
		if err != nil {
			return err
		}
		if conditional && rec.Version != expected {
			return &StaleVersionError{Expected: expected, Current: rec.Version}
		}
		ch := casefile.Begin(rec, w.rules, w.now(), actor, w.newID)
		if err := fn(ch); err != nil {
			if errors.Is(err, errNoChange) {
				ch.Revert()
				out = rec
				return nil
			}
			return err
		}
		events, changed := ch.Finish()
		if !changed {
			out = rec
			return nil
		}
		saved, err := w.store.Update(ctx, rec, events...)
		if err != nil {
			if conditional && errors.Is(err, storage.ErrConflict) {
				return &StaleVersionError{Expected: expected, err: err}
			}
			return err
		}
		out = saved
		return nil
	})
	return out, err
}

// retry runs attempt until it succeeds or fails with anything but a
// version conflict, for up to the retry timeout (and the attempt cap, when
// set), waiting a jittered, growing delay between attempts. One loop serves
// every write of the Workspace. A conditional write (IfMatch) is tried
// once: a conflict means the client's version is stale.
func (w *Workspace) retry(ctx context.Context, caseID string, once bool, attempt func() error) error {
	start := time.Now()
	delay := time.Millisecond
	for n := 1; ; n++ {
		err := attempt()
		if err == nil {
			return nil
		}
		var stale *StaleVersionError
		if errors.As(err, &stale) {
			return fmt.Errorf("dossier: case %s: %w", caseID, err)
		}
		if !errors.Is(err, storage.ErrConflict) || once {
			return err
		}
		left := w.retryTimeout - time.Since(start)
		if left <= 0 || (w.maxAttempts > 0 && n >= w.maxAttempts) {
			return fmt.Errorf("dossier: save case %s: gave up after %d attempts in %v: %w", caseID, n, time.Since(start).Round(time.Millisecond), err)
		}
		d := min(delay/2+rand.N(delay/2+1), left)
		delay = min(2*delay, 100*time.Millisecond)
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}
