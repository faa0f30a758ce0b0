package file

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Errors of the file adapter, besides the storage sentinels (ErrNotFound,
// ErrConflict, ErrDuplicateExternalID) it shares with every adapter. Test
// them with errors.Is.
var (
	// ErrCorrupt is matched by every *CorruptError: a record file (or an
	// outbox file) that cannot be read back as written.
	ErrCorrupt = errors.New("damaged record file")
	// ErrLockTimeout is matched by every *LockTimeoutError: the directory
	// lock stayed held by someone else longer than Options.LockTimeout.
	ErrLockTimeout = errors.New("timed out waiting for the store lock")
	// ErrClosed is returned by every method called after Close.
	ErrClosed = errors.New("file store is closed")
)

// CorruptError reports a record file whose bytes do not decode: bad magic,
// unsupported format version, checksum mismatch, truncation, or a body that
// does not match its header. Only that case is affected; every other case
// stays readable. The outbox reports a damaged tombstone file the same way
// (see the package doc).
type CorruptError struct {
	// CaseID is the case the file belongs to; "" when even the header is
	// unreadable and the file was found by a directory scan.
	CaseID string
	// Path is the record file (or tombstone file).
	Path string
	// Reason says what is wrong, e.g. "body checksum mismatch".
	Reason string
	// Seqs lists the pending events the file holds that cannot be read,
	// when the index knows them (PendingEvents, Update and Delete fill
	// it). Acknowledging them with AckEvents gives them up explicitly.
	Seqs []uint64
}

// Error implements error.
func (e *CorruptError) Error() string {
	what := "record file"
	if strings.HasSuffix(e.Path, tombExt) {
		what = "event tombstone"
	}
	var msg string
	if e.CaseID == "" {
		msg = fmt.Sprintf("file: %s %s is damaged: %s", what, e.Path, e.Reason)
	} else {
		msg = fmt.Sprintf("file: case %q: %s %s is damaged: %s", e.CaseID, what, e.Path, e.Reason)
	}
	if len(e.Seqs) > 0 {
		msg += fmt.Sprintf(" (unreadable pending events, by seq: %v)", e.Seqs)
	}
	return msg
}

// Is makes errors.Is(err, ErrCorrupt) true.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// LockTimeoutError reports that the directory lock could not be taken within
// Options.LockTimeout, usually because another process holds it.
type LockTimeoutError struct {
	// Op is the operation that waited ("open", "update", ...).
	Op string
	// Path is the lock file.
	Path string
	// Waited is how long the operation waited.
	Waited time.Duration
}

// Error implements error.
func (e *LockTimeoutError) Error() string {
	return fmt.Sprintf("file: %s: lock %s still held by another store after %v", e.Op, e.Path, e.Waited.Round(time.Millisecond))
}

// Is makes errors.Is(err, ErrLockTimeout) true.
func (e *LockTimeoutError) Is(target error) bool { return target == ErrLockTimeout }

// Timeout reports true: the store was busy, and a later try may succeed.
// dossier.Problem answers such errors with 503.
func (e *LockTimeoutError) Timeout() bool { return true }
