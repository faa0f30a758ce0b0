// Package memory is an in-process storage.Store: records live in a map,
// guarded by one mutex, and are deep-copied in and out.
//
// It is the adapter for tests, examples and short-lived processes; nothing
// survives the process. It passes storage/storetest under -race.
package memory

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
)

// Store is an in-memory storage.Store. The zero value is not usable; call New.
type Store struct {
	mu       sync.RWMutex
	records  map[string]*storage.Record
	ids      []string          // sorted case ids, for List
	external map[string]string // external id -> case id
	entities map[string]string // entity id -> case id

	seq     uint64                 // last event sequence number given
	pending map[uint64]event.Event // unacknowledged events by Seq
	order   []uint64               // Seq of pending events, ascending; may hold acknowledged ones
}

var _ storage.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{
		records:  make(map[string]*storage.Record),
		external: make(map[string]string),
		entities: make(map[string]string),
		pending:  make(map[uint64]event.Event),
	}
}

// Create implements storage.Store.
func (s *Store) Create(ctx context.Context, rec *storage.Record) (*storage.Record, error) {
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
	s.enqueue(stored.Events)
	s.records[id] = stored
	i := sort.SearchStrings(s.ids, id)
	s.ids = append(s.ids, "")
	copy(s.ids[i+1:], s.ids[i:])
	s.ids[i] = id
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
func (s *Store) Update(ctx context.Context, rec *storage.Record) (*storage.Record, error) {
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
	s.enqueue(stored.Events)
	s.records[id] = stored
	s.index(old, stored)
	return stored.Clone(), nil
}

// Delete implements storage.Store.
func (s *Store) Delete(ctx context.Context, caseID string, version int64, events ...event.Event) error {
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
	final := make([]event.Event, len(events))
	for i, e := range events {
		final[i] = e.Clone()
		final[i].Seq = 0
	}
	s.enqueue(final)
	delete(s.records, caseID)
	i := sort.SearchStrings(s.ids, caseID)
	s.ids = append(s.ids[:i], s.ids[i+1:]...)
	s.index(old, nil)
	return nil
}

// List implements storage.Store.
func (s *Store) List(ctx context.Context, filter storage.Filter) (storage.Page, error) {
	if err := ctx.Err(); err != nil {
		return storage.Page{}, err
	}
	limit, err := filter.PageSize()
	if err != nil {
		return storage.Page{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var page storage.Page
	i := sort.Search(len(s.ids), func(i int) bool { return s.ids[i] > filter.After })
	for ; i < len(s.ids); i++ {
		rec := s.records[s.ids[i]]
		if !filter.Matches(rec) {
			continue
		}
		if len(page.Records) == limit {
			page.Next = page.Records[limit-1].Case.ID
			break
		}
		page.Records = append(page.Records, rec.Clone())
	}
	return page, nil
}

// checkExternal fails when ext belongs to a case other than id. Callers hold
// the write lock, so the check and the write are one atomic step.
func (s *Store) checkExternal(id, ext string) error {
	if ext == "" {
		return nil
	}
	if owner, ok := s.external[ext]; ok && owner != id {
		return fmt.Errorf("memory: external id %q is used by case %s: %w", ext, owner, storage.ErrDuplicateExternalID)
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

// enqueue numbers the events that have no Seq yet and makes them pending.
// Callers hold the write lock.
func (s *Store) enqueue(events []event.Event) {
	for i := range events {
		if events[i].Seq != 0 {
			continue
		}
		s.seq++
		events[i].Seq = s.seq
		s.pending[s.seq] = events[i].Clone()
		s.order = append(s.order, s.seq)
	}
}

// PendingEvents implements storage.Outbox.
func (s *Store) PendingEvents(ctx context.Context, after uint64, limit int) ([]event.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	limit, err := storage.Filter{Limit: limit}.PageSize()
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
	if len(s.order) > 64 && len(s.order) > 2*len(s.pending) {
		kept := s.order[:0]
		for _, q := range s.order {
			if _, ok := s.pending[q]; ok {
				kept = append(kept, q)
			}
		}
		s.order = kept
	}
	return nil
}
