package dossier

import (
	"maps"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/validation"
)

// Settings are the workspace settings that shape the domain rules. The zero
// value is valid: comments optional, no periodic reviews.
type Settings struct {
	// ReviewCommentRequired makes a non-blank comment mandatory on every case
	// review.
	ReviewCommentRequired bool
	// ManualRiskCommentRequired makes a non-blank comment mandatory when a
	// manual risk is set.
	ManualRiskCommentRequired bool
	// ReviewPeriods is the time between periodic reviews for each risk level
	// (use risk.LevelNotDefined for cases without a risk). When a case is
	// approved without an explicit next_review_at, the next review is the
	// review date plus the period of the case's current risk level; a level
	// without a period schedules none.
	ReviewPeriods map[risk.Level]cases.Period
	// CustomProperties are the workspace's custom property definitions, for
	// cases, companies and individuals. New validates them (unique keys per
	// target, options for choices, a real ISO 4217 code for currencies, min
	// <= max, ...); every write of custom_properties is then validated
	// against them.
	CustomProperties []customprop.Definition
	// Ownership configures total interests and beneficial owners.
	Ownership OwnershipSettings
}

// compile validates s and returns a private copy and the compiled custom
// property definitions.
func (s Settings) compile() (Settings, *customprop.Set, error) {
	var l validation.List
	props, err := customprop.NewSet(s.CustomProperties)
	l.Merge("", err)
	l.Merge("ownership.policy", s.Ownership.Policy.Validate())
	if !s.Ownership.AbsentVoting.valid() {
		l.Add("ownership.absent_voting", validation.CodeInvalidValue, "must be follow_ownership or unknown")
	}
	for level, p := range s.ReviewPeriods {
		path := validation.Join("review_periods", string(level))
		if !level.Valid() {
			l.Addf(path, validation.CodeInvalidValue, "unknown risk level %q", level)
		}
		if p.Years < 0 || p.Months < 0 || p.Days < 0 {
			l.Add(path, validation.CodeOutOfRange, "a review period must not be negative")
		}
	}
	if err := l.Err(); err != nil {
		return Settings{}, nil, err
	}
	return s.clone(), props, nil
}

func (s Settings) clone() Settings {
	c := s
	c.ReviewPeriods = maps.Clone(s.ReviewPeriods)
	c.CustomProperties = nil
	for _, d := range s.CustomProperties {
		c.CustomProperties = append(c.CustomProperties, d.Clone())
	}
	return c
}
