package casefile

import (
	"slices"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/validation"
)

// The operations on the companies, individuals and relations of a case.
// Each runs the pure operation of package relation on the record's graph
// (which checks every rule of the graph: one main company, no orphan,
// stakes at most 100 %, one relation per pair), installs the new graph and
// notes what it touched. Errors are those of package relation; on error the
// record is unchanged.

func (c *Change) graph() relation.Graph {
	return relation.Graph{Companies: c.rec.Companies, Individuals: c.rec.Individuals, Relations: c.rec.Relations}
}

func (c *Change) setGraph(g relation.Graph) {
	c.rec.Companies, c.rec.Individuals, c.rec.Relations = g.Companies, g.Individuals, g.Relations
}

// touchNewRelations notes the relations of g this change created.
func (c *Change) touchNewRelations(g relation.Graph) {
	for _, r := range g.Relations {
		if c.fresh[r.ID] {
			c.relations.add(r.ID)
		}
	}
}

// AddCompany adds a company with its relations (see relation.AddCompany)
// and returns its id.
func (c *Change) AddCompany(in entity.CompanyInput) (string, error) {
	if err := refusedRefs(in.Ref, in.Relations); err != nil {
		return "", err
	}
	g, v, err := relation.AddCompany(c.graph(), in, c.env())
	if err != nil {
		return "", err
	}
	c.setGraph(g)
	c.companies.add(v.ID)
	c.touchNewRelations(g)
	return v.ID, nil
}

// AddIndividual adds an individual with its relations (see
// relation.AddIndividual) and returns its id.
func (c *Change) AddIndividual(in entity.IndividualInput) (string, error) {
	if err := refusedRefs(in.Ref, in.Relations); err != nil {
		return "", err
	}
	g, v, err := relation.AddIndividual(c.graph(), in, c.env())
	if err != nil {
		return "", err
	}
	c.setGraph(g)
	c.individuals.add(v.ID)
	c.touchNewRelations(g)
	return v.ID, nil
}

// UpdateCompany applies a partial update to a company (see
// relation.UpdateCompany).
func (c *Change) UpdateCompany(id string, u entity.CompanyUpdate) error {
	g, _, err := relation.UpdateCompany(c.graph(), id, u, c.env())
	if err != nil {
		return err
	}
	c.setGraph(g)
	c.companies.add(id)
	return nil
}

// UpdateIndividual applies a partial update to an individual (see
// relation.UpdateIndividual).
func (c *Change) UpdateIndividual(id string, u entity.IndividualUpdate) error {
	g, _, err := relation.UpdateIndividual(c.graph(), id, u, c.env())
	if err != nil {
		return err
	}
	c.setGraph(g)
	c.individuals.add(id)
	return nil
}

// DeleteCompany removes a company with every relation from or to it and
// every check on it (see relation.DeleteCompany).
func (c *Change) DeleteCompany(id string) error {
	old := c.graph()
	g, err := relation.DeleteCompany(old, id)
	if err != nil {
		return err
	}
	c.removed(old, g, id)
	c.companies.add(id)
	return nil
}

// DeleteIndividual removes an individual with every relation from it and
// every check on it (see relation.DeleteIndividual).
func (c *Change) DeleteIndividual(id string) error {
	old := c.graph()
	g, err := relation.DeleteIndividual(old, id)
	if err != nil {
		return err
	}
	c.removed(old, g, id)
	c.individuals.add(id)
	return nil
}

// removed installs g, the graph without the entity id, notes the relations
// that went with it and removes the checks on it.
func (c *Change) removed(old, g relation.Graph, id string) {
	for _, r := range old.Relations {
		if r.From() == id || r.ToCompanyID == id {
			c.relations.add(r.ID)
		}
	}
	c.setGraph(g)
	if slices.ContainsFunc(c.rec.Checks, func(ch cases.Check) bool { return ch.EntityID() == id }) {
		c.ownChecks()
		c.rec.Checks = slices.DeleteFunc(c.rec.Checks, func(ch cases.Check) bool {
			if ch.EntityID() == id {
				c.checks.add(ch.ID)
				return true
			}
			return false
		})
	}
}

// AddRelation adds a relation (see relation.AddRelation) and returns it.
func (c *Change) AddRelation(in relation.Input) (string, error) {
	g, r, err := relation.AddRelation(c.graph(), in, c.env())
	if err != nil {
		return "", err
	}
	c.setGraph(g)
	c.relations.add(r.ID)
	return r.ID, nil
}

// UpdateRelation changes the percentages, roles and position of a
// relation (see relation.UpdateRelation).
func (c *Change) UpdateRelation(id string, u relation.Update) error {
	g, _, err := relation.UpdateRelation(c.graph(), id, u, c.env())
	if err != nil {
		return err
	}
	c.setGraph(g)
	c.relations.add(id)
	return nil
}

// DeleteRelation removes a relation (see relation.DeleteRelation).
func (c *Change) DeleteRelation(id string) error {
	g, err := relation.DeleteRelation(c.graph(), id)
	if err != nil {
		return err
	}
	c.setGraph(g)
	c.relations.add(id)
	return nil
}

// SetMainCompany makes the company id the main company and the former main
// company an affiliated one (see relation.SetMainCompany).
func (c *Change) SetMainCompany(id string) error {
	old := c.graph()
	g, err := relation.SetMainCompany(old, id, c.env())
	if err != nil {
		return err
	}
	c.setGraph(g)
	for _, co := range old.Companies {
		if co.Type == entity.CompanyMain || co.ID == id {
			c.companies.add(co.ID)
		}
	}
	return nil
}

// SetGraph replaces the companies, individuals and relations of the record
// with g (an import, say) after checking every rule of the graph with
// relation.Check, and removes the checks of entities g does not hold.
// Every entity and relation of the old and the new graph is noted as
// touched, so the change's events create, update and delete them as
// needed.
func (c *Change) SetGraph(g relation.Graph) error {
	if err := relation.Check(g); err != nil {
		return err
	}
	old := c.graph()
	for _, gr := range []relation.Graph{old, g} {
		for _, e := range gr.Companies {
			c.companies.add(e.ID)
		}
		for _, e := range gr.Individuals {
			c.individuals.add(e.ID)
		}
		for _, r := range gr.Relations {
			c.relations.add(r.ID)
		}
	}
	c.setGraph(g.Clone())
	present := make(map[string]bool, len(g.Companies)+len(g.Individuals))
	for _, e := range g.Companies {
		present[e.ID] = true
	}
	for _, e := range g.Individuals {
		present[e.ID] = true
	}
	if slices.ContainsFunc(c.rec.Checks, func(ch cases.Check) bool { return !ch.OnCase() && !present[ch.EntityID()] }) {
		c.ownChecks()
		c.rec.Checks = slices.DeleteFunc(c.rec.Checks, func(ch cases.Check) bool {
			if !ch.OnCase() && !present[ch.EntityID()] {
				c.checks.add(ch.ID)
				return true
			}
			return false
		})
	}
	return nil
}

// refusedRefs refuses the ref and source_company_ref members of an entity
// added alone: they name entities created in the same call, which only
// AddGraph's callers (case creation, bulk import) have.
func refusedRefs(ref string, links []entity.Link) error {
	var l validation.List
	if ref != "" {
		l.Add("ref", validation.CodeNotAllowed, "ref is used only when many entities are created in one call")
	}
	for i, k := range links {
		if k.SourceCompanyRef != "" {
			l.Add(validation.Join(validation.Index("relations", i), "source_company_ref"), validation.CodeNotAllowed,
				"source_company_ref is used only when many entities are created in one call; use to_company_id")
		}
	}
	return l.Err()
}

// AddGraph adds the companies, individuals and relations of add (new
// objects with new ids; relations may join them to the record's entities)
// to the record, after checking every rule of the resulting graph with
// relation.Check. Only the new objects are noted as touched, so the
// change's events are one Created event per new entity (its relations
// with it) and an Updated event for each existing company that a new
// relation comes from (none: new relations come from new entities). On
// error the record is unchanged; the error's paths are those of
// relation.Check on the resulting graph (new objects after the old ones).
func (c *Change) AddGraph(add relation.Graph) error {
	old := c.graph()
	g := relation.Graph{
		Companies:   append(slices.Clip(old.Companies), add.Companies...),
		Individuals: append(slices.Clip(old.Individuals), add.Individuals...),
		Relations:   append(slices.Clip(old.Relations), add.Relations...),
	}
	if err := relation.Check(g); err != nil {
		return err
	}
	c.setGraph(g)
	for _, e := range add.Companies {
		c.companies.add(e.ID)
	}
	for _, e := range add.Individuals {
		c.individuals.add(e.ID)
	}
	return nil
}
