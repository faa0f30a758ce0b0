package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/postgres"
)

// prompt bounds how long a failing call may take: generous, since the
// machine is shared, yet far below "hangs".
const prompt = 5 * time.Second

// TestContextDeadline: a write blocked behind another transaction's row
// lock returns soon after its deadline, with context.DeadlineExceeded, and
// changes nothing.
func TestContextDeadline(t *testing.T) {
	s := newStore(t)
	pool := testPool(t)
	ctx := context.Background()
	rec, err := s.Create(ctx, newRecord("locked", ""))
	if err != nil {
		t.Fatal(err)
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SELECT 1 FROM dossier_cases WHERE workspace_id = $1 AND id = $2 FOR UPDATE", s.WorkspaceID(), "locked"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"Update", func(ctx context.Context) error {
			r := rec.Clone()
			r.Case.Name = "changed"
			_, err := s.Update(ctx, r, newEvent("locked", 1))
			return err
		}},
		{"Delete", func(ctx context.Context) error { return s.Delete(ctx, "locked", 1, epoch, newEvent("locked", 2)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
			defer cancel()
			start := time.Now()
			err := tt.call(cctx)
			if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, postgres.ErrUnavailable) {
				t.Fatalf("err = %v, want context.DeadlineExceeded with a known outcome", err)
			}
			if d := time.Since(start); d > prompt {
				t.Fatalf("returned after %v", d)
			}
		})
	}
	tx.Rollback(ctx)
	got, err := s.Get(ctx, "locked")
	if err != nil || got.Version != 1 || got.Case.Name != rec.Case.Name {
		t.Fatalf("after timed-out writes: %+v, %v; want version 1 unchanged", got, err)
	}
	if evs, err := s.Events(ctx, "locked", 0, 0); err != nil || len(evs) != 0 {
		t.Fatalf("events after timed-out writes = %v, %v; want none", evs, err)
	}
}

// TestCanceledContextEverywhere: every method returns context.Canceled for
// a canceled context.
func TestCanceledContextEverywhere(t *testing.T) {
	s := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := map[string]func() error{
		"Create":          func() error { _, err := s.Create(ctx, newRecord("x", "")); return err },
		"Get":             func() error { _, err := s.Get(ctx, "x"); return err },
		"GetByExternalID": func() error { _, err := s.GetByExternalID(ctx, "x"); return err },
		"CaseOfEntity":    func() error { _, err := s.CaseOfEntity(ctx, "x"); return err },
		"Update":          func() error { _, err := s.Update(ctx, newRecord("x", "")); return err },
		"Delete":          func() error { return s.Delete(ctx, "x", 1, epoch) },
		"Query":           func() error { _, err := s.Query(ctx, storage.Query{}); return err },
		"Events":          func() error { _, err := s.Events(ctx, "x", 0, 0); return err },
		"PendingEvents":   func() error { _, err := s.PendingEvents(ctx, 0, 0); return err },
		"AckEvents":       func() error { return s.AckEvents(ctx, 1) },
		"PurgeEvents":     func() error { _, err := s.PurgeEvents(ctx, epoch); return err },
		"Quarantine":      func() error { return s.Quarantine(ctx, "x") },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			if err := call(); !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
		})
	}
}

// TestPoolExhausted: when every connection is taken, a call fails with
// ErrPoolExhausted after the acquire timeout instead of waiting.
func TestPoolExhausted(t *testing.T) {
	ctx := context.Background()
	cfg, err := postgres.ParseConfig(testPool(t).Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	s, err := postgres.New(ctx, pool, newWorkspace("exhausted"), postgres.WithAcquireTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	held, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = s.Create(ctx, newRecord("c", ""))
	if !errors.Is(err, postgres.ErrPoolExhausted) {
		t.Fatalf("create on a full pool = %v, want ErrPoolExhausted", err)
	}
	if d := time.Since(start); d > prompt {
		t.Fatalf("returned after %v", d)
	}
	held.Release()
	if _, err := s.Create(ctx, newRecord("c", "")); err != nil {
		t.Fatalf("create once the connection is free: %v", err)
	}
}

// TestTerminatedBackends kills the server processes of the store's
// connections (pg_terminate_backend) again and again while writers update
// cases, half of them inside host transactions that also insert a row of
// their own. Every write either happened entirely or not at all: each
// case's record, version, entity ids, audit log, outbox and host rows
// agree, and no acknowledged write is lost.
func TestTerminatedBackends(t *testing.T) {
	ctx := context.Background()
	cfg, err := postgres.ParseConfig(testPool(t).Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	app := sanitize(newWorkspace("kill"))
	cfg.ConnConfig.RuntimeParams["application_name"] = app
	cfg.MaxConns = 6
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	s, err := postgres.New(ctx, pool, newWorkspace("kill"))
	if err != nil {
		t.Fatal(err)
	}
	hostTable := "host_rows_" + app
	if _, err := testPool(t).Exec(ctx, "CREATE TABLE "+hostTable+" (case_id text, version bigint)"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { testPool(t).Exec(context.Background(), "DROP TABLE "+hostTable) })
	const nCases = 6
	for i := range nCases {
		if _, err := s.Create(ctx, newRecord(fmt.Sprintf("k%d", i), ""), newEvent(fmt.Sprintf("k%d", i), 0)); err != nil {
			t.Fatal(err)
		}
	}

	stop := make(chan struct{})
	var kills atomic.Int64
	var killer sync.WaitGroup
	killer.Go(func() {
		admin := testPool(t)
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Duration(5+rand.IntN(20)) * time.Millisecond):
			}
			var n int64
			if err := admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM (
	SELECT pid FROM pg_stat_activity WHERE application_name = $1
	ORDER BY state = 'idle', random() LIMIT 1) busy_first`, app).Scan(&n); err != nil {
				t.Error(err)
				return
			}
			kills.Add(n)
		}
	})

	acked := make([]atomic.Int64, nCases)
	var unavailable atomic.Int64
	var writers sync.WaitGroup
	deadline := time.Now().Add(2 * time.Second)
	for w := range nCases {
		writers.Go(func() {
			id := fmt.Sprintf("k%d", w)
			for time.Now().Before(deadline) {
				rec, err := s.Get(ctx, id)
				if err != nil {
					if !errors.Is(err, postgres.ErrUnavailable) {
						t.Errorf("get: %v", err)
						return
					}
					continue
				}
				v := rec.Version + 1
				rec.Case.Name = fmt.Sprintf("v%d", v)
				rec.Companies = []entity.Company{{ID: fmt.Sprintf("%s-co-v%d", id, v), Name: "Co", Type: entity.CompanyMain}}
				e1, e2 := newEvent(id, int(2*v)), newEvent(id, int(2*v+1))
				if w%2 == 0 {
					_, err = s.Update(ctx, rec, e1, e2)
				} else {
					// Half the writers save in a host transaction with a
					// row of the host's own, killed at any point of it.
					e1.ID += "-tx"
					err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
						if _, err := tx.Exec(ctx, "INSERT INTO "+hostTable+" VALUES ($1, $2)", id, v); err != nil {
							return err
						}
						_, err := s.WithTx(tx).Update(ctx, rec, e1, e2)
						return err
					})
					if err != nil && !errors.Is(err, storage.ErrConflict) && !errors.Is(err, postgres.ErrUnavailable) {
						// BeginFunc's own errors (begin, commit) are pgx's.
						err = fmt.Errorf("%w: %w", postgres.ErrUnavailable, err)
					}
				}
				switch {
				case err == nil:
					acked[w].Add(1)
				case errors.Is(err, postgres.ErrUnavailable):
					unavailable.Add(1)
				case errors.Is(err, storage.ErrConflict):
				default:
					t.Errorf("update: %v", err)
					return
				}
			}
		})
	}
	writers.Wait()
	close(stop)
	killer.Wait()
	t.Logf("%d backends terminated, %d writes failed with ErrUnavailable, %d acknowledged", kills.Load(), unavailable.Load(), sumOf(acked))
	if kills.Load() == 0 || unavailable.Load() == 0 {
		t.Fatalf("no write was interrupted (%d kills): the test proved nothing", kills.Load())
	}

	pending, err := s.PendingEvents(ctx, 0, storage.MaxPageSize)
	if err != nil {
		t.Fatal(err)
	}
	pendingOf := map[string]int{}
	for _, e := range pending {
		pendingOf[e.CaseID]++
	}
	for i := range nCases {
		id := fmt.Sprintf("k%d", i)
		rec, err := s.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		updates := rec.Version - 1
		if updates < acked[i].Load() {
			t.Errorf("%s: version %d, but %d updates were acknowledged", id, rec.Version, acked[i].Load())
		}
		if want := fmt.Sprintf("v%d", rec.Version); rec.Version > 1 && rec.Case.Name != want {
			t.Errorf("%s: name %q at version %d, want %q", id, rec.Case.Name, rec.Version, want)
		}
		evs, err := s.Events(ctx, id, 0, storage.MaxPageSize)
		if err != nil {
			t.Fatal(err)
		}
		if want := 1 + 2*int(updates); len(evs) != want || pendingOf[id] != want {
			t.Errorf("%s: version %d with %d events in the log and %d pending, want %d", id, rec.Version, len(evs), pendingOf[id], want)
		}
		// A host transaction's row exists exactly for the versions its
		// case update committed.
		var txVersions []int64
		for _, e := range evs {
			if strings.HasSuffix(e.ID, "-tx") {
				var n struct{ N int64 }
				json.Unmarshal(e.Payload, &n)
				txVersions = append(txVersions, n.N/2)
			}
		}
		rows, _ := testPool(t).Query(ctx, "SELECT version FROM "+hostTable+" WHERE case_id = $1 ORDER BY version", id)
		hostVersions, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(hostVersions, txVersions) {
			t.Errorf("%s: host rows for versions %v, case updates in host transactions at %v", id, hostVersions, txVersions)
		}
		if rec.Version > 1 {
			co := rec.Companies[0].ID
			if got, err := s.CaseOfEntity(ctx, co); err != nil || got != id {
				t.Errorf("%s: CaseOfEntity(%s) = %q, %v", id, co, got, err)
			}
			if rec.Version > 2 {
				old := fmt.Sprintf("%s-co-v%d", id, rec.Version-1)
				if _, err := s.CaseOfEntity(ctx, old); !errors.Is(err, storage.ErrNotFound) {
					t.Errorf("%s: the replaced company %s still resolves: %v", id, old, err)
				}
			}
		}
	}
}

func sumOf(xs []atomic.Int64) int64 {
	var n int64
	for i := range xs {
		n += xs[i].Load()
	}
	return n
}
