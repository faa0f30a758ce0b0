package dossier_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/entity"
)

// compactJSON returns want without insignificant spaces.
func compactJSON(t *testing.T, want string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(want)); err != nil {
		t.Fatalf("bad expected JSON: %v\n%s", err, want)
	}
	return b.String()
}

// exactTotalJSON is the documented JSON form of an exact total.
func exactTotalJSON(value, display string) string {
	return fmt.Sprintf(`{"kind": "exact", "value": %q, "display": %q}`, value, display)
}

// TestOwnershipReportJSON builds, through the Workspace:
//
//	Holdco holds 60 % of Acme's capital and 70 % of its votes;
//	Tony Stark holds 50 % of Holdco's capital and 40 % of its votes
//	  (declared total: 33.33 %);
//	Pepper Potts holds 50 % and 60 %;
//	Happy Hogan holds 25 % of Acme, votes not given (one share, one vote).
//
// By the rule: ownership Holdco 60, Tony 30, Pepper 30, Happy 25,
// undeclared 15; voting Holdco 70, Tony 28, Pepper 42, Happy 25,
// undeclared 5. Every holder passes "25 % or more" on ownership; Tony's
// declared 33.33 differs from 30 by 333/100.
func TestOwnershipReportJSON(t *testing.T) {
	var n atomic.Int64
	w := newWorkspace(t, dossier.Settings{}, dossier.WithIDGenerator(func() string { return fmt.Sprintf("id-%03d", n.Add(1)) }))
	ctx := context.Background()
	c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "report"})
	if err != nil {
		t.Fatal(err)
	}
	acme, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Acme Ltd", Type: entity.CompanyMain})
	if err != nil {
		t.Fatal(err)
	}
	holdco, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Holdco", Type: entity.CompanyAffiliated,
		Relations: []entity.Link{{ToCompanyID: acme.ID, OwnershipPercentage: perc("60"), VotingRightsPercentage: perc("70")}}})
	if err != nil {
		t.Fatal(err)
	}
	person := func(first, last, to, own, vote, declared string) (string, string) {
		v, err := w.AddIndividual(ctx, c.ID, entity.IndividualInput{FirstName: first, LastName: last, OwnershipPercentage: perc(declared),
			Relations: []entity.Link{{ToCompanyID: to, OwnershipPercentage: perc(own), VotingRightsPercentage: perc(vote)}}})
		if err != nil {
			t.Fatal(err)
		}
		return v.Individual.ID, v.Relations[0].ID
	}
	tony, _ := person("Tony", "Stark", holdco.ID, "50", "40", "33.33")
	pepper, _ := person("Pepper", "Potts", holdco.ID, "50", "60", "")
	happy, happyRel := person("Happy", "Hogan", acme.ID, "25", "", "")

	rep, err := w.Ownership(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}

	holder := map[string]string{
		holdco.ID: `{"id": "HOLDCO", "name": "Holdco", "ultimate": false, "ownership": ` + exactTotalJSON("60", "60.00") + `, "voting_rights": ` + exactTotalJSON("70", "70.00"),
		tony:      `{"id": "TONY", "name": "Tony Stark", "ultimate": true, "ownership": ` + exactTotalJSON("30", "30.00") + `, "voting_rights": ` + exactTotalJSON("28", "28.00"),
		pepper:    `{"id": "PEPPER", "name": "Pepper Potts", "ultimate": true, "ownership": ` + exactTotalJSON("30", "30.00") + `, "voting_rights": ` + exactTotalJSON("42", "42.00"),
		happy:     `{"id": "HAPPY", "name": "Happy Hogan", "ultimate": true, "ownership": ` + exactTotalJSON("25", "25.00") + `, "voting_rights": ` + exactTotalJSON("25", "25.00"),
	}
	// Holders are sorted by id.
	ids := []string{holdco.ID, tony, pepper, happy}
	slices.Sort(ids)
	var holders []string
	for _, id := range ids {
		holders = append(holders, holder[id]+"}")
	}
	zero := exactTotalJSON("0", "0.00")
	want := `{
	  "main_company": {"id": "ACME", "name": "Acme Ltd"},
	  "settings": {"voting": "multiplicative", "absent_voting": "follow_ownership", "threshold": "25", "comparator": "at_least"},
	  "holders": [` + strings.Join(holders, ",") + `],
	  "unattributed": {
	    "ownership": {"undeclared": ` + exactTotalJSON("15", "15.00") + `, "uncontrolled": ` + zero + `, "closed_loop": ` + zero + `,
	                  "loops": [], "total": ` + exactTotalJSON("15", "15.00") + `},
	    "voting_rights": {"undeclared": ` + exactTotalJSON("5", "5.00") + `, "uncontrolled": ` + zero + `, "closed_loop": ` + zero + `,
	                      "loops": [], "total": ` + exactTotalJSON("5", "5.00") + `}
	  },
	  "beneficial_owners": [
	    ` + holder[tony] + `, "ownership_test": "yes", "voting_rights_test": "yes", "outcome": "yes"},
	    ` + holder[pepper] + `, "ownership_test": "yes", "voting_rights_test": "yes", "outcome": "yes"},
	    ` + holder[happy] + `, "ownership_test": "yes", "voting_rights_test": "yes", "outcome": "yes"}
	  ],
	  "discrepancies": [
	    {"id": "TONY", "name": "Tony Stark", "interest": "ownership", "declared": 33.33,
	     "computed": ` + exactTotalJSON("30", "30.00") + `, "differs": true, "difference": "333/100"}
	  ],
	  "assumed_voting": ["HAPPYREL"]
	}`
	want = strings.NewReplacer(`"HOLDCO"`, `"`+holdco.ID+`"`, `"TONY"`, `"`+tony+`"`, `"PEPPER"`, `"`+pepper+`"`,
		`"HAPPYREL"`, `"`+happyRel+`"`, `"HAPPY"`, `"`+happy+`"`, `"ACME"`, `"`+acme.ID+`"`).Replace(want)
	if w := compactJSON(t, want); string(got) != w {
		t.Fatalf("got  %s\nwant %s", got, w)
	}

	t.Run("no main company", func(t *testing.T) {
		c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "empty"})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := w.Ownership(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(rep)
		want := compactJSON(t, `{"main_company": null,
		  "settings": {"voting": "multiplicative", "absent_voting": "follow_ownership", "threshold": "25", "comparator": "at_least"},
		  "holders": [], "unattributed": null, "beneficial_owners": [], "discrepancies": [], "assumed_voting": []}`)
		if string(got) != want {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
}
