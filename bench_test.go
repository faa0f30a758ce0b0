package dossier_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/file"
	"github.com/dossierkit/dossier/storage/memory"
)

// The benchmarks of this file measure ratios within one run (the machines
// they run on are noisy): each iteration runs the measured operation and
// its baseline back to back, and the benchmark reports the ratio of their
// median times as a metric. Figures are in the package doc.

// pair runs a and its baseline base back to back b.N times, in turns (a
// first on even iterations, base first on odd ones), and reports the ratio
// of their median times as metric unit, the ratio of their means as
// unit(mean), and both medians. Medians keep a garbage collection that
// lands on one call from deciding the figure.
func pair(b *testing.B, unit string, a, base func(i int)) {
	b.Helper()
	var ta, tb []time.Duration
	timed := func(f func(int), i int) time.Duration {
		t0 := time.Now()
		f(i)
		return time.Since(t0)
	}
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			ta = append(ta, timed(a, i))
			tb = append(tb, timed(base, i))
		} else {
			tb = append(tb, timed(base, i))
			ta = append(ta, timed(a, i))
		}
	}
	ma, mb := median(ta), median(tb)
	b.ReportMetric(float64(ma)/float64(mb), unit)
	b.ReportMetric(float64(sum(ta))/float64(sum(tb)), unit+"(mean)")
	b.ReportMetric(float64(ma.Nanoseconds()), "ns/measured")
	b.ReportMetric(float64(mb.Nanoseconds()), "ns/baseline")
}

func sum(ds []time.Duration) (s time.Duration) {
	for _, d := range ds {
		s += d
	}
	return s
}

func median(ds []time.Duration) time.Duration {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// largeCase stores a case of n individuals, each owning a share of the
// main company, written straight to the store (building it through the
// Workspace is not what is measured).
func largeCase(b *testing.B, st storage.Store, n int) (caseID, mainID string) {
	b.Helper()
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rec := &storage.Record{Case: cases.Case{ID: "large", Name: "large", Status: cases.StatusOpen, CreatedAt: now, UpdatedAt: now}}
	rec.Companies = []entity.Company{{ID: "main", Name: "Main", Type: entity.CompanyMain, Status: entity.StatusLive, IsRelevant: true, CreatedAt: now, UpdatedAt: now}}
	for i := range n {
		id := fmt.Sprint("p", i)
		rec.Individuals = append(rec.Individuals, entity.Individual{ID: id, FirstName: "Person", LastName: fmt.Sprint("P", i),
			IsRelevant: true, OwnershipPercentage: entity.MustPercentage("0.01"), CreatedAt: now, UpdatedAt: now})
		rec.Relations = append(rec.Relations, relation.Relation{ID: "r" + id, FromIndividualID: id, ToCompanyID: "main",
			OwnershipPercentage: entity.MustPercentage("0.01"), CreatedAt: now, UpdatedAt: now})
	}
	if err := relation.Check(relation.Graph{Companies: rec.Companies, Individuals: rec.Individuals, Relations: rec.Relations}); err != nil {
		b.Fatal(err)
	}
	if _, err := st.Create(ctx, rec); err != nil {
		b.Fatal(err)
	}
	return "large", "main"
}

// BenchmarkUpdateInLargeCase measures one Workspace change (renaming the
// main company) in a case of 5,000 individuals against a baseline that does
// only the store's part of the same change (get the record, change the
// name, save it): the metric x-bare is the cost of the domain work
// (invariant checks, derived fields, deciding what changed, events).
//
//	go test -run '^$' -bench UpdateInLargeCase -benchtime 200x -count 3 .
func BenchmarkUpdateInLargeCase(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprintf("individuals=%d", n), func(b *testing.B) {
			ctx := context.Background()
			st := memory.New()
			w, err := dossier.New(st, dossier.Settings{})
			if err != nil {
				b.Fatal(err)
			}
			caseID, mainID := largeCase(b, st, n)
			pair(b, "x-bare", func(i int) {
				if _, err := w.UpdateCompany(ctx, mainID, entity.CompanyUpdate{Name: patch.Value(fmt.Sprint("Main ", i))}); err != nil {
					b.Fatal(err)
				}
			}, func(i int) {
				rec, err := st.Get(ctx, caseID)
				if err != nil {
					b.Fatal(err)
				}
				rec.Companies[0].Name = fmt.Sprint("Base ", i)
				if _, err := st.Update(ctx, rec); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// BenchmarkChangeAfterHistory measures a change, and a GetCase, in a case
// with 10,000 earlier changes against the same in a case with 100 earlier
// changes, over the memory and the file adapter: the metric x-after-100 is
// the ratio, which stays near 1 because the audit log is not part of the
// record. The file store's history is written without fsync, then the
// store is opened again, durable, for the measure.
//
//	go test -run '^$' -bench ChangeAfterHistory -benchtime 2000x -count 3 .
func BenchmarkChangeAfterHistory(b *testing.B) {
	ctx := context.Background()
	withHistory := func(w *dossier.Workspace, changes int) string {
		c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "history"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Main"}); err != nil {
			b.Fatal(err)
		}
		for i := range changes {
			if _, err := w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{Metadata: patch.Value(cases.Metadata{"n": fmt.Sprint(i)})}); err != nil {
				b.Fatal(err)
			}
		}
		return c.ID
	}
	stores := []struct {
		name string
		// open returns the store to build the history in, and a function
		// that returns the store to measure once it is built.
		open func(b *testing.B) (build storage.Store, measure func() storage.Store)
	}{
		{"memory", func(*testing.B) (storage.Store, func() storage.Store) {
			s := memory.New()
			return s, func() storage.Store { return s }
		}},
		{"file", func(b *testing.B) (storage.Store, func() storage.Store) {
			dir := b.TempDir()
			build, err := file.Open(dir, file.Options{NoSync: true})
			if err != nil {
				b.Fatal(err)
			}
			return build, func() storage.Store {
				if err := build.Close(); err != nil {
					b.Fatal(err)
				}
				s, err := file.Open(dir, file.Options{})
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { s.Close() })
				return s
			}
		}},
	}
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			build, measure := st.open(b)
			wb, err := dossier.New(build, dossier.Settings{})
			if err != nil {
				b.Fatal(err)
			}
			young, old := withHistory(wb, 100), withHistory(wb, 10_000)
			w, err := dossier.New(measure(), dossier.Settings{})
			if err != nil {
				b.Fatal(err)
			}
			rename := func(id string) func(int) {
				return func(i int) {
					if _, err := w.UpdateCase(ctx, id, dossier.UpdateCaseInput{Name: patch.Value(fmt.Sprint("Case ", i))}); err != nil {
						b.Fatal(err)
					}
				}
			}
			get := func(id string) func(int) {
				return func(int) {
					if _, err := w.GetCase(ctx, id); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.Run("change", func(b *testing.B) { pair(b, "x-after-100", rename(old), rename(young)) })
			b.Run("get", func(b *testing.B) { pair(b, "x-after-100", get(old), get(young)) })
		})
	}
}
