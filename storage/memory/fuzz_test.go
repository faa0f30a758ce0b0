package memory_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/memory"
	"github.com/dossierkit/dossier/validation"
)

// FuzzQuery sends arbitrary cursors, sort fields, offsets and limits to
// Query: it must answer with a page in the query's order or a
// *validation.Error, never panic or return a case twice.
func FuzzQuery(f *testing.F) {
	ctx := context.Background()
	s := memory.New()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 20 {
		c := cases.Case{ID: fmt.Sprintf("c%02d", i), Name: fmt.Sprintf("Name %d", i%7), Status: cases.StatusOpen,
			CreatedAt: at.Add(time.Duration(i%5) * time.Hour), UpdatedAt: at}
		if _, err := s.Create(ctx, &storage.Record{Case: c}); err != nil {
			f.Fatal(err)
		}
	}
	valid := storage.Query{}.CursorAfter(&cases.Case{ID: "c05", CreatedAt: at})
	f.Add(valid, "", false, 0, 3)
	f.Add(valid, "created_at", true, 0, 0)
	f.Add("eyJzIjoibmFtZSIsImsiOiJ-IiwiaWQiOiJ4In0", "name", false, 0, 5)
	f.Add("", "next_review_at", true, 7, 2)
	f.Add("!!", "bogus", false, -1, -1)
	f.Fuzz(func(t *testing.T, after, sort string, desc bool, offset, limit int) {
		q := storage.Query{After: after, Sort: storage.SortField(sort), Desc: desc, Offset: offset, Limit: limit, Count: true}
		p, err := s.Query(ctx, q)
		if err != nil {
			var verr *validation.Error
			if !errors.As(err, &verr) {
				t.Fatalf("Query(%+v): %v, not a *validation.Error", q, err)
			}
			return
		}
		if p.Total != 20 {
			t.Fatalf("Total = %d, want 20", p.Total)
		}
		for i := 1; i < len(p.Cases); i++ {
			if q.Compare(&p.Cases[i-1], &p.Cases[i]) >= 0 {
				t.Fatalf("Query(%+v): %s before %s, out of order", q, p.Cases[i-1].ID, p.Cases[i].ID)
			}
		}
	})
}
