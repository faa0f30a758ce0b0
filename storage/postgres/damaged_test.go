package postgres_test

import (
	"context"
	"errors"
	"testing"

	"github.com/dossierkit/dossier/storage"
)

// TestDamagedAndQuarantine: a case whose stored JSON cannot be decoded is
// reported, not fatal, and Quarantine sets it aside with its bytes while
// its audit log stays.
func TestDamagedAndQuarantine(t *testing.T) {
	s := newStore(t)
	pool := testPool(t)
	ctx := context.Background()
	for _, id := range []string{"a", "b", "c"} {
		if _, err := s.Create(ctx, newRecord(id, "ext-"+id), newEvent(id, 0)); err != nil {
			t.Fatal(err)
		}
	}
	const bad = `{"id":"b","status":42}`
	if _, err := pool.Exec(ctx, "UPDATE dossier_cases SET case_doc = $3, record = $4 WHERE workspace_id = $1 AND id = $2",
		s.WorkspaceID(), "b", bad, `{"version":1,"case":`+bad+`}`); err != nil {
		t.Fatal(err)
	}

	page, err := s.Query(ctx, storage.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Cases) != 2 || page.Cases[0].ID != "a" || page.Cases[1].ID != "c" {
		t.Fatalf("page cases = %v, want a and c", page.Cases)
	}
	if len(page.Damaged) != 1 || page.Damaged[0].CaseID != "b" {
		t.Fatalf("page damaged = %v, want b", page.Damaged)
	}
	var damaged *storage.DamagedError
	if _, err := s.Get(ctx, "b"); !errors.As(err, &damaged) || damaged.CaseID != "b" {
		t.Fatalf("Get of the damaged case = %v, want a *storage.DamagedError", err)
	}

	if err := s.Quarantine(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "b"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("Get after quarantine = %v, want ErrNotFound", err)
	}
	if _, err := s.GetByExternalID(ctx, "ext-b"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("GetByExternalID after quarantine = %v, want ErrNotFound", err)
	}
	page, err = s.Query(ctx, storage.Query{Count: true})
	if err != nil || page.Total != 2 || len(page.Damaged) != 0 {
		t.Fatalf("query after quarantine: %d cases, %v damaged, %v", page.Total, page.Damaged, err)
	}
	var kept string
	if err := pool.QueryRow(ctx, "SELECT record FROM dossier_quarantine WHERE workspace_id = $1 AND case_id = $2", s.WorkspaceID(), "b").Scan(&kept); err != nil || kept != `{"version":1,"case":`+bad+`}` {
		t.Fatalf("quarantined bytes = %q, %v", kept, err)
	}
	if evs, err := s.Events(ctx, "b", 0, 0); err != nil || len(evs) != 1 {
		t.Fatalf("audit log after quarantine = %v, %v; want its event", evs, err)
	}
	if err := s.Quarantine(ctx, "b"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("quarantining it again = %v, want ErrNotFound", err)
	}
	// The external id is free again.
	if _, err := s.Create(ctx, newRecord("b2", "ext-b")); err != nil {
		t.Fatalf("reusing the quarantined case's external id: %v", err)
	}
}
