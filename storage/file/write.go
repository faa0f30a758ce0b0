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
	"time"
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

// commit appends the frame af to the audit log and le to the index log,
// makes both durable, then writes (or, for a delete, removes; for a
// quarantine, moves) the record file, under the exclusive lock. On success
// s.idx includes le.
func (s *Store) commit(op string, le *logEntry, af *auditFrame, file []byte) error {
	n, err := s.stage(le, af)
	if err != nil {
		return fmt.Errorf("file: %s case %s: %w", op, le.ID, err)
	}
	// From here on a failure may leave an entry that did not land: the next
	// refresh re-reads the log and checks it.
	if err := s.writeRecord(le, file); err != nil {
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

// stage announces a commit to readers and appends its frame to the audit
// log and its entry to the index log, without syncing them; it returns the
// bytes appended to the index log.
func (s *Store) stage(le *logEntry, af *auditFrame) (int64, error) {
	if err := s.bumpSeq(); err != nil {
		return 0, err
	}
	af.Gen, af.Case, af.EvSeq = le.Gen, le.ID, le.EvSeq
	fr, err := encodeAuditFrame(af)
	if err != nil {
		return 0, err
	}
	off := s.idx.auditEnd
	if _, err := s.auditf.WriteAt(fr, off); err != nil {
		return 0, fmt.Errorf("append audit log: %w", err)
	}
	le.AuditEnd = off + int64(len(fr))
	if n := len(af.Events); n > 0 {
		le.Frame = &frameRef{Off: off, Size: uint32(len(fr)), First: af.Events[0].Seq, N: uint32(n), Case: le.ID}
	}
	n, err := s.appendLog(le)
	if err != nil {
		s.loaded = false
		return 0, err
	}
	return n, nil
}

// writeRecord performs the file part of a commit. The audit log and the
// index log are fsynced while the temporary record file is written and
// fsynced; the record file is renamed into place (or removed, or moved to
// the quarantine directory) only once both logs are durable, so the rename
// is the commit point: a commit whose record file did not change never
// happened, and its frame and log entry are ignored and cut off by the next
// writer.
func (s *Store) writeRecord(le *logEntry, file []byte) error {
	var synced chan error
	if !s.opts.NoSync {
		synced = make(chan error, 2)
		logf, auditf := s.logf, s.auditf
		go func() { synced <- wrapErr("sync index log", logf.Sync()) }()
		go func() { synced <- wrapErr("sync audit log", auditf.Sync()) }()
	}
	waitLogs := func() error {
		if synced == nil {
			return nil
		}
		err := errors.Join(<-synced, <-synced)
		synced = nil
		return err
	}
	var recTmp string
	fail := func(err error) error {
		if lerr := waitLogs(); err == nil {
			err = lerr
		}
		if recTmp != "" {
			os.Remove(recTmp)
		}
		return err
	}
	if file != nil {
		tmp, tmpPath, err := createTemp(s.recDir, recordName(le.ID))
		if err != nil {
			return fail(fmt.Errorf("write record file: %w", err))
		}
		recTmp = tmpPath
		_, err = tmp.Write(file)
		if err == nil {
			err = s.sync(tmp)
		}
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fail(fmt.Errorf("write record file: %w", err))
		}
	}
	if err := waitLogs(); err != nil {
		return fail(err)
	}
	path := s.recPath(le.ID)
	switch {
	case file != nil:
		if err := os.Rename(recTmp, path); err != nil {
			return fail(fmt.Errorf("write record file: %w", err))
		}
	case le.Quarantine:
		if err := os.Rename(path, s.quarantinePath(le.ID, le.Gen)); err != nil {
			return fail(fmt.Errorf("move record file to quarantine: %w", err))
		}
		if err := s.syncPath(s.quarantineDir()); err != nil {
			return fmt.Errorf("sync quarantine directory (the change is visible but may not survive a system crash): %w", err)
		}
	default:
		if err := os.Remove(path); err != nil {
			return fail(fmt.Errorf("remove record file: %w", err))
		}
	}
	if err := s.syncD(s.recD); err != nil {
		return fmt.Errorf("sync records directory (the change is visible but may not survive a system crash): %w", err)
	}
	return nil
}

func wrapErr(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
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

// prepared is a record about to be saved: the copy the store returns, its
// encoding (without the generation, set under the lock) and copies of the
// events of the change.
type prepared struct {
	rec     *storage.Record
	version int64
	body    []byte
	events  []event.Event
}

func prepare(rec *storage.Record, version int64, events []event.Event) (*prepared, error) {
	p := &prepared{rec: rec.Clone(), version: version, events: cloneEvents(events)}
	p.rec.Version = version
	var err error
	if p.body, err = encodeRecord(p.rec, version, 0); err != nil {
		return nil, err
	}
	return p, nil
}

func cloneEvents(events []event.Event) []event.Event {
	out := make([]event.Event, len(events))
	for i, e := range events {
		out[i] = e.Clone()
	}
	return out
}

// number gives events the next Seqs of the store-wide sequence, under the
// exclusive lock, and returns the highest Seq then given.
func (s *Store) number(events []event.Event) uint64 {
	next := s.idx.evSeq
	for i := range events {
		next++
		events[i].Seq = next
	}
	return next
}

// entry numbers the events of p under the exclusive lock and returns the
// log entry, the audit frame and the record file of its commit at
// generation gen.
func (s *Store) entry(p *prepared, gen uint64) (*logEntry, *auditFrame, []byte) {
	evSeq := s.number(p.events)
	file := regen(slices.Clone(p.body), gen)
	e := entryOf(p.rec, p.version, gen)
	return &logEntry{Gen: gen, Op: opPut, ID: p.rec.Case.ID, Entry: e, EvSeq: evSeq},
		&auditFrame{Op: opPut, Events: p.events}, file
}

// Create implements storage.Store. The record file, its audit frame and
// the index entry are written under the directory lock, so the id and
// external id checks are atomic with the write across processes. The
// events are numbered under the same lock.
func (s *Store) Create(ctx context.Context, rec *storage.Record, events ...event.Event) (_ *storage.Record, err error) {
	defer func() { err = s.public(err) }()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkInput(rec); err != nil {
		return nil, fmt.Errorf("file: create: %w", err)
	}
	id := rec.Case.ID
	p, err := prepare(rec, 1, events)
	if err != nil {
		return nil, fmt.Errorf("file: create case %s: %w", id, err)
	}
	err = s.withWrite(ctx, "create", func() error {
		if _, ok := s.idx.cases[id]; ok {
			return fmt.Errorf("file: create case %s: %w", id, storage.ErrConflict)
		}
		if ext := rec.Case.ExternalID; ext != "" {
			if _, ok := s.idx.external[ext]; ok {
				return fmt.Errorf("file: external id %q is taken: %w", ext, storage.ErrDuplicateExternalID)
			}
		}
		if _, err := os.Lstat(s.recPath(id)); err == nil {
			// A file the index does not list: either a damaged file whose
			// case was unknown to the rebuild that found it, or a stale
			// index (then rebuilt, and the case is found above).
			if slices.Contains(s.idx.damagedFiles, recordName(id)) {
				return fmt.Errorf("file: create case %s: an unreadable record file of this case exists: %w", id, storage.ErrConflict)
			}
			return errStaleIndex
		}
		le, af, file := s.entry(p, s.idx.gen+1)
		return s.commit("create", le, af, file)
	})
	if err != nil {
		return nil, err
	}
	return p.rec.Clone(), nil
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
// directory lock, so a stale update from any process is ErrConflict. A case
// whose record file is damaged can be updated at the version the index
// holds: the new record file replaces the damaged one.
func (s *Store) Update(ctx context.Context, rec *storage.Record, events ...event.Event) (_ *storage.Record, err error) {
	defer func() { err = s.public(err) }()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkInput(rec); err != nil {
		return nil, fmt.Errorf("file: update: %w", err)
	}
	id := rec.Case.ID
	p, err := prepare(rec, rec.Version+1, events)
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
				return fmt.Errorf("file: external id %q is taken: %w", ext, storage.ErrDuplicateExternalID)
			}
		}
		if err := s.checkFile(id, cur); err != nil {
			return err
		}
		le, af, file := s.entry(p, s.idx.gen+1)
		return s.commit("update", le, af, file)
	})
	if err != nil {
		return nil, err
	}
	return p.rec.Clone(), nil
}

// Delete implements storage.Store. A case whose record file is damaged can
// be deleted at the version the index holds. The case's events stay in the
// audit log (and pending ones pending); the given events are numbered and
// appended in the same commit, with deletedAt, the time PurgeEvents
// compares.
func (s *Store) Delete(ctx context.Context, caseID string, version int64, deletedAt time.Time, events ...event.Event) (err error) {
	defer func() { err = s.public(err) }()
	if err := ctx.Err(); err != nil {
		return err
	}
	final := cloneEvents(events)
	at := deletedAt.UTC()
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
		evSeq := s.number(final)
		le := &logEntry{Gen: s.idx.gen + 1, Op: opDelete, ID: caseID, EvSeq: evSeq, DeletedAt: &at}
		return s.commit("delete", le, &auditFrame{Op: opDelete, At: &at, Events: final}, nil)
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
	return nil, "", errors.New("create temporary file: too many collisions")
}
