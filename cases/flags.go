package cases

import (
	"bytes"
	"encoding/json"
	"fmt"
	"iter"
	"strings"

	"github.com/dossierkit/dossier/validation"
)

// Flag is one of the five case flags. Its zero value is not a flag.
//
// The constants are ordered as on the wire (see [Flags]); a Flag marshals to
// its wire name ("for_review") and unmarshals only from one of the five names.
type Flag uint8

// The case flags, in wire order.
const (
	// FlagAllChecksApproved: the case has checks, all approved, so nobody
	// has anything left to do.
	FlagAllChecksApproved Flag = 1 << iota
	// FlagForReview: the reviewer has work and the contact has none.
	FlagForReview
	// FlagForFirstCollect: the contact has work and the first collection
	// is not completed yet.
	FlagForFirstCollect
	// FlagForRecollection: after the first collection, some checks are
	// rejected or expired and the reviewer has nothing left to review.
	FlagForRecollection
	// FlagFirstCollectCompleted: the first collection is done. Once set it
	// is never cleared.
	FlagFirstCollectCompleted

	flagEnd // one past the last flag
)

// allFlagBits has the bit of every defined flag set.
const allFlagBits = uint8(flagEnd - 1)

var flagNames = [...]string{
	"all_checks_approved",
	"for_review",
	"for_first_collect",
	"for_recollection",
	"first_collect_completed",
}

// AllFlags returns the five flags in wire order. The slice is new on every
// call.
func AllFlags() []Flag {
	return []Flag{FlagAllChecksApproved, FlagForReview, FlagForFirstCollect, FlagForRecollection, FlagFirstCollectCompleted}
}

// Valid reports whether f is one of the five flags.
func (f Flag) Valid() bool {
	return f != 0 && f&(f-1) == 0 && uint8(f)&^allFlagBits == 0
}

// index returns the wire position of a valid flag.
func (f Flag) index() int {
	i := 0
	for b := uint8(f); b > 1; b >>= 1 {
		i++
	}
	return i
}

// String returns the wire name of f, or "Flag(n)" for a value that is not a
// flag.
func (f Flag) String() string {
	if !f.Valid() {
		return fmt.Sprintf("Flag(%d)", uint8(f))
	}
	return flagNames[f.index()]
}

// ParseFlag returns the flag with the given wire name. Names are matched
// exactly (lower case); anything else is a *validation.Error with code
// invalid_value.
func ParseFlag(name string) (Flag, error) {
	for i, n := range flagNames {
		if n == name {
			return Flag(1 << i), nil
		}
	}
	return 0, validation.New("", validation.CodeInvalidValue, unknownFlagMessage(name))
}

func unknownFlagMessage(name string) string {
	return fmt.Sprintf("unknown flag %q, expected one of %s", name, strings.Join(flagNames[:], ", "))
}

// MarshalText returns the wire name of f; a value that is not a flag is an
// error.
func (f Flag) MarshalText() ([]byte, error) {
	if !f.Valid() {
		return nil, fmt.Errorf("cases: cannot marshal invalid %v", f)
	}
	return []byte(flagNames[f.index()]), nil
}

// UnmarshalText sets f from a wire name (see [ParseFlag]).
func (f *Flag) UnmarshalText(text []byte) error {
	g, err := ParseFlag(string(text))
	if err != nil {
		return err
	}
	*f = g
	return nil
}

// Flags is a set of [Flag] values. It is a small value type: copying it
// copies the set (no Clone needed), == compares two sets, and the zero value
// is the empty set.
//
// On the wire Flags is a JSON array of flag names in this fixed order, which
// is the order of the flag constants:
//
//	all_checks_approved, for_review, for_first_collect, for_recollection,
//	first_collect_completed
//
// The empty set marshals as []. Unmarshalling accepts the names in any order
// and null as the empty set, and rejects unknown or repeated names and
// anything that is not an array of strings with a *validation.Error.
type Flags struct {
	bits uint8
}

// NewFlags returns the set holding fs. It panics on a value that is not a
// flag, as an out-of-range index would: such a value can only be made by a
// conversion in the caller's code.
func NewFlags(fs ...Flag) Flags {
	return Flags{}.With(fs...)
}

// Has reports whether f is in s.
func (s Flags) Has(f Flag) bool {
	return f.Valid() && s.bits&uint8(f) != 0
}

// HasAll reports whether s holds every flag of want (true for the empty
// want).
func (s Flags) HasAll(want Flags) bool { return s.bits&want.bits == want.bits }

// With returns s plus fs. It panics on a value that is not a flag (see
// [NewFlags]).
func (s Flags) With(fs ...Flag) Flags {
	for _, f := range fs {
		mustValid(f)
		s.bits |= uint8(f)
	}
	return s
}

// Without returns s minus fs. It panics on a value that is not a flag (see
// [NewFlags]).
func (s Flags) Without(fs ...Flag) Flags {
	for _, f := range fs {
		mustValid(f)
		s.bits &^= uint8(f)
	}
	return s
}

func mustValid(f Flag) {
	if !f.Valid() {
		panic(fmt.Sprintf("cases: %v is not a flag", f))
	}
}

// Len returns the number of flags in s.
func (s Flags) Len() int {
	n := 0
	for b := s.bits; b != 0; b &= b - 1 {
		n++
	}
	return n
}

// IsEmpty reports whether s holds no flag.
func (s Flags) IsEmpty() bool { return s.bits == 0 }

// All iterates over the flags of s in wire order.
func (s Flags) All() iter.Seq[Flag] {
	return func(yield func(Flag) bool) {
		for f := FlagAllChecksApproved; f < flagEnd; f <<= 1 {
			if s.bits&uint8(f) != 0 && !yield(f) {
				return
			}
		}
	}
}

// List returns the flags of s in wire order; the slice is new on every call
// and empty (not nil) for the empty set.
func (s Flags) List() []Flag {
	out := make([]Flag, 0, s.Len())
	for f := range s.All() {
		out = append(out, f)
	}
	return out
}

// Names returns the wire names of the flags of s in wire order, empty (not
// nil) for the empty set.
func (s Flags) Names() []string {
	out := make([]string, 0, s.Len())
	for f := range s.All() {
		out = append(out, f.String())
	}
	return out
}

// String returns the wire names in wire order, as in
// "[for_recollection first_collect_completed]".
func (s Flags) String() string {
	return "[" + strings.Join(s.Names(), " ") + "]"
}

// MarshalJSON returns the flags as a JSON array of names in wire order.
func (s Flags) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 16+24*s.Len())
	b = append(b, '[')
	for f := range s.All() {
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, f.String()...) // names need no escaping
		b = append(b, '"')
	}
	return append(b, ']'), nil
}

// UnmarshalJSON sets s from a JSON array of flag names (any order) or null
// (the empty set). Every unknown or repeated name is reported, with its
// index as path ("[2]"), in one *validation.Error; s is unchanged on error.
func (s *Flags) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		*s = Flags{}
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return validation.New("", validation.CodeInvalidType, "flags must be an array of flag names")
	}
	var (
		l   validation.List
		out Flags
	)
	for i, r := range raw {
		path := validation.Index("", i)
		var name string
		if string(r) == "null" || json.Unmarshal(r, &name) != nil {
			l.Add(path, validation.CodeInvalidType, "a flag must be a string")
			continue
		}
		f, err := ParseFlag(name)
		if err != nil {
			l.Add(path, validation.CodeInvalidValue, unknownFlagMessage(name))
			continue
		}
		if out.Has(f) {
			l.Addf(path, validation.CodeDuplicate, "flag %q is repeated", name)
			continue
		}
		out = out.With(f)
	}
	if err := l.Err(); err != nil {
		return err
	}
	*s = out
	return nil
}

// FlagState is what a case shows about its checks: whether the contact or
// the reviewer has something to do, and the flags. It is a comparable value.
type FlagState struct {
	ContactHasActions  bool
	ReviewerHasActions bool
	Flags              Flags
}

// ComputeFlags derives a case's actions and flags from the statuses of its
// checks and from whether its first collection was already completed (the
// latch: pass the case's current Flags.Has(FlagFirstCollectCompleted)).
//
// Which checks count is the caller's decision: dossier passes the checks on
// the case itself and on its relevant entities (is_relevant), and leaves out
// the checks of entities that are not relevant. The order of statuses does
// not matter. ComputeFlags is pure and total; it never fails.
//
// Each status contributes:
//
//	status       contact has actions  reviewer has actions  settled (for the latch)
//	in_progress  yes                  -                     no
//	processing   -                    -                     yes
//	need_review  -                    yes                   yes
//	approved     -                    -                     yes
//	rejected     yes                  -                     yes
//	expired      yes                  -                     yes
//
// and the result follows these rules, in this order (first_collect_completed
// below is the value after the latch is updated):
//
//	contact_has_actions      some check is in_progress, rejected or expired
//	reviewer_has_actions     some check is need_review
//	first_collect_completed  already completed, or at least one check and
//	                         none in_progress (once set, never cleared)
//	for_first_collect        contact_has_actions and not first_collect_completed
//	for_review               reviewer_has_actions and not contact_has_actions
//	for_recollection         first_collect_completed, some check rejected or
//	                         expired, and not reviewer_has_actions
//	all_checks_approved      at least one check, and every check approved
//
// So, for every input: at most one of all_checks_approved, for_review,
// for_first_collect and for_recollection is set; all_checks_approved implies
// that nobody has actions and that first_collect_completed is set;
// for_first_collect implies some check is in_progress; for_recollection
// implies the contact has actions; and a completed first collection stays
// completed. With no checks at all, nobody has actions and the only possible
// flag is a latched first_collect_completed.
//
// A status that is not one of the six (only a conversion in the caller's
// code can make one; decoding and this package never do) is counted as
// in_progress: it blocks the latch and all_checks_approved and shows up as a
// contact action, so it is seen rather than silently ignored.
func ComputeFlags(statuses []CheckStatus, firstCollectCompleted bool) FlagState {
	var inProgress, needReview, rejectedOrExpired, approved int
	for _, s := range statuses {
		switch s {
		case CheckStatusProcessing:
		case CheckStatusNeedReview:
			needReview++
		case CheckStatusApproved:
			approved++
		case CheckStatusRejected, CheckStatusExpired:
			rejectedOrExpired++
		default: // in_progress, and anything unknown (see above)
			inProgress++
		}
	}
	n := len(statuses)
	st := FlagState{
		ContactHasActions:  inProgress > 0 || rejectedOrExpired > 0,
		ReviewerHasActions: needReview > 0,
	}
	latched := firstCollectCompleted || (n > 0 && inProgress == 0)
	var fs Flags
	if n > 0 && approved == n {
		fs = fs.With(FlagAllChecksApproved)
	}
	if st.ReviewerHasActions && !st.ContactHasActions {
		fs = fs.With(FlagForReview)
	}
	if st.ContactHasActions && !latched {
		fs = fs.With(FlagForFirstCollect)
	}
	if latched && rejectedOrExpired > 0 && !st.ReviewerHasActions {
		fs = fs.With(FlagForRecollection)
	}
	if latched {
		fs = fs.With(FlagFirstCollectCompleted)
	}
	st.Flags = fs
	return st
}
