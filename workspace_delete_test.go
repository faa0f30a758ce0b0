package dossier_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage/memory"
)

// TestDeleteRestorable deletes cases by id and by external id, restorably
// and permanently, and restores within and after the undo period.
func TestDeleteRestorable(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	w, err := dossier.New(memory.New(), dossier.Settings{DeleteUndoPeriod: 48 * time.Hour}, dossier.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	mk := func(ext string) string {
		c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme", ExternalID: ext, Companies: []entity.CompanyInput{{Name: "Acme SA"}}})
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	gone := func(id string) {
		t.Helper()
		if _, err := w.GetCase(ctx, id); !errors.Is(err, dossier.ErrNotFound) {
			t.Fatalf("GetCase after delete: %v", err)
		}
		if _, err := w.GetRecord(ctx, id); !errors.Is(err, dossier.ErrNotFound) {
			t.Fatalf("GetRecord after delete: %v", err)
		}
		page, err := w.ListCases(ctx, dossier.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page.Cases {
			if c.ID == id {
				t.Fatal("a deleted case is listed")
			}
		}
	}

	t.Run("restorable by external id, restored within the period", func(t *testing.T) {
		id := mk("crm-1")
		if err := w.Delete(ctx, "crm-1", dossier.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		gone(id)
		if _, err := w.UpdateCase(ctx, id, dossier.UpdateCaseInput{}); err != nil && !errors.Is(err, dossier.ErrNotFound) {
			t.Fatal(err)
		}
		if err := w.Delete(ctx, id, dossier.DeleteOptions{}); !errors.Is(err, dossier.ErrNotFound) {
			t.Fatalf("second restorable delete: %v", err)
		}
		now = now.Add(47 * time.Hour)
		c, err := w.RestoreCase(ctx, id)
		if err != nil || c.ID != id {
			t.Fatalf("restore: %v", err)
		}
		if _, err := w.GetCase(ctx, "crm-1"); err != nil {
			t.Fatal(err)
		}
		var types []event.Type
		for _, e := range allEvents(t, w, id) {
			types = append(types, e.Type)
		}
		if n := len(types); n < 2 || types[n-2] != event.CaseDeleted || types[n-1] != event.CaseRestored {
			t.Fatalf("events %v", types)
		}
	})
	t.Run("not restorable after the period", func(t *testing.T) {
		id := mk("")
		if err := w.Delete(ctx, id, dossier.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		now = now.Add(48*time.Hour + time.Second)
		if _, err := w.RestoreCase(ctx, id); !errors.Is(err, dossier.ErrNotFound) {
			t.Fatalf("restore after the period: %v", err)
		}
		gone(id)
		if err := w.Delete(ctx, id, dossier.DeleteOptions{Permanent: true}); err != nil {
			t.Fatalf("permanent delete of a deleted case: %v", err)
		}
	})
	t.Run("permanent", func(t *testing.T) {
		id := mk("crm-2")
		if err := w.Delete(ctx, "crm-2", dossier.DeleteOptions{Permanent: true}); err != nil {
			t.Fatal(err)
		}
		gone(id)
		if _, err := w.RestoreCase(ctx, id); !errors.Is(err, dossier.ErrNotFound) {
			t.Fatalf("restore after a permanent delete: %v", err)
		}
		if _, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "again", ExternalID: "crm-2"}); err != nil {
			t.Fatalf("the external id of a permanently deleted case is free: %v", err)
		}
	})
	t.Run("restore of a live case", func(t *testing.T) {
		if _, err := w.RestoreCase(ctx, mk("")); !errors.Is(err, dossier.ErrNotFound) {
			t.Fatalf("err = %v", err)
		}
	})
}
