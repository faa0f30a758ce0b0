package ownership_test

import (
	"fmt"

	"github.com/dossierkit/dossier/ownership"
)

// A main company, acme, held by a holding company, by a partner company it
// holds 20 % of in return (a cross-holding), and by a fund whose owner's
// stake is not declared.
func Example() {
	p := ownership.MustParsePercent
	edges := []ownership.Edge{
		{From: "holdco", To: "acme", Ownership: p("60"), Voting: p("60")},
		{From: "partner", To: "acme", Ownership: p("25"), Voting: p("25")},
		{From: "fund", To: "acme", Ownership: p("15"), Voting: p("15")},
		{From: "tony", To: "holdco", Ownership: p("70"), Voting: p("45")},
		{From: "pepper", To: "holdco", Ownership: p("30"), Voting: p("55")},
		{From: "happy", To: "partner", Ownership: p("80"), Voting: p("80")},
		{From: "acme", To: "partner", Ownership: p("20"), Voting: p("20")},
		{From: "lp", To: "fund", Ownership: ownership.Unknown(), Voting: ownership.Unknown()},
	}
	res, err := ownership.Compute("acme", edges, ownership.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, id := range res.UltimateOwners() {
		own, _ := res.Total(id, ownership.Ownership)
		vote, _ := res.Total(id, ownership.Voting)
		fmt.Printf("%-6s ownership %-14s voting %s\n", id, own, vote)
	}
	tony, _ := res.Total("tony", ownership.Ownership)
	fmt.Println("tony exactly:", tony.Exact().RatString())

	u := res.Unattributed(ownership.Ownership)
	fmt.Println("undeclared:", u.Undeclared)

	owners, _ := res.BeneficialOwners(ownership.DefaultPolicy())
	for _, a := range owners {
		if a.Ultimate {
			fmt.Printf("beneficial owner %s: ownership %s, voting %s\n", a.ID, a.OwnershipTest, a.VotingTest)
		}
	}

	ex, _ := res.Explain("tony", ownership.Ownership, 5)
	fmt.Print(ex)
	// Output:
	// happy  ownership 21.05          voting 21.05
	// lp     ownership [0.00, 15.79]  voting [0.00, 15.79]
	// pepper ownership 18.95          voting 34.74
	// tony   ownership 44.21          voting 28.42
	// tony exactly: 840/19
	// undeclared: [0.00, 15.79]
	// beneficial owner pepper: ownership no, voting yes
	// beneficial owner tony: ownership yes, voting yes
	// tony ownership: 44.21%
	//   tony -70.00%-> holdco -60.00%-> acme ~(loop acme,partner 105.26%)~> acme: 44.21%
}

// Under the control-chain method a majority of an intermediate's votes
// carries its whole stake; exactly 50 % is not control.
func ExampleOptions_controlChain() {
	p := ownership.MustParsePercent
	edges := []ownership.Edge{
		{From: "holdco", To: "acme", Ownership: p("60"), Voting: p("60")},
		{From: "tony", To: "holdco", Ownership: p("70"), Voting: p("45")},
		{From: "pepper", To: "holdco", Ownership: p("30"), Voting: p("55")},
		{From: "happy", To: "acme", Ownership: p("40"), Voting: p("40")},
	}
	for _, m := range []ownership.VotingMethod{ownership.Multiplicative, ownership.ControlChain} {
		res, _ := ownership.Compute("acme", edges, ownership.Options{Voting: m})
		fmt.Print(m, ":")
		for _, id := range res.UltimateOwners() {
			v, _ := res.Total(id, ownership.Voting)
			fmt.Printf(" %s %s", id, v)
		}
		fmt.Println()
	}
	// Output:
	// multiplicative: happy 40.00 pepper 33.00 tony 27.00
	// control_chain: happy 40.00 pepper 60.00 tony 0.00
}

// A total declared on input is compared with the computed one; a figure
// rounded to two decimals in either direction is not a discrepancy.
func ExampleResult_Compare() {
	p := ownership.MustParsePercent
	res, _ := ownership.Compute("a", []ownership.Edge{
		{From: "ua", To: "a", Ownership: p("50"), Voting: p("50")},
		{From: "b", To: "a", Ownership: p("50"), Voting: p("50")},
		{From: "ub", To: "b", Ownership: p("50"), Voting: p("50")},
		{From: "a", To: "b", Ownership: p("50"), Voting: p("50")},
	}, ownership.Options{})
	for _, declared := range []string{"66.67", "50"} {
		d, _ := res.Compare("ua", ownership.Ownership, p(declared))
		fmt.Printf("declared %s, computed %s: differs %v\n", declared, d.Computed, d.Differs)
	}
	// Output:
	// declared 66.67, computed 66.67: differs false
	// declared 50, computed 66.67: differs true
}

func ExampleParsePercent() {
	for _, s := range []string{"33.33", "null", "100.5", "12.345"} {
		pc, err := ownership.ParsePercent(s)
		fmt.Println(pc, err)
	}
	// Output:
	// 33.33 <nil>
	// unknown <nil>
	// unknown invalid input: must be between 0 and 100, got 100.5 (out_of_range)
	// unknown invalid input: must have at most 2 decimals, got 12.345 (too_precise)
}
