package ownership_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/validation"
)

// sameJSON fails unless got is want once want's insignificant spaces are
// removed: byte for byte, members in the documented order.
func sameJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	var w bytes.Buffer
	if err := json.Compact(&w, []byte(want)); err != nil {
		t.Fatalf("bad expected JSON: %v", err)
	}
	if !bytes.Equal(got, w.Bytes()) {
		t.Fatalf("got  %s\nwant %s", got, w.Bytes())
	}
}

func total(t *testing.T, r *ownership.Result, id string, in ownership.Interest) ownership.Total {
	t.Helper()
	got, ok := r.Total(id, in)
	if !ok {
		t.Fatalf("no total for %s", id)
	}
	return got
}

// TestTotalJSON: the expected JSON is written from the documented form: a
// fraction string and a two-decimal display for an exact value, bounds
// rounded outwards with their open or closed ends for a range.
func TestTotalJSON(t *testing.T) {
	// UA holds 50 % of A, B the other 50 %; UB and A hold 50 % of B each:
	// UA's total is 2/3 of A.
	cross := mustCompute(t, "A", []ownership.Edge{e("UA", "A", "50"), e("B", "A", "50"), e("UB", "B", "50"), e("A", "B", "50")}, ownership.Options{})
	// "more than 25 % but not more than 50 %" directly in R.
	band := mustCompute(t, "R", []ownership.Edge{{From: "P", To: "R", Ownership: ownership.MustParsePercent("(25, 50]")}}, ownership.Options{})
	// H holds 33.33 % of R; Q holds 50 % of H and P an unknown part, at
	// most the other 50 %: P holds from 0 to 50 % of 33.33 %, 3333/200.
	unknown := mustCompute(t, "R", []ownership.Edge{e("H", "R", "33.33"), e("Q", "H", "50"), e("P", "H", "?")}, ownership.Options{})
	// A and B own each other entirely and A holds 40 % of R.
	loop := mustCompute(t, "R", []ownership.Edge{e("A", "B", "100"), e("B", "A", "100"), e("A", "R", "40"), e("U", "R", "60")}, ownership.Options{})
	tests := []struct {
		name  string
		total ownership.Total
		want  string
	}{
		{"exact fraction", total(t, cross, "UA", ownership.Ownership),
			`{"kind": "exact", "value": "200/3", "display": "66.67"}`},
		{"exact, the other third", total(t, cross, "UB", ownership.Ownership),
			`{"kind": "exact", "value": "100/3", "display": "33.33"}`},
		{"band: open minimum", total(t, band, "P", ownership.Ownership),
			`{"kind": "range",
			  "min": {"value": "25", "display": "25.00", "exclusive": true},
			  "max": {"value": "50", "display": "50.00", "exclusive": false},
			  "display": "(25.00, 50.00]"}`},
		{"unknown stake: maximum rounded up for display", total(t, unknown, "P", ownership.Ownership),
			`{"kind": "range",
			  "min": {"value": "0", "display": "0.00", "exclusive": false},
			  "max": {"value": "3333/200", "display": "16.67", "exclusive": false},
			  "display": "[0.00, 16.67]"}`},
		{"closed loop", total(t, loop, "A", ownership.Ownership),
			`{"kind": "closed_loop", "display": "closed loop"}`},
		{"zero value", ownership.Total{}, `{"kind": "unknown", "display": "unknown"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.total)
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, got, tt.want)
			var back ownership.Total
			if err := json.Unmarshal(got, &back); err != nil {
				t.Fatalf("decode %s: %v", got, err)
			}
			if !back.Equal(tt.total) {
				t.Fatalf("round trip gave %s, want %s", back, tt.total)
			}
		})
	}
}

func TestTotalJSONDecode(t *testing.T) {
	t.Run("no finite maximum", func(t *testing.T) {
		in := `{"kind":"range","min":{"value":"10","display":"10.00","exclusive":false},"max":null,"display":"[10.00, unbounded]"}`
		var got ownership.Total
		if err := json.Unmarshal([]byte(in), &got); err != nil {
			t.Fatal(err)
		}
		if got.Max() != nil || got.Min().Cmp(rat(t, "10")) != 0 || got.String() != "[10.00, unbounded]" {
			t.Fatalf("decoded %s", got)
		}
		out, _ := json.Marshal(got)
		sameJSON(t, out, in)
	})
	tests := []struct {
		name, in, path string
		code           validation.Code
	}{
		{"bad kind", `{"kind":"big"}`, "kind", validation.CodeInvalidValue},
		{"no kind", `{}`, "kind", validation.CodeRequired},
		{"exact without value", `{"kind":"exact"}`, "value", validation.CodeRequired},
		{"not a fraction", `{"kind":"exact","value":"two thirds"}`, "value", validation.CodeInvalidFormat},
		{"negative", `{"kind":"exact","value":"-1/3"}`, "value", validation.CodeOutOfRange},
		{"exponent", `{"kind":"exact","value":"1e999999999"}`, "value", validation.CodeInvalidFormat},
		{"bounds out of order", `{"kind":"range","min":{"value":"50"},"max":{"value":"25"}}`, "max", validation.CodeOutOfRange},
		{"range without min", `{"kind":"range","max":{"value":"25"}}`, "min", validation.CodeRequired},
		{"unknown member", `{"kind":"unknown","extra":1}`, "extra", validation.CodeUnknownField},
		{"bounds on an exact total", `{"kind":"exact","value":"1","min":{"value":"0"}}`, "kind", validation.CodeConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got ownership.Total
			err := json.Unmarshal([]byte(tt.in), &got)
			var verr *validation.Error
			if !errors.As(err, &verr) {
				t.Fatalf("got %v, want a *validation.Error", err)
			}
			for _, p := range verr.Problems {
				if p.Path == tt.path && p.Code == tt.code {
					return
				}
			}
			t.Fatalf("problems %+v, want %s at %q", verr.Problems, tt.code, tt.path)
		})
	}
}

// resultFixture: H holds 60 % of R's capital and 70 % of its votes; P
// holds 50 % of H's capital and 40 % of its votes, Q 50 % and 60 %; I
// holds 25 % of R's capital and 20 % of its votes.
//
//	ownership: H 60, P 30, Q 30, I 25, undeclared 100 - 85 = 15
//	voting:    H 70, P 28, Q 42, I 20, undeclared 100 - 90 = 10
func resultFixture(t *testing.T) *ownership.Result {
	return mustCompute(t, "R", []ownership.Edge{
		ev("H", "R", "60", "70"), ev("P", "H", "50", "40"), ev("Q", "H", "50", "60"), ev("I", "R", "25", "20"),
	}, ownership.Options{})
}

func exactJSON(v, display string) string {
	return `{"kind":"exact","value":"` + v + `","display":"` + display + `"}`
}

func TestResultJSON(t *testing.T) {
	got, err := json.Marshal(resultFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	zero := exactJSON("0", "0.00")
	sameJSON(t, got, `{
	  "root": "R",
	  "options": {"voting": "multiplicative", "voting_from_ownership": false, "max_cycle_size": 500},
	  "holders": [
	    {"id": "H", "ultimate": false, "ownership": `+exactJSON("60", "60.00")+`, "voting_rights": `+exactJSON("70", "70.00")+`},
	    {"id": "I", "ultimate": true, "ownership": `+exactJSON("25", "25.00")+`, "voting_rights": `+exactJSON("20", "20.00")+`},
	    {"id": "P", "ultimate": true, "ownership": `+exactJSON("30", "30.00")+`, "voting_rights": `+exactJSON("28", "28.00")+`},
	    {"id": "Q", "ultimate": true, "ownership": `+exactJSON("30", "30.00")+`, "voting_rights": `+exactJSON("42", "42.00")+`}
	  ],
	  "unattributed": {
	    "ownership": {"undeclared": `+exactJSON("15", "15.00")+`, "uncontrolled": `+zero+`, "closed_loop": `+zero+`,
	                  "loops": [], "total": `+exactJSON("15", "15.00")+`},
	    "voting_rights": {"undeclared": `+exactJSON("10", "10.00")+`, "uncontrolled": `+zero+`, "closed_loop": `+zero+`,
	                      "loops": [], "total": `+exactJSON("10", "10.00")+`}
	  }
	}`)
}

func TestAssessmentAndDiscrepancyJSON(t *testing.T) {
	r := resultFixture(t)
	a, err := r.Assess("I", ownership.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	// 25 % of the capital passes "25 % or more"; 20 % of the votes does
	// not; either test passing makes the outcome yes.
	got, _ := json.Marshal(a)
	sameJSON(t, got, `{"id": "I", "ultimate": true, "ownership": `+exactJSON("25", "25.00")+`, "voting_rights": `+exactJSON("20", "20.00")+`,
	  "ownership_test": "yes", "voting_rights_test": "no", "outcome": "yes"}`)
	var back ownership.Assessment
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	if again, _ := json.Marshal(back); !bytes.Equal(again, got) {
		t.Fatalf("round trip gave %s", again)
	}
	forged := bytes.Replace(got, []byte(`"outcome":"yes"`), []byte(`"outcome":"no"`), 1)
	if err := json.Unmarshal(forged, &back); err == nil {
		t.Fatalf("an outcome that is not the combination of the tests was accepted")
	}

	// P is declared at 33.33 % and computed at 30 %: 33.33 - 30 = 333/100.
	d, err := r.Compare("P", ownership.Ownership, pc("33.33"))
	if err != nil {
		t.Fatal(err)
	}
	got, _ = json.Marshal(d)
	sameJSON(t, got, `{"id": "P", "interest": "ownership", "declared": 33.33, "computed": `+exactJSON("30", "30.00")+`,
	  "differs": true, "difference": "333/100"}`)
	var dback ownership.Discrepancy
	if err := json.Unmarshal(got, &dback); err != nil {
		t.Fatal(err)
	}
	if again, _ := json.Marshal(dback); !bytes.Equal(again, got) {
		t.Fatalf("round trip gave %s", again)
	}
	// An unknown declared value: null, and no difference.
	d, _ = r.Compare("Q", ownership.Voting, ownership.Unknown())
	got, _ = json.Marshal(d)
	sameJSON(t, got, `{"id": "Q", "interest": "voting_rights", "declared": null, "computed": `+exactJSON("42", "42.00")+`,
	  "differs": false, "difference": null}`)
}

// TestUnattributedJSON: with P's stake unknown and Q holding 40 %, the
// undeclared share is what P does not hold: from 0 (P holds the other 60)
// to 60 (P holds nothing); the total is the sum of the parts.
func TestUnattributedJSON(t *testing.T) {
	r := mustCompute(t, "R", []ownership.Edge{e("P", "R", "?"), e("Q", "R", "40")}, ownership.Options{})
	u := r.Unattributed(ownership.Ownership)
	got, _ := json.Marshal(u)
	zero := exactJSON("0", "0.00")
	rng := `{"kind": "range", "min": {"value": "0", "display": "0.00", "exclusive": false},
	  "max": {"value": "60", "display": "60.00", "exclusive": false}, "display": "[0.00, 60.00]"}`
	sameJSON(t, got, `{"undeclared": `+rng+`, "uncontrolled": `+zero+`, "closed_loop": `+zero+`, "loops": [], "total": `+rng+`}`)
	var back ownership.Unattributed
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	if !back.Undeclared.Equal(u.Undeclared) || !back.Total().Equal(u.Total()) || back.Loops != nil {
		t.Fatalf("round trip gave %+v", back)
	}

	t.Run("closed loop", func(t *testing.T) {
		// A and B own each other entirely; A holds 40 % of R, U 60 %.
		r := mustCompute(t, "R", []ownership.Edge{e("A", "B", "100"), e("B", "A", "100"), e("A", "R", "40"), e("U", "R", "60")}, ownership.Options{})
		got, _ := json.Marshal(r.Unattributed(ownership.Ownership))
		sameJSON(t, got, `{"undeclared": `+zero+`, "uncontrolled": `+zero+`, "closed_loop": `+exactJSON("40", "40.00")+`,
		  "loops": [["A", "B"]], "total": `+exactJSON("40", "40.00")+`}`)
	})
}

func TestEnumText(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{ownership.Ownership, `"ownership"`}, {ownership.Voting, `"voting_rights"`},
		{ownership.No, `"no"`}, {ownership.Possibly, `"possibly"`}, {ownership.Yes, `"yes"`},
		{ownership.Multiplicative, `"multiplicative"`}, {ownership.ControlChain, `"control_chain"`},
		{ownership.AtLeast, `"at_least"`}, {ownership.MoreThan, `"more_than"`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			got, err := json.Marshal(tt.v)
			if err != nil || string(got) != tt.want {
				t.Fatalf("got %s, %v; want %s", got, err, tt.want)
			}
		})
	}
	if _, err := json.Marshal(ownership.Interest(9)); err == nil {
		t.Error("an invalid interest encoded")
	}
	var o ownership.Outcome
	if err := json.Unmarshal([]byte(`"maybe"`), &o); err == nil {
		t.Error("an invalid outcome decoded")
	}
}

// FuzzTotalJSON: whatever decodes encodes, and decodes back to an equal
// total.
func FuzzTotalJSON(f *testing.F) {
	for _, s := range []string{
		`{"kind":"exact","value":"200/3","display":"66.67"}`,
		`{"kind":"range","min":{"value":"25","display":"25.00","exclusive":true},"max":{"value":"50","display":"50.00","exclusive":false},"display":"(25.00, 50.00]"}`,
		`{"kind":"range","min":{"value":"10","exclusive":false},"max":null}`,
		`{"kind":"closed_loop"}`, `{"kind":"unknown"}`, `{"kind":"exact","value":"-1/0"}`, `[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got ownership.Total
		if err := json.Unmarshal(data, &got); err != nil {
			return
		}
		out, err := json.Marshal(got)
		if err != nil {
			t.Fatalf("decoded %s but cannot encode it: %v", data, err)
		}
		var back ownership.Total
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("encoded %s does not decode: %v", out, err)
		}
		if !back.Equal(got) {
			t.Fatalf("round trip of %s gave %s, want %s", data, back, got)
		}
	})
}
