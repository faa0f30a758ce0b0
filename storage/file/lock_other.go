//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package file

import (
	"os"
	"sync"
)

// holders maps a lock file's path to the files holding it and their mode
// (true for exclusive). It stands in for flock(2) within one process.
var holders = struct {
	sync.Mutex
	m map[string]map[*os.File]bool
}{m: make(map[string]map[*os.File]bool)}

// tryLock tries once to lock f, shared or exclusive, against the other
// Stores of this process only.
func tryLock(f *os.File, exclusive bool) (bool, error) {
	holders.Lock()
	defer holders.Unlock()
	hs := holders.m[f.Name()]
	for other, excl := range hs {
		if other != f && (exclusive || excl) {
			return false, nil
		}
	}
	if hs == nil {
		hs = make(map[*os.File]bool)
		holders.m[f.Name()] = hs
	}
	hs[f] = exclusive
	return true, nil
}

// unlock releases the lock held through f.
func unlock(f *os.File) error {
	holders.Lock()
	defer holders.Unlock()
	if hs := holders.m[f.Name()]; hs != nil {
		delete(hs, f)
		if len(hs) == 0 {
			delete(holders.m, f.Name())
		}
	}
	return nil
}

// syncDir is a no-op: this platform cannot fsync a directory, so a rename
// is durable only once the file system flushes its metadata.
func syncDir(*os.File) error { return nil }
