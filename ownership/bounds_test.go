package ownership_test

import (
	"testing"

	"github.com/dossierkit/dossier/ownership"
)

func TestTotalBounds(t *testing.T) {
	// B holds 40 % of M, so A's unknown stake in M is between 0 and 60 %.
	// C holds 30 % of A: [0, 18]. D holds 33.33 % of A: [0, 19.998],
	// whose maximum rounds up to 20.00, not to the nearest.
	edges := []ownership.Edge{
		{From: "B", To: "M", Ownership: ownership.MustParsePercent("40")},
		{From: "A", To: "M", Ownership: ownership.Unknown()},
		{From: "C", To: "A", Ownership: ownership.MustParsePercent("30")},
		{From: "D", To: "A", Ownership: ownership.MustParsePercent("33.33")},
	}
	res, err := ownership.Compute("M", edges, ownership.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id        string
		ok        bool
		lo, hi    string
		unbounded bool
	}{
		{"B", false, "", "", false},
		{"A", true, "0.00", "60.00", false},
		{"C", true, "0.00", "18.00", false},
		{"D", true, "0.00", "20.00", false}, // 19.998 rounded up, not to nearest
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			total, _ := res.Total(tt.id, ownership.Ownership)
			lo, hi, ok := total.Bounds(2)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v (total %s)", ok, tt.ok, total)
			}
			if !ok {
				return
			}
			if lo.StringFixed(2) != tt.lo || hi == nil || hi.StringFixed(2) != tt.hi {
				t.Fatalf("bounds %s, %v; want %s, %s", lo.StringFixed(2), hi, tt.lo, tt.hi)
			}
		})
	}
}
