package dossier

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dossierkit/dossier/casefile"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/validation"
)

// Check errors, re-exported from package cases.
var (
	// ErrInvalidCheckTransition: the check cannot move from its status to
	// the requested one; errors.As gives a
	// *cases.CheckTransitionError naming both statuses.
	ErrInvalidCheckTransition = cases.ErrInvalidCheckTransition
	// ErrCheckOverrideRequired: the move would change an approved or
	// rejected check and was not marked as an override. It also matches
	// ErrInvalidCheckTransition.
	ErrCheckOverrideRequired = cases.ErrCheckOverrideRequired
)

// AddCheckInput is what AddCheck takes; its JSON form is the create payload
// of a check.
type AddCheckInput struct {
	// Type is one of the nine check types.
	Type cases.CheckType `json:"type,omitempty"`
	// Subtype optionally refines Type, at most cases.MaxCheckSubtypeLen
	// characters.
	Subtype string `json:"subtype,omitempty"`
	// Status is the initial status: in_progress (default), processing or
	// need_review.
	Status cases.CheckStatus `json:"status,omitempty"`
	// CompanyID or IndividualID puts the check on a company or an
	// individual of the case, which must exist; leave both empty for a
	// check on the case itself.
	CompanyID    string `json:"company_id,omitempty"`
	IndividualID string `json:"individual_id,omitempty"`
}

// UnmarshalJSON decodes the create payload, reporting every problem at once
// (unknown members, wrong JSON types, unknown type or status) as a
// *validation.Error. A null member counts as absent.
func (in *AddCheckInput) UnmarshalJSON(data []byte) error {
	var (
		v                       AddCheckInput
		subtype, company, indiv *string
		typ                     *cases.CheckType
		status                  *cases.CheckStatus
	)
	if err := decodeChecked(data, map[string]any{
		"type": &typ, "subtype": &subtype, "status": &status,
		"company_id": &company, "individual_id": &indiv,
	}, func(l *validation.List) {
		v.Type = derefCheckField(typ)
		v.Subtype = derefCheckField(subtype)
		v.Status = derefCheckField(status)
		v.CompanyID = derefCheckField(company)
		v.IndividualID = derefCheckField(indiv)
		l.Merge("", v.spec().Validate())
	}); err != nil {
		return err
	}
	*in = v
	return nil
}

func derefCheckField[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func (in AddCheckInput) spec() cases.NewCheck {
	return cases.NewCheck{
		Type:         in.Type,
		Subtype:      in.Subtype,
		Status:       in.Status,
		CompanyID:    in.CompanyID,
		IndividualID: in.IndividualID,
	}
}

// AddCheck validates in and adds a new check, with a new id, to the case.
// Invalid input is a *validation.Error listing every problem; a company_id
// or individual_id that names no entity of this case is reported at that
// path with code invalid_value. A missing case is ErrNotFound. The case's
// contact_has_actions, reviewer_has_actions and flags are recomputed and
// saved with the check.
func (w *Workspace) AddCheck(ctx context.Context, caseID string, in AddCheckInput) (*cases.Check, error) {
	spec := in.spec()
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	id := w.newID()
	rec, err := w.change(ctx, caseID, func(ch *casefile.Change) error {
		_, err := ch.AddCheck(id, spec)
		return err
	})
	if err != nil {
		return nil, err
	}
	return findCheckCopy(rec, id)
}

// GetCheck returns the check with this id, from whichever case holds it, or
// ErrNotFound.
func (w *Workspace) GetCheck(ctx context.Context, checkID string) (*cases.Check, error) {
	caseID, err := w.caseOfCheck(ctx, checkID)
	if err != nil {
		return nil, err
	}
	rec, err := w.load(ctx, caseID)
	if err != nil {
		return nil, err
	}
	return findCheckCopy(rec, checkID)
}

// ListChecks returns the checks of a case in the order they were added
// (empty, not nil, when there are none), or ErrNotFound for a missing case.
func (w *Workspace) ListChecks(ctx context.Context, caseID string) ([]cases.Check, error) {
	rec, err := w.load(ctx, caseID)
	if err != nil {
		return nil, err
	}
	out := make([]cases.Check, len(rec.Checks))
	for i, c := range rec.Checks {
		out[i] = c.Clone()
	}
	return out, nil
}

// MoveCheck moves a check to in_progress, processing, need_review or
// expired, following the transition table of cases.CheckTransition: an
// illegal move is ErrInvalidCheckTransition (and ErrCheckOverrideRequired
// when it would change an approved or rejected check without
// opts.Override); approved and rejected are reached with ReviewCheck. A
// rejected or expired check is recollected by moving it to in_progress. On
// any error nothing is saved. A missing check is ErrNotFound.
func (w *Workspace) MoveCheck(ctx context.Context, checkID string, to cases.CheckStatus, opts cases.MoveOptions) (*cases.Check, error) {
	return w.changeCheck(ctx, checkID, func(c *cases.Check, now time.Time) error {
		return c.Move(to, now, opts)
	})
}

// ExpireCheck moves a check to expired: MoveCheck(ctx, checkID,
// cases.CheckStatusExpired, opts).
func (w *Workspace) ExpireCheck(ctx context.Context, checkID string, opts cases.MoveOptions) (*cases.Check, error) {
	return w.MoveCheck(ctx, checkID, cases.CheckStatusExpired, opts)
}

// ReviewCheck approves or rejects a check, with an optional comment. The
// check must be processing or need_review; changing an approved or
// rejected check needs d.Override, else the error matches
// ErrCheckOverrideRequired. Invalid input is a *validation.Error; on any
// error nothing is saved. A missing check is ErrNotFound.
func (w *Workspace) ReviewCheck(ctx context.Context, checkID string, d cases.CheckDecision) (*cases.Check, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return w.changeCheck(ctx, checkID, func(c *cases.Check, now time.Time) error {
		return c.Review(d, now)
	})
}

// DeleteCheck removes a check from its case, whatever its status, and
// recomputes the case's actions and flags (first_collect_completed stays
// set). A missing check is ErrNotFound.
func (w *Workspace) DeleteCheck(ctx context.Context, checkID string) error {
	caseID, err := w.caseOfCheck(ctx, checkID)
	if err != nil {
		return err
	}
	_, err = w.change(ctx, caseID, func(ch *casefile.Change) error {
		return ch.DeleteCheck(checkID)
	})
	return err
}

// changeCheck applies fn to the check checkID inside a change of its case
// and returns a copy of the saved check.
func (w *Workspace) changeCheck(ctx context.Context, checkID string, fn func(c *cases.Check, now time.Time) error) (*cases.Check, error) {
	caseID, err := w.caseOfCheck(ctx, checkID)
	if err != nil {
		return nil, err
	}
	rec, err := w.change(ctx, caseID, func(ch *casefile.Change) error {
		_, err := ch.UpdateCheck(checkID, func(c *cases.Check) error {
			if err := fn(c, ch.Now()); err != nil {
				var verr *validation.Error
				if errors.As(err, &verr) {
					return err // input problems keep their paths, unwrapped
				}
				return fmt.Errorf("dossier: check %s: %w", checkID, err)
			}
			return nil
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return findCheckCopy(rec, checkID)
}

// caseOfCheck returns the id of the case holding checkID.
func (w *Workspace) caseOfCheck(ctx context.Context, checkID string) (string, error) {
	if checkID == "" {
		return "", checkNotFound(checkID)
	}
	caseID, err := w.store.CaseOfEntity(ctx, checkID)
	if err != nil {
		return "", fmt.Errorf("dossier: check %s: %w", checkID, err)
	}
	return caseID, nil
}

func checkNotFound(checkID string) error {
	return fmt.Errorf("dossier: %w", casefile.CheckNotFound(checkID))
}

func findCheckCopy(rec *storage.Record, checkID string) (*cases.Check, error) {
	for _, c := range rec.Checks {
		if c.ID == checkID {
			c = c.Clone()
			return &c, nil
		}
	}
	return nil, checkNotFound(checkID)
}
