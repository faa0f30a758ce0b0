package file

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/validation"
)

// beginWrite takes the exclusive lock and brings the index up to date.
func (s *Store) beginWrite(ctx context.Context, op string) error {
	if s.closed.Load() {
		return ErrClosed
	}
	if err := s.lk.lockExclusive(ctx, op); err != nil {
		return err
	}
	s.mu.Lock()
	err := s.refresh(true)
	if err == nil && !s.diskOK {
		err = s.rebuild(true)
	}
	if err == nil {
		err = s.settle()
	}
	if err != nil {
		s.endWrite()
		return fmt.Errorf("file: %s: %w", op, err)
	}
	return nil
}

func (s *Store) endWrite() {
	s.mu.Unlock()
	s.lk.unlockExclusive()
}

// commit makes le durable in the log, then writes the tombstone tomb when
// there is one and writes (or, for a delete, removes) the record file, under
// the exclusive lock. On success s.idx includes le.
func (s *Store) commit(op string, le *logEntry, file, tomb []byte) error {
	if err := s.bumpSeq(); err != nil {
		return fmt.Errorf("file: %s case %s: %w", op, le.ID, err)
	}
	n, err := s.appendLog(le)
	if err != nil {
		s.loaded = false
		return fmt.Errorf("file: %s case %s: %w", op, le.ID, err)
	}
	// From here on a failure may leave an entry that did not land: the next
	// refresh re-reads the log and checks it.
	if err := s.writeRecord(le, file, tomb); err != nil {
		s.loaded = false
		return fmt.Errorf("file: %s case %s: %w", op, le.ID, err)
	}
	s.idx.apply(le)
	s.logOff += n
	s.logEntries++
	// A failed update of the synced mark only costs the next writer an extra
	// directory sync.
	_ = s.writeLockState(lockState{seq: s.seq, synced: le.Gen})
	if s.logEntries >= max(compactMin, len(s.idx.cases)) {
		if err := s.writeIndex(); err != nil {
			// The write itself succeeded; the next refresh reloads
			// whatever the compaction left, which is consistent.
			s.loaded = false
		}
	}
	return nil
}

// writeRecord performs the file part of a commit. The log is fsynced while
// the temporary files are written and fsynced; the tombstone is renamed into
// place (and the outbox directory fsynced) only once the log entry is
// durable, and the record file only once the tombstone is: a tombstone
// never exists without its log entry, so a writer can always tell whether
// its commit landed.
func (s *Store) writeRecord(le *logEntry, file, tomb []byte) error {
	var logSynced chan error
	if !s.opts.NoSync {
		logSynced = make(chan error, 1)
		logf := s.logf
		go func() { logSynced <- logf.Sync() }()
	}
	waitLog := func() error {
		if logSynced == nil {
			return nil
		}
		err := <-logSynced
		logSynced = nil
		if err != nil {
			return fmt.Errorf("sync index log: %w", err)
		}
		return nil
	}
	var temps []string
	fail := func(err error) error {
		if lerr := waitLog(); err == nil {
			err = lerr
		}
		for _, p := range temps {
			os.Remove(p)
		}
		return err
	}
	prepare := func(dir, name string, data []byte) (string, error) {
		tmp, tmpPath, err := createTemp(dir, name)
		if err != nil {
			return "", err
		}
		temps = append(temps, tmpPath)
		_, err = tmp.Write(data)
		if err == nil {
			err = s.sync(tmp)
		}
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		return tmpPath, err
	}
	var recTmp, tombTmp string
	var err error
	if file != nil {
		if recTmp, err = prepare(s.recDir, recordName(le.ID), file); err != nil {
			return fail(fmt.Errorf("write record file: %w", err))
		}
	}
	if tomb != nil {
		if tombTmp, err = prepare(s.outDir, tombName(le.Gen), tomb); err != nil {
			return fail(fmt.Errorf("write event tombstone: %w", err))
		}
	}
	if err := waitLog(); err != nil {
		return fail(err)
	}
	if tomb != nil {
		if err := os.Rename(tombTmp, s.tombPath(le.Gen)); err != nil {
			return fail(fmt.Errorf("write event tombstone: %w", err))
		}
		if err := s.syncD(s.outD); err != nil {
			return fail(fmt.Errorf("sync outbox directory: %w", err))
		}
	}
	path := s.recPath(le.ID)
	if file == nil {
		if err := os.Remove(path); err != nil {
			return fail(fmt.Errorf("remove record file: %w", err))
		}
	} else if err := os.Rename(recTmp, path); err != nil {
		return fail(fmt.Errorf("write record file: %w", err))
	}
	if err := s.syncD(s.recD); err != nil {
		return fmt.Errorf("sync records directory (the change is visible but may not survive a system crash): %w", err)
	}
	return nil
}

// checkInput rejects records the store cannot keep losslessly: ids must be
// valid UTF-8 (JSON would replace invalid bytes) and the case id not empty.
func checkInput(rec *storage.Record) error {
	var l validation.List
	if rec == nil {
		l.Add("", validation.CodeRequired, "record is nil")
		return l.Err()
	}
	switch id := rec.Case.ID; {
	case id == "":
		l.Add("case.id", validation.CodeRequired, "record has no case id")
	case !utf8.ValidString(id):
		l.Add("case.id", validation.CodeInvalidFormat, "case id is not valid UTF-8")
	case len(id) > maxIDLen:
		l.Addf("case.id", validation.CodeTooLong, "case id has %d bytes, at most %d allowed", len(id), maxIDLen)
	}
	if !utf8.ValidString(rec.Case.ExternalID) {
		l.Add("case.external_id", validation.CodeInvalidFormat, "external id is not valid UTF-8")
	}
	for _, id := range rec.EntityIDs() {
		if !utf8.ValidString(id) {
			l.Addf("entity_ids", validation.CodeInvalidFormat, "entity id %q is not valid UTF-8", id)
		}
	}
	return l.Err()
}

// errStaleIndex: the index and a record file disagree; the writer rebuilds
// the index and checks again.
var errStaleIndex = errors.New("index disagrees with the record file")

// checkFile compares the record file of case id with its index entry.
func (s *Store) checkFile(id string, e *entry) error {
	h, err := readHeader(s.recPath(id))
	var d *damage
	switch {
	case errors.As(err, &d):
		return nil // overwriting a damaged file repairs it
	case errors.Is(err, fs.ErrNotExist):
		return errStaleIndex
	case err != nil:
		return err
	case h.gen != e.FileGen || h.id != id:
		return errStaleIndex
	}
	return nil
}

// withWrite runs fn under the exclusive lock with a current index; when fn
// finds the index stale, the index is rebuilt from the files and fn runs
// once more.
func (s *Store) withWrite(ctx context.Context, op string, fn func() error) error {
	if err := s.beginWrite(ctx, op); err != nil {
		return err
	}
	defer s.endWrite()
	err := fn()
	if errors.Is(err, errStaleIndex) {
		if err := s.rebuild(true); err != nil {
			return fmt.Errorf("file: %s: %w", op, err)
		}
		if err = fn(); errors.Is(err, errStaleIndex) {
			return fmt.Errorf("file: %s: %w", op, err)
		}
	}
	return err
}

// prepared is a record about to be saved: the copy the store numbers and
// returns, and its encoding when nothing in it waits for a number (then it
// is encoded before the lock is taken).
type prepared struct {
	rec     *storage.Record
	version int64
	fresh   []int // events to number
	body    []byte
}

func prepare(rec *storage.Record, version int64) (*prepared, error) {
	p := &prepared{rec: rec.Clone(), version: version}
	p.rec.Version = version
	p.fresh = freshEvents(p.rec.Events)
	if len(p.fresh) == 0 {
		var err error
		if p.body, err = encodeRecord(p.rec, version, 0); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// entry numbers the new events of p under the exclusive lock and returns the
// log entry and the record file of its commit at generation gen.
func (s *Store) entry(p *prepared, gen uint64) (*logEntry, []byte, error) {
	evSeq, err := s.number(p.rec.Events, p.fresh)
	if err != nil {
		return nil, nil, err
	}
	file := p.body
	if file == nil {
		if file, err = encodeRecord(p.rec, p.version, gen); err != nil {
			return nil, nil, err
		}
	} else {
		file = regen(file, gen)
	}
	e := entryOf(p.rec, p.version, gen)
	e.Pending = s.unacked(p.rec.Events)
	return &logEntry{Gen: gen, Op: opPut, ID: p.rec.Case.ID, Entry: e, EvSeq: evSeq}, file, nil
}

// Create implements storage.Store. The record file and the index entry are
// written under the directory lock, so the id and external id checks are
// atomic with the write across processes. Events with Seq 0 are numbered
// under the same lock; an event with a Seq the store never gave is a
// *validation.Error.
func (s *Store) Create(ctx context.Context, rec *storage.Record) (*storage.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkInput(rec); err != nil {
		return nil, fmt.Errorf("file: create: %w", err)
	}
	id := rec.Case.ID
	p, err := prepare(rec, 1)
	if err != nil {
		return nil, fmt.Errorf("file: create case %s: %w", id, err)
	}
	err = s.withWrite(ctx, "create", func() error {
		if _, ok := s.idx.cases[id]; ok {
			return fmt.Errorf("file: create case %s: %w", id, storage.ErrConflict)
		}
		if ext := rec.Case.ExternalID; ext != "" {
			if owner, ok := s.idx.external[ext]; ok {
				return fmt.Errorf("file: external id %q is used by case %s: %w", ext, owner, storage.ErrDuplicateExternalID)
			}
		}
		if _, err := os.Lstat(s.recPath(id)); err == nil {
			// A file the index does not list: either a damaged file whose
			// case was unknown to the rebuild that found it, or a stale
			// index (then rebuilt, and the case is found above).
			if slices.Contains(s.idx.damagedFiles, recordName(id)) {
				return fmt.Errorf("file: create case %s: an unreadable record file of this case exists (%s): %w", id, s.recPath(id), storage.ErrConflict)
			}
			return errStaleIndex
		}
		le, file, err := s.entry(p, s.idx.gen+1)
		if err != nil {
			return fmt.Errorf("file: create case %s: %w", id, err)
		}
		return s.commit("create", le, file, nil)
	})
	if err != nil {
		return nil, err
	}
	return p.rec, nil
}

// regen sets the generation in an encoded record file and updates its
// header checksum.
func regen(file []byte, gen uint64) []byte {
	binary.LittleEndian.PutUint64(file[16:], gen)
	hlen := recFixedLen + int(binary.LittleEndian.Uint32(file[12:])) + 4
	binary.LittleEndian.PutUint32(file[hlen-4:], crc32.Checksum(file[:hlen-4], castagnoli))
	return file
}

// Update implements storage.Store. The version check runs under the
// directory lock, so a stale update from any process is ErrConflict.
//
// Events with Seq 0 are numbered as by Create. Pending events that rec no
// longer holds (a caller trimming a case's audit trail) stay pending: the
// commit moves them to a tombstone. When they cannot be read (a damaged
// record file), the update fails with a *CorruptError listing their Seqs.
func (s *Store) Update(ctx context.Context, rec *storage.Record) (*storage.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkInput(rec); err != nil {
		return nil, fmt.Errorf("file: update: %w", err)
	}
	id := rec.Case.ID
	p, err := prepare(rec, rec.Version+1)
	if err != nil {
		return nil, fmt.Errorf("file: update case %s: %w", id, err)
	}
	err = s.withWrite(ctx, "update", func() error {
		cur, ok := s.idx.cases[id]
		if !ok {
			return fmt.Errorf("file: update case %s: %w", id, storage.ErrNotFound)
		}
		if cur.Version != rec.Version {
			return fmt.Errorf("file: update case %s at version %d, stored version is %d: %w", id, rec.Version, cur.Version, storage.ErrConflict)
		}
		if ext := rec.Case.ExternalID; ext != "" {
			if owner, ok := s.idx.external[ext]; ok && owner != id {
				return fmt.Errorf("file: external id %q is used by case %s: %w", ext, owner, storage.ErrDuplicateExternalID)
			}
		}
		if err := s.checkFile(id, cur); err != nil {
			return err
		}
		gen := s.idx.gen + 1
		le, file, err := s.entry(p, gen)
		if err != nil {
			return fmt.Errorf("file: update case %s: %w", id, err)
		}
		// Pending events the new record drops go to a tombstone.
		var tomb []byte
		if dropped := s.dropped(cur, p.rec.Events); len(dropped) > 0 {
			keep, err := s.pendingOf(id, dropped)
			if err != nil {
				return fmt.Errorf("file: update case %s: it would drop pending events that cannot be read: %w", id, err)
			}
			if tomb, err = encodeTomb(gen, id, keep); err != nil {
				return fmt.Errorf("file: update case %s: %w", id, err)
			}
			le.Tomb = dropped
		}
		return s.commit("update", le, file, tomb)
	})
	if err != nil {
		return nil, err
	}
	return p.rec, nil
}

// dropped returns the pending events of cur that events no longer holds.
func (s *Store) dropped(cur *entry, events []event.Event) []uint64 {
	left := s.unackedSeqs(cur.Pending)
	if len(left) == 0 {
		return nil
	}
	kept := make(map[uint64]bool, len(events))
	for _, e := range events {
		kept[e.Seq] = true
	}
	var out []uint64
	for _, q := range left {
		if !kept[q] {
			out = append(out, q)
		}
	}
	return out
}

// pendingOf reads the events seqs of case id from its record file. A
// damaged file gives a *CorruptError listing seqs; events the file does not
// hold, errStaleIndex.
func (s *Store) pendingOf(id string, seqs []uint64) ([]event.Event, error) {
	evs, err := s.readRecordEvents(id)
	var ce *CorruptError
	switch {
	case errors.As(err, &ce):
		ce.Seqs = seqs
		return nil, ce
	case errors.Is(err, errNoFile):
		return nil, errStaleIndex
	case err != nil:
		return nil, err
	}
	return pick(evs, seqs)
}

// Delete implements storage.Store. A case whose record file is damaged can
// be deleted at the version the index holds, unless the file holds pending
// events, which cannot be read: then Delete fails with a *CorruptError
// listing their Seqs (acknowledge them to delete the case anyway).
//
// The case's pending events and the given events (numbered like new events
// of an update) are written to a tombstone in the same commit, so they stay
// pending after the record file is gone.
func (s *Store) Delete(ctx context.Context, caseID string, version int64, events ...event.Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	final := make([]event.Event, len(events))
	fresh := make([]int, len(events))
	for i, e := range events {
		final[i] = e.Clone()
		final[i].Seq = 0
		fresh[i] = i
	}
	return s.withWrite(ctx, "delete", func() error {
		cur, ok := s.idx.cases[caseID]
		if !ok {
			return fmt.Errorf("file: delete case %s: %w", caseID, storage.ErrNotFound)
		}
		if cur.Version != version {
			return fmt.Errorf("file: delete case %s at version %d, stored version is %d: %w", caseID, version, cur.Version, storage.ErrConflict)
		}
		if err := s.checkFile(caseID, cur); err != nil {
			return err
		}
		gen := s.idx.gen + 1
		var keep []event.Event
		if left := s.unackedSeqs(cur.Pending); len(left) > 0 {
			var err error
			if keep, err = s.pendingOf(caseID, left); err != nil {
				return fmt.Errorf("file: delete case %s: its pending events cannot be read: %w", caseID, err)
			}
		}
		evSeq, err := s.number(final, fresh)
		if err != nil {
			return fmt.Errorf("file: delete case %s: %w", caseID, err)
		}
		le := &logEntry{Gen: gen, Op: opDelete, ID: caseID, EvSeq: evSeq}
		var tomb []byte
		if all := append(keep, final...); len(all) > 0 {
			if tomb, err = encodeTomb(gen, caseID, all); err != nil {
				return fmt.Errorf("file: delete case %s: %w", caseID, err)
			}
			le.Tomb = seqsOf(all)
		}
		return s.commit("delete", le, nil, tomb)
	})
}

// writeFileAtomic replaces dir/name with data: temporary file, write, fsync,
// rename, fsync of the directory.
func (s *Store) writeFileAtomic(dir string, d *os.File, name string, data []byte) error {
	tmp, tmpPath, err := createTemp(dir, name)
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = s.sync(tmp)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmpPath, filepath.Join(dir, name))
	}
	if err != nil {
		os.Remove(tmpPath)
		return err
	}
	return s.syncD(d)
}

// createTemp creates a new temporary file for name in dir.
func createTemp(dir, name string) (*os.File, string, error) {
	for range 100 {
		path := filepath.Join(dir, name+tmpInfix+strconv.FormatUint(rand.Uint64(), 36))
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, path, err
	}
	return nil, "", fmt.Errorf("create temporary file in %s: too many collisions", dir)
}
