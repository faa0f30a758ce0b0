package relation

import (
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/validation"
)

// Env is what an operation needs from its caller: the package reads no
// clock and makes no ids of its own.
type Env struct {
	// NewID returns a new id, unique in the case, for each entity and
	// relation an operation creates. It must not be nil for operations that
	// create something.
	NewID func() string
	// Now is the time stamped on what the operation creates or changes.
	Now time.Time
	// Properties are the workspace's custom property definitions, against
	// which the custom_properties of an entity input are validated and
	// applied. nil means no definitions: any custom property is refused
	// (validation.CodeUnknownField).
	Properties *customprop.Set
}

// applyProperties validates a custom property patch for target and returns
// the resulting values (nil when there are none); problems have paths
// "custom_properties.<key>".
func (env Env) applyProperties(target customprop.Target, current customprop.Values, p customprop.Patch) (customprop.Values, error) {
	if len(p) == 0 {
		return current.Clone(), nil
	}
	set := env.Properties
	if set == nil {
		var err error
		if set, err = customprop.NewSet(nil); err != nil {
			return nil, err
		}
	}
	vals, err := set.Apply(target, current, p)
	if err != nil {
		return nil, err
	}
	if len(vals) == 0 {
		return nil, nil
	}
	return vals, nil
}

// AddCompany validates in and returns g with the new company and its
// relations added, and the new company with its relations.
//
//   - A main company (the default type) needs a case without one
//     (CodeMainCompanyExists at "type") and is created without relations
//     ("relations" not_allowed). Every entity already in the case and
//     without any relation is linked to it by a new relation from that
//     entity, with no roles and unknown percentages: the case had no main
//     company, so these entities could not be linked before.
//   - An affiliated company needs a main company (CodeNoMainCompany at
//     "type"). Its relations go from it to companies of the case (see
//     AddIndividual for their rules); none links it to the main company.
//
// Every problem of the input, its own and those that depend on the graph,
// is reported at once in one *validation.Error. On error g is unchanged.
func AddCompany(g Graph, in entity.CompanyInput, env Env) (Graph, CompanyView, error) {
	return addCompany(g, in, nil, env)
}

// addCompany is AddCompany with the holders of AddHeldCompany.
func addCompany(g Graph, in entity.CompanyInput, holders []Input, env Env) (Graph, CompanyView, error) {
	var l validation.List
	id := env.NewID()
	c, err := entity.NewCompany(id, in, env.Now)
	l.Merge("", err)
	c.ID = id // a refused company keeps its id, so its holders are checked against it
	c.CustomProperties, err = env.applyProperties(customprop.TargetCompany, nil, in.CustomProperties)
	l.Merge("", err)
	typ := in.Type
	if typ == "" {
		typ = entity.CompanyMain
	}
	main := g.mainIndex()
	var rels []Relation
	switch typ {
	case entity.CompanyMain:
		if main >= 0 {
			l.Addf("type", CodeMainCompanyExists, "the case already has a main company (%s); create an affiliated company", g.Companies[main].ID)
		}
		if len(in.Relations) > 0 {
			l.Add("relations", validation.CodeNotAllowed, "the main company is created without relations; other entities are linked to it")
		}
		if len(holders) > 0 {
			l.Add("holders", validation.CodeNotAllowed, "the main company is created without holders; create them with relations to it")
		}
	case entity.CompanyAffiliated:
		if main < 0 {
			l.Add("type", CodeNoMainCompany, "an affiliated company needs a main company in the case; create the main company first")
		} else if len(in.Relations) > 0 || len(holders) == 0 {
			rels = newLinks(g, &l, id, true, in.Relations, env)
		}
	}
	out := g.Clone()
	out.Companies = append(out.Companies, c)
	if typ == entity.CompanyAffiliated && main >= 0 {
		out.Relations = append(out.Relations, rels...)
		rels = addHolders(out, &l, id, holders, env)
	}
	if err := l.Err(); err != nil {
		return Graph{}, CompanyView{}, err
	}
	if typ == entity.CompanyMain {
		rels = linkUnlinked(g, id, env)
	}
	out.Relations = append(out.Relations, rels...)
	if err := checkGraph(out); err != nil {
		return Graph{}, CompanyView{}, err
	}
	view, _ := out.CompanyView(id)
	return out, view, nil
}

// linkUnlinked returns a relation to mainID from every entity of g that has
// no relation at all.
func linkUnlinked(g Graph, mainID string, env Env) []Relation {
	linked := make(map[string]bool, 2*len(g.Relations))
	for _, r := range g.Relations {
		linked[r.From()] = true
		linked[r.ToCompanyID] = true
	}
	var rels []Relation
	for _, c := range g.Companies {
		if !linked[c.ID] {
			rels = append(rels, Relation{ID: env.NewID(), FromCompanyID: c.ID, ToCompanyID: mainID, CreatedAt: env.Now, UpdatedAt: env.Now})
		}
	}
	for _, p := range g.Individuals {
		if !linked[p.ID] {
			rels = append(rels, Relation{ID: env.NewID(), FromIndividualID: p.ID, ToCompanyID: mainID, CreatedAt: env.Now, UpdatedAt: env.Now})
		}
	}
	return rels
}

// AddIndividual validates in and returns g with the new individual and its
// relations added, and the new individual with its relations.
//
// Each of in.Relations goes from the new individual to a company of the
// case: to_company_id omitted means the main company; it must name a
// company of the case (CodeNotFound), at most once (CodeDuplicateRelation);
// its percentages are 0 to 100 with at most two decimals, or unknown; and
// the known direct stakes into each company, those already there plus the
// new ones, must total at most 100 % per interest (CodeStakeExceeded, at the
// last relation into that company, naming it and the excess). Without
// relations (nil or empty), the individual is linked to the main company by
// a relation with no roles and unknown percentages; in a case without a
// main company it stays unlinked until the main company is created.
//
// Every problem of the input is reported at once in one *validation.Error,
// with paths as in the input ("email", "relations[0].to_company_id"). On
// error g is unchanged.
func AddIndividual(g Graph, in entity.IndividualInput, env Env) (Graph, IndividualView, error) {
	var l validation.List
	id := env.NewID()
	p, err := entity.NewIndividual(id, in, env.Now)
	l.Merge("", err)
	p.CustomProperties, err = env.applyProperties(customprop.TargetIndividual, nil, in.CustomProperties)
	l.Merge("", err)
	rels := newLinks(g, &l, id, false, in.Relations, env)
	if err := l.Err(); err != nil {
		return Graph{}, IndividualView{}, err
	}
	out := g.Clone()
	out.Individuals = append(out.Individuals, p)
	out.Relations = append(out.Relations, rels...)
	if err := checkGraph(out); err != nil {
		return Graph{}, IndividualView{}, err
	}
	view, _ := out.IndividualView(id)
	return out, view, nil
}

// newLinks validates the relations given with a new entity fromID and
// returns them; with none, it returns the implicit relation to the main
// company (none without a main company).
func newLinks(g Graph, l *validation.List, fromID string, fromCompany bool, links []entity.Link, env Env) []Relation {
	main := g.mainIndex()
	mk := func(to string, k entity.Link) Relation {
		r := Relation{
			ID: env.NewID(), ToCompanyID: to,
			OwnershipPercentage: k.OwnershipPercentage, VotingRightsPercentage: k.VotingRightsPercentage,
			Roles: entity.CloneRoles(k.Roles), Position: k.Position,
			CreatedAt: env.Now, UpdatedAt: env.Now,
		}
		if fromCompany {
			r.FromCompanyID = fromID
		} else {
			r.FromIndividualID = fromID
		}
		return r
	}
	if len(links) == 0 {
		if main < 0 {
			return nil
		}
		return []Relation{mk(g.Companies[main].ID, entity.Link{})}
	}
	sums := sumStakes(g)
	rels := make([]Relation, 0, len(links))
	paths := make([]string, 0, len(links))
	seen := make(map[string]int, len(links))
	for i, k := range links {
		path := validation.Index("relations", i)
		toPath := validation.Join(path, "to_company_id")
		l.Merge(path, k.Validate())
		to, ok := resolveTarget(g, l, toPath, k.ToCompanyID, main)
		if !ok {
			continue
		}
		if to == fromID {
			l.Add(toPath, CodeSelfRelation, "a company cannot relate to itself")
			continue
		}
		if j, dup := seen[to]; dup {
			l.Addf(toPath, CodeDuplicateRelation, "relations[%d] already goes to company %q; one relation per pair", j, to)
			continue
		}
		seen[to] = i
		r := mk(to, k)
		sums.add(r)
		rels = append(rels, r)
		paths = append(paths, path)
	}
	// Report an excess once per company and interest, at the last relation
	// into that company.
	last := make(map[string]int, len(rels))
	for i, r := range rels {
		last[r.ToCompanyID] = i
	}
	for i, r := range rels {
		if last[r.ToCompanyID] == i {
			sums.report(g, l, paths[i], r.ToCompanyID)
		}
	}
	return rels
}

// resolveTarget returns the company a relation goes to: to, or the main
// company when to is empty. It reports a problem at path and returns false
// when there is no such company.
func resolveTarget(g Graph, l *validation.List, path, to string, main int) (string, bool) {
	switch {
	case to == "" && main < 0:
		l.Add(path, CodeNoMainCompany, "to_company_id defaults to the main company, and the case has none; create the main company first")
		return "", false
	case to == "":
		return g.Companies[main].ID, true
	case g.companyIndex(to) >= 0:
		return to, true
	case g.individualIndex(to) >= 0:
		l.Addf(path, CodeNotFound, "%q is an individual; a relation goes to a company", to)
	default:
		l.Addf(path, CodeNotFound, "no company %q in the case", to)
	}
	return "", false
}

// sumStakes returns the known direct stakes into each company of g.
func sumStakes(g Graph) stakes {
	s := newStakes()
	for _, r := range g.Relations {
		s.add(r)
	}
	return s
}

// report adds a problem at path+".ownership_percentage" (and
// ".voting_rights_percentage") when the stakes into company to are over
// 100 %.
func (s stakes) report(g Graph, l *validation.List, path, to string) {
	c, _ := g.Company(to)
	for _, x := range []struct {
		field, interest string
		total           decimal.Decimal
		open            bool
	}{
		{"ownership_percentage", "ownership", s.own[to], s.ownOpen[to] > 0},
		{"voting_rights_percentage", "voting rights", s.vote[to], s.voteOpen[to] > 0},
	} {
		if msg, over := stakeExcess(x.interest, x.total, x.open, c); over {
			l.Add(validation.Join(path, x.field), CodeStakeExceeded, msg)
		}
	}
}

// UpdateCompany validates u and returns g with the company updated, and the
// company with its relations. A missing company is ErrNotFound; bad input is
// a *validation.Error listing every problem. On error g is unchanged.
func UpdateCompany(g Graph, id string, u entity.CompanyUpdate, env Env) (Graph, CompanyView, error) {
	i := g.companyIndex(id)
	if i < 0 {
		return Graph{}, CompanyView{}, notFound("company", id)
	}
	var l validation.List
	c, err := g.Companies[i].Update(u, env.Now)
	l.Merge("", err)
	c.CustomProperties, err = env.applyProperties(customprop.TargetCompany, g.Companies[i].CustomProperties, u.CustomProperties)
	l.Merge("", err)
	if err := l.Err(); err != nil {
		return Graph{}, CompanyView{}, err
	}
	out := g.Clone()
	out.Companies[i] = c
	if err := checkGraph(out); err != nil {
		return Graph{}, CompanyView{}, err
	}
	view, _ := out.CompanyView(id)
	return out, view, nil
}

// UpdateIndividual validates u and returns g with the individual updated,
// and the individual with its relations. A missing individual is
// ErrNotFound; bad input is a *validation.Error listing every problem. On
// error g is unchanged.
func UpdateIndividual(g Graph, id string, u entity.IndividualUpdate, env Env) (Graph, IndividualView, error) {
	i := g.individualIndex(id)
	if i < 0 {
		return Graph{}, IndividualView{}, notFound("individual", id)
	}
	var l validation.List
	p, err := g.Individuals[i].Update(u, env.Now)
	l.Merge("", err)
	p.CustomProperties, err = env.applyProperties(customprop.TargetIndividual, g.Individuals[i].CustomProperties, u.CustomProperties)
	l.Merge("", err)
	if err := l.Err(); err != nil {
		return Graph{}, IndividualView{}, err
	}
	out := g.Clone()
	out.Individuals[i] = p
	if err := checkGraph(out); err != nil {
		return Graph{}, IndividualView{}, err
	}
	view, _ := out.IndividualView(id)
	return out, view, nil
}

// DeleteCompany returns g without the company and every relation from or to
// it. It is refused with an *OrphanError (matching ErrOrphan) when another
// entity would lose its last path to the main company; the main company
// itself can be deleted only when it is alone in the case (deleting it
// would orphan everyone else: the error names them all). A missing company
// is ErrNotFound. On error g is unchanged.
func DeleteCompany(g Graph, id string) (Graph, error) {
	i := g.companyIndex(id)
	if i < 0 {
		return Graph{}, notFound("company", id)
	}
	if g.Companies[i].Type == entity.CompanyMain {
		var others []string
		for _, c := range g.Companies {
			if c.ID != id {
				others = append(others, c.ID)
			}
		}
		for _, p := range g.Individuals {
			others = append(others, p.ID)
		}
		if len(others) > 0 {
			return Graph{}, &OrphanError{IDs: others}
		}
	}
	out := g.Clone()
	out.Companies = slices.Delete(out.Companies, i, i+1)
	out.Relations = withoutEntity(out.Relations, id)
	if err := checkGraph(out); err != nil {
		return Graph{}, err
	}
	return out, nil
}

// DeleteIndividual returns g without the individual and every relation from
// it. It is refused with an *OrphanError (matching ErrOrphan) when another
// entity would lose its last path to the main company (an individual can be
// the only link of a company). A missing individual is ErrNotFound. On error
// g is unchanged.
func DeleteIndividual(g Graph, id string) (Graph, error) {
	i := g.individualIndex(id)
	if i < 0 {
		return Graph{}, notFound("individual", id)
	}
	out := g.Clone()
	out.Individuals = slices.Delete(out.Individuals, i, i+1)
	out.Relations = withoutEntity(out.Relations, id)
	if err := checkGraph(out); err != nil {
		return Graph{}, err
	}
	return out, nil
}

// withoutEntity returns rels without the relations from or to id, reusing
// rels' array.
func withoutEntity(rels []Relation, id string) []Relation {
	out := slices.DeleteFunc(rels, func(r Relation) bool { return r.From() == id || r.ToCompanyID == id })
	if len(out) == 0 {
		return nil
	}
	return out
}

// AddRelation validates in and returns g with the new relation added, and
// the relation. It needs a main company in the case (CodeNoMainCompany);
// exactly one existing source (from_individual_id or from_company_id); a
// target company of the case (to_company_id, the main company when
// omitted) other than the source; no relation already between the two
// (CodeDuplicateRelation: update that one instead); valid percentages, roles
// and position; and the known direct stakes into the target must stay at
// most 100 % per interest (CodeStakeExceeded, naming the company and the
// excess). Every problem is reported at once in one *validation.Error. On
// error g is unchanged.
func AddRelation(g Graph, in Input, env Env) (Graph, Relation, error) {
	var l validation.List
	r := prepareRelation(g, &l, in, env)
	if err := l.Err(); err != nil {
		return Graph{}, Relation{}, err
	}
	out := g.Clone()
	out.Relations = append(out.Relations, r)
	if err := checkGraph(out); err != nil {
		return Graph{}, Relation{}, err
	}
	return out, r.Clone(), nil
}

// prepareRelation validates in against g, recording its problems in l
// (paths relative to in), and returns the relation it describes.
func prepareRelation(g Graph, l *validation.List, in Input, env Env) Relation {
	before := l.Len()
	main := g.mainIndex()
	if main < 0 {
		l.Add("", CodeNoMainCompany, "a relation needs a main company in the case; create the main company first")
	}
	validateEnds(l, in.FromCompanyID, in.FromIndividualID, "", false)
	from := in.FromIndividualID
	if in.FromCompanyID != "" {
		from = in.FromCompanyID
		if g.companyIndex(from) < 0 {
			l.Addf("from_company_id", CodeNotFound, "no company %q in the case", from)
		}
	} else if from != "" && g.individualIndex(from) < 0 {
		l.Addf("from_individual_id", CodeNotFound, "no individual %q in the case", from)
	}
	entity.ValidateRelationFields(l, in.OwnershipPercentage, in.VotingRightsPercentage, in.Roles, in.Position)
	r := Relation{
		ID:                     env.NewID(),
		FromCompanyID:          in.FromCompanyID,
		FromIndividualID:       in.FromIndividualID,
		OwnershipPercentage:    in.OwnershipPercentage,
		VotingRightsPercentage: in.VotingRightsPercentage,
		Roles:                  entity.CloneRoles(in.Roles),
		Position:               in.Position,
		CreatedAt:              env.Now,
		UpdatedAt:              env.Now,
	}
	if main >= 0 {
		if to, ok := resolveTarget(g, l, "to_company_id", in.ToCompanyID, main); ok {
			r.ToCompanyID = to
			switch {
			case to == in.FromCompanyID:
				l.Add("to_company_id", CodeSelfRelation, "a company cannot relate to itself")
			case from != "":
				if j := g.pairIndex(from, to); j >= 0 {
					l.Addf("to_company_id", CodeDuplicateRelation, "relation %s already goes from %s to %s; update it instead", g.Relations[j].ID, from, to)
				}
			}
			if l.Len() == before {
				sums := sumStakes(g)
				sums.add(r)
				sums.report(g, l, "", to)
			}
		}
	}
	return r
}

func (g Graph) pairIndex(from, to string) int {
	for i := range g.Relations {
		if g.Relations[i].ToCompanyID == to && g.Relations[i].From() == from {
			return i
		}
	}
	return -1
}

// UpdateRelation validates u and returns g with the relation's percentages,
// roles and position updated, and the relation. Its ends cannot change (see
// Update). The known direct stakes into its target must stay at most 100 %
// per interest (CodeStakeExceeded). A missing relation is ErrNotFound; bad
// input is a *validation.Error listing every problem. On error g is
// unchanged.
func UpdateRelation(g Graph, id string, u Update, env Env) (Graph, Relation, error) {
	i := g.relationIndex(id)
	if i < 0 {
		return Graph{}, Relation{}, notFound("relation", id)
	}
	old := g.Relations[i]
	r, err := u.apply(old, env.Now)
	if err != nil {
		return Graph{}, Relation{}, err
	}
	var l validation.List
	sums := sumStakes(g)
	sums.remove(old)
	sums.add(r)
	sums.report(g, &l, "", r.ToCompanyID)
	if err := l.Err(); err != nil {
		return Graph{}, Relation{}, err
	}
	out := g.Clone()
	out.Relations[i] = r
	if err := checkGraph(out); err != nil {
		return Graph{}, Relation{}, err
	}
	return out, r.Clone(), nil
}

// DeleteRelation returns g without the relation. It is refused with an
// *OrphanError (matching ErrOrphan) when an entity would lose its last path
// to the main company: to move a relation, create the new one first. A
// missing relation is ErrNotFound. On error g is unchanged.
func DeleteRelation(g Graph, id string) (Graph, error) {
	i := g.relationIndex(id)
	if i < 0 {
		return Graph{}, notFound("relation", id)
	}
	out := g.Clone()
	out.Relations = slices.Delete(out.Relations, i, i+1)
	if len(out.Relations) == 0 {
		out.Relations = nil
	}
	if err := checkGraph(out); err != nil {
		return Graph{}, err
	}
	return out, nil
}

// SetMainCompany returns g with the affiliated company id made the main
// company and the former main company made affiliated (both stamped with
// env.Now). Relations are kept as they are, so no entity is orphaned and no
// stake changes. Setting the current main company again changes nothing. A
// missing company is ErrNotFound. On error g is unchanged.
func SetMainCompany(g Graph, id string, env Env) (Graph, error) {
	i := g.companyIndex(id)
	if i < 0 {
		return Graph{}, notFound("company", id)
	}
	out := g.Clone()
	if g.Companies[i].Type == entity.CompanyMain {
		return out, nil
	}
	if m := g.mainIndex(); m >= 0 {
		out.Companies[m].Type = entity.CompanyAffiliated
		out.Companies[m].UpdatedAt = env.Now
	}
	out.Companies[i].Type = entity.CompanyMain
	out.Companies[i].UpdatedAt = env.Now
	if err := checkGraph(out); err != nil {
		return Graph{}, fmt.Errorf("relation: set main company %s: %w", id, err)
	}
	return out, nil
}
