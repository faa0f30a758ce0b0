package relation_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/validation"
)

// TestBandWire: a band is null in the plain member and given in the
// extension member; exact and unknown percentages leave it out.
func TestBandWire(t *testing.T) {
	r := relation.Relation{ID: "r1", FromIndividualID: "p1", ToCompanyID: "m",
		OwnershipPercentage: pct("(25, 50]"), VotingRightsPercentage: pct("40"), Roles: []relation.Role{}, CreatedAt: now, UpdatedAt: now}
	got := mustJSON(t, r)
	for _, want := range []string{
		`"ownership_percentage":null`,
		`"voting_rights_percentage":40`,
		`"ownership_percentage_band":{"exclusive_minimum":25,"maximum":50}`,
	} {
		if !strings.Contains(got, want) {
			t.Fatalf("JSON %s lacks %s", got, want)
		}
	}
	if strings.Contains(got, "voting_rights_percentage_band") {
		t.Fatalf("JSON %s has a band member for an exact percentage", got)
	}
	var back relation.Relation
	if err := json.Unmarshal([]byte(got), &back); err != nil {
		t.Fatal(err)
	}
	if !back.OwnershipPercentage.Equal(r.OwnershipPercentage) || !back.VotingRightsPercentage.Equal(r.VotingRightsPercentage) {
		t.Fatalf("round trip: %v %v", back.OwnershipPercentage, back.VotingRightsPercentage)
	}
}

func TestBandInput(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string // ownership percentage, "" when refused
		prob problem
	}{
		{"band", `{"from_individual_id":"p","ownership_percentage_band":{"minimum":75,"maximum":100}}`, "[75, 100]", problem{}},
		{"band with null plain", `{"from_individual_id":"p","ownership_percentage":null,"ownership_percentage_band":{"exclusive_minimum":50,"exclusive_maximum":75}}`, "(50, 75)", problem{}},
		{"number", `{"from_individual_id":"p","ownership_percentage":30,"ownership_percentage_band":null}`, "30", problem{}},
		{"both", `{"from_individual_id":"p","ownership_percentage":30,"ownership_percentage_band":{"minimum":25}}`, "",
			problem{"ownership_percentage_band", validation.CodeConflict}},
		{"band in the plain member", `{"from_individual_id":"p","ownership_percentage":{"minimum":25}}`, "",
			problem{"ownership_percentage", validation.CodeInvalidType}},
		{"number in the band member", `{"from_individual_id":"p","ownership_percentage_band":25}`, "",
			problem{"ownership_percentage_band", validation.CodeInvalidType}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in relation.Input
			err := json.Unmarshal([]byte(tt.body), &in)
			if tt.want == "" {
				checkProblems(t, err, tt.prob)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if in.OwnershipPercentage.String() != tt.want {
				t.Fatalf("got %s, want %s", in.OwnershipPercentage, tt.want)
			}
			var link entity.Link
			if err := json.Unmarshal([]byte(strings.Replace(tt.body, `"from_individual_id":"p",`, "", 1)), &link); err != nil {
				t.Fatal(err)
			}
			if link.OwnershipPercentage.String() != tt.want {
				t.Fatalf("link: got %s, want %s", link.OwnershipPercentage, tt.want)
			}
		})
	}
}

func TestBandValidationPaths(t *testing.T) {
	f := newFixture(t)
	_, _, err := relation.AddRelation(f.g, relation.Input{FromIndividualID: f.R, ToCompanyID: f.A,
		OwnershipPercentage: ownership.NewBand(ownership.Bound{Value: decimal.NewFromInt(50), Exclusive: true}, ownership.Bound{Value: decimal.NewFromInt(40)})}, f.env)
	checkProblems(t, err, problem{"ownership_percentage_band.maximum", validation.CodeOutOfRange})
}

func TestBandUpdate(t *testing.T) {
	band := patch.Value(pct("(25, 50]"))
	tests := []struct {
		name    string
		start   string
		u       relation.Update
		want    string
		problem *problem
	}{
		{"set a band", "30", relation.Update{OwnershipBand: band}, "(25, 50]", nil},
		{"band and null plain", "30", relation.Update{OwnershipBand: band, OwnershipPercentage: patch.Null[entity.Percentage]()}, "(25, 50]", nil},
		{"number replaces a band", "(25, 50]", relation.Update{OwnershipPercentage: patchOf(pct("30"))}, "30", nil},
		{"null band clears a band", "(25, 50]", relation.Update{OwnershipBand: patch.Null[entity.Percentage]()}, "unknown", nil},
		{"null band keeps a number", "30", relation.Update{OwnershipBand: patch.Null[entity.Percentage]()}, "30", nil},
		{"both", "30", relation.Update{OwnershipBand: band, OwnershipPercentage: patchOf(pct("20"))}, "",
			&problem{"ownership_percentage_band", validation.CodeConflict}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			id := f.relationID(f.O, f.A)
			g, _, err := relation.UpdateRelation(f.g, id, relation.Update{OwnershipPercentage: patchOf(pct(tt.start))}, f.env)
			if err != nil {
				t.Fatal(err)
			}
			g, r, err := relation.UpdateRelation(g, id, tt.u, f.env)
			if tt.problem != nil {
				checkProblems(t, err, *tt.problem)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.OwnershipPercentage.String() != tt.want {
				t.Fatalf("got %s, want %s", r.OwnershipPercentage, tt.want)
			}
			if err := relation.Check(g); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestBandStakes: the sum-to-100 rule reads the lower bounds, and lower
// bounds making exactly 100 % must all be inclusive.
func TestBandStakes(t *testing.T) {
	tests := []struct {
		name     string
		a, other string
		ok       bool
	}{
		{"lower bounds under 100", "(25, 50]", "(50, 75)", true},
		{"lower bounds at 100, inclusive", "[40, 75]", "60", true},
		{"lower bounds at 100, one exclusive", "(40, 75]", "60", false},
		{"lower bounds over 100", "[50, 75]", "(50, 75)", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			g, _, err := relation.UpdateRelation(f.g, f.relationID(f.O, f.A), relation.Update{OwnershipPercentage: patchOf(pct(tt.a))}, f.env)
			if err != nil {
				t.Fatal(err)
			}
			g, _, err = relation.AddRelation(g, relation.Input{FromIndividualID: f.R, ToCompanyID: f.A, OwnershipPercentage: pct(tt.other)}, f.env)
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				if err := relation.Check(g); err != nil {
					t.Fatal(err)
				}
				if _, err := relation.Totals(g, ownership.Options{}); err != nil {
					t.Fatal(err)
				}
				return
			}
			checkProblems(t, err, problem{"ownership_percentage", relation.CodeStakeExceeded})
		})
	}
}

func TestBandRender(t *testing.T) {
	b := newBuilder(t)
	b.company(entity.CompanyInput{Name: "Main"})
	b.individual(entity.IndividualInput{FirstName: "Pat", Relations: []entity.Link{{OwnershipPercentage: pct("(25, 50]"), VotingRightsPercentage: pct("(50, 75)")}}})
	res, err := relation.Totals(b.g, ownership.Options{})
	if err != nil {
		t.Fatal(err)
	}
	policy := ownership.Policy{Threshold: decimal.NewFromInt(25), Comparator: ownership.MoreThan}
	text := relation.Mermaid(b.g, res, relation.RenderOptions{Policy: &policy})
	for _, want := range []string{
		"ownership: (25.00, 50.00]%", "voting rights: (50.00, 75.00)%",
		"total ownership: (25.00, 50.00]%", "beneficial owner: ownership, voting rights",
	} {
		if !strings.Contains(text, want) {
			t.Fatalf("Mermaid lacks %q:\n%s", want, text)
		}
	}
}

func TestBandUpdateJSON(t *testing.T) {
	tests := []struct {
		body string
		prob problem
	}{
		{`{"ownership_percentage":{"minimum":25}}`, problem{"ownership_percentage", validation.CodeInvalidType}},
		{`{"voting_rights_percentage_band":25}`, problem{"voting_rights_percentage_band", validation.CodeInvalidType}},
		{`{"ownership_percentage":20,"ownership_percentage_band":{"minimum":25}}`, problem{"ownership_percentage_band", validation.CodeConflict}},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			var u relation.Update
			checkProblems(t, json.Unmarshal([]byte(tt.body), &u), tt.prob)
		})
	}
	var u relation.Update
	if err := json.Unmarshal([]byte(`{"ownership_percentage":null,"ownership_percentage_band":{"exclusive_minimum":25,"maximum":50}}`), &u); err != nil {
		t.Fatal(err)
	}
	if b, _ := u.OwnershipBand.Get(); b.String() != "(25, 50]" {
		t.Fatalf("band %s", b)
	}
}
