package file

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
)

func withEvent(r *storage.Record, id string) *storage.Record {
	r.Events = append(r.Events, event.Event{ID: id, CaseID: r.Case.ID, Type: event.CaseCreated, ObjectID: r.Case.ID, Payload: json.RawMessage(`{}`)})
	return r
}

func pendingIDs(t *testing.T, s *Store) string {
	t.Helper()
	evs, err := s.PendingEvents(ctx, 0, 0)
	if err != nil {
		t.Fatalf("PendingEvents: %v", err)
	}
	var ids []string
	for _, e := range evs {
		ids = append(ids, e.ID)
	}
	return strings.Join(ids, " ")
}

// dieDuringDelete performs the first steps of a delete of case id with a
// deletion event through s, as a writer killed afterwards would: the log
// entry is durable and so is the tombstone; the record file is removed
// only when landFile.
func dieDuringDelete(t *testing.T, s *Store, id string, landFile bool) (gen uint64) {
	t.Helper()
	if err := s.beginWrite(ctx, "test"); err != nil {
		t.Fatal(err)
	}
	defer s.endWrite()
	gen = s.idx.gen + 1
	evs, err := s.readRecordEvents(id)
	if err != nil {
		t.Fatal(err)
	}
	gone := event.Event{ID: "gone", CaseID: id, Type: event.CaseDeleted, Seq: s.idx.evSeq + 1, Payload: json.RawMessage(`{}`)}
	all := append(evs, gone)
	tomb, err := encodeTomb(gen, id, all)
	if err != nil {
		t.Fatal(err)
	}
	le := &logEntry{Gen: gen, Op: opDelete, ID: id, EvSeq: gone.Seq, Tomb: seqsOf(all)}
	if err := s.bumpSeq(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.appendLog(le); err != nil {
		t.Fatal(err)
	}
	if err := s.logf.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := s.writeFileAtomic(s.outDir, s.outD, tombName(gen), tomb); err != nil {
		t.Fatal(err)
	}
	if landFile {
		if err := os.Remove(s.recPath(id)); err != nil {
			t.Fatal(err)
		}
	}
	s.loaded = false
	return gen
}

// TestDeadDelete: the deletion event of a delete whose writer died before
// removing the record file never becomes pending (nor later, when the case
// changes again); when the file was removed, the delete and its event are
// complete.
func TestDeadDelete(t *testing.T) {
	for _, landed := range []bool{false, true} {
		t.Run(map[bool]string{false: "not landed", true: "landed"}[landed], func(t *testing.T) {
			dir := t.TempDir()
			w := open(t, dir)
			r := open(t, dir) // a reader that cached the index before
			if _, err := w.Create(ctx, withEvent(rec("a", "ext-a"), "e1")); err != nil {
				t.Fatal(err)
			}
			if got := pendingIDs(t, r); got != "e1" {
				t.Fatalf("pending %q", got)
			}
			gen := dieDuringDelete(t, w, "a", landed)
			want := "e1"
			if landed {
				want = "e1 gone"
			}
			if got := pendingIDs(t, r); got != want {
				t.Fatalf("reader before repair: pending %q, want %q", got, want)
			}
			w2 := open(t, dir) // repairs
			if got := pendingIDs(t, w2); got != want {
				t.Fatalf("new store: pending %q, want %q", got, want)
			}
			_, err := os.Stat(w2.tombPath(gen))
			if landed != (err == nil) {
				t.Fatalf("tombstone of the dead delete: stat %v, landed %v", err, landed)
			}
			if !landed {
				cur, err := w2.Get(ctx, "a")
				if err != nil {
					t.Fatal(err)
				}
				// Later writes to the case do not bring the dead tombstone back.
				if _, err := w2.Update(ctx, withEvent(cur, "e2")); err != nil {
					t.Fatal(err)
				}
				want = "e1 e2"
			}
			for who, s := range map[string]*Store{"reader": r, "dead writer's store": w, "new store": w2, "reopened": open(t, dir)} {
				if got := pendingIDs(t, s); got != want {
					t.Errorf("%s: pending %q, want %q", who, got, want)
				}
				if err := s.Verify(ctx); err != nil {
					t.Errorf("%s: Verify: %v", who, err)
				}
			}
		})
	}
}

// TestAckLogDamageReported: a Store that finds the acknowledgement log
// damaged reports it in Verify until a writer rewrites the log. (The events
// whose acknowledgements were lost are pending again for Stores opened
// since: TestOutboxDamagedAckLog; this one saw them acknowledged, which
// stays true.)
func TestAckLogDamageReported(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	if _, err := s.Create(ctx, withEvent(withEvent(rec("a", ""), "e1"), "e2")); err != nil {
		t.Fatal(err)
	}
	evs, err := s.PendingEvents(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if err := s.AckEvents(ctx, e.Seq); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(s.acksPath())
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)-30] ^= 0x01 // in the payload of the second-to-last of two 20-byte frames
	if err := os.WriteFile(s.acksPath(), data, 0o600); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	_, _, err = s.loadAcks()
	s.pruneAll()
	s.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	var ce *CorruptError
	if err := s.Verify(ctx); !errors.As(err, &ce) || ce.Path != s.acksPath() {
		t.Fatalf("Verify = %v, want a *CorruptError for the acknowledgement log", err)
	}
	if _, err := s.Create(ctx, rec("b", "")); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(ctx); err != nil {
		t.Fatalf("Verify after a write: %v", err)
	}
}

// TestMissingTombstoneAfterCompaction: a tombstone file removed behind the
// store's back is reported even once the index log that wrote it is folded
// into a snapshot; only a rebuild forgets it.
func TestMissingTombstoneAfterCompaction(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	a, err := s.Create(ctx, withEvent(rec("a", ""), "e1"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "a", a.Version); err != nil {
		t.Fatal(err)
	}
	if err := s.beginWrite(ctx, "test"); err != nil {
		t.Fatal(err)
	}
	err = s.writeIndex()
	s.endWrite()
	if err != nil {
		t.Fatal(err)
	}
	var gen uint64
	for g := range s.idx.tombs {
		gen = g
	}
	if err := os.Remove(s.tombPath(gen)); err != nil {
		t.Fatal(err)
	}
	s2 := open(t, dir)
	_, err = s2.PendingEvents(ctx, 0, 0)
	var ce *CorruptError
	if !errors.As(err, &ce) || !strings.Contains(ce.Reason, "missing") || len(ce.Seqs) != 1 || ce.Seqs[0] != a.Events[0].Seq {
		t.Fatalf("PendingEvents = %v, want a *CorruptError for the missing tombstone", err)
	}
	if err := s2.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if got := pendingIDs(t, s2); got != "" {
		t.Fatalf("pending after rebuild: %q", got)
	}
}

// TestPendingIndexBounded: a Store that writes without ever reading the
// outbox keeps a pending index the size of what is pending, not of every
// event it ever saved.
func TestPendingIndexBounded(t *testing.T) {
	s, err := Open(t.TempDir(), Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cur, err := s.Create(ctx, withEvent(rec("a", ""), "e0"))
	if err != nil {
		t.Fatal(err)
	}
	for range 1500 {
		// Acknowledge all but the last three events and trim the trail to
		// them (dropping acknowledged events needs no tombstone).
		if n := len(cur.Events); n > 3 {
			var seqs []uint64
			for _, e := range cur.Events[:n-3] {
				seqs = append(seqs, e.Seq)
			}
			if err := s.AckEvents(ctx, seqs...); err != nil {
				t.Fatal(err)
			}
			cur.Events = cur.Events[n-3:]
		}
		if cur, err = s.Update(ctx, withEvent(cur, "e")); err != nil {
			t.Fatal(err)
		}
	}
	s.mu.Lock()
	n, o := len(s.idx.pend), len(s.idx.order)
	s.mu.Unlock()
	if n != 4 || o > 2*n+1024 {
		t.Fatalf("pending index holds %d events in an order of %d", n, o)
	}
	if got, err := s.PendingEvents(ctx, 0, 0); err != nil || len(got) != 4 {
		t.Fatalf("pending: %d events, %v; want 4", len(got), err)
	}
	if des, _ := os.ReadDir(s.outDir); len(des) != 1 {
		t.Fatalf("outbox directory holds %d files, want only the acknowledgement log", len(des))
	}
}
