package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/storage"
)

// customValues decodes custom property values from their wire JSON.
func customValues(t *testing.T, js string) customprop.Values {
	t.Helper()
	var vs customprop.Values
	if err := json.Unmarshal([]byte(js), &vs); err != nil {
		t.Fatalf("custom property values %s: %v", js, err)
	}
	return vs
}

// richRecord returns a record with every field of every part set, times
// with nanoseconds, a known "10.0" and an unknown percentage, and risk
// history of both modes.
func richRecord(t *testing.T, id string) *storage.Record {
	t.Helper()
	at := func(h int) time.Time { return epoch.Add(time.Duration(h)*time.Hour + 987654321*time.Nanosecond) }
	comment, why := "all documents checked", "manual override"
	next := cases.Date{Year: 2027, Month: 6, Day: 30}
	due := cases.Date{Year: 2027, Month: 6, Day: 1}
	var hist risk.History
	score := decimal.RequireFromString("42.50")
	if _, _, err := hist.PushAutomatic("risk-a", risk.Input{
		Level: risk.LevelMedium, Score: &score,
		Components: map[string]decimal.Decimal{"country": decimal.RequireFromString("12.5"), "pep": decimal.RequireFromString("30")},
		Flags:      map[string]bool{"pep": true, "sanctions": false},
	}, at(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := hist.SetManual("risk-m", risk.Input{Level: risk.LevelHigh, Comment: &why}, at(2), risk.ManualOptions{}); err != nil {
		t.Fatal(err)
	}
	current := hist.Current()
	if current == nil {
		t.Fatal("the risk history has no current risk")
	}
	return &storage.Record{
		Case: cases.Case{
			ID: id, ExternalID: "crm/" + id + "/é", Name: "Société Générale d'Ünïcode 日本",
			Status:   cases.StatusApproved,
			Metadata: cases.Metadata{"crm": "4711", "région": "Île-de-France", "empty": ""},
			CustomProperties: customValues(t, `{"segment":"retail","vip":true,"turnover":1250000.50,`+
				`"products":["loan","card"],"tags":[]}`),
			ContactHasActions: true, ReviewerHasActions: true,
			Flags: cases.NewFlags(cases.FlagForReview, cases.FlagFirstCollectCompleted),
			Risk:  current,
			Review: &cases.Review{ID: "rv1", Status: cases.ReviewApproved, Comment: &comment, ReviewerType: cases.ReviewerUser,
				ReviewedAt: at(3), NextReviewAt: &next},
			CreatedAt: at(0), UpdatedAt: at(4),
		},
		Companies: []entity.Company{
			{ID: "co-main", Type: entity.CompanyMain, Name: "Holding SAS", CommercialName: "Holding",
				RegistrationNumber: "552 100 554", RegistrationDate: "1999-12-31", Country: "FR", LegalForm: "SAS",
				Status: entity.StatusLive, WebsiteURL: "https://holding.example/ü",
				Address: entity.Address{StreetAddress: "1 rue de la Paix", StreetAddress2: "Bât. B", PostalCode: "75002",
					City: "Paris", State: "IDF", Region: "Île-de-France", Country: "FR"},
				IsRelevant: true, CustomProperties: customValues(t, `{"sector":"finance"}`),
				CreatedAt: at(0), UpdatedAt: at(1)},
			{ID: "co-sub", Type: entity.CompanyAffiliated, Name: "Sub Ltd", Status: entity.StatusNotReported,
				CustomProperties: customprop.Values{}, CreatedAt: at(1), UpdatedAt: at(1)},
		},
		Individuals: []entity.Individual{
			{ID: "in-full", FirstName: "Zoë", MiddleName: "Ann", LastName: "Müller", MaidenName: "Łukasz",
				Email: "zoe@example.com", PhoneNumber: "+33612345678", BirthDate: "1980-02-29", BirthCountry: "DE",
				Nationalities: []string{"DE", "FR"}, Roles: []entity.Role{entity.RoleShareholder, entity.RoleLegalRepresentative},
				Position: "CEO", Address: entity.Address{City: "Berlin", Country: "DE"},
				IsBeneficialOwner: true, IsBusinessContact: true, IsDelegator: true, IsSignatory: true, IsRelevant: true,
				OwnershipPercentage: entity.MustPercentage("25.50"), VotingRightsPercentage: entity.MustPercentage("10.0"),
				CustomProperties: customValues(t, `{"pep":false}`), CreatedAt: at(0), UpdatedAt: at(2)},
			{ID: "in-bare", LastName: "Doe", CreatedAt: at(1), UpdatedAt: at(1)},
			{ID: "in-empty", LastName: "Roe", Nationalities: []string{}, Roles: []entity.Role{},
				CustomProperties: customprop.Values{}, CreatedAt: at(1), UpdatedAt: at(1)},
		},
		Relations: []relation.Relation{
			{ID: "rel-known", FromIndividualID: "in-full", ToCompanyID: "co-main",
				OwnershipPercentage: entity.MustPercentage("10.0"), VotingRightsPercentage: entity.MustPercentage("33.33"),
				Roles: []entity.Role{entity.RoleShareholder}, Position: "director", CreatedAt: at(1), UpdatedAt: at(2)},
			{ID: "rel-unknown", FromCompanyID: "co-sub", ToCompanyID: "co-main", CreatedAt: at(1), UpdatedAt: at(1)},
			{ID: "rel-empty-roles", FromIndividualID: "in-bare", ToCompanyID: "co-main", Roles: []entity.Role{},
				OwnershipPercentage: entity.MustPercentage("0"), CreatedAt: at(1), UpdatedAt: at(1)},
		},
		Checks: []cases.Check{
			{ID: "ch-case", Type: cases.CheckTypeAML, Subtype: "screening", Status: cases.CheckStatusRejected,
				ReviewComment: "hit", ReviewedAt: at(2), ExpiredAt: at(3), CreatedAt: at(0), UpdatedAt: at(3)},
			{ID: "ch-co", Type: cases.CheckTypeCompanyMonitoring, Status: cases.CheckStatusInProgress, CompanyID: "co-main",
				CreatedAt: at(1), UpdatedAt: at(1)},
			{ID: "ch-in", Type: cases.CheckTypeIDDocument, Status: cases.CheckStatusApproved, IndividualID: "in-full",
				ReviewedAt: at(2), CreatedAt: at(1), UpdatedAt: at(2)},
		},
		Risks:    hist,
		Schedule: cases.ReviewSchedule{Computed: true, Level: risk.LevelHigh, DueRecorded: &due},
	}
}

// bareRecord returns a record with nothing optional set: nil maps and
// slices everywhere, no risk, no review.
func bareRecord(id string) *storage.Record {
	return &storage.Record{Case: cases.Case{ID: id, Name: "bare " + id, Status: cases.StatusDraft, CreatedAt: epoch, UpdatedAt: epoch}}
}

// emptyRecord returns bareRecord with empty, non-nil maps and slices.
func emptyRecord(id string) *storage.Record {
	r := bareRecord(id)
	r.Case.Metadata = cases.Metadata{}
	r.Case.CustomProperties = customprop.Values{}
	r.Companies = []entity.Company{}
	r.Individuals = []entity.Individual{}
	r.Relations = []relation.Relation{}
	r.Checks = []cases.Check{}
	return r
}

func recordJSON(t *testing.T, rec *storage.Record, version int64) string {
	t.Helper()
	c := rec.Clone()
	c.Version = version
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatalf("marshal record %s: %v", rec.Case.ID, err)
	}
	return string(b)
}

// testRoundTrip checks that what every read returns has, byte for byte,
// the JSON of what was written: json.Marshal of the record given equals
// json.Marshal of the record read, with only Version set by the store.
// The JSON of the domain types is the only normalisation: nil and empty
// maps and slices encode alike where the wire form says so (a case's
// metadata and custom_properties are {}, a relation's roles []), so an
// adapter may store either.
func testRoundTrip(t *testing.T, s storage.Store) {
	ctx := context.Background()
	tests := []struct {
		name string
		rec  func(id string) *storage.Record
	}{
		{"every field", func(id string) *storage.Record { return richRecord(t, id) }},
		{"nil maps and slices", bareRecord},
		{"empty maps and slices", emptyRecord},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := "rt-" + tt.name
			given := tt.rec(id)
			want := recordJSON(t, given, 1)
			check := func(what string, got *storage.Record, err error, version int64) {
				t.Helper()
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				if g, w := recordJSON(t, got, got.Version), recordJSON(t, given, version); g != w {
					t.Fatalf("%s returned\n%s\nwant\n%s", what, g, w)
				}
			}
			created, err := s.Create(ctx, given)
			check("Create", created, err, 1)
			got, err := s.Get(ctx, id)
			check("Get", got, err, 1)
			if g := recordJSON(t, got, 1); g != want {
				t.Fatalf("Get returned\n%s\nwant\n%s", g, want)
			}
			if given.Case.ExternalID != "" {
				got, err := s.GetByExternalID(ctx, given.Case.ExternalID)
				check("GetByExternalID", got, err, 1)
			}
			p, err := s.Query(ctx, storage.Query{NameContains: given.Case.Name})
			if err != nil || len(p.Cases) != 1 {
				t.Fatalf("Query: %d cases, %v", len(p.Cases), err)
			}
			if g, w := caseJSON(t, p.Cases[0]), caseJSON(t, given.Case); g != w {
				t.Fatalf("Query returned\n%s\nwant\n%s", g, w)
			}
			// A record read and written back unchanged reads the same again.
			updated, err := s.Update(ctx, got)
			check("Update", updated, err, 2)
			again, err := s.Get(ctx, id)
			check("Get after Update", again, err, 2)
		})
	}
}
