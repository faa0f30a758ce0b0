package casefile

import (
	"slices"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/storage"
)

// SetReview records a review decision, appends it to the record's review
// history (with the change's actor as reviewer), and moves the case to its status
// (cases.CheckReview says which moves are allowed). An approval schedules
// the next periodic review with cases.NextReview: next when given, none
// when none is set, else the review date plus the period of the case's
// current risk level; a rejection or closure clears the schedule.
func (c *Change) SetReview(review cases.Review, next *cases.Date, none bool) error {
	cs := &c.rec.Case
	if err := cases.CheckReview(cs.Status, review.Status); err != nil {
		return err
	}
	c.rec.Schedule = cases.ReviewSchedule{}
	if review.Status == cases.ReviewApproved {
		review.NextReviewAt, c.rec.Schedule = cases.NextReview(review.ReviewedAt, CurrentLevel(c.rec), c.rules.ReviewPeriods, next, none)
	}
	cs.Review = &review
	cs.Status = cases.Status(review.Status)
	c.rec.Reviews = append(slices.Clip(c.rec.Reviews), cases.ReviewEntry{
		Review: *review.Clone(), ActorType: string(c.actor.Type), ActorID: c.actor.ID,
	})
	c.dirty = true
	return nil
}

// CurrentLevel is the level of the case's current risk, not_defined
// without one.
func CurrentLevel(rec *storage.Record) risk.Level {
	if r := rec.Risks.Current(); r != nil {
		return r.Level
	}
	return risk.LevelNotDefined
}

// PushAutomaticRisk records an automatic risk (see
// risk.History.PushAutomatic); a duplicate changes nothing.
func (c *Change) PushAutomaticRisk(id string, in risk.Input) (risk.Risk, bool, error) {
	r, dup, err := c.rec.Risks.PushAutomatic(id, in, c.now)
	if err == nil && !dup {
		c.dirty = true
	}
	return r, dup, err
}

// SetManualRisk records a manual risk (see risk.History.SetManual).
func (c *Change) SetManualRisk(id string, in risk.Input, opts risk.ManualOptions) (risk.Risk, error) {
	r, err := c.rec.Risks.SetManual(id, in, c.now, opts)
	if err == nil {
		c.dirty = true
	}
	return r, err
}

// EnableAutomaticRisk switches the case back to automatic risk mode (see
// risk.History.EnableAutomatic) and reports whether it was in manual mode.
func (c *Change) EnableAutomaticRisk() (bool, error) {
	changed, err := c.rec.Risks.EnableAutomatic(c.now)
	if changed {
		c.dirty = true
	}
	return changed, err
}

// RecordReviewDue records a Case.ReviewDue event when the case is due for
// its periodic review on day (cases.Due) and no such event was recorded
// for its current next review date; it reports whether it did. Recording
// again for the same date records nothing, while a case approved again
// with a new next review date is announced again when that date is due.
func (c *Change) RecordReviewDue(day cases.Date) bool {
	cs := &c.rec.Case
	if !cases.Due(cs.Status, cs.Review, day) {
		return false
	}
	next := *cs.Review.NextReviewAt
	if d := c.rec.Schedule.DueRecorded; d != nil && *d == next {
		return false
	}
	c.rec.Schedule.DueRecorded = &next
	c.dirty = true
	c.explicit = append(c.explicit, c.newEvent(event.CaseReviewDue, "", cs.ID, c.rules.Views.Case(*cs), nil))
	return true
}

// deriveRisk sets the case's current risk from its history and keeps a
// computed next review date in step with the current risk level.
//
// When the case is approved and its next_review_at was computed from the
// review periods (Schedule.Computed) for another level than the current
// one, the date is recomputed from the review date and the period of the
// current level: none when that level has no period. The result may lie in
// the past (a review that is now overdue). An explicit date, an explicit
// "no periodic review", and cases in any other status are left alone.
func deriveRisk(rec *storage.Record, periods map[risk.Level]cases.Period) {
	cs := &rec.Case
	cs.Risk = rec.Risks.Current()
	if cs.Status != cases.StatusApproved || cs.Review == nil || cs.Review.Status != cases.ReviewApproved || !rec.Schedule.Computed {
		return
	}
	level := CurrentLevel(rec)
	if rec.Schedule.Level == level {
		return
	}
	due := rec.Schedule.DueRecorded // kept: it names the date it was recorded for
	review := cs.Review.Clone()     // the record's review may be shared with the change's base
	review.NextReviewAt, rec.Schedule = cases.NextReview(review.ReviewedAt, level, periods, nil, false)
	rec.Schedule.DueRecorded = due
	cs.Review = review
}
