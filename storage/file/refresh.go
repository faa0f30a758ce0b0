package file

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// The lock file holds a change sequence, bumped by every writer before it
// changes anything (readers compare it with the one their in-memory index
// reflects), and the generation up to which writes are known durable.
// Layout: magic "DOSSLCK\n", seq uint64, synced uint64, CRC-32C uint32,
// 4 zero bytes.
const (
	lockMagic    = "DOSSLCK\n"
	lockStateLen = 32
)

type lockState struct{ seq, synced uint64 }

// readLockState reads the lock file; valid is false when it holds no valid
// state (new, or damaged).
func (s *Store) readLockState() (st lockState, valid bool) {
	var buf [lockStateLen]byte
	if n, _ := s.lockf.ReadAt(buf[:], 0); n < lockStateLen {
		return st, false
	}
	if string(buf[:8]) != lockMagic || crc32.Checksum(buf[:24], castagnoli) != binary.LittleEndian.Uint32(buf[24:]) {
		return st, false
	}
	return lockState{seq: binary.LittleEndian.Uint64(buf[8:]), synced: binary.LittleEndian.Uint64(buf[16:])}, true
}

func (s *Store) writeLockState(st lockState) error {
	var buf [lockStateLen]byte
	copy(buf[:], lockMagic)
	binary.LittleEndian.PutUint64(buf[8:], st.seq)
	binary.LittleEndian.PutUint64(buf[16:], st.synced)
	binary.LittleEndian.PutUint32(buf[24:], crc32.Checksum(buf[:24], castagnoli))
	if _, err := s.lockf.WriteAt(buf[:], 0); err != nil {
		return fmt.Errorf("write lock file: %w", err)
	}
	return nil
}

// bumpSeq announces a change to every reader: s.seq moves to a value no
// reader has cached.
func (s *Store) bumpSeq() error {
	st, valid := s.readLockState()
	next := st.seq + 1
	if !valid {
		next = rand.Uint64()
	}
	if err := s.writeLockState(lockState{seq: next, synced: st.synced}); err != nil {
		return err
	}
	s.seq, s.seqValid = next, true
	return nil
}

// refresh brings s.idx up to date with the files. The caller holds s.mu and
// the directory lock (exclusive when exclusive is true). Under a shared lock
// nothing on disk is changed; an index found damaged is then rebuilt in
// memory only, and the next writer rebuilds it on disk.
func (s *Store) refresh(exclusive bool) error {
	st, valid := s.readLockState()
	if s.loaded && valid && s.seqValid && st.seq == s.seq {
		return nil
	}
	// Acknowledgements first: loading the index checks tombstones against
	// them.
	if err := s.catchUpAcks(); err != nil {
		s.loaded = false
		return err
	}
	if err := s.catchUp(exclusive); err != nil {
		s.loaded = false
		return err
	}
	// Read it again: a rebuild during catchUp bumps it.
	st, valid = s.readLockState()
	s.seq, s.seqValid = st.seq, valid
	return nil
}

// catchUp reads what changed since the last refresh.
func (s *Store) catchUp(exclusive bool) error {
	if s.loaded && s.logf != nil && s.auditf != nil && sameFile(s.auditf, s.auditPath()) {
		// (A purge replaces the audit log and then the index; one cut
		// short between the two leaves the index log in place.)
		fi, err := os.Stat(filepath.Join(s.dir, logName))
		if err == nil {
			cur, err := s.logf.Stat()
			if err == nil && os.SameFile(fi, cur) && cur.Size() >= s.logOff {
				return s.readLogFrom(cur.Size(), exclusive)
			}
		}
	}
	return s.load(exclusive)
}

// sameFile reports whether the open file f is the file at path.
func sameFile(f *os.File, path string) bool {
	fi, err := os.Stat(path)
	if err != nil {
		return false
	}
	cur, err := f.Stat()
	return err == nil && os.SameFile(fi, cur)
}

// load reads the snapshot and the whole log, or rebuilds the index when they
// are missing or damaged.
func (s *Store) load(exclusive bool) error {
	x, err := readSnapshot(filepath.Join(s.dir, snapName))
	var logf *os.File
	var data []byte
	if err == nil {
		logf, err = os.OpenFile(filepath.Join(s.dir, logName), os.O_RDWR|os.O_APPEND, 0)
		if errors.Is(err, fs.ErrNotExist) {
			err = errIndexMissing
		}
	}
	if err == nil {
		data, err = io.ReadAll(logf)
		if err == nil {
			err = checkLogHeader(data)
		}
	}
	var d *damage
	if errors.Is(err, errIndexMissing) || errors.As(err, &d) {
		if logf != nil {
			logf.Close()
		}
		return s.rebuild(exclusive)
	}
	if err != nil {
		if logf != nil {
			logf.Close()
		}
		return fmt.Errorf("read index: %w", err)
	}
	entries, used, torn := parseFrames(data[logHeaderLen:])
	if torn {
		// Every entry is fsynced before its record file is renamed, so a
		// torn entry never belongs to a landed commit; but bytes that do
		// not decode may also hide landed entries after them (a damaged
		// disk block): only the records can tell.
		logf.Close()
		return s.rebuild(exclusive)
	}
	if s.logf != nil {
		s.logf.Close()
	}
	s.idx, s.logf, s.pending = x, logf, nil
	s.diskOK, s.loaded = true, true
	s.logOff = int64(logHeaderLen + used)
	entries = slices.DeleteFunc(entries, func(le *logEntry) bool { return le.Gen <= x.gen })
	s.logEntries = 0
	if err := s.applyNew(entries); err != nil {
		return err
	}
	if legacyTombsExist(s.outDir) {
		return s.rebuild(exclusive)
	}
	auditf, epoch, size, err := s.openAudit()
	if errors.As(err, &d) {
		return s.rebuild(exclusive)
	}
	if err != nil {
		return err
	}
	s.setAudit(auditf)
	if epoch != s.idx.auditEpoch || size < s.idx.auditEnd {
		// The audit log is not the one the index describes (a purge cut
		// short before its index was written, or files restored from
		// different backups): only a scan can tell what it holds.
		return s.rebuild(exclusive)
	}
	return nil
}

// setAudit makes f the open audit log.
func (s *Store) setAudit(f *os.File) {
	if s.auditf != nil && s.auditf != f {
		s.auditf.Close()
	}
	s.auditf = f
	s.frames.reset()
}

// readLogFrom reads the log entries appended after s.logOff, up to size.
func (s *Store) readLogFrom(size int64, exclusive bool) error {
	if size == s.logOff {
		return nil
	}
	buf := make([]byte, size-s.logOff)
	if _, err := s.logf.ReadAt(buf, s.logOff); err != nil {
		return fmt.Errorf("read index log: %w", err)
	}
	entries, used, torn := parseFrames(buf)
	if torn {
		return s.load(exclusive)
	}
	s.logOff += int64(used)
	return s.applyNew(entries)
}

// applyNew applies entries newly read from the log. Every entry but the last
// is known to have landed (or to be followed by a repair entry); the last
// one is checked against its record file, because its writer may have died
// between appending it and renaming the file.
func (s *Store) applyNew(entries []*logEntry) error {
	if len(entries) == 0 {
		return nil
	}
	s.pending = nil
	s.logEntries += len(entries)
	last := entries[len(entries)-1]
	for _, le := range entries[:len(entries)-1] {
		s.idx.apply(le)
	}
	landed, err := s.landed(last)
	if err != nil {
		return err
	}
	if landed {
		s.idx.apply(last)
	} else {
		s.pending = last
		s.idx.gen = max(s.idx.gen, last.Gen)
		s.idx.evSeq = max(s.idx.evSeq, last.EvSeq)
	}
	return nil
}

// landed reports whether the commit of le reached its record file.
func (s *Store) landed(le *logEntry) (bool, error) {
	path := s.recPath(le.ID)
	if le.Op == opDelete {
		_, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return true, nil
		}
		return false, err
	}
	h, err := readHeader(path)
	var d *damage
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case errors.As(err, &d):
		// A file whose header is unreadable cannot tell; count it as
		// landed: either way, reads of the case report the damage.
		return true, nil
	case err != nil:
		return false, err
	}
	return h.gen == le.Entry.FileGen, nil
}

// settle prepares the log for a writer, under the exclusive lock: it
// appends the repair entry of a commit that never landed (removing its
// tombstone first), makes the changes of a writer that died before its
// directory sync durable, and rewrites an acknowledgement log that is
// missing, torn or damaged.
func (s *Store) settle() error {
	if s.pending != nil {
		p := s.pending
		repair := &logEntry{Gen: s.idx.gen + 1, Op: opDelete, ID: p.ID, EvSeq: s.idx.evSeq}
		if e, ok := s.idx.cases[p.ID]; ok {
			repair.Op, repair.Entry = opPut, e.clone()
		}
		if err := s.bumpSeq(); err != nil {
			return err
		}
		n, err := s.appendLog(repair)
		if err != nil {
			s.loaded = false
			return err
		}
		if err := s.sync(s.logf); err != nil {
			s.loaded = false
			return fmt.Errorf("sync index log: %w", err)
		}
		s.logOff += n
		s.logEntries++
		s.idx.apply(repair)
		s.pending = nil
	}
	if err := s.cutAudit(); err != nil {
		return err
	}
	st, valid := s.readLockState()
	if !valid {
		// Damaged lock file: start a fresh sequence no reader has cached.
		if err := s.bumpSeq(); err != nil {
			return err
		}
	}
	if !valid || st.synced < s.idx.gen {
		// The last writer may have died after its rename but before its
		// directory sync: make its change durable before adding ours.
		if err := s.syncD(s.recD); err != nil {
			return fmt.Errorf("sync records directory: %w", err)
		}
		if err := s.writeLockState(lockState{seq: s.seq, synced: s.idx.gen}); err != nil {
			return err
		}
		s.seqValid = true
	}
	if s.acks.repair != "" {
		if err := s.rewriteAcks(); err != nil {
			return err
		}
	}
	return nil
}

// cutAudit removes the bytes after the committed end of the audit log: the
// frame of a commit that did not land (or a part of it). The caller holds
// the exclusive lock, so no writer is appending.
func (s *Store) cutAudit() error {
	fi, err := s.auditf.Stat()
	if err != nil {
		return fmt.Errorf("read audit log: %w", err)
	}
	if fi.Size() <= s.idx.auditEnd {
		return nil
	}
	if err := s.auditf.Truncate(s.idx.auditEnd); err != nil {
		return fmt.Errorf("cut audit log: %w", err)
	}
	if err := s.sync(s.auditf); err != nil {
		return fmt.Errorf("sync audit log: %w", err)
	}
	return nil
}

// appendLog appends one entry to the log (without syncing it) and returns
// the bytes written.
func (s *Store) appendLog(le *logEntry) (int64, error) {
	frame, err := frameEntry(le)
	if err != nil {
		return 0, err
	}
	if _, err := s.logf.Write(frame); err != nil {
		return 0, fmt.Errorf("append index log: %w", err)
	}
	return int64(len(frame)), nil
}

// namesMatch reports whether the records directory holds exactly the files
// the index expects. Temporary files are removed on the way (the caller
// holds the exclusive lock).
func (s *Store) namesMatch() (bool, error) {
	des, err := os.ReadDir(s.recDir)
	if err != nil {
		return false, err
	}
	want := make(map[string]bool, len(s.idx.cases)+len(s.idx.damagedFiles))
	for id := range s.idx.cases {
		want[recordName(id)] = true
	}
	for _, name := range s.idx.damagedFiles {
		want[name] = true
	}
	found := 0
	for _, de := range des {
		name := de.Name()
		if !isRecordName(name) {
			continue
		}
		if !want[name] {
			return false, nil
		}
		found++
	}
	return found == len(want), nil
}

// removeTemps removes the temporary files a crashed writer may have left in
// the store directory and its records directory. The caller holds the
// exclusive lock, so no writer is using them.
func removeTemps(dir string) error {
	for _, d := range []string{dir, filepath.Join(dir, recDirName), filepath.Join(dir, outDirName)} {
		des, err := os.ReadDir(d)
		if err != nil {
			return err
		}
		for _, de := range des {
			if strings.Contains(de.Name(), tmpInfix) {
				if err := os.Remove(filepath.Join(d, de.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return err
				}
			}
		}
	}
	return nil
}

// rebuild rebuilds the index from the record files and the audit log.
// With persist (the exclusive lock held) it writes a new snapshot and an
// empty log, and migrates a format-2 directory (see migrate); otherwise the
// result stays in memory and the next writer persists a rebuild.
func (s *Store) rebuild(persist bool) error {
	old := s.idx
	x := newIndex()
	if old != nil {
		x.gen = old.gen
		x.evSeq = old.evSeq
	}
	// Event numbers must never be given twice: start past every one the
	// acknowledgement log mentions (the audit log is scanned below).
	x.evSeq = max(x.evSeq, s.acks.highest())
	if st, valid := s.readLockState(); valid {
		// Generations must keep growing past every one ever used, even
		// by a delete (which leaves no file to find).
		x.gen = max(x.gen, st.synced)
	}
	des, err := os.ReadDir(s.recDir)
	if err != nil {
		return fmt.Errorf("rebuild index: %w", err)
	}
	// oldCase finds the case an earlier index placed in a file.
	var byName map[string]string
	oldCase := func(name string) (string, *entry) {
		if old == nil {
			return "", nil
		}
		if byName == nil {
			byName = make(map[string]string, len(old.cases))
			for id := range old.cases {
				byName[recordName(id)] = id
			}
		}
		id, ok := byName[name]
		if !ok {
			return "", nil
		}
		return id, old.cases[id]
	}
	var legacy []*legacyRecord
	for _, de := range des {
		name := de.Name()
		if !isRecordName(name) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(s.recDir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("rebuild index: %w", err)
		}
		rec, h, err := decodeRecord(data)
		x.gen = max(x.gen, h.gen)
		if lr := legacyEventsOf(data, rec, h); lr != nil {
			legacy = append(legacy, lr)
		}
		switch {
		case err == nil && recordName(rec.Case.ID) == name:
			x.put(rec.Case.ID, entryOf(rec, rec.Version, h.gen))
		case err != nil && h.id != "" && recordName(h.id) == name:
			// The header is whole, the body is not: keep the case listed as
			// damaged, with what an earlier index knew of that exact file.
			e := &entry{Version: h.version, FileGen: h.gen, Damaged: true}
			if id, oe := oldCase(name); id == h.id && oe != nil && oe.FileGen == h.gen {
				e = oe.clone()
				e.Damaged = true
			}
			x.put(h.id, e)
		default:
			// Even the header is unreadable: only an earlier index can say
			// whose file this is.
			if id, oe := oldCase(name); oe != nil {
				e := oe.clone()
				e.Damaged = true
				x.put(id, e)
			} else {
				x.damagedFiles = append(x.damagedFiles, name)
			}
		}
	}
	sort.Strings(x.damagedFiles)
	if s.pending != nil {
		x.gen = max(x.gen, s.pending.Gen)
		x.evSeq = max(x.evSeq, s.pending.EvSeq)
	}
	if err := s.rebuildAudit(x); err != nil {
		return fmt.Errorf("rebuild index: %w", err)
	}
	tombs, err := readLegacyTombs(s.outDir)
	if err != nil {
		return fmt.Errorf("rebuild index: %w", err)
	}
	if len(legacy) > 0 || len(tombs) > 0 {
		if !persist {
			return errors.New("the store directory was written by an earlier version: open it with file.Open to migrate it")
		}
		if err := s.migrate(x, legacy, tombs); err != nil {
			return fmt.Errorf("migrate store directory: %w", err)
		}
	}
	s.idx, s.pending, s.loaded = x, nil, true
	if !persist {
		// The log on disk is not trusted: the next refresh after a change
		// loads (and, if still needed, rebuilds) from scratch.
		if s.logf != nil {
			s.logf.Close()
			s.logf = nil
		}
		s.diskOK = false
		return nil
	}
	if err := s.writeIndex(); err != nil {
		s.loaded = false
		return err
	}
	return nil
}

// rebuildAudit scans the audit log into x: its frames, deletions, highest
// Seq and committed end. The last frame is checked against its record file,
// as the last index log entry is: its writer may have died before the
// commit point.
func (s *Store) rebuildAudit(x *index) error {
	f, epoch, _, err := s.openAudit()
	var d *damage
	if errors.As(err, &d) {
		// A header that does not check out: nothing says where frames
		// start or whether the file is an audit log at all. Keep the
		// bytes and refuse to go on: an operator restores the file.
		return &CorruptError{Path: s.auditPath(), Reason: err.Error()}
	}
	if err != nil {
		return err
	}
	s.setAudit(f)
	frames, end, bad, err := s.scanAudit()
	if err != nil {
		return err
	}
	x.badFrames, x.auditEpoch = bad, epoch
	if n := len(frames); n > 0 {
		last := frames[n-1]
		x.gen = max(x.gen, last.af.Gen)
		x.evSeq = max(x.evSeq, last.af.EvSeq)
		if last.af.Gen > 0 && last.af.Op != opMigrate && last.af.Op != opPurge {
			landed, err := s.frameLanded(last.af)
			if err != nil {
				return err
			}
			if !landed {
				frames, end = frames[:n-1], last.ref.Off
			}
		}
	}
	refs := make([]frameRef, 0, len(frames))
	for _, f := range frames {
		x.gen = max(x.gen, f.af.Gen)
		x.evSeq = max(x.evSeq, f.af.EvSeq)
		for _, e := range f.af.Events {
			x.evSeq = max(x.evSeq, e.Seq)
		}
		if f.ref.N > 0 {
			refs = append(refs, f.ref)
		}
		if f.af.Op == opDelete && f.af.At != nil {
			x.deletions[f.af.Case] = append(x.deletions[f.af.Case], deletion{At: *f.af.At, UpTo: f.af.EvSeq})
		}
	}
	slices.SortFunc(refs, func(a, b frameRef) int { return cmp.Compare(a.First, b.First) })
	x.frames = refs
	x.reindexFrames()
	x.auditEnd = end
	return nil
}

// frameLanded reports whether the commit of the audit frame af reached its
// record file (the commit point).
func (s *Store) frameLanded(af *auditFrame) (bool, error) {
	path := s.recPath(af.Case)
	if af.Op != opPut {
		_, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return true, nil
		}
		return false, err
	}
	h, err := readHeader(path)
	var d *damage
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case errors.As(err, &d):
		return true, nil
	case err != nil:
		return false, err
	}
	return h.gen >= af.Gen, nil
}

// writeIndex writes s.idx as a new snapshot followed by an empty log, under
// the exclusive lock: used by rebuild and compaction.
func (s *Store) writeIndex() error {
	if err := s.bumpSeq(); err != nil {
		return err
	}
	snap, err := encodeSnapshot(s.idx)
	if err != nil {
		return err
	}
	if err := s.writeFileAtomic(s.dir, s.topD, snapName, snap); err != nil {
		return fmt.Errorf("write index snapshot: %w", err)
	}
	if err := s.writeFileAtomic(s.dir, s.topD, logName, logHeader()); err != nil {
		return fmt.Errorf("write index log: %w", err)
	}
	logf, err := os.OpenFile(filepath.Join(s.dir, logName), os.O_RDWR|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("open index log: %w", err)
	}
	if s.logf != nil {
		s.logf.Close()
	}
	s.logf, s.logOff, s.logEntries = logf, logHeaderLen, 0
	s.diskOK = true
	return s.writeLockState(lockState{seq: s.seq, synced: s.idx.gen})
}
