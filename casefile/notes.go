package casefile

import (
	"fmt"
	"slices"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/validation"
)

// The operations on the notes of a case. Each validates its input, copies
// the record's notes before changing them (the record as it was stays
// untouched), and records its event (Note.Created, Note.Updated,
// Note.Deleted and the NoteComment ones) with the note or comment as
// payload; updates list the content change. The author of a new note or
// comment is the change's actor; only that actor may edit it.

func (c *Change) noteIndex(id string) (int, error) {
	i := slices.IndexFunc(c.rec.Notes, func(n cases.Note) bool { return n.ID == id })
	if i < 0 {
		return -1, fmt.Errorf("note %s: %w", id, cases.ErrNoteNotFound)
	}
	return i, nil
}

// ownNotes makes rec.Notes a copy the change may write into, with note i
// deep-copied.
func (c *Change) ownNotes(i int) {
	c.rec.Notes = slices.Clone(c.rec.Notes)
	if i >= 0 {
		c.rec.Notes[i] = c.rec.Notes[i].Clone()
	}
}

func (c *Change) isAuthor(typ, id string) bool {
	return typ == string(c.actor.Type) && id == c.actor.ID
}

func contentChange(before, after string) []event.FieldChange {
	return []event.FieldChange{{Name: "content", Previous: mustJSON(before), Next: mustJSON(after)}}
}

// AddNote adds a note with content to the case. A case holding limit
// notes already refuses it (code too_many at "notes").
func (c *Change) AddNote(content string, limit int) (cases.Note, error) {
	var l validation.List
	cases.ValidateNoteContent(&l, content)
	if len(c.rec.Notes) >= limit {
		l.Addf("notes", validation.CodeTooMany, "the case already holds %d notes, at most %d allowed", len(c.rec.Notes), limit)
	}
	if err := l.Err(); err != nil {
		return cases.Note{}, err
	}
	n := cases.Note{ID: c.newID(), CaseID: c.rec.Case.ID, Content: content,
		AuthorType: string(c.actor.Type), AuthorID: c.actor.ID, CreatedAt: c.now, UpdatedAt: c.now}
	c.ownNotes(-1)
	c.rec.Notes = append(c.rec.Notes, n)
	c.explicit = append(c.explicit, c.newEvent(event.NoteCreated, "", n.ID, n, nil))
	return n.Clone(), nil
}

// EditNote replaces the content of note id; only its author may (else
// cases.ErrNotAuthor). The same content changes nothing.
func (c *Change) EditNote(id, content string) (cases.Note, error) {
	var l validation.List
	cases.ValidateNoteContent(&l, content)
	if err := l.Err(); err != nil {
		return cases.Note{}, err
	}
	i, err := c.noteIndex(id)
	if err != nil {
		return cases.Note{}, err
	}
	n := c.rec.Notes[i]
	if !c.isAuthor(n.AuthorType, n.AuthorID) {
		return cases.Note{}, cases.ErrNotAuthor
	}
	if n.Content == content {
		return n.Clone(), nil
	}
	c.ownNotes(i)
	before := n.Content
	c.rec.Notes[i].Content, c.rec.Notes[i].UpdatedAt = content, c.now
	n = c.rec.Notes[i]
	c.explicit = append(c.explicit, c.newEvent(event.NoteUpdated, "", id, n, contentChange(before, content)))
	return n.Clone(), nil
}

// DeleteNote removes note id with its comments.
func (c *Change) DeleteNote(id string) error {
	i, err := c.noteIndex(id)
	if err != nil {
		return err
	}
	n := c.rec.Notes[i]
	c.ownNotes(-1)
	c.rec.Notes = slices.Delete(c.rec.Notes, i, i+1)
	c.explicit = append(c.explicit, c.newEvent(event.NoteDeleted, "", id, n, nil))
	return nil
}

// AddComment adds a comment with content under note noteID. A note holding
// limit comments already refuses it (code too_many at "comments").
func (c *Change) AddComment(noteID, content string, limit int) (cases.NoteComment, error) {
	var l validation.List
	cases.ValidateNoteContent(&l, content)
	i, err := c.noteIndex(noteID)
	if err != nil {
		return cases.NoteComment{}, err
	}
	if n := len(c.rec.Notes[i].Comments); n >= limit {
		l.Addf("comments", validation.CodeTooMany, "the note already holds %d comments, at most %d allowed", n, limit)
	}
	if err := l.Err(); err != nil {
		return cases.NoteComment{}, err
	}
	cm := cases.NoteComment{ID: c.newID(), NoteID: noteID, Content: content,
		AuthorType: string(c.actor.Type), AuthorID: c.actor.ID, CreatedAt: c.now, UpdatedAt: c.now}
	c.ownNotes(i)
	c.rec.Notes[i].Comments = append(c.rec.Notes[i].Comments, cm)
	c.explicit = append(c.explicit, c.newEvent(event.NoteCommentCreated, "", cm.ID, cm, nil))
	return cm, nil
}

func (c *Change) commentIndex(noteID, id string) (int, int, error) {
	i, err := c.noteIndex(noteID)
	if err != nil {
		return -1, -1, err
	}
	j := slices.IndexFunc(c.rec.Notes[i].Comments, func(cm cases.NoteComment) bool { return cm.ID == id })
	if j < 0 {
		return -1, -1, fmt.Errorf("comment %s: %w", id, cases.ErrNoteNotFound)
	}
	return i, j, nil
}

// EditComment replaces the content of a comment; only its author may
// (else cases.ErrNotAuthor).
func (c *Change) EditComment(noteID, id, content string) (cases.NoteComment, error) {
	var l validation.List
	cases.ValidateNoteContent(&l, content)
	if err := l.Err(); err != nil {
		return cases.NoteComment{}, err
	}
	i, j, err := c.commentIndex(noteID, id)
	if err != nil {
		return cases.NoteComment{}, err
	}
	cm := c.rec.Notes[i].Comments[j]
	if !c.isAuthor(cm.AuthorType, cm.AuthorID) {
		return cases.NoteComment{}, cases.ErrNotAuthor
	}
	if cm.Content == content {
		return cm, nil
	}
	c.ownNotes(i)
	before := cm.Content
	cm.Content, cm.UpdatedAt = content, c.now
	c.rec.Notes[i].Comments[j] = cm
	c.explicit = append(c.explicit, c.newEvent(event.NoteCommentUpdated, "", id, cm, contentChange(before, content)))
	return cm, nil
}

// DeleteComment removes a comment.
func (c *Change) DeleteComment(noteID, id string) error {
	i, j, err := c.commentIndex(noteID, id)
	if err != nil {
		return err
	}
	cm := c.rec.Notes[i].Comments[j]
	c.ownNotes(i)
	c.rec.Notes[i].Comments = slices.Delete(c.rec.Notes[i].Comments, j, j+1)
	c.explicit = append(c.explicit, c.newEvent(event.NoteCommentDeleted, "", id, cm, nil))
	return nil
}
