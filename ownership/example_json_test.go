package ownership_test

import (
	"encoding/json"
	"fmt"

	"github.com/dossierkit/dossier/ownership"
)

// Totals in JSON: tony holds 2/3 of acme through a cross-holding; pepper
// holds "more than 25 % but not more than 50 %" of the rest of it.
func ExampleTotal_MarshalJSON() {
	p := ownership.MustParsePercent
	res, err := ownership.Compute("acme", []ownership.Edge{
		{From: "tony", To: "acme", Ownership: p("50")},
		{From: "partner", To: "acme", Ownership: p("50")},
		{From: "acme", To: "partner", Ownership: p("50")},
		{From: "pepper", To: "partner", Ownership: p("(25, 50]")},
	}, ownership.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, id := range []string{"tony", "pepper"} {
		t, _ := res.Total(id, ownership.Ownership)
		b, _ := json.Marshal(t)
		fmt.Printf("%s: %s\n", id, b)
	}
	// Output:
	// tony: {"kind":"exact","value":"200/3","display":"66.67"}
	// pepper: {"kind":"range","min":{"value":"50/3","display":"16.66","exclusive":true},"max":{"value":"100/3","display":"33.34","exclusive":false},"display":"(16.66, 33.34]"}
}
