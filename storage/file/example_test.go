package file_test

import (
	"context"
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

// Open a store in a directory, save a record, read it back and see a stale
// update refused.
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
	created, err := store.Create(ctx, &storage.Record{Case: cases.Case{
		ID: "7c1f4e2a-5b1d-4c1e-9a37-2f0d8c6b1e01", ExternalID: "crm-42",
		Name: "ACME onboarding", Status: cases.StatusOpen,
	}})
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

// A Workspace over a file store: what a host application does.
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
	// Output: id-1 ACME onboarding open
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

	store, err := file.Open(dir, file.Options{})
	if err != nil {
		log.Fatal(err)
	}
	w, err := dossier.New(store, dossier.Settings{})
	if err != nil {
		log.Fatal(err)
	}
	c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "ACME onboarding"})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := w.AddCheck(ctx, c.ID, dossier.AddCheckInput{Type: cases.CheckTypeAML}); err != nil {
		log.Fatal(err)
	}
	store.Close() // a restart before anything was delivered

	store, err = file.Open(dir, file.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	w, err = dossier.New(store, dossier.Settings{})
	if err != nil {
		log.Fatal(err)
	}
	deliver := func(_ context.Context, e event.Event) error {
		fmt.Println(e.Seq, e.Name()) // a host application POSTs a signed webhook here
		return nil
	}
	n, err := w.Drain(ctx, deliver)
	fmt.Println("delivered:", n, err)
	n, err = w.Drain(ctx, deliver)
	fmt.Println("delivered again:", n, err)
	// Output:
	// 1 Case.Created
	// 2 Check.Started
	// 3 Case.ContactHasActionsUpdated
	// 4 Case.FlagsUpdated
	// delivered: 4 <nil>
	// delivered again: 0 <nil>
}
