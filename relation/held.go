package relation

import (
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/validation"
)

// AddHeldCompany is AddCompany for an affiliated company that is held by
// entities already in the case: it adds the company, its own relations
// (in.Relations) and one relation from each holder into it, as one
// operation. holders are relation inputs whose ToCompanyID is left empty:
// it is the new company (setting it is refused, CodeNotAllowed).
//
// # No default link
//
// A new entity without relations of its own is linked to the main company
// by a relation with unknown percentages (see AddCompany), which makes
// every total through it a range until that relation is given
// percentages or deleted. That link is only there to keep the rule that
// every entity is connected to the main company once the case has one; it
// is never added when the entity is connected otherwise in the same
// operation:
//
//   - an individual or a company given its relations (in.Relations) gets
//     no default link: create the entities from the main company outwards
//     (an owner after the companies it holds), giving each its holdings;
//   - a company that holds nothing in the case (a subsidiary of the main
//     company or of another entity) is created with AddHeldCompany and its
//     holders: it gets no default link, as the holders connect it.
//
// The rule on connection is never relaxed: an entity is never stored
// unlinked once the case has a main company, not even "right after" in a
// later call, since another reader could see the orphan in between. Hence
// holders must be entities already in the case, and the main company has
// none here (create its holders with relations to it: CodeNotAllowed at
// "holders").
//
// The holders are checked as AddRelation checks a relation (an existing
// source, one relation per pair, the known stakes into the new company at
// most 100 % per interest, the last holder over the limit reporting the
// excess); their problems come at "holders[i]" paths, with those of the
// company, all at once in one *validation.Error. Without holders it is
// AddCompany. On error g is unchanged.
func AddHeldCompany(g Graph, in entity.CompanyInput, holders []Input, env Env) (Graph, CompanyView, error) {
	return addCompany(g, in, holders, env)
}

// addHolders validates the holders of the new company id against g (which
// holds the company already) and returns their relations.
func addHolders(g Graph, l *validation.List, id string, holders []Input, env Env) []Relation {
	if len(holders) == 0 {
		return nil
	}
	cur := g.Clone()
	rels := make([]Relation, 0, len(holders))
	for i, h := range holders {
		path := validation.Index("holders", i)
		var sub validation.List
		if h.ToCompanyID != "" {
			sub.Add("to_company_id", validation.CodeNotAllowed, "a holder's relation goes to the new company; leave to_company_id empty")
		}
		h.ToCompanyID = id
		r := prepareRelation(cur, &sub, h, env)
		l.Merge(path, sub.Err())
		if sub.Len() > 0 {
			continue
		}
		cur.Relations = append(cur.Relations, r)
		rels = append(rels, r)
	}
	return rels
}
