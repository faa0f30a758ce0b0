package file

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"testing"

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
		{Gen: 1, Op: opPut, ID: "a", Entry: &entry{Version: 1, External: "x", Entities: []string{"e"}, FileGen: 1}},
		{Gen: 2, Op: opDelete, ID: "a", EvSeq: 7, Tomb: []uint64{3, 7}},
		{Gen: 3, Op: opPut, ID: "b", Entry: &entry{Version: 1, FileGen: 3, Pending: []uint64{8}}, EvSeq: 8, Drop: 2},
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

// FuzzDecodeSnapshot: any bytes either decode into an index or give a
// *damage; a decoded index encodes to a snapshot that decodes to it.
func FuzzDecodeSnapshot(f *testing.F) {
	x := newIndex()
	x.gen = 5
	x.put("a", &entry{Version: 2, Status: "open", External: "x", Entities: []string{"e1", "e2"}, FileGen: 4})
	x.put("b", &entry{Version: 1, FileGen: 5, Damaged: true, Pending: []uint64{2, 9}})
	x.damagedFiles = []string{recordName("c")}
	x.evSeq = 9
	x.addTomb(&tomb{gen: 3, caseID: "gone", seqs: []uint64{4, 5}})
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

// FuzzDecodeTomb: any bytes either decode into a tombstone or give a
// *damage; a decoded tombstone encodes to one that decodes to it.
func FuzzDecodeTomb(f *testing.F) {
	valid, err := encodeTomb(7, "case-1", []event.Event{
		{ID: "e1", Seq: 3, CaseID: "case-1", Type: event.CaseUpdated, SubEvent: event.FlagsUpdated, Payload: json.RawMessage(`{"a":1}`)},
		{ID: "e2", Seq: 9, CaseID: "case-1", Type: event.CaseDeleted, Payload: json.RawMessage(`{}`)},
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	f.Add(valid[:len(valid)-1])
	f.Add([]byte("DOSSTMB\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := decodeTomb(data)
		if err != nil {
			var d *damage
			if !errors.As(err, &d) {
				t.Fatalf("error %v is not a *damage", err)
			}
			return
		}
		again, err := encodeTomb(tb.Gen, tb.CaseID, tb.Events)
		if err != nil {
			t.Fatal(err)
		}
		tb2, err := decodeTomb(again)
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if mustJSON(t, tb2) != mustJSON(t, tb) {
			t.Fatalf("round trip changed the tombstone")
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
