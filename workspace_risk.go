package dossier

import (
	"context"
	"strings"

	"unicode/utf8"

	"github.com/dossierkit/dossier/casefile"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/risk"

	"github.com/dossierkit/dossier/validation"
)

// validateRiskInput checks in before any load: the rules of
// risk.Input.Validate, a comment of at most MaxCommentLen characters, and,
// for a manual risk in a workspace that asks for it, a non-blank comment.
func (w *Workspace) validateRiskInput(in risk.Input, manual bool) error {
	var l validation.List
	l.Merge("", in.Validate())
	if in.Comment != nil {
		if n := utf8.RuneCountInString(*in.Comment); n > MaxCommentLen {
			l.Addf("comment", validation.CodeTooLong, "comment has %d characters, at most %d allowed", n, MaxCommentLen)
		}
	}
	if manual && w.settings.ManualRiskCommentRequired && (in.Comment == nil || strings.TrimSpace(*in.Comment) == "") {
		l.Add("comment", validation.CodeRequired, "a comment is required to set a manual risk in this workspace")
	}
	return l.Err()
}

// PushAutomaticRisk records an automatic risk on a case, as a scoring system
// pushes it through the API.
//
// When in assesses the same risk as the case's latest automatic risk (same
// level, score, components and flags, compared by value: 10067 equals
// 10067.0; see risk.Input.SameAssessment), nothing is stored, the case is
// not saved (its version and updated_at do not change), and the existing
// risk is returned with duplicate = true. Otherwise the new risk, with a new
// id and created_at now, is appended to the case's history and returned with
// duplicate = false. It becomes the case's current risk unless the case is in
// manual mode (see SetManualRisk); in that case it is kept in the history
// and becomes current only when automatic mode is enabled again.
//
// When the current risk level of an approved case changes and its next
// review date was computed from the workspace's review periods, the date is
// recomputed from the review date and the new level's period (see
// Settings.ReviewPeriods); an explicitly set date is kept.
//
// Risks may be pushed whatever the case's status. Invalid input is a
// *validation.Error listing every problem (see risk.Input.Validate; a
// comment is at most MaxCommentLen characters) and changes nothing; a
// missing case is ErrNotFound.
func (w *Workspace) PushAutomaticRisk(ctx context.Context, caseID string, in risk.Input) (r *risk.Risk, duplicate bool, err error) {
	if err := w.validateRiskInput(in, false); err != nil {
		return nil, false, err
	}
	in = in.Clone()
	id := w.newID()
	var out risk.Risk
	_, err = w.change(ctx, caseID, func(ch *casefile.Change) error {
		got, dup, err := ch.PushAutomaticRisk(id, in)
		if err != nil {
			return err
		}
		out, duplicate = got, dup
		if dup {
			return errNoChange
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return &out, duplicate, nil
}

// SetManualRisk records a manual risk on a case, as a compliance officer
// overrides the automatic assessment. The risk, with a new id and
// created_at now, becomes the case's current risk and the case switches to
// manual mode: automatic risks pushed afterwards are kept in the history but
// do not become current until EnableAutomaticRisk. Manual risks are never
// de-duplicated.
//
// A non-blank comment is required when Settings.ManualRiskCommentRequired.
// Invalid input is a *validation.Error listing every problem and changes
// nothing; a missing case is ErrNotFound. The next review date of an
// approved case follows the new level as described in PushAutomaticRisk.
func (w *Workspace) SetManualRisk(ctx context.Context, caseID string, in risk.Input) (*risk.Risk, error) {
	if err := w.validateRiskInput(in, true); err != nil {
		return nil, err
	}
	in = in.Clone()
	id := w.newID()
	opts := risk.ManualOptions{CommentRequired: w.settings.ManualRiskCommentRequired}
	var out risk.Risk
	_, err := w.change(ctx, caseID, func(ch *casefile.Change) error {
		got, err := ch.SetManualRisk(id, in, opts)
		out = got
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// EnableAutomaticRisk switches a case in manual mode back to automatic mode:
// its latest automatic risk becomes current again (the case has no current
// risk when no automatic risk was ever pushed). The switch is recorded in
// the risk history; no risk is copied or rewritten. For a case already in
// automatic mode it changes nothing and does not save. It returns the case
// as stored; a missing case is ErrNotFound. The next review date of an
// approved case follows the new level as described in PushAutomaticRisk.
func (w *Workspace) EnableAutomaticRisk(ctx context.Context, caseID string) (*cases.Case, error) {
	rec, err := w.change(ctx, caseID, func(ch *casefile.Change) error {
		changed, err := ch.EnableAutomaticRisk()
		if err != nil {
			return err
		}
		if !changed {
			return errNoChange
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return w.views.caseOf(rec), nil
}

// RiskHistory returns a copy of a case's risk history: every stored risk,
// oldest first, the re-enablings of automatic mode, and from them the
// current risk and mode (see risk.History). A missing case is ErrNotFound.
func (w *Workspace) RiskHistory(ctx context.Context, caseID string) (risk.History, error) {
	rec, err := w.load(ctx, caseID)
	if err != nil {
		return risk.History{}, err
	}
	return rec.Risks.Clone(), nil
}
