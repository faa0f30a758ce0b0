package postgres_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/dossierkit/dossier/internal/pgtest"
	"github.com/dossierkit/dossier/storage/postgres"
)

func TestMain(m *testing.M) {
	if child := os.Getenv(envChild); child != "" {
		os.Exit(childMain(child))
	}
	os.Exit(pgtest.Main(m))
}

var shared struct {
	once sync.Once
	pool *pgxpool.Pool
	err  error
}

// testPool returns the pool every test of the binary shares, on a
// migrated database; it skips t when there is no server.
func testPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	dsn := pgtest.DSN(t)
	shared.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cfg, err := postgres.ParseConfig(dsn)
		if err != nil {
			shared.err = err
			return
		}
		cfg.MaxConns = 16
		shared.pool, shared.err = pgxpool.NewWithConfig(ctx, cfg)
		if shared.err == nil {
			shared.err = postgres.Migrate(ctx, shared.pool)
		}
	})
	if shared.err != nil {
		t.Fatalf("test database: %v", shared.err)
	}
	return shared.pool
}

var workspaceSeq atomic.Int64

// newWorkspace returns a workspace id no other test uses, in this run or
// an earlier one on the same database.
func newWorkspace(prefix string) string {
	return fmt.Sprintf("%s-%d-%d-%d", prefix, os.Getpid(), time.Now().UnixNano(), workspaceSeq.Add(1))
}

// newStore returns a store of a new workspace on the shared pool.
func newStore(t testing.TB, opts ...postgres.Option) *postgres.Store {
	t.Helper()
	s, err := postgres.New(context.Background(), testPool(t), newWorkspace("t"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
