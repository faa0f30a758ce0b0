package entity_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/validation"
)

func TestNewCompany(t *testing.T) {
	tests := []struct {
		name string
		in   entity.CompanyInput
		want []problem
	}{
		{"minimal", entity.CompanyInput{Name: "Acme"}, nil},
		{"full", entity.CompanyInput{
			Type: entity.CompanyAffiliated, Name: "Acme", CommercialName: "Acme Shop",
			RegistrationNumber: "552 100 554", RegistrationDate: "2001-02-03", Country: "FR",
			LegalForm: "SAS", Status: entity.StatusLive,
			Address:    entity.Address{StreetAddress: "1 rue de la Paix", City: "Paris", PostalCode: "75002", Country: "FR"},
			WebsiteURL: "https://acme.example", IsRelevant: ptr(false),
		}, nil},
		{"name 160", entity.CompanyInput{Name: strings.Repeat("é", 160)}, nil},
		{"registration today", entity.CompanyInput{Name: "A", RegistrationDate: "2024-05-01"}, nil},
		{"no name", entity.CompanyInput{}, []problem{{"name", validation.CodeRequired}}},
		{"blank name", entity.CompanyInput{Name: "  \t"}, []problem{{"name", validation.CodeRequired}}},
		{"name 161", entity.CompanyInput{Name: strings.Repeat("é", 161)}, []problem{{"name", validation.CodeTooLong}}},
		{"name with newline", entity.CompanyInput{Name: "Ac\nme"}, []problem{{"name", validation.CodeInvalidFormat}}},
		{"invalid utf8", entity.CompanyInput{Name: "Ac\xffme"}, []problem{{"name", validation.CodeInvalidFormat}}},
		{"bad type", entity.CompanyInput{Name: "A", Type: "subsidiary"}, []problem{{"type", validation.CodeInvalidValue}}},
		{"bad status", entity.CompanyInput{Name: "A", Status: "dissolved"}, []problem{{"status", validation.CodeInvalidValue}}},
		{"every problem at once", entity.CompanyInput{
			Name: "", CommercialName: strings.Repeat("x", 161), RegistrationNumber: strings.Repeat("1", 181),
			RegistrationDate: "2023-02-29", Country: "fr", LegalForm: strings.Repeat("x", 251),
			Address:    entity.Address{Country: "XX", City: strings.Repeat("c", 251)},
			WebsiteURL: "acme.example",
		}, []problem{
			{"name", validation.CodeRequired},
			{"commercial_name", validation.CodeTooLong},
			{"registration_number", validation.CodeTooLong},
			{"registration_date", validation.CodeInvalidFormat},
			{"country", validation.CodeInvalidCountry},
			{"legal_form", validation.CodeTooLong},
			{"address.city", validation.CodeTooLong},
			{"address.country", validation.CodeInvalidCountry},
			{"website_url", validation.CodeInvalidFormat},
		}},
		{"registration in the future", entity.CompanyInput{Name: "A", RegistrationDate: "2024-05-02"}, []problem{{"registration_date", validation.CodeOutOfRange}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := entity.NewCompany("c1", tt.in, now)
			checkProblems(t, err, tt.want...)
			if err != nil {
				return
			}
			if err := c.Validate(); err != nil {
				t.Fatalf("created company does not validate: %v", err)
			}
			if c.ID != "c1" || !c.CreatedAt.Equal(now) || !c.UpdatedAt.Equal(now) {
				t.Fatalf("id/timestamps = %s %v %v", c.ID, c.CreatedAt, c.UpdatedAt)
			}
		})
	}
}

func TestNewCompanyDefaults(t *testing.T) {
	c, err := entity.NewCompany("c1", entity.CompanyInput{Name: "Acme"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if c.Type != entity.CompanyMain || c.Status != entity.StatusNotReported || !c.IsRelevant {
		t.Fatalf("defaults: type %q status %q relevant %v; want main, not_reported, true", c.Type, c.Status, c.IsRelevant)
	}
	if _, err := entity.NewCompany("", entity.CompanyInput{Name: "Acme"}, now); err == nil {
		t.Fatal("empty id accepted")
	}
}

func TestCompanyUpdate(t *testing.T) {
	base, err := entity.NewCompany("c1", entity.CompanyInput{
		Type: entity.CompanyAffiliated, Name: "Acme", CommercialName: "Shop", Country: "FR",
		Address: entity.Address{StreetAddress: "1 rue", City: "Paris"},
	}, now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		in    string
		check func(t *testing.T, c entity.Company)
		want  []problem
	}{
		{"rename", `{"name":"Acme SA"}`, func(t *testing.T, c entity.Company) {
			if c.Name != "Acme SA" || c.CommercialName != "Shop" || c.Country != "FR" {
				t.Fatalf("got %+v", c)
			}
		}, nil},
		{"null clears optional", `{"commercial_name":null,"country":null}`, func(t *testing.T, c entity.Company) {
			if c.CommercialName != "" || c.Country != "" || c.Name != "Acme" {
				t.Fatalf("got %+v", c)
			}
		}, nil},
		{"address merges", `{"address":{"city":"Lyon","postal_code":"69001"}}`, func(t *testing.T, c entity.Company) {
			want := entity.Address{StreetAddress: "1 rue", City: "Lyon", PostalCode: "69001"}
			if c.Address != want {
				t.Fatalf("address = %+v, want %+v", c.Address, want)
			}
		}, nil},
		{"address member null", `{"address":{"street_address":null}}`, func(t *testing.T, c entity.Company) {
			if c.Address != (entity.Address{City: "Paris"}) {
				t.Fatalf("address = %+v", c.Address)
			}
		}, nil},
		{"address null", `{"address":null}`, func(t *testing.T, c entity.Company) {
			if !c.Address.IsZero() {
				t.Fatalf("address = %+v", c.Address)
			}
		}, nil},
		{"same type accepted", `{"type":"affiliated","status":"live","is_relevant":false}`, func(t *testing.T, c entity.Company) {
			if c.Status != entity.StatusLive || c.IsRelevant {
				t.Fatalf("got %+v", c)
			}
		}, nil},
		{"type change refused", `{"type":"main"}`, nil, []problem{{"type", validation.CodeNotAllowed}}},
		{"name null", `{"name":null}`, nil, []problem{{"name", validation.CodeRequired}}},
		{"status null", `{"status":null}`, nil, []problem{{"status", validation.CodeInvalidType}}},
		{"relevant null", `{"is_relevant":null}`, nil, []problem{{"is_relevant", validation.CodeInvalidType}}},
		{"bad values together", `{"status":"gone","website_url":"ftp://x","registration_date":"2030-01-01","address":{"country":"ZZ"}}`, nil, []problem{
			{"status", validation.CodeInvalidValue},
			{"website_url", validation.CodeInvalidFormat},
			{"registration_date", validation.CodeOutOfRange},
			{"address.country", validation.CodeInvalidCountry},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var u entity.CompanyUpdate
			if err := json.Unmarshal([]byte(tt.in), &u); err != nil {
				t.Fatal(err)
			}
			before, _ := json.Marshal(base)
			c, err := base.Update(u, now)
			after, _ := json.Marshal(base)
			if string(before) != string(after) {
				t.Fatal("Update changed its receiver")
			}
			checkProblems(t, err, tt.want...)
			if err != nil {
				return
			}
			if !c.UpdatedAt.Equal(now) || !c.CreatedAt.Equal(base.CreatedAt) {
				t.Fatalf("timestamps = %v %v", c.CreatedAt, c.UpdatedAt)
			}
			tt.check(t, c)
		})
	}
}

func TestCompanyInputJSON(t *testing.T) {
	t.Run("unknown members and wrong types, all at once", func(t *testing.T) {
		var in entity.CompanyInput
		err := json.Unmarshal([]byte(`{"name":5,"nickname":"x","address":{"town":"Paris"},"is_relevant":"yes",
			"relations":[{"ownership_percentage":"abc"},{"to_company_id":"c1","roles":"shareholder"}]}`), &in)
		checkProblems(t, err,
			problem{"name", validation.CodeInvalidType},
			problem{"nickname", validation.CodeUnknownField},
			problem{"address.town", validation.CodeUnknownField},
			problem{"is_relevant", validation.CodeInvalidType},
			problem{"relations[0].ownership_percentage", validation.CodeInvalidFormat},
			problem{"relations[1].roles", validation.CodeInvalidType},
		)
	})
	t.Run("nulls are not set", func(t *testing.T) {
		var in entity.CompanyInput
		err := json.Unmarshal([]byte(`{"name":"Acme","commercial_name":null,"address":null,"is_relevant":null,"relations":null,"custom_properties":null}`), &in)
		if err != nil {
			t.Fatal(err)
		}
		if in.Name != "Acme" || in.CommercialName != "" || !in.Address.IsZero() || in.IsRelevant != nil || in.Relations != nil || in.CustomProperties != nil {
			t.Fatalf("got %+v", in)
		}
	})
	t.Run("round trip", func(t *testing.T) {
		in := entity.CompanyInput{CaseID: "k", Type: entity.CompanyAffiliated, Name: "Acme", Address: entity.Address{City: "Paris"},
			IsRelevant: ptr(false), Relations: []entity.Link{{ToCompanyID: "c1", OwnershipPercentage: entity.MustPercentage("12.5"), Roles: []entity.Role{entity.RoleShareholder}}}}
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		var out entity.CompanyInput
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("Unmarshal(%s): %v", b, err)
		}
		b2, _ := json.Marshal(out)
		if string(b) != string(b2) {
			t.Fatalf("round trip:\n%s\n%s", b, b2)
		}
	})
}

func TestCompanyJSONAndClone(t *testing.T) {
	c, err := entity.NewCompany("c1", entity.CompanyInput{Name: "Acme", Country: "FR", Address: entity.Address{City: "Paris"}, WebsiteURL: "https://acme.example"}, now)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"c1","type":"main","name":"Acme","country":"FR","status":"not_reported","address":{"city":"Paris"},"website_url":"https://acme.example","is_relevant":true,"banking_information":{"iban":null,"bic":null},"created_at":"2024-05-01T09:00:00Z","updated_at":"2024-05-01T09:00:00Z","last_activity_at":"2024-05-01T09:00:00Z"}`
	if string(b) != want {
		t.Fatalf("JSON:\n got %s\nwant %s", b, want)
	}
	var back entity.Company
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(back)
	if string(b2) != string(b) {
		t.Fatalf("round trip:\n%s\n%s", b, b2)
	}
}

func TestCompanyUpdateDecodeRefuses(t *testing.T) {
	var u entity.CompanyUpdate
	err := json.Unmarshal([]byte(`{"name":1,"address":{"city":2,"zip":"x"},"foo":1}`), &u)
	checkProblems(t, err,
		problem{"name", validation.CodeInvalidType},
		problem{"address.city", validation.CodeInvalidType},
		problem{"address.zip", validation.CodeUnknownField},
		problem{"foo", validation.CodeUnknownField},
	)
}
