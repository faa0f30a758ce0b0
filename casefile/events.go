package casefile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/storage"
)

// This file decides which events describe a change. Only the objects the
// change touched are looked at; the events come in this order: events
// recorded explicitly (Case.ReviewDue), then companies (created, updated,
// deleted), individuals (likewise), checks, and last one Case.Updated event
// per changed aspect of the case, in the order of caseAspects.

// CompaniesViewer may be implemented by a Views to build the views of many
// companies of one record at once (indexing the record once), as the
// events of a bulk creation need; Company is used otherwise.
type CompaniesViewer interface {
	// Companies returns a function that gives each company of rec, with
	// its relations, as Company does.
	Companies(rec *storage.Record) func(id string) (*relation.CompanyView, error)
}

// caseAspects maps the wire members of a case to the sub-event that
// reports their change, in the order the events are emitted. A member not
// listed (a new field of the case) is reported as Case.InfoUpdated.
var caseAspects = []struct {
	sub     event.SubEvent
	members []string
}{
	{event.StatusUpdated, []string{"status"}},
	{event.InfoUpdated, []string{"name", "external_id", "custom_properties"}},
	{event.MetadataUpdated, []string{"metadata"}},
	{event.ReviewUpdated, []string{"review"}},
	{event.RiskUpdated, []string{"risk"}},
	{event.ContactHasActionsUpdated, []string{"contact_has_actions"}},
	{event.ReviewerHasActionsUpdated, []string{"reviewer_has_actions"}},
	{event.FlagsUpdated, []string{"flags"}},
	{event.TagsUpdated, []string{"tags"}},
	{event.AssigneeUpdated, []string{"assignee_id"}},
}

// checkEvent names the event of a check that was created (existed false),
// moved to status, or decided again in the same status (a re-approval with
// override). A move to processing records nothing: the check is still on
// its way.
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

// events returns the events of the change and whether it changed anything
// that has events (dirty parts aside).
func (c *Change) events() ([]event.Event, bool) {
	before, after := &c.base, c.rec
	out := slices.Clone(c.explicit)
	changed := len(out) > 0

	// A relation change is an update of the entity it comes from: its
	// fields are listed among that entity's changes.
	relChanges := map[string][]event.FieldChange{}
	if len(c.relations.order) > 0 {
		rb := newFinder(before.Relations, func(r relation.Relation) string { return r.ID })
		ra := newFinder(after.Relations, func(r relation.Relation) string { return r.ID })
		for _, id := range c.relations.order {
			b, inB := rb.get(id)
			a, inA := ra.get(id)
			r := a
			if !inA {
				r = b
			}
			prefix := "relations." + id
			var ch []event.FieldChange
			switch {
			case inB && inA:
				ch = fieldChanges(prefix+".", b, a)
			case inA:
				ch = []event.FieldChange{{Name: prefix, Previous: jsonNull, Next: mustJSON(a)}}
			case inB:
				ch = []event.FieldChange{{Name: prefix, Previous: mustJSON(b), Next: jsonNull}}
			}
			if len(ch) == 0 {
				continue
			}
			from := r.From()
			relChanges[from] = append(relChanges[from], ch...)
			if r.FromCompanyID != "" {
				c.companies.add(from)
			} else {
				c.individuals.add(from)
			}
		}
	}

	v := c.rules.Views
	if len(c.companies.order) > 0 {
		fb := newFinder(before.Companies, func(e entity.Company) string { return e.ID })
		fa := newFinder(after.Companies, func(e entity.Company) string { return e.ID })
		viewOf := func(rec *storage.Record) func(string) (*relation.CompanyView, error) {
			if m, ok := v.(CompaniesViewer); ok {
				return m.Companies(rec)
			}
			return func(id string) (*relation.CompanyView, error) { return v.Company(rec, id) }
		}
		var viewBefore, viewAfter func(string) (*relation.CompanyView, error)
		evs := entityEvents(c, c.companies.order, fb, fa, relChanges, v.CompanyFields,
			func(deleted bool, id string) any {
				var view func(string) (*relation.CompanyView, error)
				if deleted {
					if viewBefore == nil {
						viewBefore = viewOf(before)
					}
					view = viewBefore
				} else {
					if viewAfter == nil {
						viewAfter = viewOf(after)
					}
					view = viewAfter
				}
				cv, err := view(id)
				if err != nil {
					panic(fmt.Sprintf("casefile: view of company %s: %v", id, err))
				}
				return cv
			}, event.CompanyCreated, event.CompanyUpdated, event.CompanyDeleted)
		out = append(out, evs...)
		changed = changed || len(evs) > 0
	}
	if len(c.individuals.order) > 0 {
		fb := newFinder(before.Individuals, func(e entity.Individual) string { return e.ID })
		fa := newFinder(after.Individuals, func(e entity.Individual) string { return e.ID })
		var viewBefore, viewAfter func(string) (*relation.IndividualView, error)
		evs := entityEvents(c, c.individuals.order, fb, fa, relChanges, v.IndividualFields,
			func(deleted bool, id string) any {
				var view func(string) (*relation.IndividualView, error)
				if deleted {
					if viewBefore == nil {
						viewBefore = v.Individuals(before)
					}
					view = viewBefore
				} else {
					if viewAfter == nil {
						viewAfter = v.Individuals(after)
					}
					view = viewAfter
				}
				iv, err := view(id)
				if err != nil {
					panic(fmt.Sprintf("casefile: view of individual %s: %v", id, err))
				}
				return iv
			}, event.IndividualCreated, event.IndividualUpdated, event.IndividualDeleted)
		out = append(out, evs...)
		changed = changed || len(evs) > 0
	}

	if len(c.checks.order) > 0 {
		fb := newFinder(before.Checks, func(e cases.Check) string { return e.ID })
		fa := newFinder(after.Checks, func(e cases.Check) string { return e.ID })
		var deleted []event.Event
		for _, id := range c.checks.order {
			b, inB := fb.get(id)
			a, inA := fa.get(id)
			switch {
			case inA && !inB:
				changed = true
				if typ, ok := checkEvent(a.Status, false); ok {
					out = append(out, c.newEvent(typ, "", id, a, nil))
				}
			case inB && !inA:
				changed = true
				deleted = append(deleted, c.newEvent(event.CheckDeleted, "", id, b, nil))
			case inA && inB:
				ch := fieldChanges("", b, a)
				if len(ch) == 0 {
					continue
				}
				changed = true
				if b.Status == a.Status && b.ReviewedAt.Equal(a.ReviewedAt) {
					continue // no move and no new decision
				}
				if typ, ok := checkEvent(a.Status, true); ok {
					out = append(out, c.newEvent(typ, "", id, a, ch))
				}
			}
		}
		out = append(out, deleted...)
	}

	vb, va := v.Case(before.Case), v.Case(after.Case)
	caseChanges := fieldChanges("", vb, va)
	if len(caseChanges) > 0 {
		changed = true
		bySub := map[event.SubEvent][]event.FieldChange{}
		for _, fc := range caseChanges {
			bySub[aspectOf(fc.Name)] = append(bySub[aspectOf(fc.Name)], fc)
		}
		for _, a := range caseAspects {
			if ch := bySub[a.sub]; len(ch) > 0 {
				out = append(out, c.newEvent(event.CaseUpdated, a.sub, after.Case.ID, va, ch))
			}
		}
	}
	return out, changed
}

// aspectOf returns the sub-event that reports a change of the case member
// name ("custom_properties.x" belongs to "custom_properties").
func aspectOf(name string) event.SubEvent {
	top, _, _ := strings.Cut(name, ".")
	for _, a := range caseAspects {
		if slices.Contains(a.members, top) {
			return a.sub
		}
	}
	return event.InfoUpdated
}

// entityEvents returns the Created, Updated and Deleted events of the
// touched entities of one kind: Updated for an entity whose own fields or
// relations changed (unless it is new or deleted), with those changes.
func entityEvents[T any](c *Change, ids []string, fb, fa *finder[T], relChanges map[string][]event.FieldChange,
	fields func(T) T, view func(deleted bool, id string) any, created, updated, deleted event.Type) []event.Event {
	var cr, up, del []event.Event
	for _, id := range ids {
		b, inB := fb.get(id)
		a, inA := fa.get(id)
		switch {
		case inA && !inB:
			cr = append(cr, c.newEvent(created, "", id, view(false, id), nil))
		case inB && !inA:
			del = append(del, c.newEvent(deleted, "", id, view(true, id), nil))
		case inA && inB:
			ch := append(fieldChanges("", fields(b), fields(a)), relChanges[id]...)
			if len(ch) > 0 {
				up = append(up, c.newEvent(updated, "", id, view(false, id), ch))
			}
		}
	}
	return append(append(cr, up...), del...)
}

// newEvent builds an event of the change with a new id and the JSON of obj
// as payload.
func (c *Change) newEvent(typ event.Type, sub event.SubEvent, objectID string, obj any, changes []event.FieldChange) event.Event {
	return event.Event{
		ID: c.newID(), CaseID: c.rec.Case.ID, Type: typ, SubEvent: sub, ObjectID: objectID,
		Actor: c.actor, At: c.now, Changes: changes, Payload: mustJSON(obj),
	}
}

var jsonNull = json.RawMessage("null")

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		// Every domain type marshals; a failure is a programming error.
		panic(fmt.Sprintf("casefile: marshal %T: %v", v, err))
	}
	return b
}

// fieldChanges compares the JSON objects of before and after member by
// member and returns the members that differ, named prefix+member, with
// their previous and next values (null when absent), in member name order.
// The members of "custom_properties" are compared one by one
// ("custom_properties.<key>"). updated_at and last_activity_at, which
// every change stamps, are not changes. Values are compared as written: 10 and 10.0 differ; null,
// {} and [] are all "empty" and equal.
func fieldChanges(prefix string, before, after any) []event.FieldChange {
	return diffObjects(prefix, mustJSON(before), mustJSON(after), true)
}

func diffObjects(prefix string, before, after json.RawMessage, top bool) []event.FieldChange {
	var mb, ma map[string]json.RawMessage
	_ = json.Unmarshal(before, &mb)
	_ = json.Unmarshal(after, &ma)
	names := make([]string, 0, len(ma)+len(mb))
	for k := range ma {
		names = append(names, k)
	}
	for k := range mb {
		if _, ok := ma[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	var out []event.FieldChange
	for _, k := range names {
		if top && (k == "updated_at" || k == "last_activity_at") {
			continue
		}
		b, a := mb[k], ma[k]
		if sameValue(b, a) {
			continue
		}
		if top && k == "custom_properties" && isObjectOrEmpty(b) && isObjectOrEmpty(a) {
			out = append(out, diffObjects(prefix+k+".", b, a, false)...)
			continue
		}
		out = append(out, event.FieldChange{Name: prefix + k, Previous: orNull(b), Next: orNull(a)})
	}
	return out
}

func sameValue(a, b json.RawMessage) bool { return bytes.Equal(a, b) || (isEmpty(a) && isEmpty(b)) }

func isEmpty(v json.RawMessage) bool {
	s := string(bytes.TrimSpace(v))
	return s == "" || s == "null" || s == "{}" || s == "[]"
}

func isObjectOrEmpty(v json.RawMessage) bool {
	v = bytes.TrimSpace(v)
	return isEmpty(v) || (len(v) > 0 && v[0] == '{')
}

func orNull(v json.RawMessage) json.RawMessage {
	if len(v) == 0 {
		return jsonNull
	}
	return v
}

// finder looks objects up by id in a list: by a linear scan for the first
// few lookups, through a map built once after that, so that a change
// touching one object of a large case never builds a map of them all.
type finder[T any] struct {
	list  []T
	id    func(T) string
	scans int
	index map[string]int
}

func newFinder[T any](list []T, id func(T) string) *finder[T] {
	return &finder[T]{list: list, id: id}
}

func (f *finder[T]) get(id string) (T, bool) {
	var zero T
	if f.index == nil && f.scans < 8 {
		f.scans++
		for i := range f.list {
			if f.id(f.list[i]) == id {
				return f.list[i], true
			}
		}
		return zero, false
	}
	if f.index == nil {
		f.index = make(map[string]int, len(f.list))
		for i := range f.list {
			f.index[f.id(f.list[i])] = i
		}
	}
	if i, ok := f.index[id]; ok {
		return f.list[i], true
	}
	return zero, false
}
