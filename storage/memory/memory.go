// Package memory is an in-process storage.Store: records, the audit log and
// the outbox live in maps guarded by one mutex, and are deep-copied in and
// out.
//
// It is the adapter for tests, examples and short-lived processes; nothing
// survives the process. Queries scan every case (there is no index), which
// is fine for the sizes it is meant for. It passes storage/storetest under
// -race.
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
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
)

// Store is an in-memory storage.Store. The zero value is not usable; call New.
type Store struct {
	mu       sync.RWMutex
	records  map[string]*storage.Record
	external map[string]string // external id -> case id
	entities map[string]string // entity id -> case id

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

// New returns an empty store.
func New() *Store {
	return &Store{
		records:  make(map[string]*storage.Record),
		external: make(map[string]string),
		entities: make(map[string]string),
		log:      make(map[string][]event.Event),
		deleted:  make(map[string][]deletion),
		pending:  make(map[uint64]event.Event),
	}
}

// Create implements storage.Store.
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
	stored := rec.Clone()
	stored.Version = 1
	s.appendEvents(id, events)
	s.records[id] = stored
	s.index(nil, stored)
	return stored.Clone(), nil
}

// Get implements storage.Store.
func (s *Store) Get(ctx context.Context, caseID string) (*storage.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	rec, ok := s.records[caseID]
	if !ok {
		return nil, fmt.Errorf("memory: case %s: %w", caseID, storage.ErrNotFound)
	}
	return rec.Clone(), nil
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
	return s.records[id].Clone(), nil
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
	if old.Version != rec.Version {
		return nil, fmt.Errorf("memory: update case %s at version %d, stored version is %d: %w", id, rec.Version, old.Version, storage.ErrConflict)
	}
	if err := s.checkExternal(id, rec.Case.ExternalID); err != nil {
		return nil, err
	}
	stored := rec.Clone()
	stored.Version = old.Version + 1
	s.appendEvents(id, events)
	s.records[id] = stored
	s.index(old, stored)
	return stored.Clone(), nil
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
	if old.Version != version {
		return fmt.Errorf("memory: delete case %s at version %d, stored version is %d: %w", caseID, version, old.Version, storage.ErrConflict)
	}
	s.appendEvents(caseID, events)
	s.deleted[caseID] = append(s.deleted[caseID], deletion{at: deletedAt, upTo: s.seq})
	delete(s.records, caseID)
	s.index(old, nil)
	return nil
}

// Query implements storage.Store. It scans every case: the filters are
// storage.Query.Matches and the order storage.Query.SortKey then case id.
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
	var cur *storage.Cursor
	if q.After != "" {
		c, err := q.DecodeCursor(q.After)
		if err != nil { // Validate has already refused it
			return storage.Page{}, err
		}
		cur = &c
	}
	type hit struct {
		key string
		rec *storage.Record
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var hits []hit
	total := 0
	for _, rec := range s.records {
		if !q.Matches(&rec.Case) {
			continue
		}
		total++
		if cur != nil && !q.IsAfter(*cur, &rec.Case) {
			continue
		}
		hits = append(hits, hit{q.SortKey(&rec.Case), rec})
	}
	// The order of storage.Query.Compare, with each sort key computed once.
	slices.SortFunc(hits, func(a, b hit) int {
		c := cmp.Or(strings.Compare(a.key, b.key), strings.Compare(a.rec.Case.ID, b.rec.Case.ID))
		if q.Desc {
			return -c
		}
		return c
	})
	page := storage.Page{Total: -1}
	if q.Count {
		page.Total = total
	}
	hits = hits[min(q.Offset, len(hits)):]
	n := min(limit, len(hits))
	page.Cases = make([]cases.Case, n)
	for i, h := range hits[:n] {
		page.Cases[i] = h.rec.Case.Clone()
	}
	if n < len(hits) {
		page.Next = q.CursorAfter(&hits[n-1].rec.Case)
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

// PurgeEvents implements storage.Store.
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

// index replaces old's index entries by new's; either may be nil.
func (s *Store) index(old, new *storage.Record) {
	if old != nil {
		if old.Case.ExternalID != "" {
			delete(s.external, old.Case.ExternalID)
		}
		for _, e := range old.EntityIDs() {
			delete(s.entities, e)
		}
	}
	if new != nil {
		if new.Case.ExternalID != "" {
			s.external[new.Case.ExternalID] = new.Case.ID
		}
		for _, e := range new.EntityIDs() {
			s.entities[e] = new.Case.ID
		}
	}
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
	var out []event.Event
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
