package dossier_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/bods"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/memory"
	"github.com/dossierkit/dossier/validation"
)

// writeCounter counts the writes that reach a store.
type writeCounter struct {
	storage.Store
	creates, updates int
}

func (c *writeCounter) Create(ctx context.Context, rec *storage.Record, events ...event.Event) (*storage.Record, error) {
	c.creates++
	return c.Store.Create(ctx, rec, events...)
}

func (c *writeCounter) Update(ctx context.Context, rec *storage.Record, events ...event.Event) (*storage.Record, error) {
	c.updates++
	return c.Store.Update(ctx, rec, events...)
}

func TestBODSExportImport(t *testing.T) {
	ctx := context.Background()
	store := &writeCounter{Store: memory.New()}
	w, err := dossier.New(store, dossier.Settings{}, dossier.WithIDGenerator(seqIDs()), dossier.WithClock(newTestClock().Now))
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Stark"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Stark Industries", Country: "US"}); err != nil {
		t.Fatal(err)
	}
	holding, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{Type: entity.CompanyAffiliated, Name: "Stark Holding",
		Relations: []entity.Link{{Roles: []entity.Role{entity.RoleShareholder}, OwnershipPercentage: entity.MustPercentage("100"), VotingRightsPercentage: entity.MustPercentage("100")}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.AddIndividual(ctx, c.ID, entity.IndividualInput{FirstName: "Tony", LastName: "Stark",
		Relations: []entity.Link{{ToCompanyID: holding.ID, Roles: []entity.Role{entity.RoleShareholder}, OwnershipPercentage: entity.MustPercentage("(25, 50]")}}}); err != nil {
		t.Fatal(err)
	}
	pkg, err := w.ExportBODS(ctx, c.ID, bods.ExportOptions{StatementDate: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(pkg)
	if err != nil {
		t.Fatal(err)
	}

	store.creates, store.updates = 0, 0
	imported, report, err := w.ImportBODS(ctx, dossier.CreateCaseInput{Name: "Stark, from BODS"}, bytes.NewReader(data), dossier.ImportBODSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if store.creates != 1 || store.updates != 0 {
		t.Fatalf("%d creates and %d updates, want one create", store.creates, store.updates)
	}
	if len(report.Skipped)+len(report.Linked)+len(report.Disagreements) != 0 || report.Checked != 2 {
		t.Fatalf("report %+v", report)
	}
	was, err := w.Ownership(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	now, err := w.Ownership(ctx, imported.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(was.BeneficialOwners) != 1 || len(now.BeneficialOwners) != 1 || !was.BeneficialOwners[0].Ownership.Equal(now.BeneficialOwners[0].Ownership) {
		t.Fatalf("owners %+v and %+v", was.BeneficialOwners, now.BeneficialOwners)
	}
	if got := now.BeneficialOwners[0].Ownership.String(); got != "(25.00, 50.00]" {
		t.Fatalf("total %s", got)
	}
	var types []string
	for e, err := range w.Events(ctx, imported.ID) {
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, string(e.Type))
	}
	if want := []string{string(event.CaseCreated), string(event.CompanyCreated), string(event.CompanyCreated), string(event.IndividualCreated)}; strings.Join(types, " ") != strings.Join(want, " ") {
		t.Fatalf("events %v, want %v", types, want)
	}
}

func TestBODSImportRefused(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	tests := []struct {
		name string
		in   dossier.CreateCaseInput
		pkg  string
		path string
		code validation.Code
	}{
		{"bad case", dossier.CreateCaseInput{}, `[]`, "name", validation.CodeRequired},
		{"bad package", dossier.CreateCaseInput{Name: "x"}, `[{"statementId": 1}]`, "statements[0]", validation.CodeInvalidType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := w.ImportBODS(ctx, tt.in, strings.NewReader(tt.pkg), dossier.ImportBODSOptions{})
			wantProblem(t, err, tt.path, tt.code)
			page, err := w.ListCases(ctx, dossier.ListOptions{})
			if err != nil || len(page.Cases) != 0 {
				t.Fatalf("cases after a refused import: %v %v", page, err)
			}
		})
	}
}
