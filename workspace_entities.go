package dossier

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/ownership"
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
	rec, err := w.changeGraph(ctx, caseID, func(g relation.Graph, env relation.Env) (relation.Graph, error) {
		g, v, err := relation.AddCompany(g, in, env)
		id = v.ID
		return g, withCaseID(err, in.CaseID, caseID)
	})
	if err != nil {
		return nil, err
	}
	return w.companyView(rec, id)
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
	rec, err := w.changeGraph(ctx, caseID, func(g relation.Graph, env relation.Env) (relation.Graph, error) {
		g, v, err := relation.AddIndividual(g, in, env)
		id = v.ID
		return g, withCaseID(err, in.CaseID, caseID)
	})
	if err != nil {
		return nil, err
	}
	return w.individualView(rec, id)
}

// GetCompany returns the company with this id, from whichever case holds
// it, with the relations it is the source of; ErrNotFound otherwise. The
// values of archived custom properties are left out.
func (w *Workspace) GetCompany(ctx context.Context, companyID string) (*relation.CompanyView, error) {
	rec, err := w.loadEntity(ctx, "company", companyID)
	if err != nil {
		return nil, err
	}
	return w.companyView(rec, companyID)
}

// GetIndividual returns the individual with this id, from whichever case
// holds it, with the relations it is the source of; ErrNotFound otherwise.
// The values of archived custom properties are left out.
func (w *Workspace) GetIndividual(ctx context.Context, individualID string) (*relation.IndividualView, error) {
	rec, err := w.loadEntity(ctx, "individual", individualID)
	if err != nil {
		return nil, err
	}
	return w.individualView(rec, individualID)
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
		v, err := w.companyView(rec, c.ID)
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
	res, err := w.totals(rec)
	if err != nil {
		return nil, err
	}
	out := make([]relation.IndividualView, 0, len(rec.Individuals))
	for _, p := range rec.Individuals {
		v, err := w.individualViewWith(rec, p.ID, res)
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
	rec, err := w.changeEntity(ctx, "company", companyID, func(g relation.Graph, env relation.Env) (relation.Graph, error) {
		g, _, err := relation.UpdateCompany(g, companyID, u, env)
		return g, err
	})
	if err != nil {
		return nil, err
	}
	return w.companyView(rec, companyID)
}

// UpdateIndividual applies a partial update to an individual and returns it
// with its relations. The rules between fields are checked on the result (a
// business contact keeps an e-mail, ...); the custom properties are a
// partial write validated against the workspace's individual definitions.
// Bad input is a *validation.Error listing every problem; a missing
// individual is ErrNotFound.
func (w *Workspace) UpdateIndividual(ctx context.Context, individualID string, u entity.IndividualUpdate) (*relation.IndividualView, error) {
	rec, err := w.changeEntity(ctx, "individual", individualID, func(g relation.Graph, env relation.Env) (relation.Graph, error) {
		g, _, err := relation.UpdateIndividual(g, individualID, u, env)
		return g, err
	})
	if err != nil {
		return nil, err
	}
	return w.individualView(rec, individualID)
}

// DeleteCompany removes a company from its case, with every relation from
// or to it and every check on it. It is refused with an error matching
// relation.ErrOrphan when another entity would lose its last path to the
// main company; the main company can be deleted only when it is alone in
// the case. A missing company is ErrNotFound.
func (w *Workspace) DeleteCompany(ctx context.Context, companyID string) error {
	_, err := w.changeEntity(ctx, "company", companyID, func(g relation.Graph, _ relation.Env) (relation.Graph, error) {
		return relation.DeleteCompany(g, companyID)
	})
	return err
}

// DeleteIndividual removes an individual from its case, with every relation
// from it and every check on it. It is refused with an error matching
// relation.ErrOrphan when another entity would lose its last path to the
// main company (an individual can be the only link of a company). A missing
// individual is ErrNotFound.
func (w *Workspace) DeleteIndividual(ctx context.Context, individualID string) error {
	_, err := w.changeEntity(ctx, "individual", individualID, func(g relation.Graph, _ relation.Env) (relation.Graph, error) {
		return relation.DeleteIndividual(g, individualID)
	})
	return err
}

// SetMainCompany makes the affiliated company companyID the main company of
// its case and the former main company an affiliated one; relations are
// kept, so nothing is orphaned and no stake changes. This is how a case
// created around the wrong company is fixed. Setting the current main
// company again changes nothing. A missing company is ErrNotFound.
func (w *Workspace) SetMainCompany(ctx context.Context, companyID string) (*relation.CompanyView, error) {
	rec, err := w.changeEntity(ctx, "company", companyID, func(g relation.Graph, env relation.Env) (relation.Graph, error) {
		return relation.SetMainCompany(g, companyID, env)
	})
	if err != nil {
		return nil, err
	}
	return w.companyView(rec, companyID)
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
	rec, err := w.changeGraph(ctx, caseID, func(g relation.Graph, env relation.Env) (relation.Graph, error) {
		g, r, err := relation.AddRelation(g, in, env)
		id = r.ID
		return g, withCaseID(err, in.CaseID, caseID)
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
	rec, err := w.changeEntity(ctx, "relation", relationID, func(g relation.Graph, env relation.Env) (relation.Graph, error) {
		g, _, err := relation.UpdateRelation(g, relationID, u, env)
		return g, err
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
	_, err := w.changeEntity(ctx, "relation", relationID, func(g relation.Graph, _ relation.Env) (relation.Graph, error) {
		return relation.DeleteRelation(g, relationID)
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

// graphOp is a pure operation of package relation on a case's graph.
type graphOp func(g relation.Graph, env relation.Env) (relation.Graph, error)

// changeGraph runs op on the graph of caseID in one atomic change of the
// record and returns the saved record. The checks of entities op removed
// are removed with them.
func (w *Workspace) changeGraph(ctx context.Context, caseID string, op graphOp) (*storage.Record, error) {
	return w.mutate(ctx, caseID, func(rec *storage.Record, now time.Time) error {
		g := relation.Graph{Companies: rec.Companies, Individuals: rec.Individuals, Relations: rec.Relations}
		out, err := op(g, relation.Env{NewID: w.newID, Now: now, Properties: w.props})
		if err != nil {
			return err
		}
		rec.Companies, rec.Individuals, rec.Relations = out.Companies, out.Individuals, out.Relations
		rec.Checks = withoutChecksOfRemoved(rec.Checks, out)
		return nil
	})
}

// changeEntity finds the case of the entity kind id and runs op on its
// graph, translating the errors of package relation.
func (w *Workspace) changeEntity(ctx context.Context, kind, id string, op graphOp) (*storage.Record, error) {
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

// withoutChecksOfRemoved returns checks without those on an entity that is
// no longer in g.
func withoutChecksOfRemoved(checks []cases.Check, g relation.Graph) []cases.Check {
	present := make(map[string]bool, len(g.Companies)+len(g.Individuals))
	for _, c := range g.Companies {
		present[c.ID] = true
	}
	for _, p := range g.Individuals {
		present[p.ID] = true
	}
	return slices.DeleteFunc(checks, func(c cases.Check) bool { return !c.OnCase() && !present[c.EntityID()] })
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

func graphOf(rec *storage.Record) relation.Graph {
	return relation.Graph{Companies: rec.Companies, Individuals: rec.Individuals, Relations: rec.Relations}
}

// companyView returns the company id of rec as callers see it: with its
// relations and without the values of archived custom properties.
func (w *Workspace) companyView(rec *storage.Record, id string) (*relation.CompanyView, error) {
	v, ok := graphOf(rec).CompanyView(id)
	if !ok {
		return nil, fmt.Errorf("dossier: company %q: %w", id, ErrNotFound)
	}
	v.CustomProperties = visible(w.props.Visible(customprop.TargetCompany, v.CustomProperties))
	return &v, nil
}

// individualView is companyView for an individual, whose top-level
// ownership and voting-rights totals are filled from the computed ones (see
// fillTotals).
func (w *Workspace) individualView(rec *storage.Record, id string) (*relation.IndividualView, error) {
	res, err := w.totals(rec)
	if err != nil {
		return nil, err
	}
	return w.individualViewWith(rec, id, res)
}

// individualViewWith is individualView with the totals already computed.
func (w *Workspace) individualViewWith(rec *storage.Record, id string, res *ownership.Result) (*relation.IndividualView, error) {
	v, ok := graphOf(rec).IndividualView(id)
	if !ok {
		return nil, fmt.Errorf("dossier: individual %q: %w", id, ErrNotFound)
	}
	v.CustomProperties = visible(w.props.Visible(customprop.TargetIndividual, v.CustomProperties))
	fillTotals(&v.Individual, res)
	return &v, nil
}

// visible keeps "no custom properties" as nil, as stored.
func visible(vs customprop.Values) customprop.Values {
	if len(vs) == 0 {
		return nil
	}
	return vs
}

func relationOf(rec *storage.Record, id string) (*relation.Relation, error) {
	r, ok := graphOf(rec).Relation(id)
	if !ok {
		return nil, fmt.Errorf("dossier: relation %q: %w", id, ErrNotFound)
	}
	return &r, nil
}
