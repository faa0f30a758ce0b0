package postgres

import (
	"context"
	"encoding/json"

	"github.com/dossierkit/dossier/storage"
)

// ExplainQuery returns the plan PostgreSQL chooses for the page statement
// of q, as EXPLAIN (FORMAT JSON) prints it.
func ExplainQuery(ctx context.Context, s *Store, q storage.Query) (json.RawMessage, error) {
	bq, err := s.build(q)
	if err != nil {
		return nil, err
	}
	var plan json.RawMessage
	err = s.pool.QueryRow(ctx, "EXPLAIN (FORMAT JSON) "+bq.sql, bq.args...).Scan(&plan)
	return plan, err
}

// DisableCaseCache turns off the decoded case cache of s, for benchmarks
// of cold reads.
func DisableCaseCache(s *Store) { s.cache = nil }
