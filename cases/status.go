package cases

import (
	"errors"
	"fmt"
)

// Status is the lifecycle state of a case.
type Status string

// The case statuses.
const (
	StatusDraft    Status = "draft"
	StatusOpen     Status = "open"
	StatusApproved Status = "approved"
	StatusRejected Status = "rejected"
	StatusClosed   Status = "closed"
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{StatusDraft, StatusOpen, StatusApproved, StatusRejected, StatusClosed}

// Valid reports whether s is one of the five statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusDraft, StatusOpen, StatusApproved, StatusRejected, StatusClosed:
		return true
	}
	return false
}

// Settable reports whether s may be given on create or update (draft or
// open); the other statuses are reached through a review.
func (s Status) Settable() bool { return s == StatusDraft || s == StatusOpen }

// ErrInvalidTransition is matched (errors.Is) by every *TransitionError: the
// case's current status cannot move to the requested one.
var ErrInvalidTransition = errors.New("invalid status transition")

// TransitionError says which move was refused.
type TransitionError struct {
	From Status
	To   Status
	// Via is "update" or "review".
	Via string
}

// Error describes the refused move.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("invalid status transition: a %s case cannot be moved to %s by %s", e.From, e.To, e.Via)
}

// Is reports whether target is ErrInvalidTransition.
func (e *TransitionError) Is(target error) bool { return target == ErrInvalidTransition }

// CheckUpdate reports whether an update may move a case from one status to
// another: to must be draft or open (a validation problem of the input, which
// callers check first with Settable); draft and open move freely between each
// other; approved, rejected and closed may only be reopened (to open). It
// returns nil or a *TransitionError.
func CheckUpdate(from, to Status) error {
	switch {
	case from == to && to.Settable():
		return nil
	case to == StatusOpen && from.Valid():
		return nil
	case to == StatusDraft && from == StatusOpen:
		return nil
	}
	return &TransitionError{From: from, To: to, Via: "update"}
}

// CheckReview reports whether a review may move a case from status from to
// the review's status: approved and rejected from open; approved again from
// approved (a confirmed periodic review); closed from draft, open, approved
// or rejected. It returns nil or a *TransitionError.
func CheckReview(from Status, to ReviewStatus) error {
	ok := false
	switch to {
	case ReviewApproved:
		ok = from == StatusOpen || from == StatusApproved
	case ReviewRejected:
		ok = from == StatusOpen
	case ReviewClosed:
		ok = from == StatusDraft || from == StatusOpen || from == StatusApproved || from == StatusRejected
	}
	if !ok {
		return &TransitionError{From: from, To: Status(to), Via: "review"}
	}
	return nil
}
