package file

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"
)

// Errors of the file adapter, besides the storage sentinels (ErrNotFound,
// ErrConflict, ErrDuplicateExternalID) it shares with every adapter. Test
// them with errors.Is.
var (
	// ErrCorrupt is matched by every *CorruptError: a record file (or a
	// part of the audit log) that cannot be read back as written.
	ErrCorrupt = errors.New("damaged store file")
	// ErrLockTimeout is matched by every *LockTimeoutError: the directory
	// lock stayed held by someone else longer than Options.LockTimeout.
	ErrLockTimeout = errors.New("timed out waiting for the store lock")
	// ErrClosed is returned by every method called after Close.
	ErrClosed = errors.New("file store is closed")
)

// CorruptError reports a file whose bytes do not decode: a record file
// (bad magic, unsupported format version, checksum mismatch, truncation, a
// body that does not match its header), a frame of the audit log, or the
// acknowledgement log. Only that case (or those events) is affected; every
// other case stays readable. Its text never holds a file path: Path is for
// logs.
type CorruptError struct {
	// CaseID is the case the file or frame belongs to; "" when unknown
	// (a record file whose header is unreadable, found by a directory scan).
	CaseID string
	// Path is the damaged file, for logs.
	Path string
	// Reason says what is wrong, e.g. "body checksum mismatch".
	Reason string
	// Seqs lists the events that cannot be read, when the damage is in the
	// audit log. Acknowledging them with AckEvents gives them up
	// explicitly.
	Seqs []uint64
}

// Error implements error.
func (e *CorruptError) Error() string {
	what := "record file"
	switch filepath.Base(e.Path) {
	case auditName:
		what = "audit log"
	case acksName:
		what = "acknowledgement log"
	}
	var msg string
	if e.CaseID == "" {
		msg = fmt.Sprintf("file: a %s is damaged: %s", what, e.Reason)
	} else {
		msg = fmt.Sprintf("file: case %q: %s is damaged: %s", e.CaseID, what, e.Reason)
	}
	if len(e.Seqs) > 0 {
		msg += fmt.Sprintf(" (unreadable events, by seq: %v)", e.Seqs)
	}
	return msg
}

// Is makes errors.Is(err, ErrCorrupt) true.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// LockTimeoutError reports that the store lock could not be taken within
// Options.LockTimeout: held by another process, or by other goroutines of
// this one.
type LockTimeoutError struct {
	// Op is the operation that waited ("open", "update", ...).
	Op string
	// Path is the lock file, for logs.
	Path string
	// Waited is how long the operation waited, in all.
	Waited time.Duration
}

// Error implements error.
func (e *LockTimeoutError) Error() string {
	return fmt.Sprintf("file: %s: the store lock is still held by another writer after %v", e.Op, e.Waited.Round(time.Millisecond))
}

// Is makes errors.Is(err, ErrLockTimeout) true.
func (e *LockTimeoutError) Is(target error) bool { return target == ErrLockTimeout }

// Timeout reports true: the store was busy, and a later try may succeed.
// dossier.Problem answers such errors with 503.
func (e *LockTimeoutError) Timeout() bool { return true }
