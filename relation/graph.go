package relation

import (
	"github.com/dossierkit/dossier/entity"
)

// Graph is the structure of one case: its companies, individuals and the
// relations between them, the slices a storage.Record holds. The functions
// of this package read a Graph and return a new one; they never change the
// Graph they are given (nor share memory with it), so a refused operation
// leaves the caller's Graph exactly as it was.
type Graph struct {
	Companies   []entity.Company
	Individuals []entity.Individual
	Relations   []Relation
}

// Clone returns a deep copy of g; nil slices stay nil.
func (g Graph) Clone() Graph {
	return Graph{
		Companies:   cloneAll(g.Companies, entity.Company.Clone),
		Individuals: cloneAll(g.Individuals, entity.Individual.Clone),
		Relations:   cloneAll(g.Relations, Relation.Clone),
	}
}

func cloneAll[T any](in []T, clone func(T) T) []T {
	if in == nil {
		return nil
	}
	out := make([]T, len(in))
	for i, v := range in {
		out[i] = clone(v)
	}
	return out
}

// MainCompany returns a copy of the main company, or false when the case has
// none.
func (g Graph) MainCompany() (entity.Company, bool) {
	for _, c := range g.Companies {
		if c.Type == entity.CompanyMain {
			return c.Clone(), true
		}
	}
	return entity.Company{}, false
}

// Company returns a copy of the company with this id.
func (g Graph) Company(id string) (entity.Company, bool) {
	if i := g.companyIndex(id); i >= 0 {
		return g.Companies[i].Clone(), true
	}
	return entity.Company{}, false
}

// Individual returns a copy of the individual with this id.
func (g Graph) Individual(id string) (entity.Individual, bool) {
	if i := g.individualIndex(id); i >= 0 {
		return g.Individuals[i].Clone(), true
	}
	return entity.Individual{}, false
}

// Relation returns a copy of the relation with this id.
func (g Graph) Relation(id string) (Relation, bool) {
	if i := g.relationIndex(id); i >= 0 {
		return g.Relations[i].Clone(), true
	}
	return Relation{}, false
}

// RelationsFrom returns copies of the relations whose source is id, in graph
// order.
func (g Graph) RelationsFrom(id string) []Relation {
	var out []Relation
	for _, r := range g.Relations {
		if r.From() == id {
			out = append(out, r.Clone())
		}
	}
	return out
}

// RelationsTo returns copies of the relations whose target is companyID, in
// graph order.
func (g Graph) RelationsTo(companyID string) []Relation {
	var out []Relation
	for _, r := range g.Relations {
		if r.ToCompanyID == companyID {
			out = append(out, r.Clone())
		}
	}
	return out
}

// CompanyView is a company as the Dotfile API shows it: its fields and
// the relations it is the source of ("relations", always an array).
type CompanyView struct {
	entity.Company
	Relations []Relation `json:"relations"`
}

// IndividualView is an individual as the Dotfile API shows it: its fields
// and the relations it is the source of ("relations", always an array).
//
// # Totals on reads
//
// An individual has two figures for each interest in the main company
// (ownership and voting rights): the total declared by the caller
// (entity.IndividualInput.OwnershipPercentage, stored as given, never
// overwritten) and the total computed from the relations (package
// ownership). [IndividualView.SetTotals], which every read of the
// Workspace applies, sets:
//
//   - the wire members ownership_percentage and voting_rights_percentage
//     (the Dotfile API's members, a number or null): the computed total
//     rounded half away from zero to two decimals when it is an exact
//     number; otherwise (no main company, a range because of unknown
//     percentages or bands, a closed loop, an individual without relations)
//     the declared total as stored (relations that do not lead to the
//     main company give an exact computed total of 0, which is shown);
//   - the extension members ownership_percentage_detail and
//     voting_rights_percentage_detail ([TotalDetail]): the declared total
//     as given, the computed total in full (exact fraction, or min and max
//     with their open or closed ends: the JSON form of ownership.Total;
//     null when there is none) and "shown", which of the two the wire
//     member carries ("computed" or "declared").
//
// A client that only knows the Dotfile API reads ownership_percentage as
// before; one that must know what it reads looks at the detail. A view
// built by the graph alone (Graph.IndividualView) has no detail (nil,
// members left out) and its wire members hold the declared totals.
type IndividualView struct {
	entity.Individual
	Relations []Relation `json:"relations"`
	// OwnershipDetail and VotingRightsDetail state both figures of each
	// interest and which one the wire member carries (see above).
	OwnershipDetail    *TotalDetail `json:"ownership_percentage_detail,omitempty"`
	VotingRightsDetail *TotalDetail `json:"voting_rights_percentage_detail,omitempty"`
}

// CompanyView returns the company with this id and its relations.
func (g Graph) CompanyView(id string) (CompanyView, bool) {
	c, ok := g.Company(id)
	if !ok {
		return CompanyView{}, false
	}
	return CompanyView{Company: c, Relations: nonNil(g.RelationsFrom(id))}, true
}

// IndividualView returns the individual with this id and its relations.
func (g Graph) IndividualView(id string) (IndividualView, bool) {
	i, ok := g.Individual(id)
	if !ok {
		return IndividualView{}, false
	}
	return IndividualView{Individual: i, Relations: nonNil(g.RelationsFrom(id))}, true
}

func nonNil(rs []Relation) []Relation {
	if rs == nil {
		return []Relation{}
	}
	return rs
}

func (g Graph) companyIndex(id string) int {
	for i := range g.Companies {
		if g.Companies[i].ID == id {
			return i
		}
	}
	return -1
}

func (g Graph) individualIndex(id string) int {
	for i := range g.Individuals {
		if g.Individuals[i].ID == id {
			return i
		}
	}
	return -1
}

func (g Graph) relationIndex(id string) int {
	for i := range g.Relations {
		if g.Relations[i].ID == id {
			return i
		}
	}
	return -1
}

func (g Graph) mainIndex() int {
	for i := range g.Companies {
		if g.Companies[i].Type == entity.CompanyMain {
			return i
		}
	}
	return -1
}
