package dossier_test

import (
	"encoding/json"
	"testing"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/relation"
)

// TestIndividualReadStatesBothTotals: every read of an individual gives,
// for ownership and voting rights, the declared total as given, the
// computed one in full, and which one the wire member carries (the rule of
// relation.IndividualView).
func TestIndividualReadStatesBothTotals(t *testing.T) {
	rangeAll := `{"kind": "range", "min": {"value": "0", "display": "0.00", "exclusive": false},
	  "max": {"value": "100", "display": "100.00", "exclusive": false}, "display": "[0.00, 100.00]"}`
	tests := []struct {
		name string
		// build returns the individual to read.
		build func(b *builder) string
		// The expected JSON of the four members.
		own, ownDetail, vote, voteDetail string
	}{
		{
			name: "exact computed total is shown, the declared one kept",
			build: func(b *builder) string {
				main := b.company("Acme")
				h := b.affiliated("Holdco", main, "60")
				return b.person("Tony", h, "50", "33.33")
			},
			own:        `30`,
			ownDetail:  `{"declared": 33.33, "computed": ` + exactTotalJSON("30", "30.00") + `, "shown": "computed"}`,
			vote:       `30`,
			voteDetail: `{"declared": null, "computed": ` + exactTotalJSON("30", "30.00") + `, "shown": "computed"}`,
		},
		{
			name: "cross-holding: two decimals on the wire, the fraction in the detail",
			build: func(b *builder) string {
				a := b.company("A")
				bb := b.affiliated("B", a, "50")
				b.holds(a, bb, "50")
				return b.person("UA", a, "50", "")
			},
			own:        `66.67`,
			ownDetail:  `{"declared": null, "computed": ` + exactTotalJSON("200/3", "66.67") + `, "shown": "computed"}`,
			vote:       `66.67`,
			voteDetail: `{"declared": null, "computed": ` + exactTotalJSON("200/3", "66.67") + `, "shown": "computed"}`,
		},
		{
			name: "a range: the declared total is shown, the range in the detail",
			build: func(b *builder) string {
				main := b.company("Acme")
				return b.person("P", main, "", "40")
			},
			own:        `40`,
			ownDetail:  `{"declared": 40, "computed": ` + rangeAll + `, "shown": "declared"}`,
			vote:       `null`,
			voteDetail: `{"declared": null, "computed": ` + rangeAll + `, "shown": "declared"}`,
		},
		{
			name: "no main company: nothing computed",
			build: func(b *builder) string {
				v, err := b.w.AddIndividual(b.ctx, b.caseID, entity.IndividualInput{LastName: "Early", OwnershipPercentage: perc("10")})
				if err != nil {
					b.t.Fatal(err)
				}
				return v.Individual.ID
			},
			own:        `10`,
			ownDetail:  `{"declared": 10, "computed": null, "shown": "declared"}`,
			vote:       `null`,
			voteDetail: `{"declared": null, "computed": null, "shown": "declared"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBuilder(t, dossier.Settings{})
			id := tt.build(b)
			got, err := b.w.GetIndividual(b.ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			list, err := b.w.ListIndividuals(b.ctx, b.caseID)
			if err != nil {
				t.Fatal(err)
			}
			var listed *relation.IndividualView
			for i := range list {
				if list[i].ID == id {
					listed = &list[i]
				}
			}
			for _, v := range []*relation.IndividualView{got, listed} {
				raw, _ := json.Marshal(v)
				var members map[string]json.RawMessage
				if err := json.Unmarshal(raw, &members); err != nil {
					t.Fatal(err)
				}
				for name, want := range map[string]string{
					"ownership_percentage": tt.own, "ownership_percentage_detail": tt.ownDetail,
					"voting_rights_percentage": tt.vote, "voting_rights_percentage_detail": tt.voteDetail,
				} {
					if w := compactJSON(t, want); string(members[name]) != w {
						t.Errorf("%s = %s, want %s", name, members[name], w)
					}
				}
			}
			// The stored record keeps the declared totals.
			rec, err := b.w.GetRecord(b.ctx, b.caseID)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range rec.Individuals {
				if p.ID == id && !p.OwnershipPercentage.Equal(got.OwnershipDetail.Declared) {
					t.Errorf("stored %s, detail declares %s", p.OwnershipPercentage, got.OwnershipDetail.Declared)
				}
			}
		})
	}
}
