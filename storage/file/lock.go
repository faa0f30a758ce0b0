package file

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"
)

// locker is the two-level lock of a Store. Within the process, goroutines
// take it shared (readers) or exclusive (writers), writers first when both
// wait; across processes, the holders of the process-level lock take the
// matching flock on the lock file. Shared holders of one process share a
// single flock, taken by the first and released by the last.
type locker struct {
	f       *os.File
	timeout time.Duration

	mu        sync.Mutex
	readers   int           // in-process holders of the shared lock
	writer    bool          // an in-process writer holds (or is taking) the lock
	waiting   int           // writers waiting for the in-process lock
	acquiring bool          // a reader is taking the shared flock
	closed    bool          // the Store is closed: every lock call fails
	wake      chan struct{} // closed and replaced whenever the state changes
}

func newLocker(f *os.File, timeout time.Duration) *locker {
	return &locker{f: f, timeout: timeout, wake: make(chan struct{})}
}

// broadcast wakes every waiter; l.mu is held.
func (l *locker) broadcast() {
	close(l.wake)
	l.wake = make(chan struct{})
}

// wait releases l.mu until the state changes or ctx is done, and takes it
// again.
func (l *locker) wait(ctx context.Context) error {
	ch := l.wake
	l.mu.Unlock()
	var err error
	select {
	case <-ch:
	case <-ctx.Done():
		err = ctx.Err()
	}
	l.mu.Lock()
	return err
}

// lockShared takes the lock shared: no writer of any process holds it until
// unlockShared.
func (l *locker) lockShared(ctx context.Context, op string) error {
	deadline := time.Now().Add(l.timeout)
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		if l.closed {
			return ErrClosed
		}
		if !l.writer && l.waiting == 0 {
			if l.readers > 0 {
				l.readers++
				return nil
			}
			if !l.acquiring {
				l.acquiring = true
				l.mu.Unlock()
				err := l.flockWait(ctx, false, deadline, op)
				l.mu.Lock()
				l.acquiring = false
				l.broadcast()
				if err != nil {
					return err
				}
				l.readers++
				return nil
			}
		}
		if err := l.wait(ctx); err != nil {
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
	deadline := time.Now().Add(l.timeout)
	l.mu.Lock()
	l.waiting++
	for l.closed || l.writer || l.readers > 0 || l.acquiring {
		err := ErrClosed
		if !l.closed {
			err = l.wait(ctx)
		}
		if err != nil {
			l.waiting--
			l.broadcast()
			l.mu.Unlock()
			return err
		}
	}
	l.waiting--
	l.writer = true
	l.mu.Unlock()
	if err := l.flockWait(ctx, true, deadline, op); err != nil {
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
		_ = l.wait(context.Background())
	}
}

// flockWait polls for the file lock until it is granted, ctx is done or the
// deadline passes (then a *LockTimeoutError).
func (l *locker) flockWait(ctx context.Context, exclusive bool, deadline time.Time, op string) error {
	start := time.Now()
	pause := 20 * time.Microsecond
	for {
		ok, err := tryLock(l.f, exclusive)
		if err != nil {
			return fmt.Errorf("file: %s: lock %s: %w", op, l.f.Name(), err)
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
			return fmt.Errorf("file: %s: waiting for lock %s: %w", op, l.f.Name(), ctx.Err())
		case <-t.C:
		}
		pause = min(pause*2, time.Millisecond)
	}
}
