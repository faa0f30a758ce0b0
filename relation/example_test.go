package relation_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/relation"
)

// Example builds a small group: a main company, an affiliated company, a
// beneficial owner holding a third of the affiliated company (an
// individual create payload of the Dotfile API, decoded from JSON), and a
// legal representative of the main company.
func Example() {
	n := 0
	sequentialIDs := func() string { n++; return fmt.Sprintf("id-%d", n) }
	env := relation.Env{NewID: sequentialIDs, Now: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)}
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

	// An individual create payload, as a client would send it.
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
		Roles: patch.Value([]entity.Role{entity.RoleLegalRepresentative}),
	}, env)
	if err != nil {
		panic(err)
	}

	if err := relation.Check(g); err != nil {
		panic(err)
	}
	name := func(id string) string {
		if c, ok := g.Company(id); ok {
			return c.Name
		}
		p, _ := g.Individual(id)
		return p.FullName()
	}
	fmt.Println("main company:", mainCo.Name)
	for _, r := range g.Relations {
		fmt.Printf("%s -> %s: ownership %s, voting %s, roles %v\n", name(r.From()), name(r.ToCompanyID), r.OwnershipPercentage, r.VotingRightsPercentage, r.Roles)
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
