package file

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

// locker is the two-level lock of a Store. Within the process, goroutines
// take it shared (readers) or exclusive (writers) in arrival order: each
// caller draws a ticket, a writer waits for every caller that arrived
// before it, and a reader only for the writers that arrived before it
// (readers that arrive together share the lock), so neither a stream of
// writers nor one of readers can starve the other. Across processes, the
// holders of the process-level lock take the matching flock on the lock
// file. Shared holders of one process share a single flock, taken by the
// first and released by the last. Every wait, in the process and for the
// flock, counts against one deadline: the call's LockTimeout.
type locker struct {
	f       *os.File
	timeout time.Duration

	mu        sync.Mutex
	readers   int             // in-process holders of the shared lock
	writer    bool            // an in-process writer holds (or is taking) the lock
	acquiring bool            // a reader is taking the shared flock
	closed    bool            // the Store is closed: every lock call fails
	wake      chan struct{}   // closed and replaced whenever the state changes
	next      uint64          // the next ticket
	waiting   map[uint64]bool // tickets of the waiting callers: true for writers
}

func newLocker(f *os.File, timeout time.Duration) *locker {
	return &locker{f: f, timeout: timeout, wake: make(chan struct{}), waiting: make(map[uint64]bool)}
}

// broadcast wakes every waiter; l.mu is held.
func (l *locker) broadcast() {
	close(l.wake)
	l.wake = make(chan struct{})
}

// earlier reports whether a caller with a ticket below t waits: any caller,
// or only writers when writersOnly. l.mu is held.
func (l *locker) earlier(t uint64, writersOnly bool) bool {
	for w, isWriter := range l.waiting {
		if w < t && (isWriter || !writersOnly) {
			return true
		}
	}
	return false
}

// deadline returns when a wait that starts now must give up.
func (l *locker) deadline(start time.Time) time.Time {
	if l.timeout < 0 {
		return start
	}
	return start.Add(l.timeout)
}

// wait releases l.mu until the state changes, ctx is done or the deadline
// passes (then a *LockTimeoutError), and takes it again.
func (l *locker) wait(ctx context.Context, op string, start, deadline time.Time) error {
	ch := l.wake
	l.mu.Unlock()
	var err error
	now := time.Now()
	if !now.Before(deadline) {
		err = &LockTimeoutError{Op: op, Path: l.f.Name(), Waited: now.Sub(start)}
	} else {
		t := time.NewTimer(deadline.Sub(now))
		select {
		case <-ch:
		case <-ctx.Done():
			err = fmt.Errorf("file: %s: waiting for the store lock: %w", op, ctx.Err())
		case now := <-t.C:
			err = &LockTimeoutError{Op: op, Path: l.f.Name(), Waited: now.Sub(start)}
		}
		t.Stop()
	}
	l.mu.Lock()
	return err
}

// ticket draws a ticket and registers its caller as waiting. l.mu is held.
func (l *locker) ticket(writer bool) uint64 {
	t := l.next
	l.next++
	l.waiting[t] = writer
	return t
}

// done unregisters a waiting ticket and wakes the others. l.mu is held.
func (l *locker) done(t uint64) {
	delete(l.waiting, t)
	l.broadcast()
}

// lockShared takes the lock shared: no writer of any process holds it until
// unlockShared.
func (l *locker) lockShared(ctx context.Context, op string) error {
	start := time.Now()
	deadline := l.deadline(start)
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.ticket(false)
	for {
		if l.closed {
			l.done(t)
			return ErrClosed
		}
		if !l.writer && !l.earlier(t, true) {
			if l.readers > 0 {
				l.readers++
				l.done(t)
				return nil
			}
			if !l.acquiring {
				l.acquiring = true
				l.mu.Unlock()
				err := l.flockWait(ctx, false, start, deadline, op)
				l.mu.Lock()
				l.acquiring = false
				l.done(t)
				if err != nil {
					return err
				}
				l.readers++
				return nil
			}
		}
		if err := l.wait(ctx, op, start, deadline); err != nil {
			l.done(t)
			return err
		}
	}
}

// unlockShared releases a shared hold.
func (l *locker) unlockShared() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.readers--
	if l.readers == 0 {
		// Nothing can be done about a failed unlock: the lock goes away at
		// the latest when the Store is closed.
		_ = unlock(l.f)
		l.broadcast()
	}
}

// lockExclusive takes the lock exclusive: no other goroutine or process
// holds it until unlockExclusive.
func (l *locker) lockExclusive(ctx context.Context, op string) error {
	start := time.Now()
	deadline := l.deadline(start)
	l.mu.Lock()
	t := l.ticket(true)
	for l.closed || l.writer || l.readers > 0 || l.acquiring || l.earlier(t, false) {
		err := ErrClosed
		if !l.closed {
			err = l.wait(ctx, op, start, deadline)
		}
		if err != nil {
			l.done(t)
			l.mu.Unlock()
			return err
		}
	}
	l.writer = true
	l.done(t)
	l.mu.Unlock()
	if err := l.flockWait(ctx, true, start, deadline, op); err != nil {
		l.mu.Lock()
		l.writer = false
		l.broadcast()
		l.mu.Unlock()
		return err
	}
	return nil
}

// unlockExclusive releases an exclusive hold.
func (l *locker) unlockExclusive() {
	_ = unlock(l.f)
	l.mu.Lock()
	l.writer = false
	l.broadcast()
	l.mu.Unlock()
}

// close makes every later lock call fail with ErrClosed and returns once
// the holders in flight have released the lock.
func (l *locker) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	l.broadcast()
	for l.writer || l.readers > 0 || l.acquiring {
		_ = l.wait(context.Background(), "close", time.Now(), time.Now().Add(time.Hour))
	}
}

// flockWait polls for the file lock until it is granted, ctx is done or the
// deadline passes (then a *LockTimeoutError counting the time waited since
// start).
func (l *locker) flockWait(ctx context.Context, exclusive bool, start, deadline time.Time, op string) error {
	pause := 20 * time.Microsecond
	for {
		ok, err := tryLock(l.f, exclusive)
		if err != nil {
			return &lockError{op: op, err: err}
		}
		if ok {
			return nil
		}
		now := time.Now()
		if !now.Before(deadline) {
			return &LockTimeoutError{Op: op, Path: l.f.Name(), Waited: now.Sub(start)}
		}
		t := time.NewTimer(min(pause, deadline.Sub(now)))
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("file: %s: waiting for the store lock: %w", op, ctx.Err())
		case <-t.C:
		}
		pause = min(pause*2, time.Millisecond)
	}
}

// lockError is a failure of flock itself; its text has no path.
type lockError struct {
	op  string
	err error
}

func (e *lockError) Error() string {
	msg := e.err.Error()
	var pe *os.PathError
	if errors.As(e.err, &pe) {
		msg = pe.Err.Error()
	}
	return fmt.Sprintf("file: %s: store lock: %s", e.op, msg)
}

func (e *lockError) Unwrap() error { return e.err }
