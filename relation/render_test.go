package relation_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/validation"
)

// The graphs below are written by hand; every expected total in the tests
// is worked out in the comments, not taken from the output.

func rndCompany(id, name string, main bool) entity.Company {
	typ := entity.CompanyAffiliated
	if main {
		typ = entity.CompanyMain
	}
	return entity.Company{ID: id, Type: typ, Name: name, Status: entity.StatusNotReported, IsRelevant: true, CreatedAt: now, UpdatedAt: now}
}

func rndPerson(id, first, last string) entity.Individual {
	return entity.Individual{ID: id, FirstName: first, LastName: last, IsRelevant: true, CreatedAt: now, UpdatedAt: now}
}

// rndRel builds a relation; a source id starting with "p-" is an
// individual, anything else a company. Empty percentages are unknown.
func rndRel(id, from, to, own, vote, position string, roles ...relation.Role) relation.Relation {
	r := relation.Relation{ID: id, ToCompanyID: to, Roles: roles, Position: position, CreatedAt: now, UpdatedAt: now}
	if strings.HasPrefix(from, "p-") {
		r.FromIndividualID = from
	} else {
		r.FromCompanyID = from
	}
	if own != "" {
		r.OwnershipPercentage = pct(own)
	}
	if vote != "" {
		r.VotingRightsPercentage = pct(vote)
	}
	return r
}

// rndSeed is the example structure of the Dotfile API's documentation: Stark Holding owns all of Stark
// Industries (the main company), Tony Stark a third of Stark Holding, and
// Pepper Potts is the main company's legal representative with no stake.
//
// Totals by hand: Stark Holding 100 % of both; Tony 33.33 % x 100 % =
// 33.33 % of both; Pepper's stake is unknown but the main company's known
// stakes already make 100 %, so it can only be 0: exactly 0.00 %.
func rndSeed() relation.Graph {
	return relation.Graph{
		Companies: []entity.Company{
			rndCompany("acme", "Stark Industries", true),
			rndCompany("hold", "Stark Holding", false),
		},
		Individuals: []entity.Individual{
			rndPerson("p-tony", "Tony", "Stark"),
			rndPerson("p-pepper", "Pepper", "Potts"),
		},
		Relations: []relation.Relation{
			rndRel("r1", "hold", "acme", "100", "100", "", relation.RoleShareholder),
			rndRel("r2", "p-tony", "hold", "33.33", "33.33", "CEO", relation.RoleShareholder),
			rndRel("r3", "p-pepper", "acme", "", "", "Managing Director", relation.RoleLegalRepresentative),
		},
	}
}

// rndUnknowns has unknown percentages.
//
//	Alpha -> Meridian (main): ownership 33.31, votes 50
//	Yuri  -> Alpha: ownership 70, votes 40
//	Xena  -> Alpha: both unknown
//
// Alpha: 33.31 % and 50 %. Yuri: 70 % x 33.31 % = 23.317 % (23.32),
// 40 % x 50 % = 20 %. Xena's ownership: at least 0; at most Alpha's
// headroom 30 % x 33.31 % = 9.993 % (shown 10.00 rounded outwards, 9.993
// with three decimals). Her votes: 0 to 60 % x 50 % = 30 %. Under the
// default policy (25 %, >=) her votes may or may not pass: a possible
// beneficial owner. Yuri passes neither test.
func rndUnknowns() relation.Graph {
	return relation.Graph{
		Companies: []entity.Company{
			rndCompany("mer", "Meridian SA", true),
			rndCompany("alpha", "Alpha Holding", false),
		},
		Individuals: []entity.Individual{
			rndPerson("p-xena", "Xena", "Stone"),
			rndPerson("p-yuri", "Yuri", "Vale"),
		},
		Relations: []relation.Relation{
			rndRel("r1", "alpha", "mer", "33.31", "50", "", relation.RoleShareholder),
			rndRel("r2", "p-yuri", "alpha", "70", "40", "", relation.RoleShareholder),
			rndRel("r3", "p-xena", "alpha", "", "", "", relation.RoleShareholder),
		},
	}
}

// rndLoops has a cross-holding an unknown stake could close, and a closed
// loop.
//
//	Cyan -> Main 50 %; Dune -> Cyan 100 %; Cyan -> Dune unknown
//	Pine -> Main 40 %; Quay -> Pine 100 %; Pine -> Quay 100 %
//
// Cyan holds at least its direct 50 %; if Cyan held all of Dune, Cyan and
// Dune would own each other wholly and the walks would never end: no upper
// bound, "at least 50.00%". Dune: at least 100 % x 50 % = 50 %. Pine and
// Quay own each other wholly with no outside owner: a closed loop.
func rndLoops() relation.Graph {
	return relation.Graph{
		Companies: []entity.Company{
			rndCompany("main", "Main", true),
			rndCompany("cyan", "Cyan Ltd", false),
			rndCompany("dune", "Dune Ltd", false),
			rndCompany("pine", "Pine Ltd", false),
			rndCompany("quay", "Quay Ltd", false),
		},
		Relations: []relation.Relation{
			rndRel("r1", "cyan", "main", "50", "50", "", relation.RoleShareholder),
			rndRel("r2", "dune", "cyan", "100", "100", "", relation.RoleShareholder),
			rndRel("r3", "cyan", "dune", "", "", "", relation.RoleShareholder),
			rndRel("r4", "pine", "main", "40", "40", "", relation.RoleShareholder),
			rndRel("r5", "quay", "pine", "100", "100", "", relation.RoleShareholder),
			rndRel("r6", "pine", "quay", "100", "100", "", relation.RoleShareholder),
		},
	}
}

func rndTotals(t testing.TB, g relation.Graph) *ownership.Result {
	t.Helper()
	if err := relation.Check(g); err != nil {
		t.Fatalf("test graph breaks the rules: %v", err)
	}
	res, err := relation.Totals(g, ownership.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func rndPolicy(threshold string, cmp ownership.Comparator) *ownership.Policy {
	return &ownership.Policy{Threshold: decimal.RequireFromString(threshold), Comparator: cmp}
}

// The styles are constants of render.go; written out here once.
const (
	mmdMain       = "    classDef main fill:#dbeafe,stroke:#1e3a8a,stroke-width:3px\n"
	mmdCompany    = "    classDef company fill:#f1f5f9,stroke:#334155\n"
	mmdIndividual = "    classDef individual fill:#ffffff,stroke:#334155\n"
	mmdOwner      = "    classDef owner fill:#fde68a,stroke:#b45309,stroke-width:2px\n"
	mmdPossible   = "    classDef possible fill:#fef3c7,stroke:#b45309,stroke-dasharray:4 2\n"
	mmdLoop       = "    classDef loop stroke:#dc2626,stroke-width:2px,stroke-dasharray:4 2\n"
	mmdWarning    = "    classDef warning fill:#fee2e2,stroke:#dc2626\n"

	dotHeader = "digraph ownership {\n" +
		"    rankdir=TB;\n" +
		"    node [fontname=\"Helvetica\", fontsize=10, style=filled, fillcolor=\"#ffffff\"];\n" +
		"    edge [fontname=\"Helvetica\", fontsize=9];\n"
)

func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

func TestMermaid(t *testing.T) {
	seed, unknowns, loops := rndSeed(), rndUnknowns(), rndLoops()
	seedRes, unknownsRes, loopsRes := rndTotals(t, seed), rndTotals(t, unknowns), rndTotals(t, loops)
	ghost := relation.Graph{
		Companies: []entity.Company{rndCompany("main", "Main", true)},
		Relations: []relation.Relation{rndRel("r1", "gh<o>st", "main", "10", "", "", relation.RoleShareholder)},
	}

	tests := []struct {
		name string
		g    relation.Graph
		res  *ownership.Result
		opts relation.RenderOptions
		want string
	}{{
		name: "seed without totals",
		g:    seed,
		want: lines(
			`flowchart TB`,
			`    n0[["Stark Industries<br/>main company"]]`,
			`    n1["Stark Holding"]`,
			`    n2(["Tony Stark"])`,
			`    n3(["Pepper Potts"])`,
			`    n1 -->|"shareholder<br/>ownership: 100.00%<br/>voting rights: 100.00%"| n0`,
			`    n2 -->|"shareholder<br/>position: CEO<br/>ownership: 33.33%<br/>voting rights: 33.33%"| n1`,
			`    n3 -.->|"legal representative<br/>position: Managing Director<br/>ownership: unknown<br/>voting rights: unknown"| n0`,
		) + mmdMain + mmdCompany + mmdIndividual + lines(
			`    class n0 main`,
			`    class n1 company`,
			`    class n2,n3 individual`,
		),
	}, {
		name: "seed with totals and the default policy",
		g:    seed, res: seedRes, opts: relation.RenderOptions{Policy: rndPolicy("25", ownership.AtLeast)},
		want: lines(
			`flowchart TB`,
			`    n0[["Stark Industries<br/>main company"]]`,
			`    n1["Stark Holding<br/>total ownership: 100.00%<br/>total voting rights: 100.00%"]`,
			`    n2(["Tony Stark<br/>total ownership: 33.33%<br/>total voting rights: 33.33%<br/>beneficial owner: ownership, voting rights"])`,
			`    n3(["Pepper Potts<br/>total ownership: 0.00%<br/>total voting rights: 0.00%"])`,
			`    n1 -->|"shareholder<br/>ownership: 100.00%<br/>voting rights: 100.00%"| n0`,
			`    n2 -->|"shareholder<br/>position: CEO<br/>ownership: 33.33%<br/>voting rights: 33.33%"| n1`,
			`    n3 -.->|"legal representative<br/>position: Managing Director<br/>ownership: unknown<br/>voting rights: unknown"| n0`,
		) + mmdMain + mmdCompany + mmdIndividual + mmdOwner + lines(
			`    class n0 main`,
			`    class n1 company`,
			`    class n2,n3 individual`,
			`    class n2 owner`,
		),
	}, {
		name: "unknown percentages: ranges and a possible owner",
		g:    unknowns, res: unknownsRes, opts: relation.RenderOptions{Policy: rndPolicy("25", ownership.AtLeast)},
		want: lines(
			`flowchart TB`,
			`    n0[["Meridian SA<br/>main company"]]`,
			`    n1["Alpha Holding<br/>total ownership: 33.31%<br/>total voting rights: 50.00%"]`,
			`    n2(["Xena Stone<br/>total ownership: 0.00–10.00%<br/>total voting rights: 0.00–30.00%<br/>possibly a beneficial owner (unknown percentages)"])`,
			`    n3(["Yuri Vale<br/>total ownership: 23.32%<br/>total voting rights: 20.00%"])`,
			`    n1 -->|"shareholder<br/>ownership: 33.31%<br/>voting rights: 50.00%"| n0`,
			`    n3 -->|"shareholder<br/>ownership: 70.00%<br/>voting rights: 40.00%"| n1`,
			`    n2 -->|"shareholder<br/>ownership: unknown<br/>voting rights: unknown"| n1`,
		) + mmdMain + mmdCompany + mmdIndividual + mmdPossible + lines(
			`    class n0 main`,
			`    class n1 company`,
			`    class n2,n3 individual`,
			`    class n2 possible`,
		),
	}, {
		name: "three decimals",
		g:    unknowns, res: unknownsRes, opts: relation.RenderOptions{Places: 3},
		want: lines(
			`flowchart TB`,
			`    n0[["Meridian SA<br/>main company"]]`,
			`    n1["Alpha Holding<br/>total ownership: 33.310%<br/>total voting rights: 50.000%"]`,
			`    n2(["Xena Stone<br/>total ownership: 0.000–9.993%<br/>total voting rights: 0.000–30.000%"])`,
			`    n3(["Yuri Vale<br/>total ownership: 23.317%<br/>total voting rights: 20.000%"])`,
			`    n1 -->|"shareholder<br/>ownership: 33.31%<br/>voting rights: 50.00%"| n0`,
			`    n3 -->|"shareholder<br/>ownership: 70.00%<br/>voting rights: 40.00%"| n1`,
			`    n2 -->|"shareholder<br/>ownership: unknown<br/>voting rights: unknown"| n1`,
		) + mmdMain + mmdCompany + mmdIndividual + lines(
			`    class n0 main`,
			`    class n1 company`,
			`    class n2,n3 individual`,
		),
	}, {
		name: "unbounded range and closed loop",
		g:    loops, res: loopsRes,
		want: lines(
			`flowchart TB`,
			`    n0[["Main<br/>main company"]]`,
			`    n1["Cyan Ltd<br/>total ownership: at least 50.00%<br/>total voting rights: at least 50.00%"]`,
			`    n2["Dune Ltd<br/>total ownership: at least 50.00%<br/>total voting rights: at least 50.00%"]`,
			`    n3["Pine Ltd<br/>total ownership: closed loop<br/>total voting rights: closed loop"]`,
			`    n4["Quay Ltd<br/>total ownership: closed loop<br/>total voting rights: closed loop"]`,
			`    n1 -->|"shareholder<br/>ownership: 50.00%<br/>voting rights: 50.00%"| n0`,
			`    n2 -->|"shareholder<br/>ownership: 100.00%<br/>voting rights: 100.00%"| n1`,
			`    n1 -->|"shareholder<br/>ownership: unknown<br/>voting rights: unknown"| n2`,
			`    n3 -->|"shareholder<br/>ownership: 40.00%<br/>voting rights: 40.00%"| n0`,
			`    n4 -->|"shareholder<br/>ownership: 100.00%<br/>voting rights: 100.00%"| n3`,
			`    n3 -->|"shareholder<br/>ownership: 100.00%<br/>voting rights: 100.00%"| n4`,
		) + mmdMain + mmdCompany + mmdLoop + lines(
			`    class n0 main`,
			`    class n1,n2,n3,n4 company`,
			`    class n3,n4 loop`,
		),
	}, {
		name: "a policy without totals is a warning",
		g:    seed, opts: relation.RenderOptions{Policy: rndPolicy("25", ownership.AtLeast)},
		want: lines(
			`flowchart TB`,
			`    n0[["Stark Industries<br/>main company"]]`,
			`    n1["Stark Holding"]`,
			`    n2(["Tony Stark"])`,
			`    n3(["Pepper Potts"])`,
			`    n4["beneficial owners not shown#58;#8288; no totals"]`,
			`    n1 -->|"shareholder<br/>ownership: 100.00%<br/>voting rights: 100.00%"| n0`,
			`    n2 -->|"shareholder<br/>position: CEO<br/>ownership: 33.33%<br/>voting rights: 33.33%"| n1`,
			`    n3 -.->|"legal representative<br/>position: Managing Director<br/>ownership: unknown<br/>voting rights: unknown"| n0`,
		) + mmdMain + mmdCompany + mmdIndividual + mmdWarning + lines(
			`    class n0 main`,
			`    class n1 company`,
			`    class n2,n3 individual`,
			`    class n4 warning`,
		),
	}, {
		name: "totals of another graph are left out, with a warning",
		g:    seed, res: unknownsRes,
		want: lines(
			`flowchart TB`,
			`    n0[["Stark Industries<br/>main company"]]`,
			`    n1["Stark Holding"]`,
			`    n2(["Tony Stark"])`,
			`    n3(["Pepper Potts"])`,
			`    n4["totals not shown#58;#8288; they were computed for another company than this graph's main company"]`,
			`    n1 -->|"shareholder<br/>ownership: 100.00%<br/>voting rights: 100.00%"| n0`,
			`    n2 -->|"shareholder<br/>position: CEO<br/>ownership: 33.33%<br/>voting rights: 33.33%"| n1`,
			`    n3 -.->|"legal representative<br/>position: Managing Director<br/>ownership: unknown<br/>voting rights: unknown"| n0`,
		) + mmdMain + mmdCompany + mmdIndividual + mmdWarning + lines(
			`    class n0 main`,
			`    class n1 company`,
			`    class n2,n3 individual`,
			`    class n4 warning`,
		),
	}, {
		name: "a relation from an entity not in the graph",
		g:    ghost,
		want: lines(
			`flowchart TB`,
			`    n0[["Main<br/>main company"]]`,
			`    n1["missing entity<br/>gh#60;o#62;st"]`,
			`    n1 -->|"shareholder<br/>ownership: 10.00%<br/>voting rights: unknown"| n0`,
		) + mmdMain + mmdWarning + lines(
			`    class n0 main`,
			`    class n1 warning`,
		),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := relation.Mermaid(tt.g, tt.res, tt.opts)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Mermaid (-want +got):\n%s", diff)
			}
			checkMermaid(t, got)
		})
	}
}

func TestDOT(t *testing.T) {
	seed, loops := rndSeed(), rndLoops()
	seedRes, loopsRes := rndTotals(t, seed), rndTotals(t, loops)
	tests := []struct {
		name string
		g    relation.Graph
		res  *ownership.Result
		opts relation.RenderOptions
		want string
	}{{
		name: "seed with totals and the default policy",
		g:    seed, res: seedRes, opts: relation.RenderOptions{Policy: rndPolicy("25", ownership.AtLeast)},
		want: dotHeader + lines(
			`    n0 [label="Stark Industries\nmain company", shape=box, peripheries=2, fillcolor="#dbeafe"];`,
			`    n1 [label="Stark Holding\ntotal ownership: 100.00%\ntotal voting rights: 100.00%", shape=box, fillcolor="#f1f5f9"];`,
			`    n2 [label="Tony Stark\ntotal ownership: 33.33%\ntotal voting rights: 33.33%\nbeneficial owner: ownership, voting rights", shape=ellipse, fillcolor="#fde68a", color="#b45309", penwidth=2];`,
			`    n3 [label="Pepper Potts\ntotal ownership: 0.00%\ntotal voting rights: 0.00%", shape=ellipse, fillcolor="#ffffff"];`,
			`    n1 -> n0 [label="shareholder\nownership: 100.00%\nvoting rights: 100.00%"];`,
			`    n2 -> n1 [label="shareholder\nposition: CEO\nownership: 33.33%\nvoting rights: 33.33%"];`,
			`    n3 -> n0 [label="legal representative\nposition: Managing Director\nownership: unknown\nvoting rights: unknown", style=dashed];`,
			`}`,
		),
	}, {
		// Tony holds exactly 33.33 %: "more than 33.33" fails, "at least"
		// passes (the previous case shows the other side).
		name: "exactly at the threshold under >",
		g:    seed, res: seedRes, opts: relation.RenderOptions{Policy: rndPolicy("33.33", ownership.MoreThan)},
		want: dotHeader + lines(
			`    n0 [label="Stark Industries\nmain company", shape=box, peripheries=2, fillcolor="#dbeafe"];`,
			`    n1 [label="Stark Holding\ntotal ownership: 100.00%\ntotal voting rights: 100.00%", shape=box, fillcolor="#f1f5f9"];`,
			`    n2 [label="Tony Stark\ntotal ownership: 33.33%\ntotal voting rights: 33.33%", shape=ellipse, fillcolor="#ffffff"];`,
			`    n3 [label="Pepper Potts\ntotal ownership: 0.00%\ntotal voting rights: 0.00%", shape=ellipse, fillcolor="#ffffff"];`,
			`    n1 -> n0 [label="shareholder\nownership: 100.00%\nvoting rights: 100.00%"];`,
			`    n2 -> n1 [label="shareholder\nposition: CEO\nownership: 33.33%\nvoting rights: 33.33%"];`,
			`    n3 -> n0 [label="legal representative\nposition: Managing Director\nownership: unknown\nvoting rights: unknown", style=dashed];`,
			`}`,
		),
	}, {
		name: "unbounded range and closed loop",
		g:    loops, res: loopsRes,
		want: dotHeader + lines(
			`    n0 [label="Main\nmain company", shape=box, peripheries=2, fillcolor="#dbeafe"];`,
			`    n1 [label="Cyan Ltd\ntotal ownership: at least 50.00%\ntotal voting rights: at least 50.00%", shape=box, fillcolor="#f1f5f9"];`,
			`    n2 [label="Dune Ltd\ntotal ownership: at least 50.00%\ntotal voting rights: at least 50.00%", shape=box, fillcolor="#f1f5f9"];`,
			`    n3 [label="Pine Ltd\ntotal ownership: closed loop\ntotal voting rights: closed loop", shape=box, style="filled,dashed", fillcolor="#f1f5f9", color="#dc2626", penwidth=2];`,
			`    n4 [label="Quay Ltd\ntotal ownership: closed loop\ntotal voting rights: closed loop", shape=box, style="filled,dashed", fillcolor="#f1f5f9", color="#dc2626", penwidth=2];`,
			`    n1 -> n0 [label="shareholder\nownership: 50.00%\nvoting rights: 50.00%"];`,
			`    n2 -> n1 [label="shareholder\nownership: 100.00%\nvoting rights: 100.00%"];`,
			`    n1 -> n2 [label="shareholder\nownership: unknown\nvoting rights: unknown"];`,
			`    n3 -> n0 [label="shareholder\nownership: 40.00%\nvoting rights: 40.00%"];`,
			`    n4 -> n3 [label="shareholder\nownership: 100.00%\nvoting rights: 100.00%"];`,
			`    n3 -> n4 [label="shareholder\nownership: 100.00%\nvoting rights: 100.00%"];`,
			`}`,
		),
	}, {
		name: "possible owner and warning",
		g:    rndUnknowns(), res: rndTotals(t, rndUnknowns()),
		opts: relation.RenderOptions{Policy: rndPolicy("25", ownership.AtLeast), Places: 1},
		want: dotHeader + lines(
			`    n0 [label="Meridian SA\nmain company", shape=box, peripheries=2, fillcolor="#dbeafe"];`,
			`    n1 [label="Alpha Holding\ntotal ownership: 33.3%\ntotal voting rights: 50.0%", shape=box, fillcolor="#f1f5f9"];`,
			`    n2 [label="Xena Stone\ntotal ownership: 0.0–10.0%\ntotal voting rights: 0.0–30.0%\npossibly a beneficial owner (unknown percentages)", shape=ellipse, style="filled,dashed", fillcolor="#fef3c7", color="#b45309"];`,
			`    n3 [label="Yuri Vale\ntotal ownership: 23.3%\ntotal voting rights: 20.0%", shape=ellipse, fillcolor="#ffffff"];`,
			`    n1 -> n0 [label="shareholder\nownership: 33.31%\nvoting rights: 50.00%"];`,
			`    n3 -> n1 [label="shareholder\nownership: 70.00%\nvoting rights: 40.00%"];`,
			`    n2 -> n1 [label="shareholder\nownership: unknown\nvoting rights: unknown"];`,
			`}`,
		),
	}, {
		name: "missing entity and a policy without totals",
		g: relation.Graph{
			Companies: []entity.Company{rndCompany("main", "Main", true)},
			Relations: []relation.Relation{rndRel("r1", `gh"ost`, "main", "", "", "")},
		},
		opts: relation.RenderOptions{Policy: &ownership.Policy{}},
		want: dotHeader + lines(
			`    n0 [label="Main\nmain company", shape=box, peripheries=2, fillcolor="#dbeafe"];`,
			`    n1 [label="missing entity\ngh\"ost", shape=box, style="filled,dashed", fillcolor="#fee2e2"];`,
			`    n2 [label="beneficial owners not shown: no totals", shape=note, fillcolor="#fee2e2"];`,
			`    n1 -> n0 [label="ownership: unknown\nvoting rights: unknown", style=dashed];`,
			`}`,
		),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := relation.DOT(tt.g, tt.res, tt.opts)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("DOT (-want +got):\n%s", diff)
			}
			parseDOT(t, got)
		})
	}
}

// TestRenderInvalidPolicy: a policy that cannot be applied is shown as a
// warning, never silently dropped, and no owner is highlighted.
func TestRenderInvalidPolicy(t *testing.T) {
	g := rndSeed()
	res := rndTotals(t, g)
	p := rndPolicy("120", ownership.AtLeast)
	m := relation.Mermaid(g, res, relation.RenderOptions{Policy: p})
	checkMermaid(t, m)
	if !strings.Contains(m, `    n4["beneficial owners not shown#58;#8288; `) || !strings.Contains(m, "threshold") ||
		!strings.Contains(m, "class n4 warning") || strings.Contains(m, "owner fill") {
		t.Errorf("Mermaid with an invalid policy:\n%s", m)
	}
	d := relation.DOT(g, res, relation.RenderOptions{Policy: p})
	nodes, _ := parseDOT(t, d)
	if len(nodes) != 5 || !strings.HasPrefix(nodes[4], "beneficial owners not shown: ") || !strings.Contains(nodes[4], "threshold") {
		t.Errorf("DOT with an invalid policy:\n%s", d)
	}
}

func TestRenderOptionsValidate(t *testing.T) {
	tests := []struct {
		name string
		opts relation.RenderOptions
		want []problem
	}{
		{"zero", relation.RenderOptions{}, nil},
		{"max places and a policy", relation.RenderOptions{Places: relation.MaxRenderPlaces, Policy: rndPolicy("25", ownership.MoreThan)}, nil},
		{"negative places", relation.RenderOptions{Places: -1}, []problem{{"places", validation.CodeOutOfRange}}},
		{"too many places", relation.RenderOptions{Places: relation.MaxRenderPlaces + 1}, []problem{{"places", validation.CodeOutOfRange}}},
		{"everything wrong", relation.RenderOptions{Places: 99, Policy: &ownership.Policy{Threshold: decimal.RequireFromString("100.001"), Comparator: 7}}, []problem{
			{"places", validation.CodeOutOfRange},
			{"policy.threshold", validation.CodeOutOfRange},
			{"policy.threshold", validation.CodeTooPrecise},
			{"policy.comparator", validation.CodeInvalidValue},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkProblems(t, tt.opts.Validate(), tt.want...)
		})
	}
}

// TestRenderPlacesClamped: out-of-range places draw with the nearest
// allowed value (0 and below: the default 2).
func TestRenderPlacesClamped(t *testing.T) {
	g := rndUnknowns()
	res := rndTotals(t, g)
	for _, tt := range []struct {
		places int32
		want   string // Yuri's ownership, 23.317 %
	}{
		{-5, "23.32%"},
		{0, "23.32%"},
		{1, "23.3%"},
		{3, "23.317%"},
		{relation.MaxRenderPlaces, "23.3170000000%"},
		{1 << 30, "23.3170000000%"},
	} {
		got := relation.Mermaid(g, res, relation.RenderOptions{Places: tt.places})
		if !strings.Contains(got, "Yuri Vale<br/>total ownership: "+tt.want+"<br/>") {
			t.Errorf("places %d: want %s in\n%s", tt.places, tt.want, got)
		}
	}
}

// TestRangeRoundsOutwards: the bounds of a range are rounded down and up,
// not half away from zero, so the range shown contains the exact one.
//
//	Alpha -> Main 33.31 %; Zoe -> Alpha 33.35 %; Zoe -> Main unknown
//
// Zoe's minimum (the unknown at 0) is 33.35 % x 33.31 % = 11.108885 %:
// "11.10", where rounding half up would give 11.11. Her maximum adds Main's
// headroom of 66.69 %: 77.798885 %, "77.80". With four decimals:
// 11.1088 and 77.7989.
func TestRangeRoundsOutwards(t *testing.T) {
	g := relation.Graph{
		Companies:   []entity.Company{rndCompany("main", "Main", true), rndCompany("alpha", "Alpha", false)},
		Individuals: []entity.Individual{rndPerson("p-zoe", "Zoe", "")},
		Relations: []relation.Relation{
			rndRel("r1", "alpha", "main", "33.31", "33.31", "", relation.RoleShareholder),
			rndRel("r2", "p-zoe", "alpha", "33.35", "33.35", "", relation.RoleShareholder),
			rndRel("r3", "p-zoe", "main", "", "", "", relation.RoleShareholder),
		},
	}
	res := rndTotals(t, g)
	for places, want := range map[int32]string{2: "11.10–77.80%", 4: "11.1088–77.7989%"} {
		got := relation.Mermaid(g, res, relation.RenderOptions{Places: places})
		if line := `n2(["Zoe<br/>total ownership: ` + want + `<br/>total voting rights: ` + want + `"])`; !strings.Contains(got, line) {
			t.Errorf("places %d: want %s in\n%s", places, line, got)
		}
	}
}

// TestDirectPercentages: direct percentages are shown exactly, never
// rounded by Places; an invalid one is not printed.
func TestDirectPercentages(t *testing.T) {
	for _, tt := range []struct {
		in   entity.Percentage
		want string
	}{
		{pct("0"), "0.00%"},
		{pct("7.5"), "7.50%"},
		{pct("0.01"), "0.01%"},
		{pct("100.00"), "100.00%"},
		{entity.UnknownPercentage, "unknown"},
		{pct("100.5"), "invalid"},
		{pct("-1"), "invalid"},
		{pct("1.005"), "invalid"},
		{entity.PercentageOf(decimal.New(1, -999999999)), "invalid"},
	} {
		g := relation.Graph{
			Companies: []entity.Company{rndCompany("main", "Main", true), rndCompany("sub", "Sub", false)},
			Relations: []relation.Relation{rndRel("r1", "sub", "main", "", "", "", relation.RoleShareholder)},
		}
		g.Relations[0].OwnershipPercentage = tt.in
		got := relation.Mermaid(g, nil, relation.RenderOptions{Places: 1})
		if want := `n1 -->|"shareholder<br/>ownership: ` + tt.want + `<br/>voting rights: unknown"| n0`; !strings.Contains(got, want) {
			t.Errorf("%v: want %s in\n%s", tt.in, want, got)
		}
	}
}

// hostile names, with their expected Mermaid and DOT label text, worked
// out from the rules in the godoc of Mermaid and DOT.
var hostile = []struct {
	name, mermaid, dot string
}{
	{`Acme "Holdings"`, `Acme #34;Holdings#34;`, `Acme \"Holdings\"`},
	{`A"] --> B["x`, `A#34;#93; --#62; B#91;#34;x`, `A\"] --> B[\"x`},
	{"Line1\nLine2\r\nx\ty", "Line1 Line2  x y", "Line1 Line2  x y"},
	{"a\u2028b\u0085c", "a b c", "a b c"},
	{`<img src=x onerror=alert(1)>`, `#60;img src#61;x onerror#61;alert(1)#62;`, `<img src=x onerror=alert(1)>`},
	{`<b>bold</b> &amp; &#60;`, `#60;b#62;bold#60;/b#62; #38;#8288;amp#59; #38;#8288;#35;60#59;`, `<b>bold</b> &amp;amp; &amp;#60;`},
	{`a|b;c{d}`, `a#124;b#59;c#123;d#125;`, `a|b;c{d}`},
	{`%%{init: {"theme":"dark"}}%%`, `#37;#37;#123;init#58;#8288; #123;#34;theme#34;#58;#8288;#34;dark#34;#125;#125;#37;#37;`, `%%{init: {\"theme\":\"dark\"}}%%`},
	{`end`, `end`, `end`},
	{`subgraph x; click n0 call alert()`, `subgraph x#59; click n0 call alert()`, `subgraph x; click n0 call alert()`},
	{`#quot; #35;`, `#35;quot#59; #35;35#59;`, `#quot; #35;`},
	{"`**md**` $$x^2$$", `#96;#42;#42;md#42;#42;#96; #36;#8288;#36;#8288;x#94;2#36;#8288;#36;#8288;`, "`**md**` $$x^2$$"},
	{`lifestyle:#x;`, `lifestyle#58;#8288;#35;x#59;`, `lifestyle:#x;`},
	{`back\slash\ \N \G \L \n`, `back#92;#8288;slash#92;#8288; #92;#8288;N #92;#8288;G #92;#8288;L #92;#8288;n`, `back\\slash\\ \\N \\G \\L \\n`},
	{`cost $5\`, `cost #36;#8288;5#92;#8288;`, `cost $5\\`},
	{`x"; n9 [label="pwn"]; n0 -> n9 //`, `x#34;#59; n9 #91;label#61;#34;pwn#34;#93;#59; n0 -#62; n9 //`, `x\"; n9 [label=\"pwn\"]; n0 -> n9 //`},
	{"Café Ñandú 東京 Zoë-O'Neil (Ltd.), s/a_b", "Café Ñandú 東京 Zoë-O'Neil (Ltd.), s/a_b", "Café Ñandú 東京 Zoë-O'Neil (Ltd.), s/a_b"},
	{"abc\u202Edef\u2066", "abc#65533;def#65533;", "abc\uFFFDdef\uFFFD"},
	{"nul\x00 del\x7f bad\xff", "nul#65533; del#65533; bad#65533;", "nul\uFFFD del\uFFFD bad\uFFFD"},
	{`fa:fa-car icon`, `fa#58;#8288;fa-car icon`, `fa:fa-car icon`},
	{`A:::main <br/> **b** _i_ ~~s~~`, `A#58;#8288;#58;#8288;#58;#8288;main #60;br/#62; #42;#42;b#42;#42; _i_ #126;#126;s#126;#126;`, `A:::main <br/> **b** _i_ ~~s~~`},
	{`n1@{ shape: circle } style n0 fill:#f00`, `n1#64;#123; shape#58;#8288; circle #125; style n0 fill#58;#8288;#35;f00`, `n1@{ shape: circle } style n0 fill:#f00`},
	{"&nbsp; #9829; 👩‍💻", "#38;#8288;nbsp#59; #35;9829#59; #128105;#8205;#128187;", "&amp;nbsp; #9829; 👩‍💻"},
	{"   ", "(unnamed company)", "(unnamed company)"},
	{"\n", "(unnamed company)", "(unnamed company)"},
}

func TestRenderEscaping(t *testing.T) {
	for _, tt := range hostile {
		t.Run(tt.name, func(t *testing.T) {
			g := relation.Graph{Companies: []entity.Company{rndCompany("main", tt.name, true)}}
			m := relation.Mermaid(g, nil, relation.RenderOptions{})
			if want := "\n    n0[[\"" + tt.mermaid + "<br/>main company\"]]\n"; !strings.Contains(m, want) {
				t.Errorf("Mermaid: want line %q in\n%s", want, m)
			}
			checkMermaid(t, m)
			d := relation.DOT(g, nil, relation.RenderOptions{})
			if want := "\n    n0 [label=\"" + tt.dot + "\\nmain company\", shape=box"; !strings.Contains(d, want) {
				t.Errorf("DOT: want line %q in\n%s", want, d)
			}
			parseDOT(t, d)
		})
	}
}

// TestRenderHostileEverywhere puts hostile text in every field that reaches
// a label and checks, with the parsers below, that each label decodes to
// exactly the sanitized text: nothing ends a label early or adds a
// statement.
func TestRenderHostileEverywhere(t *testing.T) {
	for _, tt := range hostile {
		checkRoundTrip(t, tt.name, tt.name+"2", "\"", tt.name, relation.Role(tt.name))
	}
}

// checkRoundTrip renders a graph whose every text field is hostile and
// checks both outputs.
func checkRoundTrip(t *testing.T, main, affiliated, first, last string, role relation.Role) {
	t.Helper()
	position := last + first
	g := relation.Graph{
		Companies: []entity.Company{rndCompany("main", main, true), rndCompany("aff", affiliated, false)},
		Individuals: []entity.Individual{
			rndPerson("p-1", first, last),
		},
		Relations: []relation.Relation{
			rndRel("r1", "aff", "main", "60", "", "", relation.RoleShareholder),
			rndRel("r2", "p-1", "aff", "30", "40", position, relation.RoleShareholder, role),
		},
	}
	res, err := relation.Totals(g, ownership.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fullName := strings.Join(nonEmpty(first, last), " ")
	wantNodes := [][]string{
		{display(main, "(unnamed company)"), "main company"},
		// 60 % of ownership; votes unknown into the main company, with no
		// known vote there: 0 to 100 %.
		{display(affiliated, "(unnamed company)"), "total ownership: 60.00%", "total voting rights: 0.00–100.00%"},
		// 30 % x 60 % = 18 %; votes 40 % x (0 to 100 %).
		{display(fullName, "(unnamed individual)"), "total ownership: 18.00%", "total voting rights: 0.00–40.00%", "possibly a beneficial owner (unknown percentages)"},
	}
	roles := "shareholder, " + strings.ReplaceAll(string(role), "_", " ")
	wantEdges := [][]string{
		{"shareholder", "ownership: 60.00%", "voting rights: unknown"},
		{sanitized(roles), "position: " + sanitized(position), "ownership: 30.00%", "voting rights: 40.00%"},
	}
	if position == "" {
		wantEdges[1] = slicesDelete(wantEdges[1], 1)
	}
	opts := relation.RenderOptions{Policy: rndPolicy("25", ownership.AtLeast)}

	m := relation.Mermaid(g, res, opts)
	nodes, edges := checkMermaid(t, m)
	if diff := cmp.Diff(wantNodes, nodes); diff != "" {
		t.Errorf("Mermaid node labels (-want +got):\n%s\n%s", diff, m)
	}
	if diff := cmp.Diff(wantEdges, edges); diff != "" {
		t.Errorf("Mermaid edge labels (-want +got):\n%s\n%s", diff, m)
	}

	d := relation.DOT(g, res, opts)
	dnodes, dedges := parseDOT(t, d)
	if diff := cmp.Diff(joinAll(wantNodes), dnodes); diff != "" {
		t.Errorf("DOT node labels (-want +got):\n%s\n%s", diff, d)
	}
	if diff := cmp.Diff(joinAll(wantEdges), dedges); diff != "" {
		t.Errorf("DOT edge labels (-want +got):\n%s\n%s", diff, d)
	}
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func slicesDelete(s []string, i int) []string {
	return append(append([]string(nil), s[:i]...), s[i+1:]...)
}

func joinAll(ls [][]string) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = strings.Join(l, "\n")
	}
	return out
}

// sanitized is the documented cleaning of case text: white space becomes
// a space, other control characters, bidirectional formatting characters
// and invalid UTF-8 become U+FFFD.
func sanitized(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case unicode.IsSpace(r):
			r = ' '
		case unicode.IsControl(r), r == 0x061C, r == 0x200E, r == 0x200F,
			r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
			r = unicode.ReplacementChar
		}
		b.WriteRune(r)
	}
	return b.String()
}

func display(name, unnamed string) string {
	if strings.TrimSpace(name) == "" {
		return unnamed
	}
	return sanitized(name)
}

var (
	mmdNode     = regexp.MustCompile(`^    n(\d+)(\[\["|\["|\(\[")([^"]*)("\]\]|"\]|"\]\))$`)
	mmdEdge     = regexp.MustCompile(`^    n(\d+) (-->|-\.->)\|"([^"]*)"\| n(\d+)$`)
	mmdClassDef = regexp.MustCompile(`^    classDef ([a-z]+) [a-z0-9:#,\- ]+$`)
	mmdClass    = regexp.MustCompile(`^    class (n\d+(?:,n\d+)*) ([a-z]+)$`)
	mmdEntity   = regexp.MustCompile(`#(\d+);`)
)

// checkMermaid checks that every line of out is one of the statements
// Mermaid and DOT are documented to write, that node ids are n0, n1, ... in
// order and every reference names one, and that every label is safe: no
// character that could end it or mean something to Mermaid or HTML except
// the <br/> line breaks and #<decimal>; codes. It returns the labels,
// decoded, line by line.
func checkMermaid(t testing.TB, out string) (nodes, edges [][]string) {
	t.Helper()
	if !strings.HasSuffix(out, "\n") {
		t.Fatalf("output does not end with a newline:\n%s", out)
	}
	ls := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if ls[0] != "flowchart TB" {
		t.Fatalf("first line %q", ls[0])
	}
	ref := func(s string) {
		if i, err := strconv.Atoi(s); err != nil || i >= len(nodes) {
			t.Fatalf("reference to undeclared node n%s:\n%s", s, out)
		}
	}
	defined := map[string]bool{}
	for _, l := range ls[1:] {
		switch {
		case mmdNode.MatchString(l):
			m := mmdNode.FindStringSubmatch(l)
			if m[1] != strconv.Itoa(len(nodes)) || len(edges) > 0 || len(defined) > 0 {
				t.Fatalf("node out of order: %q", l)
			}
			if pair := m[2] + m[4]; pair != `[[""]]` && pair != `[""]` && pair != `([""])` {
				t.Fatalf("unbalanced shape %q", l)
			}
			nodes = append(nodes, decodeMermaidLabel(t, m[3]))
		case mmdEdge.MatchString(l):
			m := mmdEdge.FindStringSubmatch(l)
			ref(m[1])
			ref(m[4])
			edges = append(edges, decodeMermaidLabel(t, m[3]))
		case mmdClassDef.MatchString(l):
			defined[mmdClassDef.FindStringSubmatch(l)[1]] = true
		case mmdClass.MatchString(l):
			m := mmdClass.FindStringSubmatch(l)
			if !defined[m[2]] {
				t.Fatalf("class %s used before classDef", m[2])
			}
			for _, id := range strings.Split(m[1], ",") {
				ref(strings.TrimPrefix(id, "n"))
			}
		default:
			t.Fatalf("unexpected line %q in\n%s", l, out)
		}
	}
	return nodes, edges
}

func decodeMermaidLabel(t testing.TB, label string) []string {
	t.Helper()
	if !utf8.ValidString(label) {
		t.Fatalf("label is not UTF-8: %q", label)
	}
	if strings.Contains(label, "%%") {
		t.Fatalf("label holds %%%%: %q", label)
	}
	bare := mmdEntity.ReplaceAllString(strings.ReplaceAll(label, "<br/>", ""), "")
	if i := strings.IndexAny(bare, "\"#<>&$`|{}[];\\\n\r"); i >= 0 {
		t.Fatalf("label holds %q: %q", bare[i], label)
	}
	for i := strings.IndexByte(bare, ':'); i >= 0; i = strings.IndexByte(bare[i+1:], ':') + i + 1 {
		if i+1 < len(bare) && bare[i+1] != ' ' {
			t.Fatalf("label holds a colon not followed by a space: %q", label)
		}
		if strings.IndexByte(bare[i+1:], ':') < 0 {
			break
		}
	}
	for _, r := range bare {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\u202E' {
			t.Fatalf("label holds %U: %q", r, label)
		}
	}
	var out []string
	for _, part := range strings.Split(label, "<br/>") {
		text := mmdEntity.ReplaceAllStringFunc(part, func(e string) string {
			n, err := strconv.Atoi(e[1 : len(e)-1])
			if err != nil || !utf8.ValidRune(rune(n)) {
				t.Fatalf("bad entity %q in %q", e, label)
			}
			return string(rune(n))
		})
		out = append(out, withoutJoiners(t, text))
	}
	return out
}

// withoutJoiners checks that every backslash, dollar sign, colon and
// ampersand of a decoded Mermaid label is followed by a word joiner (so
// Mermaid sees no "\n", "$$", "fa:fa-x" or "&lt;"), or for a colon by a
// space, and removes those joiners, giving back the case text.
func withoutJoiners(t testing.TB, s string) string {
	t.Helper()
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		b.WriteRune(rs[i])
		if strings.ContainsRune(`\$:&`, rs[i]) {
			switch {
			case i+1 < len(rs) && rs[i+1] == '\u2060':
				i++
			case rs[i] == ':' && i+1 < len(rs) && rs[i+1] == ' ':
				// the fixed text's "ownership: "
			default:
				t.Fatalf("%q not followed by a word joiner in %q", rs[i], s)
			}
		}
	}
	return b.String()
}

// dotToken is a token of the DOT language as Graphviz reads it: an
// identifier, a numeral, a quoted string (text holds it decoded as a label)
// or punctuation.
type dotToken struct {
	kind byte // 'i' identifier or numeral, 's' string, or the punctuation itself ('-' for ->)
	text string
}

// tokenizeDOT is a small DOT lexer (graphviz.org/doc/info/lang.html), for
// the subset Graphviz accepts outside HTML labels and comments: it fails on
// anything else, including a string left open, a raw line break inside a
// string and a backslash escape other than \" \\ and \n (so no \N, \G or
// \L substitution), and an '&' that is not "&amp;".
func tokenizeDOT(t testing.TB, src string) []dotToken {
	t.Helper()
	var toks []dotToken
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\n' || c == '\t':
			i++
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; ; j++ {
				if j >= len(src) {
					t.Fatalf("string opened at %d never closed", i)
				}
				if src[j] == '"' {
					break
				}
				if src[j] == '\n' || src[j] == '\r' {
					t.Fatalf("raw line break inside a string at %d", j)
				}
				if src[j] == '\\' {
					j++
					if j >= len(src) {
						t.Fatalf("string ends in a backslash")
					}
					switch src[j] {
					case '"', '\\':
						b.WriteByte(src[j])
					case 'n':
						b.WriteByte('\n')
					default:
						t.Fatalf("escape \\%c at %d", src[j], j)
					}
					continue
				}
				if src[j] == '&' {
					if !strings.HasPrefix(src[j:], "&amp;") {
						t.Fatalf("bare & at %d", j)
					}
					j += len("&amp;") - 1
					b.WriteByte('&')
					continue
				}
				b.WriteByte(src[j])
			}
			toks = append(toks, dotToken{'s', b.String()})
			i = j + 1
		case strings.HasPrefix(src[i:], "->"):
			toks = append(toks, dotToken{'-', "->"})
			i += 2
		case strings.IndexByte("{}[]=;,", c) >= 0:
			toks = append(toks, dotToken{c, string(c)})
			i++
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			j := i
			for j < len(src) && (src[j] == '_' || src[j] == '.' || src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z' || src[j] >= '0' && src[j] <= '9') {
				j++
			}
			toks = append(toks, dotToken{'i', src[i:j]})
			i = j
		default:
			t.Fatalf("unexpected byte %q at %d in\n%s", c, i, src)
		}
	}
	return toks
}

// parseDOT parses out as `digraph ID { stmt; ... }` where a statement is a
// node (n<k> [attrs]), an edge (n<i> -> n<j> [attrs]), a default
// (node/edge [attrs]) or an assignment, checks that nodes are declared in
// order before use, and returns the decoded labels of nodes and edges.
func parseDOT(t testing.TB, out string) (nodes, edges []string) {
	t.Helper()
	toks := tokenizeDOT(t, out)
	pos := 0
	next := func() dotToken {
		if pos >= len(toks) {
			t.Fatalf("unexpected end of input")
		}
		pos++
		return toks[pos-1]
	}
	expect := func(kind byte, text string) {
		if tok := next(); tok.kind != kind || (text != "" && tok.text != text) {
			t.Fatalf("got %q, want %q", tok.text, text)
		}
	}
	attrs := func() map[string]string {
		expect('[', "")
		a := map[string]string{}
		for {
			key := next()
			if key.kind == ']' {
				return a
			}
			if key.kind != 'i' {
				t.Fatalf("attribute name %q", key.text)
			}
			expect('=', "")
			v := next()
			if v.kind != 'i' && v.kind != 's' {
				t.Fatalf("attribute value %q", v.text)
			}
			if _, dup := a[key.text]; dup {
				t.Fatalf("attribute %s twice", key.text)
			}
			a[key.text] = v.text
			if toks[pos].kind == ',' {
				pos++
			}
		}
	}
	node := regexp.MustCompile(`^n(\d+)$`)
	ref := func(id string) {
		m := node.FindStringSubmatch(id)
		if m == nil {
			t.Fatalf("node id %q", id)
		}
		if i, _ := strconv.Atoi(m[1]); i >= len(nodes) {
			t.Fatalf("edge to undeclared %s", id)
		}
	}
	expect('i', "digraph")
	expect('i', "ownership")
	expect('{', "")
	for {
		tok := next()
		if tok.kind == '}' {
			break
		}
		if tok.kind != 'i' {
			t.Fatalf("statement starts with %q", tok.text)
		}
		switch {
		case tok.text == "node" || tok.text == "edge":
			attrs()
		case toks[pos].kind == '=':
			pos++
			next()
		case toks[pos].kind == '-':
			ref(tok.text)
			pos++
			to := next()
			ref(to.text)
			a := attrs()
			edges = append(edges, a["label"])
		default:
			if tok.text != "n"+strconv.Itoa(len(nodes)) || len(edges) > 0 {
				t.Fatalf("node %s out of order", tok.text)
			}
			a := attrs()
			nodes = append(nodes, a["label"])
		}
		expect(';', "")
	}
	if pos != len(toks) {
		t.Fatalf("tokens after the graph")
	}
	return nodes, edges
}

// TestRenderDeterministic: the same graph gives the same text, every time
// and from a copy.
func TestRenderDeterministic(t *testing.T) {
	for _, g := range []relation.Graph{rndSeed(), rndUnknowns(), rndLoops()} {
		res := rndTotals(t, g)
		opts := relation.RenderOptions{Policy: rndPolicy("25", ownership.AtLeast)}
		m, d := relation.Mermaid(g, res, opts), relation.DOT(g, res, opts)
		for range 20 {
			c := g.Clone()
			if got := relation.Mermaid(c, rndTotals(t, c), opts); got != m {
				t.Fatalf("Mermaid differs between runs:\n%s\n%s", m, got)
			}
			if got := relation.DOT(c, res, opts); got != d {
				t.Fatalf("DOT differs between runs:\n%s\n%s", d, got)
			}
		}
	}
}

// TestRenderDoesNotModify: rendering leaves the graph as it was.
func TestRenderDoesNotModify(t *testing.T) {
	g := rndSeed()
	before := mustJSON(t, g)
	relation.Mermaid(g, rndTotals(t, g), relation.RenderOptions{})
	relation.DOT(g, nil, relation.RenderOptions{})
	if after := mustJSON(t, g); after != before {
		t.Errorf("graph changed:\n%s\n%s", before, after)
	}
}

func FuzzRender(f *testing.F) {
	for _, h := range hostile {
		f.Add(h.name, "Holding", "Tony", h.name, "shareholder", "33.33")
	}
	f.Add("", "", "", "", "", "")
	f.Add("\"", "\\", "&amp;", "<br/>", "legal_representative", "1e-999999999")
	f.Fuzz(fuzzRenderOnce)
}

// fuzzRenderOnce is the body of FuzzRender: random names, position, role
// and percentage never give a label that breaks out of its quotes or spans
// lines, and both outputs decode to the same, sanitized, labels.
func fuzzRenderOnce(t *testing.T, main, affiliated, first, last, role, own string) {
	position := first + last
	g := relation.Graph{
		Companies: []entity.Company{rndCompany("main", main, true), rndCompany("aff", affiliated, false)},
		Individuals: []entity.Individual{
			rndPerson("p-1", first, last),
		},
		Relations: []relation.Relation{
			rndRel("r1", "aff", "main", "60", "", "", relation.RoleShareholder),
			rndRel("r2", "p-1", "aff", "", "40", position, relation.Role(role)),
		},
	}
	if p, err := entity.ParsePercentage(own); err == nil {
		g.Relations[1].OwnershipPercentage = p
	}
	res, err := relation.Totals(g, ownership.Options{})
	if err != nil {
		res = nil // an invalid percentage: draw without totals
	}
	opts := relation.RenderOptions{Policy: rndPolicy("25", ownership.AtLeast)}
	m := relation.Mermaid(g, res, opts)
	nodes, edges := checkMermaid(t, m)
	d := relation.DOT(g, res, opts)
	dnodes, dedges := parseDOT(t, d)
	if len(nodes) != len(dnodes) || len(edges) != 2 || len(dedges) != 2 {
		t.Fatalf("shapes differ:\n%s\n%s", m, d)
	}
	for i := range nodes {
		if strings.Join(nodes[i], "\n") != dnodes[i] {
			t.Fatalf("node %d: Mermaid %q, DOT %q", i, nodes[i], dnodes[i])
		}
	}
	for i := range edges {
		if strings.Join(edges[i], "\n") != dedges[i] {
			t.Fatalf("edge %d: Mermaid %q, DOT %q", i, edges[i], dedges[i])
		}
	}
	if want := display(main, "(unnamed company)"); nodes[0][0] != want {
		t.Fatalf("main company label %q, want %q", nodes[0][0], want)
	}
	if want := display(strings.Join(nonEmpty(first, last), " "), "(unnamed individual)"); nodes[2][0] != want {
		t.Fatalf("individual label %q, want %q", nodes[2][0], want)
	}
	if position != "" && edges[1][1] != "position: "+sanitized(position) {
		t.Fatalf("position line %q", edges[1][1])
	}
}

// TestDOTWithGraphviz renders hostile names with Graphviz's own dot, when
// installed (apt-get install graphviz), and checks that the SVG shows every
// label line exactly as the case text, sanitized.
func TestDOTWithGraphviz(t *testing.T) {
	dot, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("Graphviz dot not installed")
	}
	for _, h := range hostile {
		t.Run(h.name, func(t *testing.T) {
			g := rndSeed()
			g.Companies[1].Name = h.name
			g.Individuals[0].FirstName = h.name
			g.Individuals[0].LastName = ""
			g.Relations[1].Position = h.name
			res := rndTotals(t, rndSeed()) // the structure of the API documentation
			src := relation.DOT(g, res, relation.RenderOptions{Policy: rndPolicy("25", ownership.AtLeast)})
			cmd := exec.Command(dot, "-Tsvg")
			cmd.Stdin = strings.NewReader(src)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			svg, err := cmd.Output()
			if err != nil || stderr.Len() > 0 {
				t.Fatalf("dot: %v %s\n%s", err, stderr.String(), src)
			}
			got := svgTexts(t, svg)
			name := display(h.name, "(unnamed company)")
			person := display(h.name, "(unnamed individual)")
			want := map[string][]string{
				"n0":     {"Stark Industries", "main company"},
				"n1":     {name, "total ownership: 100.00%", "total voting rights: 100.00%"},
				"n2":     {person, "total ownership: 33.33%", "total voting rights: 33.33%", "beneficial owner: ownership, voting rights"},
				"n3":     {"Pepper Potts", "total ownership: 0.00%", "total voting rights: 0.00%"},
				"n2->n1": {"shareholder", "position: " + sanitized(h.name), "ownership: 33.33%", "voting rights: 33.33%"},
			}
			for id, w := range want {
				if diff := cmp.Diff(normalizeSpace(w), normalizeSpace(got[id])); diff != "" {
					t.Errorf("%s (-want +got):\n%s\n%s", id, diff, src)
				}
			}
			if len(got) != 8 { // 4 nodes, 3 edges, the graph
				t.Errorf("SVG has %d titled groups, want 8: %v", len(got), got)
			}
		})
	}
}

// normalizeSpace trims and collapses runs of spaces: renderers trim the
// ends of label lines, and Graphviz writes the second of two spaces as a
// no-break space in SVG.
func normalizeSpace(ls []string) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = strings.Join(strings.FieldsFunc(l, func(r rune) bool { return r == ' ' || r == '\u00a0' }), " ")
	}
	return out
}

type svgGroup struct {
	Title  string     `xml:"title"`
	Texts  []string   `xml:"text"`
	Groups []svgGroup `xml:"g"`
}

// svgTexts returns the text lines of each titled group of a Graphviz SVG
// (nodes are titled by their id, edges "n1->n0").
func svgTexts(t *testing.T, svg []byte) map[string][]string {
	t.Helper()
	var root svgGroup
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = false
	if err := dec.Decode(&root); err != nil {
		t.Fatalf("SVG: %v", err)
	}
	out := map[string][]string{}
	var walk func(g svgGroup)
	walk = func(g svgGroup) {
		if g.Title != "" {
			out[g.Title] = g.Texts
		}
		for _, c := range g.Groups {
			walk(c)
		}
	}
	walk(root)
	return out
}

// TestMermaidWithMermaidJS parses and renders hostile names with the real
// Mermaid library, when DOSSIER_MERMAID_DIR names a directory holding
// node_modules/mermaid and node_modules/jsdom (npm install --prefix DIR
// mermaid jsdom), and checks that every label renders as exactly the case
// text: no markup, nothing cut.
func TestMermaidWithMermaidJS(t *testing.T) {
	dir := os.Getenv("DOSSIER_MERMAID_DIR")
	node, err := exec.LookPath("node")
	if dir == "" || err != nil {
		t.Skip("set DOSSIER_MERMAID_DIR to a directory with mermaid and jsdom installed, and have node")
	}
	script := filepath.Join(t.TempDir(), "check.mjs")
	if err := os.WriteFile(script, []byte(mermaidScript), 0o600); err != nil {
		t.Fatal(err)
	}
	var graphs []string
	var want []map[string][]string
	for _, h := range hostile {
		g := rndSeed()
		g.Companies[1].Name = h.name
		g.Relations[1].Position = h.name
		graphs = append(graphs, relation.Mermaid(g, rndTotals(t, rndSeed()), relation.RenderOptions{Policy: rndPolicy("25", ownership.AtLeast)}))
		position := "position: " + sanitized(h.name)
		want = append(want, map[string][]string{
			"n0":    {"Stark Industries", "main company"},
			"n1":    {display(h.name, "(unnamed company)"), "total ownership: 100.00%", "total voting rights: 100.00%"},
			"n2":    {"Tony Stark", "total ownership: 33.33%", "total voting rights: 33.33%", "beneficial owner: ownership, voting rights"},
			"n3":    {"Pepper Potts", "total ownership: 0.00%", "total voting rights: 0.00%"},
			"n1_n0": {"shareholder", "ownership: 100.00%", "voting rights: 100.00%"},
			"n2_n1": {"shareholder", position, "ownership: 33.33%", "voting rights: 33.33%"},
			"n3_n0": {"legal representative", "position: Managing Director", "ownership: unknown", "voting rights: unknown"},
		})
	}
	in, _ := json.Marshal(graphs)
	cmd := exec.Command(node, script, dir)
	cmd.Stdin = bytes.NewReader(in)
	cmd.Stderr = os.Stderr
	outJSON, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var got []map[string][]string
	if err := json.Unmarshal(outJSON, &got); err != nil {
		t.Fatalf("%v: %s", err, outJSON)
	}
	for i := range want {
		for k := range want[i] {
			want[i][k] = normalizeSpace(want[i][k])
			for j, l := range got[i][k] {
				got[i][k][j] = withoutJoiners(t, l)
			}
			got[i][k] = normalizeSpace(got[i][k])
		}
		if diff := cmp.Diff(want[i], got[i]); diff != "" {
			t.Errorf("%q (-want +got):\n%s\n%s", hostile[i].name, diff, graphs[i])
		}
	}
}

// mermaidScript renders each Mermaid text read as a JSON array on stdin in
// a jsdom window and prints, for each, the text lines of every node and
// edge label (keyed "n1" and "n1_n0"), and fails on markup inside a label.
const mermaidScript = `
import { createRequire } from 'module';
import { pathToFileURL } from 'url';
import path from 'path';
import fs from 'fs';
const dir = process.argv[2];
const require = createRequire(path.join(dir, 'package.json'));
const { JSDOM } = require('jsdom');
const dom = new JSDOM('<!DOCTYPE html><html><body></body></html>', { pretendToBeVisual: true });
for (const k of ['window', 'document', 'Element', 'HTMLElement', 'SVGElement', 'Node', 'DOMParser', 'navigator',
  'getComputedStyle', 'MutationObserver', 'CSSStyleSheet', 'XMLSerializer', 'Text', 'DocumentFragment']) {
  if (!(k in globalThis)) { try { globalThis[k] = k === 'window' ? dom.window : dom.window[k]; } catch (e) {} }
}
dom.window.SVGElement.prototype.getBBox = function () { return { x: 0, y: 0, width: 8 * (this.textContent || '').length, height: 16 }; };
dom.window.SVGElement.prototype.getComputedTextLength = function () { return 8 * (this.textContent || '').length; };
const entry = path.join(dir, 'node_modules', 'mermaid', 'dist', 'mermaid.core.mjs');
const { default: mermaid } = await import(pathToFileURL(entry).href);
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
const graphs = JSON.parse(fs.readFileSync(0, 'utf8'));
const results = [];
let n = 0;
for (const text of graphs) {
  await mermaid.parse(text);
  const { svg } = await mermaid.render('g' + (n++), text);
  const doc = new JSDOM(svg).window.document;
  const out = {};
  const lines = (el) => {
    const p = el.querySelector('p') || el;
    for (const child of p.children) {
      if (child.tagName !== 'BR') throw new Error('markup in a label: ' + p.innerHTML);
    }
    return p.innerHTML.split(/<br\s*\/?>/).map((h) => { const d = doc.createElement('div'); d.innerHTML = h; return d.textContent; });
  };
  for (const g of doc.querySelectorAll('g.node')) {
    const m = /flowchart-(n\d+)-/.exec(g.id);
    out[m[1]] = lines(g.querySelector('.nodeLabel'));
  }
  for (const g of doc.querySelectorAll('g.edgeLabel g.label')) {
    const m = /^L_(n\d+)_(n\d+)_/.exec(g.getAttribute('data-id'));
    out[m[1] + '_' + m[2]] = lines(g.querySelector('.edgeLabel'));
  }
  results.push(out);
}
process.stdout.write(JSON.stringify(results));
`
