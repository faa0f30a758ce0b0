package cases

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dossierkit/dossier/validation"
)

// Note limits. The per-case and per-note defaults are the Dotfile API's.
const (
	// MaxNoteLen is the longest note or comment content, in characters.
	MaxNoteLen = 10000
	// DefaultMaxNotesPerCase is the default number of notes a case may
	// hold.
	DefaultMaxNotesPerCase = 25
	// DefaultMaxCommentsPerNote is the default number of comments a note
	// may hold.
	DefaultMaxCommentsPerNote = 50
)

// ErrNotAuthor is returned when a note or comment is edited by anyone but
// its author (another actor type or id).
var ErrNotAuthor = errors.New("only the author may edit this note or comment")

// ErrNoteNotFound is returned for a note or comment id the case does not
// hold.
var ErrNoteNotFound = errors.New("note or comment not found")

// Note is a note on a case, with its comments, oldest first. Content is
// plain text: it is stored as written and never interpreted as HTML, so a
// host that shows it in a web page escapes it as any text (html/template
// does). The author is the actor that created the note: its type (user,
// api or system) and the host's id of it.
type Note struct {
	ID         string        `json:"id"`
	CaseID     string        `json:"case_id"`
	Content    string        `json:"content"`
	Comments   []NoteComment `json:"comments"`
	AuthorType string        `json:"author_type"`
	AuthorID   string        `json:"author_id"`
	CreatedAt  time.Time     `json:"created_at"`
	UpdatedAt  time.Time     `json:"updated_at"`
}

// NoteComment is a comment under a note; like a note, plain text with an
// author.
type NoteComment struct {
	ID         string    `json:"id"`
	NoteID     string    `json:"note_id"`
	Content    string    `json:"content"`
	AuthorType string    `json:"author_type"`
	AuthorID   string    `json:"author_id"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

type noteJSON Note

// MarshalJSON encodes n with comments [] when it has none and author null
// (the Dotfile API's user object, which dossier does not hold; author_id
// names the author).
func (n Note) MarshalJSON() ([]byte, error) {
	if n.Comments == nil {
		n.Comments = []NoteComment{}
	}
	return json.Marshal(struct {
		noteJSON
		Author *struct{} `json:"author"`
	}{noteJSON: noteJSON(n)})
}

type commentJSON NoteComment

// MarshalJSON encodes c with author null (see Note.MarshalJSON).
func (c NoteComment) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		commentJSON
		Author *struct{} `json:"author"`
	}{commentJSON: commentJSON(c)})
}

// Clone returns a deep copy of n.
func (n Note) Clone() Note {
	n.Comments = slices.Clone(n.Comments)
	return n
}

// ValidateNoteContent reports a problem at path "content" unless content
// is valid UTF-8 plain text of 1 to MaxNoteLen characters, not only white
// space, whose only control characters are line feeds, carriage returns
// and tabs, and without invisible format characters (bidirectional
// overrides, zero-width spaces).
func ValidateNoteContent(l *validation.List, content string) {
	switch n := utf8.RuneCountInString(content); {
	case !utf8.ValidString(content):
		l.Add("content", validation.CodeInvalidFormat, "content is not valid UTF-8")
	case strings.TrimSpace(content) == "":
		l.Add("content", validation.CodeRequired, "content must not be empty")
	case n > MaxNoteLen:
		l.Addf("content", validation.CodeTooLong, "content has %d characters, at most %d allowed", n, MaxNoteLen)
	default:
		for _, r := range content {
			if r == '\n' || r == '\r' || r == '\t' {
				continue
			}
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) && r != '\u200d' && r != '\u200c' {
				l.Addf("content", validation.CodeInvalidFormat, "content holds the control or invisible character U+%04X", r)
				return
			}
		}
	}
}
