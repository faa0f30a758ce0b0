// Package validation defines the error every dossier package returns for bad
// input: one [Error] that lists every field problem of a payload at once.
//
// Each [Problem] carries a JSON-style path ("name",
// "custom_properties.yearly_turnover", "relations[0].ownership_percentage"), a
// stable machine [Code] and a human message. A host application maps the whole
// error to HTTP 400 with errors.Is(err, validation.ErrInvalid), and renders the
// problems with errors.As:
//
//	var verr *validation.Error
//	if errors.As(err, &verr) {
//		for _, p := range verr.Problems {
//			fmt.Println(p.Path, p.Code, p.Message)
//		}
//	}
//
// Codes are part of the API: they never change meaning once released.
package validation

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrInvalid is matched by every *Error through errors.Is.
var ErrInvalid = errors.New("invalid input")

// Code is a stable, machine-readable reason for a problem.
type Code string

// The codes used across dossier. A package may add codes of its own; all are
// lower snake_case.
const (
	CodeRequired        Code = "required"         // a required value is missing or empty
	CodeTooLong         Code = "too_long"         // a string or list exceeds its maximum length
	CodeTooShort        Code = "too_short"        // a string or list is below its minimum length
	CodeTooMany         Code = "too_many"         // a collection has more elements than allowed
	CodeInvalidType     Code = "invalid_type"     // the JSON type is wrong (a number where a string is expected, ...)
	CodeInvalidFormat   Code = "invalid_format"   // the value does not parse (dates, e-mails, URLs, ...)
	CodeInvalidValue    Code = "invalid_value"    // the value is not one of the allowed ones
	CodeInvalidCountry  Code = "invalid_country"  // not an existing ISO 3166-1 alpha-2 code
	CodeInvalidCurrency Code = "invalid_currency" // not an existing ISO 4217 code
	CodeInvalidPhone    Code = "invalid_phone"    // not a valid E.164 phone number
	CodeOutOfRange      Code = "out_of_range"     // a number outside its bounds
	CodeTooPrecise      Code = "too_precise"      // a number with more decimals than allowed
	CodeUnknownField    Code = "unknown_field"    // a key that is not defined
	CodeArchived        Code = "archived"         // a key that is defined but archived
	CodeDuplicate       Code = "duplicate"        // a value that must be unique is repeated
	CodeConflict        Code = "conflict"         // two fields contradict each other
	CodeNotAllowed      Code = "not_allowed"      // the field may not be set in this context
)

// Problem is one thing wrong with one field.
type Problem struct {
	Path    string `json:"path"`
	Code    Code   `json:"code"`
	Message string `json:"message"`
}

// String returns "path: message (code)".
func (p Problem) String() string {
	if p.Path == "" {
		return fmt.Sprintf("%s (%s)", p.Message, p.Code)
	}
	return fmt.Sprintf("%s: %s (%s)", p.Path, p.Message, p.Code)
}

// Error lists every problem found in one input. It is never empty when
// returned by a dossier function.
type Error struct {
	Problems []Problem `json:"problems"`
}

// Error joins the problems into one line.
func (e *Error) Error() string {
	if len(e.Problems) == 0 {
		return ErrInvalid.Error()
	}
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return ErrInvalid.Error() + ": " + strings.Join(parts, "; ")
}

// Is reports whether target is [ErrInvalid].
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// Has reports whether some problem has the given path and code. An empty
// code matches any code.
func (e *Error) Has(path string, code Code) bool {
	for _, p := range e.Problems {
		if p.Path == path && (code == "" || p.Code == code) {
			return true
		}
	}
	return false
}

// List collects problems; its zero value is ready to use.
//
//	var l validation.List
//	l.Add("name", validation.CodeRequired, "name is required")
//	return l.Err()
type List struct {
	problems []Problem
}

// Add records a problem.
func (l *List) Add(path string, code Code, msg string) {
	l.problems = append(l.problems, Problem{Path: path, Code: code, Message: msg})
}

// Addf records a problem with a formatted message.
func (l *List) Addf(path string, code Code, format string, args ...any) {
	l.Add(path, code, fmt.Sprintf(format, args...))
}

// Merge adds the problems of err under prefix (see [Join]). A nil err adds
// nothing; an error that is not an *Error is recorded under prefix with
// [CodeInvalidValue] and its message.
func (l *List) Merge(prefix string, err error) {
	if err == nil {
		return
	}
	var verr *Error
	if !errors.As(err, &verr) {
		l.Add(prefix, CodeInvalidValue, err.Error())
		return
	}
	for _, p := range verr.Problems {
		p.Path = Join(prefix, p.Path)
		l.problems = append(l.problems, p)
	}
}

// Len returns the number of problems recorded so far.
func (l *List) Len() int { return len(l.problems) }

// Err returns nil when no problem was recorded, else an *Error holding a copy
// of the problems.
func (l *List) Err() error {
	if len(l.problems) == 0 {
		return nil
	}
	return &Error{Problems: append([]Problem(nil), l.problems...)}
}

// New returns an *Error holding a single problem.
func New(path string, code Code, msg string) *Error {
	return &Error{Problems: []Problem{{Path: path, Code: code, Message: msg}}}
}

// Join builds a path from a prefix and a field: Join("custom_properties",
// "x") is "custom_properties.x"; a field starting with "[" is appended as an
// index, and an empty side returns the other.
func Join(prefix, field string) string {
	switch {
	case prefix == "":
		return field
	case field == "":
		return prefix
	case strings.HasPrefix(field, "["):
		return prefix + field
	default:
		return prefix + "." + field
	}
}

// Index returns prefix[i], as in "relations[0]".
func Index(prefix string, i int) string {
	return prefix + "[" + strconv.Itoa(i) + "]"
}
