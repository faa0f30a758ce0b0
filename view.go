package dossier

import (
	"fmt"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/storage"
)

// views builds every case, company, individual and record the Workspace
// returns, and every event payload (it is the casefile.Views of the
// Workspace's changes). All of them go through visible, the one place that
// hides the values of archived custom properties; a test walks every
// exported Workspace method to hold this.
type views struct {
	props     *customprop.Set
	ownership OwnershipSettings
	tags      cases.TagCatalog
}

// visible returns vals without the values of archived (or unknown) custom
// properties of target.
func (v views) visible(target customprop.Target, vals customprop.Values) customprop.Values {
	return v.props.Visible(target, vals)
}

// Case returns c as reads return it: archived custom property values
// hidden, tag ids replaced by their labels (tags deleted from the
// catalogue left out).
func (v views) Case(c cases.Case) *cases.Case {
	c = c.Clone()
	c.CustomProperties = v.visible(customprop.TargetCase, c.CustomProperties)
	c.Tags = v.tags.Labels(c.Tags)
	c.DeletedAt = nil
	if c.LastActivityAt.IsZero() {
		c.LastActivityAt = c.UpdatedAt
	}
	return &c
}

// caseOf returns the case of rec as reads return it, with its version.
func (v views) caseOf(rec *storage.Record) *cases.Case {
	c := v.Case(rec.Case)
	c.Version = rec.Version
	return c
}

// CompanyFields returns a company's stored fields as reads show them.
func (v views) CompanyFields(c entity.Company) entity.Company {
	c = c.Clone()
	c.CustomProperties = nilIfEmpty(v.visible(customprop.TargetCompany, c.CustomProperties))
	if c.LastActivityAt.IsZero() {
		c.LastActivityAt = c.UpdatedAt
	}
	return c
}

// IndividualFields returns an individual's stored fields as reads show
// them.
func (v views) IndividualFields(p entity.Individual) entity.Individual {
	p = p.Clone()
	p.CustomProperties = nilIfEmpty(v.visible(customprop.TargetIndividual, p.CustomProperties))
	if p.LastActivityAt.IsZero() {
		p.LastActivityAt = p.UpdatedAt
	}
	return p
}

// Company returns the company id of rec with its relations.
func (v views) Company(rec *storage.Record, id string) (*relation.CompanyView, error) {
	cv, ok := graphOf(rec).CompanyView(id)
	if !ok {
		return nil, fmt.Errorf("dossier: company %q: %w", id, ErrNotFound)
	}
	cv.Company = v.CompanyFields(cv.Company)
	return &cv, nil
}

// Companies returns a function that gives each company of rec with its
// relations, as Company does; after a few calls it indexes the companies
// and relations of rec once, so that the views of every company of a
// large case cost linear time (casefile.CompaniesViewer).
func (v views) Companies(rec *storage.Record) func(id string) (*relation.CompanyView, error) {
	var x sourceIndex[entity.Company]
	return func(id string) (*relation.CompanyView, error) {
		if !x.due() {
			return v.Company(rec, id)
		}
		c, rels, ok := x.find(rec.Companies, companyID, rec.Relations, fromCompany, id)
		if !ok {
			return nil, fmt.Errorf("dossier: company %q: %w", id, ErrNotFound)
		}
		return &relation.CompanyView{Company: v.CompanyFields(c), Relations: rels}, nil
	}
}

// sourceIndex finds entities of one kind in a record, and the relations
// that go from each, after a few calls: it then indexes the record once,
// so that the views of every entity of a large case (the events of a bulk
// creation) cost linear, not quadratic, time, while a single view still
// costs one scan of the record.
type sourceIndex[T any] struct {
	calls int
	pos   map[string]int
	from  map[string][]int
}

// due counts a call and reports whether it should use the index.
func (x *sourceIndex[T]) due() bool {
	x.calls++
	return x.calls > 4
}

// find returns a copy of the entity id of list and clones of the
// relations that go from it, building the index on first use.
func (x *sourceIndex[T]) find(list []T, idOf func(*T) string, rels []relation.Relation, source func(*relation.Relation) string, id string) (T, []relation.Relation, bool) {
	if x.pos == nil {
		x.pos = make(map[string]int, len(list))
		for i := range list {
			x.pos[idOf(&list[i])] = i
		}
		x.from = make(map[string][]int, len(list))
		for i := range rels {
			if f := source(&rels[i]); f != "" {
				x.from[f] = append(x.from[f], i)
			}
		}
	}
	i, ok := x.pos[id]
	if !ok {
		var zero T
		return zero, nil, false
	}
	out := make([]relation.Relation, 0, len(x.from[id]))
	for _, k := range x.from[id] {
		out = append(out, rels[k].Clone())
	}
	return list[i], out, true
}

func companyID(c *entity.Company) string         { return c.ID }
func individualID(p *entity.Individual) string   { return p.ID }
func fromCompany(r *relation.Relation) string    { return r.FromCompanyID }
func fromIndividual(r *relation.Relation) string { return r.FromIndividualID }

// Individuals returns a function that gives each individual of rec with
// its relations and its ownership and voting totals, declared and computed
// (see relation.IndividualView for what the wire members carry),
// computing the totals of rec once, on the first call.
func (v views) Individuals(rec *storage.Record) func(id string) (*relation.IndividualView, error) {
	var res *ownership.Result
	var resErr error
	done := false
	var x sourceIndex[entity.Individual]
	return func(id string) (*relation.IndividualView, error) {
		var iv relation.IndividualView
		if !x.due() {
			var ok bool
			if iv, ok = graphOf(rec).IndividualView(id); !ok {
				return nil, fmt.Errorf("dossier: individual %q: %w", id, ErrNotFound)
			}
		} else {
			p, rels, ok := x.find(rec.Individuals, individualID, rec.Relations, fromIndividual, id)
			if !ok {
				return nil, fmt.Errorf("dossier: individual %q: %w", id, ErrNotFound)
			}
			iv = relation.IndividualView{Individual: p.Clone(), Relations: rels}
		}
		if !done {
			res, resErr = v.totals(rec)
			done = true
		}
		if resErr != nil {
			return nil, resErr
		}
		iv.Individual = v.IndividualFields(iv.Individual)
		iv.SetTotals(res)
		return &iv, nil
	}
}

// individual returns the individual id of rec as reads return it.
func (v views) individual(rec *storage.Record, id string) (*relation.IndividualView, error) {
	return v.Individuals(rec)(id)
}

// record returns the whole record as reads return it: its case, companies
// and individuals without archived custom property values (stored
// individuals keep their declared totals).
func (v views) record(rec *storage.Record) *storage.Record {
	out := rec.Clone()
	out.Case = *v.caseOf(rec)
	for i := range out.Companies {
		out.Companies[i] = v.CompanyFields(out.Companies[i])
	}
	for i := range out.Individuals {
		out.Individuals[i] = v.IndividualFields(out.Individuals[i])
	}
	return out
}

// nilIfEmpty keeps "no custom properties" as nil, as stored.
func nilIfEmpty(vs customprop.Values) customprop.Values {
	if len(vs) == 0 {
		return nil
	}
	return vs
}

func graphOf(rec *storage.Record) relation.Graph {
	return relation.Graph{Companies: rec.Companies, Individuals: rec.Individuals, Relations: rec.Relations}
}
