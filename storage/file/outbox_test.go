package file_test

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/file"
	"github.com/dossierkit/dossier/validation"
)

// newEvent returns a new event (Seq 0) of case caseID.
func newEvent(caseID, id string) event.Event {
	return event.Event{ID: id, CaseID: caseID, Type: event.CaseUpdated, SubEvent: event.InfoUpdated,
		ObjectID: caseID, At: epoch, Payload: json.RawMessage(`{"id":"` + id + `"}`)}
}

// withEvents appends new events with the given ids to rec.
func withEvents(rec *storage.Record, ids ...string) *storage.Record {
	for _, id := range ids {
		rec.Events = append(rec.Events, newEvent(rec.Case.ID, id))
	}
	return rec
}

func mustUpdate(t *testing.T, s storage.Store, rec *storage.Record) *storage.Record {
	t.Helper()
	got, err := s.Update(bg, rec)
	if err != nil {
		t.Fatalf("Update(%s): %v", rec.Case.ID, err)
	}
	return got
}

// pendingEvents drains every pending event of o, three at a time, checking
// the order.
func pendingEvents(t *testing.T, o storage.Outbox) []event.Event {
	t.Helper()
	var all []event.Event
	var after uint64
	for {
		page, err := o.PendingEvents(bg, after, 3)
		if err != nil {
			t.Fatalf("PendingEvents: %v", err)
		}
		if len(page) == 0 {
			return all
		}
		for _, e := range page {
			if e.Seq <= after {
				t.Fatalf("PendingEvents: seq %d after %d", e.Seq, after)
			}
			after = e.Seq
		}
		all = append(all, page...)
	}
}

func eventIDs(evs []event.Event) string {
	var ids []string
	for _, e := range evs {
		ids = append(ids, e.ID)
	}
	return strings.Join(ids, " ")
}

// wantPending checks the ids of the pending events of o, in order.
func wantPending(t *testing.T, who string, o storage.Outbox, want string) []event.Event {
	t.Helper()
	got := pendingEvents(t, o)
	if ids := eventIDs(got); ids != want {
		t.Fatalf("%s: pending = %q, want %q", who, ids, want)
	}
	return got
}

// ack acknowledges the events with the given ids among evs.
func ack(t *testing.T, o storage.Outbox, evs []event.Event, ids ...string) {
	t.Helper()
	var seqs []uint64
	for _, id := range ids {
		i := slices.IndexFunc(evs, func(e event.Event) bool { return e.ID == id })
		if i < 0 {
			t.Fatalf("ack: no event %s in %q", id, eventIDs(evs))
		}
		seqs = append(seqs, evs[i].Seq)
	}
	if err := o.AckEvents(bg, seqs...); err != nil {
		t.Fatalf("AckEvents: %v", err)
	}
}

func maxSeq(evs []event.Event) uint64 {
	var m uint64
	for _, e := range evs {
		m = max(m, e.Seq)
	}
	return m
}

// tombs lists the tombstone files of the store in dir.
func tombs(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	for _, de := range mustReadDir(t, filepath.Join(dir, "outbox")) {
		if strings.HasSuffix(de.Name(), ".tomb") {
			names = append(names, de.Name())
		}
	}
	return names
}

func deletionEvent(caseID, id string) event.Event {
	e := newEvent(caseID, id)
	e.Type, e.SubEvent = event.CaseDeleted, ""
	return e
}

// outboxFixture saves, through s: case a (a1 a2, then a3), case b (b1),
// case c (c1 c2, deleted with c-gone); and acknowledges a2, b1 and c1 (not a
// prefix). The pending events are then "a1 a3 c2 c-gone".
func outboxFixture(t *testing.T, s *file.Store) (all []event.Event) {
	t.Helper()
	a := mustCreate(t, s, withEvents(record("a", "ext-a", 1), "a1", "a2"))
	mustCreate(t, s, withEvents(record("b", "ext-b", 0), "b1"))
	mustUpdate(t, s, withEvents(a.Clone(), "a3"))
	c := mustCreate(t, s, withEvents(record("c", "", 0), "c1", "c2"))
	all = pendingEvents(t, s)
	ack(t, s, all, "a2", "b1", "c1")
	if err := s.Delete(bg, "c", c.Version, deletionEvent("c", "c-gone")); err != nil {
		t.Fatal(err)
	}
	return wantPending(t, "fixture", s, "a1 a3 c2 c-gone")
}

// TestOutboxReopen: pending events and acknowledgements survive closing the
// store, rebuilding its index and losing its index files; audit trails keep
// acknowledged events; numbers are never given twice.
func TestOutboxReopen(t *testing.T) {
	const want = "a1 a3 c2 c-gone"
	reopens := []struct {
		name string
		harm func(t *testing.T, dir string)
		opts file.Options
	}{
		{"plain", nil, file.Options{}},
		{"rebuild option", nil, file.Options{Rebuild: true}},
		{"index files lost", func(t *testing.T, dir string) {
			for _, n := range []string{"index.snap", "index.log"} {
				if err := os.Remove(filepath.Join(dir, n)); err != nil {
					t.Fatal(err)
				}
			}
		}, file.Options{}},
		{"no fsync", nil, file.Options{NoSync: true}},
	}
	for _, tt := range reopens {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s := openT(t, dir, tt.opts)
			before := outboxFixture(t, s)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if tt.harm != nil {
				tt.harm(t, dir)
			}
			s = openT(t, dir, tt.opts)
			got := wantPending(t, "after reopen", s, want)
			for i := range got {
				if got[i].Seq != before[i].Seq || string(got[i].Payload) != string(before[i].Payload) || got[i].CaseID != before[i].CaseID {
					t.Fatalf("event %s changed across reopen: %+v, was %+v", got[i].ID, got[i], before[i])
				}
			}
			if trail := eventIDs(mustGet(t, s, "a").Events); trail != "a1 a2 a3" {
				t.Fatalf("audit trail of a = %q, want all three events", trail)
			}
			d := mustCreate(t, s, withEvents(record("d", "", 0), "d1"))
			if d.Events[0].Seq <= maxSeq(before) {
				t.Fatalf("new event numbered %d after reopen, not above %d", d.Events[0].Seq, maxSeq(before))
			}
			wantPending(t, "after a new case", s, want+" d1")
		})
	}
}

// TestOutboxNumbersNeverReused: once every event is acknowledged and every
// tombstone removed, even a store whose index files are lost numbers new
// events above every number given before.
func TestOutboxNumbersNeverReused(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, file.Options{})
	evs := outboxFixture(t, s)
	top := maxSeq(evs) // c-gone: the case is gone, its tombstone soon too
	ack(t, s, evs, "a1", "a3", "c2", "c-gone")
	if n := tombs(t, dir); len(n) != 0 {
		t.Fatalf("tombstones left after every event was acknowledged: %v", n)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"index.snap", "index.log"} {
		if err := os.Remove(filepath.Join(dir, n)); err != nil {
			t.Fatal(err)
		}
	}
	s = openT(t, dir, file.Options{})
	wantPending(t, "after rebuild", s, "")
	e := mustCreate(t, s, withEvents(record("e", "", 0), "e1"))
	if e.Events[0].Seq <= top {
		t.Fatalf("event numbered %d, but %d was given before", e.Events[0].Seq, top)
	}
}

// TestOutboxTombstones: a delete keeps the case's pending events and its
// deletion events in a tombstone, across reopen, until all are
// acknowledged; then the tombstone is removed.
func TestOutboxTombstones(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, file.Options{})
	a := mustCreate(t, s, withEvents(record("a", "ext-a", 1), "e1", "e2", "e3"))
	ack(t, s, pendingEvents(t, s), "e1")
	if err := s.Delete(bg, "a", a.Version, deletionEvent("a", "gone")); err != nil {
		t.Fatal(err)
	}
	if n := tombs(t, dir); len(n) != 1 {
		t.Fatalf("tombstones after a delete: %v, want one", n)
	}
	s = reopen(t, s, file.Options{})
	evs := wantPending(t, "after reopen", s, "e2 e3 gone")
	ack(t, s, evs, "e3", "gone")
	if n := tombs(t, dir); len(n) != 1 {
		t.Fatalf("tombstone removed while e2 is pending: %v", n)
	}
	s = reopen(t, s, file.Options{Rebuild: true})
	evs = wantPending(t, "after rebuild", s, "e2")
	ack(t, s, evs, "e2")
	if n := tombs(t, dir); len(n) != 0 {
		t.Fatalf("tombstones left after every event was acknowledged: %v", n)
	}
	s = reopen(t, s, file.Options{})
	wantPending(t, "after reopen", s, "")
	// The case id can be used again; the old events stay acknowledged.
	mustCreate(t, s, withEvents(record("a", "ext-a", 0), "new"))
	wantPending(t, "after re-creating the case", s, "new")
	// A case without pending events leaves no tombstone.
	b := mustCreate(t, s, record("b", "", 0))
	if err := s.Delete(bg, "b", b.Version); err != nil {
		t.Fatal(err)
	}
	if n := tombs(t, dir); len(n) != 0 {
		t.Fatalf("a delete with no events left a tombstone: %v", n)
	}
}

// TestOutboxUpdateDropsPending: an update whose record no longer holds a
// pending event does not lose it.
func TestOutboxUpdateDropsPending(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, file.Options{})
	a := mustCreate(t, s, withEvents(record("a", "", 0), "e1", "e2", "e3"))
	ack(t, s, pendingEvents(t, s), "e1")
	trimmed := a.Clone()
	trimmed.Events = trimmed.Events[2:] // drops e1 (acknowledged) and e2 (pending)
	a = mustUpdate(t, s, withEvents(trimmed, "e4"))
	if trail := eventIDs(mustGet(t, s, "a").Events); trail != "e3 e4" {
		t.Fatalf("audit trail = %q", trail)
	}
	wantPending(t, "after the update", s, "e2 e3 e4")
	s = reopen(t, s, file.Options{})
	evs := wantPending(t, "after reopen", s, "e2 e3 e4")
	ack(t, s, evs, "e2")
	if n := tombs(t, dir); len(n) != 0 {
		t.Fatalf("tombstones left: %v", n)
	}
	wantPending(t, "after ack", s, "e3 e4")
	_ = a
}

// TestOutboxForeignSeq: an event with a number the store never gave is
// refused; nothing is saved.
func TestOutboxForeignSeq(t *testing.T) {
	s := openT(t, t.TempDir(), file.Options{})
	rec := withEvents(record("a", "", 0), "e1")
	rec.Events[0].Seq = 42
	_, err := s.Create(bg, rec)
	var verr *validation.Error
	if !errors.As(err, &verr) || !verr.Has("events[0].seq", validation.CodeInvalidValue) {
		t.Fatalf("Create with a foreign seq: %v, want a *validation.Error on events[0].seq", err)
	}
	wantNotFound(t, "refused case", func() error { _, err := s.Get(bg, "a"); return err }())
	a := mustCreate(t, s, withEvents(record("a", "", 0), "e1"))
	upd := withEvents(a.Clone(), "e2")
	upd.Events[1].Seq = a.Events[0].Seq + 5
	if _, err := s.Update(bg, upd); !errors.Is(err, validation.ErrInvalid) {
		t.Fatalf("Update with a foreign seq: %v", err)
	}
	wantPending(t, "after refused writes", s, "e1")
}

// TestOutboxTwoStores: two Stores on one directory (as two processes) see
// each other's events, acknowledgements and tombstones.
func TestOutboxTwoStores(t *testing.T) {
	dir := t.TempDir()
	s1 := openT(t, dir, file.Options{})
	s2 := openT(t, dir, file.Options{})
	a := mustCreate(t, s1, withEvents(record("a", "", 0), "a1"))
	evs := wantPending(t, "s2", s2, "a1")
	ack(t, s2, evs, "a1")
	wantPending(t, "s1 after s2's ack", s1, "")
	b := mustCreate(t, s2, withEvents(record("b", "", 0), "b1", "b2"))
	if err := s1.Delete(bg, "b", b.Version, deletionEvent("b", "b-gone")); err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, s1, withEvents(a, "a2"))
	evs = wantPending(t, "s2 after s1's delete", s2, "b1 b2 b-gone a2")
	ack(t, s1, evs, "b2", "b-gone")
	wantPending(t, "s2 after s1's ack", s2, "b1 a2")
	ack(t, s2, evs, "b1")
	if n := tombs(t, dir); len(n) != 0 {
		t.Fatalf("tombstones left: %v", n)
	}
	wantPending(t, "s1 at the end", s1, "a2")
}

// damageTomb applies fn to the bytes of the only tombstone in dir.
func damageTomb(t *testing.T, dir string, fn func([]byte) []byte) string {
	t.Helper()
	names := tombs(t, dir)
	if len(names) != 1 {
		t.Fatalf("tombstones %v, want one", names)
	}
	path := filepath.Join(dir, "outbox", names[0])
	if fn == nil {
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		return path
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, fn(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestOutboxDamagedTombstone: a tombstone that cannot be read stops the
// outbox with a *CorruptError (its events cannot be placed in order) until
// an operator removes it and rebuilds: never a silent loss.
func TestOutboxDamagedTombstone(t *testing.T) {
	tests := []struct {
		name   string
		damage func([]byte) []byte // nil: remove the file
		reason string
	}{
		{"bit flip", func(b []byte) []byte { b[len(b)-3] ^= 0x20; return b }, "checksum"},
		{"truncated", func(b []byte) []byte { return b[:len(b)/2] }, "truncated"},
		{"removed", nil, "missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s := openT(t, dir, file.Options{})
			a := mustCreate(t, s, withEvents(record("a", "", 0), "e1"))
			if err := s.Delete(bg, "a", a.Version, deletionEvent("a", "gone")); err != nil {
				t.Fatal(err)
			}
			wantPending(t, "before", s, "e1 gone")
			path := damageTomb(t, dir, tt.damage)
			s = reopen(t, s, file.Options{})
			_, err := s.PendingEvents(bg, 0, 0)
			var ce *file.CorruptError
			if !errors.Is(err, file.ErrCorrupt) || !errors.As(err, &ce) || ce.Path != path || !strings.Contains(ce.Reason, tt.reason) {
				t.Fatalf("PendingEvents = %v, want a *CorruptError for %s (%s)", err, path, tt.reason)
			}
			if err := s.Verify(bg); !errors.Is(err, file.ErrCorrupt) {
				t.Fatalf("Verify = %v, want ErrCorrupt", err)
			}
			// Cases are still written; the outbox stays stopped.
			mustCreate(t, s, withEvents(record("b", "", 0), "b1"))
			if _, err := s.PendingEvents(bg, 0, 0); !errors.Is(err, file.ErrCorrupt) {
				t.Fatalf("PendingEvents after another write = %v", err)
			}
			// Giving the events up is explicit: remove the file, rebuild.
			os.Remove(path)
			if err := s.Rebuild(bg); err != nil {
				t.Fatal(err)
			}
			wantPending(t, "after removal and rebuild", s, "b1")
		})
	}
}

// TestOutboxDamagedRecord: a damaged record file holding pending events
// stops the drain at its first event with a *CorruptError listing them;
// acknowledging them gives them up, and only then can the case be deleted.
func TestOutboxDamagedRecord(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, file.Options{})
	mustCreate(t, s, withEvents(record("b", "", 0), "b0"))
	v := mustCreate(t, s, withEvents(record("victim", "", 0), "v1", "v2"))
	mustCreate(t, s, withEvents(record("c", "", 0), "c1"))
	damageFile(t, dir, "victim", func(b []byte) []byte { b[bodyStart("victim")+5] ^= 0x20; return b })
	page, err := s.PendingEvents(bg, 0, 0)
	var ce *file.CorruptError
	if !errors.As(err, &ce) || ce.CaseID != "victim" || len(ce.Seqs) != 2 || ce.Seqs[0] != v.Events[0].Seq || ce.Seqs[1] != v.Events[1].Seq {
		t.Fatalf("PendingEvents = %v, want a *CorruptError of victim listing its two events", err)
	}
	if eventIDs(page) != "b0" {
		t.Fatalf("events before the damaged record = %q, want b0", eventIDs(page))
	}
	err = s.Delete(bg, "victim", v.Version, deletionEvent("victim", "gone"))
	if !errors.As(err, &ce) || len(ce.Seqs) != 2 {
		t.Fatalf("Delete of a damaged case with pending events = %v, want a *CorruptError", err)
	}
	if err := s.AckEvents(bg, ce.Seqs...); err != nil {
		t.Fatal(err)
	}
	wantPending(t, "after giving up", s, "b0 c1")
	if err := s.Delete(bg, "victim", v.Version, deletionEvent("victim", "gone")); err != nil {
		t.Fatal(err)
	}
	wantPending(t, "after the delete", s, "b0 c1 gone")
}

// ackFrames returns the offsets of the frames of the acknowledgement log
// (after its 16-byte header; each frame is a length, a checksum and the
// payload).
func ackFrames(t *testing.T, data []byte) []int {
	t.Helper()
	var offs []int
	for off := 16; off < len(data); off += 8 + int(binary.LittleEndian.Uint32(data[off:])) {
		offs = append(offs, off)
	}
	return offs
}

// TestOutboxDamagedAckLog: damage to the acknowledgement log can only make
// events pending again (delivered twice: at-least-once), never lose one;
// a torn tail (an append cut by a crash) loses nothing at all.
func TestOutboxDamagedAckLog(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, data []byte) []byte
		want   string
	}{
		{"torn tail", func(t *testing.T, b []byte) []byte { return append(b, 200, 0, 0, 0, 1, 2, 3) }, "e4"},
		{"zeros at the end", func(t *testing.T, b []byte) []byte { return append(b, make([]byte, 40)...) }, "e4"},
		{"last frame cut", func(t *testing.T, b []byte) []byte { return b[:len(b)-2] }, "e3 e4"},
		{"middle frame damaged", func(t *testing.T, b []byte) []byte {
			offs := ackFrames(t, b)
			b[offs[len(offs)-2]+10] ^= 0x01 // the frame acknowledging e2
			return b
		}, "e2 e3 e4"},
		{"header damaged", func(t *testing.T, b []byte) []byte { b[3] ^= 0x01; return b }, "e1 e2 e3 e4"},
		{"removed", nil, "e1 e2 e3 e4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s := openT(t, dir, file.Options{})
			mustCreate(t, s, withEvents(record("a", "", 0), "e1", "e2", "e3", "e4"))
			evs := pendingEvents(t, s)
			for _, id := range []string{"e1", "e2", "e3"} {
				ack(t, s, evs, id) // one frame each
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "outbox", "acks.log")
			if tt.damage == nil {
				if err := os.Remove(path); err != nil {
					t.Fatal(err)
				}
			} else {
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, tt.damage(t, data), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			s = openT(t, dir, file.Options{})
			evs = wantPending(t, "after the damage", s, tt.want)
			// The log was rewritten: acknowledging goes on and sticks.
			ack(t, s, evs, "e4")
			s = reopen(t, s, file.Options{})
			wantPending(t, "after acknowledging e4", s, strings.TrimSuffix(strings.TrimSuffix(tt.want, "e4"), " "))
		})
	}
}
