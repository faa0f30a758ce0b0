package relation

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dossierkit/dossier/validation"
)

// Problem codes of this package, in addition to those of package
// validation. Like those, they never change meaning.
const (
	// CodeNoMainCompany: the operation needs a main company and the case
	// has none (an affiliated company, a relation).
	CodeNoMainCompany validation.Code = "no_main_company"
	// CodeMainCompanyExists: a second main company.
	CodeMainCompanyExists validation.Code = "main_company_exists"
	// CodeNotFound: an id in the input names no entity of the right kind in
	// the case (to_company_id naming an individual, say).
	CodeNotFound validation.Code = "not_found"
	// CodeSelfRelation: a company related to itself.
	CodeSelfRelation validation.Code = "self_relation"
	// CodeDuplicateRelation: a second relation between the same two
	// entities, in the same direction.
	CodeDuplicateRelation validation.Code = "duplicate_relation"
	// CodeStakeExceeded: the direct stakes into one company would total more
	// than 100 % (of ownership, or of voting rights).
	CodeStakeExceeded validation.Code = "stake_exceeded"
)

var (
	// ErrNotFound: the company, individual or relation an operation names
	// is not in the graph. The Workspace reports it as dossier.ErrNotFound.
	ErrNotFound = errors.New("not found")

	// ErrOrphan: the operation would leave entities without a path to the
	// main company. errors.As gives an *OrphanError naming them.
	ErrOrphan = errors.New("entities would be orphaned")
)

// OrphanError is the error of an operation refused because it would orphan
// entities: once a case has a main company, every company and individual is
// connected to it through relations (in either direction). It matches
// [ErrOrphan] with errors.Is.
type OrphanError struct {
	// IDs are the entities that would be orphaned: companies first, then
	// individuals, each in graph order.
	IDs []string
}

// Error names the orphaned entities: the first 20, then how many more, so
// that the message stays small however large the case.
func (e *OrphanError) Error() string {
	ids := strings.Join(e.IDs[:min(len(e.IDs), maxNamedIDs)], ", ")
	if n := len(e.IDs) - maxNamedIDs; n > 0 {
		ids += fmt.Sprintf(" and %d more", n)
	}
	return fmt.Sprintf("%s: %s (each entity must stay connected to the main company; create the new relation before deleting the old one)",
		ErrOrphan, ids)
}

// maxNamedIDs is the most ids an OrphanError message names.
const maxNamedIDs = 20

// Is reports whether target is ErrOrphan.
func (e *OrphanError) Is(target error) bool { return target == ErrOrphan }

func notFound(kind, id string) error {
	return fmt.Errorf("relation: %s %q: %w", kind, id, ErrNotFound)
}
