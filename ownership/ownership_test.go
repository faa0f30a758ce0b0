package ownership_test

import (
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/validation"
	"github.com/shopspring/decimal"
)

// pc parses a test percentage, without validating it; "?" is unknown.
func pc(s string) ownership.Percent {
	if s == "?" {
		return ownership.Unknown()
	}
	return ownership.Known(decimal.RequireFromString(s))
}

// e builds an edge with the same ownership and voting percentage.
func e(from, to, p string) ownership.Edge {
	return ownership.Edge{From: from, To: to, Ownership: pc(p), Voting: pc(p)}
}

// ev builds an edge with distinct ownership and voting percentages.
func ev(from, to, own, vote string) ownership.Edge {
	return ownership.Edge{From: from, To: to, Ownership: pc(own), Voting: pc(vote)}
}

// rat parses "2/3" or "42.5" into a rational.
func rat(t *testing.T, s string) *big.Rat {
	t.Helper()
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("bad rational %q", s)
	}
	return r
}

func mustCompute(t *testing.T, root string, edges []ownership.Edge, opts ownership.Options) *ownership.Result {
	t.Helper()
	r, err := ownership.Compute(root, edges, opts)
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	return r
}

func wantExact(t *testing.T, r *ownership.Result, id string, in ownership.Interest, want string) {
	t.Helper()
	got, ok := r.Total(id, in)
	if !ok {
		t.Fatalf("Total(%s, %s): not found", id, in)
	}
	if !got.Known() {
		t.Fatalf("Total(%s, %s) = %s, want exact %s", id, in, got, want)
	}
	if w := rat(t, want); got.Exact().Cmp(w) != 0 {
		t.Fatalf("Total(%s, %s) = %s (%s), want %s", id, in, got.Exact().RatString(), got, w.RatString())
	}
}

// TestWorkedExamples checks public worked examples of ownership computation (Eurostat, a public Q&A).
func TestWorkedExamples(t *testing.T) {
	tests := []struct {
		name  string
		root  string
		edges []ownership.Edge
		want  map[string]string // exact percent
	}{
		{"eurostat chain", "C", []ownership.Edge{e("A", "B", "70"), e("B", "C", "60")},
			map[string]string{"A": "42", "B": "60"}},
		{"eurostat diamond", "C", []ownership.Edge{
			e("A", "B1", "100"), e("A", "B2", "80"), e("B1", "C", "20"), e("B2", "C", "35")},
			map[string]string{"A": "48", "B1": "20", "B2": "35"}},
		{"chain 50x60", "R", []ownership.Edge{e("P", "X", "50"), e("X", "R", "60")},
			map[string]string{"P": "30"}},
		{"chain 80x50x70", "R", []ownership.Edge{e("P", "X", "80"), e("X", "Y", "50"), e("Y", "R", "70")},
			map[string]string{"P": "28"}},
		{"chain 100x20", "R", []ownership.Edge{e("P", "X", "100"), e("X", "R", "20")},
			map[string]string{"P": "20"}},
		{"chain 90x60x50x40", "R", []ownership.Edge{
			e("P", "X", "90"), e("X", "Y", "60"), e("Y", "Z", "50"), e("Z", "R", "40")},
			map[string]string{"P": "10.8"}},
		// 0.5 / (1 - 0.5*0.5) = 2/3 and 0.5 * 0.5 / (1 - 0.25) = 1/3; the
		// cycle-free paths would give 50 and 25.
		{"cross-holding", "A", []ownership.Edge{
			e("UA", "A", "50"), e("B", "A", "50"), e("UB", "B", "50"), e("A", "B", "50")},
			map[string]string{"UA": "200/3", "UB": "100/3", "B": "200/3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustCompute(t, tt.root, tt.edges, ownership.Options{})
			for id, want := range tt.want {
				wantExact(t, r, id, ownership.Ownership, want)
				wantExact(t, r, id, ownership.Voting, want)
			}
		})
	}
}

// TestThresholdChains is the ">= 25 %" test of the guide: yes, yes, no, no.
func TestThresholdChains(t *testing.T) {
	chains := []struct {
		pcts []string
		want ownership.Outcome
	}{
		{[]string{"50", "60"}, ownership.Yes},
		{[]string{"80", "50", "70"}, ownership.Yes},
		{[]string{"100", "20"}, ownership.No},
		{[]string{"90", "60", "50", "40"}, ownership.No},
	}
	for _, c := range chains {
		t.Run(strings.Join(c.pcts, "x"), func(t *testing.T) {
			var edges []ownership.Edge
			ids := []string{"P", "X1", "X2", "X3"}
			for i, p := range c.pcts {
				to := "R"
				if i+1 < len(c.pcts) {
					to = ids[i+1]
				}
				edges = append(edges, e(ids[i], to, p))
			}
			r := mustCompute(t, "R", edges, ownership.Options{})
			a, err := r.Assess("P", ownership.Policy{Threshold: decimal.NewFromInt(25), Comparator: ownership.AtLeast})
			if err != nil {
				t.Fatal(err)
			}
			if a.OwnershipTest != c.want || a.VotingTest != c.want || a.Outcome() != c.want {
				t.Fatalf("got %s/%s, want %s", a.OwnershipTest, a.VotingTest, c.want)
			}
		})
	}
}

func TestDiamondsAndDeepChains(t *testing.T) {
	t.Run("double diamond", func(t *testing.T) {
		// P holds X1 and X2, both hold Y, Y holds R, plus a second diamond
		// under Y: 0.6*0.5 + 0.4*0.25 = 0.4 of Y; Y holds 0.7 of R: 28.
		r := mustCompute(t, "R", []ownership.Edge{
			e("P", "X1", "60"), e("P", "X2", "40"), e("X1", "Y", "50"), e("X2", "Y", "25"),
			e("Y", "R", "70"), e("Q", "Y", "25"),
		}, ownership.Options{})
		wantExact(t, r, "P", ownership.Ownership, "28")
		wantExact(t, r, "Q", ownership.Ownership, "17.5")
	})
	t.Run("deep chain of 33.33", func(t *testing.T) {
		// 40 links of 33.33 %: 100 * 3333^40 / 10^160, 160 decimals.
		const n = 40
		var edges []ownership.Edge
		id := func(i int) string {
			if i == n {
				return "R"
			}
			return "N" + string(rune('A'+i/26)) + string(rune('a'+i%26))
		}
		for i := range n {
			edges = append(edges, e(id(i), id(i+1), "33.33"))
		}
		r := mustCompute(t, "R", edges, ownership.Options{})
		num := new(big.Int).Exp(big.NewInt(3333), big.NewInt(n), nil)
		num.Mul(num, big.NewInt(100))
		den := new(big.Int).Exp(big.NewInt(10), big.NewInt(4*n), nil)
		want := new(big.Rat).SetFrac(num, den)
		got, _ := r.Total(id(0), ownership.Ownership)
		if !got.Known() || got.Exact().Cmp(want) != 0 {
			t.Fatalf("got %s, want %s", got, want.FloatString(170))
		}
		if d, _ := got.Round(2); !d.IsZero() {
			t.Fatalf("display %s, want 0.00", d)
		}
	})
}

func TestCrossHoldingUnattributed(t *testing.T) {
	r := mustCompute(t, "A", []ownership.Edge{
		e("UA", "A", "50"), e("B", "A", "50"), e("UB", "B", "50"), e("A", "B", "50"),
	}, ownership.Options{})
	u := r.Unattributed(ownership.Ownership)
	for name, got := range map[string]ownership.Total{"undeclared": u.Undeclared, "closed": u.ClosedLoop, "uncontrolled": u.Uncontrolled} {
		if !got.Known() || got.Exact().Sign() != 0 {
			t.Errorf("%s = %s, want 0", name, got)
		}
	}
	if got, want := r.UltimateOwners(), []string{"UA", "UB"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("ultimate owners %v", got)
	}
	if got := r.Holders(); strings.Join(got, ",") != "B,UA,UB" {
		t.Fatalf("holders %v", got)
	}
	if _, ok := r.Total("A", ownership.Ownership); ok {
		t.Fatal("the root must not be its own holder")
	}
}

func TestClosedLoop(t *testing.T) {
	// A and B own each other entirely; A holds 40 % of R, U the other 60 %.
	r := mustCompute(t, "R", []ownership.Edge{
		e("A", "B", "100"), e("B", "A", "100"), e("A", "R", "40"), e("U", "R", "60"),
	}, ownership.Options{})
	for _, id := range []string{"A", "B"} {
		got, _ := r.Total(id, ownership.Ownership)
		if !got.ClosedLoop() || got.Known() || got.Min() != nil || got.String() != "closed loop" {
			t.Fatalf("%s = %s, want closed loop", id, got)
		}
	}
	wantExact(t, r, "U", ownership.Ownership, "60")
	u := r.Unattributed(ownership.Ownership)
	if !u.ClosedLoop.Known() || u.ClosedLoop.Exact().Cmp(rat(t, "40")) != 0 {
		t.Fatalf("closed loop share = %s, want 40", u.ClosedLoop)
	}
	if len(u.Loops) != 1 || strings.Join(u.Loops[0], ",") != "A,B" {
		t.Fatalf("loops = %v", u.Loops)
	}
	if !u.Undeclared.Known() || u.Undeclared.Exact().Sign() != 0 {
		t.Fatalf("undeclared = %s", u.Undeclared)
	}
	ex, err := r.Explain("A", ownership.Ownership, 5)
	if err != nil || len(ex.Chains) != 0 || strings.Join(ex.ClosedLoop, ",") != "A,B" {
		t.Fatalf("explain = %+v, %v", ex, err)
	}
	bo, err := r.BeneficialOwners(ownership.DefaultPolicy())
	if err != nil || len(bo) != 1 || bo[0].ID != "U" {
		t.Fatalf("beneficial owners = %+v, %v", bo, err)
	}

	t.Run("root inside the loop", func(t *testing.T) {
		r := mustCompute(t, "R", []ownership.Edge{e("A", "R", "100"), e("R", "A", "100")}, ownership.Options{})
		u := r.Unattributed(ownership.Ownership)
		if !u.ClosedLoop.Known() || u.ClosedLoop.Exact().Cmp(rat(t, "100")) != 0 {
			t.Fatalf("closed loop share = %s, want 100", u.ClosedLoop)
		}
	})
	t.Run("three members", func(t *testing.T) {
		r := mustCompute(t, "R", []ownership.Edge{
			e("A", "B", "100"), e("B", "C", "100"), e("C", "A", "100"), e("B", "R", "10"), e("U", "R", "25"),
		}, ownership.Options{})
		u := r.Unattributed(ownership.Ownership)
		if u.ClosedLoop.Exact().Cmp(rat(t, "10")) != 0 || u.Undeclared.Exact().Cmp(rat(t, "65")) != 0 {
			t.Fatalf("unattributed = %s / %s", u.ClosedLoop, u.Undeclared)
		}
	})
}

func TestUnknownPercentages(t *testing.T) {
	// U1's stake in A is unknown; 40 % of A is undeclared headroom.
	r := mustCompute(t, "R", []ownership.Edge{
		e("U1", "A", "?"), e("U2", "A", "60"), e("A", "R", "50"),
	}, ownership.Options{})
	got, _ := r.Total("U1", ownership.Ownership)
	if got.Known() || got.Min().Sign() != 0 || got.Max().Cmp(rat(t, "20")) != 0 {
		t.Fatalf("U1 = %s, want [0, 20]", got)
	}
	if got.String() != "[0.00, 20.00]" {
		t.Fatalf("String = %q", got.String())
	}
	if _, ok := got.Round(2); ok {
		t.Fatal("Round of a range must report false")
	}
	wantExact(t, r, "U2", ownership.Ownership, "30")
	wantExact(t, r, "A", ownership.Ownership, "50")
	u := r.Unattributed(ownership.Ownership)
	if u.Undeclared.Min().Cmp(rat(t, "50")) != 0 || u.Undeclared.Max().Cmp(rat(t, "70")) != 0 {
		t.Fatalf("undeclared = %s, want [50, 70]", u.Undeclared)
	}

	t.Run("possibly a beneficial owner", func(t *testing.T) {
		r := mustCompute(t, "R", []ownership.Edge{
			e("U1", "A", "?"), e("U2", "A", "30"), e("A", "R", "100"),
		}, ownership.Options{})
		a, err := r.Assess("U1", ownership.DefaultPolicy())
		if err != nil || a.OwnershipTest != ownership.Possibly || a.Outcome() != ownership.Possibly {
			t.Fatalf("U1: %+v, %v", a, err)
		}
		bo, _ := r.BeneficialOwners(ownership.DefaultPolicy())
		if len(bo) != 3 { // A (company, 100), U1 possibly, U2 yes
			t.Fatalf("beneficial owners = %+v", bo)
		}
		if bo[1].ID != "U1" || bo[2].ID != "U2" || bo[2].Outcome() != ownership.Yes || !bo[2].Ultimate || bo[0].Ultimate {
			t.Fatalf("beneficial owners = %+v", bo)
		}
	})
	t.Run("unknown in a cross-holding", func(t *testing.T) {
		r := mustCompute(t, "A", []ownership.Edge{
			e("UA", "A", "50"), e("B", "A", "?"), e("UB", "B", "50"), e("A", "B", "50"),
		}, ownership.Options{})
		ua, _ := r.Total("UA", ownership.Ownership)
		// B's stake in A lies in [0, 50]: UA's total goes from 50 (no walk
		// back) to 2/3 (the worked example).
		if ua.Min().Cmp(rat(t, "50")) != 0 || ua.Max().Cmp(rat(t, "200/3")) != 0 {
			t.Fatalf("UA = %s", ua)
		}
		ub, _ := r.Total("UB", ownership.Ownership)
		if ub.Min().Sign() != 0 || ub.Max().Cmp(rat(t, "100/3")) != 0 {
			t.Fatalf("UB = %s", ub)
		}
	})
	t.Run("no headroom means exact", func(t *testing.T) {
		r := mustCompute(t, "R", []ownership.Edge{
			e("U1", "A", "?"), e("U2", "A", "100"), e("A", "R", "50"),
		}, ownership.Options{})
		wantExact(t, r, "U1", ownership.Ownership, "0")
	})
}

func TestThresholdBoundary(t *testing.T) {
	// P holds exactly 25 % through two 50 % links.
	r := mustCompute(t, "R", []ownership.Edge{e("P", "X", "50"), e("X", "R", "50")}, ownership.Options{})
	tests := []struct {
		cmp       ownership.Comparator
		threshold string
		want      ownership.Outcome
	}{
		{ownership.AtLeast, "25", ownership.Yes},
		{ownership.MoreThan, "25", ownership.No},
		{ownership.AtLeast, "25.01", ownership.No},
		{ownership.MoreThan, "24.99", ownership.Yes},
		{ownership.AtLeast, "0", ownership.Yes}, // zero means the default 25
	}
	for _, tt := range tests {
		t.Run(tt.cmp.String()+tt.threshold, func(t *testing.T) {
			a, err := r.Assess("P", ownership.Policy{Threshold: decimal.RequireFromString(tt.threshold), Comparator: tt.cmp})
			if err != nil {
				t.Fatal(err)
			}
			if a.OwnershipTest != tt.want || a.VotingTest != tt.want {
				t.Fatalf("got %s/%s, want %s", a.OwnershipTest, a.VotingTest, tt.want)
			}
		})
	}
	t.Run("bad policy", func(t *testing.T) {
		_, err := r.Assess("P", ownership.Policy{Threshold: decimal.RequireFromString("100.5"), Comparator: 7})
		var verr *validation.Error
		if !errors.As(err, &verr) || !verr.Has("threshold", validation.CodeOutOfRange) || !verr.Has("comparator", validation.CodeInvalidValue) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestSeparateTests(t *testing.T) {
	// 20 % of capital but 30 % of votes: the voting test alone passes; the
	// two are never added.
	r := mustCompute(t, "R", []ownership.Edge{ev("P", "R", "20", "30"), ev("Q", "R", "15", "15")}, ownership.Options{})
	a, _ := r.Assess("P", ownership.DefaultPolicy())
	if a.OwnershipTest != ownership.No || a.VotingTest != ownership.Yes || a.Outcome() != ownership.Yes {
		t.Fatalf("P: %+v", a)
	}
	if m := a.Met(); len(m) != 1 || m[0] != ownership.Voting {
		t.Fatalf("Met = %v", m)
	}
	q, _ := r.Assess("Q", ownership.DefaultPolicy())
	if q.Outcome() != ownership.No {
		t.Fatalf("Q (15 + 15 must not be summed): %+v", q)
	}
}

func TestControlChain(t *testing.T) {
	cc := ownership.Options{Voting: ownership.ControlChain}
	tests := []struct {
		name  string
		edges []ownership.Edge
		want  map[string]string // voting totals under control chain
		unc   string            // uncontrolled share
	}{
		{"exactly 50 is not control", []ownership.Edge{
			e("P", "I", "50"), e("Q", "I", "50"), e("I", "R", "30")},
			map[string]string{"P": "0", "Q": "0", "I": "30"}, "30"},
		{"50.01 is control", []ownership.Edge{
			e("P", "I", "50.01"), e("Q", "I", "49.99"), e("I", "R", "30")},
			map[string]string{"P": "30", "Q": "0"}, "0"},
		{"control passes up a chain", []ownership.Edge{
			e("P", "I1", "60"), e("I1", "I2", "60"), e("I2", "R", "30")},
			map[string]string{"P": "30", "I1": "30"}, "0"},
		{"direct stakes at face value, chains added", []ownership.Edge{
			e("P", "R", "10"), e("P", "I", "51"), e("I", "R", "20"), e("Q", "I", "49")},
			map[string]string{"P": "30", "Q": "0"}, "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustCompute(t, "R", tt.edges, cc)
			for id, want := range tt.want {
				wantExact(t, r, id, ownership.Voting, want)
			}
			u := r.Unattributed(ownership.Voting)
			if !u.Uncontrolled.Known() || u.Uncontrolled.Exact().Cmp(rat(t, tt.unc)) != 0 {
				t.Fatalf("uncontrolled = %s, want %s", u.Uncontrolled, tt.unc)
			}
		})
	}
	// Ownership stays multiplicative whatever the voting method.
	r := mustCompute(t, "R", []ownership.Edge{e("P", "I", "60"), e("I", "R", "30")}, cc)
	wantExact(t, r, "P", ownership.Ownership, "18")
	wantExact(t, r, "P", ownership.Voting, "30")
	// The default is multiplicative.
	r = mustCompute(t, "R", []ownership.Edge{e("P", "I", "60"), e("I", "R", "30")}, ownership.Options{})
	wantExact(t, r, "P", ownership.Voting, "18")

	t.Run("unknown may or may not control", func(t *testing.T) {
		r := mustCompute(t, "R", []ownership.Edge{e("P", "I", "?"), e("Q", "I", "30"), e("I", "R", "40")}, cc)
		got, _ := r.Total("P", ownership.Voting)
		if got.Min().Sign() != 0 || got.Max().Cmp(rat(t, "40")) != 0 {
			t.Fatalf("P = %s, want [0, 40]", got)
		}
	})
	t.Run("control loop", func(t *testing.T) {
		// A and B control each other; U holds only 40 % of A: nobody
		// controls the pair, whose 25 % of R is a closed loop of control.
		r := mustCompute(t, "R", []ownership.Edge{
			e("A", "B", "60"), e("B", "A", "60"), e("U", "A", "40"), e("A", "R", "25")}, cc)
		wantExact(t, r, "U", ownership.Voting, "0")
		u := r.Unattributed(ownership.Voting)
		if u.ClosedLoop.Exact().Cmp(rat(t, "25")) != 0 {
			t.Fatalf("closed loop = %s", u.ClosedLoop)
		}
	})
}

func TestValidation(t *testing.T) {
	_, err := ownership.Compute("", []ownership.Edge{
		ev("A", "B", "150", "12.345"),
		e("C", "C", "10"),
		e("A", "D", "10"),
		e("A", "D", "20"),
		e("", "D", "5"),
		ev("X", "Y", "-1", "100.001"),
	}, ownership.Options{})
	var verr *validation.Error
	if !errors.As(err, &verr) || !errors.Is(err, validation.ErrInvalid) {
		t.Fatalf("err = %v", err)
	}
	want := []struct {
		path string
		code validation.Code
	}{
		{"root", validation.CodeRequired},
		{"edges[0].ownership_percentage", validation.CodeOutOfRange},
		{"edges[0].voting_rights_percentage", validation.CodeTooPrecise},
		{"edges[1].to", validation.CodeInvalidValue},
		{"edges[3]", validation.CodeDuplicate},
		{"edges[4].from", validation.CodeRequired},
		{"edges[5].ownership_percentage", validation.CodeOutOfRange},
		{"edges[5].voting_rights_percentage", validation.CodeOutOfRange},
		{"edges[5].voting_rights_percentage", validation.CodeTooPrecise},
	}
	for _, w := range want {
		if !verr.Has(w.path, w.code) {
			t.Errorf("missing %s %s in %v", w.path, w.code, verr)
		}
	}
	if len(verr.Problems) != len(want) {
		t.Errorf("got %d problems, want %d: %v", len(verr.Problems), len(want), verr)
	}

	t.Run("over-allocated", func(t *testing.T) {
		_, err := ownership.Compute("R", []ownership.Edge{
			ev("A", "R", "60", "10"), ev("B", "R", "40.01", "?"), ev("C", "R", "?", "95"),
		}, ownership.Options{})
		var verr *validation.Error
		if !errors.As(err, &verr) || len(verr.Problems) != 2 ||
			!verr.Has("edges[1].ownership_percentage", ownership.CodeOverAllocated) ||
			!verr.Has("edges[2].voting_rights_percentage", ownership.CodeOverAllocated) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("bad voting method", func(t *testing.T) {
		_, err := ownership.Compute("R", nil, ownership.Options{Voting: 9})
		if !errors.Is(err, validation.ErrInvalid) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("cycle too large", func(t *testing.T) {
		edges := []ownership.Edge{e("A", "B", "10"), e("B", "C", "10"), e("C", "A", "10"), e("A", "R", "10")}
		_, err := ownership.Compute("R", edges, ownership.Options{MaxCycleSize: 2})
		if !errors.Is(err, ownership.ErrCycleTooLarge) {
			t.Fatalf("err = %v", err)
		}
		if _, err := ownership.Compute("R", edges, ownership.Options{MaxCycleSize: 3}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestEmptyAndUnreachable(t *testing.T) {
	r := mustCompute(t, "R", nil, ownership.Options{})
	u := r.Unattributed(ownership.Ownership)
	if u.Undeclared.Exact().Cmp(rat(t, "100")) != 0 || len(r.Holders()) != 0 {
		t.Fatalf("empty: %s %v", u.Undeclared, r.Holders())
	}
	// R owns a subsidiary S, which cannot reach R: S's total is exactly 0.
	r = mustCompute(t, "R", []ownership.Edge{e("R", "S", "100"), e("P", "R", "100")}, ownership.Options{})
	wantExact(t, r, "S", ownership.Ownership, "0")
	if _, ok := r.Total("nobody", ownership.Ownership); ok {
		t.Fatal("unknown id must not be found")
	}
	if _, err := r.Explain("nobody", ownership.Ownership, 0); !errors.Is(err, ownership.ErrUnknownNode) {
		t.Fatalf("err = %v", err)
	}
	if _, err := r.Explain("R", ownership.Ownership, 0); !errors.Is(err, ownership.ErrRootNode) {
		t.Fatalf("err = %v", err)
	}
}

func TestCompare(t *testing.T) {
	r := mustCompute(t, "A", []ownership.Edge{
		e("UA", "A", "50"), e("B", "A", "50"), e("UB", "B", "50"), e("A", "B", "50"), e("X", "UA", "?"),
	}, ownership.Options{})
	tests := []struct {
		id       string
		declared string
		differs  bool
	}{
		{"UA", "66.67", false}, // 200/3 rounded
		{"UA", "66.66", false}, // 200/3 truncated
		{"UA", "66.65", true},
		{"UA", "66.68", true},
		{"UA", "?", false},
		{"UB", "33.33", false},
		{"UB", "33.34", false},
		{"UB", "25", true},    // the cycle-free answer
		{"X", "50", false},    // X is in [0, 200/3]
		{"X", "66.67", false}, // 200/3 rounded
		{"X", "66.68", true},
	}
	for _, tt := range tests {
		t.Run(tt.id+"="+tt.declared, func(t *testing.T) {
			d, err := r.Compare(tt.id, ownership.Ownership, pc(tt.declared))
			if err != nil {
				t.Fatal(err)
			}
			if d.Differs != tt.differs {
				t.Fatalf("Differs = %v, want %v (computed %s)", d.Differs, tt.differs, d.Computed)
			}
		})
	}
	d, _ := r.Compare("UA", ownership.Ownership, pc("66.67"))
	if d.Difference.Cmp(rat(t, "1/300")) != 0 {
		t.Fatalf("Difference = %s, want 1/300", d.Difference.RatString())
	}
}
