package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/validation"
)

// DefaultAcquireTimeout is how long an operation waits for a free pool
// connection before failing with ErrPoolExhausted, unless
// WithAcquireTimeout says otherwise.
const DefaultAcquireTimeout = 5 * time.Second

// Store is a storage.Store on PostgreSQL, bound to one workspace: every
// statement it runs names its workspace id, so stores of different
// workspaces on one database never see each other's cases, events or
// external ids. It is safe for concurrent use, except a Store returned by
// WithTx, which is bound to a transaction and, like pgx.Tx, is for one
// goroutine at a time.
type Store struct {
	pool           *pgxpool.Pool // nil when bound to a transaction
	tx             pgx.Tx        // non-nil when bound to a transaction
	ownsPool       bool
	workspace      string
	acquireTimeout time.Duration
	cache          *caseCache // decoded cases of queries; shared with WithTx stores
}

var (
	_ storage.Store       = (*Store)(nil)
	_ storage.Quarantiner = (*Store)(nil)
)

// Option configures New and Open.
type Option func(*options)

type options struct {
	migrate        bool
	acquireTimeout time.Duration
}

// AutoMigrate makes New and Open run Migrate before returning the store.
func AutoMigrate() Option { return func(o *options) { o.migrate = true } }

// WithAcquireTimeout sets how long an operation waits for a free pool
// connection before failing with ErrPoolExhausted (DefaultAcquireTimeout
// when not given). The context's own deadline still applies.
func WithAcquireTimeout(d time.Duration) Option {
	return func(o *options) { o.acquireTimeout = d }
}

// New returns a store of workspace workspaceID on pool; the caller keeps
// ownership of the pool (Close does not close it). Build the pool's
// configuration with ParseConfig, so that an ended context cancels the
// statement on the server. Unless AutoMigrate is
// given, the schema must already be at SchemaVersion (ErrNotMigrated
// otherwise; ErrSchemaTooNew when a newer version of this package migrated
// it). workspaceID must be 1 to 200 bytes of UTF-8 without NUL; a
// *validation.Error otherwise.
func New(ctx context.Context, pool *pgxpool.Pool, workspaceID string, opts ...Option) (*Store, error) {
	if err := validateWorkspace(workspaceID); err != nil {
		return nil, err
	}
	o := options{acquireTimeout: DefaultAcquireTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	if o.migrate {
		if err := Migrate(ctx, pool); err != nil {
			return nil, err
		}
	} else if err := checkSchema(ctx, pool); err != nil {
		return nil, err
	}
	return &Store{pool: pool, workspace: workspaceID, acquireTimeout: o.acquireTimeout, cache: newCaseCache()}, nil
}

// ParseConfig is pgxpool.ParseConfig (a PostgreSQL URL or key=value
// string, with its pool_* settings) plus what this package recommends:
// when a context ends during a statement, the connection sends the server
// a cancel request and waits up to CancelWait for its answer, so the
// statement stops on the server and the call reports the context's error
// knowing that nothing was written. pgx's default only abandons the
// connection, and the server may still commit the write afterwards (the
// call then also reports ErrUnavailable). Open uses it; a host building its
// own pool for New should too.
func ParseConfig(dsn string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	cfg.ConnConfig.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: CancelWait}
	}
	return cfg, nil
}

// CancelWait is how long a connection configured by ParseConfig waits for
// the server's answer to a cancel request before abandoning the
// connection.
const CancelWait = 5 * time.Second

// Open connects to the database named by dsn (see ParseConfig) and returns
// a store of workspace workspaceID that owns the pool: Close closes it.
func Open(ctx context.Context, dsn, workspaceID string, opts ...Option) (*Store, error) {
	cfg, err := ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, translate(ctx, "open", err)
	}
	s, err := New(ctx, pool, workspaceID, opts...)
	if err != nil {
		pool.Close()
		return nil, err
	}
	s.ownsPool = true
	return s, nil
}

// Close closes the pool when the store opened it (Open); otherwise it does
// nothing.
func (s *Store) Close() {
	if s.ownsPool && s.pool != nil {
		s.pool.Close()
	}
}

// WorkspaceID returns the workspace the store is bound to.
func (s *Store) WorkspaceID() string { return s.workspace }

// WithTx returns a store of the same workspace that runs every operation
// in the caller's transaction tx, so the host's own rows, the case and its
// events commit or roll back together. Each write runs in a savepoint: a
// refused write (a conflict, a duplicate external id) is rolled back to it
// and leaves tx usable. A write with events holds the workspace's drain
// lock in shared mode until tx ends, and PendingEvents through the returned
// store holds it exclusively until tx ends (see the package doc): drains of
// the workspace wait for tx, so keep it short. The returned store is for
// one goroutine at a time, and only while tx is open.
func (s *Store) WithTx(tx pgx.Tx) *Store {
	return &Store{tx: tx, workspace: s.workspace, acquireTimeout: s.acquireTimeout, cache: s.cache}
}

func validateWorkspace(id string) error {
	switch {
	case id == "":
		return validation.New("workspace_id", validation.CodeRequired, "a workspace id is required")
	case len(id) > 200:
		return validation.New("workspace_id", validation.CodeTooLong, "a workspace id has at most 200 bytes")
	case !utf8.ValidString(id) || strings.ContainsRune(id, 0):
		return validation.New("workspace_id", validation.CodeInvalidFormat, "a workspace id is UTF-8 text without NUL")
	}
	return nil
}

func checkSchema(ctx context.Context, pool *pgxpool.Pool) error {
	var v int
	err := pool.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM dossier_schema_migrations").Scan(&v)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == codeUndefinedTable {
		return fmt.Errorf("postgres: the database has no dossier schema: %w", ErrNotMigrated)
	}
	if err != nil {
		return translate(ctx, "open", err)
	}
	switch known := SchemaVersion(); {
	case v > known:
		return fmt.Errorf("postgres: the database schema is at version %d, this package knows %d: %w", v, known, ErrSchemaTooNew)
	case v < known:
		return fmt.Errorf("postgres: the database schema is at version %d, this package needs %d: %w", v, known, ErrNotMigrated)
	}
	return nil
}

// querier is what both a pool connection and a transaction offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// acquire returns what to run statements on: the bound transaction, or a
// pool connection acquired within the acquire timeout. release must be
// called when done.
func (s *Store) acquire(ctx context.Context, op string) (q querier, release func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("postgres: %s: %w", op, err)
	}
	if s.tx != nil {
		return s.tx, func() {}, nil
	}
	actx := ctx
	if s.acquireTimeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, s.acquireTimeout)
		defer cancel()
	}
	c, err := s.pool.Acquire(actx)
	if err != nil {
		if ctx.Err() == nil && actx.Err() != nil {
			return nil, nil, fmt.Errorf("postgres: %s: waited %v: %w", op, s.acquireTimeout, ErrPoolExhausted)
		}
		return nil, nil, translate(ctx, op, err)
	}
	return c, c.Release, nil
}

// onPool runs fn on a pool connection. A failure that pgconn reports safe
// to retry (the statement never reached the server: a connection the
// server closed while it sat idle in the pool, after a restart or a
// pg_terminate_backend, say) is tried once more on another connection;
// such a failure cannot have changed anything, and the pool drops the
// broken connection when it is released.
func (s *Store) onPool(ctx context.Context, op string, fn func(q querier) error) error {
	for attempt := 1; ; attempt++ {
		q, release, err := s.acquire(ctx, op)
		if err != nil {
			return err
		}
		err = fn(q)
		release()
		if err == nil || attempt == 2 || ctx.Err() != nil || !pgconn.SafeToRetry(err) {
			return err
		}
	}
}

// read runs fn on a pool connection (see onPool), or on the bound
// transaction.
func (s *Store) read(ctx context.Context, op string, fn func(q querier) error) error {
	if s.tx == nil {
		return s.onPool(ctx, op, fn)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: %s: %w", op, err)
	}
	return fn(s.tx)
}

// write runs fn on a pool connection (see onPool), or in a savepoint of
// the bound transaction, so that a refused write leaves the host's
// transaction usable.
func (s *Store) write(ctx context.Context, op string, fn func(q querier) error) error {
	if s.tx == nil {
		return s.onPool(ctx, op, fn)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: %s: %w", op, err)
	}
	sp, err := s.tx.Begin(ctx)
	if err != nil {
		return translate(ctx, op, err)
	}
	if err := fn(sp); err != nil {
		_ = sp.Rollback(ctx)
		return err
	}
	return translate(ctx, op, sp.Commit(ctx))
}

// columns are the values of a dossier_cases row, computed from a record.
type columns struct {
	externalID              []byte // nil for no external id
	status                  string
	flags                   int16
	contactHas, reviewerHas bool
	riskLevel               string
	createdKey, updatedKey  string
	nameKey                 []byte
	nextReviewKey           string
	tags                    []string
	assigneeID              *string // nil for no assignee
	deleted                 bool
	caseDoc, record         []byte
	entities                []string
}

func rowOf(rec *storage.Record) (columns, error) {
	c := &rec.Case
	var col columns
	if c.ExternalID != "" {
		col.externalID = []byte(c.ExternalID)
	}
	col.status = string(c.Status)
	col.flags = int16(flagBits(c.Flags))
	col.contactHas, col.reviewerHas = c.ContactHasActions, c.ReviewerHasActions
	col.riskLevel = string(storage.RiskLevel(c))
	col.createdKey = storage.Query{Sort: storage.SortCreatedAt}.SortKey(c)
	col.updatedKey = storage.Query{Sort: storage.SortUpdatedAt}.SortKey(c)
	col.nameKey = []byte(storage.Query{Sort: storage.SortName}.SortKey(c))
	col.nextReviewKey = storage.Query{Sort: storage.SortNextReviewAt}.SortKey(c)
	col.tags = c.Tags
	if col.tags == nil {
		col.tags = []string{}
	}
	for _, t := range col.tags {
		if !storable(t) {
			return columns{}, validation.New("tags", validation.CodeInvalidFormat, "a tag is UTF-8 text without NUL")
		}
	}
	if c.AssigneeID != "" {
		if !storable(c.AssigneeID) {
			return columns{}, validation.New("assignee_id", validation.CodeInvalidFormat, "an assignee id is UTF-8 text without NUL")
		}
		a := c.AssigneeID
		col.assigneeID = &a
	}
	col.deleted = c.DeletedAt != nil
	var err error
	if col.caseDoc, err = json.Marshal(c); err != nil {
		return columns{}, fmt.Errorf("postgres: encode case %s: %w", c.ID, err)
	}
	if col.record, err = json.Marshal(rec); err != nil {
		return columns{}, fmt.Errorf("postgres: encode case %s: %w", c.ID, err)
	}
	ids := rec.EntityIDs()
	for _, id := range ids {
		if id == "" || !storable(id) {
			return columns{}, validation.New("entities", validation.CodeInvalidFormat, "an entity id is non-empty UTF-8 text without NUL")
		}
	}
	slices.Sort(ids)
	col.entities = slices.Compact(ids)
	return col, nil
}

// flagBits returns the bit set of fs, as stored in the flags column.
func flagBits(fs cases.Flags) uint8 {
	var b uint8
	for f := range fs.All() {
		b |= uint8(f)
	}
	return b
}

// validateID refuses a case id PostgreSQL text cannot hold.
func validateID(id string) error {
	if id == "" || !storable(id) {
		return validation.New("case.id", validation.CodeInvalidFormat, "a case id is non-empty UTF-8 text without NUL")
	}
	return nil
}

// storable reports whether a PostgreSQL text column can hold s (UTF-8
// without NUL). No stored id fails it, so a lookup of such an id is
// answered "not found" without asking the server.
func storable(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// encodeEvents returns the JSON of each event, Seq left 0: the stored Seq
// is the column's.
func encodeEvents(events []event.Event) ([]string, error) {
	out := make([]string, len(events))
	for i, e := range events {
		e.Seq = 0
		b, err := json.Marshal(e)
		if err != nil {
			return nil, fmt.Errorf("postgres: encode event %s: %w", e.ID, err)
		}
		out[i] = string(b)
	}
	return out, nil
}

// The event part shared by every write. It follows a CTE "c" that returns
// the written case's id and uses $1 (workspace), $2 (case id) and $e (the
// events' JSON): it numbers the events from dossier_event_seq in their
// order, appends them to the log and makes them pending. The statement runs
// after lockShared in the same transaction (see the package doc).
func eventCTEs(e int) string {
	return fmt.Sprintf(`, ev AS (
	INSERT INTO dossier_events (workspace_id, seq, case_id, event)
	SELECT $1, nextval('dossier_event_seq'), c.id, u.e::json
	FROM c, unnest($%d::text[]) WITH ORDINALITY AS u(e, n)
	RETURNING seq
), ob AS (
	INSERT INTO dossier_outbox (workspace_id, seq) SELECT $1, seq FROM ev
)`, e)
}

// lockClass is the first key of the advisory locks of workspaces: the
// bytes "doss".
const lockClass int32 = 0x646f7373

// The advisory lock of the workspace's event order: writes with events
// hold it shared until they commit, a drain takes it exclusively for the
// moment of its read.
const (
	lockShared    = "SELECT pg_advisory_xact_lock_shared($1::int4, $2::int4)"
	lockExclusive = "SELECT pg_advisory_xact_lock($1::int4, $2::int4)"
)

// lockKey is the second key of the workspace's advisory lock: a hash of
// its id (two workspaces sharing one only wait for each other more).
func (s *Store) lockKey() int32 {
	h := fnv.New32a()
	h.Write([]byte(s.workspace))
	return int32(h.Sum32())
}

const caseCols = `external_id, status, flags, contact_has_actions, reviewer_has_actions, risk_level,
	created_key, updated_key, name_key, next_review_key, tags, assignee_id, deleted, case_doc, record`

var createSQL = `WITH c AS (
	INSERT INTO dossier_cases (workspace_id, id, version, ` + caseCols + `)
	VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::text[], $14, $15, $16::json, $17::json)
	RETURNING id
), ent AS (
	INSERT INTO dossier_entities (workspace_id, entity_id, case_id)
	SELECT $1, e, c.id FROM c, unnest($18::text[]) AS e
	ON CONFLICT (workspace_id, entity_id) DO UPDATE SET case_id = EXCLUDED.case_id
)` + eventCTEs(19) + `
SELECT count(*) FROM c`

var updateSQL = `WITH c AS (
	UPDATE dossier_cases SET version = $3 + 1, (` + caseCols + `) =
		($4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::text[], $15, $16, $17::json, $18::json)
	WHERE workspace_id = $1 AND id = $2 AND version = $3
	RETURNING id
), entdel AS (
	DELETE FROM dossier_entities d USING c
	WHERE d.workspace_id = $1 AND d.case_id = c.id AND d.entity_id <> ALL($19::text[])
), ent AS (
	INSERT INTO dossier_entities (workspace_id, entity_id, case_id)
	SELECT $1, e, c.id FROM c, unnest($19::text[]) AS e
	ON CONFLICT (workspace_id, entity_id) DO UPDATE SET case_id = EXCLUDED.case_id
	WHERE dossier_entities.case_id <> EXCLUDED.case_id
)` + eventCTEs(20) + `
SELECT count(*) FROM c`

var deleteSQL = `WITH c AS (
	DELETE FROM dossier_cases WHERE workspace_id = $1 AND id = $2 AND version = $3
	RETURNING id
), entdel AS (
	DELETE FROM dossier_entities d USING c WHERE d.workspace_id = $1 AND d.case_id = c.id
)` + eventCTEs(5) + `, del AS (
	INSERT INTO dossier_deletions (workspace_id, case_id, deleted_key, up_to)
	SELECT $1, c.id, $4, greatest(
		coalesce((SELECT max(seq) FROM ev), 0),
		coalesce((SELECT max(seq) FROM dossier_events WHERE workspace_id = $1 AND case_id = $2), 0))
	FROM c
)
SELECT count(*) FROM c`

func caseArgs(col columns) []any {
	return []any{col.externalID, col.status, col.flags, col.contactHas, col.reviewerHas, col.riskLevel,
		col.createdKey, col.updatedKey, col.nameKey, col.nextReviewKey, col.tags, col.assigneeID, col.deleted,
		string(col.caseDoc), string(col.record)}
}

// Create implements storage.Store.
func (s *Store) Create(ctx context.Context, rec *storage.Record, events ...event.Event) (*storage.Record, error) {
	if rec == nil {
		return nil, fmt.Errorf("postgres: create: nil record")
	}
	if err := validateID(rec.Case.ID); err != nil {
		return nil, err
	}
	stored := rec.Clone()
	stored.Version = 1
	col, err := rowOf(stored)
	if err != nil {
		return nil, err
	}
	evs, err := encodeEvents(events)
	if err != nil {
		return nil, err
	}
	args := append([]any{s.workspace, stored.Case.ID}, caseArgs(col)...)
	args = append(args, col.entities, evs)
	err = s.write(ctx, "create", func(q querier) error {
		var n int
		if err := s.writeRow(ctx, q, len(evs) > 0, createSQL, args...).Scan(&n); err != nil {
			return translate(ctx, "create case "+stored.Case.ID, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return stored, nil
}

// Update implements storage.Store.
func (s *Store) Update(ctx context.Context, rec *storage.Record, events ...event.Event) (*storage.Record, error) {
	if rec == nil {
		return nil, fmt.Errorf("postgres: update: nil record")
	}
	if err := validateID(rec.Case.ID); err != nil {
		return nil, err
	}
	stored := rec.Clone()
	stored.Version = rec.Version + 1
	col, err := rowOf(stored)
	if err != nil {
		return nil, err
	}
	evs, err := encodeEvents(events)
	if err != nil {
		return nil, err
	}
	id := stored.Case.ID
	args := append([]any{s.workspace, id, rec.Version}, caseArgs(col)...)
	args = append(args, col.entities, evs)
	err = s.write(ctx, "update", func(q querier) error {
		var n int
		if err := s.writeRow(ctx, q, len(evs) > 0, updateSQL, args...).Scan(&n); err != nil {
			return translate(ctx, "update case "+id, err)
		}
		if n == 0 {
			return s.missedWrite(ctx, q, "update", id, rec.Version)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return stored, nil
}

// writeRow runs a write statement returning one row. With events, it
// runs it after taking the workspace's advisory lock shared, both in one
// round trip and one transaction (a batch is one implicit transaction; in a
// bound transaction, the lock lasts until that ends).
func (s *Store) writeRow(ctx context.Context, q querier, events bool, sql string, args ...any) pgx.Row {
	if !events {
		return q.QueryRow(ctx, sql, args...)
	}
	b := &pgx.Batch{}
	b.Queue(lockShared, lockClass, s.lockKey())
	b.Queue(sql, args...)
	return &batchRow{br: q.SendBatch(ctx, b)}
}

// batchRow is the row of the second statement of a two-statement batch.
type batchRow struct{ br pgx.BatchResults }

func (r *batchRow) Scan(dest ...any) error {
	if _, err := r.br.Exec(); err != nil {
		r.br.Close()
		return err
	}
	err := r.br.QueryRow().Scan(dest...)
	if cerr := r.br.Close(); err == nil {
		err = cerr
	}
	return err
}

// missedWrite explains why a conditional write matched no row: the case
// does not exist (ErrNotFound) or has another version (ErrConflict).
func (s *Store) missedWrite(ctx context.Context, q querier, op, id string, version int64) error {
	var stored int64
	err := q.QueryRow(ctx, "SELECT version FROM dossier_cases WHERE workspace_id = $1 AND id = $2", s.workspace, id).Scan(&stored)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("postgres: %s case %s: %w", op, id, storage.ErrNotFound)
	}
	if err != nil {
		return translate(ctx, op+" case "+id, err)
	}
	return fmt.Errorf("postgres: %s case %s at version %d, stored version is %d: %w", op, id, version, stored, storage.ErrConflict)
}

// Delete implements storage.Store.
func (s *Store) Delete(ctx context.Context, caseID string, version int64, deletedAt time.Time, events ...event.Event) error {
	if !storable(caseID) {
		return fmt.Errorf("postgres: delete case %q: %w", caseID, storage.ErrNotFound)
	}
	evs, err := encodeEvents(events)
	if err != nil {
		return err
	}
	key := timeKey(deletedAt)
	return s.write(ctx, "delete", func(q querier) error {
		var n int
		if err := s.writeRow(ctx, q, len(evs) > 0, deleteSQL, s.workspace, caseID, version, key, evs).Scan(&n); err != nil {
			return translate(ctx, "delete case "+caseID, err)
		}
		if n == 0 {
			return s.missedWrite(ctx, q, "delete", caseID, version)
		}
		return nil
	})
}

// timeKey is the text key of a time (the SortKey of a creation time):
// fixed-width UTC with nanoseconds, so text order is time order for years
// 0 to 9999.
func timeKey(t time.Time) string {
	return storage.Query{Sort: storage.SortCreatedAt}.SortKey(&cases.Case{CreatedAt: t})
}

// Get implements storage.Store.
func (s *Store) Get(ctx context.Context, caseID string) (*storage.Record, error) {
	if !storable(caseID) {
		return nil, fmt.Errorf("postgres: case %q: %w", caseID, storage.ErrNotFound)
	}
	return s.getWhere(ctx, "id = $2", caseID, "case "+caseID)
}

// GetByExternalID implements storage.Store.
func (s *Store) GetByExternalID(ctx context.Context, externalID string) (*storage.Record, error) {
	if externalID == "" {
		return nil, fmt.Errorf("postgres: external id %q: %w", externalID, storage.ErrNotFound)
	}
	return s.getWhere(ctx, "external_id = $2", []byte(externalID), fmt.Sprintf("external id %q", externalID))
}

func (s *Store) getWhere(ctx context.Context, cond string, arg any, what string) (*storage.Record, error) {
	var (
		id      string
		version int64
		doc     []byte
	)
	err := s.read(ctx, "get", func(q querier) error {
		return q.QueryRow(ctx, "SELECT id, version, record::text FROM dossier_cases WHERE workspace_id = $1 AND "+cond, s.workspace, arg).Scan(&id, &version, &doc)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("postgres: %s: %w", what, storage.ErrNotFound)
	}
	if err != nil {
		return nil, translate(ctx, "get "+what, err)
	}
	rec := new(storage.Record)
	if err := json.Unmarshal(doc, rec); err != nil {
		return nil, fmt.Errorf("postgres: get %s: %w", what, &storage.DamagedError{CaseID: id, Err: err})
	}
	rec.Version = version
	return rec, nil
}

// CaseOfEntity implements storage.Store.
func (s *Store) CaseOfEntity(ctx context.Context, entityID string) (string, error) {
	if !storable(entityID) {
		return "", fmt.Errorf("postgres: entity %q: %w", entityID, storage.ErrNotFound)
	}
	var id string
	err := s.read(ctx, "case of entity", func(q querier) error {
		return q.QueryRow(ctx, "SELECT case_id FROM dossier_entities WHERE workspace_id = $1 AND entity_id = $2", s.workspace, entityID).Scan(&id)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("postgres: entity %s: %w", entityID, storage.ErrNotFound)
	}
	if err != nil {
		return "", translate(ctx, "case of entity "+entityID, err)
	}
	return id, nil
}

// Quarantine implements storage.Quarantiner. It moves the case's row out
// of dossier_cases (and its entity ids out of dossier_entities) into the
// table dossier_quarantine, where its stored JSON, version and the time
// are kept for an operator; the case's audit log stays.
func (s *Store) Quarantine(ctx context.Context, caseID string) error {
	if !storable(caseID) {
		return fmt.Errorf("postgres: quarantine case %q: %w", caseID, storage.ErrNotFound)
	}
	return s.write(ctx, "quarantine", func(q querier) error {
		tag, err := q.Exec(ctx, `WITH c AS (
	DELETE FROM dossier_cases WHERE workspace_id = $1 AND id = $2 RETURNING id, version, record
), e AS (
	DELETE FROM dossier_entities d USING c WHERE d.workspace_id = $1 AND d.case_id = c.id
)
INSERT INTO dossier_quarantine (workspace_id, case_id, version, record)
SELECT $1, id, version, record::text FROM c`, s.workspace, caseID)
		if err != nil {
			return translate(ctx, "quarantine case "+caseID, err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("postgres: quarantine case %s: %w", caseID, storage.ErrNotFound)
		}
		return nil
	})
}

// Events implements storage.Store.
func (s *Store) Events(ctx context.Context, caseID string, after uint64, limit int) ([]event.Event, error) {
	limit, err := storage.PageSize(limit)
	if err != nil {
		return nil, err
	}
	if !storable(caseID) {
		return []event.Event{}, ctx.Err()
	}
	return s.readEvents(ctx, "events", false, `SELECT seq, event::text FROM dossier_events
WHERE workspace_id = $1 AND case_id = $2 AND seq > $3 ORDER BY seq LIMIT $4`, s.workspace, caseID, int64(min(after, 1<<63-1)), limit)
}

// PendingEvents implements storage.Outbox. It reads after taking the
// workspace's advisory lock exclusively, in one transaction: the lock waits
// for every write holding numbered events to end, so no event numbered
// below one it returns can commit later.
func (s *Store) PendingEvents(ctx context.Context, after uint64, limit int) ([]event.Event, error) {
	limit, err := storage.PageSize(limit)
	if err != nil {
		return nil, err
	}
	return s.readEvents(ctx, "pending events", true, `SELECT e.seq, e.event::text FROM dossier_outbox o
JOIN dossier_events e ON e.workspace_id = o.workspace_id AND e.seq = o.seq
WHERE o.workspace_id = $1 AND o.seq > $2 ORDER BY o.seq LIMIT $3`, s.workspace, int64(min(after, 1<<63-1)), limit)
}

func (s *Store) readEvents(ctx context.Context, op string, lock bool, sql string, args ...any) ([]event.Event, error) {
	var out []event.Event
	err := s.read(ctx, op, func(q querier) error {
		var err error
		out, err = s.readEventsOn(ctx, q, op, lock, sql, args...)
		return err
	})
	return out, err
}

func (s *Store) readEventsOn(ctx context.Context, q querier, op string, lock bool, sql string, args ...any) ([]event.Event, error) {
	var (
		rows pgx.Rows
		err  error
	)
	if lock {
		b := &pgx.Batch{}
		b.Queue(lockExclusive, lockClass, s.lockKey())
		b.Queue(sql, args...)
		br := q.SendBatch(ctx, b)
		defer br.Close()
		if _, err := br.Exec(); err != nil {
			return nil, translate(ctx, op, err)
		}
		rows, err = br.Query()
	} else {
		rows, err = q.Query(ctx, sql, args...)
	}
	if err != nil {
		return nil, translate(ctx, op, err)
	}
	defer rows.Close()
	out := []event.Event{}
	for rows.Next() {
		var (
			seq int64
			doc []byte
		)
		if err := rows.Scan(&seq, &doc); err != nil {
			return nil, translate(ctx, op, err)
		}
		var e event.Event
		if err := json.Unmarshal(doc, &e); err != nil {
			return nil, fmt.Errorf("postgres: %s: event %d cannot be read: %w", op, seq, err)
		}
		e.Seq = uint64(seq)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, translate(ctx, op, err)
	}
	return out, nil
}

// AckEvents implements storage.Outbox.
func (s *Store) AckEvents(ctx context.Context, seqs ...uint64) error {
	if len(seqs) == 0 {
		return ctx.Err()
	}
	nums := make([]int64, 0, len(seqs))
	for _, q := range seqs {
		if q <= 1<<63-1 {
			nums = append(nums, int64(q))
		}
	}
	return s.write(ctx, "ack events", func(q querier) error {
		_, err := q.Exec(ctx, "DELETE FROM dossier_outbox WHERE workspace_id = $1 AND seq = ANY($2)", s.workspace, nums)
		return translate(ctx, "ack events", err)
	})
}

// PurgeEvents implements storage.Store. It removes the deletions older
// than deletedBefore and, for each, the events of that case numbered up
// to the deletion, from the log and the outbox, in one statement.
func (s *Store) PurgeEvents(ctx context.Context, deletedBefore time.Time) (int, error) {
	var n int
	err := s.write(ctx, "purge events", func(q querier) error {
		err := q.QueryRow(ctx, `WITH d AS (
	DELETE FROM dossier_deletions WHERE workspace_id = $1 AND deleted_key < $2 RETURNING case_id, up_to
), m AS (
	SELECT case_id, max(up_to) AS up_to FROM d GROUP BY case_id
), ev AS (
	DELETE FROM dossier_events e USING m
	WHERE e.workspace_id = $1 AND e.case_id = m.case_id AND e.seq <= m.up_to
	RETURNING e.seq
), ob AS (
	DELETE FROM dossier_outbox o USING ev WHERE o.workspace_id = $1 AND o.seq = ev.seq
)
SELECT count(*) FROM ev`, s.workspace, timeKey(deletedBefore)).Scan(&n)
		return translate(ctx, "purge events", err)
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
