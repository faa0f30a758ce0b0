package casefile

import (
	"fmt"
	"slices"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/validation"
)

// CheckNotFound is the error for a check id that is not in the record; it
// matches storage.ErrNotFound.
func CheckNotFound(checkID string) error {
	return fmt.Errorf("check %q: %w", checkID, storage.ErrNotFound)
}

// AddCheck adds a new check with this id. A company or individual the
// check names must be in the case (a problem at "company_id" or
// "individual_id", code invalid_value); see cases.CreateCheck for the
// rest.
func (c *Change) AddCheck(id string, spec cases.NewCheck) (cases.Check, error) {
	var l validation.List
	if spec.CompanyID != "" && !slices.ContainsFunc(c.rec.Companies, func(e entity.Company) bool { return e.ID == spec.CompanyID }) {
		l.Addf("company_id", validation.CodeInvalidValue, "the case has no company %s", spec.CompanyID)
	}
	if spec.IndividualID != "" && !slices.ContainsFunc(c.rec.Individuals, func(e entity.Individual) bool { return e.ID == spec.IndividualID }) {
		l.Addf("individual_id", validation.CodeInvalidValue, "the case has no individual %s", spec.IndividualID)
	}
	if err := l.Err(); err != nil {
		return cases.Check{}, err
	}
	ch, err := cases.CreateCheck(id, spec, c.now)
	if err != nil {
		return cases.Check{}, err
	}
	c.ownChecks()
	c.rec.Checks = append(c.rec.Checks, ch)
	c.checks.add(id)
	return ch.Clone(), nil
}

// UpdateCheck runs fn on the check checkID (a move or a review of package
// cases); when fn fails, the check is unchanged. A missing check is
// CheckNotFound.
func (c *Change) UpdateCheck(checkID string, fn func(ch *cases.Check) error) (cases.Check, error) {
	i := slices.IndexFunc(c.rec.Checks, func(ch cases.Check) bool { return ch.ID == checkID })
	if i < 0 {
		return cases.Check{}, CheckNotFound(checkID)
	}
	ch := c.rec.Checks[i].Clone()
	if err := fn(&ch); err != nil {
		return cases.Check{}, err
	}
	c.ownChecks()
	c.rec.Checks[i] = ch
	c.checks.add(checkID)
	return ch.Clone(), nil
}

// DeleteCheck removes the check checkID, whatever its status. A missing
// check is CheckNotFound.
func (c *Change) DeleteCheck(checkID string) error {
	i := slices.IndexFunc(c.rec.Checks, func(ch cases.Check) bool { return ch.ID == checkID })
	if i < 0 {
		return CheckNotFound(checkID)
	}
	c.ownChecks()
	c.rec.Checks = slices.Delete(c.rec.Checks, i, i+1)
	c.checks.add(checkID)
	return nil
}

// deriveFlags recomputes the case's contact_has_actions,
// reviewer_has_actions and flags with cases.ComputeFlags from the checks
// that count: checks on the case itself and checks on a company or
// individual of the case that is relevant (IsRelevant). A check whose
// entity is not relevant, or no longer in the case, does not count. The
// first_collect_completed latch is read from the stored flags, so it never
// unsets.
func deriveFlags(rec *storage.Record) {
	var relevant map[string]bool
	for _, ch := range rec.Checks {
		if !ch.OnCase() && relevant == nil {
			relevant = make(map[string]bool)
			need := make(map[string]bool)
			for _, ch := range rec.Checks {
				if !ch.OnCase() {
					need[ch.EntityID()] = true
				}
			}
			for _, e := range rec.Companies {
				if need[e.ID] {
					relevant[e.ID] = e.IsRelevant
				}
			}
			for _, e := range rec.Individuals {
				if need[e.ID] {
					relevant[e.ID] = e.IsRelevant
				}
			}
		}
	}
	statuses := make([]cases.CheckStatus, 0, len(rec.Checks))
	for _, ch := range rec.Checks {
		if ch.OnCase() || relevant[ch.EntityID()] {
			statuses = append(statuses, ch.Status)
		}
	}
	st := cases.ComputeFlags(statuses, rec.Case.Flags.Has(cases.FlagFirstCollectCompleted))
	rec.Case.ContactHasActions = st.ContactHasActions
	rec.Case.ReviewerHasActions = st.ReviewerHasActions
	rec.Case.Flags = st.Flags
}
