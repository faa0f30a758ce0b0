package file_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"sync/atomic"
	"time"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/file"
)

// Open a store in a directory, save a record with the event of its
// creation, read it back and see a stale update refused.
func Example() {
	dir, err := os.MkdirTemp("", "dossier-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	store, err := file.Open(dir, file.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	ctx := context.Background()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	created, err := store.Create(ctx, &storage.Record{Case: cases.Case{
		ID: "7c1f4e2a-5b1d-4c1e-9a37-2f0d8c6b1e01", ExternalID: "crm-42",
		Name: "ACME onboarding", Status: cases.StatusOpen, CreatedAt: at, UpdatedAt: at,
	}}, event.Event{ID: "ev-1", CaseID: "7c1f4e2a-5b1d-4c1e-9a37-2f0d8c6b1e01", Type: event.CaseCreated,
		Actor: event.Actor{Type: event.ActorUser, ID: "u-7"}, At: at, Payload: json.RawMessage(`{}`)})
	if err != nil {
		log.Fatal(err)
	}

	edit := created.Clone()
	edit.Case.Name = "ACME Ltd onboarding"
	if _, err := store.Update(ctx, edit); err != nil {
		log.Fatal(err)
	}
	_, err = store.Update(ctx, created) // still at version 1
	fmt.Println("stale update:", errors.Is(err, storage.ErrConflict))

	got, err := store.GetByExternalID(ctx, "crm-42")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(got.Case.ID, got.Version, got.Case.Name)
	// Output:
	// stale update: true
	// 7c1f4e2a-5b1d-4c1e-9a37-2f0d8c6b1e01 2 ACME Ltd onboarding
}

// A case's audit log outlives the case, is read in pages, and queries find
// cases from the summary index.
func Example_auditLog() {
	dir, err := os.MkdirTemp("", "dossier-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	store, err := file.Open(dir, file.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	ev := func(caseID, id string, typ event.Type) event.Event {
		return event.Event{ID: id, CaseID: caseID, Type: typ, Actor: event.Actor{Type: event.ActorSystem, ID: "risk-engine"}, At: at, Payload: json.RawMessage(`{}`)}
	}
	for _, name := range []string{"ACME Ltd", "Globex", "Acme Holdings"} {
		id := "case-" + name
		rec, err := store.Create(ctx, &storage.Record{Case: cases.Case{ID: id, Name: name, Status: cases.StatusOpen, CreatedAt: at, UpdatedAt: at}},
			ev(id, name+"/created", event.CaseCreated))
		if err != nil {
			log.Fatal(err)
		}
		if _, err := store.Update(ctx, rec, ev(id, name+"/updated", event.CaseUpdated)); err != nil {
			log.Fatal(err)
		}
	}
	page, err := store.Query(ctx, storage.Query{NameContains: "acme", Sort: storage.SortName, Count: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(page.Total, "cases:", page.Cases[0].Name, "and", page.Cases[1].Name)

	if err := store.Delete(ctx, "case-Globex", 2, at.Add(time.Hour), ev("case-Globex", "Globex/deleted", event.CaseDeleted)); err != nil {
		log.Fatal(err)
	}
	for after := uint64(0); ; {
		evs, err := store.Events(ctx, "case-Globex", after, 2)
		if err != nil {
			log.Fatal(err)
		}
		if len(evs) == 0 {
			break
		}
		for _, e := range evs {
			fmt.Println(e.Seq, e.ID, e.Actor.ID)
			after = e.Seq
		}
	}
	// Output:
	// 2 cases: Acme Holdings and ACME Ltd
	// 3 Globex/created risk-engine
	// 4 Globex/updated risk-engine
	// 7 Globex/deleted risk-engine
}

// Events saved with each change stay pending across a restart until a
// drain acknowledges them.
func Example_outbox() {
	dir, err := os.MkdirTemp("", "dossier-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

	store, err := file.Open(dir, file.Options{})
	if err != nil {
		log.Fatal(err)
	}
	rec, err := store.Create(ctx, &storage.Record{Case: cases.Case{ID: "c1", Name: "ACME", Status: cases.StatusOpen, CreatedAt: at, UpdatedAt: at}},
		event.Event{ID: "e1", CaseID: "c1", Type: event.CaseCreated, At: at, Payload: json.RawMessage(`{}`)})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := store.Update(ctx, rec, event.Event{ID: "e2", CaseID: "c1", Type: event.CaseUpdated, At: at, Payload: json.RawMessage(`{}`)}); err != nil {
		log.Fatal(err)
	}
	store.Close() // a restart before anything was delivered

	store, err = file.Open(dir, file.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	page, err := store.PendingEvents(ctx, 0, 0)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range page {
		fmt.Println(e.Seq, e.Name()) // a host application POSTs a signed webhook here
		if err := store.AckEvents(ctx, e.Seq); err != nil {
			log.Fatal(err)
		}
	}
	page, err = store.PendingEvents(ctx, 0, 0)
	fmt.Println("pending after the drain:", len(page), err)
	// Output:
	// 1 Case.Created
	// 2 Case.Updated
	// pending after the drain: 0 <nil>
}

// A Workspace over a file store: what a host application does. The
// Workspace's audit log, queries and outbox are this store's.
func Example_workspace() {
	dir, err := os.MkdirTemp("", "dossier-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	store, err := file.Open(dir, file.Options{LockTimeout: 5 * time.Second})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	var ids atomic.Int64 // reproducible ids for the example; the default is UUID v4
	w, err := dossier.New(store, dossier.Settings{},
		dossier.WithIDGenerator(func() string { return fmt.Sprintf("id-%d", ids.Add(1)) }))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "ACME onboarding", ExternalID: "crm-42"}); err != nil {
		log.Fatal(err)
	}
	c, err := w.GetCase(ctx, "crm-42")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.ID, c.Name, c.Status)
	for e, err := range w.Events(ctx, c.ID) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(e.Seq, e.Name(), e.Actor.Type, e.Actor.ID)
	}
	// Output:
	// id-1 ACME onboarding open
	// 1 Case.Created system dossier
}
