package file_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/storage"
)

var (
	bg    = context.Background()
	epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
)

// TestMain runs the child processes of the crash and two-process tests
// when the test binary is started as one, and removes the benchmark
// fixture at the end.
func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelper(mode))
	}
	code := m.Run()
	removeFixture()
	os.Exit(code)
}

// record returns a record of case id with external id ext, some metadata and
// checks (entities with ids id+"-ch<i>"), so that it is about 2 KB of JSON.
func record(id, ext string, checks int) *storage.Record {
	md := cases.Metadata{}
	for i := range 20 {
		md[fmt.Sprintf("key_%02d", i)] = fmt.Sprintf("value %d of case %s", i, id)
	}
	rec := &storage.Record{Case: cases.Case{
		ID: id, ExternalID: ext, Name: "case " + id, Status: cases.StatusOpen,
		Metadata: md, CreatedAt: epoch, UpdatedAt: epoch,
	}}
	for i := range checks {
		rec.Checks = append(rec.Checks, cases.Check{
			ID: fmt.Sprintf("%s-ch%d", id, i), Type: cases.CheckTypeAML, Status: cases.CheckStatusInProgress,
			CreatedAt: epoch, UpdatedAt: epoch,
		})
	}
	return rec
}

// recordPath is where the store keeps case id: derived here from the
// documented naming rule, not from the package.
func recordPath(dir, id string) string {
	sum := sha256.Sum256([]byte(id))
	return filepath.Join(dir, "records", hex.EncodeToString(sum[:])+".rec")
}

func mustCreate(t testing.TB, s storage.Store, rec *storage.Record) *storage.Record {
	t.Helper()
	got, err := s.Create(bg, rec)
	if err != nil {
		t.Fatalf("Create(%s): %v", rec.Case.ID, err)
	}
	return got
}

func mustGet(t testing.TB, s storage.Store, id string) *storage.Record {
	t.Helper()
	got, err := s.Get(bg, id)
	if err != nil {
		t.Fatalf("Get(%s): %v", id, err)
	}
	return got
}

func jsonOf(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
