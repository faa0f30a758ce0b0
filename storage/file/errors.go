package file

import (
	"errors"
	"fmt"
	"time"
)

// Errors of the file adapter, besides the storage sentinels (ErrNotFound,
// ErrConflict, ErrDuplicateExternalID) it shares with every adapter. Test
// them with errors.Is.
var (
	// ErrCorrupt is matched by every *CorruptError: a record file that
	// cannot be read back as written.
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
// stays readable.
type CorruptError struct {
	// CaseID is the case the file belongs to; "" when even the header is
	// unreadable and the file was found by a directory scan.
	CaseID string
	// Path is the record file.
	Path string
	// Reason says what is wrong, e.g. "body checksum mismatch".
	Reason string
}

// Error implements error.
func (e *CorruptError) Error() string {
	if e.CaseID == "" {
		return fmt.Sprintf("file: record file %s is damaged: %s", e.Path, e.Reason)
	}
	return fmt.Sprintf("file: case %q: record file %s is damaged: %s", e.CaseID, e.Path, e.Reason)
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
