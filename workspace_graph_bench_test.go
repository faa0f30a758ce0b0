package dossier_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/storage/memory"
)

// graphInput is a case of nc companies (the main one and nc-1 affiliated
// ones each holding 0.1 % of it) and ni individuals spread over the
// companies, each holding 1 % of its company.
func graphInput(nc, ni int) dossier.CreateCaseInput {
	in := dossier.CreateCaseInput{Name: "Large group"}
	in.Companies = append(in.Companies, entity.CompanyInput{Name: "Main", Ref: "c0"})
	for i := 1; i < nc; i++ {
		in.Companies = append(in.Companies, entity.CompanyInput{Name: fmt.Sprint("Company ", i), Type: entity.CompanyAffiliated,
			Ref: fmt.Sprint("c", i), Relations: []entity.Link{{SourceCompanyRef: "c0", OwnershipPercentage: entity.MustPercentage("0.1")}}})
	}
	for i := range ni {
		in.Individuals = append(in.Individuals, entity.IndividualInput{FirstName: "Person", LastName: fmt.Sprint("P", i),
			Relations: []entity.Link{{SourceCompanyRef: fmt.Sprint("c", i%nc), OwnershipPercentage: entity.MustPercentage("1"),
				Roles: []entity.Role{entity.RoleShareholder}}}})
	}
	return in
}

// BenchmarkCreateLargeGraph measures creating a case of 5,000 individuals
// and 250 companies in one CreateCase call against saving the resulting
// record (store.Create of the same record, without events) with the memory
// adapter; x-save is the ratio of medians.
func BenchmarkCreateLargeGraph(b *testing.B) {
	ctx := context.Background()
	in := graphInput(250, 5000)
	w0, err := dossier.New(memory.New(), dossier.Settings{})
	if err != nil {
		b.Fatal(err)
	}
	c, err := w0.CreateCase(ctx, in)
	if err != nil {
		b.Fatal(err)
	}
	rec, err := w0.GetRecord(ctx, c.ID)
	if err != nil {
		b.Fatal(err)
	}
	if len(rec.Individuals) != 5000 || len(rec.Companies) != 250 {
		b.Fatalf("%d individuals, %d companies", len(rec.Individuals), len(rec.Companies))
	}
	rec.Version = 0
	pair(b, "x-save", func(int) {
		w, _ := dossier.New(memory.New(), dossier.Settings{})
		if _, err := w.CreateCase(ctx, in); err != nil {
			b.Fatal(err)
		}
	}, func(int) {
		if _, err := memory.New().Create(ctx, rec); err != nil {
			b.Fatal(err)
		}
	})
}
