//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package file_test

import (
	"os"
	"syscall"
	"testing"
)

// flockAvailable: the directory lock excludes other processes here.
const flockAvailable = true

// holdLock takes an exclusive flock on path through its own open file
// description, exactly as another process would, until release.
func holdLock(t *testing.T, path string) (release func()) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		t.Fatalf("flock %s: %v", path, err)
	}
	var done bool
	release = func() {
		if !done {
			done = true
			f.Close()
		}
	}
	t.Cleanup(release)
	return release
}

// syncDisks flushes every file system (sync(2)): benchmarks call it after
// building fixtures with fsync off, so that the write-back of one fixture
// does not slow the measurement of another.
func syncDisks() { syscall.Sync() }
