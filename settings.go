package dossier

import (
	"maps"
	"slices"
	"time"

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
	// Tags is the workspace's tag catalogue: the tags cases may carry
	// (see cases.TagCatalog for creating, renaming and deleting them).
	// The catalogue lives here, in the settings the host keeps, not in
	// the store: a host that changes it saves the new settings and makes
	// a new Workspace with them (New is cheap), and every instance that
	// serves the workspace must be given the same settings. Cases keep
	// the ids of their tags, so a renamed tag shows its new label on every
	// case and a deleted tag disappears from every case's tags.
	Tags cases.TagCatalog
	// MaxTags is the size limit of Tags; 0 means cases.DefaultMaxTags
	// (200).
	MaxTags int
	// MaxNotesPerCase and MaxCommentsPerNote limit the notes of a case
	// and the comments of a note; 0 means cases.DefaultMaxNotesPerCase
	// (25) and cases.DefaultMaxCommentsPerNote (50).
	MaxNotesPerCase    int
	MaxCommentsPerNote int
	// DeleteUndoPeriod is how long a case deleted without the permanent
	// choice can be restored (see Workspace.Delete and RestoreCase); 0
	// means DefaultDeleteUndoPeriod (30 days).
	DeleteUndoPeriod time.Duration
}

// DefaultDeleteUndoPeriod is the default of Settings.DeleteUndoPeriod.
const DefaultDeleteUndoPeriod = 30 * 24 * time.Hour

func orDefault(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// maxTags is the effective size limit of the tag catalogue.
func (s Settings) maxTags() int {
	if s.MaxTags <= 0 {
		return cases.DefaultMaxTags
	}
	return s.MaxTags
}

// compile validates s and returns a private copy and the compiled custom
// property definitions.
func (s Settings) compile() (Settings, *customprop.Set, error) {
	var l validation.List
	props, err := customprop.NewSet(s.CustomProperties)
	l.Merge("", err)
	l.Merge("ownership.policy", s.Ownership.Policy.Validate())
	if s.DeleteUndoPeriod < 0 {
		l.Add("delete_undo_period", validation.CodeOutOfRange, "delete_undo_period must not be negative")
	}
	if s.MaxNotesPerCase < 0 {
		l.Add("max_notes_per_case", validation.CodeOutOfRange, "max_notes_per_case must not be negative")
	}
	if s.MaxCommentsPerNote < 0 {
		l.Add("max_comments_per_note", validation.CodeOutOfRange, "max_comments_per_note must not be negative")
	}
	if s.MaxTags < 0 {
		l.Add("max_tags", validation.CodeOutOfRange, "max_tags must not be negative")
	}
	l.Merge("", s.Tags.Validate(s.maxTags()))
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
	c.Tags = slices.Clone(s.Tags)
	c.CustomProperties = nil
	for _, d := range s.CustomProperties {
		c.CustomProperties = append(c.CustomProperties, d.Clone())
	}
	return c
}
