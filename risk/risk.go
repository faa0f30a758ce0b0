package risk

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/internal/jsonobj"
	"github.com/dossierkit/dossier/validation"
)

// Risk is one stored risk assessment of a case. Its JSON form is the wire
// object of the hosted API, every key always present:
//
//	{"id": "...", "mode": "automatic", "level": "medium", "score": 10067,
//	 "components": {"customer_score": 1400}, "flags": {"complex_company_alert": false},
//	 "comment": null, "created_at": "2024-05-01T09:30:00Z"}
//
// Score and components are decimals written as JSON numbers in plain
// notation without trailing zeros (10067.0 is written 10067: the value is
// kept, not its spelling). Score, Components, Flags and Comment may be nil,
// written as null; an empty map stays an empty object, so JSON round-trips
// are lossless. CreatedAt is kept in UTC.
//
// A Risk is a value: [Risk.Clone] makes a deep copy, and every Risk a
// [History] returns is a copy the caller may change freely.
type Risk struct {
	// ID identifies the risk; it is unique within a case's history.
	ID string
	// Mode is how the risk was set: ModeAutomatic when pushed by a scoring
	// system, ModeManual when set by a person.
	Mode Mode
	// Level is the risk level; required.
	Level Level
	// Score is the total score, or nil when none was given.
	Score *decimal.Decimal
	// Components details the score by name, or is nil.
	Components map[string]decimal.Decimal
	// Flags details the level by name, or is nil.
	Flags map[string]bool
	// Comment documents the assessment, or is nil.
	Comment *string
	// CreatedAt is when the risk was stored, in UTC.
	CreatedAt time.Time
}

// Input is a risk assessment as a caller submits it, to
// [History.PushAutomatic] or [History.SetManual]: a Risk without the fields
// the library assigns (id, mode, created_at). Its JSON form is the request
// body of the hosted API:
//
//	{"level": "medium", "score": 10067,
//	 "components": {"customer_score": 1400, "product_score": 3000},
//	 "flags": {"prohibited_country_ubo": true, "complex_company_alert": false}}
//
// Decoding is strict: see [Input.UnmarshalJSON].
type Input struct {
	// Level is required.
	Level Level
	// Score is optional (nil for none).
	Score *decimal.Decimal
	// Components is optional; names must not be empty.
	Components map[string]decimal.Decimal
	// Flags is optional; names must not be empty.
	Flags map[string]bool
	// Comment is optional, unless required for a manual risk by
	// [ManualOptions.CommentRequired].
	Comment *string
}

// Clone returns a deep copy of r: no map or pointer is shared.
func (r Risk) Clone() Risk {
	r.Score = clonePtr(r.Score)
	r.Components = maps.Clone(r.Components)
	r.Flags = maps.Clone(r.Flags)
	r.Comment = clonePtr(r.Comment)
	return r
}

// Clone returns a deep copy of in: no map or pointer is shared.
func (in Input) Clone() Input {
	in.Score = clonePtr(in.Score)
	in.Components = maps.Clone(in.Components)
	in.Flags = maps.Clone(in.Flags)
	in.Comment = clonePtr(in.Comment)
	return in
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// Input returns the assessment part of r (a deep copy).
func (r Risk) Input() Input {
	return Input{Level: r.Level, Score: r.Score, Components: r.Components, Flags: r.Flags, Comment: r.Comment}.Clone()
}

// SameAssessment reports whether r and o assess the same risk: the same
// level, score, components and flags, compared by value. Decimals are equal
// when their values are (10067 equals 10067.0); components and flags are
// compared as sets of name/value pairs, so key order never matters, and a
// nil map equals an empty one (both are the empty set). A flag set to false
// differs from an absent flag, and a nil score differs from a zero score.
// ID, Mode, Comment and CreatedAt are ignored.
func (r Risk) SameAssessment(o Risk) bool {
	return sameAssessment(r.Level, r.Score, r.Components, r.Flags, o.Level, o.Score, o.Components, o.Flags)
}

// SameAssessment is [Risk.SameAssessment] for an input; Comment is ignored.
func (in Input) SameAssessment(r Risk) bool {
	return sameAssessment(in.Level, in.Score, in.Components, in.Flags, r.Level, r.Score, r.Components, r.Flags)
}

func sameAssessment(l1 Level, s1 *decimal.Decimal, c1 map[string]decimal.Decimal, f1 map[string]bool,
	l2 Level, s2 *decimal.Decimal, c2 map[string]decimal.Decimal, f2 map[string]bool) bool {
	if l1 != l2 {
		return false
	}
	if (s1 == nil) != (s2 == nil) || (s1 != nil && !s1.Equal(*s2)) {
		return false
	}
	if !maps.EqualFunc(c1, c2, decimal.Decimal.Equal) {
		return false
	}
	return maps.Equal(f1, f2)
}

// Validate reports every problem of in as a *validation.Error: a missing or
// unknown level, numbers outside [MaxIntegerDigits] and [MaxFractionDigits],
// empty component or flag names. It returns nil when in is valid.
func (in Input) Validate() error {
	var l validation.List
	in.validate("", &l)
	return l.Err()
}

func (in Input) validate(prefix string, l *validation.List) {
	switch {
	case in.Level == "":
		l.Add(validation.Join(prefix, "level"), validation.CodeRequired, levelMessage(""))
	case !in.Level.Valid():
		l.Add(validation.Join(prefix, "level"), validation.CodeInvalidValue, levelMessage(string(in.Level)))
	}
	if in.Score != nil {
		if p := checkDecimal(*in.Score); p != nil {
			l.Add(validation.Join(prefix, "score"), p.code, "score "+p.msg)
		}
	}
	if !componentsOK(in.Components) {
		// Report in name order, so that the error does not depend on map
		// iteration.
		for _, name := range slices.Sorted(maps.Keys(in.Components)) {
			path := validation.Join(validation.Join(prefix, "components"), name)
			if name == "" {
				l.Add(path, validation.CodeInvalidValue, "component names must not be empty")
				continue
			}
			if p := checkDecimal(in.Components[name]); p != nil {
				l.Add(path, p.code, "component "+quote(name)+" "+p.msg)
			}
		}
	}
	if _, ok := in.Flags[""]; ok {
		l.Add(validation.Join(prefix, "flags"), validation.CodeInvalidValue, "flag names must not be empty")
	}
}

// componentsOK reports whether every component has a name and a number
// within the limits.
func componentsOK(c map[string]decimal.Decimal) bool {
	for name, v := range c {
		if name == "" || checkDecimal(v) != nil {
			return false
		}
	}
	return true
}

// Validate reports every problem of r as a *validation.Error: those of
// [Input.Validate], plus a missing id, a missing or unknown mode and a zero
// created_at. It returns nil when r is valid.
func (r Risk) Validate() error {
	var l validation.List
	r.validate("", &l)
	return l.Err()
}

func (r Risk) validate(prefix string, l *validation.List) {
	if r.ID == "" {
		l.Add(validation.Join(prefix, "id"), validation.CodeRequired, "id is required")
	}
	switch {
	case r.Mode == "":
		l.Add(validation.Join(prefix, "mode"), validation.CodeRequired, modeMessage)
	case !r.Mode.Valid():
		l.Add(validation.Join(prefix, "mode"), validation.CodeInvalidValue, modeMessage)
	}
	Input{Level: r.Level, Score: r.Score, Components: r.Components, Flags: r.Flags}.validate(prefix, l)
	if r.CreatedAt.IsZero() {
		l.Add(validation.Join(prefix, "created_at"), validation.CodeRequired, "created_at is required")
	}
}

// number is a decimal that encodes as a plain JSON number.
type number decimal.Decimal

// MarshalJSON writes n in plain notation (see formatNumber).
func (n number) MarshalJSON() ([]byte, error) {
	return []byte(formatNumber(decimal.Decimal(n))), nil
}

// wireRisk is the JSON shape of a Risk.
type wireRisk struct {
	ID         string            `json:"id"`
	Mode       Mode              `json:"mode"`
	Level      Level             `json:"level"`
	Score      *number           `json:"score"`
	Components map[string]number `json:"components"`
	Flags      map[string]bool   `json:"flags"`
	Comment    *string           `json:"comment"`
	CreatedAt  time.Time         `json:"created_at"`
}

// wireInput is the JSON shape of an Input.
type wireInput struct {
	Level      Level             `json:"level"`
	Score      *number           `json:"score"`
	Components map[string]number `json:"components"`
	Flags      map[string]bool   `json:"flags"`
	Comment    *string           `json:"comment"`
}

func toNumbers(in map[string]decimal.Decimal) map[string]number {
	if in == nil {
		return nil
	}
	out := make(map[string]number, len(in))
	for k, v := range in {
		out[k] = number(v)
	}
	return out
}

// MarshalJSON writes the wire object. It refuses (with the
// *validation.Error of [Risk.Validate]) a risk that is not valid, so that
// everything written can be read back.
func (r Risk) MarshalJSON() ([]byte, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return json.Marshal(wireRisk{
		ID:         r.ID,
		Mode:       r.Mode,
		Level:      r.Level,
		Score:      (*number)(r.Score),
		Components: toNumbers(r.Components),
		Flags:      r.Flags,
		Comment:    r.Comment,
		CreatedAt:  r.CreatedAt.UTC(),
	})
}

// MarshalJSON writes the request object. It refuses (with the
// *validation.Error of [Input.Validate]) an input that is not valid.
func (in Input) MarshalJSON() ([]byte, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return json.Marshal(wireInput{
		Level:      in.Level,
		Score:      (*number)(in.Score),
		Components: toNumbers(in.Components),
		Flags:      in.Flags,
		Comment:    in.Comment,
	})
}

// UnmarshalJSON decodes the wire object of a risk. Numbers are read from
// their decimal text (never through float64); a number may also be given as
// a JSON string holding a JSON number ("10067.5"). Every problem is reported
// in one *validation.Error: a wrong JSON type, a missing id, mode, level or
// created_at, an unknown level or mode, a non-numeric or NaN-like score or
// component, a number outside the limits, a non-boolean flag, a key repeated
// in one object. Keys that are not part of the wire object are ignored (a
// newer version may add some). JSON null leaves r unchanged; on error r is
// unchanged too.
func (r *Risk) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		return nil
	}
	var l validation.List
	v, ok := decodeRisk(data, "", &l)
	if !ok {
		return l.Err()
	}
	*r = v
	return nil
}

// UnmarshalJSON decodes a risk as submitted: the keys level (required),
// score, components, flags and comment, with the number rules of
// [Risk.UnmarshalJSON]. It is strict: id, mode and created_at are refused
// with [validation.CodeNotAllowed] (the library assigns them) and any other
// key with [validation.CodeUnknownField], so that a misspelt "socre" is an
// error rather than a silently missing score. JSON null leaves in unchanged;
// on error in is unchanged too. Through json.Unmarshal, malformed JSON is
// reported by encoding/json (a *json.SyntaxError) before this method runs;
// [ParseInput] reports it as a *validation.Error too.
func (in *Input) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		return nil
	}
	var l validation.List
	v, ok := decodeInput(data, "", &l)
	if !ok {
		return l.Err()
	}
	*in = v
	return nil
}

// ParseInput decodes a request body into an Input with the rules of
// [Input.UnmarshalJSON]. Every failure, malformed JSON and JSON null
// included, is a *validation.Error, so a host can answer HTTP 400 for any
// error it returns.
func ParseInput(data []byte) (Input, error) {
	if isNull(data) {
		return Input{}, validation.New("", validation.CodeRequired, "a risk object is required")
	}
	var l validation.List
	in, ok := decodeInput(data, "", &l)
	if !ok {
		return Input{}, l.Err()
	}
	return in, nil
}

// decodeRisk decodes a risk object at prefix; ok is false when l got a
// problem.
func decodeRisk(data []byte, prefix string, l *validation.List) (Risk, bool) {
	var dl validation.List
	members, ok := readObject(data, prefix, &dl)
	if !ok {
		l.Merge("", dl.Err())
		return Risk{}, false
	}
	var r Risk
	var in Input
	for _, m := range members {
		path := validation.Join(prefix, m.Key)
		if decodeInputField(m, path, &in, &dl) {
			continue
		}
		switch m.Key {
		case "id":
			if !isNull(m.Value) {
				r.ID, _ = decodeString(m.Value, path, &dl)
			}
		case "mode":
			if !isNull(m.Value) {
				if s, ok := decodeString(m.Value, path, &dl); ok {
					r.Mode = Mode(s)
				}
			}
		case "created_at":
			if !isNull(m.Value) {
				if s, ok := decodeString(m.Value, path, &dl); ok {
					t, ok := jsonobj.ParseTime(s)
					if !ok {
						dl.Add(path, validation.CodeInvalidFormat, "created_at must be an RFC 3339 date-time such as 2024-05-01T09:30:00Z")
					} else {
						r.CreatedAt = t.UTC()
					}
				}
			}
		}
	}
	r.Level, r.Score, r.Components, r.Flags, r.Comment = in.Level, in.Score, in.Components, in.Flags, in.Comment
	var vl validation.List
	r.validate(prefix, &vl)
	return r, finish(prefix, l, &dl, &vl)
}

// decodeInput decodes an input object at prefix; ok is false when l got a
// problem.
func decodeInput(data []byte, prefix string, l *validation.List) (Input, bool) {
	var dl validation.List
	members, ok := readObject(data, prefix, &dl)
	if !ok {
		l.Merge("", dl.Err())
		return Input{}, false
	}
	var in Input
	for _, m := range members {
		path := validation.Join(prefix, m.Key)
		if decodeInputField(m, path, &in, &dl) {
			continue
		}
		switch m.Key {
		case "id", "mode", "created_at":
			dl.Add(path, validation.CodeNotAllowed, m.Key+" is assigned by the library and may not be given")
		default:
			dl.Add(path, validation.CodeUnknownField, "unknown field "+quote(m.Key)+": the fields are level, score, components, flags and comment")
		}
	}
	var vl validation.List
	in.validate(prefix, &vl)
	return in, finish(prefix, l, &dl, &vl)
}

// fieldOrder is the order problems are reported in: the fields of the wire
// object, then any other key.
var fieldOrder = map[string]int{
	"id": 1, "mode": 2, "level": 3, "score": 4, "components": 5, "flags": 6, "comment": 7, "created_at": 8,
}

// finish merges the decoding problems dl and the validation problems vl
// into l, leaving out validation problems at a path decoding already
// reported (a level of the wrong type is not also "required"). Problems are
// ordered by field (see fieldOrder), then by path, whatever the key order of
// the document.
func finish(prefix string, l, dl, vl *validation.List) bool {
	derr, _ := dl.Err().(*validation.Error)
	verr, _ := vl.Err().(*validation.Error)
	if derr == nil && verr == nil {
		return true
	}
	var all []validation.Problem
	reported := make(map[string]bool)
	if derr != nil {
		for _, p := range derr.Problems {
			reported[p.Path] = true
			all = append(all, p)
		}
	}
	if verr != nil {
		for _, p := range verr.Problems {
			if !reported[p.Path] {
				all = append(all, p)
			}
		}
	}
	rank := func(path string) int {
		rest := strings.TrimPrefix(strings.TrimPrefix(path, prefix), ".")
		key, _, _ := strings.Cut(rest, ".")
		if r, ok := fieldOrder[key]; ok {
			return r
		}
		return len(fieldOrder) + 1
	}
	slices.SortStableFunc(all, func(a, b validation.Problem) int {
		if c := rank(a.Path) - rank(b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
	for _, p := range all {
		l.Add(p.Path, p.Code, p.Message)
	}
	return false
}

// decodeInputField decodes m when it is one of the fields shared by Risk and
// Input, and reports whether it was.
func decodeInputField(m member, path string, in *Input, l *validation.List) bool {
	switch m.Key {
	case "level":
		if !isNull(m.Value) {
			if s, ok := decodeString(m.Value, path, l); ok {
				in.Level = Level(s)
			}
		}
	case "score":
		if !isNull(m.Value) {
			if d, ok := decodeNumber(m.Value, path, "", l); ok {
				in.Score = &d
			}
		}
	case "components":
		if isNull(m.Value) {
			break
		}
		members, ok := readObject(m.Value, path, l)
		if !ok {
			break
		}
		in.Components = make(map[string]decimal.Decimal, len(members))
		for _, c := range members {
			if d, ok := decodeNumber(c.Value, path, c.Key, l); ok {
				in.Components[c.Key] = d
			}
		}
	case "flags":
		if isNull(m.Value) {
			break
		}
		members, ok := readObject(m.Value, path, l)
		if !ok {
			break
		}
		in.Flags = make(map[string]bool, len(members))
		for _, f := range members {
			if b, ok := decodeBool(f.Value, path, f.Key, l); ok {
				in.Flags[f.Key] = b
			}
		}
	case "comment":
		if !isNull(m.Value) {
			if s, ok := decodeString(m.Value, path, l); ok {
				in.Comment = &s
			}
		}
	default:
		return false
	}
	return true
}

// hasText reports whether s holds something other than white space.
func hasText(s *string) bool { return s != nil && strings.TrimSpace(*s) != "" }
