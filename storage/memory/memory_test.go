package memory_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/memory"
	"github.com/dossierkit/dossier/storage/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) storage.Store { return memory.New() })
}

// TestPurgeEventsOfRecreatedCase checks that purging a case id deleted and
// created again removes only the events of the deleted case, whatever the
// purge time says about later deletions.
func TestPurgeEventsOfRecreatedCase(t *testing.T) {
	ctx := context.Background()
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	ev := func(id string) event.Event {
		return event.Event{ID: id, CaseID: "c1", Type: event.CaseUpdated, At: day, Payload: json.RawMessage(`{}`)}
	}
	rec := func() *storage.Record {
		return &storage.Record{Case: cases.Case{ID: "c1", Name: "c1", Status: cases.StatusOpen, CreatedAt: day, UpdatedAt: day}}
	}
	tests := []struct {
		name        string
		purgeBefore time.Time
		wantRemoved int
		wantLeft    string
	}{
		{"before the first deletion", day, 0, "a1 a2 b1 b2 c1 "},
		{"after the first deletion", day.AddDate(1, 0, 1), 2, "b1 b2 c1 "},
		{"after the second deletion", day.AddDate(2, 0, 1), 4, "c1 "},
		{"long after, the case still live", day.AddDate(9, 0, 0), 4, "c1 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := memory.New()
			// Three lives of case c1: deleted after one year, deleted after
			// two years, then live.
			for i, life := range []string{"a", "b", "c"} {
				created, err := s.Create(ctx, rec(), ev(life+"1"))
				if err != nil {
					t.Fatal(err)
				}
				if life == "c" {
					break
				}
				if err := s.Delete(ctx, "c1", created.Version, day.AddDate(i+1, 0, 0), ev(life+"2")); err != nil {
					t.Fatal(err)
				}
			}
			n, err := s.PurgeEvents(ctx, tt.purgeBefore)
			if err != nil || n != tt.wantRemoved {
				t.Fatalf("PurgeEvents = %d, %v; want %d", n, err, tt.wantRemoved)
			}
			log, err := s.Events(ctx, "c1", 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			for _, e := range log {
				got += e.ID + " "
			}
			if got != tt.wantLeft {
				t.Fatalf("audit log after the purge = %q, want %q", got, tt.wantLeft)
			}
			pending, err := s.PendingEvents(ctx, 0, 0)
			if err != nil || len(pending) != len(log) {
				t.Fatalf("%d events pending, %v; want the %d left in the log", len(pending), err, len(log))
			}
		})
	}
}
