package relation_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/relation"
)

// sequentialIDs returns an id generator giving "<prefix>1", "<prefix>2"...
func sequentialIDs(prefix string) func() string {
	n := 0
	return func() string {
		n++
		return fmt.Sprintf("%s%d", prefix, n)
	}
}

// Example builds the structure of the seed's "Case relation" section: a
// main company, an affiliated company, a beneficial owner holding a third
// of the affiliated company (the seed's example payload, decoded from
// JSON), and a legal representative of the main company.
func Example() {
	env := relation.Env{NewID: sequentialIDs("id-"), Now: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)}
	var g relation.Graph

	g, mainCo, err := relation.AddCompany(g, entity.CompanyInput{Name: "Stark Industries", Country: "US"}, env)
	if err != nil {
		panic(err)
	}
	g, holding, err := relation.AddCompany(g, entity.CompanyInput{
		Type: entity.CompanyAffiliated,
		Name: "Stark Holding",
		Relations: []entity.Link{{
			Roles:               []entity.Role{entity.RoleShareholder},
			OwnershipPercentage: entity.MustPercentage("100"),
		}},
	}, env)
	if err != nil {
		panic(err)
	}

	// The seed's payload, with its placeholders filled in.
	payload := `{
	  "case_id": "case-1",
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
	      "to_company_id": "` + holding.ID + `",
	      "roles": ["shareholder"],
	      "position": "CEO",
	      "ownership_percentage": 33.33,
	      "voting_rights_percentage": 33.33
	    }
	  ]
	}`
	var owner entity.IndividualInput
	if err := json.Unmarshal([]byte(payload), &owner); err != nil {
		panic(err)
	}
	g, tony, err := relation.AddIndividual(g, owner, env)
	if err != nil {
		panic(err)
	}
	// No relations given: the representative is linked to the main company,
	// then given a role there.
	g, pepper, err := relation.AddIndividual(g, entity.IndividualInput{FirstName: "Pepper", LastName: "Potts"}, env)
	if err != nil {
		panic(err)
	}
	g, _, err = relation.UpdateRelation(g, pepper.Relations[0].ID, relation.Update{
		Roles: patchOf([]entity.Role{entity.RoleLegalRepresentative}),
	}, env)
	if err != nil {
		panic(err)
	}

	if err := relation.Check(g); err != nil {
		panic(err)
	}
	fmt.Println("main company:", mainCo.Name)
	for _, r := range g.Relations {
		fmt.Printf("%s -> %s: ownership %s, voting %s, roles %v\n", name(g, r.From()), name(g, r.ToCompanyID), r.OwnershipPercentage, r.VotingRightsPercentage, r.Roles)
	}

	// The beneficial owner's only relation cannot go: it would orphan him.
	_, err = relation.DeleteRelation(g, tony.Relations[0].ID)
	var orphan *relation.OrphanError
	fmt.Println(errors.Is(err, relation.ErrOrphan), errors.As(err, &orphan) && orphan.IDs[0] == tony.ID)

	// Output:
	// main company: Stark Industries
	// Stark Holding -> Stark Industries: ownership 100, voting unknown, roles [shareholder]
	// Tony Stark -> Stark Holding: ownership 33.33, voting 33.33, roles [shareholder]
	// Pepper Potts -> Stark Industries: ownership unknown, voting unknown, roles [legal_representative]
	// true true
}

func name(g relation.Graph, id string) string {
	if c, ok := g.Company(id); ok {
		return c.Name
	}
	p, _ := g.Individual(id)
	return p.FullName()
}
