package dossier

import (
	"context"
	"errors"
	"fmt"

	"github.com/dossierkit/dossier/casefile"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
)

// DeleteOptions tunes Delete.
type DeleteOptions struct {
	// Permanent removes the case and everything in it for good (as
	// DeleteCase does). Without it the case is only marked deleted: every
	// read and query then treats it as gone (ErrNotFound), but it stays
	// stored, with its external id still taken, and RestoreCase brings it
	// back within Settings.DeleteUndoPeriod (30 days by default). After
	// that period it can no longer be restored, only deleted permanently.
	Permanent bool
}

// Delete deletes the case whose id, or else whose external id, is
// idOrExternalID, with a Case.Deleted event (the case as it was), either
// permanently or restorably (see DeleteOptions). A case already deleted
// restorably can still be deleted permanently; deleting it restorably
// again is ErrNotFound. With IfMatch, the delete is conditional like any
// change.
func (w *Workspace) Delete(ctx context.Context, idOrExternalID string, opts DeleteOptions) error {
	rec, err := w.store.Get(ctx, idOrExternalID)
	if errors.Is(err, storage.ErrNotFound) && idOrExternalID != "" {
		rec, err = w.store.GetByExternalID(ctx, idOrExternalID)
	}
	if err != nil {
		return fmt.Errorf("dossier: delete case %q: %w", idOrExternalID, err)
	}
	caseID := rec.Case.ID
	if opts.Permanent {
		return w.deleteCase(ctx, caseID, true)
	}
	return w.markDeleted(ctx, caseID, true)
}

// RestoreCase brings back a case deleted without the permanent choice,
// within Settings.DeleteUndoPeriod of its deletion, with a Case.Restored
// event. A case that is not deleted, or whose period is over, is
// ErrNotFound.
func (w *Workspace) RestoreCase(ctx context.Context, caseID string) (*cases.Case, error) {
	var out *storage.Record
	err := w.markDeletedWith(ctx, caseID, false, func(saved *storage.Record) { out = saved })
	if err != nil {
		return nil, err
	}
	return w.views.caseOf(out), nil
}

func (w *Workspace) undoPeriod() (d int64) {
	return int64(orDefault(int(w.settings.DeleteUndoPeriod), int(DefaultDeleteUndoPeriod)))
}

func (w *Workspace) markDeleted(ctx context.Context, caseID string, deleted bool) error {
	return w.markDeletedWith(ctx, caseID, deleted, func(*storage.Record) {})
}

// markDeletedWith sets (deleted) or clears the case's deletion mark, with
// its event, retrying on conflicts like any change.
func (w *Workspace) markDeletedWith(ctx context.Context, caseID string, deleted bool, done func(*storage.Record)) error {
	actor := w.actorOf(ctx)
	expected, conditional, err := ifMatchOf(ctx)
	if err != nil {
		return err
	}
	return w.retry(ctx, caseID, conditional, func() error {
		rec, err := w.store.Get(ctx, caseID)
		if err != nil {
			return fmt.Errorf("dossier: case %s: %w", caseID, err)
		}
		if conditional && rec.Version != expected {
			return &StaleVersionError{Expected: expected, Current: rec.Version}
		}
		now := w.now()
		var ev event.Event
		if deleted {
			if rec.Case.DeletedAt != nil {
				return fmt.Errorf("dossier: case %s: %w", caseID, ErrNotFound)
			}
			ev = casefile.DeletedEvent(rec, w.rules, now, actor, w.newID)
			rec.Case.DeletedAt = &now
		} else {
			if rec.Case.DeletedAt == nil || now.Sub(*rec.Case.DeletedAt).Nanoseconds() > w.undoPeriod() {
				return fmt.Errorf("dossier: case %s: %w", caseID, ErrNotFound)
			}
			rec.Case.DeletedAt = nil
			ev = casefile.DeletedEvent(rec, w.rules, now, actor, w.newID)
			ev.Type = event.CaseRestored
		}
		saved, err := w.store.Update(ctx, rec, ev)
		if err != nil {
			if conditional && errors.Is(err, storage.ErrConflict) {
				return &StaleVersionError{Expected: expected, err: err}
			}
			return err
		}
		done(saved)
		return nil
	})
}
