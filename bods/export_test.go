package bods_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/bods"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/validation"
)

var statementDate = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

// graphBuilder writes case graphs tersely: companies and individuals by
// id, relations "from->to" with ownership and voting percentages ("" is
// unknown, "(25, 50]" a band).
type graphBuilder struct{ g relation.Graph }

func newGraph(main string) *graphBuilder {
	return &graphBuilder{g: relation.Graph{Companies: []entity.Company{{ID: main, Type: entity.CompanyMain, Name: "Company " + main, Country: "GB", RegistrationNumber: "0" + main, Status: entity.StatusLive}}}}
}

func (b *graphBuilder) company(id string) *graphBuilder {
	b.g.Companies = append(b.g.Companies, entity.Company{ID: id, Type: entity.CompanyAffiliated, Name: "Company " + id, Status: entity.StatusNotReported})
	return b
}

func (b *graphBuilder) person(id string) *graphBuilder {
	b.g.Individuals = append(b.g.Individuals, entity.Individual{ID: id, FirstName: "Person", LastName: id, Nationalities: []string{"FR"}})
	return b
}

func (b *graphBuilder) rel(from, to, own, vote string, roles ...entity.Role) *graphBuilder {
	r := relation.Relation{ID: from + "-" + to, ToCompanyID: to, Roles: roles}
	if _, ok := b.g.Individual(from); ok {
		r.FromIndividualID = from
	} else {
		r.FromCompanyID = from
	}
	if own != "" {
		r.OwnershipPercentage = entity.MustPercentage(own)
	}
	if vote != "" {
		r.VotingRightsPercentage = entity.MustPercentage(vote)
	}
	b.g.Relations = append(b.g.Relations, r)
	return b
}

func (b *graphBuilder) graph(t testing.TB) relation.Graph {
	t.Helper()
	if err := relation.Check(b.g); err != nil {
		t.Fatalf("test graph: %v", err)
	}
	return b.g
}

var shareholder = entity.RoleShareholder

// starkGraph is the structure of the ownership example.
func starkGraph(t testing.TB) relation.Graph {
	return newGraph("M").company("H").person("tony").person("pepper").
		rel("H", "M", "100", "100", shareholder).
		rel("tony", "H", "33.33", "33.33", shareholder).
		rel("pepper", "M", "", "", entity.RoleLegalRepresentative).
		rel("pepper", "H", "0", "0", entity.RoleLegalRepresentative).
		graph(t)
}

func export(t testing.TB, g relation.Graph, policy ownership.Policy) bods.Package {
	t.Helper()
	pkg, err := bods.Export(g, bods.ExportOptions{StatementDate: statementDate, Policy: policy,
		Publisher: bods.Publisher{Name: "dossier tests"}})
	if err != nil {
		t.Fatal(err)
	}
	checkPackage(t, pkg)
	return pkg
}

func find(pkg bods.Package, recordID string) *bods.Statement {
	for i := range pkg {
		if pkg[i].RecordID == recordID {
			return &pkg[i]
		}
	}
	return nil
}

func shareJSON(s *bods.Share) string {
	if s == nil {
		return "none"
	}
	b, _ := json.Marshal(s)
	return string(b)
}

func TestExportIndirectOwner(t *testing.T) {
	pkg := export(t, starkGraph(t), ownership.DefaultPolicy())
	var types []string
	for _, s := range pkg {
		types = append(types, s.RecordType+":"+s.RecordID)
	}
	want := []string{"entity:M", "entity:H", "person:tony", "person:pepper",
		"relationship:H-M", "relationship:tony-H", "relationship:pepper-M", "relationship:pepper-H", "relationship:tony/M"}
	if !slices.Equal(types, want) {
		t.Fatalf("statements %v, want %v", types, want)
	}
	for _, s := range pkg {
		if s.DeclarationSubject != "M" || s.StatementDate != "2026-11-02" || s.PublicationDetails == nil || s.PublicationDetails.BODSVersion != "0.4" {
			t.Fatalf("statement %s: subject %s, date %s, publication %+v", s.RecordID, s.DeclarationSubject, s.StatementDate, s.PublicationDetails)
		}
	}
	primary := find(pkg, "tony/M").Relationship
	if primary.IsComponent || !slices.Equal(primary.ComponentRecords, []string{"H-M", "tony-H"}) {
		t.Fatalf("primary %+v", primary)
	}
	if len(primary.Interests) != 2 {
		t.Fatalf("interests %+v", primary.Interests)
	}
	for _, in := range primary.Interests {
		if in.DirectOrIndirect != bods.Indirect || !in.BeneficialOwnershipOrControl || shareJSON(in.Share) != `{"exact":33.33}` {
			t.Fatalf("interest %+v share %s", in, shareJSON(in.Share))
		}
	}
	for id, comp := range map[string]bool{"H-M": true, "tony-H": true, "pepper-M": false, "pepper-H": false} {
		if got := find(pkg, id).Relationship.IsComponent; got != comp {
			t.Errorf("%s isComponent %v, want %v", id, got, comp)
		}
	}
	pm := find(pkg, "pepper-M").Relationship.Interests
	if len(pm) != 1 || pm[0].Type != "seniorManagingOfficial" {
		t.Fatalf("pepper-M interests %+v", pm)
	}
	ph := find(pkg, "pepper-H").Relationship.Interests
	if len(ph) != 3 || shareJSON(ph[0].Share) != `{"exact":0}` {
		t.Fatalf("pepper-H interests %+v", ph)
	}
}

func TestExportStableIDs(t *testing.T) {
	a := export(t, starkGraph(t), ownership.DefaultPolicy())
	b := export(t, starkGraph(t), ownership.DefaultPolicy())
	for i := range a {
		if a[i].StatementID != b[i].StatementID || len(a[i].StatementID) != 64 {
			t.Fatalf("statement %d: ids %s and %s", i, a[i].StatementID, b[i].StatementID)
		}
	}
	g := starkGraph(t)
	g.Relations[1].OwnershipPercentage = entity.MustPercentage("40")
	c := export(t, g, ownership.DefaultPolicy())
	if find(c, "tony-H").StatementID == find(a, "tony-H").StatementID {
		t.Fatal("a changed relation kept its statement id")
	}
	if find(c, "H-M").StatementID != find(a, "H-M").StatementID {
		t.Fatal("an unchanged relation changed its statement id")
	}
}

func TestExportShares(t *testing.T) {
	moreThan := ownership.Policy{Threshold: decimal.NewFromInt(25), Comparator: ownership.MoreThan}
	tests := []struct {
		name    string
		g       func(t testing.TB) relation.Graph
		policy  ownership.Policy
		record  string
		want    []string // type, directness, BO flag and share of each interest
		noOwner []string // records that must not exist
	}{
		{"direct band owner", func(t testing.TB) relation.Graph {
			return newGraph("M").person("P").rel("P", "M", "(25, 50]", "(50, 75)", shareholder).graph(t)
		}, moreThan, "P-M", []string{
			`shareholding direct true {"exclusiveMinimum":25,"maximum":50}`,
			`votingRights direct true {"exclusiveMinimum":50,"exclusiveMaximum":75}`,
		}, []string{"P/M"}},
		{"indirect band", func(t testing.TB) relation.Graph {
			return newGraph("M").company("H").person("P").rel("H", "M", "50", "50", shareholder).rel("P", "H", "(50, 75)", "", shareholder).graph(t)
		}, moreThan, "P/M", []string{
			`shareholding indirect true {"exclusiveMinimum":25,"exclusiveMaximum":37.5}`,
			`votingRights indirect false {"minimum":0,"maximum":50}`,
		}, nil},
		{"cross-holding, not a finite decimal", func(t testing.TB) relation.Graph {
			return newGraph("A").company("B").person("UA").person("UB").
				rel("UA", "A", "50", "50").rel("B", "A", "50", "50").rel("UB", "B", "50", "50").rel("A", "B", "50", "50").graph(t)
		}, ownership.DefaultPolicy(), "UA/A", []string{
			`shareholding indirect true {"exclusiveMinimum":66.666666,"exclusiveMaximum":66.666667}`,
			`votingRights indirect true {"exclusiveMinimum":66.666666,"exclusiveMaximum":66.666667}`,
		}, nil},
		{"joint ownership", func(t testing.TB) relation.Graph {
			return newGraph("M").company("H").person("P").person("Q").
				rel("H", "M", "100", "100", shareholder).rel("P", "H", "50", "50", shareholder).rel("Q", "H", "50", "50", shareholder).graph(t)
		}, ownership.DefaultPolicy(), "Q/M", []string{
			`shareholding indirect true {"exact":50}`,
			`votingRights indirect true {"exact":50}`,
		}, nil},
		{"direct and indirect", func(t testing.TB) relation.Graph {
			return newGraph("M").company("H").person("P").
				rel("H", "M", "60", "60", shareholder).rel("P", "M", "10", "", shareholder).rel("P", "H", "50", "50", shareholder).graph(t)
		}, ownership.DefaultPolicy(), "P/M", []string{
			`shareholding indirect true {"exact":40}`,
			`votingRights indirect true {"minimum":30,"maximum":70}`,
		}, nil},
		{"under the threshold", func(t testing.TB) relation.Graph {
			return newGraph("M").company("H").person("P").rel("H", "M", "40", "40", shareholder).rel("P", "H", "50", "50", shareholder).graph(t)
		}, ownership.DefaultPolicy(), "P-H", []string{
			`shareholding direct false {"exact":50}`,
			`votingRights direct false {"exact":50}`,
		}, []string{"P/M"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkg := export(t, tt.g(t), tt.policy)
			s := find(pkg, tt.record)
			if s == nil {
				t.Fatalf("no record %s", tt.record)
			}
			var got []string
			for _, in := range s.Relationship.Interests {
				got = append(got, strings.Join([]string{in.Type, in.DirectOrIndirect, boolText(in.BeneficialOwnershipOrControl), shareJSON(in.Share)}, " "))
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("interests\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			for _, id := range tt.noOwner {
				if find(pkg, id) != nil {
					t.Fatalf("unexpected record %s", id)
				}
			}
		})
	}
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func TestExportRefuses(t *testing.T) {
	for name, opts := range map[string]bods.ExportOptions{
		"no statement date":  {},
		"relative publisher": {StatementDate: statementDate, Publisher: bods.Publisher{URL: "example.org/x"}},
		"invalid policy":     {StatementDate: statementDate, Policy: ownership.Policy{Comparator: 7}},
	} {
		if _, err := bods.Export(starkGraph(t), opts); !errors.Is(err, validation.ErrInvalid) {
			t.Errorf("%s: %v, want a validation error", name, err)
		}
	}
	g := relation.Graph{Individuals: []entity.Individual{{ID: "p", FirstName: "Pat"}}}
	if _, err := bods.Export(g, bods.ExportOptions{StatementDate: statementDate}); !errors.Is(err, bods.ErrNoMainCompany) {
		t.Fatalf("no main company: %v", err)
	}
}
