package file

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dossierkit/dossier/storage"
)

// DefaultLockTimeout is the LockTimeout used when Options.LockTimeout is 0.
const DefaultLockTimeout = 10 * time.Second

// Names inside the store directory. The lock file is created once and never
// deleted; temporary files carry tmpInfix in their name.
const (
	lockName   = "LOCK"
	snapName   = "index.snap"
	logName    = "index.log"
	recDirName = "records"
	tmpInfix   = ".tmp-"
)

// compactMin is the least number of log entries that triggers a compaction
// of the index log into a new snapshot; a store with more cases waits for as
// many entries as it has cases, so compaction costs O(1) per write
// amortized.
var compactMin = 1024

// Options configure Open. The zero value is the safe default: fsync on, a
// lock timeout of DefaultLockTimeout.
type Options struct {
	// LockTimeout bounds every wait for the store lock, in Open and in
	// every method: the wait for other goroutines of this process and for
	// other processes together; past it the call fails with a
	// *LockTimeoutError (errors.Is(err, ErrLockTimeout)). The context of a
	// call can end the wait earlier. 0 means DefaultLockTimeout; a negative
	// value means do not wait: fail at once when the lock is held.
	LockTimeout time.Duration

	// NoSync turns every fsync off. Writes stay atomic and a crash of the
	// process still loses nothing acknowledged (the operating system has
	// the data), but an operating system crash or a power failure can lose
	// acknowledged writes, leave record files empty or damaged (reported as
	// *CorruptError, never returned as data) and leave the index behind the
	// records without Open noticing: after such an event, open with
	// Rebuild. Use it for bulk loads and tests only.
	NoSync bool

	// Rebuild makes Open rebuild the index from the record files and the
	// audit log instead of trusting it (Open also rebuilds by itself when
	// the index is missing, damaged, lists other files than the records
	// directory holds or describes another audit log).
	Rebuild bool
}

// Store is a storage.Store keeping each case in its own file under a
// directory. It is safe for concurrent use by many goroutines and, through
// the directory lock, by many processes. Create it with Open and release it
// with Close.
type Store struct {
	dir    string // absolute
	recDir string
	outDir string
	opts   Options
	lockf  *os.File
	topD   *os.File // the store directory, kept open to fsync it
	recD   *os.File // the records directory, kept open to fsync it
	outD   *os.File // the outbox directory, kept open to fsync it
	auditf *os.File // the audit log, open (guarded by mu)
	lk     *locker
	closed atomic.Bool
	reads  atomic.Int64 // record files read, for tests

	// mu guards the in-memory view of the index below. Readers holding the
	// shared lock refresh it under mu; writers hold the exclusive lock.
	mu         sync.Mutex
	idx        *index
	loaded     bool      // idx reflects the files as of seq
	seq        uint64    // lock-file sequence idx was refreshed at
	seqValid   bool      // seq was read from a valid lock file
	diskOK     bool      // the index files on disk are sound (false after an in-memory rebuild)
	logf       *os.File  // the index log, open
	logOff     int64     // bytes of the log consumed
	logEntries int       // entries in the log since the snapshot
	pending    *logEntry // the log's last entry did not land: the next writer appends a repair
	acks       *acks     // the acknowledgement log, guarded by mu like idx
	frames     frameCache
}

var _ storage.Store = (*Store)(nil)

// Open opens the store in dir, creating the directory and an empty store
// when they do not exist. It takes the directory lock exclusively (waiting
// at most Options.LockTimeout, then failing with a *LockTimeoutError),
// removes temporary files left by crashed writers, loads the index and
// rebuilds it from the record files when it is missing, damaged or does
// not list the same files as the records directory, then releases the lock.
// Many Stores, in one process or several, may be open on one directory.
func Open(dir string, opts Options) (*Store, error) {
	if opts.LockTimeout == 0 {
		opts.LockTimeout = DefaultLockTimeout
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("file: open: %w", err)
	}
	s := &Store{dir: abs, recDir: filepath.Join(abs, recDirName), outDir: filepath.Join(abs, outDirName), opts: opts, idx: newIndex(), acks: newAcks()}
	if err := s.openFiles(); err != nil {
		s.closeFiles()
		return nil, s.public(fmt.Errorf("file: open: %w", err))
	}
	s.lk = newLocker(s.lockf, opts.LockTimeout)
	if err := s.lk.lockExclusive(context.Background(), "open"); err != nil {
		s.closeFiles()
		return nil, s.public(err)
	}
	err = s.recoverAtOpen()
	s.lk.unlockExclusive()
	if err != nil {
		s.closeFiles()
		return nil, s.public(fmt.Errorf("file: open: %w", err))
	}
	return s, nil
}

// openFiles creates the directories and the lock file when needed and opens
// them.
func (s *Store) openFiles() error {
	for _, d := range []string{s.dir, s.recDir, s.outDir} {
		err := os.Mkdir(d, 0o700)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if errors.Is(err, fs.ErrNotExist) && d == s.dir {
			err = os.MkdirAll(d, 0o700)
		}
		if err != nil {
			return err
		}
		if err := s.syncPath(filepath.Dir(d)); err != nil {
			return err
		}
	}
	var err error
	if s.topD, err = os.Open(s.dir); err != nil {
		return err
	}
	if s.recD, err = os.Open(s.recDir); err != nil {
		return err
	}
	if s.outD, err = os.Open(s.outDir); err != nil {
		return err
	}
	lockPath := filepath.Join(s.dir, lockName)
	_, statErr := os.Lstat(lockPath)
	if s.lockf, err = os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, 0o600); err != nil {
		return err
	}
	if errors.Is(statErr, fs.ErrNotExist) {
		return s.syncD(s.topD)
	}
	return nil
}

// recoverAtOpen runs under the exclusive lock at Open.
func (s *Store) recoverAtOpen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := removeTemps(s.dir); err != nil {
		return err
	}
	// Load the index even when a rebuild is asked for: a rebuild keeps
	// what the old index knew of cases whose files are damaged.
	if err := s.refresh(true); err != nil {
		return err
	}
	ok, err := s.namesMatch()
	if err != nil {
		return err
	}
	if s.opts.Rebuild {
		ok = false
	}
	if st, valid := s.readLockState(); valid && st.synced > s.idx.gen {
		// Writes were made durable past the index's generation: the index
		// files are older than the records (restored from a backup, say).
		ok = false
	}
	if !ok {
		if err := s.rebuild(true); err != nil {
			return err
		}
	}
	if err := s.settle(); err != nil {
		return err
	}
	if _, valid := s.readLockState(); !valid {
		return s.writeLockState(lockState{seq: s.seq, synced: s.idx.gen})
	}
	return nil
}

// Close releases the files of the store after the calls in flight return.
// Later calls fail with ErrClosed; closing twice returns nil.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.lk.close()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.public(s.closeFiles())
}

func (s *Store) closeFiles() error {
	var errs []error
	for _, f := range []*os.File{s.logf, s.auditf, s.acks.f, s.outD, s.recD, s.topD, s.lockf} {
		if f != nil {
			errs = append(errs, f.Close())
		}
	}
	return errors.Join(errs...)
}

// Dir returns the absolute path of the store directory.
func (s *Store) Dir() string { return s.dir }

func (s *Store) recPath(caseID string) string {
	return filepath.Join(s.recDir, recordName(caseID))
}

// sync fsyncs f unless NoSync.
func (s *Store) sync(f *os.File) error {
	if s.opts.NoSync {
		return nil
	}
	return f.Sync()
}

// syncD fsyncs the directory d unless NoSync.
func (s *Store) syncD(d *os.File) error {
	if s.opts.NoSync {
		return nil
	}
	return syncDir(d)
}

// syncPath fsyncs the directory at path unless NoSync.
func (s *Store) syncPath(path string) error {
	if s.opts.NoSync {
		return nil
	}
	d, err := os.Open(path)
	if err != nil {
		return err
	}
	defer d.Close()
	return syncDir(d)
}

// errNoFile: the record file of a case does not exist.
var errNoFile = errors.New("no record file")

// readRecordFile reads the record file of caseID and returns it with its
// path: errNoFile when it does not exist.
func (s *Store) readRecordFile(caseID string) ([]byte, string, error) {
	s.reads.Add(1)
	path := s.recPath(caseID)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, path, errNoFile
	}
	if err != nil {
		return nil, path, fmt.Errorf("file: read case %s: %w", caseID, err)
	}
	return data, path, nil
}

// readRecord reads and decodes the record file of caseID: errNoFile when it
// does not exist, a *CorruptError when it does not decode.
func (s *Store) readRecord(caseID string) (*storage.Record, error) {
	data, path, err := s.readRecordFile(caseID)
	if err != nil {
		return nil, err
	}
	rec, _, err := decodeRecord(data)
	if err != nil {
		return nil, &CorruptError{CaseID: caseID, Path: path, Reason: err.Error()}
	}
	if rec.Case.ID != caseID {
		return nil, &CorruptError{CaseID: caseID, Path: path, Reason: fmt.Sprintf("file holds case %q", rec.Case.ID)}
	}
	return rec, nil
}

// Get implements storage.Store. It reads the case's record file directly:
// files are replaced by atomic renames, so it needs no lock and always sees
// the latest committed record. A damaged file gives a *CorruptError.
func (s *Store) Get(ctx context.Context, caseID string) (_ *storage.Record, err error) {
	defer func() { err = s.public(err) }()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.closed.Load() {
		return nil, ErrClosed
	}
	rec, err := s.readRecord(caseID)
	if errors.Is(err, errNoFile) {
		return nil, fmt.Errorf("file: case %s: %w", caseID, storage.ErrNotFound)
	}
	return rec, err
}

// withIndex runs fn on a current index under the shared lock (so no purge
// replaces the audit log meanwhile) and s.mu, and returns fn's error.
func (s *Store) withIndex(ctx context.Context, op string, fn func(x *index) error) error {
	if s.closed.Load() {
		return ErrClosed
	}
	if err := s.lk.lockShared(ctx, op); err != nil {
		return err
	}
	defer s.lk.unlockShared()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(false); err != nil {
		return fmt.Errorf("file: %s: %w", op, err)
	}
	return fn(s.idx)
}

// GetByExternalID implements storage.Store: one index lookup, then one file
// read.
func (s *Store) GetByExternalID(ctx context.Context, externalID string) (_ *storage.Record, err error) {
	defer func() { err = s.public(err) }()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	notFound := fmt.Errorf("file: external id %q: %w", externalID, storage.ErrNotFound)
	if externalID == "" {
		return nil, notFound
	}
	// The file is read after the lock is released; if a writer changed the
	// external id in between, look again.
	for range 3 {
		var id string
		var ok bool
		if err := s.withIndex(ctx, "get by external id", func(x *index) error { id, ok = x.external[externalID]; return nil }); err != nil {
			return nil, err
		}
		if !ok {
			return nil, notFound
		}
		rec, err := s.readRecord(id)
		switch {
		case errors.Is(err, errNoFile):
			continue
		case err != nil:
			return nil, err
		case rec.Case.ExternalID == externalID:
			return rec, nil
		}
	}
	return nil, notFound
}

// CaseOfEntity implements storage.Store from the index alone.
func (s *Store) CaseOfEntity(ctx context.Context, entityID string) (_ string, err error) {
	defer func() { err = s.public(err) }()
	if err := ctx.Err(); err != nil {
		return "", err
	}
	var id string
	var ok bool
	if err := s.withIndex(ctx, "case of entity", func(x *index) error { id, ok = x.entities[entityID]; return nil }); err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("file: entity %s: %w", entityID, storage.ErrNotFound)
	}
	return id, nil
}

// public returns err with every path of the store directory taken out of
// its text, for errors a host may show its clients: the error chain is
// unchanged (errors.Is and errors.As see the same errors, with their Path
// fields for logs).
func (s *Store) public(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if !strings.Contains(msg, s.dir) {
		return err
	}
	return &scrubbed{msg: strings.ReplaceAll(msg, s.dir, "<store>"), err: err}
}

// scrubbed is an error whose text has no file paths.
type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }
