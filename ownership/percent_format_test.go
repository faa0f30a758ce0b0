package ownership_test

import (
	"encoding/json"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/ownership"
)

// TestPercentIgnoresDecimalSwitches: shopspring/decimal has process-wide
// formatting switches that a host may set; a percentage's text and JSON
// must not change with them.
func TestPercentIgnoresDecimalSwitches(t *testing.T) {
	defer func(trim bool) { decimal.TrimTrailingZeros = trim }(decimal.TrimTrailingZeros)
	decimal.TrimTrailingZeros = false
	p := ownership.MustParsePercent("33.330")
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "33.33" || p.String() != "33.33" {
		t.Fatalf("JSON %s, String %s; want 33.33 for both", b, p.String())
	}
}
