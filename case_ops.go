package dossier

import (
	"context"
	"errors"
	"fmt"

	"strings"
	"time"
	"unicode/utf8"

	"github.com/dossierkit/dossier/casefile"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/internal/jsonobj"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/validation"
)

// MaxCommentLen is the longest review comment accepted, in characters.
const MaxCommentLen = 5000

// CreateCaseInput is what CreateCase takes; its JSON form is the API's
// create payload.
type CreateCaseInput struct {
	// Name has 1 to 180 characters.
	Name string `json:"name"`
	// ExternalID is optional ("" or null for none) and unique across cases.
	ExternalID string `json:"external_id,omitempty"`
	// Status is draft or open; empty means open.
	Status cases.Status `json:"status,omitempty"`
	// Metadata is optional string key-value data.
	Metadata cases.Metadata `json:"metadata,omitempty"`
	// CustomProperties sets values of the workspace's case custom
	// properties; each is validated against its definition.
	CustomProperties customprop.Patch `json:"custom_properties,omitempty"`
	// AssigneeID is the host's id of the user the case is assigned to
	// ("" or null for nobody).
	AssigneeID string `json:"assignee_id,omitempty"`
	// Tags are ids or labels of tags of the workspace's catalogue (labels
	// compared without regard to case); a tag not in the catalogue is
	// refused.
	Tags []string `json:"tags,omitempty"`
	// Companies and Individuals create the case's whole graph in the same
	// atomic write, as the Dotfile API's case creation does. A company may
	// carry a ref; each relation of an entity names the company it relates
	// to by source_company_ref (the ref of a company of the payload). A
	// relation without source_company_ref relates to the main company (the
	// payload's first company of type main, or without a type). An entity
	// given relations gets exactly those; an entity given none is linked
	// to the main company with unknown percentages (the rule of
	// AddCompany and AddIndividual); the main company itself gets none.
	// The graph is validated whole (every rule of package relation: one
	// main company, stakes at most 100 %, every entity connected) and
	// every problem is reported at once, with paths such as
	// "individuals[3].relations[0].ownership_percentage". At most
	// MaxGraphEntities entities.
	Companies   []entity.CompanyInput    `json:"companies,omitempty"`
	Individuals []entity.IndividualInput `json:"individuals,omitempty"`
}

// UnmarshalJSON decodes the create payload, reporting every problem at once
// (unknown members, wrong JSON types, non-string metadata values) as a
// *validation.Error.
func (in *CreateCaseInput) UnmarshalJSON(data []byte) error {
	var v CreateCaseInput
	var ext, assignee *string
	if err := decodeChecked(data, map[string]any{
		"name": &v.Name, "external_id": &ext, "status": &v.Status, "metadata": &v.Metadata,
		"custom_properties": &v.CustomProperties, "assignee_id": &assignee, "tags": &v.Tags,
		"companies": &v.Companies, "individuals": &v.Individuals,
	}, func(l *validation.List) {
		if ext != nil {
			v.ExternalID = *ext
		}
		if assignee != nil {
			v.AssigneeID = *assignee
		}
		v.checkInput(l)
	}); err != nil {
		return err
	}
	*in = v
	return nil
}

// checkInput records the problems CreateCase finds without the workspace
// (its custom property definitions), so that a payload that also fails to
// decode reports them too.
func (in CreateCaseInput) checkInput(l *validation.List) {
	cases.ValidateName(l, in.Name)
	if in.ExternalID != "" {
		cases.ValidateExternalID(l, in.ExternalID)
	}
	if in.Status != "" {
		validateSettableStatus(l, in.Status, "create")
	}
	if in.AssigneeID != "" {
		cases.ValidateAssigneeID(l, in.AssigneeID)
	}
	l.Merge("", in.Metadata.Validate())
}

// UpdateCaseInput is what UpdateCase takes: only the fields present are
// changed. Its JSON form is the API's update payload; decoded from JSON, an
// absent member leaves the field alone and null clears it where allowed
// (external_id, metadata).
type UpdateCaseInput struct {
	// Name, when present, must be a valid name; null is refused.
	Name patch.Field[string] `json:"name,omitzero"`
	// ExternalID, when present, sets the external id; null clears it.
	ExternalID patch.Field[string] `json:"external_id,omitzero"`
	// Status, when present, is draft or open: open reopens an approved,
	// rejected or closed case.
	Status patch.Field[cases.Status] `json:"status,omitzero"`
	// Metadata, when present, replaces the whole metadata; null removes it.
	Metadata patch.Field[cases.Metadata] `json:"metadata,omitzero"`
	// CustomProperties is a partial write: keys present are set, keys set
	// to null are removed, absent keys are untouched.
	CustomProperties customprop.Patch `json:"custom_properties,omitempty"`
	// AssigneeID, when present, assigns the case to this user id; null
	// unassigns it. A change records a Case.Updated event with sub-event
	// Case.AssigneeUpdated.
	AssigneeID patch.Field[string] `json:"assignee_id,omitzero"`
}

// UnmarshalJSON decodes the update payload, reporting every problem at once
// as a *validation.Error.
func (in *UpdateCaseInput) UnmarshalJSON(data []byte) error {
	var v UpdateCaseInput
	if err := decodeChecked(data, map[string]any{
		"name": &v.Name, "external_id": &v.ExternalID, "status": &v.Status, "metadata": &v.Metadata,
		"custom_properties": &v.CustomProperties, "assignee_id": &v.AssigneeID,
	}, func(l *validation.List) {
		if a, ok := v.AssigneeID.Get(); ok {
			cases.ValidateAssigneeID(l, a)
		}
		if v.Name.IsNull() {
			l.Add("name", validation.CodeRequired, "name cannot be null")
		} else if name, ok := v.Name.Get(); ok {
			cases.ValidateName(l, name)
		}
		if ext, ok := v.ExternalID.Get(); ok {
			cases.ValidateExternalID(l, ext)
		}
		if v.Status.IsNull() {
			l.Add("status", validation.CodeRequired, "status cannot be null")
		} else if status, ok := v.Status.Get(); ok {
			validateSettableStatus(l, status, "update")
		}
		md, _ := v.Metadata.Get()
		l.Merge("", md.Validate())
	}); err != nil {
		return err
	}
	*in = v
	return nil
}

// ReviewInput is what ReviewCase takes; its JSON form is the API's review
// payload.
type ReviewInput struct {
	// Status is approved, rejected or closed.
	Status cases.ReviewStatus `json:"status"`
	// Comment documents the decision; required when
	// Settings.ReviewCommentRequired. Blank counts as missing.
	Comment string `json:"comment,omitempty"`
	// ReviewerType says who decided; empty means api.
	ReviewerType cases.ReviewerType `json:"reviewer_type,omitempty"`
	// ReviewedAt back-dates the review; zero means now. It may not be in the
	// future.
	ReviewedAt time.Time `json:"reviewed_at,omitzero"`
	// NextReviewAt applies to approvals only: a date sets the next periodic
	// review; null schedules none; absent computes it from
	// Settings.ReviewPeriods and the case's current risk level. The computed
	// date follows later changes of the risk level.
	NextReviewAt patch.Field[cases.Date] `json:"next_review_at,omitzero"`
}

// UnmarshalJSON decodes the review payload, reporting every problem at once
// as a *validation.Error.
func (in *ReviewInput) UnmarshalJSON(data []byte) error {
	var v ReviewInput
	var comment, reviewedAt *string
	if err := decodeChecked(data, map[string]any{
		"status": &v.Status, "comment": &comment, "reviewer_type": &v.ReviewerType,
		"reviewed_at": &reviewedAt, "next_review_at": &v.NextReviewAt,
	}, func(l *validation.List) {
		if comment != nil {
			v.Comment = *comment
		}
		if reviewedAt != nil {
			// Only a time that encodes back is accepted (years 0000-9999).
			if t, ok := jsonobj.ParseTime(*reviewedAt); ok {
				v.ReviewedAt = t
			} else {
				l.Add("reviewed_at", validation.CodeInvalidFormat, "reviewed_at must be an RFC 3339 date-time such as 2024-05-01T09:30:00Z")
			}
		}
		if v.Status != "" && !v.Status.Valid() {
			l.Addf("status", validation.CodeInvalidValue, "review status must be approved, rejected or closed, got %q", v.Status)
		}
		if v.ReviewerType != "" && !v.ReviewerType.Valid() {
			l.Addf("reviewer_type", validation.CodeInvalidValue, "reviewer_type must be user, system or api, got %q", v.ReviewerType)
		}
		if n := utf8.RuneCountInString(v.Comment); n > MaxCommentLen {
			l.Addf("comment", validation.CodeTooLong, "comment has %d characters, at most %d allowed", n, MaxCommentLen)
		}
	}); err != nil {
		return err
	}
	*in = v
	return nil
}

// CreateCase validates in and stores a new case with a new id, with its
// Case.Created event. Invalid input is a *validation.Error listing every
// problem; an external id already used by another case is
// ErrDuplicateExternalID (checked atomically by the store, so two
// concurrent creates cannot both win).
func (w *Workspace) CreateCase(ctx context.Context, in CreateCaseInput) (*cases.Case, error) {
	rec, events, err := w.newCaseRecord(ctx, in)
	if len(in.Companies)+len(in.Individuals) > 0 {
		// The graph's problems are reported with those of the case.
		var verr *validation.Error
		if err != nil && !errors.As(err, &verr) {
			return nil, err
		}
		now := w.now()
		if rec == nil {
			rec = &storage.Record{}
		} else {
			now = rec.Case.CreatedAt
		}
		ch := casefile.Begin(rec, w.rules, now, w.actorOf(ctx), w.newID)
		if _, gerr := w.buildGraph(ch, in.Companies, in.Individuals); gerr != nil {
			var gverr *validation.Error
			if !errors.As(gerr, &gverr) {
				return nil, gerr
			}
			var l validation.List
			l.Merge("", err)
			l.Merge("", gerr)
			return nil, l.Err()
		}
		if err != nil {
			return nil, err
		}
		more, _ := ch.Finish()
		events = append(events, more...)
		rec = ch.Record()
	} else if err != nil {
		return nil, err
	}
	saved, err := w.store.Create(ctx, rec, events...)
	if err != nil {
		return nil, fmt.Errorf("dossier: create case: %w", err)
	}
	return w.views.caseOf(saved), nil
}

// newCaseRecord validates in and returns the record of a new case and the
// events of its creation, unsaved; bad input is a *validation.Error
// listing every problem.
func (w *Workspace) newCaseRecord(ctx context.Context, in CreateCaseInput) (*storage.Record, []event.Event, error) {
	var l validation.List
	cases.ValidateName(&l, in.Name)
	if in.ExternalID != "" {
		cases.ValidateExternalID(&l, in.ExternalID)
	}
	status := in.Status
	if status == "" {
		status = cases.StatusOpen
	}
	validateSettableStatus(&l, status, "create")
	if in.AssigneeID != "" {
		cases.ValidateAssigneeID(&l, in.AssigneeID)
	}
	l.Merge("", in.Metadata.Validate())
	props, err := w.props.Apply(customprop.TargetCase, nil, in.CustomProperties)
	l.Merge("", err)
	tags, err := w.settings.Tags.Resolve("tags", in.Tags)
	l.Merge("", err)
	if len(tags) == 0 {
		tags = nil
	}
	if err := l.Err(); err != nil {
		return nil, nil, err
	}
	now := w.now()
	rec, events := casefile.NewRecord(cases.Case{
		ID:               w.newID(),
		ExternalID:       in.ExternalID,
		Name:             in.Name,
		Status:           status,
		Metadata:         in.Metadata.Clone(),
		CustomProperties: props,
		AssigneeID:       in.AssigneeID,
		Tags:             tags,
		CreatedAt:        now,
		UpdatedAt:        now,
		LastActivityAt:   now,
	}, w.rules, w.actorOf(ctx), w.newID)
	return rec, events, nil
}

func validateSettableStatus(l *validation.List, s cases.Status, op string) {
	switch {
	case !s.Valid():
		l.Addf("status", validation.CodeInvalidValue, "unknown status %q; %s accepts draft or open", s, op)
	case !s.Settable():
		l.Addf("status", validation.CodeNotAllowed, "%s accepts only draft or open; %s is reached through a review", op, s)
	}
}

// GetCase returns the case whose id is idOrExternalID or, when no case has
// that id, the case whose external id it is; ErrNotFound otherwise.
func (w *Workspace) GetCase(ctx context.Context, idOrExternalID string) (*cases.Case, error) {
	rec, err := w.store.Get(ctx, idOrExternalID)
	if errors.Is(err, storage.ErrNotFound) && idOrExternalID != "" {
		rec, err = w.store.GetByExternalID(ctx, idOrExternalID)
	}
	if err == nil && rec.Case.DeletedAt != nil {
		err = storage.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("dossier: get case %q: %w", idOrExternalID, err)
	}
	return w.views.caseOf(rec), nil
}

// GetRecord returns the whole stored aggregate of a case (the case, its
// entities, relations, checks, risk history and version), by case id only,
// without the values of archived custom properties. Its individuals carry
// their declared totals, as stored.
func (w *Workspace) GetRecord(ctx context.Context, caseID string) (*storage.Record, error) {
	rec, err := w.load(ctx, caseID)
	if err != nil {
		return nil, err
	}
	return w.views.record(rec), nil
}

// UpdateCase changes the fields present in in. Every problem of the input is
// reported at once as a *validation.Error; a status the case cannot move to
// is ErrInvalidTransition; a taken external id is ErrDuplicateExternalID. On
// any error the stored case is unchanged. An input with no field present
// changes nothing and returns the case as stored.
func (w *Workspace) UpdateCase(ctx context.Context, caseID string, in UpdateCaseInput) (*cases.Case, error) {
	var l validation.List
	if in.Name.IsNull() {
		l.Add("name", validation.CodeRequired, "name cannot be null")
	} else if name, ok := in.Name.Get(); ok {
		cases.ValidateName(&l, name)
	}
	if ext, ok := in.ExternalID.Get(); ok {
		cases.ValidateExternalID(&l, ext)
	}
	if a, ok := in.AssigneeID.Get(); ok {
		cases.ValidateAssigneeID(&l, a)
	}
	status, setStatus := in.Status.Get()
	if in.Status.IsNull() {
		l.Add("status", validation.CodeRequired, "status cannot be null")
	} else if setStatus {
		validateSettableStatus(&l, status, "update")
	}
	md, _ := in.Metadata.Get()
	l.Merge("", md.Validate())
	if l.Len() > 0 {
		// Report the custom property problems with the others. (Otherwise
		// Apply below reports them: a value's problems do not depend on
		// the stored values.)
		_, err := w.props.Apply(customprop.TargetCase, nil, in.CustomProperties)
		l.Merge("", err)
		return nil, l.Err()
	}
	if !in.Name.Present() && !in.ExternalID.Present() && !in.Status.Present() && !in.Metadata.Present() && !in.AssigneeID.Present() && len(in.CustomProperties) == 0 {
		return w.GetCaseByID(ctx, caseID)
	}
	rec, err := w.change(ctx, caseID, func(ch *casefile.Change) error {
		c := ch.Case()
		if setStatus {
			if err := cases.CheckUpdate(c.Status, status); err != nil {
				return err
			}
			c.Status = status
		}
		if name, ok := in.Name.Get(); ok {
			c.Name = name
		}
		if in.ExternalID.Present() {
			c.ExternalID, _ = in.ExternalID.Get()
		}
		if in.Metadata.Present() {
			c.Metadata = md.Clone()
		}
		if in.AssigneeID.Present() {
			c.AssigneeID, _ = in.AssigneeID.Get()
		}
		if len(in.CustomProperties) > 0 {
			props, err := w.props.Apply(customprop.TargetCase, c.CustomProperties, in.CustomProperties)
			if err != nil {
				return err
			}
			c.CustomProperties = props
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return w.views.caseOf(rec), nil
}

// GetCaseByID returns the case with this id (never matched against external
// ids), or ErrNotFound.
func (w *Workspace) GetCaseByID(ctx context.Context, caseID string) (*cases.Case, error) {
	rec, err := w.load(ctx, caseID)
	if err != nil {
		return nil, err
	}
	return w.views.caseOf(rec), nil
}

// ReviewCase records a review decision and moves the case to its status:
// approved or rejected from open, approved again from approved (a confirmed
// periodic review), closed from draft, open, approved or rejected; anything
// else is ErrInvalidTransition. An approval schedules the next periodic
// review as ReviewInput.NextReviewAt describes; rejections and closures
// clear it. The review replaces the case's current one (Case.Review) and
// is appended to its review history (see Reviews), with the actor of ctx
// as reviewer. reviewed_at may not be before the case's creation nor more
// than cases.MaxReviewClockSkew (5 minutes) in the future.
func (w *Workspace) ReviewCase(ctx context.Context, caseID string, in ReviewInput) (*cases.Case, error) {
	var l validation.List
	if !in.Status.Valid() {
		l.Addf("status", validation.CodeInvalidValue, "review status must be approved, rejected or closed, got %q", in.Status)
	}
	reviewer := in.ReviewerType
	if reviewer == "" {
		reviewer = cases.ReviewerAPI
	}
	if !reviewer.Valid() {
		l.Addf("reviewer_type", validation.CodeInvalidValue, "reviewer_type must be user, system or api, got %q", reviewer)
	}
	comment := in.Comment
	switch n := utf8.RuneCountInString(comment); {
	case w.settings.ReviewCommentRequired && strings.TrimSpace(comment) == "":
		l.Add("comment", validation.CodeRequired, "a comment is required on reviews in this workspace")
	case n > MaxCommentLen:
		l.Addf("comment", validation.CodeTooLong, "comment has %d characters, at most %d allowed", n, MaxCommentLen)
	}
	if in.NextReviewAt.Present() && in.Status != cases.ReviewApproved && in.Status.Valid() {
		l.Addf("next_review_at", validation.CodeNotAllowed, "next_review_at applies only to approvals, not to %s", in.Status)
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	reviewID := w.newID()
	rec, err := w.change(ctx, caseID, func(ch *casefile.Change) error {
		now := ch.Now()
		reviewedAt := in.ReviewedAt.UTC()
		if in.ReviewedAt.IsZero() {
			reviewedAt = now
		}
		var l validation.List
		if reviewedAt.After(now.Add(cases.MaxReviewClockSkew)) {
			l.Addf("reviewed_at", validation.CodeOutOfRange, "reviewed_at %s is in the future (more than %v ahead)", reviewedAt.Format(time.RFC3339), cases.MaxReviewClockSkew)
		}
		if created := ch.Case().CreatedAt; reviewedAt.Before(created) {
			l.Addf("reviewed_at", validation.CodeOutOfRange, "reviewed_at %s is before the case was created (%s)", reviewedAt.Format(time.RFC3339), created.Format(time.RFC3339))
		}
		explicit, hasExplicit := in.NextReviewAt.Get()
		if hasExplicit && explicit.Before(cases.DateOf(reviewedAt)) {
			l.Addf("next_review_at", validation.CodeOutOfRange, "next_review_at %s is before the review date %s", explicit, cases.DateOf(reviewedAt))
		}
		if err := l.Err(); err != nil {
			return err
		}
		review := cases.Review{
			ID:           reviewID,
			Status:       in.Status,
			ReviewerType: reviewer,
			ReviewedAt:   reviewedAt,
		}
		if comment != "" {
			review.Comment = &comment
		}
		var next *cases.Date
		if hasExplicit {
			next = &explicit
		}
		return ch.SetReview(review, next, in.NextReviewAt.IsNull())
	})
	if err != nil {
		return nil, err
	}
	return w.views.caseOf(rec), nil
}

// DeleteCase removes a case and everything in it, recording a Case.Deleted
// event (the case as it was) in the same atomic step. The case's audit log
// is kept (see Events and PurgeEvents) and its events not yet drained stay
// pending. ErrNotFound when there is no such case. With IfMatch, the
// delete is conditional like any change.
func (w *Workspace) DeleteCase(ctx context.Context, caseID string) error {
	return w.deleteCase(ctx, caseID, false)
}

// deleteCase deletes a case permanently; withDeleted also finds a case
// deleted restorably.
func (w *Workspace) deleteCase(ctx context.Context, caseID string, withDeleted bool) error {
	actor := w.actorOf(ctx)
	expected, conditional, err := ifMatchOf(ctx)
	if err != nil {
		return err
	}
	return w.retry(ctx, caseID, conditional, func() error {
		load := w.load
		if withDeleted {
			load = func(ctx context.Context, id string) (*storage.Record, error) {
				rec, err := w.store.Get(ctx, id)
				if err != nil {
					return nil, fmt.Errorf("dossier: case %s: %w", id, err)
				}
				return rec, nil
			}
		}
		rec, err := load(ctx, caseID)
		if err != nil {
			return err
		}
		if conditional && rec.Version != expected {
			return &StaleVersionError{Expected: expected, Current: rec.Version}
		}
		now := w.now()
		gone := casefile.DeletedEvent(rec, w.rules, now, actor, w.newID)
		err = w.store.Delete(ctx, caseID, rec.Version, now, gone)
		if err != nil {
			if conditional && errors.Is(err, storage.ErrConflict) {
				return &StaleVersionError{Expected: expected, err: err}
			}
			return fmt.Errorf("dossier: delete case %s: %w", caseID, err)
		}
		return nil
	})
}

// Reviews returns the review history of a case, oldest first: every
// review recorded by ReviewCase, with the actor who recorded it. The
// audit log holds the same reviews as Case.Updated events with sub-event
// Case.ReviewUpdated.
func (w *Workspace) Reviews(ctx context.Context, caseID string) ([]cases.ReviewEntry, error) {
	rec, err := w.load(ctx, caseID)
	if err != nil {
		return nil, err
	}
	out := make([]cases.ReviewEntry, len(rec.Reviews))
	for i, e := range rec.Reviews {
		out[i] = e.Clone()
	}
	return out, nil
}
