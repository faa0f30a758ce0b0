package dossier

import (
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/validation"
)

// The errors of dossier, re-exported from the packages that define them so
// a host application can match everything against one package. Errors are
// wrapped with context; always test them with errors.Is (and errors.As for
// *validation.Error and the detailed error types of the domain packages).
//
// err.Error() is for logs: it may name ids, file paths and the layers an
// error went through. What a host sends its clients is [Problem](err), whose
// documentation holds the one table of HTTP statuses and codes.
var (
	// ErrInvalid is matched by every *validation.Error: bad input, with the
	// list of problems.
	ErrInvalid = validation.ErrInvalid
	// ErrNotFound: no such case or entity.
	ErrNotFound = storage.ErrNotFound
	// ErrConflict: the expected version was stale, or the case kept
	// changing under concurrent writers until the change was given up.
	ErrConflict = storage.ErrConflict
	// ErrDuplicateExternalID: another case has this external id.
	ErrDuplicateExternalID = storage.ErrDuplicateExternalID
	// ErrInvalidTransition: the case's status cannot move to the requested
	// one; errors.As gives a *cases.TransitionError.
	ErrInvalidTransition = cases.ErrInvalidTransition
	// ErrOrphan: the change would leave entities unconnected to the main
	// company; errors.As gives a *relation.OrphanError naming them.
	ErrOrphan = relation.ErrOrphan
	// ErrNotAuthor: a note or comment was edited by an actor other than
	// its author.
	ErrNotAuthor = cases.ErrNotAuthor
)

// HTTPStatus returns the HTTP status a host API answers err with:
// Problem(err).Status. The table is in the documentation of [Problem].
func HTTPStatus(err error) int {
	return Problem(err).Status
}
