package dossier

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/storage"
)

type actorKey struct{}

// WithActor returns a context that makes the Workspace record actor as the
// author of the changes made with it (event.Event.Actor). Without it events
// carry no actor.
func WithActor(ctx context.Context, actor event.Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

func actorOf(ctx context.Context) event.Actor {
	a, _ := ctx.Value(actorKey{}).(event.Actor)
	return a
}

// newEvent builds an event with a new id and the JSON of obj as payload.
func (w *Workspace) newEvent(ctx context.Context, caseID string, typ event.Type, sub event.SubEvent, objectID string, obj any, now time.Time) event.Event {
	payload, err := json.Marshal(obj)
	if err != nil {
		// Every domain type marshals; a failure here is a programming error.
		panic(fmt.Sprintf("dossier: marshal %s payload: %v", typ, err))
	}
	return event.Event{
		ID: w.newID(), CaseID: caseID, Type: typ, SubEvent: sub, ObjectID: objectID,
		Actor: actorOf(ctx), At: now, Payload: payload,
	}
}

// changeEvents returns the events that describe the change from before to
// after, in this order: company events, individual events, check events,
// then one Case.Updated event per changed aspect of the case, in the order
// of the event.SubEvent constants. Each sub-event is recorded at most once
// per change, however many steps of the change touched it.
//
// A change to a relation is reported as an update of the entity it comes
// from (the entity whose "relations" show it), unless that entity was
// itself created or deleted by the change.
func (w *Workspace) changeEvents(ctx context.Context, before, after *storage.Record, now time.Time) []event.Event {
	caseID := after.Case.ID
	var out []event.Event
	emit := func(typ event.Type, sub event.SubEvent, objectID string, obj any) {
		out = append(out, w.newEvent(ctx, caseID, typ, sub, objectID, obj, now))
	}

	// Entities whose relations changed.
	relTouched := map[string]bool{}
	rel := diffByID(before.Relations, after.Relations, func(r relation.Relation) string { return r.ID }, relationContent)
	for _, r := range rel.created {
		relTouched[r.From()] = true
	}
	for _, r := range rel.deleted {
		relTouched[r.From()] = true
	}
	for _, r := range after.Relations {
		if rel.updated[r.ID] {
			relTouched[r.From()] = true
		}
	}

	// Entity payloads are the entity as a read returns it (relations,
	// totals, archived custom properties left out), from the record after
	// the change, or before it for a deletion.
	companyView := func(deleted bool, c entity.Company) any {
		rec := after
		if deleted {
			rec = before
		}
		if v, err := w.companyView(rec, c.ID); err == nil {
			return v
		}
		return c
	}
	totals := map[bool]*ownership.Result{}
	individualView := func(deleted bool, p entity.Individual) any {
		rec := after
		if deleted {
			rec = before
		}
		res, ok := totals[deleted]
		if !ok {
			res, _ = w.totals(rec) // without totals the view shows the declared ones
			totals[deleted] = res
		}
		if v, err := w.individualViewWith(rec, p.ID, res); err == nil {
			return v
		}
		return p
	}
	emitEntities(emit, diffByID(before.Companies, after.Companies, companyID, companyContent), after.Companies, companyID,
		relTouched, companyView, event.CompanyCreated, event.CompanyUpdated, event.CompanyDeleted)
	emitEntities(emit, diffByID(before.Individuals, after.Individuals, individualID, individualContent), after.Individuals, individualID,
		relTouched, individualView, event.IndividualCreated, event.IndividualUpdated, event.IndividualDeleted)

	oldChecks := make(map[string]cases.Check, len(before.Checks))
	for _, c := range before.Checks {
		oldChecks[c.ID] = c
	}
	for _, c := range after.Checks {
		old, existed := oldChecks[c.ID]
		if existed && old.Status == c.Status && old.ReviewedAt.Equal(c.ReviewedAt) {
			continue // no move and no new decision
		}
		if typ, ok := checkEvent(c.Status, existed); ok {
			emit(typ, "", c.ID, c)
		}
	}
	ch := diffByID(before.Checks, after.Checks, func(c cases.Check) string { return c.ID }, checkContent)
	for _, c := range ch.deleted {
		emit(event.CheckDeleted, "", c.ID, c)
	}

	b, a := &before.Case, &after.Case
	for _, d := range []struct {
		sub     event.SubEvent
		changed bool
	}{
		{event.StatusUpdated, b.Status != a.Status},
		{event.InfoUpdated, b.Name != a.Name || b.ExternalID != a.ExternalID || !sameProps(b.CustomProperties, a.CustomProperties)},
		{event.MetadataUpdated, !sameMetadata(b.Metadata, a.Metadata)},
		{event.ReviewUpdated, !sameJSON(b.Review, a.Review)},
		{event.RiskUpdated, !sameJSON(b.Risk, a.Risk)},
		{event.ContactHasActionsUpdated, b.ContactHasActions != a.ContactHasActions},
		{event.ReviewerHasActionsUpdated, b.ReviewerHasActions != a.ReviewerHasActions},
		{event.FlagsUpdated, b.Flags != a.Flags},
	} {
		if d.changed {
			emit(event.CaseUpdated, d.sub, a.ID, w.viewCase(*a))
		}
	}
	return out
}

// emitEntities emits the Created, Updated and Deleted events of one kind of
// entity: Updated for an entity whose content changed or whose relations
// changed (unless it is new). view gives the payload of an entity.
func emitEntities[T any](emit func(event.Type, event.SubEvent, string, any), d diff[T], after []T, id func(T) string,
	touched map[string]bool, view func(deleted bool, v T) any, created, updated, deleted event.Type) {
	for _, v := range d.created {
		emit(created, "", id(v), view(false, v))
	}
	for _, v := range after {
		if k := id(v); d.updated[k] || (touched[k] && !d.isNew[k]) {
			emit(updated, "", k, view(false, v))
		}
	}
	for _, v := range d.deleted {
		emit(deleted, "", id(v), view(true, v))
	}
}

func companyID(c entity.Company) string       { return c.ID }
func individualID(i entity.Individual) string { return i.ID }

// checkEvent names the event of a check that was created (existed false),
// moved to status, or decided again in the same status (a re-approval with
// override). A move to processing records nothing: the check is still
// on its way.
func checkEvent(status cases.CheckStatus, existed bool) (event.Type, bool) {
	switch status {
	case cases.CheckStatusInProgress:
		return event.CheckStarted, true
	case cases.CheckStatusProcessing:
		return event.CheckStarted, !existed
	case cases.CheckStatusNeedReview:
		return event.CheckReviewNeeded, true
	case cases.CheckStatusApproved:
		return event.CheckApproved, true
	case cases.CheckStatusRejected:
		return event.CheckRejected, true
	case cases.CheckStatusExpired:
		return event.CheckExpired, true
	}
	return "", false
}

type diff[T any] struct {
	created, deleted []T
	updated, isNew   map[string]bool
}

// diffByID compares two lists of objects with ids, by the content of each
// object (see sameAll).
func diffByID[T any](before, after []T, id func(T) string, content func(T) T) diff[T] {
	d := diff[T]{updated: map[string]bool{}, isNew: map[string]bool{}}
	old := make(map[string]T, len(before))
	for _, v := range before {
		old[id(v)] = v
	}
	seen := make(map[string]bool, len(after))
	for _, v := range after {
		k := id(v)
		seen[k] = true
		o, ok := old[k]
		switch {
		case !ok:
			d.created = append(d.created, v)
			d.isNew[k] = true
		case !sameJSON(content(o), content(v)):
			d.updated[k] = true
		}
	}
	for _, v := range before {
		if !seen[id(v)] {
			d.deleted = append(d.deleted, v)
		}
	}
	return d
}

// sameJSON reports whether a and b encode to the same JSON, which is what
// "unchanged" means for events: 10 and 10.0 differ as values written, and
// maps are compared as sets. reflect.DeepEqual answers first, without
// allocating, for the common case of an untouched copy (deep equality
// implies equal encodings); only values it finds different are encoded.
func sameJSON(a, b any) bool {
	if reflect.DeepEqual(a, b) {
		return true
	}
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

// sameAll reports whether two lists hold the same content, element by
// element: content drops what an operation stamps on every object it
// touches (updated_at), so that an update that sets what was already there
// is no change at all (see sameJSON).
func sameAll[T any](a, b []T, content func(T) T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameJSON(content(a[i]), content(b[i])) {
			return false
		}
	}
	return true
}

func companyContent(c entity.Company) entity.Company          { c.UpdatedAt = time.Time{}; return c }
func individualContent(i entity.Individual) entity.Individual { i.UpdatedAt = time.Time{}; return i }
func relationContent(r relation.Relation) relation.Relation   { r.UpdatedAt = time.Time{}; return r }
func checkContent(c cases.Check) cases.Check                  { c.UpdatedAt = time.Time{}; return c }

func sameMetadata(a, b cases.Metadata) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return sameJSON(a, b)
}

func sameProps(a, b customprop.Values) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return sameJSON(a, b)
}

// sameRecord reports whether two records hold the same data, ignoring the
// updated_at of the case and of everything in it.
func sameRecord(a, b *storage.Record) bool {
	ac, bc := a.Case, b.Case
	ac.UpdatedAt, bc.UpdatedAt = time.Time{}, time.Time{}
	return a.Version == b.Version && len(a.Events) == len(b.Events) &&
		sameJSON(ac, bc) && sameJSON(a.Risks, b.Risks) && sameJSON(a.Schedule, b.Schedule) &&
		sameAll(a.Companies, b.Companies, companyContent) && sameAll(a.Individuals, b.Individuals, individualContent) &&
		sameAll(a.Relations, b.Relations, relationContent) && sameAll(a.Checks, b.Checks, checkContent)
}

// Events returns the audit trail of a case: every event recorded with its
// changes, oldest first, as a host application shows them in an activity
// log. Events are kept while the case exists.
func (w *Workspace) Events(ctx context.Context, caseID string) ([]event.Event, error) {
	rec, err := w.load(ctx, caseID)
	if err != nil {
		return nil, err
	}
	return rec.Events, nil
}

// PendingEvents returns up to limit unacknowledged events across all cases
// with a sequence number above after, in the order they were saved (0 means
// storage.DefaultPageSize; negative is a *validation.Error). Pass the
// Seq of the last event of a page as after to read the next one.
func (w *Workspace) PendingEvents(ctx context.Context, after uint64, limit int) ([]event.Event, error) {
	return w.store.PendingEvents(ctx, after, limit)
}

// AckEvents marks events as delivered, by sequence number.
func (w *Workspace) AckEvents(ctx context.Context, seqs ...uint64) error {
	return w.store.AckEvents(ctx, seqs...)
}

// Drain delivers every pending event to deliver, in order, and
// acknowledges the events deliver accepts (returns nil for), a page at a
// time. It stops at the first error, which it returns after acknowledging
// the events delivered before it: that event and the ones after it stay
// pending and are delivered again by the next Drain. Delivery is therefore
// at-least-once (a crash between delivering and acknowledging redelivers a
// page); a receiver de-duplicates by event id. Drain returns how many events
// were delivered and acknowledged.
func (w *Workspace) Drain(ctx context.Context, deliver func(context.Context, event.Event) error) (int, error) {
	n := 0
	var after uint64
	for {
		page, err := w.store.PendingEvents(ctx, after, 0)
		if err != nil || len(page) == 0 {
			return n, err
		}
		delivered := make([]uint64, 0, len(page))
		var failed error
		for _, ev := range page {
			if err := deliver(ctx, ev); err != nil {
				failed = fmt.Errorf("dossier: deliver event %s (seq %d): %w", ev.ID, ev.Seq, err)
				break
			}
			delivered = append(delivered, ev.Seq)
		}
		if len(delivered) > 0 {
			if err := w.store.AckEvents(ctx, delivered...); err != nil {
				return n, err
			}
			n += len(delivered)
			after = delivered[len(delivered)-1]
		}
		if failed != nil {
			return n, failed
		}
	}
}
