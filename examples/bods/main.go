// Command bods builds the case of the ownership example through a
// Workspace (a main company wholly owned by a holding, Tony Stark holding
// 33.33 % of the holding, Pepper Potts representing both), exports it as a
// Beneficial Ownership Data Standard 0.4 package and prints it, then
// imports the package into a new case and prints what the import reports
// and the totals it computes.
//
//	go run ./examples/bods
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/bods"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/storage/memory"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, stdout io.Writer) error {
	// Fixed ids and clock, so that the package printed is the same on
	// every run.
	n := 0
	ids := func() string { n++; return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }
	clock := func() time.Time { return time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) }
	w, err := dossier.New(memory.New(), dossier.Settings{}, dossier.WithIDGenerator(ids), dossier.WithClock(clock))
	if err != nil {
		return err
	}
	c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Stark Industries onboarding"})
	if err != nil {
		return err
	}
	if _, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Stark Industries", Country: "US", RegistrationNumber: "C0806592"}); err != nil {
		return err
	}
	holding, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{
		Type: entity.CompanyAffiliated, Name: "Stark Holding", Country: "US",
		Relations: []entity.Link{{
			Roles:                  []entity.Role{entity.RoleShareholder},
			OwnershipPercentage:    entity.MustPercentage("100"),
			VotingRightsPercentage: entity.MustPercentage("100"),
		}},
	})
	if err != nil {
		return err
	}
	if _, err := w.AddIndividual(ctx, c.ID, entity.IndividualInput{
		FirstName: "Tony", LastName: "Stark", Nationalities: []string{"US"},
		Relations: []entity.Link{{
			ToCompanyID: holding.ID, Roles: []entity.Role{entity.RoleShareholder}, Position: "CEO",
			OwnershipPercentage: entity.MustPercentage("33.33"), VotingRightsPercentage: entity.MustPercentage("33.33"),
		}},
	}); err != nil {
		return err
	}
	pepper, err := w.AddIndividual(ctx, c.ID, entity.IndividualInput{
		FirstName: "Pepper", LastName: "Potts",
		Relations: []entity.Link{{Roles: []entity.Role{entity.RoleLegalRepresentative}, Position: "Managing Director"}},
	})
	if err != nil {
		return err
	}
	if _, err := w.AddRelation(ctx, c.ID, relation.Input{
		FromIndividualID: pepper.ID, ToCompanyID: holding.ID,
		Roles: []relation.Role{relation.RoleLegalRepresentative}, Position: "Director",
		OwnershipPercentage: entity.MustPercentage("0"), VotingRightsPercentage: entity.MustPercentage("0"),
	}); err != nil {
		return err
	}

	pkg, err := w.ExportBODS(ctx, c.ID, bods.ExportOptions{
		StatementDate: clock(),
		Publisher:     bods.Publisher{Name: "Stark Industries compliance"},
	})
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(pkg, "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\n", data)

	// The package read back into a new case, in one write.
	imported, report, err := w.ImportBODS(ctx, dossier.CreateCaseInput{Name: "Stark Industries, from BODS"}, bytes.NewReader(data), dossier.ImportBODSOptions{})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nimported: %d statements skipped, %d entities linked, %d indirect shares checked, %d disagreements\n",
		len(report.Skipped), len(report.Linked), report.Checked, len(report.Disagreements))
	own, err := w.Ownership(ctx, imported.ID)
	if err != nil {
		return err
	}
	rec, err := w.GetRecord(ctx, imported.ID)
	if err != nil {
		return err
	}
	for _, a := range own.BeneficialOwners {
		for _, p := range rec.Individuals {
			if p.ID == a.ID {
				fmt.Fprintf(stdout, "beneficial owner: %s, ownership %s, voting rights %s\n", p.FullName(), a.Ownership, a.Voting)
			}
		}
	}
	return nil
}
