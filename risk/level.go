package risk

import (
	"strings"

	"github.com/dossierkit/dossier/validation"
)

// Level is the risk level of an assessment. The valid levels are the
// Level constants; they are ordered by [Level.Compare]:
//
//	not_defined < low < medium < high < critical < prohibited
//
// [LevelNotDefined] means "no level was determined", not "lower than low"; it
// sorts first so that any defined level is greater than it. Use
// [Level.Defined] to tell it apart.
//
// Level encodes as its wire name (through encoding.TextMarshaler, so it also
// works as a JSON map key). Encoding or decoding a name that is not one of the
// constants fails: an unknown level is never written or accepted silently.
type Level string

// The risk levels, lowest to highest after LevelNotDefined. The wire names
// are those of the hosted API; "critical" is not in the product spec's list
// but is a level of the real API and sits between high and prohibited.
const (
	LevelNotDefined Level = "not_defined"
	LevelLow        Level = "low"
	LevelMedium     Level = "medium"
	LevelHigh       Level = "high"
	LevelCritical   Level = "critical"
	LevelProhibited Level = "prohibited"
)

// levels lists the valid levels in ascending order; rank is index.
var levels = [...]Level{LevelNotDefined, LevelLow, LevelMedium, LevelHigh, LevelCritical, LevelProhibited}

// levelNames is the list used in error messages.
var levelNames = func() string {
	names := make([]string, len(levels))
	for i, l := range levels {
		names[i] = string(l)
	}
	return strings.Join(names, ", ")
}()

// Levels returns every valid level in ascending order, LevelNotDefined first.
// The slice is a fresh copy.
func Levels() []Level {
	out := make([]Level, len(levels))
	copy(out, levels[:])
	return out
}

// ParseLevel returns the level named s. The match is exact (lower case, no
// surrounding spaces); anything else is a *validation.Error with code
// [validation.CodeInvalidValue] and an empty path.
func ParseLevel(s string) (Level, error) {
	l := Level(s)
	if !l.Valid() {
		return "", validation.New("", validation.CodeInvalidValue, levelMessage(s))
	}
	return l, nil
}

func levelMessage(s string) string {
	if s == "" {
		return "level must be one of " + levelNames
	}
	return "unknown level " + quote(s) + ": must be one of " + levelNames
}

// rank returns the position of l in the ascending order, or -1 when l is not
// a valid level.
func (l Level) rank() int {
	switch l {
	case LevelNotDefined:
		return 0
	case LevelLow:
		return 1
	case LevelMedium:
		return 2
	case LevelHigh:
		return 3
	case LevelCritical:
		return 4
	case LevelProhibited:
		return 5
	}
	return -1
}

// Valid reports whether l is one of the Level constants.
func (l Level) Valid() bool { return l.rank() >= 0 }

// Defined reports whether l is a valid level other than LevelNotDefined.
func (l Level) Defined() bool { return l.rank() > 0 }

// Compare returns -1, 0 or +1 as l is lower than, equal to or higher than o,
// in the order of [Levels]. An invalid level sorts before every valid one
// (and invalid levels compare equal), so Compare never panics. The method
// expression Level.Compare fits slices.SortFunc.
func (l Level) Compare(o Level) int {
	a, b := l.rank(), o.rank()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// String returns the wire name of l.
func (l Level) String() string { return string(l) }

// MarshalText returns the wire name of l, or a *validation.Error when l is not
// a valid level.
func (l Level) MarshalText() ([]byte, error) {
	if !l.Valid() {
		return nil, validation.New("", validation.CodeInvalidValue, levelMessage(string(l)))
	}
	return []byte(l), nil
}

// UnmarshalText sets l to the level named text, or returns a
// *validation.Error (and leaves l unchanged) when text names no level.
func (l *Level) UnmarshalText(text []byte) error {
	v, err := ParseLevel(string(text))
	if err != nil {
		return err
	}
	*l = v
	return nil
}
