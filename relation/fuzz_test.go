package relation_test

import (
	"encoding/json"
	"testing"

	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/relation"
)

// graphRoundTrip fails unless g survives encoding/json byte for byte.
func graphRoundTrip(t *testing.T, g relation.Graph) {
	t.Helper()
	b := mustJSON(t, g)
	var back relation.Graph
	if err := json.Unmarshal([]byte(b), &back); err != nil {
		t.Fatal(err)
	}
	if mustJSON(t, back) != b {
		t.Fatalf("graph JSON round trip:\n%s\n%s", b, mustJSON(t, back))
	}
}

func FuzzAddIndividual(f *testing.F) {
	f.Add(`{"last_name":"Stark","relations":[{"to_company_id":"id2","ownership_percentage":33.33,"roles":["shareholder"]}]}`)
	f.Add(`{"first_name":"A","relations":[{"ownership_percentage":"40"},{"to_company_id":"id1"}]}`)
	f.Add(`{"last_name":"B","relations":[{"to_company_id":"id3"}]}`)
	f.Add(`{"last_name":"C","relations":[]}`)
	fx := newFixture(f)
	f.Fuzz(func(t *testing.T, data string) {
		var in entity.IndividualInput
		if json.Unmarshal([]byte(data), &in) != nil {
			return
		}
		before := mustJSON(t, fx.g)
		g, v, err := relation.AddIndividual(fx.g, in, fx.env)
		if mustJSON(t, fx.g) != before {
			t.Fatal("AddIndividual changed its input")
		}
		if err != nil {
			return
		}
		if err := relation.Check(g); err != nil {
			t.Fatalf("accepted, but the graph does not check: %v", err)
		}
		if len(v.Relations) == 0 {
			t.Fatal("an individual added to a case with a main company must be linked")
		}
		graphRoundTrip(t, g)
	})
}

func FuzzAddRelation(f *testing.F) {
	f.Add(`{"from_individual_id":"id4","to_company_id":"id1","ownership_percentage":10}`)
	f.Add(`{"from_company_id":"id1","to_company_id":"id2","voting_rights_percentage":"40.5","roles":["legal_representative"]}`)
	f.Add(`{"from_individual_id":"id3"}`)
	fx := newFixture(f)
	f.Fuzz(func(t *testing.T, data string) {
		var in relation.Input
		if json.Unmarshal([]byte(data), &in) != nil {
			return
		}
		before := mustJSON(t, fx.g)
		g, r, err := relation.AddRelation(fx.g, in, fx.env)
		if mustJSON(t, fx.g) != before {
			t.Fatal("AddRelation changed its input")
		}
		if err != nil {
			return
		}
		if err := relation.Check(g); err != nil {
			t.Fatalf("accepted, but the graph does not check: %v", err)
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("accepted relation does not validate: %v", err)
		}
		graphRoundTrip(t, g)
	})
}

func FuzzRelationJSON(f *testing.F) {
	f.Add(`{"id":"r1","from_company_id":null,"from_individual_id":"p1","to_company_id":"c1","ownership_percentage":33.33,"voting_rights_percentage":null,"roles":["shareholder"],"position":"CEO"}`)
	f.Add(`{"id":"r1","from_company_id":"c2","to_company_id":"c1","roles":[]}`)
	f.Add(`{"id":"r1","from_individual_id":"p1","to_company_id":"c1","ownership_percentage":null,"ownership_percentage_band":{"exclusive_minimum":25,"maximum":50},"voting_rights_percentage_band":{"minimum":75}}`)
	f.Fuzz(func(t *testing.T, data string) {
		var r relation.Relation
		if json.Unmarshal([]byte(data), &r) != nil || r.Validate() != nil {
			return
		}
		b := mustJSON(t, r)
		var back relation.Relation
		if err := json.Unmarshal([]byte(b), &back); err != nil {
			t.Fatal(err)
		}
		if mustJSON(t, back) != b || back.Validate() != nil {
			t.Fatalf("round trip:\n%s\n%s", b, mustJSON(t, back))
		}
	})
}
