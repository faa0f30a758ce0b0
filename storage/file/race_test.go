//go:build race

package file_test

// raceEnabled: the race detector slows file system calls several times;
// the largest fixtures shrink under it (their figures are checked without
// it).
const raceEnabled = true
