package memory_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/memory"
)

// benchStore returns a store of n cases, one in a hundred with a next
// review date, and their ids.
func benchStore(b *testing.B, n int) (*memory.Store, []string) {
	b.Helper()
	ctx := context.Background()
	s := memory.New()
	ids := make([]string, n)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range ids {
		ids[i] = fmt.Sprintf("case-%06d", (i*7919)%n)
		c := cases.Case{ID: ids[i], Name: fmt.Sprint("Case ", i), Status: cases.StatusApproved,
			CreatedAt: at.Add(time.Duration(i) * time.Second), UpdatedAt: at}
		if i%100 == 0 {
			d := cases.Date{Year: 2026, Month: time.Month(1 + i%12), Day: 1 + i%28}
			c.Review = &cases.Review{ID: "r", Status: cases.ReviewApproved, ReviewerType: cases.ReviewerUser, ReviewedAt: at, NextReviewAt: &d}
		}
		if _, err := s.Create(ctx, &storage.Record{Case: c}); err != nil {
			b.Fatal(err)
		}
	}
	return s, ids
}

// BenchmarkQuery lists 20,000 cases page by page, and the 1 % that have a
// next review date by that date, each as a ratio to reading every case
// once with Get in the same run (x-get-all).
func BenchmarkQuery(b *testing.B) {
	ctx := context.Background()
	s, ids := benchStore(b, 20000)
	due := storage.Query{Sort: storage.SortNextReviewAt, NextReview: storage.DateRange{From: cases.Date{Year: 2000, Month: 1, Day: 1}}}
	for _, bm := range []struct {
		name string
		q    storage.Query
		want int
	}{
		{"AllPages", storage.Query{}, len(ids)},
		{"AllPagesByName", storage.Query{Sort: storage.SortName, Desc: true}, len(ids)},
		{"OnePercentByNextReview", due, len(ids) / 100},
	} {
		b.Run(bm.name, func(b *testing.B) {
			var base, query time.Duration
			for b.Loop() {
				t0 := time.Now()
				for _, id := range ids {
					if _, err := s.Get(ctx, id); err != nil {
						b.Fatal(err)
					}
				}
				t1 := time.Now()
				n := 0
				for _, err := range storage.All(ctx, s, bm.q) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				query += time.Since(t1)
				base += t1.Sub(t0)
				if n != bm.want {
					b.Fatalf("listed %d cases, want %d", n, bm.want)
				}
			}
			b.ReportMetric(float64(query)/float64(base), "x-get-all")
		})
	}
}

// BenchmarkUpdate updates one case (a new updated_at, so one sort key
// moves) in a store of 20,000 cases, as a ratio to the same update in a
// store holding only that case, in the same run (x-alone).
func BenchmarkUpdate(b *testing.B) {
	ctx := context.Background()
	big, ids := benchStore(b, 20000)
	alone, _ := benchStore(b, 1)
	update := func(s *memory.Store, id string, i int) time.Duration {
		rec, err := s.Get(ctx, id)
		if err != nil {
			b.Fatal(err)
		}
		rec.Case.UpdatedAt = rec.Case.UpdatedAt.Add(time.Duration(i%2000-1000) * time.Hour)
		t0 := time.Now()
		if _, err := s.Update(ctx, rec); err != nil {
			b.Fatal(err)
		}
		return time.Since(t0)
	}
	var inBig, inAlone time.Duration
	i := 0
	for b.Loop() {
		i++
		inBig += update(big, ids[i%len(ids)], i)
		inAlone += update(alone, "case-000000", i)
	}
	b.ReportMetric(float64(inBig)/float64(inAlone), "x-alone")
}

// BenchmarkUpdateBigCase updates a case of 5,000 individuals (its name
// only), as a ratio to a Get of the same case in the same run (x-get):
// both copy the whole record, an update copies it in and out.
func BenchmarkUpdateBigCase(b *testing.B) {
	ctx := context.Background()
	s := memory.New()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rec := &storage.Record{Case: cases.Case{ID: "big", Name: "big", Status: cases.StatusOpen, CreatedAt: at, UpdatedAt: at}}
	for i := range 5000 {
		rec.Individuals = append(rec.Individuals, entity.Individual{ID: fmt.Sprintf("ind-%05d", i), LastName: "Doe", CreatedAt: at, UpdatedAt: at})
	}
	if _, err := s.Create(ctx, rec); err != nil {
		b.Fatal(err)
	}
	var get, update time.Duration
	for b.Loop() {
		t0 := time.Now()
		rec, err := s.Get(ctx, "big")
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		rec.Case.Name = fmt.Sprint("big ", rec.Version)
		if _, err := s.Update(ctx, rec); err != nil {
			b.Fatal(err)
		}
		update += time.Since(t1)
		get += t1.Sub(t0)
	}
	b.ReportMetric(float64(update)/float64(get), "x-get")
}
