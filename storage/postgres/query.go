package postgres

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/storage"
)

// sortColumns maps each sort field to the column holding its
// storage.Query.SortKey.
var sortColumns = map[storage.SortField]string{
	"":                       "created_key",
	storage.SortCreatedAt:    "created_key",
	storage.SortUpdatedAt:    "updated_key",
	storage.SortName:         "name_key",
	storage.SortNextReviewAt: "next_review_key",
}

// allFlagBits is the bit set of every defined flag.
var allFlagBits = flagBits(cases.NewFlags(cases.AllFlags()...))

// sqlQuery builds the WHERE clause of a storage.Query and collects its
// arguments.
type sqlQuery struct {
	conds []string
	args  []any
}

func (b *sqlQuery) arg(v any) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}

func (b *sqlQuery) where(format string, args ...any) {
	b.conds = append(b.conds, fmt.Sprintf(format, args...))
}

// oneOf adds "col is one of vs": an equality for one value, so that an
// index on (workspace_id, col, sort key) also yields the order.
func (b *sqlQuery) oneOf(col string, vs []string) {
	if len(vs) == 1 {
		b.where("%s = %s", col, b.arg(vs[0]))
		return
	}
	b.where("%s = ANY(%s::text[])", col, b.arg(vs))
}

// filters adds the conditions of q's filters: each is storage.Query.Matches
// on the stored columns.
func (b *sqlQuery) filters(q storage.Query) {
	if len(q.Statuses) > 0 {
		ss := make([]string, len(q.Statuses))
		for i, st := range q.Statuses {
			ss[i] = string(st)
		}
		b.oneOf("status", ss)
	}
	if !q.Flags.IsEmpty() {
		// Flags has all of mask: the stored set is one of mask's supersets,
		// a short list the (workspace_id, flags) index answers.
		mask := flagBits(q.Flags)
		var sets []int16
		for v := 0; v <= int(allFlagBits); v++ {
			if uint8(v)&mask == mask && uint8(v)&^allFlagBits == 0 {
				sets = append(sets, int16(v))
			}
		}
		b.where("flags = ANY(%s::smallint[])", b.arg(sets))
	}
	if q.ContactHasActions != nil {
		b.where("contact_has_actions = %s", b.arg(*q.ContactHasActions))
	}
	if q.ReviewerHasActions != nil {
		b.where("reviewer_has_actions = %s", b.arg(*q.ReviewerHasActions))
	}
	if len(q.RiskLevels) > 0 {
		ls := make([]string, len(q.RiskLevels))
		for i, l := range q.RiskLevels {
			ls[i] = string(l)
		}
		b.oneOf("risk_level", ls)
	}
	if !q.NextReview.IsZero() {
		b.where("next_review_key <> '~'")
		if !q.NextReview.From.IsZero() {
			b.where("next_review_key >= %s", b.arg(q.NextReview.From.String()))
		}
		if !q.NextReview.To.IsZero() {
			b.where("next_review_key <= %s", b.arg(q.NextReview.To.String()))
		}
	}
	b.timeRange("created_key", q.CreatedAt)
	b.timeRange("updated_key", q.UpdatedAt)
	b.where("NOT deleted") // a case deleted without the permanent choice matches no query
	if len(q.TagsAll) > 0 {
		b.where("tags @> %s::text[]", b.arg(q.TagsAll))
	}
	if len(q.TagsNone) > 0 {
		b.where("NOT (tags && %s::text[])", b.arg(q.TagsNone))
	}
	if len(q.TagsAny) > 0 {
		b.where("tags && %s::text[]", b.arg(q.TagsAny))
	}
	switch {
	case q.AssigneeID != "":
		b.where("assignee_id = %s", b.arg(q.AssigneeID))
	case q.Unassigned:
		b.where("assignee_id IS NULL")
	}
	if q.ExternalID != "" {
		b.where("external_id = %s", b.arg([]byte(q.ExternalID)))
	}
	if q.NameContains != "" {
		// The trigram index answers the first condition, a necessary one
		// (escape encoding maps each byte to a fixed string, so a substring
		// stays a substring); the second is the exact byte match.
		p := strings.ToLower(q.NameContains)
		b.where("encode(name_key, 'escape') LIKE %s", b.arg("%"+likeEscape(escapeEncode(p))+"%"))
		b.where("name_key LIKE %s", b.arg([]byte("%"+likeEscape(p)+"%")))
	}
}

// timeRange adds the conditions of a storage.TimeRange on a time key
// column. Keys order as times for years 0 to 9999; a bound outside them is
// either no bound or excludes everything.
func (b *sqlQuery) timeRange(col string, r storage.TimeRange) {
	if !r.From.IsZero() {
		switch y := r.From.UTC().Year(); {
		case y > 9999:
			b.where("false")
		case y >= 0:
			b.where("%s >= %s", col, b.arg(timeKey(r.From)))
		}
	}
	if !r.To.IsZero() {
		switch y := r.To.UTC().Year(); {
		case y < 0:
			b.where("false")
		case y <= 9999:
			b.where("%s < %s", col, b.arg(timeKey(r.To)))
		}
	}
}

// likeEscape escapes the LIKE wildcards of s with the default escape
// character, backslash.
func likeEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '%' || c == '_' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// escapeEncode is PostgreSQL's encode(bytes, 'escape'): NUL and bytes with
// the high bit set become \ooo, a backslash is doubled.
func escapeEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == 0 || c >= 0x80:
			fmt.Fprintf(&b, "\\%03o", c)
		case c == '\\':
			b.WriteString(`\\`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// builtQuery is the SQL of a storage.Query.
type builtQuery struct {
	sql, countSQL   string
	args, countArgs []any
	limit           int
	sort            storage.SortField
}

// build returns the SQL of q: the page's statement and the count's.
func (s *Store) build(q storage.Query) (builtQuery, error) {
	if err := q.Validate(); err != nil {
		return builtQuery{}, err
	}
	limit, err := storage.PageSize(q.Limit)
	if err != nil {
		return builtQuery{}, err
	}
	sortField := q.Sort
	if sortField == "" {
		sortField = storage.SortCreatedAt
	}
	col := sortColumns[sortField]

	var b sqlQuery
	b.where("workspace_id = %s", b.arg(s.workspace))
	b.filters(q)
	out := builtQuery{limit: limit, sort: sortField}
	out.countSQL = "SELECT count(*) FROM dossier_cases WHERE " + strings.Join(b.conds, " AND ")
	out.countArgs = b.args[:len(b.args):len(b.args)]

	dir, op := "ASC", ">"
	if q.Desc {
		dir, op = "DESC", "<"
	}
	if q.After != "" {
		cur, err := q.DecodeCursor(q.After)
		if err != nil {
			return builtQuery{}, err
		}
		var key any = cur.Key
		if col == "name_key" {
			key = []byte(cur.Key)
		}
		b.where("(%s, id) %s (%s, %s)", col, op, b.arg(key), b.arg(cur.ID))
	}
	out.sql = fmt.Sprintf("SELECT id, %[1]s, version, xmin::text, case_doc::text FROM dossier_cases WHERE %[2]s ORDER BY %[1]s %[3]s, id %[3]s LIMIT %[4]s OFFSET %[5]s",
		col, strings.Join(b.conds, " AND "), dir, b.arg(limit+1), b.arg(q.Offset))
	out.args = b.args
	return out, nil
}

// Query implements storage.Store: one SQL statement on the indexed columns
// (and a second for the count when q.Count is set). See the package doc
// for the indexes.
func (s *Store) Query(ctx context.Context, q storage.Query) (storage.Page, error) {
	if err := ctx.Err(); err != nil {
		return storage.Page{}, fmt.Errorf("postgres: query: %w", err)
	}
	bq, err := s.build(q)
	if err != nil {
		return storage.Page{}, err
	}
	var page storage.Page
	err = s.read(ctx, "query", func(conn querier) error {
		var err error
		page, err = s.queryOn(ctx, conn, q, bq)
		return err
	})
	if err != nil {
		return storage.Page{}, err
	}
	return page, nil
}

// queryOn runs a built query on one connection.
func (s *Store) queryOn(ctx context.Context, conn querier, q storage.Query, bq builtQuery) (storage.Page, error) {
	limit := bq.limit
	page := storage.Page{Total: -1, Cases: []cases.Case{}}
	rows, err := conn.Query(ctx, bq.sql, bq.args...)
	if err != nil {
		return storage.Page{}, translate(ctx, "query", err)
	}
	type hit struct{ id, key string }
	var last hit
	n := 0
	for rows.Next() {
		var (
			id, xmin string
			key, doc []byte
			version  int64
		)
		if err := rows.Scan(&id, &key, &version, &xmin, &doc); err != nil {
			rows.Close()
			return storage.Page{}, translate(ctx, "query", err)
		}
		n++
		if n > limit {
			break
		}
		last = hit{id, string(key)}
		c, err := s.cache.decode(id, version, xmin, doc)
		if err != nil {
			page.Damaged = append(page.Damaged, &storage.DamagedError{CaseID: id, Err: err})
			continue
		}
		page.Cases = append(page.Cases, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return storage.Page{}, translate(ctx, "query", err)
	}
	if n > limit {
		cur, _ := json.Marshal(storage.Cursor{Sort: bq.sort, Desc: q.Desc, Key: last.key, ID: last.id})
		page.Next = base64.RawURLEncoding.EncodeToString(cur)
	}
	if q.Count {
		if err := conn.QueryRow(ctx, bq.countSQL, bq.countArgs...).Scan(&page.Total); err != nil {
			return storage.Page{}, translate(ctx, "query count", err)
		}
	}
	return page, nil
}

// caseCache keeps decoded cases by id, valid for one row version: the
// stored version and the row's xmin (the id of the transaction that wrote
// it), both read with the row, so an entry is only used for the very row
// it was decoded from. Decoding dominates the cost of a page; hosts page
// through the same cases again and again. It holds at most caseCacheSize
// cases; a nil cache decodes every time.
type caseCache struct {
	mu sync.Mutex
	m  map[string]cachedCase
}

type cachedCase struct {
	version int64
	xmin    string
	c       cases.Case
}

const caseCacheSize = 4096

func newCaseCache() *caseCache { return &caseCache{m: make(map[string]cachedCase)} }

// decode returns a copy of the case of this row version.
func (cc *caseCache) decode(id string, version int64, xmin string, doc []byte) (cases.Case, error) {
	if cc != nil {
		cc.mu.Lock()
		e, ok := cc.m[id]
		cc.mu.Unlock()
		if ok && e.version == version && e.xmin == xmin {
			return e.c.Clone(), nil
		}
	}
	var c cases.Case
	if err := json.Unmarshal(doc, &c); err != nil {
		return cases.Case{}, err
	}
	if cc != nil {
		cc.mu.Lock()
		if len(cc.m) >= caseCacheSize {
			for k := range cc.m { // drop a quarter, arbitrary ones
				delete(cc.m, k)
				if len(cc.m) < caseCacheSize*3/4 {
					break
				}
			}
		}
		cc.m[id] = cachedCase{version: version, xmin: xmin, c: c.Clone()}
		cc.mu.Unlock()
	}
	return c, nil
}
