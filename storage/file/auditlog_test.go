package file_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/file"
)

func newEvent(caseID, id string) event.Event {
	return event.Event{ID: id, CaseID: caseID, Type: event.CaseUpdated, SubEvent: event.InfoUpdated,
		ObjectID: caseID, At: epoch, Payload: json.RawMessage(`{"id":"` + id + `"}`)}
}

func eventIDs(evs []event.Event) string {
	var ids []string
	for _, e := range evs {
		ids = append(ids, e.ID)
	}
	return strings.Join(ids, ",")
}

// damageAudit flips a byte inside the frame holding the event with this
// id in the audit log of dir.
func damageAudit(t *testing.T, dir, eventID string) {
	t.Helper()
	path := filepath.Join(dir, "audit.log")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(data, []byte(`"id":"`+eventID+`"`))
	if i < 0 {
		t.Fatalf("event %s not in the audit log", eventID)
	}
	data[i+6] ^= 0x01
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestAuditLogDamage: a damaged frame of the audit log does not stop the
// outbox: PendingEvents returns the readable events of the page and
// reports the damaged ones (case id, *CorruptError with their Seqs); the
// case's own Events report it; acknowledging the Seqs gives them up; the
// records and other cases are untouched.
func TestAuditLogDamage(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, file.Options{})
	a := mustCreate(t, s, record("a", "", 0))
	if _, err := s.Create(bg, record("b", "", 0), newEvent("b", "b1")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(bg, a, newEvent("a", "a1"), newEvent("a", "a2")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(bg, record("c", "", 0), newEvent("c", "c1")); err != nil {
		t.Fatal(err)
	}
	damageAudit(t, dir, "a2")

	for _, who := range []string{"open store", "reopened"} {
		if who == "reopened" {
			s = reopen(t, s, file.Options{})
		}
		page, err := s.PendingEvents(bg, 0, 0)
		var de *storage.DamagedError
		var ce *file.CorruptError
		if !errors.As(err, &de) || de.CaseID != "a" || !errors.As(err, &ce) || !errors.Is(err, file.ErrCorrupt) {
			t.Fatalf("%s: PendingEvents error = %v, want a *storage.DamagedError of case a with a *CorruptError", who, err)
		}
		if !slices.Equal(ce.Seqs, []uint64{2, 3}) || strings.Contains(err.Error(), dir) {
			t.Fatalf("%s: CorruptError %+v (%v)", who, ce, err)
		}
		if got := eventIDs(page); got != "b1,c1" {
			t.Fatalf("%s: PendingEvents = %s, want the readable events b1,c1", who, got)
		}
		if _, err := s.Events(bg, "a", 0, 0); !errors.Is(err, file.ErrCorrupt) {
			t.Fatalf("%s: Events(a) = %v, want ErrCorrupt", who, err)
		}
		if evs, err := s.Events(bg, "c", 0, 0); err != nil || eventIDs(evs) != "c1" {
			t.Fatalf("%s: Events(c) = %v, %v", who, evs, err)
		}
		if err := s.Verify(bg); err == nil {
			t.Fatalf("%s: Verify found nothing", who)
		}
	}
	mustGet(t, s, "a")
	// Giving the damaged events up.
	if err := s.AckEvents(bg, 1, 2, 3, 4); err != nil {
		t.Fatal(err)
	}
	if page, err := s.PendingEvents(bg, 0, 0); err != nil || len(page) != 0 {
		t.Fatalf("after acknowledging the damaged events: %v, %v", page, err)
	}
	// Writes go on; the frame stays damaged (the log is never rewritten
	// but by a purge), which Verify keeps reporting.
	if _, err := s.Create(bg, record("d", "", 0), newEvent("d", "d1")); err != nil {
		t.Fatal(err)
	}
	if page, err := s.PendingEvents(bg, 0, 0); err != nil || eventIDs(page) != "d1" {
		t.Fatalf("after a new write: %v, %v", page, err)
	}
	s.Close()
}

// TestQuarantine: Quarantine moves a damaged record file, whatever its
// version, to the quarantine directory; the case leaves every read and
// index; its audit log stays; the store verifies clean again.
func TestQuarantine(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, file.Options{})
	var _ storage.Quarantiner = s
	if _, err := s.Create(bg, record("a", "ext-a", 1), newEvent("a", "a1")); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, record("b", "ext-b", 1))
	damageFile(t, dir, "a", func(b []byte) []byte { b[len(b)-2] ^= 0x10; return b })
	original, err := os.ReadFile(recordPath(dir, "a"))
	if err != nil {
		t.Fatal(err)
	}
	page, err := s.Query(bg, storage.Query{})
	if err != nil || len(page.Damaged) != 1 || page.Damaged[0].CaseID != "a" {
		t.Fatalf("Query before: %+v, %v", page, err)
	}
	if err := s.Quarantine(bg, "a"); err != nil {
		t.Fatal(err)
	}
	if err := s.Quarantine(bg, "a"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("second Quarantine: %v, want ErrNotFound", err)
	}
	for _, who := range []string{"open store", "reopened", "rebuilt"} {
		switch who {
		case "reopened":
			s = reopen(t, s, file.Options{})
		case "rebuilt":
			s = reopen(t, s, file.Options{Rebuild: true})
		}
		wantNotFound(t, who+": Get", func() error { _, err := s.Get(bg, "a"); return err }())
		wantNotFound(t, who+": GetByExternalID", func() error { _, err := s.GetByExternalID(bg, "ext-a"); return err }())
		wantNotFound(t, who+": CaseOfEntity", func() error { _, err := s.CaseOfEntity(bg, "a-ch0"); return err }())
		if page, err := s.Query(bg, storage.Query{Count: true}); err != nil || page.Total != 1 || len(page.Damaged) != 0 {
			t.Fatalf("%s: Query after: %+v, %v", who, page, err)
		}
		if evs, err := s.Events(bg, "a", 0, 0); err != nil || eventIDs(evs) != "a1" {
			t.Fatalf("%s: the audit log of the quarantined case: %v, %v", who, evs, err)
		}
		if err := s.Verify(bg); err != nil {
			t.Fatalf("%s: Verify: %v", who, err)
		}
	}
	moved, err := filepath.Glob(filepath.Join(dir, "quarantine", "*.rec"))
	if err != nil || len(moved) != 1 || !strings.HasPrefix(filepath.Base(moved[0]), strings.TrimSuffix(filepath.Base(recordPath(dir, "a")), ".rec")+"-") {
		t.Fatalf("quarantine directory: %v, %v", moved, err)
	}
	if kept, err := os.ReadFile(moved[0]); err != nil || !bytes.Equal(kept, original) {
		t.Fatalf("the quarantined bytes differ from the damaged file: %v", err)
	}
	// The id is free again.
	mustCreate(t, s, record("a", "ext-a", 0))
}

// TestPurgeEventsReopen: a purge survives reopening and rebuilding, other
// stores on the directory follow it, and events are numbered on after it.
func TestPurgeEventsReopen(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, file.Options{})
	other := openT(t, dir, file.Options{})
	a, err := s.Create(bg, record("a", "", 0), newEvent("a", "a1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(bg, record("b", "", 0), newEvent("b", "b1")); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(bg, "a", a.Version, epoch, newEvent("a", "a-deleted")); err != nil {
		t.Fatal(err)
	}
	if evs, err := other.Events(bg, "a", 0, 0); err != nil || eventIDs(evs) != "a1,a-deleted" {
		t.Fatalf("other store before the purge: %v, %v", evs, err)
	}
	if n, err := s.PurgeEvents(bg, epoch.Add(time.Hour)); err != nil || n != 2 {
		t.Fatalf("PurgeEvents = %d, %v", n, err)
	}
	for _, st := range []*file.Store{s, other} {
		if evs, err := st.Events(bg, "a", 0, 0); err != nil || len(evs) != 0 {
			t.Fatalf("events of a after the purge: %v, %v", evs, err)
		}
		if page, err := st.PendingEvents(bg, 0, 0); err != nil || eventIDs(page) != "b1" {
			t.Fatalf("pending after the purge: %v, %v", page, err)
		}
	}
	for _, opts := range []file.Options{{}, {Rebuild: true}} {
		s = reopen(t, s, opts)
		if evs, err := s.Events(bg, "b", 0, 0); err != nil || eventIDs(evs) != "b1" {
			t.Fatalf("%+v: events of b: %v, %v", opts, evs, err)
		}
		if n, err := s.PurgeEvents(bg, epoch.Add(time.Hour)); err != nil || n != 0 {
			t.Fatalf("%+v: a second purge = %d, %v", opts, n, err)
		}
	}
	if _, err := s.Create(bg, record("c", "", 0), newEvent("c", "c1")); err != nil {
		t.Fatal(err)
	}
	if evs, err := other.Events(bg, "c", 0, 0); err != nil || len(evs) != 1 || evs[0].Seq != 4 {
		t.Fatalf("an event after the purge: %+v, %v (want seq 4: numbers are never given twice)", evs, err)
	}
}

// TestPurgeCutShort: a purge that replaced the audit log but died before
// writing the new index leaves an index describing the old log; a Store
// open all along and a new one both notice (the log's epoch and identity)
// and rebuild, and a writer never appends to the replaced file.
func TestPurgeCutShort(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, file.Options{})
	a, err := s.Create(bg, record("a", "", 0), newEvent("a", "a1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(bg, record("b", "", 0), newEvent("b", "b1")); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(bg, "a", a.Version, epoch, newEvent("a", "a-gone")); err != nil {
		t.Fatal(err)
	}
	// The purged log, made in a copy of the directory.
	other := filepath.Join(t.TempDir(), "copy")
	copyTree(t, dir, other)
	c, err := file.Open(other, file.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := c.PurgeEvents(bg, epoch.Add(time.Hour)); err != nil || n != 2 {
		t.Fatalf("PurgeEvents = %d, %v", n, err)
	}
	c.Close()
	purged, err := os.ReadFile(filepath.Join(other, "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	// Renamed into place, as the purge does after announcing a change in
	// the lock file (its sequence number, bumped), and nothing else.
	bumpLockSeq(t, filepath.Join(dir, "LOCK"))
	tmp := filepath.Join(dir, "audit.log.tmp-test")
	if err := os.WriteFile(tmp, purged, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "audit.log")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(bg, record("c", "", 0), newEvent("c", "c1")); err != nil {
		t.Fatal(err)
	}
	for _, st := range []*file.Store{s, openT(t, dir, file.Options{})} {
		for id, want := range map[string]string{"a": "", "b": "b1", "c": "c1"} {
			if evs, err := st.Events(bg, id, 0, 0); err != nil || eventIDs(evs) != want {
				t.Fatalf("Events(%s) = %v, %v; want %q", id, evs, err, want)
			}
		}
		if _, got := pendingIDs(t, st); got != "b1 c1" {
			t.Fatalf("pending = %q", got)
		}
	}
}

// bumpLockSeq increments the change sequence in the lock file, as every
// writer does before it changes anything (layout: magic "DOSSLCK\n", seq
// uint64, synced uint64, CRC-32C of those 24 bytes, 4 zero bytes).
func bumpLockSeq(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil || len(data) < 32 || string(data[:8]) != "DOSSLCK\n" {
		t.Fatalf("lock file: %v", err)
	}
	binary.LittleEndian.PutUint64(data[8:], binary.LittleEndian.Uint64(data[8:])+1)
	binary.LittleEndian.PutUint32(data[24:], crc32.Checksum(data[:24], crc32.MakeTable(crc32.Castagnoli)))
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
