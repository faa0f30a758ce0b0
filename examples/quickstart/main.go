// Command quickstart walks one case through its life with dossier: create it
// with metadata, review it, reopen it, approve it again, and print it as the
// API's JSON.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/storage/memory"
)

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) error {
	w, err := dossier.New(memory.New(), dossier.Settings{
		ReviewCommentRequired: true,
		ReviewPeriods: map[risk.Level]cases.Period{
			risk.LevelNotDefined: {Years: 1},
			risk.LevelHigh:       {Months: 6},
		},
	})
	if err != nil {
		return err
	}

	c, err := w.CreateCase(ctx, dossier.CreateCaseInput{
		Name:       "Acme Ltd onboarding",
		ExternalID: "crm-42",
		Metadata:   cases.Metadata{"segment": "sme", "sales_owner": "j.doe"},
	})
	if err != nil {
		return err
	}
	fmt.Printf("created case %s (%s)\n", c.ID, c.Status)

	c, err = w.ReviewCase(ctx, c.ID, dossier.ReviewInput{Status: cases.ReviewRejected, Comment: "proof of address missing"})
	if err != nil {
		return err
	}
	fmt.Printf("reviewed: %s\n", c.Status)

	// The customer sent the document: reopen, then approve.
	c, err = w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{Status: patch.Value(cases.StatusOpen)})
	if err != nil {
		return err
	}
	fmt.Printf("reopened: %s\n", c.Status)

	// GetCase finds a case by its id or, failing that, its external id.
	byExt, err := w.GetCase(ctx, "crm-42")
	if err != nil {
		return err
	}
	c, err = w.ReviewCase(ctx, byExt.ID, dossier.ReviewInput{Status: cases.ReviewApproved, Comment: "all documents verified"})
	if err != nil {
		return err
	}
	fmt.Printf("approved, next review on %s\n", c.Review.NextReviewAt)

	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(c)
}
