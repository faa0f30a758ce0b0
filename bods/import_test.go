package bods_test

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dossierkit/dossier/bods"
	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/validation"
)

// The test packages below are written by hand from the standard's
// documentation (records, relationships with interests and shares,
// indirect relationships with components, unspecified records, record
// updates), not produced by Export.

// st writes one statement; its id is the name padded to 32 characters.
func st(name, recordID, recordType, details string, extra ...string) string {
	id := name + strings.Repeat("0", max(0, 32-len(name)))
	s := `{"statementId":"` + id + `","statementDate":"2026-10-01","declarationSubject":"acme","recordId":"` + recordID +
		`","recordType":"` + recordType + `","recordDetails":` + details
	for _, e := range extra {
		s += "," + e
	}
	return s + "}"
}

func entityRec(name string) string {
	return `{"isComponent":false,"entityType":{"type":"registeredEntity"},"name":"` + name + `","jurisdiction":{"name":"United Kingdom","code":"GB"},"identifiers":[{"id":"0123","scheme":"GB-COH"}]}`
}

func personRec(given, family string) string {
	return `{"isComponent":false,"personType":"knownPerson","names":[{"type":"legal","fullName":"` + given + " " + family + `","givenName":"` + given + `","familyName":"` + family + `"}]}`
}

func relRec(subject, party string, interests ...string) string {
	return `{"isComponent":false,"subject":"` + subject + `","interestedParty":"` + party + `","interests":[` + strings.Join(interests, ",") + `]}`
}

func interest(typ, direct, share string) string {
	s := `{"type":"` + typ + `","directOrIndirect":"` + direct + `","beneficialOwnershipOrControl":false`
	if share != "" {
		s += `,"share":` + share
	}
	return s + "}"
}

func pkgOf(statements ...string) string { return "[" + strings.Join(statements, ",\n") + "]" }

// base is a main company acme, a holding and two persons.
var base = []string{
	st("e1", "acme", "entity", entityRec("Acme Ltd")),
	st("e2", "hold", "entity", entityRec("Acme Holding")),
	st("p1", "ada", "person", personRec("Ada", "Lovelace")),
	st("p2", "bob", "person", personRec("Bob", "Stone")),
}

func importString(t *testing.T, pkg string, opts bods.ImportOptions) *bods.Imported {
	t.Helper()
	n := 0
	if opts.NewID == nil {
		opts.NewID = func() string { n++; return fmt.Sprintf("id%02d", n) }
	}
	opts.Now = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	im, err := bods.Import(strings.NewReader(pkg), opts)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if err := relation.Check(im.Graph); err != nil {
		t.Fatalf("imported graph: %v", err)
	}
	return im
}

// edges renders the relations with record ids: "ada->hold own 40 vote unknown [shareholder]".
func edges(im *bods.Imported) []string {
	name := map[string]string{}
	for rec, id := range im.RecordIDs {
		name[id] = rec
	}
	var out []string
	for _, r := range im.Graph.Relations {
		out = append(out, fmt.Sprintf("%s->%s own %s vote %s %v", name[r.From()], name[r.ToCompanyID], r.OwnershipPercentage, r.VotingRightsPercentage, r.Roles))
	}
	return out
}

func skipped(im *bods.Imported) []string {
	var out []string
	for _, s := range im.Report.Skipped {
		out = append(out, fmt.Sprintf("%s %s %d %s", s.StatementID[:2], s.Reason, s.Interest, s.Detail))
	}
	return out
}

func TestImport(t *testing.T) {
	tests := []struct {
		name    string
		stmts   []string
		edges   []string
		skipped []string
		total   map[string]string // record -> total ownership in acme
	}{
		{"direct", []string{
			st("r1", "r-ada", "relationship", relRec("acme", "ada", interest("shareholding", "direct", `{"exact":60}`), interest("votingRights", "direct", `{"exact":60}`))),
		}, []string{"ada->acme own 60 vote 60 [shareholder]", "hold->acme own unknown vote unknown []", "bob->acme own unknown vote unknown []"}, nil,
			map[string]string{"ada": "60.00"}},
		{"indirect through an intermediary", []string{
			st("r1", "r-hold", "relationship", `{"isComponent":true,"subject":"acme","interestedParty":"hold","interests":[`+interest("shareholding", "direct", `{"exact":100}`)+`]}`),
			st("r2", "r-ada", "relationship", `{"isComponent":true,"subject":"hold","interestedParty":"ada","interests":[`+interest("shareholding", "direct", `{"exact":40}`)+`]}`),
			st("r3", "r-bob", "relationship", relRec("hold", "bob", interest("shareholding", "direct", `{"exact":60}`))),
			st("r4", "ada-acme", "relationship", `{"isComponent":false,"componentRecords":["r-hold","r-ada"],"subject":"acme","interestedParty":"ada","interests":[`+interest("shareholding", "indirect", `{"exact":40}`)+`]}`),
		}, []string{"hold->acme own 100 vote unknown [shareholder]", "ada->hold own 40 vote unknown [shareholder]", "bob->hold own 60 vote unknown [shareholder]"}, nil,
			map[string]string{"ada": "40.00", "bob": "60.00"}},
		{"joint ownership", []string{
			st("r1", "r-hold", "relationship", relRec("acme", "hold", interest("shareholding", "direct", `{"exact":100}`))),
			st("r2", "r-ada", "relationship", relRec("hold", "ada", interest("shareholding", "direct", `{"exact":50}`))),
			st("r3", "r-bob", "relationship", relRec("hold", "bob", interest("shareholding", "direct", `{"exact":50}`))),
		}, []string{"hold->acme own 100 vote unknown [shareholder]", "ada->hold own 50 vote unknown [shareholder]", "bob->hold own 50 vote unknown [shareholder]"}, nil,
			map[string]string{"ada": "50.00", "bob": "50.00"}},
		{"UK bands", []string{
			st("r1", "r-ada", "relationship", relRec("acme", "ada", interest("shareholding", "direct", `{"exclusiveMinimum":25,"maximum":50}`), interest("votingRights", "direct", `{"exclusiveMinimum":50,"exclusiveMaximum":75}`))),
			st("r2", "r-bob", "relationship", relRec("acme", "bob", interest("shareholding", "direct", `{"minimum":25,"maximum":50}`))),
			st("r3", "r-hold", "relationship", relRec("acme", "hold", interest("shareholding", "direct", `{"maximum":10}`))),
		}, []string{"ada->acme own (25, 50] vote (50, 75) [shareholder]", "bob->acme own [25, 50] vote unknown [shareholder]", "hold->acme own [0, 10] vote unknown [shareholder]"}, nil,
			map[string]string{"ada": "(25.00, 50.00]", "bob": "[25.00, 50.00]"}},
		{"a person with both interests", []string{
			st("r1", "r-ada", "relationship", relRec("acme", "ada", interest("shareholding", "direct", `{"exact":10}`), interest("votingRights", "direct", `{"exact":51}`),
				`{"type":"seniorManagingOfficial","details":"Director"}`)),
		}, []string{"ada->acme own 10 vote 51 [shareholder legal_representative]", "hold->acme own unknown vote unknown []", "bob->acme own unknown vote unknown []"}, nil,
			map[string]string{"ada": "10.00"}},
		{"records updated over time", []string{
			st("r1", "r-ada", "relationship", relRec("acme", "ada", interest("shareholding", "direct", `{"exact":30}`))),
			st("r2", "r-bob", "relationship", relRec("acme", "bob", interest("shareholding", "direct", `{"exact":20}`))),
			st("r3", "r-ada", "relationship", relRec("acme", "ada", interest("shareholding", "direct", `{"exact":45.5}`)), `"recordStatus":"updated"`),
			st("r4", "r-bob", "relationship", relRec("acme", "bob", interest("shareholding", "direct", `{"exact":20}`)), `"recordStatus":"closed"`),
			st("r5", "r-hold", "relationship", relRec("acme", "hold", interest("shareholding", "direct", `{"exact":10}`), interest("shareholding", "direct", `{"exact":5}`),
				`{"type":"shareholding","directOrIndirect":"direct","share":{"exact":15},"endDate":"2020-01-01"}`)),
		}, []string{"ada->acme own 45.5 vote unknown [shareholder]", "hold->acme own 10 vote unknown [shareholder]", "bob->acme own unknown vote unknown []"}, []string{
			"r1 superseded -1 replaced by statement r3" + strings.Repeat("0", 30),
			"r2 superseded -1 replaced by statement r4" + strings.Repeat("0", 30),
			"r4 closed_record -1 ",
			"r5 duplicate_interest 1 shareholding",
			"r5 ended_interest 2 shareholding ended 2020-01-01",
		}, map[string]string{"ada": "45.50"}},
		{"what dossier cannot represent", []string{
			st("e3", "trust", "entity", `{"isComponent":false,"entityType":{"type":"arrangement","subtype":"trust"},"name":"Family trust"}`),
			st("p3", "anon", "person", `{"isComponent":false,"personType":"anonymousPerson","unspecifiedPersonDetails":{"reason":"subjectExemptFromDisclosure"}}`),
			st("r1", "r-ada", "relationship", relRec("acme", "ada", interest("shareholding", "direct", `{"exact":33.333}`), interest("boardMember", "direct", ""))),
			st("r2", "r-trust", "relationship", relRec("acme", "trust", interest("shareholding", "direct", `{"exact":20}`))),
			st("r3", "r-anon", "relationship", relRec("hold", "anon", interest("shareholding", "direct", `{"exact":20}`))),
			st("r4", "r-unspec", "relationship", `{"isComponent":false,"subject":"acme","interestedParty":{"reason":"interestedPartyHasNotProvidedInformation"},"interests":[`+interest("shareholding", "direct", `{"exact":10}`)+`]}`),
			st("r5", "r-hold", "relationship", relRec("acme", "hold", interest("shareholding", "direct", `{"exact":30}`))),
		}, []string{"ada->acme own (33.33, 33.34) vote unknown [shareholder]", "hold->acme own 30 vote unknown [shareholder]", "bob->acme own unknown vote unknown []"}, []string{
			"e3 arrangement -1 trust",
			"p3 anonymous_person -1 subjectExemptFromDisclosure",
			"r1 widened_share 0 33.333 kept as (33.33, 33.34)",
			"r1 other_interest 1 boardMember",
			"r2 missing_party -1 interested party trust is not in the graph",
			"r3 missing_party -1 interested party anon is not in the graph",
			"r4 unspecified_party -1 interested party: interestedPartyHasNotProvidedInformation",
		}, map[string]string{"ada": "(33.33, 33.34)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im := importString(t, pkgOf(append(slices.Clone(base), tt.stmts...)...), bods.ImportOptions{})
			if got := edges(im); !slices.Equal(got, tt.edges) {
				t.Fatalf("relations\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.edges, "\n"))
			}
			if got := skipped(im); !slices.Equal(got, tt.skipped) {
				t.Fatalf("skipped\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.skipped, "\n"))
			}
			main, _ := im.Graph.MainCompany()
			if main.ID != im.RecordIDs["acme"] || im.MainCompanyID != main.ID || main.Name != "Acme Ltd" || main.Country != "GB" || main.RegistrationNumber != "0123" {
				t.Fatalf("main company %+v", main)
			}
			res, err := relation.Totals(im.Graph, ownership.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for rec, want := range tt.total {
				got, _ := res.Total(im.RecordIDs[rec], ownership.Ownership)
				if got.String() != want {
					t.Errorf("%s total %s, want %s", rec, got, want)
				}
			}
			if len(im.Report.Disagreements) != 0 {
				t.Errorf("disagreements %+v", im.Report.Disagreements)
			}
		})
	}
}

func TestImportIndirectChecks(t *testing.T) {
	rels := []string{
		st("r1", "r-hold", "relationship", relRec("acme", "hold", interest("shareholding", "direct", `{"exact":50}`), interest("votingRights", "direct", `{"exact":50}`))),
		st("r2", "r-ada", "relationship", relRec("hold", "ada", interest("shareholding", "direct", `{"exclusiveMinimum":50,"exclusiveMaximum":75}`), interest("votingRights", "direct", `{"exact":80}`))),
	}
	primary := func(name, own, vote string) string {
		return st(name, "ada-acme-"+name, "relationship", `{"isComponent":false,"componentRecords":["r-hold","r-ada"],"subject":"acme","interestedParty":"ada","interests":[`+
			interest("shareholding", "indirect", own)+","+interest("votingRights", "indirect", vote)+`]}`)
	}
	stmts := append(slices.Clone(base), rels...)
	stmts = append(stmts,
		primary("i1", `{"exclusiveMinimum":25,"maximum":50}`, `{"exact":40}`), // agrees
		primary("i2", `{"exact":30}`, `{"exact":40.004}`),                     // agrees (30 in (25, 37.5))
		primary("i3", `{"minimum":40}`, `{"exact":45}`),                       // both disagree
		primary("i4", `{"exact":20}`, ``),                                     // ownership disagrees; no voting share
	)
	im := importString(t, pkgOf(stmts...), bods.ImportOptions{})
	var got []string
	for _, d := range im.Report.Disagreements {
		got = append(got, fmt.Sprintf("%s %d %s declared %s computed %s", d.StatementID[:2], d.Interest, d.Kind, d.Declared, d.Computed))
	}
	want := []string{
		"i3 0 ownership declared [40, 100] computed (25.00, 37.50)",
		"i3 1 voting_rights declared 45 computed 40.00",
		"i4 0 ownership declared 20 computed (25.00, 37.50)",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("disagreements\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if im.Report.Checked != 8 {
		t.Fatalf("checked %d", im.Report.Checked)
	}
	if len(im.Graph.Relations) != 3 { // two direct ones, and bob linked to acme
		t.Fatalf("relations %v", edges(im))
	}
	if !slices.Equal(im.Report.Linked, []string{im.RecordIDs["bob"]}) {
		t.Fatalf("linked %v", im.Report.Linked)
	}
}

func TestImportJSONLines(t *testing.T) {
	lines := append(slices.Clone(base), st("r1", "r-ada", "relationship", relRec("acme", "ada", interest("shareholding", "direct", `{"exact":60}`))))
	im := importString(t, strings.Join(lines, "\n")+"\n\n", bods.ImportOptions{})
	if got := edges(im); got[0] != "ada->acme own 60 vote unknown [shareholder]" {
		t.Fatalf("relations %v", got)
	}
	im = importString(t, pkgOf(lines...), bods.ImportOptions{MainRecordID: "hold"})
	if main, _ := im.Graph.MainCompany(); main.Name != "Acme Holding" {
		t.Fatalf("main %s", main.Name)
	}
}

func TestImportInvalid(t *testing.T) {
	good := st("r1", "r-ada", "relationship", relRec("acme", "ada", interest("shareholding", "direct", `{"exact":60}`)))
	tests := []struct {
		name string
		pkg  string
		opts bods.ImportOptions
		path string
		code validation.Code
	}{
		{"not JSON", `[{"statementId": }]`, bods.ImportOptions{}, "statements", validation.CodeInvalidFormat},
		{"empty", `[]`, bods.ImportOptions{}, "statements", validation.CodeRequired},
		{"bad JSON line", base[0] + "\n{nope", bods.ImportOptions{}, "statements[1]", validation.CodeInvalidFormat},
		{"not an object", `[1]`, bods.ImportOptions{}, "statements[0]", validation.CodeInvalidType},
		{"no statement id", pkgOf(strings.Replace(base[0], `"statementId":"e1`+strings.Repeat("0", 30)+`",`, "", 1)), bods.ImportOptions{}, "statements[0].statementId", validation.CodeRequired},
		{"short statement id", pkgOf(strings.Replace(base[0], "e1"+strings.Repeat("0", 30), "e1", 1)), bods.ImportOptions{}, "statements[0].statementId", validation.CodeInvalidFormat},
		{"duplicate statement id", pkgOf(base[0], base[0]), bods.ImportOptions{}, "statements[1].statementId", validation.CodeDuplicate},
		{"bad record type", pkgOf(strings.Replace(base[0], `"recordType":"entity"`, `"recordType":"company"`, 1)), bods.ImportOptions{}, "statements[0].recordType", validation.CodeInvalidValue},
		{"record changes type", pkgOf(base[0], strings.Replace(base[2], `"recordId":"ada"`, `"recordId":"acme"`, 1)), bods.ImportOptions{}, "statements[1].recordType", validation.CodeConflict},
		{"exact with a bound", pkgOf(append(slices.Clone(base), strings.Replace(good, `{"exact":60}`, `{"exact":60,"minimum":50}`, 1))...), bods.ImportOptions{},
			"statements[4].recordDetails.interests[0].share.exact", validation.CodeConflict},
		{"two minimums", pkgOf(append(slices.Clone(base), strings.Replace(good, `{"exact":60}`, `{"minimum":50,"exclusiveMinimum":50}`, 1))...), bods.ImportOptions{},
			"statements[4].recordDetails.interests[0].share.exclusiveMinimum", validation.CodeConflict},
		{"lower above upper", pkgOf(append(slices.Clone(base), strings.Replace(good, `{"exact":60}`, `{"exclusiveMinimum":50,"maximum":50}`, 1))...), bods.ImportOptions{},
			"statements[4].recordDetails.interests[0].share.maximum", validation.CodeOutOfRange},
		{"share above 100", pkgOf(append(slices.Clone(base), strings.Replace(good, `{"exact":60}`, `{"exact":100.5}`, 1))...), bods.ImportOptions{},
			"statements[4].recordDetails.interests[0].share.exact", validation.CodeOutOfRange},
		{"share not a number", pkgOf(append(slices.Clone(base), strings.Replace(good, `{"exact":60}`, `{"exact":"60"}`, 1))...), bods.ImportOptions{},
			"statements[4].recordDetails", validation.CodeInvalidType},
		{"no subject", pkgOf(append(slices.Clone(base), strings.Replace(good, `"subject":"acme",`, "", 1))...), bods.ImportOptions{},
			"statements[4].recordDetails.subject", validation.CodeRequired},
		{"two subjects", pkgOf(base[0], strings.Replace(base[1], `"declarationSubject":"acme"`, `"declarationSubject":"hold"`, 1)), bods.ImportOptions{},
			"statements[1].declarationSubject", validation.CodeConflict},
		{"main company not an entity", pkgOf(base...), bods.ImportOptions{MainRecordID: "ada"}, "main_record_id", relation.CodeNoMainCompany},
		{"stakes over 100", pkgOf(append(slices.Clone(base), good, st("r2", "r-bob", "relationship", relRec("acme", "bob", interest("shareholding", "direct", `{"minimum":50}`))))...),
			bods.ImportOptions{}, "statements[0].recordDetails", relation.CodeStakeExceeded},
		{"a name too long", pkgOf(strings.Replace(base[0], "Acme Ltd", strings.Repeat("x", 300), 1)), bods.ImportOptions{}, "statements[0].recordDetails.name", validation.CodeTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.NewID = func() string { return fmt.Sprint(time.Now().UnixNano()) }
			im, err := bods.Import(strings.NewReader(tt.pkg), tt.opts)
			var verr *validation.Error
			if !errors.As(err, &verr) || !verr.Has(tt.path, tt.code) {
				t.Fatalf("Import = %v, %v; want %s at %s", im, err, tt.code, tt.path)
			}
		})
	}
}

// TestRoundTrip: export then import gives the same graph (entities,
// relations with their percentages and roles) and the same totals.
func TestRoundTrip(t *testing.T) {
	graphs := map[string]func(t testing.TB) relation.Graph{
		"ownership example": starkGraph,
		"bands": func(t testing.TB) relation.Graph {
			return newGraph("M").company("H").company("K").person("P").person("Q").
				rel("H", "M", "(50, 75)", "[50, 60]", shareholder).rel("K", "M", "10", "", shareholder).
				rel("P", "H", "(25, 50]", "100", shareholder).rel("Q", "K", "", "", shareholder).rel("Q", "H", "0.01", "0", shareholder).graph(t)
		},
		"cross-holding": func(t testing.TB) relation.Graph {
			return newGraph("A").company("B").person("UA").person("UB").
				rel("UA", "A", "50", "50", shareholder).rel("B", "A", "50", "50", shareholder).rel("UB", "B", "50", "50", shareholder).rel("A", "B", "50", "50", shareholder).graph(t)
		},
	}
	for name, mk := range graphs {
		t.Run(name, func(t *testing.T) {
			g := mk(t)
			pkg := export(t, g, ownership.DefaultPolicy())
			var buf bytes.Buffer
			if err := pkg.WriteJSONLines(&buf); err != nil {
				t.Fatal(err)
			}
			im := importString(t, buf.String(), bods.ImportOptions{})
			if len(im.Report.Skipped)+len(im.Report.Linked)+len(im.Report.Disagreements) != 0 {
				t.Fatalf("report %+v", im.Report)
			}
			back := map[string]string{} // new id -> original id (the record id)
			for rec, id := range im.RecordIDs {
				back[id] = rec
			}
			if len(im.Graph.Companies) != len(g.Companies) || len(im.Graph.Individuals) != len(g.Individuals) || len(im.Graph.Relations) != len(g.Relations) {
				t.Fatalf("sizes differ: %v", edges(im))
			}
			for i, c := range im.Graph.Companies {
				o := g.Companies[i]
				if back[c.ID] != o.ID || c.Name != o.Name || c.Type != o.Type || c.Country != o.Country || c.RegistrationNumber != o.RegistrationNumber {
					t.Fatalf("company %+v, was %+v", c, o)
				}
			}
			for i, p := range im.Graph.Individuals {
				o := g.Individuals[i]
				if back[p.ID] != o.ID || p.FullName() != o.FullName() || !slices.Equal(p.Nationalities, o.Nationalities) {
					t.Fatalf("individual %+v, was %+v", p, o)
				}
			}
			for i, r := range im.Graph.Relations {
				o := g.Relations[i]
				if back[r.ID] != o.ID || back[r.From()] != o.From() || back[r.ToCompanyID] != o.ToCompanyID ||
					!r.OwnershipPercentage.Equal(o.OwnershipPercentage) || !r.VotingRightsPercentage.Equal(o.VotingRightsPercentage) ||
					!slices.Equal(r.Roles, o.Roles) || r.Position != o.Position {
					t.Fatalf("relation %s, was %+v", edges(im)[i], o)
				}
			}
			was, err := relation.Totals(g, ownership.Options{})
			if err != nil {
				t.Fatal(err)
			}
			now, err := relation.Totals(im.Graph, ownership.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range was.Holders() {
				for _, in := range []ownership.Interest{ownership.Ownership, ownership.Voting} {
					a, _ := was.Total(id, in)
					b, _ := now.Total(im.RecordIDs[id], in)
					if !a.Equal(b) {
						t.Fatalf("%s %s: %s, was %s", id, in, b, a)
					}
				}
			}
		})
	}
}
