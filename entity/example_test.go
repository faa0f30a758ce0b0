package entity_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/validation"
)

func ExampleNewIndividual() {
	now := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
	var in entity.IndividualInput
	err := json.Unmarshal([]byte(`{
		"first_name": "Tony",
		"last_name": "Stark",
		"is_signatory": true,
		"is_delegator": true,
		"phone_number": "+33 6 54 48 98 75",
		"ownership_percentage": 33.333
	}`), &in)
	if err != nil {
		panic(err)
	}
	_, err = entity.NewIndividual("i1", in, now)
	var verr *validation.Error
	if errors.As(err, &verr) {
		for _, p := range verr.Problems {
			fmt.Println(p.Path, p.Code)
		}
	}
	// Output:
	// phone_number invalid_phone
	// ownership_percentage too_precise
	// email required
	// is_signatory conflict
}

func ExampleIndividual_Update() {
	now := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
	tony, _ := entity.NewIndividual("i1", entity.IndividualInput{
		FirstName: "Tony", LastName: "Stark", OwnershipPercentage: entity.MustPercentage("50"),
	}, now)

	var u entity.IndividualUpdate
	_ = json.Unmarshal([]byte(`{"middle_name":"Edward","ownership_percentage":null}`), &u)
	tony, err := tony.Update(u, now.Add(time.Hour))
	fmt.Println(tony.FullName(), tony.OwnershipPercentage, tony.UpdatedAt.Format(time.Kitchen), err)
	// Output:
	// Tony Edward Stark unknown 10:00AM <nil>
}

func ExamplePercentage() {
	var p struct {
		Ownership entity.Percentage `json:"ownership_percentage"`
		Voting    entity.Percentage `json:"voting_rights_percentage"`
	}
	_ = json.Unmarshal([]byte(`{"ownership_percentage": 33.33, "voting_rights_percentage": null}`), &p)
	fmt.Println(p.Ownership, p.Ownership.Validate() == nil, p.Voting.IsKnown())
	out, _ := json.Marshal(p)
	fmt.Println(string(out))
	// Output:
	// 33.33 true false
	// {"ownership_percentage":33.33,"voting_rights_percentage":null}
}
