package casefile_test

import (
	"fmt"
	"strconv"
	"time"

	"github.com/dossierkit/dossier/casefile"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/relation"
)

// A change applied to a record: the operations note what they touch, and
// Finish derives the computed fields and returns the events that describe
// the change, each with its actor and, for updates, the changed fields.
func Example() {
	n := 0
	newID := func() string { n++; return "id" + strconv.Itoa(n) }
	rules := &casefile.Rules{Views: casefile.StoredViews{}}
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	alice := event.Actor{Type: event.ActorUser, ID: "alice"}

	rec, _ := casefile.NewRecord(cases.Case{ID: "case-1", Name: "Acme", Status: cases.StatusOpen, CreatedAt: t0, UpdatedAt: t0}, rules, alice, newID)

	ch := casefile.Begin(rec, rules, t0.Add(time.Hour), alice, newID)
	companyID, _ := ch.AddCompany(entity.CompanyInput{Name: "Acme Ltd"})
	personID, _ := ch.AddIndividual(entity.IndividualInput{LastName: "Stark"})
	_, _ = ch.AddCheck(newID(), cases.NewCheck{Type: cases.CheckTypeIDDocument, IndividualID: personID})
	events, changed := ch.Finish()
	fmt.Println("changed:", changed, "company:", companyID)
	for _, e := range events {
		fmt.Println(e.Name(), "by", e.Actor.ID)
	}

	ch = casefile.Begin(rec, rules, t0.Add(2*time.Hour), alice, newID)
	_ = ch.UpdateCompany(companyID, entity.CompanyUpdate{})
	_, changed = ch.Finish()
	fmt.Println("an update that sets nothing changed:", changed)
	// Output:
	// changed: true company: id2
	// Company.Created by alice
	// Individual.Created by alice
	// Check.Started by alice
	// Case.ContactHasActionsUpdated by alice
	// Case.FlagsUpdated by alice
	// an update that sets nothing changed: false
}

// A whole graph installed at once (an import): the events create every
// entity, and the relations come with the entities they go from.
func ExampleChange_SetGraph() {
	n := 0
	newID := func() string { n++; return "ev" + strconv.Itoa(n) }
	rules := &casefile.Rules{Views: casefile.StoredViews{}}
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	api := event.Actor{Type: event.ActorAPI, ID: "importer"}
	rec, events := casefile.NewRecord(cases.Case{ID: "case-1", Name: "Imported", Status: cases.StatusOpen, CreatedAt: t0, UpdatedAt: t0}, rules, api, newID)

	ch := casefile.Begin(rec, rules, t0, api, newID)
	err := ch.SetGraph(relation.Graph{
		Companies:   []entity.Company{{ID: "co", Name: "Acme Ltd", Type: entity.CompanyMain, Status: entity.StatusLive, CreatedAt: t0, UpdatedAt: t0}},
		Individuals: []entity.Individual{{ID: "p1", LastName: "Stark", CreatedAt: t0, UpdatedAt: t0}},
		Relations:   []relation.Relation{{ID: "r1", FromIndividualID: "p1", ToCompanyID: "co", CreatedAt: t0, UpdatedAt: t0}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	more, _ := ch.Finish()
	for _, e := range append(events, more...) {
		fmt.Println(e.Name(), e.ObjectID, len(e.Changes))
	}
	// Output:
	// Case.Created case-1 0
	// Company.Created co 0
	// Individual.Created p1 0
}
