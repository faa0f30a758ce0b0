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
//
// # Bounded size
//
// However large or hostile the input, the error stays small: a [List] keeps
// at most [MaxProblems] problems and then one last problem with code
// [CodeMoreProblems] ("and N more problems"); a path is cut to [MaxPathLen]
// bytes and a message to [MaxMessageLen] bytes (at a character boundary,
// ending in "..."). So Error() of any *Error is under 16 KiB: 4.8 MB of
// invalid custom properties gives 21 problems, not 65 MB of text.
package validation

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits on the size of an *Error, whatever the input.
const (
	// MaxProblems is the most problems a List keeps; the problems after
	// it are counted in one last problem with code CodeMoreProblems.
	MaxProblems = 20
	// MaxPathLen is the longest path kept, in bytes.
	MaxPathLen = 256
	// MaxMessageLen is the longest message kept, in bytes.
	MaxMessageLen = 512
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
	CodeMalformedJSON   Code = "malformed_json"   // the body is not well-formed JSON (syntax, truncation, trailing data, invalid UTF-8)
	CodeMoreProblems    Code = "more_problems"    // the last problem of a capped list: how many more were left out
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
// returned by a dossier function. When more than [MaxProblems] were found,
// Problems holds the first MaxProblems and then one problem with code
// [CodeMoreProblems] whose message says how many were left out.
type Error struct {
	Problems []Problem `json:"problems"`
}

// Error joins the problems into one line. It prints at most MaxProblems
// problems, each cut to the length limits, even for an Error built by hand.
func (e *Error) Error() string {
	if len(e.Problems) == 0 {
		return ErrInvalid.Error()
	}
	var b strings.Builder
	b.WriteString(ErrInvalid.Error())
	b.WriteString(": ")
	shown, left := 0, 0
	for _, p := range e.Problems {
		if p.Code == CodeMoreProblems {
			left += moreCount(p)
			continue
		}
		if shown == MaxProblems {
			left++
			continue
		}
		if shown > 0 {
			b.WriteString("; ")
		}
		p.Path, p.Message = clip(p.Path, MaxPathLen), clip(p.Message, MaxMessageLen)
		b.WriteString(p.String())
		shown++
	}
	if left > 0 {
		if shown > 0 {
			b.WriteString("; ")
		}
		b.WriteString(moreProblem(left).String())
	}
	return b.String()
}

// moreProblem is the last problem of a capped list.
func moreProblem(n int) Problem {
	return Problem{Code: CodeMoreProblems, Message: "and " + strconv.Itoa(n) + " more problems"}
}

// moreCount reads n back from the message of moreProblem(n).
func moreCount(p Problem) int {
	var n int
	if _, err := fmt.Sscanf(p.Message, "and %d more problems", &n); err != nil || n < 1 {
		return 1
	}
	return n
}

// clip cuts s to at most max bytes at a character boundary, ending in
// "..." when cut.
func clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max - len("...")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
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

// List collects problems; its zero value is ready to use. It keeps the
// first [MaxProblems] and counts the others (see the package doc).
//
//	var l validation.List
//	l.Add("name", validation.CodeRequired, "name is required")
//	return l.Err()
type List struct {
	problems []Problem
	more     int // problems found after the first MaxProblems
}

// Add records a problem, cutting path and message to the length limits.
func (l *List) Add(path string, code Code, msg string) {
	if code == CodeMoreProblems {
		l.more += moreCount(Problem{Message: msg})
		return
	}
	if len(l.problems) >= MaxProblems {
		l.more++
		return
	}
	l.problems = append(l.problems, Problem{Path: clip(path, MaxPathLen), Code: code, Message: clip(msg, MaxMessageLen)})
}

// Addf records a problem with a formatted message. Once the list is full
// the message is not even formatted.
func (l *List) Addf(path string, code Code, format string, args ...any) {
	if len(l.problems) >= MaxProblems {
		l.more++
		return
	}
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
		if p.Code == CodeMoreProblems {
			l.more += moreCount(p)
			continue
		}
		l.Add(Join(prefix, p.Path), p.Code, p.Message)
	}
}

// Len returns the number of problems recorded so far, counting those left
// out beyond MaxProblems.
func (l *List) Len() int { return len(l.problems) + l.more }

// Err returns nil when no problem was recorded, else an *Error holding a copy
// of the problems (and, when some were left out, the CodeMoreProblems
// problem last).
func (l *List) Err() error {
	if len(l.problems) == 0 && l.more == 0 {
		return nil
	}
	out := make([]Problem, len(l.problems), len(l.problems)+1)
	copy(out, l.problems)
	if l.more > 0 {
		out = append(out, moreProblem(l.more))
	}
	return &Error{Problems: out}
}

// New returns an *Error holding a single problem, cut to the length limits.
func New(path string, code Code, msg string) *Error {
	return &Error{Problems: []Problem{{Path: clip(path, MaxPathLen), Code: code, Message: clip(msg, MaxMessageLen)}}}
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
