package relation_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/validation"
)

// TestRandomOperations runs long, seeded (reproducible) sequences of random
// entity and relation operations, valid and invalid, and checks after every
// step that:
//   - the operation did not change the graph it was given (byte for byte in
//     JSON), whether it was accepted or refused;
//   - a refusal is a *validation.Error, ErrNotFound or ErrOrphan;
//   - every invariant holds on the current graph, checked both by Check and
//     by the independent checker below (one main company, no orphan, stakes
//     at most 100 %, one relation per pair, ends that exist).
func TestRandomOperations(t *testing.T) {
	seeds, steps := 25, 300
	if testing.Short() {
		seeds, steps = 5, 200
	}
	accepted := map[string]int{}
	refused := map[string]int{}
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			runRandom(t, seed, steps, accepted, refused)
		})
	}
	// The generator must exercise both outcomes of every operation, or this
	// test proves little.
	for _, op := range []string{"addMain", "addAffiliated", "addIndividual", "updateCompany", "updateIndividual",
		"deleteCompany", "deleteIndividual", "addRelation", "updateRelation", "deleteRelation", "setMain"} {
		if accepted[op] == 0 || refused[op] == 0 {
			t.Errorf("%s: %d accepted, %d refused; the generator must produce both", op, accepted[op], refused[op])
		}
	}
	for _, why := range []string{"orphan", "not found", "stake"} {
		if refused[why] == 0 {
			t.Errorf("no refusal for %s: the generator must produce some", why)
		}
	}
	t.Logf("accepted %v", accepted)
	t.Logf("refused %v", refused)
}

var percentChoices = []string{"", "", "0", "5", "10.5", "25", "33.33", "50", "60", "75", "100", "0.001", "101", "-3"}

func runRandom(t *testing.T, seed uint64, steps int, accepted, refused map[string]int) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	n := 0
	env := relation.Env{Now: now, NewID: func() string { n++; return fmt.Sprintf("s%d-%d", seed, n) }}
	var g relation.Graph

	randPct := func() entity.Percentage {
		s := percentChoices[rng.IntN(len(percentChoices))]
		if s == "" {
			return entity.Percentage{}
		}
		return pct(s)
	}
	randRoles := func() []relation.Role {
		switch rng.IntN(4) {
		case 0:
			return []relation.Role{relation.RoleShareholder}
		case 1:
			return []relation.Role{relation.RoleLegalRepresentative, relation.RoleShareholder}
		case 2:
			return []relation.Role{"owner"}
		}
		return nil
	}
	// anyID picks an existing id of any kind, or a missing one.
	anyID := func() string {
		k := len(g.Companies) + len(g.Individuals) + len(g.Relations) + 1
		i := rng.IntN(k)
		switch {
		case i < len(g.Companies):
			return g.Companies[i].ID
		case i < len(g.Companies)+len(g.Individuals):
			return g.Individuals[i-len(g.Companies)].ID
		case i < k-1:
			return g.Relations[i-len(g.Companies)-len(g.Individuals)].ID
		}
		return "missing"
	}
	companyID := func() string {
		if len(g.Companies) == 0 || rng.IntN(8) == 0 {
			return anyID()
		}
		return g.Companies[rng.IntN(len(g.Companies))].ID
	}
	individualID := func() string {
		if len(g.Individuals) == 0 || rng.IntN(8) == 0 {
			return anyID()
		}
		return g.Individuals[rng.IntN(len(g.Individuals))].ID
	}
	relationID := func() string {
		if len(g.Relations) == 0 || rng.IntN(8) == 0 {
			return anyID()
		}
		return g.Relations[rng.IntN(len(g.Relations))].ID
	}
	links := func() []entity.Link {
		var ls []entity.Link
		for range rng.IntN(3) {
			k := entity.Link{OwnershipPercentage: randPct(), VotingRightsPercentage: randPct(), Roles: randRoles()}
			if rng.IntN(3) > 0 {
				k.ToCompanyID = companyID()
			}
			ls = append(ls, k)
		}
		return ls
	}

	for step := range steps {
		before := mustJSON(t, g)
		var op string
		var out relation.Graph
		var err error
		switch rng.IntN(13) {
		case 0:
			op = "addMain"
			in := entity.CompanyInput{Name: "Main"}
			if rng.IntN(5) == 0 {
				in.Relations = []entity.Link{{}} // refused: the main company comes without relations
			}
			out, _, err = relation.AddCompany(g, in, env)
		case 1, 2:
			op = "addAffiliated"
			name := "Aff"
			if rng.IntN(10) == 0 {
				name = ""
			}
			out, _, err = relation.AddCompany(g, entity.CompanyInput{Type: entity.CompanyAffiliated, Name: name, Relations: links()}, env)
		case 3, 4:
			op = "addIndividual"
			in := entity.IndividualInput{LastName: "Doe", Relations: links()}
			if rng.IntN(10) == 0 {
				in.IsSignatory = true // without an e-mail: refused
			}
			out, _, err = relation.AddIndividual(g, in, env)
		case 5:
			op = "updateCompany"
			u := entity.CompanyUpdate{Name: patch.Value("Renamed")}
			if rng.IntN(4) == 0 {
				u.Type = patch.Value(entity.CompanyMain)
			}
			out, _, err = relation.UpdateCompany(g, companyID(), u, env)
		case 6:
			op = "updateIndividual"
			u := entity.IndividualUpdate{Position: patch.Value("Director")}
			if rng.IntN(4) == 0 {
				u.IsBusinessContact = patch.Value(true)
			}
			out, _, err = relation.UpdateIndividual(g, individualID(), u, env)
		case 7:
			op = "deleteCompany"
			out, err = relation.DeleteCompany(g, companyID())
		case 8:
			op = "deleteIndividual"
			out, err = relation.DeleteIndividual(g, individualID())
		case 9:
			op = "addRelation"
			in := relation.Input{OwnershipPercentage: randPct(), VotingRightsPercentage: randPct(), Roles: randRoles()}
			if rng.IntN(2) == 0 {
				in.FromIndividualID = individualID()
			} else {
				in.FromCompanyID = companyID()
			}
			if rng.IntN(3) > 0 {
				in.ToCompanyID = companyID()
			}
			out, _, err = relation.AddRelation(g, in, env)
		case 10:
			op = "updateRelation"
			u := relation.Update{OwnershipPercentage: patch.Value(randPct()), VotingRightsPercentage: patch.Value(randPct())}
			if rng.IntN(6) == 0 {
				u.ToCompanyID = patch.Value(companyID())
			}
			out, _, err = relation.UpdateRelation(g, relationID(), u, env)
		case 11:
			op = "deleteRelation"
			out, err = relation.DeleteRelation(g, relationID())
		case 12:
			op = "setMain"
			out, err = relation.SetMainCompany(g, companyID(), env)
		}
		if after := mustJSON(t, g); after != before {
			t.Fatalf("step %d %s (err %v) changed its input graph", step, op, err)
		}
		if err != nil {
			refused[op]++
			var verr *validation.Error
			switch {
			case errors.Is(err, relation.ErrOrphan):
				refused["orphan"]++
			case errors.Is(err, relation.ErrNotFound):
				refused["not found"]++
			case errors.As(err, &verr):
				for _, p := range verr.Problems {
					if p.Code == relation.CodeStakeExceeded {
						refused["stake"]++
						break
					}
				}
			default:
				t.Fatalf("step %d %s: unexpected kind of error %v", step, op, err)
			}
		} else {
			accepted[op]++
		}
		if err == nil {
			g = out
		}
		checkInvariants(t, step, op, g)
	}
}

// checkInvariants checks the invariants of g without using the package's
// own checks (but also Check, which must agree).
func checkInvariants(t *testing.T, step int, op string, g relation.Graph) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("step %d after %s: %s\n%s", step, op, fmt.Sprintf(format, args...), mustJSON(t, g))
	}
	if err := relation.Check(g); err != nil {
		fail("Check: %v", err)
	}
	kind := map[string]string{}
	mainID := ""
	for _, c := range g.Companies {
		kind[c.ID] = "company"
		if c.Type == entity.CompanyMain {
			if mainID != "" {
				fail("two main companies")
			}
			mainID = c.ID
		}
	}
	for _, p := range g.Individuals {
		kind[p.ID] = "individual"
	}
	if mainID == "" {
		for _, c := range g.Companies {
			if c.Type == entity.CompanyAffiliated {
				fail("affiliated company %s without a main company", c.ID)
			}
		}
		if len(g.Relations) > 0 {
			fail("relations without a main company")
		}
	}
	adj := map[string][]string{}
	pairs := map[[2]string]bool{}
	own := map[string]decimal.Decimal{}
	vote := map[string]decimal.Decimal{}
	for _, r := range g.Relations {
		if (r.FromCompanyID == "") == (r.FromIndividualID == "") {
			fail("relation %s has not exactly one source", r.ID)
		}
		if r.FromCompanyID != "" && kind[r.FromCompanyID] != "company" || r.FromIndividualID != "" && kind[r.FromIndividualID] != "individual" {
			fail("relation %s from a missing entity", r.ID)
		}
		if kind[r.ToCompanyID] != "company" || r.ToCompanyID == r.FromCompanyID {
			fail("relation %s to %q", r.ID, r.ToCompanyID)
		}
		from := r.FromCompanyID + r.FromIndividualID
		p := [2]string{from, r.ToCompanyID}
		if pairs[p] {
			fail("two relations %s -> %s", from, r.ToCompanyID)
		}
		pairs[p] = true
		adj[from] = append(adj[from], r.ToCompanyID)
		adj[r.ToCompanyID] = append(adj[r.ToCompanyID], from)
		if d, ok := r.OwnershipPercentage.Decimal(); ok {
			own[r.ToCompanyID] = own[r.ToCompanyID].Add(d)
		}
		if d, ok := r.VotingRightsPercentage.Decimal(); ok {
			vote[r.ToCompanyID] = vote[r.ToCompanyID].Add(d)
		}
	}
	limit := decimal.NewFromInt(100)
	for id, s := range own {
		if s.GreaterThan(limit) {
			fail("ownership into %s totals %s", id, s)
		}
	}
	for id, s := range vote {
		if s.GreaterThan(limit) {
			fail("voting rights into %s total %s", id, s)
		}
	}
	if mainID != "" {
		seen := map[string]bool{mainID: true}
		queue := []string{mainID}
		for len(queue) > 0 {
			x := queue[0]
			queue = queue[1:]
			for _, y := range adj[x] {
				if !seen[y] {
					seen[y] = true
					queue = append(queue, y)
				}
			}
		}
		for id := range kind {
			if !seen[id] {
				fail("%s is not connected to the main company", id)
			}
		}
	}
}
