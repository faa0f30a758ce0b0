package dossier

import (
	"context"
	"errors"
	"fmt"

	"github.com/dossierkit/dossier/casefile"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/validation"
)

// This file holds the Workspace operations on the companies, individuals and
// relations of a case. Each one runs a pure operation of package relation
// on the case's graph inside one atomic change of the record, so that every
// rule of the graph holds after every saved change: one main company, no
// orphan, stakes at most 100 % per company and interest, one relation per
// pair. A refused operation saves nothing.
//
// Errors: bad input is a *validation.Error listing every problem (paths as
// in the input, such as "relations[0].to_company_id"); a missing case,
// entity or relation matches ErrNotFound; an operation that would orphan
// entities matches relation.ErrOrphan and errors.As gives a
// *relation.OrphanError naming them.

// AddCompany adds a company to a case, with its relations, in one atomic
// change. The main company (the default type) is created without relations
// and links every entity already in the case that has none; an affiliated
// company needs the main company and, given no relations, is linked to it.
// See relation.AddCompany for every rule. in.CaseID, when set, must be
// caseID. The custom properties are validated against the workspace's
// company definitions. It returns the new company with its relations.
func (w *Workspace) AddCompany(ctx context.Context, caseID string, in entity.CompanyInput) (*relation.CompanyView, error) {
	var id string
	rec, err := w.changeGraph(ctx, caseID, func(ch *casefile.Change) (err error) {
		id, err = ch.AddCompany(in)
		return withCaseID(err, in.CaseID, caseID)
	})
	if err != nil {
		return nil, err
	}
	return w.views.Company(rec, id)
}

// AddHeldCompany adds an affiliated company held by entities already in
// the case, in one atomic change: the company, its own relations
// (in.Relations) and one relation from each holder into it (each holder's
// ToCompanyID left empty: it is the new company). The company gets no
// default link to the main company, whose unknown percentages would turn
// every total through it into a range: its holders connect it. Use it for
// a company that holds nothing in the case (a subsidiary); see
// relation.AddHeldCompany for the rule on default links and what the
// no-orphan rule requires. Problems of the holders come at "holders[i]"
// paths with those of the company. It returns the new company with its
// relations.
func (w *Workspace) AddHeldCompany(ctx context.Context, caseID string, in entity.CompanyInput, holders []relation.Input) (*relation.CompanyView, error) {
	var id string
	rec, err := w.changeGraph(ctx, caseID, func(ch *casefile.Change) (err error) {
		id, err = ch.AddHeldCompany(in, holders)
		var l validation.List
		for i, h := range holders {
			if h.CaseID != "" && h.CaseID != caseID {
				l.Addf(validation.Join(validation.Index("holders", i), "case_id"), validation.CodeInvalidValue,
					"case_id %q is not the case %q the operation runs on", h.CaseID, caseID)
			}
		}
		if l.Len() > 0 {
			var verr *validation.Error
			if errors.As(err, &verr) {
				l.Merge("", verr)
			}
			err = l.Err()
		}
		return withCaseID(err, in.CaseID, caseID)
	})
	if err != nil {
		return nil, err
	}
	return w.views.Company(rec, id)
}

// AddIndividual adds an individual to a case, with its relations, in one
// atomic change. Each relation goes from the new individual to a company of
// the case (to_company_id omitted: the main company); given no relations,
// the individual is linked to the main company, if the case has one. See
// relation.AddIndividual for every rule. in.CaseID, when set, must be
// caseID. The custom properties are validated against the workspace's
// individual definitions. The Dotfile API's example payload, decoded into an
// entity.IndividualInput, is accepted as written. It returns the new
// individual with its relations.
func (w *Workspace) AddIndividual(ctx context.Context, caseID string, in entity.IndividualInput) (*relation.IndividualView, error) {
	var id string
	rec, err := w.changeGraph(ctx, caseID, func(ch *casefile.Change) (err error) {
		id, err = ch.AddIndividual(in)
		return withCaseID(err, in.CaseID, caseID)
	})
	if err != nil {
		return nil, err
	}
	return w.views.individual(rec, id)
}

// GetCompany returns the company with this id, from whichever case holds
// it, with the relations it is the source of; ErrNotFound otherwise. The
// values of archived custom properties are left out.
func (w *Workspace) GetCompany(ctx context.Context, companyID string) (*relation.CompanyView, error) {
	rec, err := w.loadEntity(ctx, "company", companyID)
	if err != nil {
		return nil, err
	}
	return w.views.Company(rec, companyID)
}

// GetIndividual returns the individual with this id, from whichever case
// holds it, with the relations it is the source of; ErrNotFound otherwise.
// The values of archived custom properties are left out.
func (w *Workspace) GetIndividual(ctx context.Context, individualID string) (*relation.IndividualView, error) {
	rec, err := w.loadEntity(ctx, "individual", individualID)
	if err != nil {
		return nil, err
	}
	return w.views.individual(rec, individualID)
}

// ListCompanies returns the companies of a case in the order they were
// added, each with its relations (empty, not nil, when there are none), or
// ErrNotFound for a missing case.
func (w *Workspace) ListCompanies(ctx context.Context, caseID string) ([]relation.CompanyView, error) {
	rec, err := w.load(ctx, caseID)
	if err != nil {
		return nil, err
	}
	out := make([]relation.CompanyView, 0, len(rec.Companies))
	for _, c := range rec.Companies {
		v, err := w.views.Company(rec, c.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, nil
}

// ListIndividuals returns the individuals of a case in the order they were
// added, each with its relations (empty, not nil, when there are none), or
// ErrNotFound for a missing case.
func (w *Workspace) ListIndividuals(ctx context.Context, caseID string) ([]relation.IndividualView, error) {
	rec, err := w.load(ctx, caseID)
	if err != nil {
		return nil, err
	}
	view := w.views.Individuals(rec)
	out := make([]relation.IndividualView, 0, len(rec.Individuals))
	for _, p := range rec.Individuals {
		v, err := view(p.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, nil
}

// UpdateCompany applies a partial update to a company and returns it with
// its relations. The type cannot change this way (see SetMainCompany); the
// custom properties are a partial write validated against the workspace's
// company definitions. Bad input is a *validation.Error listing every
// problem; a missing company is ErrNotFound.
func (w *Workspace) UpdateCompany(ctx context.Context, companyID string, u entity.CompanyUpdate) (*relation.CompanyView, error) {
	rec, err := w.changeEntity(ctx, "company", companyID, func(ch *casefile.Change) error {
		return ch.UpdateCompany(companyID, u)
	})
	if err != nil {
		return nil, err
	}
	return w.views.Company(rec, companyID)
}

// UpdateIndividual applies a partial update to an individual and returns it
// with its relations. The rules between fields are checked on the result (a
// business contact keeps an e-mail, ...); the custom properties are a
// partial write validated against the workspace's individual definitions.
// Bad input is a *validation.Error listing every problem; a missing
// individual is ErrNotFound.
func (w *Workspace) UpdateIndividual(ctx context.Context, individualID string, u entity.IndividualUpdate) (*relation.IndividualView, error) {
	rec, err := w.changeEntity(ctx, "individual", individualID, func(ch *casefile.Change) error {
		return ch.UpdateIndividual(individualID, u)
	})
	if err != nil {
		return nil, err
	}
	return w.views.individual(rec, individualID)
}

// DeleteCompany removes a company from its case, with every relation from
// or to it and every check on it. It is refused with an error matching
// relation.ErrOrphan when another entity would lose its last path to the
// main company; the main company can be deleted only when it is alone in
// the case. A missing company is ErrNotFound.
func (w *Workspace) DeleteCompany(ctx context.Context, companyID string) error {
	_, err := w.changeEntity(ctx, "company", companyID, func(ch *casefile.Change) error {
		return ch.DeleteCompany(companyID)
	})
	return err
}

// DeleteIndividual removes an individual from its case, with every relation
// from it and every check on it. It is refused with an error matching
// relation.ErrOrphan when another entity would lose its last path to the
// main company (an individual can be the only link of a company). A missing
// individual is ErrNotFound.
func (w *Workspace) DeleteIndividual(ctx context.Context, individualID string) error {
	_, err := w.changeEntity(ctx, "individual", individualID, func(ch *casefile.Change) error {
		return ch.DeleteIndividual(individualID)
	})
	return err
}

// SetMainCompany makes the affiliated company companyID the main company of
// its case and the former main company an affiliated one; relations are
// kept, so nothing is orphaned and no stake changes. This is how a case
// created around the wrong company is fixed. Setting the current main
// company again changes nothing. A missing company is ErrNotFound.
func (w *Workspace) SetMainCompany(ctx context.Context, companyID string) (*relation.CompanyView, error) {
	rec, err := w.changeEntity(ctx, "company", companyID, func(ch *casefile.Change) error {
		return ch.SetMainCompany(companyID)
	})
	if err != nil {
		return nil, err
	}
	return w.views.Company(rec, companyID)
}

// AddRelation adds a relation between two entities of a case: from
// in.FromIndividualID or in.FromCompanyID (exactly one) to
// in.ToCompanyID (the main company when empty). The case needs a main
// company; a pair already related, a self-relation, an unknown entity or
// direct stakes into the target over 100 % are refused with a
// *validation.Error (see relation.AddRelation). in.CaseID, when set, must
// be caseID. To change an end of a relation, add the new relation, then
// delete the old one.
func (w *Workspace) AddRelation(ctx context.Context, caseID string, in relation.Input) (*relation.Relation, error) {
	var id string
	rec, err := w.changeGraph(ctx, caseID, func(ch *casefile.Change) (err error) {
		id, err = ch.AddRelation(in)
		return withCaseID(err, in.CaseID, caseID)
	})
	if err != nil {
		return nil, err
	}
	return relationOf(rec, id)
}

// GetRelation returns the relation with this id, from whichever case holds
// it, or ErrNotFound.
func (w *Workspace) GetRelation(ctx context.Context, relationID string) (*relation.Relation, error) {
	rec, err := w.loadEntity(ctx, "relation", relationID)
	if err != nil {
		return nil, err
	}
	return relationOf(rec, relationID)
}

// UpdateRelation changes the percentages, roles and position of a relation
// (a partial update; its ends cannot change). Direct stakes into its target
// over 100 % are refused with a *validation.Error naming the company and
// the excess. A missing relation is ErrNotFound.
func (w *Workspace) UpdateRelation(ctx context.Context, relationID string, u relation.Update) (*relation.Relation, error) {
	rec, err := w.changeEntity(ctx, "relation", relationID, func(ch *casefile.Change) error {
		return ch.UpdateRelation(relationID, u)
	})
	if err != nil {
		return nil, err
	}
	return relationOf(rec, relationID)
}

// DeleteRelation removes a relation. It is refused with an error matching
// relation.ErrOrphan when an entity would lose its last path to the main
// company: create the replacing relation first. A missing relation is
// ErrNotFound.
func (w *Workspace) DeleteRelation(ctx context.Context, relationID string) error {
	_, err := w.changeEntity(ctx, "relation", relationID, func(ch *casefile.Change) error {
		return ch.DeleteRelation(relationID)
	})
	return err
}

// CaseOfEntity returns the id of the case that holds the company,
// individual, relation or check with this id, or ErrNotFound.
func (w *Workspace) CaseOfEntity(ctx context.Context, entityID string) (string, error) {
	if entityID == "" {
		return "", fmt.Errorf("dossier: entity %q: %w", entityID, ErrNotFound)
	}
	caseID, err := w.store.CaseOfEntity(ctx, entityID)
	if err != nil {
		return "", fmt.Errorf("dossier: entity %s: %w", entityID, err)
	}
	return caseID, nil
}

// changeGraph runs op, an operation on the companies, individuals and
// relations of caseID (package casefile removes the checks of an entity
// with it), in one atomic change and returns the saved record.
func (w *Workspace) changeGraph(ctx context.Context, caseID string, op func(ch *casefile.Change) error) (*storage.Record, error) {
	return w.change(ctx, caseID, op)
}

// changeEntity finds the case of the entity kind id and runs op on it,
// translating the errors of package relation.
func (w *Workspace) changeEntity(ctx context.Context, kind, id string, op func(ch *casefile.Change) error) (*storage.Record, error) {
	caseID, err := w.caseOf(ctx, kind, id)
	if err != nil {
		return nil, err
	}
	rec, err := w.changeGraph(ctx, caseID, op)
	if err != nil {
		return nil, entityError(kind, id, err)
	}
	return rec, nil
}

// entityError translates an error of package relation about the entity kind
// id: input problems stay as they are (their paths are the caller's), a
// missing entity matches ErrNotFound, the rest (orphans, storage failures)
// is wrapped with context.
func entityError(kind, id string, err error) error {
	var verr *validation.Error
	switch {
	case errors.As(err, &verr):
		return err
	case errors.Is(err, relation.ErrNotFound):
		return fmt.Errorf("dossier: %s %q: %w", kind, id, ErrNotFound)
	case errors.Is(err, relation.ErrOrphan):
		return fmt.Errorf("dossier: %s %s: %w", kind, id, err)
	}
	return err
}

// withCaseID adds a problem at "case_id" to err when the input names a case
// other than the one the operation runs on, keeping every other problem.
func withCaseID(err error, inputCaseID, caseID string) error {
	if inputCaseID == "" || inputCaseID == caseID {
		return err
	}
	var l validation.List
	l.Addf("case_id", validation.CodeInvalidValue, "case_id %q is not the case %q the operation runs on", inputCaseID, caseID)
	var verr *validation.Error
	if errors.As(err, &verr) {
		l.Merge("", verr)
	}
	// A refusal of another kind (orphans) is reported after the input is
	// fixed.
	return l.Err()
}

// caseOf returns the case holding the entity kind id, or ErrNotFound.
func (w *Workspace) caseOf(ctx context.Context, kind, id string) (string, error) {
	if id == "" {
		return "", fmt.Errorf("dossier: %s %q: %w", kind, id, ErrNotFound)
	}
	caseID, err := w.store.CaseOfEntity(ctx, id)
	if err != nil {
		return "", fmt.Errorf("dossier: %s %s: %w", kind, id, err)
	}
	return caseID, nil
}

// loadEntity loads the record of the case holding the entity kind id.
func (w *Workspace) loadEntity(ctx context.Context, kind, id string) (*storage.Record, error) {
	caseID, err := w.caseOf(ctx, kind, id)
	if err != nil {
		return nil, err
	}
	return w.load(ctx, caseID)
}

func relationOf(rec *storage.Record, id string) (*relation.Relation, error) {
	r, ok := graphOf(rec).Relation(id)
	if !ok {
		return nil, fmt.Errorf("dossier: relation %q: %w", id, ErrNotFound)
	}
	return &r, nil
}
