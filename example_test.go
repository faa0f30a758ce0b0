package dossier_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/storage/memory"
	"github.com/dossierkit/dossier/validation"
)

func ExampleWorkspace_CreateCase() {
	ctx := context.Background()
	// A fixed clock and numbered ids make the output the same on every
	// run; an application keeps the defaults (time.Now, random UUIDs).
	var n atomic.Int64
	w, err := dossier.New(memory.New(), dossier.Settings{},
		dossier.WithClock(func() time.Time { return time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) }),
		dossier.WithIDGenerator(func() string { return fmt.Sprintf("id-%d", n.Add(1)) }))
	if err != nil {
		panic(err)
	}

	c, err := w.CreateCase(ctx, dossier.CreateCaseInput{
		Name:       "Acme Ltd onboarding",
		ExternalID: "crm-42",
		Metadata:   cases.Metadata{"segment": "sme"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(c.ID, c.Status, c.ExternalID, c.Metadata["segment"])

	// External ids are unique.
	_, err = w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Copy", ExternalID: "crm-42"})
	fmt.Println(errors.Is(err, dossier.ErrDuplicateExternalID), dossier.HTTPStatus(err))

	// Every problem of the input is reported at once.
	_, err = w.CreateCase(ctx, dossier.CreateCaseInput{Name: "", Status: cases.StatusApproved})
	var verr *validation.Error
	if errors.As(err, &verr) {
		for _, p := range verr.Problems {
			fmt.Println(p.Path, p.Code)
		}
	}
	// Output:
	// id-1 open crm-42 sme
	// true 409
	// name required
	// status not_allowed
}

func ExampleWorkspace_UpdateCase() {
	ctx := context.Background()
	// A fixed clock and numbered ids make the output the same on every
	// run; an application keeps the defaults (time.Now, random UUIDs).
	var n atomic.Int64
	w, err := dossier.New(memory.New(), dossier.Settings{},
		dossier.WithClock(func() time.Time { return time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) }),
		dossier.WithIDGenerator(func() string { return fmt.Sprintf("id-%d", n.Add(1)) }))
	if err != nil {
		panic(err)
	}
	c, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme", ExternalID: "crm-42", Metadata: cases.Metadata{"a": "1"}})

	// Only the fields present change: the metadata is replaced as a whole and
	// the external id is cleared with null.
	c, err = w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{
		Metadata:   patch.Value(cases.Metadata{"b": "2"}),
		ExternalID: patch.Null[string](),
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s %q %v\n", c.Name, c.ExternalID, c.Metadata)

	// Approved, rejected and closed are reached through reviews only.
	_, err = w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{Status: patch.Value(cases.StatusApproved)})
	fmt.Println(err)
	// Output:
	// Acme "" map[b:2]
	// invalid input: status: update accepts only draft or open; approved is reached through a review (not_allowed)
}

func ExampleWorkspace_ReviewCase() {
	ctx := context.Background()
	// A fixed clock and numbered ids make the output the same on every
	// run; an application keeps the defaults (time.Now, random UUIDs).
	var n atomic.Int64
	w, err := dossier.New(memory.New(), dossier.Settings{
		ReviewCommentRequired: true,
		ReviewPeriods: map[risk.Level]cases.Period{
			risk.LevelNotDefined: {Years: 1},
		},
	},
		dossier.WithClock(func() time.Time { return time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) }),
		dossier.WithIDGenerator(func() string { return fmt.Sprintf("id-%d", n.Add(1)) }))
	if err != nil {
		panic(err)
	}
	c, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme"})

	_, err = w.ReviewCase(ctx, c.ID, dossier.ReviewInput{Status: cases.ReviewApproved})
	fmt.Println(err)

	c, _ = w.ReviewCase(ctx, c.ID, dossier.ReviewInput{Status: cases.ReviewApproved, Comment: "documents verified"})
	fmt.Println(c.Status, c.Review.ReviewerType, c.Review.NextReviewAt)

	// A closed case cannot be approved; reopening it keeps everything.
	c, _ = w.ReviewCase(ctx, c.ID, dossier.ReviewInput{Status: cases.ReviewClosed, Comment: "customer left"})
	_, err = w.ReviewCase(ctx, c.ID, dossier.ReviewInput{Status: cases.ReviewApproved, Comment: "again"})
	fmt.Println(errors.Is(err, dossier.ErrInvalidTransition))
	c, _ = w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{Status: patch.Value(cases.StatusOpen)})
	fmt.Println(c.Status, *c.Review.Comment)
	// Output:
	// invalid input: comment: a comment is required on reviews in this workspace (required)
	// approved api 2027-03-02
	// true
	// open customer left
}
