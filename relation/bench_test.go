package relation_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/relation"
)

// benchGraph returns a valid case of n entities: a main company, n/5
// affiliated companies each held by an earlier company, and individuals
// each related to one company (every other one with an e-mail and a phone
// number, so that Check validates them). Each company's first holder has a
// 10 % stake, the others unknown stakes.
func benchGraph(n int) relation.Graph {
	rng := rand.New(rand.NewPCG(uint64(n), 42))
	var g relation.Graph
	nc := max(1, n/5)
	held := map[string]bool{}
	link := func(id, from string, fromCompany bool, to string) relation.Relation {
		r := relation.Relation{ID: id, ToCompanyID: to, CreatedAt: now, UpdatedAt: now}
		if fromCompany {
			r.FromCompanyID = from
		} else {
			r.FromIndividualID = from
		}
		if !held[to] {
			held[to] = true
			r.OwnershipPercentage, r.VotingRightsPercentage = pct("10"), pct("10")
			r.Roles = []relation.Role{relation.RoleShareholder}
		}
		return r
	}
	for i := range nc {
		c := entity.Company{ID: fmt.Sprintf("c%d", i), Type: entity.CompanyAffiliated, Name: fmt.Sprintf("Company %d", i),
			Country: "FR", Status: entity.StatusLive, IsRelevant: true, CreatedAt: now, UpdatedAt: now}
		if i == 0 {
			c.Type = entity.CompanyMain
		} else {
			g.Relations = append(g.Relations, link(fmt.Sprintf("rc%d", i), c.ID, true, fmt.Sprintf("c%d", rng.IntN(i))))
		}
		g.Companies = append(g.Companies, c)
	}
	for i := range n - nc {
		p := entity.Individual{ID: fmt.Sprintf("p%d", i), FirstName: "Jane", LastName: fmt.Sprintf("Doe %d", i),
			BirthDate: "1980-02-29", Nationalities: []string{"FR"}, IsRelevant: true, CreatedAt: now, UpdatedAt: now}
		if i%2 == 0 {
			p.Email = fmt.Sprintf("jane%d@example.com", i)
			p.PhoneNumber = "+33654489875"
			p.IsBusinessContact = true
		}
		g.Individuals = append(g.Individuals, p)
		g.Relations = append(g.Relations, link(fmt.Sprintf("rp%d", i), p.ID, false, fmt.Sprintf("c%d", rng.IntN(nc))))
	}
	return g
}

var benchSizes = []int{1000, 10000}

func benchEach(b *testing.B, run func(b *testing.B, g relation.Graph)) {
	for _, n := range benchSizes {
		g := benchGraph(n)
		if err := relation.Check(g); err != nil {
			b.Fatalf("bench graph: %v", err)
		}
		b.Run(fmt.Sprintf("entities=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				run(b, g)
			}
		})
	}
}

// BenchmarkOrphans is the orphan check alone.
func BenchmarkOrphans(b *testing.B) {
	benchEach(b, func(b *testing.B, g relation.Graph) {
		if relation.Orphans(g) != nil {
			b.Fatal("orphans")
		}
	})
}

// BenchmarkCheck is the full invariant check: every field of every entity
// and relation, the structure, the stakes and the orphans.
func BenchmarkCheck(b *testing.B) {
	benchEach(b, func(b *testing.B, g relation.Graph) {
		if relation.Check(g) != nil {
			b.Fatal("check")
		}
	})
}

// BenchmarkBaselineIndex is the baseline every whole-graph check pays at
// least: a map from each entity id, and one lookup per relation end. Its
// cost per entity grows with the working set (cache misses), like that of
// the checks, so the ratio check/baseline shows the algorithmic growth.
func BenchmarkBaselineIndex(b *testing.B) {
	benchEach(b, func(b *testing.B, g relation.Graph) {
		node := make(map[string]int32, len(g.Companies)+len(g.Individuals))
		for i := range g.Companies {
			node[g.Companies[i].ID] = int32(i)
		}
		for i := range g.Individuals {
			node[g.Individuals[i].ID] = int32(i)
		}
		found := 0
		for i := range g.Relations {
			if _, ok := node[g.Relations[i].From()]; ok {
				found++
			}
			if _, ok := node[g.Relations[i].ToCompanyID]; ok {
				found++
			}
		}
		if found != 2*len(g.Relations) {
			b.Fatal("index")
		}
	})
}

// BenchmarkBaselineClone is a deep copy of the graph, for scale.
func BenchmarkBaselineClone(b *testing.B) {
	benchEach(b, func(b *testing.B, g relation.Graph) {
		_ = g.Clone()
	})
}
