// Package event defines the change events dossier records with every change
// to a case: webhook-style names (Case.Created, Case.Updated with a
// sub-event such as Case.StatusUpdated, Individual.Created, Check.Approved,
// ...), the actor who made the change (a type, user, api or system, and the
// host's id of it), for updates the changed fields with their previous and
// next JSON values (FieldChange), and a JSON payload of the object after
// the change, as reads return it.
//
// Events are written in the same atomic save as the change itself, to the
// store's append-only audit log, outside the case's record: a refused
// change records none, a saved change cannot lose its events, and the log
// outlives the case until an explicit purge. The store gives each new event
// a sequence number that orders events across all cases; a host
// application drains pending events in that order and acknowledges them
// (at-least-once delivery, a transactional outbox).
package event

import (
	"encoding/json"
	"slices"
	"time"
)

// Type is the name of an event, as in webhooks.
type Type string

// Event types.
const (
	CaseCreated   Type = "Case.Created"
	CaseUpdated   Type = "Case.Updated"
	CaseReviewDue Type = "Case.ReviewDue"
	CaseDeleted   Type = "Case.Deleted"
	// CaseRestored is dossier's own event (the Dotfile API has none): a
	// case deleted without the permanent choice was restored.
	CaseRestored Type = "Case.Restored"

	IndividualCreated Type = "Individual.Created"
	IndividualUpdated Type = "Individual.Updated"
	IndividualDeleted Type = "Individual.Deleted"

	CompanyCreated Type = "Company.Created"
	CompanyUpdated Type = "Company.Updated"
	CompanyDeleted Type = "Company.Deleted"

	CheckStarted      Type = "Check.Started"
	CheckReviewNeeded Type = "Check.ReviewNeeded"
	CheckApproved     Type = "Check.Approved"
	CheckRejected     Type = "Check.Rejected"
	CheckExpired      Type = "Check.Expired"
	CheckDeleted      Type = "Check.Deleted"

	NoteCreated        Type = "Note.Created"
	NoteUpdated        Type = "Note.Updated"
	NoteDeleted        Type = "Note.Deleted"
	NoteCommentCreated Type = "NoteComment.Created"
	NoteCommentUpdated Type = "NoteComment.Updated"
	NoteCommentDeleted Type = "NoteComment.Deleted"
)

// SubEvent says what a Case.Updated event changed.
type SubEvent string

// Sub-events of Case.Updated, in the order a change records them.
const (
	StatusUpdated             SubEvent = "Case.StatusUpdated"
	InfoUpdated               SubEvent = "Case.InfoUpdated"
	MetadataUpdated           SubEvent = "Case.MetadataUpdated"
	ReviewUpdated             SubEvent = "Case.ReviewUpdated"
	RiskUpdated               SubEvent = "Case.RiskUpdated"
	ContactHasActionsUpdated  SubEvent = "Case.ContactHasActionsUpdated"
	ReviewerHasActionsUpdated SubEvent = "Case.ReviewerHasActionsUpdated"
	FlagsUpdated              SubEvent = "Case.FlagsUpdated"
	TagsUpdated               SubEvent = "Case.TagsUpdated"
	AssigneeUpdated           SubEvent = "Case.AssigneeUpdated"
)

// ActorType says what kind of party made a change.
type ActorType string

// The actor types.
const (
	ActorUser   ActorType = "user"
	ActorSystem ActorType = "system"
	ActorAPI    ActorType = "api"
)

// Valid reports whether t is user, system or api.
func (t ActorType) Valid() bool { return t == ActorUser || t == ActorSystem || t == ActorAPI }

// Actor is who made a change: a type and the host's own id of that user,
// API client or system job. The zero Actor means "not said".
type Actor struct {
	Type ActorType `json:"type"`
	// ID is the host's id of the actor (a user id, an API key id, a job
	// name); dossier never interprets it.
	ID string `json:"id"`
}

// IsZero reports whether a is the zero Actor.
func (a Actor) IsZero() bool { return a == Actor{} }

// FieldChange is one changed field of an update, in the shape of the
// Dotfile API's activity log: the field's wire name (a JSON path such as
// "name" or "relations.r1.ownership_percentage") and its JSON value before
// and after the change (null when absent).
type FieldChange struct {
	Name     string          `json:"name"`
	Previous json.RawMessage `json:"previous"`
	Next     json.RawMessage `json:"next"`
}

// Event is one recorded change.
type Event struct {
	// ID is unique across all events.
	ID string `json:"id"`
	// Seq orders events across all cases. It is 0 until the store saves the
	// event, then assigned once, increasing with every save.
	Seq    uint64 `json:"seq"`
	CaseID string `json:"case_id"`
	Type   Type   `json:"type"`
	// SubEvent is set on Case.Updated events only.
	SubEvent SubEvent `json:"sub_event,omitempty"`
	// ObjectID is the id of the case, company, individual or check the
	// payload describes.
	ObjectID string `json:"object_id"`
	// Actor is who made the change, when the caller said so.
	Actor Actor     `json:"actor"`
	At    time.Time `json:"at"`
	// Changes lists the changed fields of an update with their previous
	// and next values; empty for creations and deletions.
	Changes []FieldChange `json:"changes,omitempty"`
	// Payload is the JSON of the object after the change (before it, for
	// deletions).
	Payload json.RawMessage `json:"payload"`
}

// Name is the event's full name: the sub-event for Case.Updated, the type
// otherwise.
func (e Event) Name() string {
	if e.SubEvent != "" {
		return string(e.SubEvent)
	}
	return string(e.Type)
}

// Clone returns a deep copy of e.
func (e Event) Clone() Event {
	e.Payload = slices.Clone(e.Payload)
	if e.Changes != nil {
		changes := make([]FieldChange, len(e.Changes))
		for i, c := range e.Changes {
			changes[i] = FieldChange{Name: c.Name, Previous: slices.Clone(c.Previous), Next: slices.Clone(c.Next)}
		}
		e.Changes = changes
	}
	return e
}
