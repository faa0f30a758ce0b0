package ownership_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/validation"
	"github.com/shopspring/decimal"
)

func TestParsePercent(t *testing.T) {
	tests := []struct {
		in    string
		want  string // String() of the result, "" when an error is expected
		codes []validation.Code
	}{
		{"0", "0", nil},
		{"100", "100", nil},
		{"100.00", "100", nil},
		{"33.33", "33.33", nil},
		{"33.330", "33.33", nil},
		{"1e1", "10", nil},
		{"0.5", "0.5", nil},
		{"", "unknown", nil},
		{"null", "unknown", nil},
		{"100.01", "", []validation.Code{validation.CodeOutOfRange}},
		{"-0.01", "", []validation.Code{validation.CodeOutOfRange}},
		{"1e3", "", []validation.Code{validation.CodeOutOfRange}},
		{"33.333", "", []validation.Code{validation.CodeTooPrecise}},
		{"150.125", "", []validation.Code{validation.CodeOutOfRange, validation.CodeTooPrecise}},
		{"abc", "", []validation.Code{validation.CodeInvalidFormat}},
		{"1.", "", []validation.Code{validation.CodeInvalidFormat}},
		{"0x10", "", []validation.Code{validation.CodeInvalidFormat}},
		{"1e-999999999", "", []validation.Code{validation.CodeInvalidFormat}},
		{strings.Repeat("1", 100), "", []validation.Code{validation.CodeInvalidFormat}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := ownership.ParsePercent(tt.in)
			if tt.want != "" {
				if err != nil || p.String() != tt.want {
					t.Fatalf("got %s, %v; want %s", p, err, tt.want)
				}
				return
			}
			var verr *validation.Error
			if !errors.As(err, &verr) || len(verr.Problems) != len(tt.codes) {
				t.Fatalf("err = %v, want codes %v", err, tt.codes)
			}
			for _, c := range tt.codes {
				if !verr.Has("", c) {
					t.Fatalf("err = %v, want code %s", err, c)
				}
			}
		})
	}
}

func TestPercentValidateHugeExponents(t *testing.T) {
	// Hand-built decimals with absurd exponents are classified without
	// expanding them (this would take forever otherwise).
	tiny := ownership.Known(decimal.New(1, -999999999))
	var verr *validation.Error
	if err := tiny.Validate(); !errors.As(err, &verr) || !verr.Has("", validation.CodeTooPrecise) || len(verr.Problems) != 1 {
		t.Fatalf("tiny: %v", err)
	}
	huge := ownership.Known(decimal.New(1, 999999999))
	if err := huge.Validate(); !errors.As(err, &verr) || !verr.Has("", validation.CodeOutOfRange) || len(verr.Problems) != 1 {
		t.Fatalf("huge: %v", err)
	}
	if err := ownership.Known(decimal.New(1, 2)).Validate(); err != nil {
		t.Fatalf("1e2 is 100: %v", err)
	}
	if err := ownership.Known(decimal.New(10001, -2)).Validate(); err == nil {
		t.Fatal("100.01 accepted")
	}
}

func TestPercentJSON(t *testing.T) {
	type wire struct {
		P ownership.Percent `json:"p"`
	}
	tests := []struct {
		in      string
		want    string // re-encoded
		wantErr bool
	}{
		{`{"p":33.33}`, `{"p":33.33}`, false},
		{`{"p":"12.5"}`, `{"p":12.5}`, false},
		{`{"p":null}`, `{"p":null}`, false},
		{`{}`, `{"p":null}`, false}, // absent is unknown, never 0
		{`{"p":100}`, `{"p":100}`, false},
		{`{"p":true}`, ``, true},
		{`{"p":"x"}`, ``, true},
		{`{"p":{}}`, ``, true},
		{`{"p":"1e-999999"}`, ``, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var w wire
			err := json.Unmarshal([]byte(tt.in), &w)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("accepted: %+v", w)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			out, err := json.Marshal(w)
			if err != nil || string(out) != tt.want {
				t.Fatalf("got %s, %v; want %s", out, err, tt.want)
			}
		})
	}
	// An edge round-trips with the wire names.
	edge := ownership.Edge{From: "a", To: "b", Ownership: ownership.MustParsePercent("12.34"), Voting: ownership.Unknown()}
	b, _ := json.Marshal(edge)
	if string(b) != `{"from":"a","to":"b","ownership_percentage":12.34,"voting_rights_percentage":null}` {
		t.Fatalf("edge JSON %s", b)
	}
	var back ownership.Edge
	if err := json.Unmarshal(b, &back); err != nil || !back.Ownership.Equal(edge.Ownership) || back.Voting.IsKnown() {
		t.Fatalf("round trip %+v, %v", back, err)
	}
}

func TestPercentEqualAndAccessors(t *testing.T) {
	if !pc("50").Equal(pc("50.00")) || pc("50").Equal(pc("50.01")) || pc("50").Equal(ownership.Unknown()) || !ownership.Unknown().Equal(ownership.Percent{}) {
		t.Fatal("Equal")
	}
	if d, ok := pc("12.5").Decimal(); !ok || !d.Equal(decimal.RequireFromString("12.5")) {
		t.Fatal("Decimal")
	}
	if _, ok := ownership.Unknown().Decimal(); ok || ownership.Unknown().IsKnown() {
		t.Fatal("unknown must not be known")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("MustParsePercent must panic on a bad value")
		}
	}()
	ownership.MustParsePercent("101")
}

func FuzzParsePercent(f *testing.F) {
	for _, s := range []string{"0", "100", "33.33", "1e1", "-1", "100.001", "abc", "", "null", "1e-99999", "0.00", "(25, 50]", "[0,100)", "(5, 5]", "[50, 40]", "(1e1, 2e1)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ownership.ParsePercent(s)
		if err != nil {
			var verr *validation.Error
			if !errors.As(err, &verr) {
				t.Fatalf("error is not a *validation.Error: %v", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("accepted %q does not re-validate: %v", s, err)
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var back ownership.Percent
		if err := json.Unmarshal(b, &back); err != nil || !back.Equal(p) {
			t.Fatalf("round trip of %q: %s -> %s, %v", s, b, back, err)
		}
		if d, ok := p.Decimal(); ok {
			r := d.Rat()
			if r.Sign() < 0 || r.Cmp(big.NewRat(100, 1)) > 0 {
				t.Fatalf("%q accepted out of range", s)
			}
		}
	})
}

func FuzzPercentJSON(f *testing.F) {
	for _, s := range []string{`1`, `"2.5"`, `null`, `true`, `{}`, `"1e5"`, `-0`, `1E2`, `"  7 "`,
		`{"exclusive_minimum":25,"maximum":50}`, `{"minimum":75}`, `{"minimum":1,"minimum":2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var p ownership.Percent
		if err := p.UnmarshalJSON(b); err != nil {
			return
		}
		if p.Validate() != nil {
			return
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var back ownership.Percent
		if err := json.Unmarshal(out, &back); err != nil || !back.Equal(p) {
			t.Fatalf("round trip of %q: %s -> %s, %v", b, out, back, err)
		}
	})
}

// FuzzCompute builds small graphs from bytes (4 per edge: from, to,
// ownership, voting; 255 is unknown, 254 the band (10, 20]) and checks that Compute never panics
// and that, with known percentages, the parts account for exactly 100 %.
func FuzzCompute(f *testing.F) {
	f.Add([]byte{1, 0, 50, 50, 2, 0, 50, 50, 3, 2, 50, 50, 0, 2, 50, 50})
	f.Add([]byte{1, 2, 100, 100, 2, 1, 100, 100, 1, 0, 40, 40})
	f.Add([]byte{1, 0, 255, 30, 1, 1, 10, 10, 2, 0, 101, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 4*40 {
			b = b[:4*40]
		}
		var edges []ownership.Edge
		p := func(v byte) ownership.Percent {
			if v == 255 {
				return ownership.Unknown()
			}
			if v == 254 {
				return ownership.MustParsePercent("(10, 20]")
			}
			return ownership.Known(decimal.New(int64(v)*37%10001, -2))
		}
		for i := 0; i+3 < len(b); i += 4 {
			edges = append(edges, ownership.Edge{
				From: fmt.Sprint("n", b[i]%12), To: fmt.Sprint("n", b[i+1]%12),
				Ownership: p(b[i+2]), Voting: p(b[i+3]),
			})
		}
		for _, m := range []ownership.VotingMethod{ownership.Multiplicative, ownership.ControlChain} {
			r, err := ownership.Compute("n0", edges, ownership.Options{Voting: m})
			if err != nil {
				var verr *validation.Error
				if !errors.As(err, &verr) {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			for _, in := range []ownership.Interest{ownership.Ownership, ownership.Voting} {
				sum := new(big.Rat)
				exact := true
				for _, id := range r.UltimateOwners() {
					tot, _ := r.Total(id, in)
					if !tot.Known() {
						exact = false
						break
					}
					sum.Add(sum, tot.Exact())
				}
				u := r.Unattributed(in)
				for _, part := range []ownership.Total{u.Undeclared, u.Uncontrolled, u.ClosedLoop} {
					if !part.Known() {
						exact = false
						break
					}
					sum.Add(sum, part.Exact())
				}
				if exact && sum.Cmp(big.NewRat(100, 1)) != 0 {
					t.Fatalf("%s: parts sum to %s", in, sum.FloatString(10))
				}
				for _, id := range r.Holders() {
					if _, err := r.Explain(id, in, 3); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	})
}
