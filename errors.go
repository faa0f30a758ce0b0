package dossier

import (
	"context"
	"errors"
	"net/http"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/validation"
)

// The errors of dossier, re-exported from the packages that define them so
// a host application can match everything against one package. Errors are
// wrapped with context; always test them with errors.Is (and errors.As for
// *validation.Error and the detailed error types of the domain packages).
var (
	// ErrInvalid is matched by every *validation.Error: bad input, with the
	// list of problems (HTTP 400).
	ErrInvalid = validation.ErrInvalid
	// ErrNotFound: no such case or entity (HTTP 404).
	ErrNotFound = storage.ErrNotFound
	// ErrConflict: the case kept changing under a concurrent writer and the
	// change was given up after the configured attempts (HTTP 409).
	ErrConflict = storage.ErrConflict
	// ErrDuplicateExternalID: another case has this external id (HTTP 409).
	ErrDuplicateExternalID = storage.ErrDuplicateExternalID
	// ErrInvalidTransition: the case's status cannot move to the requested
	// one (HTTP 409); errors.As gives a *cases.TransitionError.
	ErrInvalidTransition = cases.ErrInvalidTransition
	// ErrOrphan: the change would leave entities unconnected to the main
	// company (HTTP 409); errors.As gives a *relation.OrphanError naming
	// them.
	ErrOrphan = relation.ErrOrphan
)

// HTTPStatus maps an error returned by dossier to the HTTP status a host API
// would answer with: 200 for nil, 400 for invalid input, 404 for a missing
// case or entity, 409 for conflicts of state (duplicate external id, refused
// transition, orphaned entity, version conflict), 499 for a canceled
// request context, 504 for a deadline exceeded, and 500 for anything else
// (a storage failure).
func HTTPStatus(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case isConflict(err):
		return http.StatusConflict
	case errors.Is(err, context.Canceled):
		return 499
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout
	}
	return http.StatusInternalServerError
}

// conflicts are the errors HTTPStatus maps to 409.
var conflicts = []error{ErrConflict, ErrDuplicateExternalID, ErrInvalidTransition, ErrInvalidCheckTransition, ErrCheckOverrideRequired, ErrOrphan}

func isConflict(err error) bool {
	for _, c := range conflicts {
		if errors.Is(err, c) {
			return true
		}
	}
	return false
}
