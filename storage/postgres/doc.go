// Package postgres is a storage.Store on PostgreSQL, through pgx and its
// pool (no ORM): any number of processes on any number of machines share
// one store with the guarantees of the storage contract. It passes
// storage/storetest under -race.
//
// # Opening
//
//	s, err := postgres.Open(ctx, "postgres://dossier@db/dossier", "acme", postgres.AutoMigrate())
//	defer s.Close()
//	w, err := dossier.New(s, settings)
//
// Open parses the DSN with pgxpool (a URL or key=value string; pool_*
// parameters size the pool) and owns the pool; New binds a store to a
// pool the host already has.
//
// # Migrations
//
// The schema is created and upgraded by numbered SQL migrations embedded
// in the package (migrations/0001_init.sql, ...). Migrate applies the ones
// a database lacks, in one transaction holding an advisory lock, and
// records them in dossier_schema_migrations: instances starting together
// wait for each other, and a failed migration leaves nothing behind. Run it
// from a deploy step, or let Open/New run it with AutoMigrate. Without it,
// New refuses a database whose schema is missing or older
// (ErrNotMigrated) or newer (ErrSchemaTooNew) than SchemaVersion.
//
// # Tenancy
//
// A Store is bound to a workspace id, and every table is keyed by it: two
// stores with different workspace ids on one database never see each
// other's cases, events, entity ids or external ids (an external id is
// unique within its workspace), and each workspace has its own event
// sequence.
//
// # Tables
//
// dossier_cases holds one row per case: the storage.Record as JSON
// (record, exact bytes), the case alone (case_doc, what queries decode),
// the version, and columns computed in Go from the case when it is
// written, holding exactly the values storage.Query compares:
// storage.Query.SortKey for each sort field (COLLATE "C" text, or bytes for
// the lower-cased name, so SQL order is byte order, as
// storage.Query.Compare), the flags as a bit set, the risk level of
// storage.RiskLevel. dossier_entities maps entity ids to case ids;
// dossier_events is the audit log; dossier_outbox the sequence numbers of
// unacknowledged events; dossier_deletions records deletions for
// PurgeEvents; dossier_quarantine keeps what Quarantine set aside.
//
// # Writes
//
// Create, Update and Delete are each one SQL statement (data-modifying
// common table expressions), so the case row, its entity ids, its events
// and their outbox entries are written atomically with no round trip in
// between. Update and Delete are conditional on the version
// (UPDATE ... WHERE workspace_id = $1 AND id = $2 AND version = $3); when
// no row matches, a read tells storage.ErrNotFound from
// storage.ErrConflict. External ids are unique by a unique index per
// workspace. Server errors are translated by SQLSTATE and constraint name
// (23505 on dossier_cases_external_id is storage.ErrDuplicateExternalID,
// on the primary key storage.ErrConflict), never by message text; a lost
// connection is ErrUnavailable, a full pool ErrPoolExhausted, a done
// context the context's error.
//
// # Event order: no sequence-before-commit gap
//
// A PostgreSQL sequence hands out numbers before commit: a transaction
// holding number 7 may commit after one holding 8, and a drainer that read
// 8 and resumes after it would never see 7. This package does not use
// one. Each workspace has a counter row (dossier_workspaces.last_seq); a
// write with events increments it by the number of its events in the same
// statement (INSERT ... ON CONFLICT DO UPDATE) and numbers them from it.
// The row lock this takes is held until the write commits, so the next
// writer of the workspace gets its numbers only after this one committed:
// numbers are assigned in commit order, and every event a drainer can see
// has all lower-numbered events of its workspace already visible.
// PendingEvents(after) therefore never skips an event. The cost is that
// the part of a write after its counter update (the event inserts and the
// commit) is serialized per workspace; writes without events (none in
// dossier) do not take the lock. A host transaction passed to WithTx holds
// the counter from its first write with events until it ends.
// TestDrainNeverSkips proves it with many concurrent writers and a
// concurrent drainer; TestDrainCheckCatchesSequenceGap shows that the same
// check fails on a writer using a sequence.
//
// # Queries
//
// storage.Query is one SQL statement on the indexed columns, with
// LIMIT/OFFSET and a cursor condition (sort key, id) > ($key, $id)
// answered by the sort index. Indexed (TestExplainUsesIndexes checks each
// with EXPLAIN on 100,000 cases):
//
//   - every sort order, with the cursor: (workspace_id, key, id) per sort
//     field, which also serve the created, updated and next review date
//     ranges;
//   - statuses: (workspace_id, status, created_key, id);
//   - flags: (workspace_id, flags), searched for every superset of the
//     wanted flags;
//   - risk levels: (workspace_id, risk_level);
//   - contact or reviewer has actions = true: partial indexes;
//   - external id: the unique index;
//   - name contains: a pg_trgm GIN index on the escaped lower-cased name
//     (patterns of three characters or more use it), followed by the exact
//     byte match.
//
// "has actions = false" is not indexed (most cases match it).
//
// # Host transactions
//
// WithTx binds a store to the caller's pgx.Tx: the host's own rows, the
// case and its events commit or roll back together (see the example).
//
// # Quarantine
//
// Quarantine moves a case whose stored JSON cannot be decoded out of
// dossier_cases into dossier_quarantine (workspace_id, case_id, version,
// record, quarantined_at); its audit log stays.
//
// # Tests
//
// The tests need a real server: DOSSIER_TEST_POSTGRES_DSN names one;
// otherwise they start a throwaway cluster with initdb and pg_ctl when the
// PostgreSQL server programs are installed (Debian: apt-get install
// postgresql); otherwise they skip with a line saying so
// (DOSSIER_REQUIRE_POSTGRES=1 makes that a failure, as in CI).
//
// # Performance
//
// Measured with (2 shared cores, PostgreSQL 15, the tests' throwaway
// cluster, which runs with fsync off, so the figures show the adapter's
// own cost, not the disk's):
//
//	go test -run '^$' -bench . -benchtime 2000x ./storage/postgres/
//
// TODO figures.
package postgres
