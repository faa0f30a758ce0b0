package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/postgres"
	"github.com/dossierkit/dossier/validation"
)

// TestTenancy: two stores with different workspace ids on one database
// never see each other's cases, events, entity ids or external ids.
func TestTenancy(t *testing.T) {
	ctx := context.Background()
	a, b := newStore(t), newStore(t)
	recA := newRecord("same-id", "ext-1")
	recA.Companies = []entity.Company{{ID: "company-1", Name: "Acme", Type: entity.CompanyMain}}
	if _, err := a.Create(ctx, recA, newEvent("same-id", 0)); err != nil {
		t.Fatal(err)
	}
	// The same case id and external id are free in the other workspace.
	recB := newRecord("same-id", "ext-1")
	recB.Case.Name = "Other tenant"
	if _, err := b.Create(ctx, recB, newEvent("same-id", 100), newEvent("same-id", 101)); err != nil {
		t.Fatalf("create in workspace b: %v", err)
	}
	if _, err := b.Create(ctx, newRecord("only-b", "ext-b"), newEvent("only-b", 0)); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		run  func(s storage.Store) (any, error)
		a, b any
	}{
		{"Get", func(s storage.Store) (any, error) {
			r, err := s.Get(ctx, "same-id")
			if err != nil {
				return nil, err
			}
			return r.Case.Name, nil
		}, "Case same-id", "Other tenant"},
		{"GetByExternalID", func(s storage.Store) (any, error) {
			r, err := s.GetByExternalID(ctx, "ext-1")
			if err != nil {
				return nil, err
			}
			return r.Case.Name, nil
		}, "Case same-id", "Other tenant"},
		{"OtherTenantsExternalID", func(s storage.Store) (any, error) {
			_, err := s.GetByExternalID(ctx, "ext-b")
			return errors.Is(err, storage.ErrNotFound), nil
		}, true, false},
		{"OtherTenantsCase", func(s storage.Store) (any, error) {
			_, err := s.Get(ctx, "only-b")
			return errors.Is(err, storage.ErrNotFound), nil
		}, true, false},
		{"CaseOfEntity", func(s storage.Store) (any, error) {
			_, err := s.CaseOfEntity(ctx, "company-1")
			return errors.Is(err, storage.ErrNotFound), nil
		}, false, true},
		{"QueryCount", func(s storage.Store) (any, error) {
			p, err := s.Query(ctx, storage.Query{Count: true})
			return p.Total, err
		}, 1, 2},
		{"EventsOfSameCaseID", func(s storage.Store) (any, error) {
			evs, err := s.Events(ctx, "same-id", 0, 0)
			return len(evs), err
		}, 1, 2},
		{"PendingEvents", func(s storage.Store) (any, error) {
			evs, err := s.PendingEvents(ctx, 0, 0)
			ids := []string{}
			for _, e := range evs {
				ids = append(ids, e.ID)
			}
			return len(ids), err
		}, 1, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range []struct {
				name string
				s    storage.Store
				want any
			}{{"a", a, tt.a}, {"b", b, tt.b}} {
				got, err := tt.run(c.s)
				if err != nil {
					t.Fatalf("workspace %s: %v", c.name, err)
				}
				if got != c.want {
					t.Errorf("workspace %s: got %v, want %v", c.name, got, c.want)
				}
			}
		})
	}

	t.Run("WritesStayInTheirWorkspace", func(t *testing.T) {
		// Acknowledging a's numbers, deleting and purging in b leave a
		// untouched.
		evs, err := a.PendingEvents(ctx, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.AckEvents(ctx, evs[0].Seq); err != nil {
			t.Fatal(err)
		}
		if err := b.Delete(ctx, "same-id", 1, epoch); err != nil {
			t.Fatal(err)
		}
		if _, err := b.PurgeEvents(ctx, time.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Get(ctx, "same-id"); err != nil {
			t.Fatalf("a's case after b deleted its own: %v", err)
		}
		if evs, err := a.PendingEvents(ctx, 0, 0); err != nil || len(evs) != 1 {
			t.Fatalf("a's pending events = %d, %v; want 1", len(evs), err)
		}
		if evs, err := a.Events(ctx, "same-id", 0, 0); err != nil || len(evs) != 1 {
			t.Fatalf("a's audit log = %d, %v; want 1", len(evs), err)
		}
		// b's delete of a version a has does not reach a either.
		if err := b.Delete(ctx, "same-id", 1, epoch); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("b deleting a case only a has = %v, want ErrNotFound", err)
		}
	})
}

func TestWorkspaceID(t *testing.T) {
	pool := testPool(t)
	for _, id := range []string{"", "bad\x00id", string([]byte{0xff}), string(make([]byte, 201))} {
		var verr *validation.Error
		if _, err := postgres.New(context.Background(), pool, id); !errors.As(err, &verr) {
			t.Errorf("New with workspace id %q = %v, want a *validation.Error", id, err)
		}
	}
}

// TestIDsTextCannotHold: ids PostgreSQL text cannot hold (NUL, invalid
// UTF-8) are never stored, so lookups of them find nothing and writes of
// them are refused as bad input, not as server errors.
func TestIDsTextCannotHold(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	for _, id := range []string{"nul\x00id", string([]byte{0xff, 0xfe})} {
		t.Run(fmt.Sprintf("%q", id), func(t *testing.T) {
			if _, err := s.Get(ctx, id); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("Get = %v, want ErrNotFound", err)
			}
			if _, err := s.CaseOfEntity(ctx, id); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("CaseOfEntity = %v, want ErrNotFound", err)
			}
			if err := s.Delete(ctx, id, 1, epoch); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("Delete = %v, want ErrNotFound", err)
			}
			if err := s.Quarantine(ctx, id); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("Quarantine = %v, want ErrNotFound", err)
			}
			if evs, err := s.Events(ctx, id, 0, 0); err != nil || len(evs) != 0 {
				t.Errorf("Events = %v, %v; want none", evs, err)
			}
			var verr *validation.Error
			if _, err := s.Create(ctx, newRecord(id, "")); !errors.As(err, &verr) {
				t.Errorf("Create with this case id = %v, want a *validation.Error", err)
			}
			rec := newRecord("ok", "")
			rec.Companies = []entity.Company{{ID: id, Name: "Co", Type: entity.CompanyMain}}
			if _, err := s.Create(ctx, rec); !errors.As(err, &verr) {
				t.Errorf("Create with this entity id = %v, want a *validation.Error", err)
			}
		})
	}
}
