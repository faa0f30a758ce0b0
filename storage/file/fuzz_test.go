package file

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/dossierkit/dossier/event"
)

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// FuzzDecodeRecord: any bytes either decode or give a *damage, never a
// panic; a decoded record encodes again to a file that decodes to the same
// record.
func FuzzDecodeRecord(f *testing.F) {
	valid, err := encodeRecord(rec("case-1", "ext-1", "ch-1"), 3, 9)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	f.Add(valid[:len(valid)-1])
	f.Add(valid[:20])
	f.Add([]byte{})
	f.Add([]byte("DOSSREC\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, h, err := decodeRecord(data)
		if err != nil {
			var d *damage
			if !errors.As(err, &d) {
				t.Fatalf("error %v is not a *damage", err)
			}
			return
		}
		again, err := encodeRecord(got, h.version, h.gen)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		got2, h2, err := decodeRecord(again)
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if h2.id != h.id || h2.gen != h.gen || h2.version != h.version || mustJSON(t, got2) != mustJSON(t, got) {
			t.Fatalf("round trip changed the record")
		}
	})
}

// FuzzParseFrames: any bytes parse into valid entries up to a point, never
// a panic; the entries framed again parse back to themselves.
func FuzzParseFrames(f *testing.F) {
	var log []byte
	for _, le := range []*logEntry{
		{Gen: 1, Op: opPut, ID: "a", Entry: &entry{Version: 1, External: "x", Entities: []string{"e"}, FileGen: 1, Summary: true, Name: "A"}, AuditEnd: 100},
		{Gen: 2, Op: opDelete, ID: "a", EvSeq: 7, Frame: &frameRef{Off: 100, Size: 50, First: 6, N: 2, Case: "a"}, AuditEnd: 150, DeletedAt: &fuzzTime},
		{Gen: 3, Op: opDelete, ID: "b", EvSeq: 7, AuditEnd: 170, Quarantine: true},
	} {
		frame, err := frameEntry(le)
		if err != nil {
			f.Fatal(err)
		}
		log = append(log, frame...)
	}
	f.Add(log)
	f.Add(log[:len(log)-3])
	f.Add([]byte{255, 255, 255, 255, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, used, torn := parseFrames(data)
		if used > len(data) || torn != (used < len(data)) {
			t.Fatalf("used %d of %d bytes, torn %v", used, len(data), torn)
		}
		var again []byte
		for _, le := range entries {
			if !le.valid() {
				t.Fatalf("invalid entry accepted: %+v", le)
			}
			frame, err := frameEntry(le)
			if err != nil {
				t.Fatal(err)
			}
			again = append(again, frame...)
		}
		entries2, used2, torn2 := parseFrames(again)
		if torn2 || used2 != len(again) || mustJSON(t, entries2) != mustJSON(t, entries) {
			t.Fatalf("re-framed entries do not parse back")
		}
	})
}

var fuzzTime = time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)

// FuzzDecodeSnapshot: any bytes either decode into an index or give a
// *damage; a decoded index encodes to a snapshot that decodes to it.
func FuzzDecodeSnapshot(f *testing.F) {
	x := newIndex()
	x.gen = 5
	x.put("a", entryOf(rec("a", "x", "e1", "e2"), 2, 4))
	x.put("b", &entry{Version: 1, FileGen: 5, Damaged: true})
	x.damagedFiles = []string{recordName("c")}
	x.evSeq = 9
	x.auditEnd, x.auditEpoch = 300, 2
	x.addFrame(frameRef{Off: 24, Size: 100, First: 4, N: 2, Case: "a"})
	x.addFrame(frameRef{Off: 124, Size: 100, First: 9, N: 1, Case: "gone"})
	x.deletions["gone"] = []deletion{{At: fuzzTime, UpTo: 9}}
	snap, err := encodeSnapshot(x)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(snap)
	f.Add(snap[:len(snap)-1])
	f.Add([]byte("DOSSIDX\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeSnapshot(data)
		if err != nil {
			var d *damage
			if !errors.As(err, &d) {
				t.Fatalf("error %v is not a *damage", err)
			}
			return
		}
		again, err := encodeSnapshot(got)
		if err != nil {
			t.Fatal(err)
		}
		got2, err := decodeSnapshot(again)
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		again2, _ := encodeSnapshot(got2)
		if !bytes.Equal(again, again2) {
			t.Fatalf("snapshot round trip is not stable")
		}
	})
}

// FuzzScanAudit: any audit log bytes scan into frames that check out, never
// a panic; the frames found are within the file, in order, and each decodes
// again by itself (as Events and PendingEvents read them).
func FuzzScanAudit(f *testing.F) {
	log := auditHeader(0)
	for _, af := range []*auditFrame{
		{Gen: 1, Op: opPut, Case: "a", EvSeq: 2, Events: []event.Event{
			{ID: "e1", Seq: 1, CaseID: "a", Type: event.CaseCreated, Payload: json.RawMessage(`{"a":1}`)},
			{ID: "e2", Seq: 2, CaseID: "a", Type: event.CaseUpdated, Payload: json.RawMessage(`{}`)}}},
		{Gen: 2, Op: opDelete, Case: "a", EvSeq: 2, At: &fuzzTime},
	} {
		fr, err := encodeAuditFrame(af)
		if err != nil {
			f.Fatal(err)
		}
		log = append(log, fr...)
	}
	f.Add(log)
	f.Add(log[:len(log)-3])
	f.Add(auditHeader(7))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, auditName), data, 0o600); err != nil {
			t.Fatal(err)
		}
		s := &Store{dir: dir}
		frames, end, _, err := s.scanAudit()
		if err != nil {
			t.Fatal(err)
		}
		if end > int64(len(data)) {
			t.Fatalf("end %d past the file (%d bytes)", end, len(data))
		}
		prev := int64(0)
		for _, fr := range frames {
			r := fr.ref
			if r.Off < prev || r.Off+int64(r.Size) > int64(len(data)) {
				t.Fatalf("frame at %d+%d out of place", r.Off, r.Size)
			}
			prev = r.Off + int64(r.Size)
			if _, err := decodeAuditFrame(data[r.Off:prev]); err != nil {
				t.Fatalf("a scanned frame does not decode alone: %v", err)
			}
		}
	})
}

// FuzzParseAcks: any bytes parse into acknowledgements up to a point, never
// a panic; what was acknowledged, written again as one frame, parses to the
// same acknowledgements.
func FuzzParseAcks(f *testing.F) {
	var log []byte
	for _, fr := range []ackFrame{{Below: 4, Seqs: []uint64{6, 9}}, {Seqs: []uint64{5}}} {
		log = append(log, frame([]byte(mustJSON(f, fr)))...)
	}
	f.Add(log)
	f.Add(log[:len(log)-2])
	f.Add(append(log, make([]byte, 12)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		a := newAcks()
		used, _, _ := a.parse(data, 0)
		if used > len(data) || (used < len(data)) != (a.repair != "") {
			t.Fatalf("used %d of %d bytes, repair %q", used, len(data), a.repair)
		}
		var seqs []uint64
		for q := range a.set {
			seqs = append(seqs, q)
		}
		slices.Sort(seqs)
		b := newAcks()
		if _, _, _ = b.parse(frame([]byte(mustJSON(t, ackFrame{Below: a.below, Seqs: seqs}))), 0); b.repair != "" {
			t.Fatalf("re-framed acknowledgements do not parse: %s", b.repair)
		}
		if b.below != a.below || len(b.set) != len(a.set) {
			t.Fatalf("re-framed acknowledgements differ")
		}
		for q := range a.set {
			if !b.has(q) {
				t.Fatalf("seq %d lost", q)
			}
		}
	})
}
