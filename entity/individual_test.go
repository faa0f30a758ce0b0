package entity_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/validation"
)

func TestNewIndividual(t *testing.T) {
	tests := []struct {
		name string
		in   entity.IndividualInput
		want []problem
	}{
		{"last name only", entity.IndividualInput{LastName: "Stark"}, nil},
		{"first name only (mononym)", entity.IndividualInput{FirstName: "Suharto"}, nil},
		{"full", entity.IndividualInput{
			FirstName: "Tony", MiddleName: "Edward", LastName: "Stark", MaidenName: "",
			Email: "tony@stark.example", PhoneNumber: "+33654489875", BirthDate: "1970-05-29",
			BirthCountry: "US", Nationalities: []string{"US", "FR"},
			Address: entity.Address{City: "Malibu", Country: "US"},
			Roles:   []entity.Role{entity.RoleShareholder, entity.RoleLegalRepresentative}, Position: "CEO",
			IsBeneficialOwner: true, IsBusinessContact: true, IsSignatory: true,
			OwnershipPercentage: entity.MustPercentage("33.33"), VotingRightsPercentage: entity.MustPercentage("0"),
		}, nil},
		{"delegator", entity.IndividualInput{LastName: "Potts", IsDelegator: true}, nil},
		{"no name", entity.IndividualInput{}, []problem{{"last_name", validation.CodeRequired}}},
		{"blank names", entity.IndividualInput{FirstName: " ", LastName: " "}, []problem{
			{"first_name", validation.CodeInvalidFormat}, {"last_name", validation.CodeInvalidFormat}}},
		{"business contact needs email", entity.IndividualInput{LastName: "S", IsBusinessContact: true}, []problem{{"email", validation.CodeRequired}}},
		{"signatory needs email", entity.IndividualInput{LastName: "S", IsSignatory: true}, []problem{{"email", validation.CodeRequired}}},
		{"delegator and signatory", entity.IndividualInput{LastName: "S", Email: "s@x.example", IsSignatory: true, IsDelegator: true}, []problem{{"is_signatory", validation.CodeConflict}}},
		{"not relevant signatory", entity.IndividualInput{LastName: "S", Email: "s@x.example", IsSignatory: true, IsRelevant: ptr(false)}, []problem{{"is_signatory", validation.CodeConflict}}},
		{"not relevant delegator", entity.IndividualInput{LastName: "S", IsDelegator: true, IsRelevant: ptr(false)}, []problem{{"is_delegator", validation.CodeConflict}}},
		{"birth date in the future", entity.IndividualInput{LastName: "S", BirthDate: "2024-05-02"}, []problem{{"birth_date", validation.CodeOutOfRange}}},
		{"every problem at once", entity.IndividualInput{
			FirstName: strings.Repeat("n", 251), LastName: "S", Email: "not-an-email", PhoneNumber: "0654489875",
			BirthDate: "1970-02-30", BirthCountry: "XX", Nationalities: []string{"FR", "fr", "FR"},
			Address: entity.Address{Country: "France"}, Roles: []entity.Role{"owner", entity.RoleShareholder, entity.RoleShareholder},
			Position: "a\x00b", OwnershipPercentage: entity.MustPercentage("101"), VotingRightsPercentage: entity.MustPercentage("1.234"),
		}, []problem{
			{"first_name", validation.CodeTooLong},
			{"email", validation.CodeInvalidFormat},
			{"phone_number", validation.CodeInvalidPhone},
			{"birth_date", validation.CodeInvalidFormat},
			{"birth_country", validation.CodeInvalidCountry},
			{"nationalities[1]", validation.CodeInvalidCountry},
			{"nationalities[2]", validation.CodeDuplicate},
			{"address.country", validation.CodeInvalidCountry},
			{"roles[0]", validation.CodeInvalidValue},
			{"roles[2]", validation.CodeDuplicate},
			{"position", validation.CodeInvalidFormat},
			{"ownership_percentage", validation.CodeOutOfRange},
			{"voting_rights_percentage", validation.CodeTooPrecise},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := entity.NewIndividual("i1", tt.in, now)
			checkProblems(t, err, tt.want...)
			if err != nil {
				return
			}
			if err := p.Validate(); err != nil {
				t.Fatalf("created individual does not validate: %v", err)
			}
			if !p.IsRelevant && tt.in.IsRelevant == nil {
				t.Fatal("is_relevant should default to true")
			}
		})
	}
}

func TestIndividualUpdate(t *testing.T) {
	base, err := entity.NewIndividual("i1", entity.IndividualInput{
		FirstName: "Tony", LastName: "Stark", Email: "tony@stark.example", IsBusinessContact: true,
		Nationalities: []string{"US"}, Roles: []entity.Role{entity.RoleShareholder},
		OwnershipPercentage: entity.MustPercentage("50"),
	}, now.Add(-1))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		in    string
		check func(t *testing.T, p entity.Individual)
		want  []problem
	}{
		{"set fields", `{"phone_number":"+33654489875","nationalities":["FR","US"],"is_signatory":true}`, func(t *testing.T, p entity.Individual) {
			if p.PhoneNumber != "+33654489875" || len(p.Nationalities) != 2 || !p.IsSignatory || p.Email != "tony@stark.example" {
				t.Fatalf("got %+v", p)
			}
		}, nil},
		{"null clears", `{"nationalities":null,"roles":null,"ownership_percentage":null,"first_name":null}`, func(t *testing.T, p entity.Individual) {
			if p.Nationalities != nil || p.Roles != nil || p.OwnershipPercentage.IsKnown() || p.FirstName != "" || p.LastName != "Stark" {
				t.Fatalf("got %+v", p)
			}
		}, nil},
		{"percentage as string", `{"voting_rights_percentage":"12.5"}`, func(t *testing.T, p entity.Individual) {
			if !p.VotingRightsPercentage.Equal(entity.MustPercentage("12.5")) || !p.OwnershipPercentage.Equal(entity.MustPercentage("50")) {
				t.Fatalf("got %v %v", p.VotingRightsPercentage, p.OwnershipPercentage)
			}
		}, nil},
		{"email removed from a business contact", `{"email":null}`, nil, []problem{{"email", validation.CodeRequired}}},
		{"both names removed", `{"first_name":null,"last_name":null}`, nil, []problem{{"last_name", validation.CodeRequired}}},
		{"delegator and signatory", `{"is_delegator":true,"is_signatory":true}`, nil, []problem{{"is_signatory", validation.CodeConflict}}},
		{"flag null", `{"is_beneficial_owner":null}`, nil, []problem{{"is_beneficial_owner", validation.CodeInvalidType}}},
		{"bad percentage", `{"ownership_percentage":100.5}`, nil, []problem{{"ownership_percentage", validation.CodeOutOfRange}}},
		{"future birth date", `{"birth_date":"2099-01-01"}`, nil, []problem{{"birth_date", validation.CodeOutOfRange}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var u entity.IndividualUpdate
			if err := json.Unmarshal([]byte(tt.in), &u); err != nil {
				t.Fatal(err)
			}
			before, _ := json.Marshal(base)
			p, err := base.Update(u, now)
			after, _ := json.Marshal(base)
			if string(before) != string(after) {
				t.Fatal("Update changed its receiver")
			}
			checkProblems(t, err, tt.want...)
			if err != nil {
				return
			}
			if !p.UpdatedAt.Equal(now) {
				t.Fatalf("updated_at = %v", p.UpdatedAt)
			}
			tt.check(t, p)
		})
	}
}

// The Dotfile API's example payload (placeholders filled in) decodes as written.
const seedIndividualPayload = `{
  "case_id": "6b3a9b52-4a0e-4f7c-8d1b-2f0c6c7e9a11",
  "is_business_contact": true,
  "is_beneficial_owner": true,
  "first_name": "Tony",
  "last_name": "Stark",
  "maiden_name": null,
  "email": "tony@stark.example",
  "ownership_percentage": 33.33,
  "voting_rights_percentage": 33.33,
  "relations": [
    {
      "to_company_id": "0d8f7c66-1b6c-4b38-a1a0-5a7c1c2d3e4f",
      "roles": [
        "shareholder"
      ],
      "position": "CEO",
      "ownership_percentage": 33.33,
      "voting_rights_percentage": 33.33
    }
  ]
}`

func TestIndividualInputSeedPayload(t *testing.T) {
	var in entity.IndividualInput
	if err := json.Unmarshal([]byte(seedIndividualPayload), &in); err != nil {
		t.Fatal(err)
	}
	third := entity.MustPercentage("33.33")
	if in.CaseID != "6b3a9b52-4a0e-4f7c-8d1b-2f0c6c7e9a11" || in.FirstName != "Tony" || in.LastName != "Stark" ||
		!in.IsBusinessContact || !in.IsBeneficialOwner || in.Email != "tony@stark.example" ||
		!in.OwnershipPercentage.Equal(third) || !in.VotingRightsPercentage.Equal(third) {
		t.Fatalf("decoded %+v", in)
	}
	if len(in.Relations) != 1 {
		t.Fatalf("relations = %+v", in.Relations)
	}
	k := in.Relations[0]
	if k.ToCompanyID != "0d8f7c66-1b6c-4b38-a1a0-5a7c1c2d3e4f" || k.Position != "CEO" || len(k.Roles) != 1 || k.Roles[0] != entity.RoleShareholder ||
		!k.OwnershipPercentage.Equal(third) || !k.VotingRightsPercentage.Equal(third) {
		t.Fatalf("relation %+v", k)
	}
	if _, err := entity.NewIndividual("i1", in, now); err != nil {
		t.Fatalf("seed payload refused: %v", err)
	}
}

func TestIndividualInputJSONRefuses(t *testing.T) {
	var in entity.IndividualInput
	err := json.Unmarshal([]byte(`{"last_name":"S","nationalities":"FR","is_signatory":1,"sex":"x",
		"relations":[{"to_company_id":1},{"from_individual_id":"x"}],"custom_properties":[]}`), &in)
	checkProblems(t, err,
		problem{"nationalities", validation.CodeInvalidType},
		problem{"is_signatory", validation.CodeInvalidType},
		problem{"sex", validation.CodeUnknownField},
		problem{"relations[0].to_company_id", validation.CodeInvalidType},
		problem{"relations[1].from_individual_id", validation.CodeUnknownField},
		problem{"custom_properties", validation.CodeInvalidType},
	)
}

func TestIndividualJSONAndClone(t *testing.T) {
	p, err := entity.NewIndividual("i1", entity.IndividualInput{
		FirstName: "Tony", LastName: "Stark", Nationalities: []string{"US"}, Roles: []entity.Role{entity.RoleShareholder},
		OwnershipPercentage: entity.MustPercentage("33.33"),
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(p)
	want := `{"id":"i1","first_name":"Tony","last_name":"Stark","nationalities":["US"],"roles":["shareholder"],` +
		`"is_beneficial_owner":false,"is_business_contact":false,"is_delegator":false,"is_signatory":false,"is_relevant":true,` +
		`"is_controlling_person":false,"banking_information":null,"ownership_percentage":33.33,"voting_rights_percentage":null,"created_at":"2024-05-01T09:00:00Z","updated_at":"2024-05-01T09:00:00Z","last_activity_at":"2024-05-01T09:00:00Z"}`
	if string(b) != want {
		t.Fatalf("JSON:\n got %s\nwant %s", b, want)
	}
	var back entity.Individual
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if b2, _ := json.Marshal(back); string(b2) != string(b) {
		t.Fatalf("round trip:\n%s\n%s", b, b2)
	}

	c := p.Clone()
	c.Nationalities[0] = "FR"
	c.Roles[0] = entity.RoleLegalRepresentative
	if p.Nationalities[0] != "US" || p.Roles[0] != entity.RoleShareholder {
		t.Fatal("Clone shares slices with the original")
	}
}

func TestFullName(t *testing.T) {
	for _, tt := range []struct {
		p    entity.Individual
		want string
	}{
		{entity.Individual{FirstName: "Tony", MiddleName: "Edward", LastName: "Stark"}, "Tony Edward Stark"},
		{entity.Individual{LastName: "Stark"}, "Stark"},
		{entity.Individual{FirstName: "Tony"}, "Tony"},
	} {
		if got := tt.p.FullName(); got != tt.want {
			t.Errorf("FullName() = %q, want %q", got, tt.want)
		}
	}
}
