package dossier

import (
	"context"
	"errors"
	"fmt"

	"github.com/dossierkit/dossier/casefile"
	"github.com/dossierkit/dossier/cases"
)

// Notes returns the notes of a case with their comments, oldest first.
func (w *Workspace) Notes(ctx context.Context, caseID string) ([]cases.Note, error) {
	rec, err := w.load(ctx, caseID)
	if err != nil {
		return nil, err
	}
	out := make([]cases.Note, len(rec.Notes))
	for i, n := range rec.Notes {
		out[i] = n.Clone()
	}
	return out, nil
}

// noteChange runs op on the case and wraps a missing note or comment so
// that it also matches ErrNotFound.
func (w *Workspace) noteChange(ctx context.Context, caseID string, op func(ch *casefile.Change) error) error {
	_, err := w.change(ctx, caseID, op)
	if err != nil && errorsIsNoteNotFound(err) {
		return fmt.Errorf("dossier: %w (%w)", ErrNotFound, err)
	}
	return err
}

// AddNote adds a note to a case, authored by the actor of ctx (see
// WithActor), with a Note.Created event. content is plain text of 1 to
// cases.MaxNoteLen characters (see cases.ValidateNoteContent); a case
// holding Settings.MaxNotesPerCase notes (25 by default) refuses more.
func (w *Workspace) AddNote(ctx context.Context, caseID, content string) (*cases.Note, error) {
	var n cases.Note
	err := w.noteChange(ctx, caseID, func(ch *casefile.Change) (err error) {
		n, err = ch.AddNote(content, orDefault(w.settings.MaxNotesPerCase, cases.DefaultMaxNotesPerCase))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &n, nil
}

// EditNote replaces the content of a note, with a Note.Updated event
// listing the change. Only the note's author (the same actor type and id)
// may: anyone else gets ErrNotAuthor and nothing changes.
func (w *Workspace) EditNote(ctx context.Context, caseID, noteID, content string) (*cases.Note, error) {
	var n cases.Note
	err := w.noteChange(ctx, caseID, func(ch *casefile.Change) (err error) {
		n, err = ch.EditNote(noteID, content)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &n, nil
}

// DeleteNote removes a note and its comments, with a Note.Deleted event.
// Any actor may delete a note (the audit log names who did).
func (w *Workspace) DeleteNote(ctx context.Context, caseID, noteID string) error {
	return w.noteChange(ctx, caseID, func(ch *casefile.Change) error { return ch.DeleteNote(noteID) })
}

// AddComment adds a comment under a note, authored by the actor of ctx,
// with a NoteComment.Created event; a note holding
// Settings.MaxCommentsPerNote comments (50 by default) refuses more.
func (w *Workspace) AddComment(ctx context.Context, caseID, noteID, content string) (*cases.NoteComment, error) {
	var cm cases.NoteComment
	err := w.noteChange(ctx, caseID, func(ch *casefile.Change) (err error) {
		cm, err = ch.AddComment(noteID, content, orDefault(w.settings.MaxCommentsPerNote, cases.DefaultMaxCommentsPerNote))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cm, nil
}

// EditComment replaces the content of a comment; only its author may (see
// EditNote).
func (w *Workspace) EditComment(ctx context.Context, caseID, noteID, commentID, content string) (*cases.NoteComment, error) {
	var cm cases.NoteComment
	err := w.noteChange(ctx, caseID, func(ch *casefile.Change) (err error) {
		cm, err = ch.EditComment(noteID, commentID, content)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cm, nil
}

// DeleteComment removes a comment, with a NoteComment.Deleted event.
func (w *Workspace) DeleteComment(ctx context.Context, caseID, noteID, commentID string) error {
	return w.noteChange(ctx, caseID, func(ch *casefile.Change) error { return ch.DeleteComment(noteID, commentID) })
}

func errorsIsNoteNotFound(err error) bool { return errors.Is(err, cases.ErrNoteNotFound) }
