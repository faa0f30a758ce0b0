package casefile

import (
	"slices"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/storage"
)

// Views builds objects as reads return them. The Workspace passes its own,
// so that an event's payload is exactly what a read of the object returns
// (archived custom property values hidden, computed totals filled).
type Views interface {
	// Case returns c as reads return it.
	Case(c cases.Case) *cases.Case
	// Company returns the company id of rec, with its relations, as reads
	// return it.
	Company(rec *storage.Record, id string) (*relation.CompanyView, error)
	// Individuals returns a function that gives each individual of rec,
	// with its relations, as reads return it; what the individuals share
	// (the ownership totals of rec) is computed once, on the first call.
	Individuals(rec *storage.Record) func(id string) (*relation.IndividualView, error)
	// CompanyFields and IndividualFields return the stored fields of an
	// entity as reads show them (without archived custom property values):
	// the fields whose changes an update event lists.
	CompanyFields(c entity.Company) entity.Company
	IndividualFields(p entity.Individual) entity.Individual
}

// Rules are the workspace settings the record rules need.
type Rules struct {
	// Views builds event payloads and the fields compared for changes.
	Views Views
	// ReviewPeriods is the time between periodic reviews per risk level.
	ReviewPeriods map[risk.Level]cases.Period
	// Properties are the custom property definitions entity writes are
	// validated against.
	Properties *customprop.Set
}

// Change is one change of a record under way: the operations of this
// package applied to a private copy of the record, with a note of every
// object they touch. It is not safe for concurrent use.
type Change struct {
	rec   *storage.Record
	base  storage.Record // the record as it was: operations replace slices, never write into them
	rules *Rules
	now   time.Time
	actor event.Actor
	newID func() string

	companies, individuals, relations, checks touched
	fresh                                     map[string]bool // ids made by this change
	checksOwned                               bool            // rec.Checks no longer shares base.Checks' array
	dirty                                     bool            // a part without events changed (risk history, schedule)
	explicit                                  []event.Event
}

// touched is a set of ids in the order they were first touched.
type touched struct {
	order []string
	seen  map[string]bool
}

func (t *touched) add(id string) {
	if t.seen == nil {
		t.seen = make(map[string]bool)
	}
	if !t.seen[id] {
		t.seen[id] = true
		t.order = append(t.order, id)
	}
}

// Begin starts a change of rec, which must be the caller's private copy: the
// operations change it in place. now stamps what they create or change;
// actor is named by every event; newID makes the ids of new objects and
// events.
func Begin(rec *storage.Record, rules *Rules, now time.Time, actor event.Actor, newID func() string) *Change {
	c := &Change{rec: rec, base: *rec, rules: rules, now: now, actor: actor, newID: newID}
	c.base.Case = rec.Case.Clone()
	return c
}

// Record returns the record being changed. Callers may read it, and change
// the fields of its case directly (name, metadata, custom properties...);
// every other part is changed through the methods of Change.
func (c *Change) Record() *storage.Record { return c.rec }

// Case returns the case being changed, for direct changes of its fields.
func (c *Change) Case() *cases.Case { return &c.rec.Case }

// Now is the time of the change.
func (c *Change) Now() time.Time { return c.now }

// Revert puts the record back as it was when the change began.
func (c *Change) Revert() {
	*c.rec = c.base
	c.rec.Case = c.base.Case.Clone()
}

// Finish derives the computed fields of the record (flags and actions from
// the checks, the current risk, a computed next review date), stamps the
// case's updated_at and last_activity_at, and returns the events that describe the change. When
// the change changed nothing (an update that sets what was already there),
// it reverts the record and returns changed = false: there is nothing to
// save and nothing to record.
func (c *Change) Finish() (events []event.Event, changed bool) {
	c.derive()
	c.rec.Case.UpdatedAt = c.now
	c.rec.Case.LastActivityAt = c.now
	c.stampActivity()
	events, changed = c.events()
	if !changed && !c.dirty {
		c.Revert()
		return nil, false
	}
	return events, true
}

// derive recomputes what follows from the rest of the record. It costs
// the number of checks (and, when some check is on an entity, a lookup of
// each entity in the set of checked ones).
func (c *Change) derive() {
	deriveFlags(c.rec)
	deriveRisk(c.rec, c.rules.ReviewPeriods)
}

// env is what the operations of package relation need, with an id maker
// that notes every id this change makes.
func (c *Change) env() relation.Env {
	return relation.Env{NewID: c.makeID, Now: c.now, Properties: c.rules.Properties}
}

func (c *Change) makeID() string {
	id := c.newID()
	if c.fresh == nil {
		c.fresh = make(map[string]bool)
	}
	c.fresh[id] = true
	return id
}

// NewRecord returns the record of a new case and the events of its
// creation, with the derived fields computed.
func NewRecord(cs cases.Case, rules *Rules, actor event.Actor, newID func() string) (*storage.Record, []event.Event) {
	rec := &storage.Record{Case: cs}
	deriveFlags(rec)
	deriveRisk(rec, rules.ReviewPeriods)
	c := &Change{rec: rec, rules: rules, now: cs.CreatedAt, actor: actor, newID: newID}
	return rec, []event.Event{c.newEvent(event.CaseCreated, "", cs.ID, rules.Views.Case(rec.Case), nil)}
}

// DeletedEvent returns the event of the deletion of rec's case at now: the
// case as it was.
func DeletedEvent(rec *storage.Record, rules *Rules, now time.Time, actor event.Actor, newID func() string) event.Event {
	c := &Change{rec: rec, rules: rules, now: now, actor: actor, newID: newID}
	return c.newEvent(event.CaseDeleted, "", rec.Case.ID, rules.Views.Case(rec.Case), nil)
}

// ownChecks makes rec.Checks a copy the change may write into.
func (c *Change) ownChecks() {
	if !c.checksOwned {
		c.rec.Checks = slices.Clone(c.rec.Checks)
		c.checksOwned = true
	}
}

// stampActivity sets last_activity_at to now on every entity the change
// touched: changed itself, the source of a touched relation, or the
// subject of a touched check. Entities the change removed are skipped.
func (c *Change) stampActivity() {
	ids := make(map[string]bool, len(c.companies.order)+len(c.individuals.order))
	for _, id := range c.companies.order {
		ids[id] = true
	}
	for _, id := range c.individuals.order {
		ids[id] = true
	}
	if len(c.relations.order) > 0 {
		for _, rs := range [][]relation.Relation{c.base.Relations, c.rec.Relations} {
			for _, r := range rs {
				if c.relations.seen[r.ID] {
					ids[r.From()] = true
				}
			}
		}
	}
	if len(c.checks.order) > 0 {
		for _, chs := range [][]cases.Check{c.base.Checks, c.rec.Checks} {
			for _, ch := range chs {
				if c.checks.seen[ch.ID] && !ch.OnCase() {
					ids[ch.EntityID()] = true
				}
			}
		}
	}
	if len(ids) == 0 {
		return
	}
	stamp := func(n int, id func(int) string, owned func(), set func(int)) {
		cloned := false
		for i := range n {
			if ids[id(i)] {
				if !cloned {
					owned()
					cloned = true
				}
				set(i)
			}
		}
	}
	stamp(len(c.rec.Companies), func(i int) string { return c.rec.Companies[i].ID },
		func() { c.rec.Companies = slices.Clone(c.rec.Companies) },
		func(i int) { c.rec.Companies[i].LastActivityAt = c.now })
	stamp(len(c.rec.Individuals), func(i int) string { return c.rec.Individuals[i].ID },
		func() { c.rec.Individuals = slices.Clone(c.rec.Individuals) },
		func(i int) { c.rec.Individuals[i].LastActivityAt = c.now })
}
