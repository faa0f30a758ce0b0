package dossierhttp_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/dossierhttp/webhook"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/storage/memory"
)

// webhookGaps are the known gaps of webhook bodies: an event carries the
// case as it was, without its companies, individuals or controls, and the
// context of an entity event does not carry the case summary.
var webhookGaps = []*regexp.Regexp{regexp.MustCompile(`^/case/(companies|individuals|controls)$`), regexp.MustCompile(`^/context/case$`)}

// TestWebhookBodiesMatchSchema validates the webhook bodies of case,
// company and individual events against the published webhook schemas.
func TestWebhookBodiesMatchSchema(t *testing.T) {
	loadSpec(t)
	ctx := context.Background()
	w, err := dossier.New(memory.New(), testSettings())
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	co, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.AddIndividual(ctx, c.ID, entity.IndividualInput{FirstName: "Ada", LastName: "Lovelace"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ReviewCase(ctx, c.ID, dossier.ReviewInput{Status: cases.ReviewApproved}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.UpdateCompany(ctx, co.ID, entity.CompanyUpdate{}); err != nil {
		t.Fatal(err)
	}
	evs, err := w.PendingEvents(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	schemas := map[string]string{
		"Case.Created": "CaseWebhook", "Case.Updated": "CaseWebhook", "Case.ReviewUpdated": "CaseWebhook",
		"Company.Created": "CompanyWebhook", "Company.Updated": "CompanyWebhook",
		"Individual.Created": "IndividualWebhook", "Individual.Updated": "IndividualWebhook",
	}
	seen := map[string]bool{}
	for _, e := range evs {
		name, _ := webhook.EventName(e)
		schema, ok := schemas[name]
		if !ok {
			continue
		}
		seen[name] = true
		body, err := webhook.Envelope(e, webhook.Context{Timestamp: 1700000000, EventID: e.ID, RemainingRetryCount: 4,
			Workspace: webhook.Workspace{ID: "3fa85f64-5717-4562-b3fc-2c963f66afa6", Name: "Test"}})
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) { checkComponent(t, schema, body, webhookGaps...) })
	}
	for _, n := range []string{"Case.Created", "Case.ReviewUpdated", "Company.Created", "Individual.Created"} {
		if !seen[n] {
			t.Errorf("no %s event", n)
		}
	}
}
