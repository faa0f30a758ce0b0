// Package risk is a placeholder until the risk package lands.
package risk

import "time"

// Level is a risk level.
type Level string

// The risk levels.
const (
	LevelNotDefined Level = "not_defined"
	LevelLow        Level = "low"
	LevelMedium     Level = "medium"
	LevelHigh       Level = "high"
	LevelCritical   Level = "critical"
	LevelProhibited Level = "prohibited"
)

// Valid reports whether l is a known level.
func (l Level) Valid() bool {
	switch l {
	case LevelNotDefined, LevelLow, LevelMedium, LevelHigh, LevelCritical, LevelProhibited:
		return true
	}
	return false
}

// Risk is a stored risk assessment.
type Risk struct {
	ID        string    `json:"id"`
	Level     Level     `json:"level"`
	CreatedAt time.Time `json:"created_at"`
}

// Clone returns a deep copy.
func (r Risk) Clone() Risk { return r }

// History is every stored risk of a case.
type History struct{}

// Clone returns a deep copy.
func (h History) Clone() History { return h }

// Current returns the current risk, or nil.
func (h History) Current() *Risk { return nil }
