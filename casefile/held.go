package casefile

import (
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/relation"
)

// AddHeldCompany adds an affiliated company with its own relations and
// one relation from each holder into it, without a default link to the
// main company (see relation.AddHeldCompany), and returns its id.
func (c *Change) AddHeldCompany(in entity.CompanyInput, holders []relation.Input) (string, error) {
	g, v, err := relation.AddHeldCompany(c.graph(), in, holders, c.env())
	if err != nil {
		return "", err
	}
	c.setGraph(g)
	c.companies.add(v.ID)
	c.touchNewRelations(g)
	return v.ID, nil
}
