// Package memory is an in-process storage.Store: records, the audit log and
// the outbox live in maps guarded by one mutex, and are deep-copied in and
// out.
//
// It is the adapter for tests, examples and short-lived processes; nothing
// survives the process. It passes storage/storetest under -race.
//
// Queries walk the cases in the query's order, kept in one sorted slice
// per sort field (by storage.Query.SortKey, then case id), from the cursor
// on, testing each case with storage.Query.Matches until the page is full:
// a page costs the cases it skips and returns, not a sort of the store.
// Count and filters that match few cases still test every case. Writes
// keep the slices sorted (a binary search and a copy of the slice's tail,
// only when a sort key changes).
//
// Measured on 2 shared cores, as ratios within one run:
//
//	BenchmarkQuery/AllPages                0.97x - 3.0x  every page of 20,000 cases vs a Get of each
//	BenchmarkQuery/AllPagesByName          0.86x - 0.96x the same, by name descending
//	BenchmarkQuery/OnePercentByNextReview  0.14x - 0.35x the 200 cases with a next review date
//	BenchmarkUpdate                        3.6x - 7.4x   an update moving updated_at, 20,000 cases vs 1
//	BenchmarkUpdateBigCase                 1.0x - 1.2x   an update of a case of 5,000 individuals vs a Get
//
// (sorting the store for every page instead made AllPages 265x). Reproduce
// with:
//
//	go test ./storage/memory/ -run '^$' -bench Query -benchtime 5x -count 3
//	go test ./storage/memory/ -run '^$' -bench Update -count 3
//
// An update copies the record in and out, as Get copies it out; it leaves
// the entity index alone when the case keeps the same entities (rebuilding
// it made BenchmarkUpdateBigCase 0.9x - 3.0x).
package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/storage"
)

// Store is an in-memory storage.Store. The zero value is not usable; call New.
type Store struct {
	mu       sync.RWMutex
	records  map[string]*entry
	sorted   [len(sortFields)][]*entry // every entry by (sort key, id), per sort field
	external map[string]string         // external id -> case id
	entities map[string]string         // entity id -> case id

	seq     uint64                   // last event sequence number given
	log     map[string][]event.Event // audit log per case id, ascending Seq
	deleted map[string][]deletion    // deletions per case id, oldest first
	pending map[uint64]event.Event   // unacknowledged events by Seq
	order   []uint64                 // Seq of pending events, ascending; may hold acknowledged ones
}

// deletion records that a case was deleted at a time, after its events up
// to a sequence number: PurgeEvents removes those events once the time is
// old enough, and never the events of a case created again later with the
// same id.
type deletion struct {
	at   time.Time
	upTo uint64
}

var _ storage.Store = (*Store)(nil)

// sortFields are the sort fields, in the order of entry.keys.
var sortFields = [...]storage.SortField{storage.SortCreatedAt, storage.SortUpdatedAt, storage.SortName, storage.SortNextReviewAt}

// sortIndex returns the index of f in sortFields ("" is created_at).
func sortIndex(f storage.SortField) int {
	for i, g := range sortFields {
		if f == g {
			return i
		}
	}
	return 0
}

// entry is a stored record with its sort keys.
type entry struct {
	rec  *storage.Record
	keys [len(sortFields)]string // storage.Query{Sort: sortFields[i]}.SortKey
}

func newEntry(rec *storage.Record) *entry {
	e := &entry{rec: rec}
	for i, f := range sortFields {
		e.keys[i] = storage.Query{Sort: f}.SortKey(&rec.Case)
	}
	return e
}

// compareKey orders e against a (key, id) position under sort field i,
// ascending: by key, then by case id.
func (e *entry) compareKey(i int, key, id string) int {
	return cmp.Or(strings.Compare(e.keys[i], key), strings.Compare(e.rec.Case.ID, id))
}

// search returns the position of (key, id) in the sorted slice i: the
// index of the first entry not before it.
func (s *Store) search(i int, key, id string) int {
	sl := s.sorted[i]
	return sort.Search(len(sl), func(j int) bool { return sl[j].compareKey(i, key, id) >= 0 })
}

// reorder replaces old by new in the sorted slices; either may be nil.
// Callers hold the write lock.
func (s *Store) reorder(old, new *entry) {
	for i := range sortFields {
		if old != nil && new != nil && old.keys[i] == new.keys[i] {
			s.sorted[i][s.search(i, old.keys[i], old.rec.Case.ID)] = new
			continue
		}
		if old != nil {
			j := s.search(i, old.keys[i], old.rec.Case.ID)
			s.sorted[i] = slices.Delete(s.sorted[i], j, j+1)
		}
		if new != nil {
			j := s.search(i, new.keys[i], new.rec.Case.ID)
			s.sorted[i] = slices.Insert(s.sorted[i], j, new)
		}
	}
}

// New returns an empty store.
func New() *Store {
	return &Store{
		records:  make(map[string]*entry),
		external: make(map[string]string),
		entities: make(map[string]string),
		log:      make(map[string][]event.Event),
		deleted:  make(map[string][]deletion),
		pending:  make(map[uint64]event.Event),
	}
}

// Create implements storage.Store. The events of a write are filed in the
// audit log of the case written, rec.Case.ID, whatever their CaseID says.
func (s *Store) Create(ctx context.Context, rec *storage.Record, events ...event.Event) (*storage.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if rec == nil || rec.Case.ID == "" {
		return nil, fmt.Errorf("memory: create: record without case id")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := rec.Case.ID
	if _, ok := s.records[id]; ok {
		return nil, fmt.Errorf("memory: create case %s: %w", id, storage.ErrConflict)
	}
	if err := s.checkExternal(id, rec.Case.ExternalID); err != nil {
		return nil, err
	}
	stored := newEntry(rec.Clone())
	stored.rec.Version = 1
	s.appendEvents(id, events)
	s.records[id] = stored
	s.index(nil, stored.rec)
	s.reorder(nil, stored)
	return stored.rec.Clone(), nil
}

// Get implements storage.Store.
func (s *Store) Get(ctx context.Context, caseID string) (*storage.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := s.records[caseID]
	if !ok {
		return nil, fmt.Errorf("memory: case %s: %w", caseID, storage.ErrNotFound)
	}
	return e.rec.Clone(), nil
}

// GetByExternalID implements storage.Store.
func (s *Store) GetByExternalID(ctx context.Context, externalID string) (*storage.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.external[externalID]
	if !ok || externalID == "" {
		return nil, fmt.Errorf("memory: external id %q: %w", externalID, storage.ErrNotFound)
	}
	return s.records[id].rec.Clone(), nil
}

// CaseOfEntity implements storage.Store.
func (s *Store) CaseOfEntity(ctx context.Context, entityID string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.entities[entityID]
	if !ok {
		return "", fmt.Errorf("memory: entity %s: %w", entityID, storage.ErrNotFound)
	}
	return id, nil
}

// Update implements storage.Store.
func (s *Store) Update(ctx context.Context, rec *storage.Record, events ...event.Event) (*storage.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, fmt.Errorf("memory: update: nil record")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := rec.Case.ID
	old, ok := s.records[id]
	if !ok {
		return nil, fmt.Errorf("memory: update case %s: %w", id, storage.ErrNotFound)
	}
	if old.rec.Version != rec.Version {
		return nil, fmt.Errorf("memory: update case %s at version %d, stored version is %d: %w", id, rec.Version, old.rec.Version, storage.ErrConflict)
	}
	if err := s.checkExternal(id, rec.Case.ExternalID); err != nil {
		return nil, err
	}
	stored := newEntry(rec.Clone())
	stored.rec.Version = old.rec.Version + 1
	s.appendEvents(id, events)
	s.records[id] = stored
	s.index(old.rec, stored.rec)
	s.reorder(old, stored)
	return stored.rec.Clone(), nil
}

// Delete implements storage.Store.
func (s *Store) Delete(ctx context.Context, caseID string, version int64, deletedAt time.Time, events ...event.Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.records[caseID]
	if !ok {
		return fmt.Errorf("memory: delete case %s: %w", caseID, storage.ErrNotFound)
	}
	if old.rec.Version != version {
		return fmt.Errorf("memory: delete case %s at version %d, stored version is %d: %w", caseID, version, old.rec.Version, storage.ErrConflict)
	}
	s.appendEvents(caseID, events)
	s.deleted[caseID] = append(s.deleted[caseID], deletion{at: deletedAt, upTo: s.seq})
	delete(s.records, caseID)
	s.index(old.rec, nil)
	s.reorder(old, nil)
	return nil
}

// Query implements storage.Store. Its filters are storage.Query.Matches
// and its order storage.Query.SortKey then case id (see the package doc).
func (s *Store) Query(ctx context.Context, q storage.Query) (storage.Page, error) {
	if err := ctx.Err(); err != nil {
		return storage.Page{}, err
	}
	if err := q.Validate(); err != nil {
		return storage.Page{}, err
	}
	limit, err := storage.PageSize(q.Limit)
	if err != nil {
		return storage.Page{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	i := sortIndex(q.Sort)
	sl := s.sorted[i]
	// The walk: ascending from the first entry after the cursor, or
	// descending from the last entry before it.
	pos, step := 0, 1
	if q.Desc {
		pos, step = len(sl)-1, -1
	}
	if q.After != "" {
		cur, err := q.DecodeCursor(q.After)
		if err != nil { // Validate has refused it already
			return storage.Page{}, err
		}
		pos = s.search(i, cur.Key, cur.ID) // first entry not before the cursor
		if q.Desc {
			pos--
		} else if pos < len(sl) && sl[pos].compareKey(i, cur.Key, cur.ID) == 0 {
			pos++
		}
	}
	page := storage.Page{Cases: []cases.Case{}, Total: -1}
	skip := q.Offset
	var last *entry
	for ; pos >= 0 && pos < len(sl); pos += step {
		e := sl[pos]
		if !q.Matches(&e.rec.Case) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		if len(page.Cases) == limit {
			page.Next = q.CursorAfter(&last.rec.Case)
			break
		}
		page.Cases = append(page.Cases, e.rec.Case.Clone())
		last = e
	}
	if q.Count {
		page.Total = 0
		for _, e := range sl {
			if q.Matches(&e.rec.Case) {
				page.Total++
			}
		}
	}
	return page, nil
}

// Events implements storage.Store.
func (s *Store) Events(ctx context.Context, caseID string, after uint64, limit int) ([]event.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	limit, err := storage.PageSize(limit)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	log := s.log[caseID]
	i := sort.Search(len(log), func(i int) bool { return log[i].Seq > after })
	out := make([]event.Event, 0, min(limit, len(log)-i))
	for ; i < len(log) && len(out) < limit; i++ {
		out = append(out, log[i].Clone())
	}
	return out, nil
}

// PurgeEvents implements storage.Store. A case id deleted and created
// again keeps the events of its later life: only the events up to a
// deletion before deletedBefore are removed.
func (s *Store) PurgeEvents(ctx context.Context, deletedBefore time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	removed := 0
	for id, dels := range s.deleted {
		var upTo uint64 // events up to this Seq belong to deletions old enough
		kept := dels[:0]
		for _, d := range dels {
			if d.at.Before(deletedBefore) {
				upTo = max(upTo, d.upTo)
			} else {
				kept = append(kept, d)
			}
		}
		if len(kept) > 0 {
			s.deleted[id] = kept
		} else {
			delete(s.deleted, id)
		}
		log := s.log[id]
		n := sort.Search(len(log), func(i int) bool { return log[i].Seq > upTo })
		if n == 0 {
			continue
		}
		for _, e := range log[:n] {
			delete(s.pending, e.Seq)
		}
		removed += n
		if rest := slices.Clone(log[n:]); len(rest) > 0 {
			s.log[id] = rest
		} else {
			delete(s.log, id)
		}
	}
	s.compactOrder()
	return removed, nil
}

// checkExternal fails when ext belongs to a case other than id. Callers hold
// the write lock, so the check and the write are one atomic step.
func (s *Store) checkExternal(id, ext string) error {
	if ext == "" {
		return nil
	}
	if owner, ok := s.external[ext]; ok && owner != id {
		return fmt.Errorf("memory: external id %q is taken: %w", ext, storage.ErrDuplicateExternalID)
	}
	return nil
}

// index replaces old's index entries by new's; either may be nil. The
// entity index is left alone when an update keeps the same entities, as
// most do.
func (s *Store) index(old, new *storage.Record) {
	sameEntities := old != nil && new != nil && sameEntityIDs(old, new)
	if old != nil {
		if old.Case.ExternalID != "" {
			delete(s.external, old.Case.ExternalID)
		}
		if !sameEntities {
			for _, e := range old.EntityIDs() {
				delete(s.entities, e)
			}
		}
	}
	if new != nil {
		if new.Case.ExternalID != "" {
			s.external[new.Case.ExternalID] = new.Case.ID
		}
		if !sameEntities {
			for _, e := range new.EntityIDs() {
				s.entities[e] = new.Case.ID
			}
		}
	}
}

// sameEntityIDs reports whether a and b hold the same companies,
// individuals, relations and checks, by id and in the same order.
func sameEntityIDs(a, b *storage.Record) bool {
	return slices.EqualFunc(a.Companies, b.Companies, func(x, y entity.Company) bool { return x.ID == y.ID }) &&
		slices.EqualFunc(a.Individuals, b.Individuals, func(x, y entity.Individual) bool { return x.ID == y.ID }) &&
		slices.EqualFunc(a.Relations, b.Relations, func(x, y relation.Relation) bool { return x.ID == y.ID }) &&
		slices.EqualFunc(a.Checks, b.Checks, func(x, y cases.Check) bool { return x.ID == y.ID })
}

// appendEvents numbers copies of events, appends them to the audit log of
// case caseID and makes them pending. Callers hold the write lock and call it
// only once the write can no longer fail.
func (s *Store) appendEvents(caseID string, events []event.Event) {
	for _, e := range events {
		s.seq++
		e = e.Clone()
		e.Seq = s.seq
		s.log[caseID] = append(s.log[caseID], e)
		s.pending[s.seq] = e
		s.order = append(s.order, s.seq)
	}
}

// PendingEvents implements storage.Outbox.
func (s *Store) PendingEvents(ctx context.Context, after uint64, limit int) ([]event.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	limit, err := storage.PageSize(limit)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []event.Event{}
	i := sort.Search(len(s.order), func(i int) bool { return s.order[i] > after })
	for ; i < len(s.order) && len(out) < limit; i++ {
		if ev, ok := s.pending[s.order[i]]; ok {
			out = append(out, ev.Clone())
		}
	}
	return out, nil
}

// AckEvents implements storage.Outbox.
func (s *Store) AckEvents(ctx context.Context, seqs ...uint64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, q := range seqs {
		delete(s.pending, q)
	}
	s.compactOrder()
	return nil
}

// compactOrder drops acknowledged numbers from s.order once they are most
// of it. Callers hold the write lock.
func (s *Store) compactOrder() {
	if len(s.order) > 64 && len(s.order) > 2*len(s.pending) {
		kept := s.order[:0]
		for _, q := range s.order {
			if _, ok := s.pending[q]; ok {
				kept = append(kept, q)
			}
		}
		s.order = kept
	}
}
