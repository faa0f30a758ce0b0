package cases

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/internal/fieldcheck"
	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/validation"
)

// Name and external id limits, in characters.
const (
	MaxNameLen       = 180
	MaxExternalIDLen = 255
)

// Case is a folder holding every entity and check about one customer. Its
// JSON form is the wire shape of the API (snake_case).
//
// ContactHasActions, ReviewerHasActions and Flags are derived from the
// case's checks and Risk from its risk history; the Workspace keeps them up
// to date and callers should treat them as read-only.
type Case struct {
	// ID is a UUID v4 assigned on create.
	ID string `json:"id"`
	// ExternalID is the host's own id, unique across cases; "" means none
	// and is null on the wire.
	ExternalID string   `json:"external_id"`
	Name       string   `json:"name"`
	Status     Status   `json:"status"`
	Metadata   Metadata `json:"metadata"`
	// CustomProperties holds the values of the workspace's case custom
	// properties; the Workspace validates every write against their
	// definitions and leaves archived ones out on read.
	CustomProperties customprop.Values `json:"custom_properties"`

	ContactHasActions  bool  `json:"contact_has_actions"`
	ReviewerHasActions bool  `json:"reviewer_has_actions"`
	Flags              Flags `json:"flags"`

	Risk   *risk.Risk `json:"risk"`
	Review *Review    `json:"review"`

	// AssigneeID is the host's opaque id of the user the case is assigned
	// to; "" means unassigned and is null on the wire.
	AssigneeID string `json:"assignee_id"`
	// Tags are the case's tags, without repeats: in the stored record the
	// ids of tags of the workspace's catalogue (so a renamed tag is renamed
	// on every case), and in what a Workspace returns their labels, in the
	// same order, without the tags deleted from the catalogue.
	Tags []string `json:"tags"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// LastActivityAt is the time of the latest change of the case or of
	// anything in it (entities, relations, checks, risks, reviews, tags,
	// notes and comments): every saved change stamps it, as it stamps
	// UpdatedAt. A record saved before the field existed reads with its
	// UpdatedAt.
	LastActivityAt time.Time `json:"last_activity_at"`
	// DeletedAt is set on a case deleted without the permanent choice
	// (see dossier.Workspace.Delete): the case is hidden from every read
	// and query but kept, and can be restored for a while. It is stored
	// (as deleted_at, present only when set) but reads never show it.
	DeletedAt *time.Time `json:"-"`

	// Version is the stored version of the case's record when it was read
	// (1 on create, +1 on every saved change), set by the Workspace on the
	// case it returns from a read or a change of one case (0 in listings).
	// It is not part of the wire form: a host sends it as an ETag and takes
	// it back as If-Match (see dossier.IfMatch).
	Version int64 `json:"-"`
}

// Clone returns a deep copy of c.
func (c Case) Clone() Case {
	out := c
	out.Metadata = c.Metadata.Clone()
	out.CustomProperties = c.CustomProperties.Clone()
	out.Review = c.Review.Clone()
	out.Tags = slices.Clone(c.Tags)
	if c.DeletedAt != nil {
		t := *c.DeletedAt
		out.DeletedAt = &t
	}
	if c.Risk != nil {
		r := c.Risk.Clone()
		out.Risk = &r
	}
	return out
}

// ValidateName reports a problem at path "name" unless name has 1 to
// MaxNameLen characters, is not only white space, and holds no control or
// invisible character (code invalid_format): the rule of the names of
// companies and individuals, which refuses control characters, zero-width
// spaces, bidirectional overrides and the other characters that show
// nothing or change how the rest shows ("Acme\u202eLtd"); the zero-width
// joiner and non-joiner that some scripts need are allowed.
func ValidateName(l *validation.List, name string) {
	switch n := utf8.RuneCountInString(name); {
	case !utf8.ValidString(name):
		l.Add("name", validation.CodeInvalidFormat, "name is not valid UTF-8")
	case strings.TrimSpace(name) == "":
		l.Add("name", validation.CodeRequired, "name must not be empty")
	case n > MaxNameLen:
		l.Addf("name", validation.CodeTooLong, "name has %d characters, at most %d allowed", n, MaxNameLen)
	default:
		if p := fieldcheck.Text(name); !p.OK() {
			l.Add("name", validation.CodeInvalidFormat, "name "+p.Detail())
		}
	}
}

// ValidateExternalID reports a problem at path "external_id" unless id has
// 1 to MaxExternalIDLen characters of valid UTF-8, in Unicode normalization
// form NFC, without control or invisible characters (the rule of
// [ValidateName]). Otherwise any characters are allowed, including "/" and
// "..": stores never build file names from it. To clear an external id,
// callers pass null, not "".
//
// Ids not in NFC are refused, not normalised: "é" written as one code point
// (U+00E9) or as "e" and a combining accent (U+0065 U+0301) look the same,
// and if both were accepted they could name two cases. Refusing keeps the
// stored id byte for byte the one the client sent, so lookups by external
// id need no normalisation; a client holding decomposed ids normalises them
// to NFC first (golang.org/x/text/unicode/norm: norm.NFC.String).
func ValidateExternalID(l *validation.List, id string) {
	switch n := utf8.RuneCountInString(id); {
	case !utf8.ValidString(id):
		l.Add("external_id", validation.CodeInvalidFormat, "external_id is not valid UTF-8")
	case n == 0:
		l.Add("external_id", validation.CodeRequired, "external_id must not be empty; use null to clear it")
	case n > MaxExternalIDLen:
		l.Addf("external_id", validation.CodeTooLong, "external_id has %d characters, at most %d allowed", n, MaxExternalIDLen)
	case !norm.NFC.IsNormalString(id):
		l.Add("external_id", validation.CodeInvalidFormat, "external_id must be in Unicode normalization form NFC (composed characters, such as U+00E9 for é)")
	default:
		if p := fieldcheck.Text(id); !p.OK() {
			l.Add("external_id", validation.CodeInvalidFormat, "external_id "+p.Detail())
		}
	}
}

// caseJSON is the wire shape, in the API's member order; external_id is
// null when unset.
type caseJSON struct {
	ID                 string            `json:"id"`
	ExternalID         *string           `json:"external_id"`
	Name               string            `json:"name"`
	Status             Status            `json:"status"`
	Metadata           Metadata          `json:"metadata"`
	CustomProperties   customprop.Values `json:"custom_properties"`
	ContactHasActions  bool              `json:"contact_has_actions"`
	ReviewerHasActions bool              `json:"reviewer_has_actions"`
	Flags              Flags             `json:"flags"`
	Risk               *risk.Risk        `json:"risk"`
	Review             *Review           `json:"review"`
	AssigneeID         *string           `json:"assignee_id"`
	Tags               []string          `json:"tags"`
	CreatedAt          time.Time         `json:"created_at"`
	UpdatedAt          time.Time         `json:"updated_at"`
	LastActivityAt     time.Time         `json:"last_activity_at"`
	DeletedAt          *time.Time        `json:"deleted_at,omitempty"`
}

// MarshalJSON encodes c in the API's wire shape, with external_id and
// assignee_id null when the case has none, tags [] when it has none, and
// last_activity_at equal to updated_at when unset. A case without metadata or custom property values has
// {} for them, as in the Dotfile API: nil and empty maps encode alike, so a
// case reads back with the same JSON from every store.
func (c Case) MarshalJSON() ([]byte, error) {
	out := caseJSON{
		ID: c.ID, Name: c.Name, Status: c.Status, Metadata: c.Metadata, CustomProperties: c.CustomProperties,
		ContactHasActions: c.ContactHasActions, ReviewerHasActions: c.ReviewerHasActions, Flags: c.Flags,
		Risk: c.Risk, Review: c.Review, Tags: c.Tags, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		LastActivityAt: c.LastActivityAt, DeletedAt: c.DeletedAt,
	}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	if out.LastActivityAt.IsZero() {
		out.LastActivityAt = c.UpdatedAt
	}
	if c.AssigneeID != "" {
		a := c.AssigneeID
		out.AssigneeID = &a
	}
	if out.Metadata == nil {
		out.Metadata = Metadata{}
	}
	if out.CustomProperties == nil {
		out.CustomProperties = customprop.Values{}
	}
	if c.ExternalID != "" {
		ext := c.ExternalID
		out.ExternalID = &ext
	}
	return json.Marshal(out)
}

// UnmarshalJSON decodes the wire shape; a null external_id is "".
func (c *Case) UnmarshalJSON(data []byte) error {
	var in caseJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	*c = Case{
		ID: in.ID, Name: in.Name, Status: in.Status, Metadata: in.Metadata, CustomProperties: in.CustomProperties,
		ContactHasActions: in.ContactHasActions, ReviewerHasActions: in.ReviewerHasActions, Flags: in.Flags,
		Risk: in.Risk, Review: in.Review, Tags: in.Tags, CreatedAt: in.CreatedAt, UpdatedAt: in.UpdatedAt,
		LastActivityAt: in.LastActivityAt, DeletedAt: in.DeletedAt,
	}
	if len(c.Tags) == 0 {
		c.Tags = nil
	}
	if in.AssigneeID != nil {
		c.AssigneeID = *in.AssigneeID
	}
	if in.ExternalID != nil {
		c.ExternalID = *in.ExternalID
	}
	return nil
}

// MaxAssigneeIDLen is the longest assignee id, in characters.
const MaxAssigneeIDLen = 255

// ValidateAssigneeID reports a problem at path "assignee_id" unless id has
// 1 to MaxAssigneeIDLen characters of valid UTF-8 without control or
// invisible characters. The id is the host's and is otherwise opaque.
func ValidateAssigneeID(l *validation.List, id string) {
	switch n := utf8.RuneCountInString(id); {
	case !utf8.ValidString(id):
		l.Add("assignee_id", validation.CodeInvalidFormat, "assignee_id is not valid UTF-8")
	case n == 0:
		l.Add("assignee_id", validation.CodeRequired, "assignee_id must not be empty; use null to unassign")
	case n > MaxAssigneeIDLen:
		l.Addf("assignee_id", validation.CodeTooLong, "assignee_id has %d characters, at most %d allowed", n, MaxAssigneeIDLen)
	default:
		if p := fieldcheck.Text(id); !p.OK() {
			l.Add("assignee_id", validation.CodeInvalidFormat, "assignee_id "+p.Detail())
		}
	}
}
