package dossier_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/storage/memory"
)

// BenchmarkUpdateInLargeCase measures one Workspace change (renaming a
// company) in cases of growing size against a baseline that does only the
// store's part of the same change (get the record, change the name, save
// it). The ratio is the cost of the domain work: cloning, invariant checks,
// derived fields, no-op detection and event derivation, all linear in the
// size of the case.
//
//	go test -run '^$' -bench UpdateInLargeCase -benchtime 20x -count 3 .
func BenchmarkUpdateInLargeCase(b *testing.B) {
	for _, n := range []int{100, 1000} {
		ctx := context.Background()
		st := memory.New()
		w, err := dossier.New(st, dossier.Settings{})
		if err != nil {
			b.Fatal(err)
		}
		c, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "large"})
		main, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Main"})
		if err != nil {
			b.Fatal(err)
		}
		for i := range n {
			if _, err := w.AddIndividual(ctx, c.ID, entity.IndividualInput{LastName: fmt.Sprint("P", i)}); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(fmt.Sprintf("entities=%d/workspace", n), func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				if _, err := w.UpdateCompany(ctx, main.Company.ID, entity.CompanyUpdate{Name: patch.Value(fmt.Sprint("Main ", i))}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("entities=%d/store-baseline", n), func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				rec, err := st.Get(ctx, c.ID)
				if err != nil {
					b.Fatal(err)
				}
				rec.Companies[0].Name = fmt.Sprint("Base ", i)
				if _, err := st.Update(ctx, rec); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
