//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package file_test

import "testing"

// flockAvailable: the directory lock only excludes Stores of one process here.
const flockAvailable = false

func holdLock(t *testing.T, path string) (release func()) {
	t.Skip("no flock(2) on this platform")
	return nil
}

// syncDisks does nothing here (see the Unix version).
func syncDisks() {}
