package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/dossierkit/dossier/storage/postgres"
)

// freshDatabase creates an empty database for t and returns the
// configuration of a pool on it; it skips t when the role may not create
// databases.
func freshDatabase(t *testing.T) *pgxpool.Config {
	t.Helper()
	admin := testPool(t)
	ctx := context.Background()
	name := "dossier_" + sanitize(newWorkspace("db"))
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "42501" {
			t.Skipf("the test role may not create databases: %v", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	})
	cfg, err := postgres.ParseConfig(admin.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.Database = name
	return cfg
}

// TestMigrate: instances starting together on an empty database all
// migrate it without racing; the schema is then at SchemaVersion, once.
func TestMigrate(t *testing.T) {
	cfg := freshDatabase(t)
	ctx := context.Background()
	open := func() *pgxpool.Pool {
		p, err := pgxpool.NewWithConfig(ctx, cfg.Copy())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(p.Close)
		return p
	}
	pool := open()

	if _, err := postgres.New(ctx, pool, "w"); !errors.Is(err, postgres.ErrNotMigrated) {
		t.Fatalf("New on an empty database = %v, want ErrNotMigrated", err)
	}

	const instances = 4
	pools := make([]*pgxpool.Pool, instances)
	for i := range pools {
		pools[i] = open()
	}
	var wg sync.WaitGroup
	errs := make([]error, instances)
	for i := range instances {
		wg.Go(func() {
			_, errs[i] = postgres.New(ctx, pools[i], "w", postgres.AutoMigrate())
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
	}
	var rows, max int
	if err := pool.QueryRow(ctx, "SELECT count(*), max(version) FROM dossier_schema_migrations").Scan(&rows, &max); err != nil {
		t.Fatal(err)
	}
	if rows != postgres.SchemaVersion() || max != postgres.SchemaVersion() {
		t.Fatalf("%d migrations recorded, up to %d; want %d", rows, max, postgres.SchemaVersion())
	}
	if err := postgres.Migrate(ctx, pool); err != nil {
		t.Fatalf("migrating again: %v", err)
	}
	s, err := postgres.New(ctx, pool, "w")
	if err != nil {
		t.Fatalf("New on the migrated database: %v", err)
	}
	if _, err := s.Create(ctx, newRecord("c", "")); err != nil {
		t.Fatal(err)
	}

	// A database migrated by a newer version is refused.
	if _, err := pool.Exec(ctx, "INSERT INTO dossier_schema_migrations (version, name) VALUES (999, '0999_future.sql')"); err != nil {
		t.Fatal(err)
	}
	if _, err := postgres.New(ctx, pool, "w"); !errors.Is(err, postgres.ErrSchemaTooNew) {
		t.Fatalf("New on a newer schema = %v, want ErrSchemaTooNew", err)
	}
	if err := postgres.Migrate(ctx, pool); !errors.Is(err, postgres.ErrSchemaTooNew) {
		t.Fatalf("Migrate on a newer schema = %v, want ErrSchemaTooNew", err)
	}
}
