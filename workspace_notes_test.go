package dossier_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/validation"
)

// TestNotes walks notes and comments through create, edit (by the author
// and by another actor), delete and the limits, with the event of each
// step.
func TestNotes(t *testing.T) {
	alice := actorCtx(t, event.ActorUser, "alice")
	bob := actorCtx(t, event.ActorUser, "bob")
	aliceAPI := actorCtx(t, event.ActorAPI, "alice")
	w := newWorkspace(t, dossier.Settings{MaxNotesPerCase: 2, MaxCommentsPerNote: 1})
	c, err := w.CreateCase(alice, dossier.CreateCaseInput{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	step := eventSteps(t, w, c.ID)
	var n *cases.Note
	var cm *cases.NoteComment
	step("add note", func() error { n, err = w.AddNote(alice, c.ID, "Called the CFO.\nAll fine."); return err }, "Note.Created")
	if n.AuthorType != "user" || n.AuthorID != "alice" || n.CaseID != c.ID {
		t.Fatalf("note %+v", n)
	}
	step("edit by author", func() error { _, err := w.EditNote(alice, c.ID, n.ID, "Called the CFO twice."); return err }, "Note.Updated")
	step("same content", func() error { _, err := w.EditNote(alice, c.ID, n.ID, "Called the CFO twice."); return err })
	step("comment by another", func() error { cm, err = w.AddComment(bob, c.ID, n.ID, "Noted."); return err }, "NoteComment.Created")
	step("edit comment by author", func() error { _, err := w.EditComment(bob, c.ID, n.ID, cm.ID, "Noted, thanks."); return err }, "NoteComment.Updated")

	refused := []struct {
		name string
		op   func() error
		is   error
		path string
		code validation.Code
	}{
		{"edit note by another user", func() error { _, err := w.EditNote(bob, c.ID, n.ID, "x"); return err }, dossier.ErrNotAuthor, "", ""},
		{"edit note by same id, other type", func() error { _, err := w.EditNote(aliceAPI, c.ID, n.ID, "x"); return err }, dossier.ErrNotAuthor, "", ""},
		{"edit comment by another", func() error { _, err := w.EditComment(alice, c.ID, n.ID, cm.ID, "x"); return err }, dossier.ErrNotAuthor, "", ""},
		{"comment over the limit", func() error { _, err := w.AddComment(alice, c.ID, n.ID, "more"); return err }, nil, "comments", validation.CodeTooMany},
		{"empty note", func() error { _, err := w.AddNote(alice, c.ID, " \n "); return err }, nil, "content", validation.CodeRequired},
		{"too long", func() error { _, err := w.AddNote(alice, c.ID, strings.Repeat("x", cases.MaxNoteLen+1)); return err }, nil, "content", validation.CodeTooLong},
		{"control character", func() error { _, err := w.AddNote(alice, c.ID, "a\x00b"); return err }, nil, "content", validation.CodeInvalidFormat},
		{"bidi override", func() error { _, err := w.AddNote(alice, c.ID, "a\u202eb"); return err }, nil, "content", validation.CodeInvalidFormat},
		{"unknown note", func() error { _, err := w.EditNote(alice, c.ID, "nope", "x"); return err }, dossier.ErrNotFound, "", ""},
		{"unknown comment", func() error { return w.DeleteComment(alice, c.ID, n.ID, "nope") }, dossier.ErrNotFound, "", ""},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			err := unchanged(t, w, c.ID, tt.op)
			if tt.is != nil {
				if !errors.Is(err, tt.is) {
					t.Fatalf("err = %v, want %v", err, tt.is)
				}
				return
			}
			wantProblem(t, err, tt.path, tt.code)
		})
	}
	if p := dossier.Problem(refused[0].op()); p.Status != 403 || p.Code != dossier.ProblemNotAuthor {
		t.Fatalf("problem %+v", p)
	}

	step("second note", func() error { _, err := w.AddNote(bob, c.ID, "<script>alert(1)</script> stays text"); return err }, "Note.Created")
	err = unchanged(t, w, c.ID, func() error { _, err := w.AddNote(alice, c.ID, "third"); return err })
	wantProblem(t, err, "notes", validation.CodeTooMany)
	notes, err := w.Notes(context.Background(), c.ID)
	if err != nil || len(notes) != 2 || len(notes[0].Comments) != 1 || notes[1].Content != "<script>alert(1)</script> stays text" {
		t.Fatalf("notes %+v, %v", notes, err)
	}
	b, _ := json.Marshal(notes[0])
	for _, want := range []string{`"author":null`, `"author_type":"user"`, `"comments":[{`, `"note_id":"` + n.ID + `"`} {
		if !strings.Contains(string(b), want) {
			t.Fatalf("%s missing from %s", want, b)
		}
	}
	step("delete comment", func() error { return w.DeleteComment(alice, c.ID, n.ID, cm.ID) }, "NoteComment.Deleted")
	step("delete note by another", func() error { return w.DeleteNote(bob, c.ID, n.ID) }, "Note.Deleted")
	evs := allEvents(t, w, c.ID)
	last := evs[len(evs)-1]
	if last.Actor.ID != "bob" || last.ObjectID != n.ID {
		t.Fatalf("last event %+v", last)
	}
}
