package file

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
)

// Format 2, written by earlier versions of this package, kept each case's
// events inside its record file ("events" in the record's JSON) and the
// pending events of deleted cases in tombstone files (outbox/<gen>.tomb).
// Open migrates such a directory under the exclusive lock, in steps that
// can each be cut by a crash and run again:
//
//  1. every event found in a record or a tombstone and not yet in the audit
//     log is appended to it, numbered as it was, and the log is fsynced;
//  2. each record file holding events is rewritten without them (same
//     version and generation), and the tombstones are removed;
//  3. a new index is written.
//
// The acknowledgement log is kept as it is, so pending events stay pending
// and acknowledged ones acknowledged. A deleted case is known from its
// tombstone only (format 2 forgot deleted cases whose events were all
// acknowledged); its deletion time is that of its latest event.

// legacyEvent is an event as format 2 wrote it: the actor was a bare type.
type legacyEvent struct {
	ID       string          `json:"id"`
	Seq      uint64          `json:"seq"`
	CaseID   string          `json:"case_id"`
	Type     event.Type      `json:"type"`
	SubEvent event.SubEvent  `json:"sub_event,omitempty"`
	ObjectID string          `json:"object_id"`
	Actor    json.RawMessage `json:"actor,omitempty"`
	At       time.Time       `json:"at"`
	Payload  json.RawMessage `json:"payload"`
}

func (le legacyEvent) event() event.Event {
	e := event.Event{ID: le.ID, Seq: le.Seq, CaseID: le.CaseID, Type: le.Type, SubEvent: le.SubEvent,
		ObjectID: le.ObjectID, At: le.At, Payload: le.Payload}
	var typ string
	if json.Unmarshal(le.Actor, &typ) == nil {
		e.Actor = event.Actor{Type: event.ActorType(typ)}
	} else {
		_ = json.Unmarshal(le.Actor, &e.Actor) // already the new shape
	}
	return e
}

// legacyRecord is a format-2 record file that holds events.
type legacyRecord struct {
	id     string
	rec    *storage.Record // nil when the record itself does not decode
	gen    uint64
	events []event.Event
}

// legacyEventsOf returns the events of a format-2 record file, nil when it
// holds none.
func legacyEventsOf(data []byte, rec *storage.Record, h recHeader) *legacyRecord {
	_, body, err := checkRecord(data)
	if err != nil || !bytes.Contains(body, []byte(`"events":`)) {
		return nil
	}
	var old struct {
		Events []legacyEvent `json:"events"`
	}
	if json.Unmarshal(body, &old) != nil || len(old.Events) == 0 {
		return nil
	}
	lr := &legacyRecord{id: h.id, rec: rec, gen: h.gen}
	for _, e := range old.Events {
		if e.Seq != 0 {
			lr.events = append(lr.events, e.event())
		}
	}
	return lr
}

// legacyTomb is a format-2 tombstone file.
type legacyTomb struct {
	path   string
	caseID string
	events []event.Event
	mod    time.Time
}

const (
	legacyTombExt   = ".tomb"
	legacyTombMagic = "DOSSTMB\n"
)

func isLegacyTombName(name string) bool {
	if len(name) != 16+len(legacyTombExt) || name[16:] != legacyTombExt {
		return false
	}
	_, err := hex.DecodeString(name[:16])
	return err == nil
}

// legacyTombsExist reports whether the outbox directory holds tombstones.
func legacyTombsExist(outDir string) bool {
	des, _ := os.ReadDir(outDir)
	for _, de := range des {
		if isLegacyTombName(de.Name()) {
			return true
		}
	}
	return false
}

// readLegacyTombs reads the tombstones of a format-2 outbox directory.
// Their layout: magic "DOSSTMB\n", format version (uint32, 1), CRC-32C of
// the body (uint32), body length (uint64), then JSON {"gen", "case_id",
// "events"}. A tombstone that does not check out is an error: its events
// cannot be placed, and migrating without them would lose them silently.
func readLegacyTombs(outDir string) ([]*legacyTomb, error) {
	des, err := os.ReadDir(outDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	var out []*legacyTomb
	for _, de := range des {
		if !isLegacyTombName(de.Name()) {
			continue
		}
		path := filepath.Join(outDir, de.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		if len(data) < 24 || string(data[:8]) != legacyTombMagic ||
			uint64(len(data)-24) != binary.LittleEndian.Uint64(data[16:]) ||
			crc32.Checksum(data[24:], castagnoli) != binary.LittleEndian.Uint32(data[12:]) {
			return nil, &CorruptError{Path: path, Reason: "format-2 event tombstone does not check out; remove it to give its events up"}
		}
		var body struct {
			CaseID string        `json:"case_id"`
			Events []legacyEvent `json:"events"`
		}
		if err := json.Unmarshal(data[24:], &body); err != nil {
			return nil, &CorruptError{Path: path, Reason: "format-2 event tombstone does not decode"}
		}
		t := &legacyTomb{path: path, caseID: body.CaseID}
		if fi, err := de.Info(); err == nil {
			t.mod = fi.ModTime().UTC()
		}
		for _, e := range body.Events {
			t.events = append(t.events, e.event())
		}
		out = append(out, t)
	}
	return out, nil
}

// migrate moves the events of format-2 records and tombstones into the
// audit log and x, then rewrites the records without them and removes the
// tombstones (see the steps above). The caller holds the exclusive lock.
func (s *Store) migrate(x *index, legacy []*legacyRecord, tombs []*legacyTomb) error {
	present := func(q uint64) bool {
		i := x.frameAt(q)
		return i < len(x.frames) && x.frames[i].First <= q
	}
	bySeq := map[uint64]event.Event{}
	owner := map[uint64]string{}
	add := func(caseID string, evs []event.Event) {
		for _, e := range evs {
			if !present(e.Seq) {
				bySeq[e.Seq] = e
				owner[e.Seq] = caseID
			}
		}
	}
	for _, lr := range legacy {
		add(lr.id, lr.events)
	}
	for _, t := range tombs {
		add(t.caseID, t.events)
	}
	seqs := slices.Sorted(func(yield func(uint64) bool) {
		for q := range bySeq {
			if !yield(q) {
				return
			}
		}
	})
	// Frames of consecutive events of one case.
	var frames []*auditFrame
	for i, q := range seqs {
		if i > 0 && owner[q] == owner[seqs[i-1]] && q == seqs[i-1]+1 {
			f := frames[len(frames)-1]
			f.Events = append(f.Events, bySeq[q])
			f.EvSeq = q
			continue
		}
		frames = append(frames, &auditFrame{Op: opMigrate, Case: owner[q], EvSeq: q, Events: []event.Event{bySeq[q]}})
	}
	// Deleted cases: a tombstone whose case has no record file.
	deleted := map[string]*auditFrame{}
	for _, t := range tombs {
		if _, live := x.cases[t.caseID]; live || len(t.events) == 0 {
			continue
		}
		last := slices.MaxFunc(t.events, func(a, b event.Event) int { return cmp.Compare(a.Seq, b.Seq) })
		if ds := x.deletions[t.caseID]; len(ds) > 0 && ds[len(ds)-1].UpTo >= last.Seq {
			continue // written by an earlier run cut short
		}
		at := last.At.UTC()
		if at.IsZero() {
			at = t.mod
		}
		if f, ok := deleted[t.caseID]; !ok || f.EvSeq < last.Seq {
			deleted[t.caseID] = &auditFrame{Op: opDelete, Case: t.caseID, EvSeq: last.Seq, At: &at}
		}
	}
	for _, id := range slices.Sorted(func(yield func(string) bool) {
		for id := range deleted {
			if !yield(id) {
				return
			}
		}
	}) {
		frames = append(frames, deleted[id])
	}
	off := x.auditEnd
	for _, af := range frames {
		fr, err := encodeAuditFrame(af)
		if err != nil {
			return err
		}
		if _, err := s.auditf.WriteAt(fr, off); err != nil {
			return fmt.Errorf("append audit log: %w", err)
		}
		if n := len(af.Events); n > 0 {
			x.addFrame(frameRef{Off: off, Size: uint32(len(fr)), First: af.Events[0].Seq, N: uint32(n), Case: af.Case})
		}
		if af.Op == opDelete {
			x.deletions[af.Case] = append(x.deletions[af.Case], deletion{At: *af.At, UpTo: af.EvSeq})
		}
		x.evSeq = max(x.evSeq, af.EvSeq)
		off += int64(len(fr))
	}
	x.auditEnd = off
	if err := s.auditf.Truncate(off); err != nil {
		return fmt.Errorf("cut audit log: %w", err)
	}
	if err := s.sync(s.auditf); err != nil {
		return fmt.Errorf("sync audit log: %w", err)
	}
	// The events are durable in the audit log: the records can drop them.
	for _, lr := range legacy {
		if lr.rec == nil {
			continue // its events are safe; the record stays damaged
		}
		file, err := encodeRecord(lr.rec, lr.rec.Version, lr.gen)
		if err != nil {
			return err
		}
		tmp, tmpPath, err := createTemp(s.recDir, recordName(lr.id))
		if err != nil {
			return fmt.Errorf("write record file: %w", err)
		}
		_, err = tmp.Write(file)
		if err == nil {
			err = s.sync(tmp)
		}
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmpPath, s.recPath(lr.id))
		}
		if err != nil {
			os.Remove(tmpPath)
			return fmt.Errorf("write record file: %w", err)
		}
	}
	if err := s.syncD(s.recD); err != nil {
		return fmt.Errorf("sync records directory: %w", err)
	}
	for _, t := range tombs {
		if err := os.Remove(t.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove format-2 tombstone: %w", err)
		}
	}
	return s.syncD(s.outD)
}
