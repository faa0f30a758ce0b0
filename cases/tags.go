package cases

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dossierkit/dossier/internal/fieldcheck"
	"github.com/dossierkit/dossier/validation"
)

// Tag limits.
const (
	// MaxTagLabelLen is the longest tag label, in characters (the Dotfile
	// API's limit).
	MaxTagLabelLen = 100
	// DefaultMaxTags is the default size limit of a workspace's tag
	// catalogue (the Dotfile API's default).
	DefaultMaxTags = 200
)

// ErrTagNotFound is returned for a tag id or label that is not in the
// workspace's catalogue.
var ErrTagNotFound = errors.New("tag not found")

// Tag is an entry of the workspace's tag catalogue. Its JSON form is the
// Dotfile API's tag object.
type Tag struct {
	ID        string    `json:"id"`
	Label     string    `json:"label"`
	CreatedAt time.Time `json:"created_at"`
}

// TagCatalog is a workspace's tag catalogue: every tag a case may carry,
// with unique ids and labels unique without regard to case ("High risk"
// and "high RISK" are one label). A TagCatalog is a value: Create, Rename
// and Delete return a new catalogue and leave the receiver alone.
//
// Cases store the ids of their tags, so renaming a tag renames it on every
// case at once, and deleting a tag removes it from every case's tags as
// reads show them.
type TagCatalog []Tag

// ValidateTagLabel reports a problem at path unless label has 1 to
// MaxTagLabelLen characters, is not blank, and holds no control or
// invisible character.
func ValidateTagLabel(l *validation.List, path, label string) {
	switch n := utf8.RuneCountInString(label); {
	case !utf8.ValidString(label):
		l.Add(path, validation.CodeInvalidFormat, "label is not valid UTF-8")
	case strings.TrimSpace(label) == "":
		l.Add(path, validation.CodeRequired, "label must not be empty")
	case n > MaxTagLabelLen:
		l.Addf(path, validation.CodeTooLong, "label has %d characters, at most %d allowed", n, MaxTagLabelLen)
	default:
		if p := fieldcheck.Text(label); !p.OK() {
			l.Add(path, validation.CodeInvalidFormat, "label "+p.Detail())
		}
	}
}

// Validate returns a *validation.Error listing every problem of the
// catalogue: more than limit tags, an empty or repeated id, a bad label, a
// label repeated (without regard to case).
func (t TagCatalog) Validate(limit int) error {
	var l validation.List
	if len(t) > limit {
		l.Addf("tags", validation.CodeTooMany, "the catalogue has %d tags, at most %d allowed", len(t), limit)
	}
	ids := make(map[string]bool, len(t))
	labels := make(map[string]bool, len(t))
	for i, tag := range t {
		path := validation.Index("tags", i)
		if tag.ID == "" {
			l.Add(validation.Join(path, "id"), validation.CodeRequired, "a tag needs an id")
		} else if ids[tag.ID] {
			l.Add(validation.Join(path, "id"), validation.CodeDuplicate, "the id is used by another tag")
		}
		ids[tag.ID] = true
		ValidateTagLabel(&l, validation.Join(path, "label"), tag.Label)
		key := strings.ToLower(tag.Label)
		if labels[key] {
			l.Add(validation.Join(path, "label"), validation.CodeDuplicate, "the label is used by another tag")
		}
		labels[key] = true
	}
	return l.Err()
}

// Find returns the tag whose id is ref or, failing that, whose label is
// ref without regard to case.
func (t TagCatalog) Find(ref string) (Tag, bool) {
	for _, tag := range t {
		if tag.ID == ref {
			return tag, true
		}
	}
	for _, tag := range t {
		if strings.EqualFold(tag.Label, ref) {
			return tag, true
		}
	}
	return Tag{}, false
}

// Create returns the catalogue with a new tag labelled label, with the
// given id and creation time. A bad label, a label already in the
// catalogue or a catalogue already holding limit tags is a
// *validation.Error.
func (t TagCatalog) Create(id, label string, now time.Time, limit int) (TagCatalog, Tag, error) {
	var l validation.List
	ValidateTagLabel(&l, "label", label)
	if _, ok := t.Find(label); ok && l.Len() == 0 {
		l.Add("label", validation.CodeDuplicate, "a tag with this label already exists")
	}
	if len(t) >= limit {
		l.Addf("tags", validation.CodeTooMany, "the catalogue already holds %d tags, at most %d allowed", len(t), limit)
	}
	if err := l.Err(); err != nil {
		return t, Tag{}, err
	}
	tag := Tag{ID: id, Label: label, CreatedAt: now.UTC()}
	return append(slices.Clone(t), tag), tag, nil
}

// Rename returns the catalogue with the tag id relabelled. An unknown id
// is ErrTagNotFound; a bad label or one another tag has is a
// *validation.Error.
func (t TagCatalog) Rename(id, label string) (TagCatalog, error) {
	i := slices.IndexFunc(t, func(tag Tag) bool { return tag.ID == id })
	if i < 0 {
		return t, fmt.Errorf("tag %q: %w", id, ErrTagNotFound)
	}
	var l validation.List
	ValidateTagLabel(&l, "label", label)
	if other, ok := t.Find(label); ok && other.ID != id && l.Len() == 0 {
		l.Add("label", validation.CodeDuplicate, "a tag with this label already exists")
	}
	if err := l.Err(); err != nil {
		return t, err
	}
	out := slices.Clone(t)
	out[i].Label = label
	return out, nil
}

// Delete returns the catalogue without the tag id; an unknown id is
// ErrTagNotFound.
func (t TagCatalog) Delete(id string) (TagCatalog, error) {
	i := slices.IndexFunc(t, func(tag Tag) bool { return tag.ID == id })
	if i < 0 {
		return t, fmt.Errorf("tag %q: %w", id, ErrTagNotFound)
	}
	return slices.Delete(slices.Clone(t), i, i+1), nil
}

// Resolve returns the ids of the tags refs names (each an id or a label,
// see Find), without repeats, in the order of refs. Every ref not in the
// catalogue is reported in a *validation.Error at path[i] with code
// invalid_value.
func (t TagCatalog) Resolve(path string, refs []string) ([]string, error) {
	var l validation.List
	out := make([]string, 0, len(refs))
	for i, ref := range refs {
		tag, ok := t.Find(ref)
		if !ok {
			l.Add(validation.Index(path, i), validation.CodeInvalidValue, "no tag has this id or label")
			continue
		}
		if !slices.Contains(out, tag.ID) {
			out = append(out, tag.ID)
		}
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Labels returns the labels of the tags ids names, in the order of ids,
// leaving out the ids no longer in the catalogue (deleted tags).
func (t TagCatalog) Labels(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		for _, tag := range t {
			if tag.ID == id {
				out = append(out, tag.Label)
				break
			}
		}
	}
	return out
}
