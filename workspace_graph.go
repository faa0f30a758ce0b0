package dossier

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/dossierkit/dossier/casefile"
	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/validation"
)

// MaxGraphEntities is the most companies and individuals (together) one
// case creation or bulk import may carry.
const MaxGraphEntities = 20000

// ImportEntitiesInput is what ImportEntities takes: companies and
// individuals to add to an existing case in one call, linked as in
// CreateCaseInput.
type ImportEntitiesInput struct {
	Companies   []entity.CompanyInput    `json:"companies,omitempty"`
	Individuals []entity.IndividualInput `json:"individuals,omitempty"`
}

// ImportEntities adds many companies and individuals to a case in one
// atomic change, with one Company.Created or Individual.Created event each,
// under the rules of whole-graph creation (see CreateCaseInput.Companies):
// relations name companies of the payload by source_company_ref and
// companies already in the case by to_company_id. The whole payload is
// validated together and every problem reported at once, with paths into
// the payload ("individuals[3].relations[0].ownership_percentage"); on any
// problem nothing is saved.
func (w *Workspace) ImportEntities(ctx context.Context, caseID string, in ImportEntitiesInput) (*CaseGraph, error) {
	var added relation.Graph
	rec, err := w.change(ctx, caseID, func(ch *casefile.Change) error {
		var err error
		added, err = w.buildGraph(ch, in.Companies, in.Individuals)
		return err
	})
	if err != nil {
		return nil, err
	}
	return graphResult(rec, added), nil
}

// CaseGraph names what a whole-graph call created: the case and the ids
// of the new companies and individuals, in payload order.
type CaseGraph struct {
	CaseID        string   `json:"case_id"`
	CompanyIDs    []string `json:"company_ids"`
	IndividualIDs []string `json:"individual_ids"`
	// Version is the case's stored version after the call.
	Version int64 `json:"-"`
}

func graphResult(rec *storage.Record, added relation.Graph) *CaseGraph {
	out := &CaseGraph{CaseID: rec.Case.ID, Version: rec.Version,
		CompanyIDs: make([]string, len(added.Companies)), IndividualIDs: make([]string, len(added.Individuals))}
	for i, c := range added.Companies {
		out.CompanyIDs[i] = c.ID
	}
	for i, p := range added.Individuals {
		out.IndividualIDs[i] = p.ID
	}
	return out
}

// buildGraph validates the companies and individuals of a whole-graph call
// against the record of ch and adds them with their relations through
// ch.AddGraph. Every problem is reported at once, with paths into the
// payload.
func (w *Workspace) buildGraph(ch *casefile.Change, companies []entity.CompanyInput, individuals []entity.IndividualInput) (relation.Graph, error) {
	rec := ch.Record()
	now := ch.Now()
	var l validation.List
	if n := len(companies) + len(individuals); n > MaxGraphEntities {
		l.Addf("", validation.CodeTooMany, "%d companies and individuals in one call, at most %d allowed", n, MaxGraphEntities)
		return relation.Graph{}, l.Err()
	}
	var add relation.Graph
	add.Companies = make([]entity.Company, 0, len(companies))
	add.Individuals = make([]entity.Individual, 0, len(individuals))

	// The main company: the record's, or the payload's.
	main := ""
	for _, c := range rec.Companies {
		if c.Type == entity.CompanyMain {
			main = c.ID
		}
	}
	existing := make(map[string]bool, len(rec.Companies))
	for _, c := range rec.Companies {
		existing[c.ID] = true
	}
	refs := make(map[string]string, len(companies))
	ids := make([]string, len(companies))
	for i, in := range companies {
		ids[i] = w.newID()
		if in.Type == "" || in.Type == entity.CompanyMain {
			if main == "" {
				main = ids[i]
			}
		}
		if in.Ref == "" {
			continue
		}
		if _, dup := refs[in.Ref]; dup {
			l.Add(validation.Join(validation.Index("companies", i), "ref"), validation.CodeDuplicate, "another company of the payload has this ref")
			continue
		}
		refs[in.Ref] = ids[i]
	}

	// relPaths[k] is the payload path of the k-th new relation.
	var relPaths []string
	link := func(path, from string, fromCompany bool, links []entity.Link) {
		if len(links) == 0 {
			if main != "" && main != from {
				links = []entity.Link{{}}
			}
		}
		for j, k := range links {
			p := validation.Index(validation.Join(path, "relations"), j)
			if err := k.Validate(); err != nil {
				l.Merge(p, err)
			}
			to := k.ToCompanyID
			switch {
			case k.ToCompanyID != "" && k.SourceCompanyRef != "":
				l.Add(validation.Join(p, "source_company_ref"), validation.CodeConflict, "give source_company_ref or to_company_id, not both")
				continue
			case k.SourceCompanyRef != "":
				id, ok := refs[k.SourceCompanyRef]
				if !ok {
					l.Add(validation.Join(p, "source_company_ref"), validation.CodeInvalidValue, "no company of the payload has this ref")
					continue
				}
				to = id
			case k.ToCompanyID != "":
				if !existing[k.ToCompanyID] {
					l.Add(validation.Join(p, "to_company_id"), validation.CodeInvalidValue, "no company of the case has this id")
					continue
				}
			default:
				if main == "" {
					l.Add(p, validation.CodeRequired, "the case has no main company to relate to; give source_company_ref")
					continue
				}
				to = main
			}
			r := relation.Relation{
				ID: w.newID(), ToCompanyID: to,
				OwnershipPercentage: k.OwnershipPercentage, VotingRightsPercentage: k.VotingRightsPercentage,
				Roles: entity.CloneRoles(k.Roles), Position: k.Position, CreatedAt: now, UpdatedAt: now,
			}
			if fromCompany {
				r.FromCompanyID = from
			} else {
				r.FromIndividualID = from
			}
			add.Relations = append(add.Relations, r)
			relPaths = append(relPaths, p)
		}
	}

	caseID := rec.Case.ID
	for i, in := range companies {
		path := validation.Index("companies", i)
		if in.CaseID != "" && in.CaseID != caseID {
			l.Add(validation.Join(path, "case_id"), validation.CodeInvalidValue, "case_id is not the case the call runs on")
		}
		links := in.Relations
		in.Relations, in.Ref = nil, ""
		c, err := entity.NewCompany(ids[i], in, now)
		if err != nil {
			l.Merge(path, err)
		}
		props, err := w.props.Apply(customprop.TargetCompany, nil, in.CustomProperties)
		if err != nil {
			l.Merge(path, err)
		}
		c.ID, c.CustomProperties = ids[i], props
		add.Companies = append(add.Companies, c)
		link(path, ids[i], true, links)
	}
	for i, in := range individuals {
		path := validation.Index("individuals", i)
		id := w.newID()
		if in.CaseID != "" && in.CaseID != caseID {
			l.Add(validation.Join(path, "case_id"), validation.CodeInvalidValue, "case_id is not the case the call runs on")
		}
		links := in.Relations
		in.Relations, in.Ref = nil, ""
		p, err := entity.NewIndividual(id, in, now)
		if err != nil {
			l.Merge(path, err)
		}
		props, err := w.props.Apply(customprop.TargetIndividual, nil, in.CustomProperties)
		if err != nil {
			l.Merge(path, err)
		}
		p.ID, p.CustomProperties = id, props
		add.Individuals = append(add.Individuals, p)
		link(path, id, false, links)
	}
	if err := l.Err(); err != nil {
		return relation.Graph{}, err
	}
	if err := ch.AddGraph(add); err != nil {
		return relation.Graph{}, graphError(err, rec.Companies, len(rec.Individuals), len(rec.Relations), relPaths, add)
	}
	return add, nil
}

// graphError rewrites the paths of relation.Check's problems on the
// combined graph into payload paths: the new companies, individuals and
// relations come after the old ones (oldCompanies, ni individuals and nr
// relations). Stakes over 100 % into a company are reported at each new
// relation into it (and at the company too when it is new). Orphans
// become problems of the entities that are not connected to the main
// company.
func graphError(err error, oldCompanies []entity.Company, ni, nr int, relPaths []string, add relation.Graph) error {
	nc := len(oldCompanies)
	var l validation.List
	var verr *validation.Error
	if errors.As(err, &verr) {
		for _, p := range verr.Problems {
			if p.Code == relation.CodeStakeExceeded {
				if k, ok := companyIndex(p.Path); ok && k < nc+len(add.Companies) {
					id := ""
					if k < nc {
						id = oldCompanies[k].ID
					} else {
						id = add.Companies[k-nc].ID
						l.Add(remapPath(p.Path, nc, ni, nr, relPaths), p.Code, p.Message)
					}
					member := "ownership_percentage"
					if strings.Contains(p.Message, "voting") {
						member = "voting_rights_percentage"
					}
					for j, r := range add.Relations {
						if r.ToCompanyID == id && j < len(relPaths) {
							l.Add(validation.Join(relPaths[j], member), p.Code, p.Message)
						}
					}
					continue
				}
			}
			l.Add(remapPath(p.Path, nc, ni, nr, relPaths), p.Code, p.Message)
		}
	}
	var orphan *relation.OrphanError
	if errors.As(err, &orphan) {
		pos := make(map[string]string, len(add.Companies)+len(add.Individuals))
		for i, c := range add.Companies {
			pos[c.ID] = validation.Index("companies", i)
		}
		for i, p := range add.Individuals {
			pos[p.ID] = validation.Index("individuals", i)
		}
		for _, id := range orphan.IDs {
			if path, ok := pos[id]; ok {
				l.Add(validation.Join(path, "relations"), validation.CodeInvalidValue, "the entity is not connected to the main company through the relations given")
			}
		}
	}
	if l.Len() == 0 {
		return err
	}
	return l.Err()
}

// companyIndex returns k when path is exactly "companies[k]".
func companyIndex(path string) (int, bool) {
	rest, ok := strings.CutPrefix(path, "companies[")
	if !ok || !strings.HasSuffix(rest, "]") {
		return 0, false
	}
	k, err := strconv.Atoi(strings.TrimSuffix(rest, "]"))
	return k, err == nil
}

func remapPath(path string, nc, ni, nr int, relPaths []string) string {
	for _, f := range []struct {
		prefix string
		n      int
	}{{"companies[", nc}, {"individuals[", ni}, {"relations[", nr}} {
		rest, ok := strings.CutPrefix(path, f.prefix)
		if !ok {
			continue
		}
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return path
		}
		k, err := strconv.Atoi(rest[:end])
		if err != nil || k < f.n {
			return path
		}
		k -= f.n
		tail := rest[end+1:]
		if f.prefix == "relations[" {
			if k < len(relPaths) {
				return relPaths[k] + tail
			}
			return path
		}
		return f.prefix + strconv.Itoa(k) + "]" + tail
	}
	return path
}
