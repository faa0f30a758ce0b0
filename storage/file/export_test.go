package file

import (
	"os"
	"strconv"
)

// CompactMinEnv lets the crash test make compactions frequent in its child
// processes, so that kills also land in the middle of them.
const CompactMinEnv = "DOSSIER_FILE_TEST_COMPACT_MIN"

func init() {
	if n, err := strconv.Atoi(os.Getenv(CompactMinEnv)); err == nil && n > 0 {
		compactMin = n
	}
}

// RecordReads returns how many record files s has read.
func (s *Store) RecordReads() int64 { return s.reads.Load() }
