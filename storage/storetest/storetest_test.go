package storetest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/memory"
	"github.com/dossierkit/dossier/storage/storetest"
)

// jsonStore is the memory store with every record passed through its
// JSON form on the way in and out, as a store that keeps JSON does.
type jsonStore struct{ *memory.Store }

func viaJSON(rec *storage.Record) (*storage.Record, error) {
	if rec == nil {
		return nil, nil
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("encode record %s: %w", rec.Case.ID, err)
	}
	var out storage.Record
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("decode record %s: %w", rec.Case.ID, err)
	}
	return &out, nil
}

func (s jsonStore) Create(ctx context.Context, rec *storage.Record, events ...event.Event) (*storage.Record, error) {
	in, err := viaJSON(rec)
	if err != nil {
		return nil, err
	}
	out, err := s.Store.Create(ctx, in, events...)
	if err != nil {
		return nil, err
	}
	return viaJSON(out)
}

func (s jsonStore) Update(ctx context.Context, rec *storage.Record, events ...event.Event) (*storage.Record, error) {
	in, err := viaJSON(rec)
	if err != nil {
		return nil, err
	}
	out, err := s.Store.Update(ctx, in, events...)
	if err != nil {
		return nil, err
	}
	return viaJSON(out)
}

func (s jsonStore) Get(ctx context.Context, id string) (*storage.Record, error) {
	out, err := s.Store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return viaJSON(out)
}

func (s jsonStore) GetByExternalID(ctx context.Context, id string) (*storage.Record, error) {
	out, err := s.Store.GetByExternalID(ctx, id)
	if err != nil {
		return nil, err
	}
	return viaJSON(out)
}

// TestSuiteRecordsSurviveJSON runs the suite over jsonStore: every record
// the suite writes must survive its own JSON form, or an adapter that
// stores JSON could not pass.
func TestSuiteRecordsSurviveJSON(t *testing.T) {
	storetest.Run(t, func(*testing.T) storage.Store { return jsonStore{memory.New()} })
}
