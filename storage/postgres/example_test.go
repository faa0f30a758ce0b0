package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/postgres"
)

// A host saves a case inside its own transaction: its own row (here an
// onboarding request) and the case with its events commit together, or
// roll back together.
func ExampleStore_WithTx() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DOSSIER_TEST_POSTGRES_DSN"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer pool.Close()
	store, err := postgres.New(ctx, pool, "example-"+uuid.NewString(), postgres.AutoMigrate())
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS example_onboarding (
		workspace_id text, case_id text, customer text)`); err != nil {
		fmt.Println(err)
		return
	}

	onboard := func(caseID, customer string, fail bool) error {
		return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, "INSERT INTO example_onboarding VALUES ($1, $2, $3)",
				store.WorkspaceID(), caseID, customer)
			if err != nil {
				return err
			}
			rec := &storage.Record{Case: cases.Case{ID: caseID, Name: customer, Status: cases.StatusOpen}}
			created := event.Event{ID: caseID + "-created", CaseID: caseID, Type: event.CaseCreated, ObjectID: caseID}
			if _, err := store.WithTx(tx).Create(ctx, rec, created); err != nil {
				return err
			}
			if fail {
				return errors.New("the host's next step failed")
			}
			return nil // BeginFunc commits
		})
	}
	fmt.Println("acme:", onboard("case-1", "Acme Ltd", false))
	fmt.Println("globex:", onboard("case-2", "Globex", true))

	for _, id := range []string{"case-1", "case-2"} {
		_, err := store.Get(ctx, id)
		var rows int
		_ = pool.QueryRow(ctx, "SELECT count(*) FROM example_onboarding WHERE workspace_id = $1 AND case_id = $2",
			store.WorkspaceID(), id).Scan(&rows)
		evs, _ := store.Events(ctx, id, 0, 0)
		fmt.Printf("%s: stored=%v host rows=%d events=%d\n", id, err == nil, rows, len(evs))
	}
	// Output:
	// acme: <nil>
	// globex: the host's next step failed
	// case-1: stored=true host rows=1 events=1
	// case-2: stored=false host rows=0 events=0
}

// Open a store of one workspace on a database (migrating it), save a case
// with the event of its creation, and find it again by query and in the
// outbox.
func Example() {
	ctx := context.Background()
	dsn := os.Getenv("DOSSIER_TEST_POSTGRES_DSN") // postgres://user@host/db
	store, err := postgres.Open(ctx, dsn, "example-"+uuid.NewString(), postgres.AutoMigrate())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()

	rec := &storage.Record{Case: cases.Case{ID: "case-1", Name: "Acme Ltd", Status: cases.StatusOpen, ExternalID: "crm-42"}}
	created := event.Event{ID: "ev-1", CaseID: "case-1", Type: event.CaseCreated, ObjectID: "case-1"}
	if _, err := store.Create(ctx, rec, created); err != nil {
		fmt.Println(err)
		return
	}
	_, err = store.Create(ctx, &storage.Record{Case: cases.Case{ID: "case-2", Name: "Copy", ExternalID: "crm-42"}})
	fmt.Println("same external id:", errors.Is(err, storage.ErrDuplicateExternalID))

	page, err := store.Query(ctx, storage.Query{NameContains: "ACME", Count: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("found:", page.Total, page.Cases[0].Name)

	pending, err := store.PendingEvents(ctx, 0, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("pending:", len(pending), pending[0].Type)
	// Output:
	// same external id: true
	// found: 1 Acme Ltd
	// pending: 1 Case.Created
}
