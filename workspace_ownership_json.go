package dossier

import (
	"encoding/json"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/ownership"
)

// MarshalJSON encodes the report for a host's clients. Totals have the
// JSON form of ownership.Total (kind, exact value as a fraction string
// beside a display decimal, or min and max with their open or closed
// ends); enumerations are strings; every id has its entity's name beside
// it:
//
//	{"main_company": {"id": "c1", "name": "Acme Ltd"},
//	 "settings": {"voting": "multiplicative", "absent_voting": "follow_ownership",
//	              "threshold": "25", "comparator": "at_least"},
//	 "holders": [{"id": "p1", "name": "Tony Stark", "ultimate": true,
//	              "ownership": Total, "voting_rights": Total}, ...],
//	 "unattributed": {"ownership": Unattributed, "voting_rights": Unattributed},
//	 "beneficial_owners": [{"id": "p1", "name": "Tony Stark", "ultimate": true,
//	              "ownership": Total, "voting_rights": Total,
//	              "ownership_test": "yes", "voting_rights_test": "possibly", "outcome": "yes"}],
//	 "discrepancies": [{"id": "p1", "name": "Tony Stark", "interest": "ownership",
//	              "declared": 30, "computed": Total, "differs": true, "difference": "-10/3"}],
//	 "assumed_voting": ["r1"]}
//
// Unattributed is the JSON form of ownership.Unattributed: its parts
// (undeclared, uncontrolled, closed_loop, loops) and their total. Holders
// are every entity with an interest in the main company, sorted by id;
// beneficial owners and discrepancies are in the order of the report.
// Without a main company, main_company and unattributed are null and the
// arrays are empty. The form is for reading: a report is computed, not
// decoded.
func (r OwnershipReport) MarshalJSON() ([]byte, error) {
	type named struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	type holder struct {
		named
		Ultimate  bool            `json:"ultimate"`
		Ownership ownership.Total `json:"ownership"`
		Voting    ownership.Total `json:"voting_rights"`
	}
	type owner struct {
		holder
		OwnershipTest ownership.Outcome `json:"ownership_test"`
		VotingTest    ownership.Outcome `json:"voting_rights_test"`
		Outcome       ownership.Outcome `json:"outcome"`
	}
	type discrepancy struct {
		named
		Interest   ownership.Interest `json:"interest"`
		Declared   ownership.Percent  `json:"declared"`
		Computed   ownership.Total    `json:"computed"`
		Differs    bool               `json:"differs"`
		Difference *string            `json:"difference"`
	}
	type unattributed struct {
		Ownership ownership.Unattributed `json:"ownership"`
		Voting    ownership.Unattributed `json:"voting_rights"`
	}
	out := struct {
		MainCompany *named `json:"main_company"`
		Settings    struct {
			Voting       ownership.VotingMethod `json:"voting"`
			AbsentVoting string                 `json:"absent_voting"`
			Threshold    decimal.Decimal        `json:"threshold"`
			Comparator   ownership.Comparator   `json:"comparator"`
		} `json:"settings"`
		Holders          []holder      `json:"holders"`
		Unattributed     *unattributed `json:"unattributed"`
		BeneficialOwners []owner       `json:"beneficial_owners"`
		Discrepancies    []discrepancy `json:"discrepancies"`
		AssumedVoting    []string      `json:"assumed_voting"`
	}{
		Holders:          []holder{},
		BeneficialOwners: []owner{},
		Discrepancies:    []discrepancy{},
		AssumedVoting:    append([]string{}, r.AssumedVoting...),
	}
	out.Settings.Voting = r.Settings.Voting
	out.Settings.AbsentVoting = r.Settings.AbsentVoting.String()
	out.Settings.Threshold = r.Settings.Policy.Threshold
	out.Settings.Comparator = r.Settings.Policy.Comparator
	name := func(id string) named { return named{ID: id, Name: r.Names[id]} }
	if r.Result != nil {
		m := name(r.MainCompanyID)
		out.MainCompany = &m
		for _, id := range r.Result.Holders() {
			h, _ := r.Result.Holder(id)
			out.Holders = append(out.Holders, holder{named: name(id), Ultimate: h.Ultimate, Ownership: h.Ownership, Voting: h.Voting})
		}
		out.Unattributed = &unattributed{r.Result.Unattributed(ownership.Ownership), r.Result.Unattributed(ownership.Voting)}
	}
	for _, a := range r.BeneficialOwners {
		out.BeneficialOwners = append(out.BeneficialOwners, owner{
			holder:        holder{named: name(a.ID), Ultimate: a.Ultimate, Ownership: a.Ownership, Voting: a.Voting},
			OwnershipTest: a.OwnershipTest, VotingTest: a.VotingTest, Outcome: a.Outcome(),
		})
	}
	for _, d := range r.Discrepancies {
		v := discrepancy{named: name(d.ID), Interest: d.Interest, Declared: d.Declared, Computed: d.Computed, Differs: d.Differs}
		if d.Difference != nil {
			s := d.Difference.RatString()
			v.Difference = &s
		}
		out.Discrepancies = append(out.Discrepancies, v)
	}
	return json.Marshal(out)
}
