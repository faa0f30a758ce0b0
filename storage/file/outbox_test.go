package file_test

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/file"
)

func pendingIDs(t *testing.T, o storage.Outbox) ([]event.Event, string) {
	t.Helper()
	evs, err := o.PendingEvents(bg, 0, 0)
	if err != nil {
		t.Fatalf("PendingEvents: %v", err)
	}
	var ids []string
	for _, e := range evs {
		ids = append(ids, e.ID)
	}
	return evs, strings.Join(ids, " ")
}

func wantPending(t *testing.T, who string, o storage.Outbox, want string) []event.Event {
	t.Helper()
	evs, got := pendingIDs(t, o)
	if got != want {
		t.Fatalf("%s: pending %q, want %q", who, got, want)
	}
	return evs
}

// ack acknowledges the events of evs with the given ids, in one call.
func ack(t *testing.T, o storage.Outbox, evs []event.Event, ids ...string) {
	t.Helper()
	var seqs []uint64
	for _, e := range evs {
		for _, id := range ids {
			if e.ID == id {
				seqs = append(seqs, e.Seq)
			}
		}
	}
	if len(seqs) != len(ids) {
		t.Fatalf("ack %v: only %d found", ids, len(seqs))
	}
	if err := o.AckEvents(bg, seqs...); err != nil {
		t.Fatal(err)
	}
}

// TestOutboxNumbersNeverReused: after the index is lost and rebuilt, and
// after the events with the highest numbers were acknowledged and their
// case deleted and purged, new events are numbered above every number
// given before.
func TestOutboxNumbersNeverReused(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, file.Options{})
	if _, err := s.Create(bg, record("a", "", 0), newEvent("a", "a1")); err != nil {
		t.Fatal(err)
	}
	b, err := s.Create(bg, record("b", "", 0), newEvent("b", "b1"), newEvent("b", "b2"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(bg, "b", b.Version, epoch, newEvent("b", "b-gone")); err != nil {
		t.Fatal(err)
	}
	evs := wantPending(t, "before", s, "a1 b1 b2 b-gone")
	ack(t, s, evs, "a1", "b1", "b2", "b-gone")
	if n, err := s.PurgeEvents(bg, epoch.Add(1)); err != nil || n != 3 {
		t.Fatalf("PurgeEvents = %d, %v", n, err)
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
	if _, err := s.Create(bg, record("c", "", 0), newEvent("c", "c1")); err != nil {
		t.Fatal(err)
	}
	evs = wantPending(t, "after a new event", s, "c1")
	if evs[0].Seq != 5 {
		t.Fatalf("new event numbered %d, want 5: 1 to 4 were given before", evs[0].Seq)
	}
}

// ackFrames returns the offsets of the frames of an acknowledgement log.
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
			if _, err := s.Create(bg, record("a", "", 0), newEvent("a", "e1"), newEvent("a", "e2"), newEvent("a", "e3"), newEvent("a", "e4")); err != nil {
				t.Fatal(err)
			}
			evs, _ := pendingIDs(t, s)
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
