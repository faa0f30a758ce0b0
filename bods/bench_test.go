package bods_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/bods"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/relation"
)

// benchGraph builds a case of n entities: a fifth companies in a tree
// (each holding 20 % of its parent), the rest individuals holding 5 % of
// a company each, every tenth of them as the band (4, 5].
func benchGraph(n int) relation.Graph {
	nc := n / 5
	g := relation.Graph{}
	for i := range nc {
		c := entity.Company{ID: fmt.Sprintf("c%05d", i), Type: entity.CompanyAffiliated, Name: fmt.Sprintf("Company %d", i), Status: entity.StatusLive, Country: "FR"}
		if i == 0 {
			c.Type = entity.CompanyMain
		} else {
			g.Relations = append(g.Relations, relation.Relation{ID: fmt.Sprintf("rc%05d", i), FromCompanyID: c.ID, ToCompanyID: fmt.Sprintf("c%05d", (i-1)/4),
				OwnershipPercentage: entity.MustPercentage("20"), VotingRightsPercentage: entity.MustPercentage("20"), Roles: []entity.Role{entity.RoleShareholder}})
		}
		g.Companies = append(g.Companies, c)
	}
	for i := range n - nc {
		p := entity.Individual{ID: fmt.Sprintf("i%05d", i), FirstName: "Person", LastName: fmt.Sprint(i), Nationalities: []string{"FR"}}
		g.Individuals = append(g.Individuals, p)
		own := entity.MustPercentage("5")
		if i%10 == 0 {
			own = entity.MustPercentage("(4, 5]")
		}
		g.Relations = append(g.Relations, relation.Relation{ID: fmt.Sprintf("ri%05d", i), FromIndividualID: p.ID, ToCompanyID: fmt.Sprintf("c%05d", i%nc),
			OwnershipPercentage: own, VotingRightsPercentage: entity.MustPercentage("5"), Roles: []entity.Role{entity.RoleShareholder}})
	}
	return g
}

// BenchmarkExport10k: Export of a 10,000-entity case and its encoding,
// against json.Marshal of the same statements alone, in the same run.
func BenchmarkExport10k(b *testing.B) {
	g := benchGraph(10000)
	opts := bods.ExportOptions{StatementDate: statementDate, Policy: ownership.Policy{Threshold: decimal.NewFromInt(1)}}
	pkg, err := bods.Export(g, opts)
	if err != nil {
		b.Fatal(err)
	}
	var export, marshal time.Duration
	for b.Loop() {
		t0 := time.Now()
		p, err := bods.Export(g, opts)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(p); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := json.Marshal(pkg); err != nil {
			b.Fatal(err)
		}
		export, marshal = export+t1.Sub(t0), marshal+time.Since(t1)
	}
	b.ReportMetric(float64(len(pkg)), "statements")
	b.ReportMetric(export.Seconds()*1000/float64(b.N), "export-ms/op")
	b.ReportMetric(marshal.Seconds()*1000/float64(b.N), "marshal-ms/op")
	b.ReportMetric(float64(export)/float64(marshal), "x-json.Marshal")
}

// BenchmarkImport10k: Import of the package of a 10,000-entity case,
// against json.Unmarshal of the same bytes into generic values, in the same
// run.
func BenchmarkImport10k(b *testing.B) {
	pkg, err := bods.Export(benchGraph(10000), bods.ExportOptions{StatementDate: statementDate})
	if err != nil {
		b.Fatal(err)
	}
	data, err := json.Marshal(pkg)
	if err != nil {
		b.Fatal(err)
	}
	var imp, unmarshal time.Duration
	for b.Loop() {
		n := 0
		t0 := time.Now()
		im, err := bods.Import(bytes.NewReader(data), bods.ImportOptions{NewID: func() string { n++; return fmt.Sprint(n) }})
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		var generic []map[string]any
		if err := json.Unmarshal(data, &generic); err != nil {
			b.Fatal(err)
		}
		imp, unmarshal = imp+t1.Sub(t0), unmarshal+time.Since(t1)
		if len(im.Graph.Relations) != len(pkg)-10000 {
			b.Fatalf("%d relations", len(im.Graph.Relations))
		}
	}
	b.ReportMetric(imp.Seconds()*1000/float64(b.N), "import-ms/op")
	b.ReportMetric(unmarshal.Seconds()*1000/float64(b.N), "unmarshal-ms/op")
	b.ReportMetric(float64(imp)/float64(unmarshal), "x-json.Unmarshal")
}
