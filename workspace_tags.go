package dossier

import (
	"context"
	"slices"

	"github.com/dossierkit/dossier/casefile"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/validation"
)

// Tags returns a copy of the workspace's tag catalogue (Settings.Tags).
func (w *Workspace) Tags() cases.TagCatalog { return slices.Clone(w.settings.Tags) }

// SetCaseTags replaces the tags of a case with those refs names, each a
// tag id or a label of the workspace's catalogue (labels compared without
// regard to case), recording a Case.Updated event with sub-event
// Case.TagsUpdated when the tags change. A ref not in the catalogue is a
// *validation.Error at tags[i]; nothing is saved.
func (w *Workspace) SetCaseTags(ctx context.Context, caseID string, refs []string) (*cases.Case, error) {
	return w.changeTags(ctx, caseID, refs, func(_, ids []string) []string { return ids })
}

// AddCaseTags adds the tags refs names to a case (see SetCaseTags); tags the
// case already has stay where they are.
func (w *Workspace) AddCaseTags(ctx context.Context, caseID string, refs []string) (*cases.Case, error) {
	return w.changeTags(ctx, caseID, refs, func(old, ids []string) []string {
		out := slices.Clone(old)
		for _, id := range ids {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
		return out
	})
}

// RemoveCaseTags removes the tags refs names from a case (see
// SetCaseTags); a tag of the catalogue the case does not have is no
// error.
func (w *Workspace) RemoveCaseTags(ctx context.Context, caseID string, refs []string) (*cases.Case, error) {
	return w.changeTags(ctx, caseID, refs, func(old, ids []string) []string {
		return slices.DeleteFunc(slices.Clone(old), func(id string) bool { return slices.Contains(ids, id) })
	})
}

func (w *Workspace) changeTags(ctx context.Context, caseID string, refs []string, apply func(old, ids []string) []string) (*cases.Case, error) {
	ids, err := w.settings.Tags.Resolve("tags", refs)
	if err != nil {
		return nil, err
	}
	rec, err := w.change(ctx, caseID, func(ch *casefile.Change) error {
		c := ch.Case()
		next := apply(c.Tags, ids)
		if len(next) == 0 {
			next = nil
		}
		if slices.Equal(next, c.Tags) {
			return errNoChange
		}
		c.Tags = next
		return nil
	})
	if err != nil {
		return nil, err
	}
	return w.views.caseOf(rec), nil
}

// resolveQuery returns q with the tag filters' ids or labels replaced by
// the ids of the catalogue's tags; a ref not in the catalogue is a
// *validation.Error at tags_all[i], tags_none[i] or tags_any[i].
func (w *Workspace) resolveQuery(q storage.Query) (storage.Query, error) {
	var l validation.List
	for _, f := range []struct {
		path string
		refs *[]string
	}{{"tags_all", &q.TagsAll}, {"tags_none", &q.TagsNone}, {"tags_any", &q.TagsAny}} {
		if len(*f.refs) == 0 {
			continue
		}
		ids, err := w.settings.Tags.Resolve(f.path, *f.refs)
		l.Merge("", err)
		*f.refs = ids
	}
	if err := l.Err(); err != nil {
		return q, err
	}
	return q, nil
}
