package casefile

import (
	"fmt"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/storage"
)

// StoredViews are Views that show objects as they are stored: no custom
// property value is hidden and an individual shows its declared totals,
// none computed. They suit tools and tests that work on records directly;
// a Workspace passes its own Views, which read as its reads do.
type StoredViews struct{}

var _ Views = StoredViews{}

// Case returns a copy of c.
func (StoredViews) Case(c cases.Case) *cases.Case { return &c }

// Company returns the company id of rec with its relations.
func (StoredViews) Company(rec *storage.Record, id string) (*relation.CompanyView, error) {
	v, ok := relation.Graph{Companies: rec.Companies, Relations: rec.Relations}.CompanyView(id)
	if !ok {
		return nil, fmt.Errorf("company %s: %w", id, relation.ErrNotFound)
	}
	return &v, nil
}

// Individuals returns a function that gives each individual of rec with
// its relations.
func (StoredViews) Individuals(rec *storage.Record) func(string) (*relation.IndividualView, error) {
	g := relation.Graph{Individuals: rec.Individuals, Relations: rec.Relations}
	return func(id string) (*relation.IndividualView, error) {
		v, ok := g.IndividualView(id)
		if !ok {
			return nil, fmt.Errorf("individual %s: %w", id, relation.ErrNotFound)
		}
		return &v, nil
	}
}

// CompanyFields returns c.
func (StoredViews) CompanyFields(c entity.Company) entity.Company { return c }

// IndividualFields returns p.
func (StoredViews) IndividualFields(p entity.Individual) entity.Individual { return p }
