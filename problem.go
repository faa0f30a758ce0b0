package dossier

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/internal/jsonobj"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/validation"
)

// ProblemDetails is the form of an error a host may send to its clients:
// an HTTP status, a stable machine code, a message, and for bad input the
// problems with their paths. Its JSON form follows the error envelope of
// the Dotfile API ({status_code, code, message}) plus the problems; a host
// adds its own timestamp or request id.
//
// The message is written by this package from the kind of error and the
// typed fields of the domain errors, never copied from err.Error(): it
// never holds another case's id or data, a file path, an adapter's name
// or the wrapping a call added. That detail stays in the error itself, for
// the host's logs.
type ProblemDetails struct {
	// Status is the HTTP status code (see Problem for the table).
	Status int `json:"status_code"`
	// Code is a stable machine code such as "invalid_input" or
	// "duplicate_external_id"; it never changes meaning once released.
	Code string `json:"code"`
	// Message is a short English explanation, safe to show.
	Message string `json:"message"`
	// Problems lists the field problems of bad input (status 400, and 409
	// for a refused change of the case's graph): path, code and message,
	// at most validation.MaxProblems of them and then one
	// validation.CodeMoreProblems entry.
	Problems []validation.Problem `json:"problems,omitempty"`
}

// The machine codes of ProblemDetails.Code besides those of package
// validation, which Problems use.
const (
	ProblemInvalidInput           = "invalid_input"
	ProblemBodyTooLarge           = "body_too_large"
	ProblemStateConflict          = "state_conflict"
	ProblemNotFound               = "not_found"
	ProblemDuplicateExternalID    = "duplicate_external_id"
	ProblemInvalidTransition      = "invalid_transition"
	ProblemInvalidCheckTransition = "invalid_check_transition"
	ProblemCheckOverrideRequired  = "check_override_required"
	ProblemOrphan                 = "orphan"
	ProblemNotAuthor              = "not_author"
	ProblemVersionConflict        = "version_conflict"
	ProblemConcurrentChange       = "concurrent_change"
	ProblemNotSupported           = "not_supported"
	ProblemUnavailable            = "unavailable"
	ProblemCanceled               = "canceled"
	ProblemTimeout                = "timeout"
	ProblemInternal               = "internal"
)

// stateConflictCodes are the validation codes that describe the case as it
// is rather than the input: a *validation.Error made only of them is a
// conflict with the current state (409), not bad input (400).
var stateConflictCodes = map[validation.Code]bool{
	relation.CodeMainCompanyExists: true, // a second main company
	relation.CodeNoMainCompany:     true, // the case has no main company yet
	relation.CodeDuplicateRelation: true, // the pair is already related
	relation.CodeStakeExceeded:     true, // with the stakes already there, over 100 %
}

// Problem returns the client-facing form of err, which dossier or a JSON
// decoder returned. This is the one table of statuses and codes (RFC 9110);
// HTTPStatus returns its Status.
//
//	condition                                     status  code
//	nil                                           200     ""
//	bad input: *validation.Error (ErrInvalid),    400     invalid_input, with the problems
//	  and malformed JSON from json.Unmarshal or
//	  a json.Decoder (syntax error, empty or
//	  truncated body, trailing data, wrong type)
//	a request body over http.MaxBytesReader's     413     body_too_large
//	  limit (*http.MaxBytesError)
//	the change conflicts with the case's graph:   409     state_conflict, with the problems
//	  a *validation.Error made only of the codes
//	  main_company_exists, no_main_company,
//	  duplicate_relation, stake_exceeded
//	no such case or entity (ErrNotFound)          404     not_found
//	external id taken (ErrDuplicateExternalID)    409     duplicate_external_id
//	status cannot move (ErrInvalidTransition)     409     invalid_transition
//	check decided, override needed                409     check_override_required
//	check cannot move (ErrInvalidCheckTransition) 409     invalid_check_transition
//	entities would be orphaned (ErrOrphan)        409     orphan
//	a note edited by another actor (ErrNotAuthor) 403     not_author
//	stale expected version (ErrStaleVersion, the  412     version_conflict
//	  version given with IfMatch)
//	concurrent writers kept changing the case     409     concurrent_change
//	  for the whole retry timeout (ErrConflict)
//	the store lacks the capability                501     not_supported
//	  (ErrNotSupported)
//	the store was busy past its lock timeout      503     unavailable
//	  (an error with Timeout() true, such as
//	  *file.LockTimeoutError)
//	the request's context was canceled            499     canceled
//	the request's context deadline passed         504     timeout
//	anything else (a storage failure, a damaged   500     internal
//	  record)
//
// 412 is RFC 9110's answer to a failed precondition: the version the client
// read (its If-Match) is no longer the stored one; the client reloads and
// decides. A change made without If-Match that kept meeting concurrent
// writers until the Workspace's retry timeout is a 409: the request is
// fine, the state kept moving, and the client may retry it as it is. 499 is not in RFC 9110: no client is left to read the
// answer, and the code tells logs that the client went away.
//
// For malformed JSON the problem is at the root path "" (code
// malformed_json), or at the member's path for a wrong JSON type (code
// invalid_type). A host decoding with a json.Decoder should also refuse
// trailing data, for example with [DecodeJSON], which does both.
func Problem(err error) ProblemDetails {
	if err == nil {
		return ProblemDetails{Status: http.StatusOK, Message: "ok"}
	}
	if verr := jsonProblem(err); verr != nil {
		err = verr
	}
	var (
		merr *http.MaxBytesError
		verr *validation.Error
		terr *cases.TransitionError
		cerr *cases.CheckTransitionError
		oerr *relation.OrphanError
	)
	switch {
	case errors.As(err, &merr):
		return ProblemDetails{Status: http.StatusRequestEntityTooLarge, Code: ProblemBodyTooLarge,
			Message: fmt.Sprintf("the request body is larger than %d bytes", merr.Limit)}
	case errors.As(err, &verr):
		p := ProblemDetails{Status: http.StatusBadRequest, Code: ProblemInvalidInput, Problems: safeProblems(verr)}
		if isStateConflict(verr) {
			p.Status, p.Code = http.StatusConflict, ProblemStateConflict
			p.Message = "the change conflicts with the current state of the case; see problems"
		} else {
			p.Message = "the input is invalid; see problems"
		}
		return p
	case errors.Is(err, ErrNotAuthor):
		return ProblemDetails{Status: http.StatusForbidden, Code: ProblemNotAuthor, Message: "only the author may edit this note or comment"}
	case errors.Is(err, ErrNotFound), errors.Is(err, relation.ErrNotFound), errors.Is(err, cases.ErrNoteNotFound):
		return ProblemDetails{Status: http.StatusNotFound, Code: ProblemNotFound, Message: "no such case or entity"}
	case errors.Is(err, ErrDuplicateExternalID):
		return ProblemDetails{Status: http.StatusConflict, Code: ProblemDuplicateExternalID, Message: "another case already has this external id"}
	case errors.As(err, &terr):
		return ProblemDetails{Status: http.StatusConflict, Code: ProblemInvalidTransition,
			Message: fmt.Sprintf("a %s case cannot be moved to %s by %s", clipText(string(terr.From)), clipText(string(terr.To)), clipText(terr.Via))}
	case errors.Is(err, ErrInvalidTransition):
		return ProblemDetails{Status: http.StatusConflict, Code: ProblemInvalidTransition, Message: "the case cannot be moved to this status"}
	case errors.As(err, &cerr):
		p := ProblemDetails{Status: http.StatusConflict, Code: ProblemInvalidCheckTransition,
			Message: fmt.Sprintf("a %s check cannot be moved to %s", clipText(string(cerr.From)), clipText(string(cerr.To)))}
		if cerr.OverrideRequired {
			p.Code = ProblemCheckOverrideRequired
			p.Message += " without an override: the check is decided"
		}
		return p
	case errors.Is(err, ErrCheckOverrideRequired):
		return ProblemDetails{Status: http.StatusConflict, Code: ProblemCheckOverrideRequired, Message: "the check is decided: an override is required"}
	case errors.Is(err, ErrInvalidCheckTransition):
		return ProblemDetails{Status: http.StatusConflict, Code: ProblemInvalidCheckTransition, Message: "the check cannot be moved to this status"}
	case errors.As(err, &oerr):
		return ProblemDetails{Status: http.StatusConflict, Code: ProblemOrphan, Message: orphanMessage(oerr.IDs)}
	case errors.Is(err, ErrOrphan):
		return ProblemDetails{Status: http.StatusConflict, Code: ProblemOrphan, Message: orphanMessage(nil)}
	case errors.Is(err, ErrStaleVersion):
		return ProblemDetails{Status: http.StatusPreconditionFailed, Code: ProblemVersionConflict,
			Message: "the case was changed by someone else; read it again and retry"}
	case errors.Is(err, ErrConflict):
		return ProblemDetails{Status: http.StatusConflict, Code: ProblemConcurrentChange,
			Message: "the case kept changing while this change was tried; retry"}
	case errors.Is(err, ErrNotSupported):
		return ProblemDetails{Status: http.StatusNotImplemented, Code: ProblemNotSupported, Message: "the store does not support this operation"}
	case errors.Is(err, context.Canceled):
		return ProblemDetails{Status: 499, Code: ProblemCanceled, Message: "the request was canceled"}
	case errors.Is(err, context.DeadlineExceeded):
		return ProblemDetails{Status: http.StatusGatewayTimeout, Code: ProblemTimeout, Message: "the request took too long"}
	case isTimeout(err):
		return ProblemDetails{Status: http.StatusServiceUnavailable, Code: ProblemUnavailable, Message: "the store is busy; retry later"}
	}
	return ProblemDetails{Status: http.StatusInternalServerError, Code: ProblemInternal, Message: "internal error"}
}

// DecodeJSON decodes the one JSON value that r holds into v (one of the
// input types, such as *CreateCaseInput), refusing trailing data, and
// returns every failure as a *validation.Error (see Problem): a malformed,
// empty, truncated or trailing body is one malformed_json problem at the
// path of the member being read where the JSON broke ("metadata.k"; the
// root "" outside every member), and the input type's own problems keep
// their paths. It reads r to
// the end; bound it with http.MaxBytesReader in a server.
func DecodeJSON(r io.Reader, v any) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		var serr *json.SyntaxError
		if errors.As(err, &serr) {
			// Say where: the member being read when the JSON broke.
			return validation.New(jsonobj.PathAt(data), validation.CodeMalformedJSON,
				fmt.Sprintf("the body is not well-formed JSON (at byte %d: %s)", serr.Offset, serr.Error()))
		}
		if verr := jsonProblem(err); verr != nil {
			return verr
		}
		return err
	}
	return nil
}

// decodeChecked decodes the JSON object data into the targets of fields
// (see patch.DecodeObject), then runs rules, which fills in what the
// targets leave to it and records the problems of the decoded values that
// need no workspace. When decoding found problems, those of rules are
// reported with them, except at members whose decoding already failed, so
// that one answer lists every problem of the payload; otherwise rules'
// problems are left to the operation, which reports them with the rest.
func decodeChecked(data []byte, fields map[string]any, rules func(*validation.List)) error {
	var l validation.List
	if !patch.DecodeObjectInto(&l, data, fields) {
		return l.Err()
	}
	var rl validation.List
	rules(&rl)
	derr, _ := l.Err().(*validation.Error)
	if derr == nil {
		return nil
	}
	if rerr, _ := rl.Err().(*validation.Error); rerr != nil {
		for _, p := range rerr.Problems {
			if !hasMember(derr, p.Path) {
				l.Add(p.Path, p.Code, p.Message)
			}
		}
	}
	return l.Err()
}

// hasMember reports whether verr has a problem at the top-level member of
// path ("metadata" for "metadata.k").
func hasMember(verr *validation.Error, path string) bool {
	member := func(p string) string {
		if i := strings.IndexAny(p, ".["); i >= 0 {
			return p[:i]
		}
		return p
	}
	m := member(path)
	for _, p := range verr.Problems {
		if member(p.Path) == m {
			return true
		}
	}
	return false
}

// jsonProblem returns the *validation.Error that a decoding error of
// encoding/json stands for, or nil when err is not one. io.EOF and
// io.ErrUnexpectedEOF count only when they are err itself, as a
// json.Decoder returns them for an empty or truncated body.
func jsonProblem(err error) *validation.Error {
	var (
		serr *json.SyntaxError
		terr *json.UnmarshalTypeError
	)
	switch {
	case err == io.EOF:
		return validation.New("", validation.CodeMalformedJSON, "the body is empty: expected a JSON object")
	case err == io.ErrUnexpectedEOF:
		return validation.New("", validation.CodeMalformedJSON, "the body is truncated: the JSON value is not complete")
	case errors.As(err, &serr):
		return validation.New("", validation.CodeMalformedJSON, fmt.Sprintf("the body is not well-formed JSON (at byte %d: %s)", serr.Offset, serr.Error()))
	case errors.As(err, &terr):
		path := terr.Field
		return validation.New(path, validation.CodeInvalidType, fmt.Sprintf("expected %s, got JSON %s", kindOfType(terr.Type), terr.Value))
	}
	return nil
}

// kindOfType names the JSON value a Go type decodes from.
func kindOfType(t reflect.Type) string {
	if t == nil {
		return "another JSON type"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return kindOfType(t.Elem())
	}
	return "another JSON type"
}

// safeProblems copies the problems of verr through a validation.List, so
// that even an Error built by hand is capped and clipped.
func safeProblems(verr *validation.Error) []validation.Problem {
	var l validation.List
	l.Merge("", verr)
	if out, ok := l.Err().(*validation.Error); ok {
		return out.Problems
	}
	return nil
}

func isStateConflict(verr *validation.Error) bool {
	if len(verr.Problems) == 0 {
		return false
	}
	for _, p := range verr.Problems {
		if !stateConflictCodes[p.Code] {
			return false
		}
	}
	return true
}

// isTimeout reports whether err says, through a Timeout() bool method, that
// a wait timed out (a store lock held too long).
func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// orphanMessage names at most 20 of the entities (of the client's own case)
// that would be orphaned.
func orphanMessage(ids []string) string {
	const msg = "the change would leave entities unconnected to the main company; create the new relation before deleting the old one"
	if len(ids) == 0 {
		return msg
	}
	shown := make([]string, min(len(ids), 20))
	for i := range shown {
		shown[i] = clipText(ids[i])
	}
	s := msg + ": " + strings.Join(shown, ", ")
	if len(ids) > len(shown) {
		s += fmt.Sprintf(" and %d more", len(ids)-len(shown))
	}
	return s
}

// clipText cuts a value echoed in a message to 100 bytes.
func clipText(s string) string {
	if len(s) <= 100 {
		return s
	}
	cut := 97
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "..."
}
