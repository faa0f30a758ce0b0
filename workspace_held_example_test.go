package dossier_test

import (
	"context"
	"fmt"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/storage/memory"
)

// A subsidiary created with its holder gets no default link to the main
// company, so the totals stay exact; and a read of an individual says
// which total its ownership_percentage carries.
func ExampleWorkspace_AddHeldCompany() {
	ctx := context.Background()
	w, err := dossier.New(memory.New(), dossier.Settings{})
	if err != nil {
		panic(err)
	}
	c, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Stark onboarding"})
	main, _ := w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Stark Industries"})
	tony, _ := w.AddIndividual(ctx, c.ID, entity.IndividualInput{
		FirstName: "Tony", LastName: "Stark", OwnershipPercentage: entity.MustPercentage("45"),
		Relations: []entity.Link{{OwnershipPercentage: entity.MustPercentage("40")}},
	})
	sub, err := w.AddHeldCompany(ctx, c.ID,
		entity.CompanyInput{Name: "Stark Resilient", Type: entity.CompanyAffiliated},
		[]relation.Input{{FromCompanyID: main.ID, OwnershipPercentage: entity.MustPercentage("100")}})
	if err != nil {
		panic(err)
	}
	fmt.Println(sub.Name, "relations of its own:", len(sub.Relations))

	p, _ := w.GetIndividual(ctx, tony.ID)
	d := p.OwnershipDetail
	fmt.Println("ownership_percentage:", p.OwnershipPercentage, "shown:", d.Shown)
	fmt.Println("declared:", d.Declared, "computed:", d.Computed)
	rep, _ := w.Ownership(ctx, c.ID)
	fmt.Println("discrepancies:", len(rep.Discrepancies), rep.Discrepancies[0].Interest)
	t, _ := rep.Result.Total(tony.ID, ownership.Voting)
	fmt.Println("voting (one share, one vote):", t)
	// Output:
	// Stark Resilient relations of its own: 0
	// ownership_percentage: 40 shown: computed
	// declared: 45 computed: 40.00
	// discrepancies: 1 ownership
	// voting (one share, one vote): 40.00
}
