package cases

import (
	"encoding/json"
	"time"

	"github.com/dossierkit/dossier/risk"
)

// ReviewStatus is the decision of a review.
type ReviewStatus string

// The review decisions.
const (
	ReviewApproved ReviewStatus = "approved"
	ReviewRejected ReviewStatus = "rejected"
	ReviewClosed   ReviewStatus = "closed"
)

// Valid reports whether s is approved, rejected or closed.
func (s ReviewStatus) Valid() bool {
	return s == ReviewApproved || s == ReviewRejected || s == ReviewClosed
}

// ReviewerType says who made a review.
type ReviewerType string

// The reviewer types.
const (
	ReviewerUser   ReviewerType = "user"
	ReviewerSystem ReviewerType = "system"
	ReviewerAPI    ReviewerType = "api"
)

// Valid reports whether t is user, system or api.
func (t ReviewerType) Valid() bool {
	return t == ReviewerUser || t == ReviewerSystem || t == ReviewerAPI
}

// Review is the latest decision on a case. Only an approved review has a
// NextReviewAt; nil means no periodic review is scheduled.
type Review struct {
	ID           string       `json:"id"`
	Status       ReviewStatus `json:"status"`
	Comment      *string      `json:"comment"`
	ReviewerType ReviewerType `json:"reviewer_type"`
	// ReviewedAt is when the decision was taken; it may be back-dated.
	ReviewedAt   time.Time `json:"reviewed_at"`
	NextReviewAt *Date     `json:"next_review_at"`
}

// Clone returns a deep copy of r; nil stays nil.
func (r *Review) Clone() *Review {
	if r == nil {
		return nil
	}
	c := *r
	if r.Comment != nil {
		s := *r.Comment
		c.Comment = &s
	}
	if r.NextReviewAt != nil {
		d := *r.NextReviewAt
		c.NextReviewAt = &d
	}
	return &c
}

// ReviewSchedule is the stored state behind next_review_at that the wire
// format does not show: whether the date was computed from the workspace's
// review periods (and so follows later risk changes) or set explicitly, and
// the risk level it was computed for.
type ReviewSchedule struct {
	Computed bool       `json:"computed"`
	Level    risk.Level `json:"level,omitempty"`
	// DueRecorded is the next-review date for which a Case.ReviewDue event
	// was recorded, so that each due date is announced once.
	DueRecorded *Date `json:"due_recorded,omitempty"`
}

// NextReview computes the next review date of an approval: an explicit date
// wins (computed false); an explicit "none" (explicitNone) schedules nothing;
// otherwise it is the review date plus the period of the risk level, or
// nothing when periods has no period for that level.
func NextReview(reviewedAt time.Time, level risk.Level, periods map[risk.Level]Period, explicit *Date, explicitNone bool) (*Date, ReviewSchedule) {
	switch {
	case explicit != nil:
		d := *explicit
		return &d, ReviewSchedule{}
	case explicitNone:
		return nil, ReviewSchedule{}
	}
	sched := ReviewSchedule{Computed: true, Level: level}
	p, ok := periods[level]
	if !ok || p.IsZero() {
		return nil, sched
	}
	d := p.After(DateOf(reviewedAt.UTC()))
	return &d, sched
}

// reviewJSON fixes the member order of the wire form.
type reviewJSON Review

// MarshalJSON encodes r in the wire shape, with comment and next_review_at
// as null when unset.
func (r Review) MarshalJSON() ([]byte, error) {
	return json.Marshal(reviewJSON(r))
}

// Clone returns a deep copy of s.
func (s ReviewSchedule) Clone() ReviewSchedule {
	if s.DueRecorded != nil {
		d := *s.DueRecorded
		s.DueRecorded = &d
	}
	return s
}

// Due reports whether a case with this status and review is due for its
// periodic review on date day: it is approved and its next review date is
// day or earlier.
func Due(status Status, review *Review, day Date) bool {
	return status == StatusApproved && review != nil && review.NextReviewAt != nil && !day.Before(*review.NextReviewAt)
}

// ReviewEntry is one review of a case's review history: the review as it
// was recorded (its next_review_at as scheduled then) and who recorded it,
// by actor type (user, api or system) and the host's id of that actor.
type ReviewEntry struct {
	Review    Review `json:"review"`
	ActorType string `json:"actor_type"`
	ActorID   string `json:"actor_id"`
}

// Clone returns a deep copy of e.
func (e ReviewEntry) Clone() ReviewEntry {
	e.Review = *e.Review.Clone()
	return e
}

// MaxReviewClockSkew is how far in the future a review's reviewed_at may
// be (the clocks of the host and of the reviewer's device differ a
// little); later dates are refused, as are dates before the case was
// created.
const MaxReviewClockSkew = 5 * time.Minute
