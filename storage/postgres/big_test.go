package postgres_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/storage/postgres"
)

// bigCases is the size of the workspace the EXPLAIN test and the query
// benchmark use.
const bigCases = 100_000

// bigWorkspace is its id: fixed, so that a run on a kept database (a DSN
// in the environment) reuses the rows of an earlier run.
const bigWorkspace = "big-100k-v1"

var big struct {
	once  sync.Once
	store *postgres.Store
	err   error
}

// bigStore returns the store of a workspace of bigCases cases written by
// one INSERT ... SELECT generate_series, with these distributions (i is
// 1..bigCases):
//
//   - status rejected, approved, closed, draft when i%100 is 1, 2, 3, 4,
//     otherwise open;
//   - flag for_review when i%97 == 0, first_collect_completed when
//     i%89 == 0;
//   - contact has actions when i%101 == 0, reviewer when i%103 == 0;
//   - risk high when i%83 == 0, low when even, otherwise not_defined;
//   - created one minute apart from 2020-01-01, updated in another order;
//   - name "Zebra Holdings i" when i%211 == 0, otherwise "Company i";
//   - next review 2026-01-01 + i%1000 days, none when i%3 == 0;
//   - external id "ext-i".
func bigStore(t testing.TB) *postgres.Store {
	t.Helper()
	pool := testPool(t)
	big.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		big.store, big.err = postgres.New(ctx, pool, bigWorkspace)
		if big.err != nil {
			return
		}
		var n int
		if big.err = pool.QueryRow(ctx, "SELECT count(*) FROM dossier_cases WHERE workspace_id = $1", bigWorkspace).Scan(&n); big.err != nil || n == bigCases {
			return
		}
		if _, big.err = pool.Exec(ctx, "DELETE FROM dossier_cases WHERE workspace_id = $1", bigWorkspace); big.err != nil {
			return
		}
		// A realistic case document, whose id, name, status and external
		// id each row replaces.
		tmpl, _ := json.Marshal(cases.Case{
			ID: "x", Name: "x", Status: cases.StatusOpen, ExternalID: "x",
			Metadata:  cases.Metadata{"crm": "salesforce", "segment": "sme", "owner": "team-3"},
			CreatedAt: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		})
		_, big.err = pool.Exec(ctx, `
INSERT INTO dossier_cases (workspace_id, id, version, external_id, status, flags, contact_has_actions,
	reviewer_has_actions, risk_level, created_key, updated_key, name_key, next_review_key, tags, assignee_id,
	case_doc, record)
SELECT $1, id, 1, convert_to('ext-' || i, 'UTF8'), status,
	(CASE WHEN i % 97 = 0 THEN 2 ELSE 0 END) | (CASE WHEN i % 89 = 0 THEN 16 ELSE 0 END),
	i % 101 = 0, i % 103 = 0,
	CASE WHEN i % 83 = 0 THEN 'high' WHEN i % 2 = 0 THEN 'low' ELSE 'not_defined' END,
	to_char(timestamp '2020-01-01' + i * interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS') || '.000000000Z',
	to_char(timestamp '2021-01-01' + ((i * 7919) % $3) * interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS') || '.000000000Z',
	convert_to(lower(name), 'UTF8'),
	CASE WHEN i % 3 = 0 THEN '~' ELSE to_char(date '2026-01-01' + i % 1000, 'YYYY-MM-DD') END,
	CASE WHEN i % 127 = 0 THEN '{vip}'::text[] ELSE '{}'::text[] END,
	CASE WHEN i % 131 = 0 THEN 'user-' || (i % 7) END,
	doc::json, json_build_object('version', 1, 'case', doc)
FROM (
	SELECT i, id, name, status,
		$2::jsonb || jsonb_build_object('id', id, 'name', name, 'status', status, 'external_id', 'ext-' || i) AS doc
	FROM (
		SELECT i, 'case-' || lpad(i::text, 6, '0') AS id,
			CASE WHEN i % 211 = 0 THEN 'Zebra Holdings ' ELSE 'Company ' END || i AS name,
			CASE i % 100 WHEN 1 THEN 'rejected' WHEN 2 THEN 'approved' WHEN 3 THEN 'closed' WHEN 4 THEN 'draft' ELSE 'open' END AS status
		FROM generate_series(1, $3::int) AS i
	) g
) d`, bigWorkspace, string(tmpl), bigCases)
		if big.err != nil {
			return
		}
		_, big.err = pool.Exec(ctx, "ANALYZE dossier_cases")
	})
	if big.err != nil {
		t.Fatalf("the %d-case workspace: %v", bigCases, big.err)
	}
	return big.store
}
