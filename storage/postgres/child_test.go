package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/dossierkit/dossier/internal/pgtest"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/postgres"
)

// The multi-process test re-executes the test binary; TestMain runs
// childMain instead of the tests when envChild is set.
const (
	envChild     = "DOSSIER_PG_TEST_CHILD"
	envWorkspace = "DOSSIER_PG_TEST_WORKSPACE"
)

const (
	mpProcesses  = 4
	mpCases      = 3
	mpIncrements = 15 // per case, per goroutine
	mpGoroutines = 2  // per process
	mpDuplicates = 10 // external ids every process tries to take
)

// childResult is what a child process prints.
type childResult struct {
	Increments map[string]int `json:"increments"` // case id -> acknowledged increments
	Won        []int          `json:"won"`        // duplicate external ids this process created
	Err        string         `json:"err,omitempty"`
}

// childMain is a process of TestMultiProcess: its own pool, changing the
// shared cases with read-modify-write retried on conflict, and racing for
// the duplicate external ids.
func childMain(name string) int {
	res := childResult{Increments: map[string]int{}}
	if err := childRun(name, &res); err != nil {
		res.Err = err.Error()
	}
	json.NewEncoder(os.Stdout).Encode(res)
	return 0
}

func childRun(name string, res *childResult) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := postgres.Open(ctx, os.Getenv(pgtest.EnvDSN), os.Getenv(envWorkspace))
	if err != nil {
		return err
	}
	defer s.Close()
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make(chan error, mpGoroutines)
	for g := range mpGoroutines {
		wg.Go(func() {
			for i := range mpIncrements {
				for c := range mpCases {
					id := fmt.Sprintf("shared-%d", c)
					if err := increment(ctx, s, id); err != nil {
						errs <- err
						return
					}
					mu.Lock()
					res.Increments[id]++
					mu.Unlock()
				}
				if g == 0 && i < mpDuplicates {
					rec := newRecord(fmt.Sprintf("dup-%d-%s", i, name), fmt.Sprintf("ext-%d", i))
					_, err := s.Create(ctx, rec, newEvent(rec.Case.ID, 0))
					switch {
					case err == nil:
						mu.Lock()
						res.Won = append(res.Won, i)
						mu.Unlock()
					case !errors.Is(err, storage.ErrDuplicateExternalID):
						errs <- err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// increment adds one to the case's "count" metadata, with one event,
// retrying on conflict.
func increment(ctx context.Context, s *postgres.Store, id string) error {
	for {
		rec, err := s.Get(ctx, id)
		if err != nil {
			return err
		}
		n, _ := strconv.Atoi(rec.Case.Metadata["count"])
		rec.Case.Metadata["count"] = strconv.Itoa(n + 1)
		_, err = s.Update(ctx, rec, newEvent(id, n+1))
		if !errors.Is(err, storage.ErrConflict) {
			return err
		}
	}
}

// TestMultiProcess: several OS processes, each with its own pool, change
// the same cases and race for the same external ids: no update is lost,
// and each external id has exactly one winner.
func TestMultiProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	s := newStore(t)
	ctx := context.Background()
	for c := range mpCases {
		rec := newRecord(fmt.Sprintf("shared-%d", c), "")
		rec.Case.Metadata["count"] = "0"
		if _, err := s.Create(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	results := make([]childResult, mpProcesses)
	var wg sync.WaitGroup
	for p := range mpProcesses {
		wg.Go(func() {
			cmd := exec.Command(exe)
			cmd.Env = append(os.Environ(), envChild+"=p"+strconv.Itoa(p), envWorkspace+"="+s.WorkspaceID(), pgtest.EnvDSN+"="+pgtest.DSN(t))
			cmd.Stderr = os.Stderr
			out, err := cmd.Output()
			if err != nil {
				t.Errorf("process %d: %v", p, err)
				return
			}
			if err := json.Unmarshal(out, &results[p]); err != nil {
				t.Errorf("process %d printed %q: %v", p, out, err)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	winners := map[int][]int{}
	acked := map[string]int{}
	for p, r := range results {
		if r.Err != "" {
			t.Fatalf("process %d: %s", p, r.Err)
		}
		for id, n := range r.Increments {
			acked[id] += n
		}
		for _, i := range r.Won {
			winners[i] = append(winners[i], p)
		}
	}
	for c := range mpCases {
		id := fmt.Sprintf("shared-%d", c)
		rec, err := s.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want := mpProcesses * mpGoroutines * mpIncrements
		if acked[id] != want || rec.Case.Metadata["count"] != strconv.Itoa(want) || rec.Version != int64(want+1) {
			t.Errorf("%s: count %s at version %d after %d acknowledged increments, want %d", id, rec.Case.Metadata["count"], rec.Version, acked[id], want)
		}
		if evs, err := s.Events(ctx, id, 0, storage.MaxPageSize); err != nil || len(evs) != want {
			t.Errorf("%s: %d events, %v; want %d", id, len(evs), err, want)
		}
	}
	for i := range mpDuplicates {
		if len(winners[i]) != 1 {
			t.Errorf("external id ext-%d created by processes %v, want exactly one", i, winners[i])
			continue
		}
		rec, err := s.GetByExternalID(ctx, fmt.Sprintf("ext-%d", i))
		if want := fmt.Sprintf("dup-%d-p%d", i, winners[i][0]); err != nil || rec.Case.ID != want {
			t.Errorf("ext-%d belongs to %v, %v; want %s", i, rec, err, want)
		}
	}
}
