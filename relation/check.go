package relation

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/validation"
)

var hundred = decimal.NewFromInt(100)

// Check reports every broken invariant of g, or nil:
//
//   - every company, individual and relation is valid on its own (see
//     entity.Company.Validate, entity.Individual.Validate and
//     Relation.Validate) and has an id no other object of the case has;
//   - at most one main company; an affiliated company or a relation needs
//     one;
//   - a relation comes from exactly one existing individual or company and
//     goes to an existing company other than its source; at most one
//     relation per (source, target) pair;
//   - the known direct stakes into one company total at most 100 %, for
//     ownership and for voting rights separately (unknown stakes count for
//     nothing, they are not 0; a band counts for its lower bound, and
//     lower bounds making exactly 100 % must all be inclusive);
//   - once there is a main company, every entity is connected to it.
//
// The problems of the first four rules come as one *validation.Error with
// paths into g ("companies[2].type", "relations[0].to_company_id"); orphans
// come as an *OrphanError (matching ErrOrphan). When both occur, the error
// joins them: errors.Is and errors.As find each.
//
// Check runs in time linear in the size of g.
func Check(g Graph) error {
	var l validation.List
	for i, c := range g.Companies {
		if err := c.Validate(); err != nil {
			l.Merge(validation.Index("companies", i), err)
		}
	}
	for i, p := range g.Individuals {
		if err := p.Validate(); err != nil {
			l.Merge(validation.Index("individuals", i), err)
		}
	}
	for i, r := range g.Relations {
		var rl validation.List
		if r.ID == "" {
			rl.Add("id", validation.CodeRequired, "id is required")
		}
		entity.ValidateRelationFields(&rl, r.OwnershipPercentage, r.VotingRightsPercentage, r.Roles, r.Position)
		if err := rl.Err(); err != nil {
			l.Merge(validation.Index("relations", i), err)
		}
	}
	checkStructure(g, &l)
	return errors.Join(l.Err(), orphanErr(g))
}

// checkGraph is the check run on the result of every operation: the rules
// between objects and the orphan rule, not the fields of every object (the
// operation validated those it made or changed).
func checkGraph(g Graph) error {
	var l validation.List
	checkStructure(g, &l)
	if err := l.Err(); err != nil {
		return fmt.Errorf("relation: the resulting case graph is inconsistent: %w", err)
	}
	return orphanErr(g)
}

// node kinds of the graph index.
const (
	kindCompany = iota + 1
	kindIndividual
	kindRelation
)

type pair struct{ from, to string }

// checkStructure adds a problem for every broken rule between the objects of
// g (all but the fields of each object and the orphan rule).
func checkStructure(g Graph, l *validation.List) {
	kinds := make(map[string]int, len(g.Companies)+len(g.Individuals)+len(g.Relations))
	// Paths are built only for problems: this loop runs for every object.
	seen := func(list string, i int, id string, kind int) {
		if id == "" {
			return
		}
		if _, dup := kinds[id]; dup {
			l.Addf(validation.Join(validation.Index(list, i), "id"), validation.CodeDuplicate, "id %q is used by another object of the case", id)
			return
		}
		kinds[id] = kind
	}
	main := -1
	for i, c := range g.Companies {
		seen("companies", i, c.ID, kindCompany)
		if c.Type == entity.CompanyMain {
			if main >= 0 {
				l.Addf(validation.Join(validation.Index("companies", i), "type"), CodeMainCompanyExists, "the case already has a main company (%s)", g.Companies[main].ID)
				continue
			}
			main = i
		}
	}
	for i, p := range g.Individuals {
		seen("individuals", i, p.ID, kindIndividual)
	}
	for i, r := range g.Relations {
		seen("relations", i, r.ID, kindRelation)
	}
	if main < 0 {
		for i, c := range g.Companies {
			if c.Type == entity.CompanyAffiliated {
				l.Add(validation.Join(validation.Index("companies", i), "type"), CodeNoMainCompany, "an affiliated company needs a main company in the case")
			}
		}
	}
	pairs := make(map[pair]bool, len(g.Relations))
	sums := newStakes()
	for i, r := range g.Relations {
		if main < 0 {
			l.Add(validation.Index("relations", i), CodeNoMainCompany, "a relation needs a main company in the case")
		}
		var el validation.List
		validateEnds(&el, r.FromCompanyID, r.FromIndividualID, r.ToCompanyID, true)
		if r.FromCompanyID != "" && kinds[r.FromCompanyID] != kindCompany {
			el.Addf("from_company_id", CodeNotFound, "no company %q in the case", r.FromCompanyID)
		}
		if r.FromIndividualID != "" && kinds[r.FromIndividualID] != kindIndividual {
			el.Addf("from_individual_id", CodeNotFound, "no individual %q in the case", r.FromIndividualID)
		}
		if r.ToCompanyID != "" && kinds[r.ToCompanyID] != kindCompany {
			el.Addf("to_company_id", CodeNotFound, "no company %q in the case", r.ToCompanyID)
		}
		p := pair{r.From(), r.ToCompanyID}
		if pairs[p] {
			el.Addf("", CodeDuplicateRelation, "another relation already goes from %s to %s", p.from, p.to)
		}
		pairs[p] = true
		if err := el.Err(); err != nil {
			l.Merge(validation.Index("relations", i), err)
		}
		sums.add(r)
	}
	for i, c := range g.Companies {
		sums.check(l, "companies", i, c)
	}
}

// stakes sums the known direct stakes into each company: exact
// percentages and the lower bounds of bands, counting the lower bounds
// that are exclusive (a sum of exactly 100 % with one of them is over).
type stakes struct {
	own, vote         map[string]decimal.Decimal
	ownOpen, voteOpen map[string]int
}

func newStakes() stakes {
	return stakes{
		own: map[string]decimal.Decimal{}, vote: map[string]decimal.Decimal{},
		ownOpen: map[string]int{}, voteOpen: map[string]int{},
	}
}

// stake returns the lower bound of a valid percentage (an exact value is
// its own lower bound); unknown and invalid percentages (reported on their
// own) count for nothing.
func stake(p entity.Percentage) (entity.Bound, bool) {
	if p.IsUnknown() || p.Validate() != nil {
		return entity.Bound{}, false
	}
	return p.Lower(), true
}

func (s stakes) add(r Relation)    { s.addSigned(r, 1) }
func (s stakes) remove(r Relation) { s.addSigned(r, -1) }

func (s stakes) addSigned(r Relation, sign int) {
	for _, x := range []struct {
		p    entity.Percentage
		sums map[string]decimal.Decimal
		open map[string]int
	}{
		{r.OwnershipPercentage, s.own, s.ownOpen},
		{r.VotingRightsPercentage, s.vote, s.voteOpen},
	} {
		b, ok := stake(x.p)
		if !ok {
			continue
		}
		if sign > 0 {
			x.sums[r.ToCompanyID] = x.sums[r.ToCompanyID].Add(b.Value)
		} else {
			x.sums[r.ToCompanyID] = x.sums[r.ToCompanyID].Sub(b.Value)
		}
		if b.Exclusive {
			x.open[r.ToCompanyID] += sign
		}
	}
}

// check adds a problem at list[i] for each interest whose total into c is
// over 100 %.
func (s stakes) check(l *validation.List, list string, i int, c entity.Company) {
	if msg, over := stakeExcess("ownership", s.own[c.ID], s.ownOpen[c.ID] > 0, c); over {
		l.Add(validation.Index(list, i), CodeStakeExceeded, msg)
	}
	if msg, over := stakeExcess("voting rights", s.vote[c.ID], s.voteOpen[c.ID] > 0, c); over {
		l.Add(validation.Index(list, i), CodeStakeExceeded, msg)
	}
}

// stakeExcess returns the message for a total over 100 % into c, naming the
// company and the excess; a total of exactly 100 % is over when one of its
// lower bounds is exclusive.
func stakeExcess(interest string, total decimal.Decimal, open bool, c entity.Company) (string, bool) {
	switch total.Cmp(hundred) {
	case -1:
		return "", false
	case 0:
		if !open {
			return "", false
		}
		return fmt.Sprintf("the direct %s stakes into company %q (%s) would total more than 100 %%: their lower bounds make 100 %% and one of them is exclusive",
			interest, c.Name, c.ID), true
	}
	return fmt.Sprintf("the direct %s stakes into company %q (%s) would total %s %%, %s %% over 100 %%",
		interest, c.Name, c.ID, total.String(), total.Sub(hundred).String()), true
}

// Orphans returns the ids of the entities not connected to the main company
// through relations (in either direction): companies first, then
// individuals, in graph order. It returns nil when g has no main company
// (nothing can be orphaned yet) or none is orphaned. It runs in time linear
// in the size of g.
func Orphans(g Graph) []string {
	main := g.mainIndex()
	if main < 0 {
		return nil
	}
	nc := len(g.Companies)
	n := nc + len(g.Individuals)
	node := make(map[string]int32, n)
	for i := range g.Companies {
		node[g.Companies[i].ID] = int32(i)
	}
	for i := range g.Individuals {
		node[g.Individuals[i].ID] = int32(nc + i)
	}
	uf := newUnionFind(n)
	for i := range g.Relations {
		r := &g.Relations[i]
		from, ok := -1, false
		var x int32
		if r.FromCompanyID != "" {
			x, ok = node[r.FromCompanyID]
			ok = ok && int(x) < nc
		} else if r.FromIndividualID != "" {
			x, ok = node[r.FromIndividualID]
			ok = ok && int(x) >= nc
		}
		if ok {
			from = int(x)
		}
		to, tok := node[r.ToCompanyID]
		if from < 0 || !tok || int(to) >= nc {
			continue
		}
		uf.union(int32(from), to)
	}
	root := uf.find(int32(main))
	var out []string
	for i := 0; i < n; i++ {
		if uf.find(int32(i)) == root {
			continue
		}
		if i < nc {
			out = append(out, g.Companies[i].ID)
		} else {
			out = append(out, g.Individuals[i-nc].ID)
		}
	}
	return out
}

func orphanErr(g Graph) error {
	if ids := Orphans(g); len(ids) > 0 {
		return &OrphanError{IDs: ids}
	}
	return nil
}

// unionFind is a disjoint-set forest with path halving and union by size.
type unionFind struct {
	parent, size []int32
}

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int32, n), size: make([]int32, n)}
	for i := range u.parent {
		u.parent[i] = int32(i)
		u.size[i] = 1
	}
	return u
}

func (u *unionFind) find(x int32) int32 {
	for u.parent[x] != x {
		u.parent[x] = u.parent[u.parent[x]]
		x = u.parent[x]
	}
	return x
}

func (u *unionFind) union(a, b int32) {
	a, b = u.find(a), u.find(b)
	if a == b {
		return
	}
	if u.size[a] < u.size[b] {
		a, b = b, a
	}
	u.parent[b] = a
	u.size[a] += u.size[b]
}
