package risk

import (
	"encoding/json"
	"time"

	"github.com/dossierkit/dossier/internal/jsonobj"
	"github.com/dossierkit/dossier/validation"
)

// EntryType is the kind of an [Entry] of a [History].
type EntryType string

// The entry types.
const (
	// EntryRisk records a stored risk, automatic or manual. A manual risk
	// also switches the history to manual mode.
	EntryRisk EntryType = "risk"
	// EntryAutomaticEnabled records that automatic mode was enabled again
	// after a manual risk: from then on the latest automatic risk is
	// current. No risk is copied or rewritten to do so.
	EntryAutomaticEnabled EntryType = "automatic_enabled"
)

// Entry is one record of a [History], in the order it was recorded. Its JSON
// form is {"type": "risk", "at": ..., "risk": {...}} or
// {"type": "automatic_enabled", "at": ...}.
type Entry struct {
	// Type says what happened.
	Type EntryType `json:"type"`
	// At is when it happened, in UTC; for EntryRisk it equals
	// Risk.CreatedAt.
	At time.Time `json:"at"`
	// Risk is the stored risk for EntryRisk, nil otherwise.
	Risk *Risk `json:"risk,omitempty"`
}

// entry is the stored form of an Entry.
type entry struct {
	typ  EntryType
	at   time.Time
	risk Risk // EntryRisk only
}

// History is the risk log of one case: every stored risk, oldest first, and
// every re-enabling of automatic mode, in the order they were recorded.
// Nothing in it is ever rewritten or removed; the methods only append.
//
// The current risk and the mode are derived from the log:
//
//   - the mode is manual from a manual risk until automatic mode is enabled
//     again ([History.EnableAutomatic]), automatic otherwise (and for an
//     empty history);
//   - in manual mode the current risk is the latest manual risk; in automatic
//     mode it is the latest automatic risk (none if no automatic risk was
//     ever pushed).
//
// The zero History is empty and ready to use. A History is a value: copies
// made by assignment never see each other's later appends (appending always
// copies the log), and [History.Clone] makes a fully independent deep copy.
// Methods that read return copies. The methods that append take the time
// and the new risk's id from the caller and never read a clock. A History is
// not safe for concurrent mutation.
//
// Its JSON form is the array of its entries (see [Entry]); decoding
// validates every entry and rejects a history that could not have been
// recorded (duplicate risk ids, an entry time that differs from its risk's
// created_at), so an encode/decode round trip is lossless.
type History struct {
	entries []entry
}

// ManualOptions tune [History.SetManual].
type ManualOptions struct {
	// CommentRequired refuses a manual risk whose comment is nil or blank
	// (the workspace setting that asks people to justify an override).
	CommentRequired bool
}

// Clone returns a deep copy of h.
func (h History) Clone() History {
	if h.entries == nil {
		return History{}
	}
	out := make([]entry, len(h.entries))
	for i, e := range h.entries {
		e.risk = e.risk.Clone()
		out[i] = e
	}
	return History{entries: out}
}

// Entries returns a copy of the whole log, oldest first.
func (h History) Entries() []Entry {
	out := make([]Entry, len(h.entries))
	for i, e := range h.entries {
		out[i] = Entry{Type: e.typ, At: e.at}
		if e.typ == EntryRisk {
			r := e.risk.Clone()
			out[i].Risk = &r
		}
	}
	return out
}

// Risks returns a copy of every stored risk, oldest first, automatic and
// manual alike.
func (h History) Risks() []Risk {
	out := make([]Risk, 0, len(h.entries))
	for _, e := range h.entries {
		if e.typ == EntryRisk {
			out = append(out, e.risk.Clone())
		}
	}
	return out
}

// ByID returns a copy of the stored risk with the given id.
func (h History) ByID(id string) (Risk, bool) {
	for _, e := range h.entries {
		if e.typ == EntryRisk && e.risk.ID == id {
			return e.risk.Clone(), true
		}
	}
	return Risk{}, false
}

// Mode returns the current mode: ModeManual after a manual risk until
// automatic mode is enabled again, ModeAutomatic otherwise.
func (h History) Mode() Mode {
	for i := len(h.entries) - 1; i >= 0; i-- {
		e := &h.entries[i]
		switch {
		case e.typ == EntryAutomaticEnabled:
			return ModeAutomatic
		case e.typ == EntryRisk && e.risk.Mode == ModeManual:
			return ModeManual
		}
	}
	return ModeAutomatic
}

// latest returns the index of the latest risk of mode m, or -1.
func (h History) latest(m Mode) int {
	for i := len(h.entries) - 1; i >= 0; i-- {
		if e := &h.entries[i]; e.typ == EntryRisk && e.risk.Mode == m {
			return i
		}
	}
	return -1
}

func (h History) riskAt(i int) *Risk {
	if i < 0 {
		return nil
	}
	r := h.entries[i].risk.Clone()
	return &r
}

// LatestAutomatic returns a copy of the latest automatic risk, current or
// not, or nil when none was pushed.
func (h History) LatestAutomatic() *Risk { return h.riskAt(h.latest(ModeAutomatic)) }

// LatestManual returns a copy of the latest manual risk, current or not, or
// nil when none was set.
func (h History) LatestManual() *Risk { return h.riskAt(h.latest(ModeManual)) }

// Current returns a copy of the current risk (see [History]), or nil when
// there is none.
func (h History) Current() *Risk { return h.riskAt(h.latest(h.Mode())) }

// checkNew validates what every appended risk needs.
func (h History) checkNew(id string, in Input, now time.Time, l *validation.List) {
	switch {
	case id == "":
		l.Add("id", validation.CodeRequired, "a risk id is required")
	default:
		if _, dup := h.ByID(id); dup {
			l.Add("id", validation.CodeDuplicate, "risk id "+quote(id)+" is already in the history")
		}
	}
	in.validate("", l)
	if now.IsZero() {
		l.Add("created_at", validation.CodeRequired, "the time of the risk is required")
	}
}

// append adds e without ever writing into a backing array another History
// value may share.
func (h *History) append(e entry) {
	n := len(h.entries)
	h.entries = append(h.entries[:n:n], e)
}

// PushAutomatic records an automatic risk assessed as in, with the given id,
// created at now.
//
// When in assesses the same risk as the latest automatic risk (see
// [Input.SameAssessment]: level, score, components and flags by value; the
// comment is ignored), nothing is recorded: PushAutomatic returns a copy of
// that latest automatic risk and duplicate = true. Otherwise the new risk is
// appended and returned with duplicate = false; it is current unless the
// history is in manual mode, where it is kept but the manual risk stays
// current until [History.EnableAutomatic].
//
// Invalid input (see [Input.Validate]), an empty or already used id, or a
// zero now return a *validation.Error and change nothing.
func (h *History) PushAutomatic(id string, in Input, now time.Time) (r Risk, duplicate bool, err error) {
	var l validation.List
	h.checkNew(id, in, now, &l)
	if err := l.Err(); err != nil {
		return Risk{}, false, err
	}
	if i := h.latest(ModeAutomatic); i >= 0 && in.SameAssessment(h.entries[i].risk) {
		return h.entries[i].risk.Clone(), true, nil
	}
	return h.add(id, ModeAutomatic, in, now), false, nil
}

// SetManual records a manual risk assessed as in, with the given id, created
// at now. It becomes current and the history switches to manual mode:
// automatic risks pushed afterwards are kept but not current until
// [History.EnableAutomatic]. Manual risks are never de-duplicated: each is a
// person's decision and is recorded.
//
// Invalid input, a blank comment when opts.CommentRequired, an empty or
// already used id, or a zero now return a *validation.Error and change
// nothing.
func (h *History) SetManual(id string, in Input, now time.Time, opts ManualOptions) (Risk, error) {
	var l validation.List
	h.checkNew(id, in, now, &l)
	if opts.CommentRequired && !hasText(in.Comment) {
		l.Add("comment", validation.CodeRequired, "a comment is required to set a manual risk")
	}
	if err := l.Err(); err != nil {
		return Risk{}, err
	}
	return h.add(id, ModeManual, in, now), nil
}

func (h *History) add(id string, m Mode, in Input, now time.Time) Risk {
	in = in.Clone()
	r := Risk{
		ID:         id,
		Mode:       m,
		Level:      in.Level,
		Score:      in.Score,
		Components: in.Components,
		Flags:      in.Flags,
		Comment:    in.Comment,
		CreatedAt:  now.UTC(),
	}
	h.append(entry{typ: EntryRisk, at: r.CreatedAt, risk: r})
	return r.Clone()
}

// EnableAutomatic switches a history in manual mode back to automatic mode
// at now, recording an EntryAutomaticEnabled entry: the latest automatic
// risk becomes current (or none, when no automatic risk was ever pushed).
// No risk is copied or rewritten. In automatic mode it records nothing and
// returns changed = false. A zero now is a *validation.Error.
func (h *History) EnableAutomatic(now time.Time) (changed bool, err error) {
	if now.IsZero() {
		return false, validation.New("at", validation.CodeRequired, "the time of the change is required")
	}
	if h.Mode() == ModeAutomatic {
		return false, nil
	}
	h.append(entry{typ: EntryAutomaticEnabled, at: now.UTC()})
	return true, nil
}

// MarshalJSON writes the log as a JSON array of entries, oldest first; an
// empty history is [].
func (h History) MarshalJSON() ([]byte, error) {
	return json.Marshal(h.Entries())
}

// UnmarshalJSON reads the array written by MarshalJSON, validating every
// entry: a known type, a valid risk (see [Risk.UnmarshalJSON]) for
// EntryRisk and none otherwise, a valid "at" equal to the risk's created_at,
// unique risk ids. All problems are reported in one *validation.Error with
// paths such as "[2].risk.level"; on error h is unchanged. JSON null
// leaves h unchanged.
func (h *History) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		return nil
	}
	var raws []json.RawMessage
	var l validation.List
	if err := json.Unmarshal(data, &raws); err != nil {
		if json.Valid(data) {
			l.Add("", validation.CodeInvalidType, "a risk history must be a JSON array")
		} else {
			l.Add("", validation.CodeMalformedJSON, "is not well-formed JSON")
		}
		return l.Err()
	}
	entries := make([]entry, 0, len(raws))
	ids := make(map[string]bool)
	for i, raw := range raws {
		prefix := validation.Index("", i)
		e, ok := decodeEntry(raw, prefix, &l)
		if !ok {
			continue
		}
		if e.typ == EntryRisk {
			if ids[e.risk.ID] {
				l.Add(validation.Join(prefix, "risk.id"), validation.CodeDuplicate, "risk id "+quote(e.risk.ID)+" appears twice in the history")
			}
			ids[e.risk.ID] = true
		}
		entries = append(entries, e)
	}
	if err := l.Err(); err != nil {
		return err
	}
	if len(entries) == 0 {
		entries = nil
	}
	h.entries = entries
	return nil
}

func decodeEntry(raw json.RawMessage, prefix string, l *validation.List) (entry, bool) {
	var dl validation.List
	members, ok := readObject(raw, prefix, &dl)
	if !ok {
		l.Merge("", dl.Err())
		return entry{}, false
	}
	var e entry
	var riskRaw json.RawMessage
	hasAt := false
	for _, m := range members {
		path := validation.Join(prefix, m.Key)
		switch m.Key {
		case "type":
			if s, ok := decodeString(m.Value, path, &dl); ok {
				e.typ = EntryType(s)
				if e.typ != EntryRisk && e.typ != EntryAutomaticEnabled {
					dl.Add(path, validation.CodeInvalidValue, "unknown entry type "+quote(s)+": must be risk or automatic_enabled")
				}
			}
		case "at":
			if s, ok := decodeString(m.Value, path, &dl); ok {
				t, ok := jsonobj.ParseTime(s)
				if !ok || t.IsZero() {
					dl.Add(path, validation.CodeInvalidFormat, "at must be an RFC 3339 date-time such as 2024-05-01T09:30:00Z")
				} else {
					e.at, hasAt = t.UTC(), true
				}
			}
		case "risk":
			if !isNull(m.Value) {
				riskRaw = m.Value
			}
		}
	}
	if e.typ == "" && !hasPath(&dl, validation.Join(prefix, "type")) {
		dl.Add(validation.Join(prefix, "type"), validation.CodeRequired, "entry type is required")
	}
	if !hasAt && !hasPath(&dl, validation.Join(prefix, "at")) {
		dl.Add(validation.Join(prefix, "at"), validation.CodeRequired, "entry time is required")
	}
	switch e.typ {
	case EntryRisk:
		if riskRaw == nil {
			dl.Add(validation.Join(prefix, "risk"), validation.CodeRequired, "a risk entry needs its risk")
			break
		}
		r, ok := decodeRisk(riskRaw, validation.Join(prefix, "risk"), &dl)
		if ok {
			e.risk = r
			if hasAt && !r.CreatedAt.Equal(e.at) {
				dl.Add(validation.Join(prefix, "at"), validation.CodeConflict, "entry time differs from its risk's created_at")
			}
		}
	case EntryAutomaticEnabled:
		if riskRaw != nil {
			dl.Add(validation.Join(prefix, "risk"), validation.CodeNotAllowed, "an automatic_enabled entry has no risk")
		}
	}
	if dl.Len() > 0 {
		l.Merge("", dl.Err())
		return entry{}, false
	}
	return e, true
}

func hasPath(l *validation.List, path string) bool {
	err, _ := l.Err().(*validation.Error)
	return err != nil && err.Has(path, "")
}
