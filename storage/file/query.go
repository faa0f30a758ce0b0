package file

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/storage"
)

// Query implements storage.Store from the summary index: the filters
// (storage.Query.Matches) and the order (storage.Query.SortKey, then case
// id) are evaluated on each case's summary, rebuilt from the index entry, so
// only the records of the page are read. The page is read under the shared
// lock, so it is one consistent view: no writer changes a record between
// the index and the file.
//
// A record that cannot be read is left out of Page.Cases and reported in
// Page.Damaged (with its *CorruptError) at its place in the order; the
// page goes on past it and its cursor stays valid. A damaged case whose
// summary is unknown (its record was unreadable when the index was
// rebuilt) is reported on the first page of every query.
func (s *Store) Query(ctx context.Context, q storage.Query) (storage.Page, error) {
	if err := ctx.Err(); err != nil {
		return storage.Page{}, err
	}
	if err := q.Validate(); err != nil {
		return storage.Page{}, fmt.Errorf("file: query: %w", err)
	}
	limit, err := storage.PageSize(q.Limit)
	if err != nil {
		return storage.Page{}, fmt.Errorf("file: query: %w", err)
	}
	var cur *storage.Cursor
	if q.After != "" {
		c, err := q.DecodeCursor(q.After)
		if err != nil {
			return storage.Page{}, fmt.Errorf("file: query: %w", err)
		}
		cur = &c
	}
	if s.closed.Load() {
		return storage.Page{}, ErrClosed
	}
	if err := s.lk.lockShared(ctx, "query"); err != nil {
		return storage.Page{}, s.public(err)
	}
	defer s.lk.unlockShared()
	s.mu.Lock()
	if err := s.refresh(false); err != nil {
		s.mu.Unlock()
		return storage.Page{}, s.public(fmt.Errorf("file: query: %w", err))
	}
	sel, total, unknown := s.selectCases(q, cur, q.Offset+limit+1)
	s.mu.Unlock()

	page := storage.Page{Total: -1, Cases: make([]cases.Case, 0, min(limit, len(sel)))}
	if q.Count {
		page.Total = total
	}
	if q.After == "" && q.Offset == 0 {
		for _, id := range unknown {
			page.Damaged = append(page.Damaged, &storage.DamagedError{CaseID: id,
				Err: &CorruptError{CaseID: id, Path: s.recPath(id), Reason: "record file unreadable; its summary is unknown"}})
		}
	}
	full := len(sel) == q.Offset+limit+1
	sel = sel[min(q.Offset, len(sel)):]
	for i, h := range sel {
		if err := ctx.Err(); err != nil {
			return storage.Page{}, err
		}
		rec, err := s.readRecord(h.id)
		if errors.Is(err, errNoFile) {
			err = &CorruptError{CaseID: h.id, Path: s.recPath(h.id), Reason: "record file is missing"}
		}
		var ce *CorruptError
		switch {
		case errors.As(err, &ce):
			page.Damaged = append(page.Damaged, &storage.DamagedError{CaseID: h.id, Err: ce})
		case err != nil:
			return storage.Page{}, s.public(err)
		default:
			page.Cases = append(page.Cases, rec.Case)
		}
		if len(page.Cases) == limit {
			if i+1 < len(sel) {
				page.Next = q.CursorAfter(h.stub)
			}
			break
		}
		if i == len(sel)-1 && full {
			// Damaged cases took places of the page: it ends short, and
			// the cursor goes on after them.
			page.Next = q.CursorAfter(h.stub)
		}
	}
	return page, nil
}

// hit is a case selected by a query: its id, sort key and summary.
type hit struct {
	id, key string
	stub    *cases.Case
}

// selectCases returns, in q's order, the first n cases of the index that
// match q and come after cur, the number of matching cases, and the
// damaged cases whose summary is unknown. The caller holds s.mu.
func (s *Store) selectCases(q storage.Query, cur *storage.Cursor, n int) (sel []hit, total int, unknown []string) {
	field := q.Sort
	if field == "" {
		field = storage.SortCreatedAt
	}
	order := func(a, b hit) int {
		c := cmp.Or(strings.Compare(a.key, b.key), strings.Compare(a.id, b.id))
		if q.Desc {
			return -c
		}
		return c
	}
	var top hitHeap
	top.less = func(a, b hit) bool { return order(a, b) > 0 } // the worst on top
	for id, e := range s.idx.cases {
		if !e.Summary {
			unknown = append(unknown, id)
			continue
		}
		stub := e.stub(id)
		if !q.Matches(stub) {
			continue
		}
		total++
		h := hit{id: id, key: e.sortKey(id, field), stub: stub}
		if cur != nil && order(h, hit{id: cur.ID, key: cur.Key}) <= 0 {
			continue
		}
		top.push(h, n)
	}
	sel = top.items
	slices.SortFunc(sel, order)
	slices.Sort(unknown)
	return sel, total, unknown
}

// hitHeap keeps the n best hits seen: a binary heap with the worst on top.
type hitHeap struct {
	items []hit
	less  func(a, b hit) bool // a is worse than b
}

func (h *hitHeap) push(x hit, n int) {
	if len(h.items) == n {
		if !h.less(h.items[0], x) {
			return // x is no better than the worst kept
		}
		h.items[0] = x
		h.down(0)
		return
	}
	h.items = append(h.items, x)
	for i := len(h.items) - 1; i > 0; {
		p := (i - 1) / 2
		if !h.less(h.items[i], h.items[p]) {
			break
		}
		h.items[i], h.items[p] = h.items[p], h.items[i]
		i = p
	}
}

func (h *hitHeap) down(i int) {
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(h.items) && h.less(h.items[l], h.items[m]) {
			m = l
		}
		if r < len(h.items) && h.less(h.items[r], h.items[m]) {
			m = r
		}
		if m == i {
			return
		}
		h.items[i], h.items[m] = h.items[m], h.items[i]
		i = m
	}
}
