package file

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func newTestLocker(t *testing.T, timeout time.Duration) *locker {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(t.TempDir(), "LOCK"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return newLocker(f, timeout)
}

// TestLockTimeoutInProcess: LockTimeout bounds waits for holders in the
// same process too (an earlier version waited for them without bound), and
// the error reports the real time waited.
func TestLockTimeoutInProcess(t *testing.T) {
	const timeout = 200 * time.Millisecond
	tests := []struct {
		name   string
		hold   func(l *locker) error
		unhold func(l *locker)
		wait   func(l *locker) error
	}{
		{"reader behind a writer",
			func(l *locker) error { return l.lockExclusive(ctx, "update") }, (*locker).unlockExclusive,
			func(l *locker) error { return l.lockShared(ctx, "query") }},
		{"writer behind a reader",
			func(l *locker) error { return l.lockShared(ctx, "query") }, (*locker).unlockShared,
			func(l *locker) error { return l.lockExclusive(ctx, "update") }},
		{"writer behind a writer",
			func(l *locker) error { return l.lockExclusive(ctx, "update") }, (*locker).unlockExclusive,
			func(l *locker) error { return l.lockExclusive(ctx, "delete") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newTestLocker(t, timeout)
			if err := tt.hold(l); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			err := tt.wait(l)
			elapsed := time.Since(start)
			var lte *LockTimeoutError
			if !errors.As(err, &lte) || !errors.Is(err, ErrLockTimeout) {
				t.Fatalf("got %v after %v, want a *LockTimeoutError", err, elapsed)
			}
			if lte.Waited < timeout || lte.Waited > elapsed || elapsed > 5*timeout {
				t.Fatalf("Waited = %v, elapsed %v, timeout %v", lte.Waited, elapsed, timeout)
			}
			tt.unhold(l)
			// The timed-out waiter left no trace: the lock is free.
			if err := tt.wait(l); err != nil {
				t.Fatalf("after the holder left: %v", err)
			}
		})
	}
	t.Run("context ends the wait first", func(t *testing.T) {
		l := newTestLocker(t, time.Hour)
		if err := l.lockExclusive(ctx, "update"); err != nil {
			t.Fatal(err)
		}
		c, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		defer cancel()
		if err := l.lockShared(c, "query"); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, want DeadlineExceeded", err)
		}
	})
	t.Run("negative timeout fails at once", func(t *testing.T) {
		l := newTestLocker(t, -1)
		if err := l.lockExclusive(ctx, "update"); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := l.lockShared(ctx, "query"); !errors.Is(err, ErrLockTimeout) || time.Since(start) > time.Second {
			t.Fatalf("got %v after %v", err, time.Since(start))
		}
	})
}

// TestLockNoStarvation: a reader gets through a stream of writers that
// never leaves the lock free, and a writer through a stream of readers
// that always overlap (the lock serves callers in arrival order; an
// earlier version let writers pass readers for as long as they came).
func TestLockNoStarvation(t *testing.T) {
	const streams = 4
	tests := []struct {
		name             string
		streamExclusive  bool
		waiterExclusive  bool
		streamHold       time.Duration
		streamersOverlap bool
	}{
		{"reader among writers", true, false, 2 * time.Millisecond, false},
		{"writer among readers", false, true, 2 * time.Millisecond, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newTestLocker(t, 20*time.Second)
			var stop atomic.Bool
			var wg sync.WaitGroup
			var rounds atomic.Int64
			for range streams {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for !stop.Load() {
						var err error
						if tt.streamExclusive {
							err = l.lockExclusive(ctx, "stream")
						} else {
							err = l.lockShared(ctx, "stream")
						}
						if err != nil {
							t.Error(err)
							return
						}
						rounds.Add(1)
						time.Sleep(tt.streamHold)
						if tt.streamExclusive {
							l.unlockExclusive()
						} else {
							l.unlockShared()
						}
					}
				}()
			}
			defer func() {
				stop.Store(true)
				wg.Wait()
			}()
			for rounds.Load() < 3*streams {
				time.Sleep(time.Millisecond)
			}
			start := time.Now()
			for range 5 {
				var err error
				if tt.waiterExclusive {
					if err = l.lockExclusive(ctx, "waiter"); err == nil {
						l.unlockExclusive()
					}
				} else {
					if err = l.lockShared(ctx, "waiter"); err == nil {
						l.unlockShared()
					}
				}
				if err != nil {
					t.Fatalf("the waiter did not get the lock: %v", err)
				}
			}
			// Each turn waits for the callers that arrived before it: at
			// most one hold of each stream.
			if took := time.Since(start); took > 5*time.Second {
				t.Fatalf("5 turns took %v among %d streams holding %v", took, streams, tt.streamHold)
			}
		})
	}
}
