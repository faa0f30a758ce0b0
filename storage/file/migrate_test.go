package file_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/file"
)

// The fixture testdata/format2 was written by the adapter at commit 99438e4
// (format 2: events inside the records, tombstones for the pending events
// of deleted cases and of events an update dropped), with the program in
// testdata/format2/mkfixture.go.txt; expected.json is what that adapter
// returned: each live case's record events, its version, the pending
// events, and those of the deleted case.

// oldEvent is an event as format 2 encoded it (the actor a bare type).
type oldEvent struct {
	ID       string          `json:"id"`
	Seq      uint64          `json:"seq"`
	CaseID   string          `json:"case_id"`
	Type     event.Type      `json:"type"`
	SubEvent event.SubEvent  `json:"sub_event"`
	ObjectID string          `json:"object_id"`
	Actor    string          `json:"actor"`
	At       time.Time       `json:"at"`
	Payload  json.RawMessage `json:"payload"`
}

type fixtureExpected struct {
	Cases   map[string][]oldEvent `json:"cases"`
	Deleted map[string][]oldEvent `json:"deleted"`
	Pending []oldEvent            `json:"pending"`
	Records map[string]int64      `json:"records"`
}

// copyTree copies the directory src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// sameEvent reports how a migrated event differs from the one format 2
// returned ("" when it does not).
func sameEvent(got event.Event, want oldEvent) string {
	var a, b bytes.Buffer
	_ = json.Compact(&a, got.Payload)
	_ = json.Compact(&b, want.Payload)
	switch {
	case got.ID != want.ID || got.Seq != want.Seq || got.CaseID != want.CaseID:
		return "id, seq or case"
	case got.Type != want.Type || got.SubEvent != want.SubEvent || got.ObjectID != want.ObjectID:
		return "type or object"
	case got.Actor != event.Actor{Type: event.ActorType(want.Actor)}:
		return "actor"
	case !got.At.Equal(want.At):
		return "time"
	case a.String() != b.String():
		return "payload"
	}
	return ""
}

func checkEvents(t *testing.T, what string, got []event.Event, want []oldEvent) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d events, want %d: %v", what, len(got), len(want), got)
	}
	for i := range got {
		if d := sameEvent(got[i], want[i]); d != "" {
			t.Fatalf("%s: event %d (%s) differs in %s: %+v, want %+v", what, i, want[i].ID, d, got[i], want[i])
		}
	}
}

// checkMigrated checks the store opened on the migrated fixture against
// what format 2 said.
func checkMigrated(t *testing.T, s *file.Store, dir string, exp fixtureExpected) {
	t.Helper()
	for id, version := range exp.Records {
		rec, err := s.Get(bg, id)
		if err != nil || rec.Version != version {
			t.Fatalf("Get(%s) = %v, %v; want version %d", id, rec, err, version)
		}
		// The audit log of a case: the events its record held, and those
		// an update had dropped from it (still pending in format 2).
		want := slices.Clone(exp.Cases[id])
		for _, e := range exp.Pending {
			if e.CaseID == id && !slices.ContainsFunc(want, func(w oldEvent) bool { return w.Seq == e.Seq }) {
				want = append(want, e)
			}
		}
		slices.SortFunc(want, func(a, b oldEvent) int { return cmp.Compare(a.Seq, b.Seq) })
		got, err := s.Events(bg, id, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		checkEvents(t, "Events("+id+")", got, want)
		data, err := os.ReadFile(recordPath(dir, id))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte(`"events"`)) {
			t.Fatalf("record file of %s still holds its events", id)
		}
	}
	for id, want := range exp.Deleted {
		if _, err := s.Get(bg, id); err == nil {
			t.Fatalf("deleted case %s is back", id)
		}
		got, err := s.Events(bg, id, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		checkEvents(t, "Events of deleted "+id, got, want)
	}
	pend, err := s.PendingEvents(bg, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	checkEvents(t, "PendingEvents", pend, exp.Pending)
	page, err := s.Query(bg, storage.Query{NameContains: "CASE-B", Count: true})
	if err != nil || page.Total != 1 || len(page.Cases) != 1 || page.Cases[0].ID != "case-b" {
		t.Fatalf("Query on the migrated store = %+v, %v", page, err)
	}
	if tombs, _ := filepath.Glob(filepath.Join(dir, "outbox", "*.tomb")); len(tombs) != 0 {
		t.Fatalf("tombstones left after the migration: %v", tombs)
	}
	if err := s.Verify(bg); err != nil {
		t.Fatalf("Verify: %v", err)
	}
}

// TestMigrateFormat2 opens a directory written by the format-2 adapter: the
// events move to the audit log numbered as they were, pending ones stay
// pending, the records drop them, and the store works on.
func TestMigrateFormat2(t *testing.T) {
	var exp fixtureExpected
	data, err := os.ReadFile("testdata/format2/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &exp); err != nil {
		t.Fatal(err)
	}
	if len(exp.Deleted["case-c"]) == 0 || len(exp.Pending) == 0 {
		t.Fatal("the fixture lacks a deleted case or pending events")
	}
	dir := filepath.Join(t.TempDir(), "store")
	copyTree(t, "testdata/format2/store", dir)

	s := openT(t, dir, file.Options{})
	checkMigrated(t, s, dir, exp)

	// New events are numbered after every migrated one.
	var highest uint64
	for _, e := range exp.Pending {
		highest = max(highest, e.Seq)
	}
	rec := mustGet(t, s, "case-b")
	rec.Case.Name = "Case case-b renamed"
	if _, err := s.Update(bg, rec, event.Event{ID: "new", CaseID: "case-b", Type: event.CaseUpdated, Payload: json.RawMessage(`{}`)}); err != nil {
		t.Fatal(err)
	}
	evs, err := s.Events(bg, "case-b", highest, 0)
	if err != nil || len(evs) != 1 || evs[0].ID != "new" || evs[0].Seq <= highest {
		t.Fatalf("new event after the migration: %v, %v (highest migrated seq %d)", evs, err, highest)
	}

	// The deleted case's events are purged once its deletion is old
	// enough: format 2 did not record when, so the time of its last event
	// stands for it.
	deletedAt := exp.Deleted["case-c"][len(exp.Deleted["case-c"])-1].At
	if n, err := s.PurgeEvents(bg, deletedAt); err != nil || n != 0 {
		t.Fatalf("PurgeEvents(at the deletion) = %d, %v; want 0", n, err)
	}
	if n, err := s.PurgeEvents(bg, deletedAt.Add(time.Second)); err != nil || n != len(exp.Deleted["case-c"]) {
		t.Fatalf("PurgeEvents(after the deletion) = %d, %v; want %d", n, err, len(exp.Deleted["case-c"]))
	}
	if evs, err := s.Events(bg, "case-c", 0, 0); err != nil || len(evs) != 0 {
		t.Fatalf("events of the purged case: %v, %v", evs, err)
	}
}

// TestMigrateFormat2Interrupted: a migration cut after the events reached
// the audit log (the old records, tombstones and index back in place, as
// if the process died before rewriting them) runs again without
// duplicating any event.
func TestMigrateFormat2Interrupted(t *testing.T) {
	var exp fixtureExpected
	data, err := os.ReadFile("testdata/format2/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &exp); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "store")
	copyTree(t, "testdata/format2/store", dir)
	s, err := file.Open(dir, file.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Everything but the audit log and the acknowledgements as format 2
	// left it.
	for _, sub := range []string{"records", "outbox"} {
		copyTree(t, filepath.Join("testdata/format2/store", sub), filepath.Join(dir, sub))
	}
	for _, name := range []string{"index.snap", "index.log"} {
		copyTree(t, filepath.Join("testdata/format2/store", name), filepath.Join(dir, name))
	}
	s = openT(t, dir, file.Options{})
	checkMigrated(t, s, dir, exp)
}
