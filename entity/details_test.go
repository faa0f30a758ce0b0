package entity_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/validation"
)

// TestCompanyDetails creates companies with each further field, allowed
// and refused.
func TestCompanyDetails(t *testing.T) {
	desc := "Software publishing"
	tests := []struct {
		name string
		d    entity.CompanyDetails
		want []problem
	}{
		{"all set", entity.CompanyDetails{
			EntityLegalForm: "6CHY", Classifications: []entity.Classification{{Type: "NACE", Code: "58.29", Description: &desc}},
			BankingInformation: entity.BankingInformation{IBAN: "FR1420041010050500013M02606", BIC: "BNPAFRPPXXX"},
			ShareCapital:       "10 000 EUR", TaxIdentificationNumber: "FR40303265045", EmployerIdentificationNumber: "12-3456789",
		}, nil},
		{"print-form IBAN and lower-case BIC", entity.CompanyDetails{
			BankingInformation: entity.BankingInformation{IBAN: "gb29 nwbk 6016 1331 9268 19", BIC: "deut deff"}}, nil},
		{"bad legal form code", entity.CompanyDetails{EntityLegalForm: "6chy"}, []problem{{"entity_legal_form", validation.CodeInvalidFormat}}},
		{"legal form code too long", entity.CompanyDetails{EntityLegalForm: "6CHYX"}, []problem{{"entity_legal_form", validation.CodeInvalidFormat}}},
		{"bad IBAN checksum", entity.CompanyDetails{BankingInformation: entity.BankingInformation{IBAN: "GB28NWBK60161331926819"}},
			[]problem{{"banking_information.iban", validation.CodeInvalidFormat}}},
		{"bad BIC", entity.CompanyDetails{BankingInformation: entity.BankingInformation{BIC: "DEUTZZFF"}},
			[]problem{{"banking_information.bic", validation.CodeInvalidFormat}}},
		{"classification without code", entity.CompanyDetails{Classifications: []entity.Classification{{Type: "NACE"}, {Type: "SIC", Code: "7372"}}},
			[]problem{{"classifications[0].code", validation.CodeRequired}}},
		{"tax number too long", entity.CompanyDetails{TaxIdentificationNumber: strings.Repeat("9", entity.MaxIdentifierLen+1)},
			[]problem{{"tax_identification_number", validation.CodeTooLong}}},
		{"employer number blank", entity.CompanyDetails{EmployerIdentificationNumber: "  "},
			[]problem{{"employer_identification_number", validation.CodeInvalidFormat}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := entity.NewCompany("c1", entity.CompanyInput{Name: "Acme", CompanyDetails: tt.d}, now)
			if tt.want != nil {
				checkProblems(t, err, tt.want...)
				for _, secret := range []string{tt.d.TaxIdentificationNumber, tt.d.BankingInformation.IBAN, tt.d.BankingInformation.BIC} {
					if secret != "" && strings.Contains(err.Error(), secret) {
						t.Fatalf("the error repeats a value: %v", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if b := c.BankingInformation; strings.ContainsAny(b.IBAN+b.BIC, " abcdefghijklmnopqrstuvwxyz") {
				t.Fatalf("not normalised: %+v", b)
			}
		})
	}
	// JSON decoding reads every member and update applies them.
	var in entity.CompanyInput
	if err := json.Unmarshal([]byte(`{"name":"Acme","entity_legal_form":"6CHY","classifications":[{"type":"NACE","code":"58.29","description":null}],
		"banking_information":{"iban":"DE89 3704 0044 0532 0130 00","bic":null},"share_capital":"1 EUR","tax_identification_number":"T1","employer_identification_number":"E1"}`), &in); err != nil {
		t.Fatal(err)
	}
	c, err := entity.NewCompany("c1", in, now)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(c)
	for _, want := range []string{`"entity_legal_form":"6CHY"`, `"classifications":[{"type":"NACE","code":"58.29","description":null}]`,
		`"banking_information":{"iban":"DE89370400440532013000","bic":null}`, `"share_capital":"1 EUR"`,
		`"tax_identification_number":"T1"`, `"employer_identification_number":"E1"`} {
		if !strings.Contains(string(b), want) {
			t.Fatalf("%s missing from %s", want, b)
		}
	}
	up, err := c.Update(entity.CompanyUpdate{CompanyDetailsUpdate: entity.CompanyDetailsUpdate{
		BankingInformation: patch.Null[entity.BankingInformation](), ShareCapital: patch.Value("2 EUR")}}, now)
	if err != nil || !up.BankingInformation.IsZero() || up.ShareCapital != "2 EUR" || c.ShareCapital != "1 EUR" {
		t.Fatalf("update: %+v %v", up.CompanyDetails, err)
	}
	_, err = c.Update(entity.CompanyUpdate{CompanyDetailsUpdate: entity.CompanyDetailsUpdate{
		BankingInformation: patch.Value(entity.BankingInformation{IBAN: "DE89370400440532013001"})}}, now)
	checkProblems(t, err, problem{"banking_information.iban", validation.CodeInvalidFormat})
}

// TestIndividualDetails creates individuals with each further field,
// allowed and refused; personal identifiers never appear in errors.
func TestIndividualDetails(t *testing.T) {
	ssn := "1 84 12 76 451 089 46"
	tests := []struct {
		name string
		d    entity.IndividualDetails
		want []problem
	}{
		{"all set", entity.IndividualDetails{IsControllingPerson: true, BirthPlace: "Lyon", Gender: entity.GenderFemale,
			BankingInformation:      &entity.BankingInformation{IBAN: "FR1420041010050500013M02606"},
			TaxIdentificationNumber: "1234567890123", SocialSecurityNumber: ssn}, nil},
		{"gender other", entity.IndividualDetails{Gender: entity.GenderOther}, nil},
		{"gender male", entity.IndividualDetails{Gender: entity.GenderMale}, nil},
		{"unknown gender", entity.IndividualDetails{Gender: "m"}, []problem{{"gender", validation.CodeInvalidValue}}},
		{"bad IBAN", entity.IndividualDetails{BankingInformation: &entity.BankingInformation{IBAN: "FR1420041010050500013M02607"}},
			[]problem{{"banking_information.iban", validation.CodeInvalidFormat}}},
		{"social security number with a control character", entity.IndividualDetails{SocialSecurityNumber: ssn + "\x00"},
			[]problem{{"social_security_number", validation.CodeInvalidFormat}}},
		{"social security number too long", entity.IndividualDetails{SocialSecurityNumber: strings.Repeat(ssn, 6)},
			[]problem{{"social_security_number", validation.CodeTooLong}}},
		{"birth place too long", entity.IndividualDetails{BirthPlace: strings.Repeat("x", entity.MaxTextLen+1)},
			[]problem{{"birth_place", validation.CodeTooLong}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := entity.NewIndividual("i1", entity.IndividualInput{LastName: "Doe", IndividualDetails: tt.d}, now)
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			checkProblems(t, err, tt.want...)
			if strings.Contains(err.Error(), ssn) || strings.Contains(err.Error(), "013M026") {
				t.Fatalf("the error repeats a personal identifier: %v", err)
			}
		})
	}
	p, err := entity.NewIndividual("i1", entity.IndividualInput{LastName: "Doe"}, now)
	if err != nil {
		t.Fatal(err)
	}
	up, err := p.Update(entity.IndividualUpdate{IndividualDetailsUpdate: entity.IndividualDetailsUpdate{
		Gender: patch.Value(entity.GenderMale), IsControllingPerson: patch.Value(true),
		BankingInformation: patch.Value(entity.BankingInformation{BIC: "deutdeff"})}}, now)
	if err != nil || up.Gender != entity.GenderMale || !up.IsControllingPerson || up.BankingInformation.BIC != "DEUTDEFF" || p.BankingInformation != nil {
		t.Fatalf("update: %+v %v", up.IndividualDetails, err)
	}
	_, err = p.Update(entity.IndividualUpdate{IndividualDetailsUpdate: entity.IndividualDetailsUpdate{
		IsControllingPerson: patch.Null[bool](), Gender: patch.Value(entity.Gender("x"))}}, now)
	checkProblems(t, err, problem{"is_controlling_person", validation.CodeInvalidType}, problem{"gender", validation.CodeInvalidValue})
}
