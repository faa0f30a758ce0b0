package storage

import (
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/risk"
)

// Record is the aggregate a Store keeps: one case and everything in it,
// in its current state. The events that describe how it got there are not
// part of it: they live in the store's audit log (see Store), so the size of
// a record, and the cost of a change, do not grow with the case's age. Its
// JSON form (snake_case, lossless) is what the file adapter writes.
type Record struct {
	// Version is assigned by the store: 1 on create, +1 on every update.
	Version int64 `json:"version"`

	Case        cases.Case           `json:"case"`
	Companies   []entity.Company     `json:"companies,omitempty"`
	Individuals []entity.Individual  `json:"individuals,omitempty"`
	Relations   []relation.Relation  `json:"relations,omitempty"`
	Checks      []cases.Check        `json:"checks,omitempty"`
	Risks       risk.History         `json:"risks"`
	Schedule    cases.ReviewSchedule `json:"schedule"`
	// Reviews is the case's review history, oldest first; the current
	// review is also Case.Review.
	Reviews []cases.ReviewEntry `json:"reviews,omitempty"`
	// Notes are the case's notes with their comments, oldest first.
	Notes []cases.Note `json:"notes,omitempty"`
}

// Clone returns a deep copy of r; nil stays nil.
func (r *Record) Clone() *Record {
	if r == nil {
		return nil
	}
	c := &Record{
		Version:  r.Version,
		Case:     r.Case.Clone(),
		Risks:    r.Risks.Clone(),
		Schedule: r.Schedule.Clone(),
	}
	c.Companies = cloneAll(r.Companies, entity.Company.Clone)
	c.Individuals = cloneAll(r.Individuals, entity.Individual.Clone)
	c.Relations = cloneAll(r.Relations, relation.Relation.Clone)
	c.Checks = cloneAll(r.Checks, cases.Check.Clone)
	c.Reviews = cloneAll(r.Reviews, cases.ReviewEntry.Clone)
	c.Notes = cloneAll(r.Notes, cases.Note.Clone)
	return c
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

// EntityIDs returns the ids of every company, individual, relation and check
// in r: the ids Store.CaseOfEntity resolves.
func (r *Record) EntityIDs() []string {
	ids := make([]string, 0, len(r.Companies)+len(r.Individuals)+len(r.Relations)+len(r.Checks))
	for _, c := range r.Companies {
		ids = append(ids, c.ID)
	}
	for _, i := range r.Individuals {
		ids = append(ids, i.ID)
	}
	for _, rel := range r.Relations {
		ids = append(ids, rel.ID)
	}
	for _, ch := range r.Checks {
		ids = append(ids, ch.ID)
	}
	return ids
}
