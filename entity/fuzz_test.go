package entity_test

import (
	"encoding/json"
	"testing"

	"github.com/dossierkit/dossier/entity"
)

// roundTrip fails unless v survives encoding/json unchanged, byte for byte.
func roundTrip[T any](t *testing.T, v T) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var back T
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("Unmarshal(%s): %v", b, err)
	}
	b2, err := json.Marshal(back)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != string(b2) {
		t.Fatalf("JSON round trip:\n%s\n%s", b, b2)
	}
}

func FuzzCompanyInput(f *testing.F) {
	f.Add(`{"name":"Acme","country":"FR","registration_date":"2020-02-29","website_url":"https://a.example"}`)
	f.Add(`{"type":"affiliated","name":"A","relations":[{"ownership_percentage":"12.5","roles":["shareholder"]}]}`)
	f.Add(`{"name":"","address":{"country":"zz"},"status":"x"}`)
	f.Add(`{"name":"A","commercial_name":null,"is_relevant":false}`)
	f.Fuzz(func(t *testing.T, data string) {
		var in entity.CompanyInput
		if err := json.Unmarshal([]byte(data), &in); err != nil {
			return
		}
		c, err := entity.NewCompany("c1", in, now)
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("accepted company does not validate: %v", err)
		}
		roundTrip(t, c)
		var u entity.CompanyUpdate
		if json.Unmarshal([]byte(data), &u) == nil {
			if c2, err := c.Update(u, now); err == nil {
				if err := c2.Validate(); err != nil {
					t.Fatalf("updated company does not validate: %v", err)
				}
				roundTrip(t, c2)
			}
		}
	})
}

func FuzzIndividualInput(f *testing.F) {
	f.Add(seedIndividualPayload)
	f.Add(`{"last_name":"S","phone_number":"+33654489875","nationalities":["FR","US"],"birth_date":"1999-12-31"}`)
	f.Add(`{"first_name":"A","is_signatory":true,"is_delegator":true}`)
	f.Add(`{"last_name":"S","ownership_percentage":"1e2","voting_rights_percentage":-1}`)
	f.Fuzz(func(t *testing.T, data string) {
		var in entity.IndividualInput
		if err := json.Unmarshal([]byte(data), &in); err != nil {
			return
		}
		p, err := entity.NewIndividual("i1", in, now)
		if err != nil {
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("accepted individual does not validate: %v", err)
		}
		roundTrip(t, p)
		for _, k := range in.Relations {
			if k.Validate() == nil {
				roundTrip(t, k)
			}
		}
		var u entity.IndividualUpdate
		if json.Unmarshal([]byte(data), &u) == nil {
			if p2, err := p.Update(u, now); err == nil {
				if err := p2.Validate(); err != nil {
					t.Fatalf("updated individual does not validate: %v", err)
				}
				roundTrip(t, p2)
			}
		}
	})
}
