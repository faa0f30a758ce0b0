package bods_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/bods"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/relation"
)

// A holding owns all of the main company; Ada holds "more than 50 % but
// less than 75 %" of the holding, a band as the UK register publishes it.
// Export writes her primary indirect relationship with the main company,
// its share the exact range (50, 75); her voting rights are unknown, so
// the voting share is anything from 0 to 100.
func ExampleExport() {
	g := relation.Graph{
		Companies: []entity.Company{
			{ID: "acme", Type: entity.CompanyMain, Name: "Acme Ltd", Status: entity.StatusLive, Country: "GB"},
			{ID: "hold", Type: entity.CompanyAffiliated, Name: "Acme Holding", Status: entity.StatusLive},
		},
		Individuals: []entity.Individual{{ID: "ada", FirstName: "Ada", LastName: "Lovelace"}},
		Relations: []relation.Relation{
			{ID: "hold-acme", FromCompanyID: "hold", ToCompanyID: "acme", Roles: []entity.Role{entity.RoleShareholder},
				OwnershipPercentage: entity.MustPercentage("100"), VotingRightsPercentage: entity.MustPercentage("100")},
			{ID: "ada-hold", FromIndividualID: "ada", ToCompanyID: "hold", Roles: []entity.Role{entity.RoleShareholder},
				OwnershipPercentage: entity.MustPercentage("(50, 75)")},
		},
	}
	pkg, err := bods.Export(g, bods.ExportOptions{
		StatementDate: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC),
		Policy:        ownership.Policy{Threshold: decimal.NewFromInt(25), Comparator: ownership.MoreThan},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range pkg {
		fmt.Print(s.RecordType, " ", s.RecordID)
		if r := s.Relationship; r != nil {
			fmt.Print(" component=", r.IsComponent, " ", r.ComponentRecords)
			for _, in := range r.Interests {
				share, _ := json.Marshal(in.Share)
				fmt.Print(" ", in.Type, "/", in.DirectOrIndirect, " bo=", in.BeneficialOwnershipOrControl, " ", string(share))
			}
		}
		fmt.Println()
	}
	// Output:
	// entity acme
	// entity hold
	// person ada
	// relationship hold-acme component=true [] shareholding/direct bo=false {"exact":100} votingRights/direct bo=false {"exact":100}
	// relationship ada-hold component=true [] shareholding/direct bo=false {"exclusiveMinimum":50,"exclusiveMaximum":75}
	// relationship ada/acme component=false [hold-acme ada-hold] shareholding/indirect bo=true {"exclusiveMinimum":50,"exclusiveMaximum":75} votingRights/indirect bo=false {"minimum":0,"maximum":100}
}

// Import reads a package whose holding statement was updated, with a
// trust it cannot represent; the report names what it left out.
func ExampleImport() {
	pkg := `[
{"statementId":"11111111111111111111111111111111","statementDate":"2026-01-01","declarationSubject":"acme","recordId":"acme","recordType":"entity","recordDetails":{"isComponent":false,"entityType":{"type":"registeredEntity"},"name":"Acme Ltd"}},
{"statementId":"22222222222222222222222222222222","statementDate":"2026-01-01","declarationSubject":"acme","recordId":"ada","recordType":"person","recordDetails":{"isComponent":false,"personType":"knownPerson","names":[{"fullName":"Ada Lovelace"}]}},
{"statementId":"33333333333333333333333333333333","statementDate":"2026-01-01","declarationSubject":"acme","recordId":"trust","recordType":"entity","recordDetails":{"isComponent":false,"entityType":{"type":"arrangement","subtype":"trust"},"name":"Family trust"}},
{"statementId":"44444444444444444444444444444444","statementDate":"2026-01-01","declarationSubject":"acme","recordId":"ada-acme","recordType":"relationship","recordDetails":{"isComponent":false,"subject":"acme","interestedParty":"ada","interests":[{"type":"shareholding","directOrIndirect":"direct","share":{"exact":30}}]}},
{"statementId":"55555555555555555555555555555555","statementDate":"2026-06-01","declarationSubject":"acme","recordId":"ada-acme","recordType":"relationship","recordStatus":"updated","recordDetails":{"isComponent":false,"subject":"acme","interestedParty":"ada","interests":[{"type":"shareholding","directOrIndirect":"direct","share":{"exclusiveMinimum":25,"maximum":50}}]}}
]`
	n := 0
	im, err := bods.Import(strings.NewReader(pkg), bods.ImportOptions{NewID: func() string { n++; return fmt.Sprint("id", n) }})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range im.Graph.Relations {
		p, _ := im.Graph.Individual(r.FromIndividualID)
		fmt.Println(p.FullName(), "holds", r.OwnershipPercentage, "of the main company")
	}
	for _, s := range im.Report.Skipped {
		fmt.Println("skipped", s.RecordID, s.Reason, s.Detail)
	}
	// Output:
	// Ada Lovelace holds (25, 50] of the main company
	// skipped ada-acme superseded replaced by statement 55555555555555555555555555555555
	// skipped trust arrangement trust
}
