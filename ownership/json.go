package ownership

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/validation"
)

// JSON forms of the package's results. Enumerations are strings (the text
// of their String method, except Comparator), never integers; exact values
// are fraction strings ("200/3", "42", the text of big.Rat.RatString) with
// a display decimal beside them ([DisplayPlaces] decimals, half away from
// zero for an exact value, rounded outwards for the bounds of a range).
//
// A [Total]:
//
//	{"kind": "exact", "value": "200/3", "display": "66.67"}
//	{"kind": "range",
//	 "min": {"value": "25", "display": "25.00", "exclusive": true},
//	 "max": {"value": "50", "display": "50.00", "exclusive": false},
//	 "display": "(25.00, 50.00]"}
//	{"kind": "range", "min": {...}, "max": null, "display": "[10.00, unbounded]"}
//	{"kind": "closed_loop", "display": "closed loop"}
//	{"kind": "unknown", "display": "unknown"}
//
// max null means no finite upper bound. Decoding reads kind, value, min and
// max, refuses unknown members, and ignores the display members (they are
// recomputed); the bounds of a range must be in order.

// Total kinds on the wire.
const (
	totalKindExact      = "exact"
	totalKindRange      = "range"
	totalKindClosedLoop = "closed_loop"
	totalKindUnknown    = "unknown"
)

// totalBound is one end of a range on the wire.
type totalBound struct {
	Value     string `json:"value"`
	Display   string `json:"display"`
	Exclusive bool   `json:"exclusive"`
}

// MarshalJSON encodes t in the form described above (see the package's
// JSON forms: kind, exact fraction, display decimal, bounds with their
// open or closed ends).
func (t Total) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	switch t.kind {
	case kindExact:
		fmt.Fprintf(&b, `{"kind":%q,"value":%q,"display":%q}`, totalKindExact, t.min.RatString(), t.String())
	case kindRange:
		lo, hi, _ := t.Bounds(DisplayPlaces)
		minJ, _ := json.Marshal(totalBound{Value: t.min.RatString(), Display: lo.StringFixed(DisplayPlaces), Exclusive: t.minOpen})
		maxJ := []byte("null")
		if t.max != nil {
			maxJ, _ = json.Marshal(totalBound{Value: t.max.RatString(), Display: hi.StringFixed(DisplayPlaces), Exclusive: t.maxOpen})
		}
		fmt.Fprintf(&b, `{"kind":%q,"min":%s,"max":%s,"display":%q}`, totalKindRange, minJ, maxJ, t.String())
	case kindClosedLoop:
		fmt.Fprintf(&b, `{"kind":%q,"display":%q}`, totalKindClosedLoop, t.String())
	default:
		fmt.Fprintf(&b, `{"kind":%q,"display":%q}`, totalKindUnknown, t.String())
	}
	return b.Bytes(), nil
}

// UnmarshalJSON decodes the form MarshalJSON writes. Problems are reported
// at once in a *validation.Error with paths such as "min.value".
func (t *Total) UnmarshalJSON(data []byte) error {
	var kind, value, display string
	var lo, hi json.RawMessage
	var l validation.List
	if !patch.DecodeObjectInto(&l, data, map[string]any{
		"kind": &kind, "value": &value, "min": &lo, "max": &hi, "display": &display,
	}) {
		return l.Err()
	}
	var out Total
	switch kind {
	case totalKindExact:
		if r := parseRat(&l, "value", value, false); r != nil {
			out = exactTotal(r)
		}
	case totalKindRange:
		minR, minOpen := decodeBound(&l, "min", lo, true)
		maxR, maxOpen := decodeBound(&l, "max", hi, false)
		if minR != nil && maxR != nil && minR.Cmp(maxR) >= 0 {
			l.Add("max", validation.CodeOutOfRange, "the upper bound of a range must be above its lower bound")
		}
		if minR != nil {
			out = Total{kind: kindRange, min: minR, max: maxR, minOpen: minOpen, maxOpen: maxOpen && maxR != nil}
		}
	case totalKindClosedLoop:
		out = closedLoopTotal()
	case totalKindUnknown:
	case "":
		l.Add("kind", validation.CodeRequired, "kind is required")
	default:
		l.Addf("kind", validation.CodeInvalidValue, "must be exact, range, closed_loop or unknown")
	}
	if kind != totalKindExact && value != "" {
		l.Add("value", validation.CodeNotAllowed, "only an exact total has a value")
	}
	if kind != totalKindRange && (len(lo) > 0 || len(hi) > 0 && string(hi) != "null") {
		l.Add("kind", validation.CodeConflict, "only a range has min and max")
	}
	if err := l.Err(); err != nil {
		return err
	}
	*t = out
	return nil
}

// decodeBound reads one end of a range; a missing or null max is no
// finite bound, a missing min is a problem.
func decodeBound(l *validation.List, path string, raw json.RawMessage, required bool) (*big.Rat, bool) {
	if len(raw) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		if required {
			l.Add(path, validation.CodeRequired, "a range has a lower bound")
		}
		return nil, false
	}
	var value, display string
	var exclusive bool
	var sub validation.List
	patch.DecodeObjectInto(&sub, raw, map[string]any{"value": &value, "display": &display, "exclusive": &exclusive})
	l.Merge(path, sub.Err())
	if sub.Len() > 0 {
		return nil, false
	}
	return parseRat(l, validation.Join(path, "value"), value, false), exclusive
}

// parseRat reads a fraction or decimal string such as "200/3" or "42.5",
// refusing a negative one unless signed.
func parseRat(l *validation.List, path, s string, signed bool) *big.Rat {
	if s == "" {
		l.Add(path, validation.CodeRequired, "a value is required")
		return nil
	}
	if len(s) > 200 || strings.ContainsAny(s, "eE") {
		l.Add(path, validation.CodeInvalidFormat, "must be a fraction such as 200/3 or a decimal such as 42.5")
		return nil
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		l.Add(path, validation.CodeInvalidFormat, "must be a fraction such as 200/3 or a decimal such as 42.5")
		return nil
	}
	if r.Sign() < 0 && !signed {
		l.Add(path, validation.CodeOutOfRange, "a percentage is not negative")
		return nil
	}
	return r
}

// MarshalText returns "ownership" or "voting_rights".
func (i Interest) MarshalText() ([]byte, error) {
	if !i.valid() {
		return nil, fmt.Errorf("ownership: invalid interest %d", uint8(i))
	}
	return []byte(i.String()), nil
}

// UnmarshalText reads "ownership" or "voting_rights".
func (i *Interest) UnmarshalText(b []byte) error {
	switch string(b) {
	case "ownership":
		*i = Ownership
	case "voting_rights":
		*i = Voting
	default:
		return validation.New("", validation.CodeInvalidValue, "must be ownership or voting_rights")
	}
	return nil
}

// MarshalText returns "no", "possibly" or "yes".
func (o Outcome) MarshalText() ([]byte, error) {
	if o > Yes {
		return nil, fmt.Errorf("ownership: invalid outcome %d", uint8(o))
	}
	return []byte(o.String()), nil
}

// UnmarshalText reads "no", "possibly" or "yes".
func (o *Outcome) UnmarshalText(b []byte) error {
	switch string(b) {
	case "no":
		*o = No
	case "possibly":
		*o = Possibly
	case "yes":
		*o = Yes
	default:
		return validation.New("", validation.CodeInvalidValue, "must be no, possibly or yes")
	}
	return nil
}

// MarshalText returns "multiplicative" or "control_chain".
func (m VotingMethod) MarshalText() ([]byte, error) {
	if m != Multiplicative && m != ControlChain {
		return nil, fmt.Errorf("ownership: invalid voting method %d", uint8(m))
	}
	return []byte(m.String()), nil
}

// UnmarshalText reads "multiplicative" or "control_chain".
func (m *VotingMethod) UnmarshalText(b []byte) error {
	switch string(b) {
	case "multiplicative":
		*m = Multiplicative
	case "control_chain":
		*m = ControlChain
	default:
		return validation.New("", validation.CodeInvalidValue, "must be multiplicative or control_chain")
	}
	return nil
}

// MarshalText returns "at_least" or "more_than" (String gives ">=" and
// ">", for people).
func (c Comparator) MarshalText() ([]byte, error) {
	switch c {
	case AtLeast:
		return []byte("at_least"), nil
	case MoreThan:
		return []byte("more_than"), nil
	}
	return nil, fmt.Errorf("ownership: invalid comparator %d", uint8(c))
}

// UnmarshalText reads "at_least" or "more_than".
func (c *Comparator) UnmarshalText(b []byte) error {
	switch string(b) {
	case "at_least":
		*c = AtLeast
	case "more_than":
		*c = MoreThan
	default:
		return validation.New("", validation.CodeInvalidValue, "must be at_least or more_than")
	}
	return nil
}

// assessmentJSON is the wire form of an Assessment.
type assessmentJSON struct {
	ID            string  `json:"id"`
	Ultimate      bool    `json:"ultimate"`
	Ownership     Total   `json:"ownership"`
	Voting        Total   `json:"voting_rights"`
	OwnershipTest Outcome `json:"ownership_test"`
	VotingTest    Outcome `json:"voting_rights_test"`
	Outcome       Outcome `json:"outcome"`
}

// MarshalJSON encodes a as
//
//	{"id": "tony", "ultimate": true, "ownership": Total, "voting_rights": Total,
//	 "ownership_test": "yes", "voting_rights_test": "possibly", "outcome": "yes"}
//
// where outcome is [Assessment.Outcome], the two tests combined.
func (a Assessment) MarshalJSON() ([]byte, error) {
	return json.Marshal(assessmentJSON{ID: a.ID, Ultimate: a.Ultimate, Ownership: a.Ownership, Voting: a.Voting,
		OwnershipTest: a.OwnershipTest, VotingTest: a.VotingTest, Outcome: a.Outcome()})
}

// UnmarshalJSON decodes the form MarshalJSON writes; outcome must be the
// combination of the two tests.
func (a *Assessment) UnmarshalJSON(data []byte) error {
	var v assessmentJSON
	var l validation.List
	if !patch.DecodeObjectInto(&l, data, map[string]any{
		"id": &v.ID, "ultimate": &v.Ultimate, "ownership": &v.Ownership, "voting_rights": &v.Voting,
		"ownership_test": &v.OwnershipTest, "voting_rights_test": &v.VotingTest, "outcome": &v.Outcome,
	}) {
		return l.Err()
	}
	out := Assessment{ID: v.ID, Ultimate: v.Ultimate, Ownership: v.Ownership, Voting: v.Voting,
		OwnershipTest: v.OwnershipTest, VotingTest: v.VotingTest}
	if l.Len() == 0 && out.Outcome() != v.Outcome {
		l.Addf("outcome", validation.CodeConflict, "the combined outcome of %s and %s is %s", v.OwnershipTest, v.VotingTest, out.Outcome())
	}
	if err := l.Err(); err != nil {
		return err
	}
	*a = out
	return nil
}

// discrepancyJSON is the wire form of a Discrepancy.
type discrepancyJSON struct {
	ID         string   `json:"id"`
	Interest   Interest `json:"interest"`
	Declared   Percent  `json:"declared"`
	Computed   Total    `json:"computed"`
	Differs    bool     `json:"differs"`
	Difference *string  `json:"difference"`
}

// MarshalJSON encodes d as
//
//	{"id": "tony", "interest": "ownership", "declared": 30, "computed": Total,
//	 "differs": true, "difference": "-10/3"}
//
// declared is the percentage as given (a number, null for unknown, or a
// band object); difference is declared minus computed as a fraction
// string, null unless both are exact numbers.
func (d Discrepancy) MarshalJSON() ([]byte, error) {
	v := discrepancyJSON{ID: d.ID, Interest: d.Interest, Declared: d.Declared, Computed: d.Computed, Differs: d.Differs}
	if d.Difference != nil {
		s := d.Difference.RatString()
		v.Difference = &s
	}
	return json.Marshal(v)
}

// UnmarshalJSON decodes the form MarshalJSON writes.
func (d *Discrepancy) UnmarshalJSON(data []byte) error {
	var v discrepancyJSON
	var l validation.List
	if !patch.DecodeObjectInto(&l, data, map[string]any{
		"id": &v.ID, "interest": &v.Interest, "declared": &v.Declared, "computed": &v.Computed,
		"differs": &v.Differs, "difference": &v.Difference,
	}) {
		return l.Err()
	}
	out := Discrepancy{ID: v.ID, Interest: v.Interest, Declared: v.Declared, Computed: v.Computed, Differs: v.Differs}
	if v.Difference != nil {
		out.Difference = parseRat(&l, "difference", *v.Difference, true)
	}
	if err := l.Err(); err != nil {
		return err
	}
	*d = out
	return nil
}

// unattributedJSON is the wire form of an Unattributed.
type unattributedJSON struct {
	Undeclared   Total      `json:"undeclared"`
	Uncontrolled Total      `json:"uncontrolled"`
	ClosedLoop   Total      `json:"closed_loop"`
	Loops        [][]string `json:"loops"`
	Total        Total      `json:"total"`
}

// MarshalJSON encodes u as
//
//	{"undeclared": Total, "uncontrolled": Total, "closed_loop": Total,
//	 "loops": [["a", "b"]], "total": Total}
//
// where total is the sum of the three parts (a range when a part is one;
// its upper bound is at most 100) and loops is an array, empty when there
// is no closed loop.
func (u Unattributed) MarshalJSON() ([]byte, error) {
	loops := u.Loops
	if loops == nil {
		loops = [][]string{}
	}
	return json.Marshal(unattributedJSON{Undeclared: u.Undeclared, Uncontrolled: u.Uncontrolled,
		ClosedLoop: u.ClosedLoop, Loops: loops, Total: u.Total()})
}

// Total returns the sum of the three parts: exact when they all are; a
// range whose bounds are the sums of the parts' bounds, open where a
// part's bound is, and capped at 100 (the whole root) otherwise; unknown
// when a part is unknown (the zero Unattributed).
func (u Unattributed) Total() Total {
	return addTotals(addTotals(u.Undeclared, u.Uncontrolled), u.ClosedLoop)
}

// addTotals adds two exact or range totals, capping the maximum at 100.
func addTotals(a, b Total) Total {
	if (a.kind != kindExact && a.kind != kindRange) || (b.kind != kindExact && b.kind != kindRange) {
		return Total{}
	}
	lo := new(big.Rat).Add(a.min, b.min)
	if a.kind == kindExact && b.kind == kindExact {
		return exactTotal(lo)
	}
	hundred := big.NewRat(100, 1)
	hi, hiOpen := hundred, false
	if a.max != nil && b.max != nil {
		if s := new(big.Rat).Add(a.max, b.max); s.Cmp(hundred) <= 0 {
			hi, hiOpen = s, a.maxOpen || b.maxOpen
		}
	}
	return openRangeTotal(lo, a.minOpen || b.minOpen, hi, hiOpen)
}

// UnmarshalJSON decodes the form MarshalJSON writes; total, being derived
// from the parts, must be their sum.
func (u *Unattributed) UnmarshalJSON(data []byte) error {
	var v unattributedJSON
	var l validation.List
	if !patch.DecodeObjectInto(&l, data, map[string]any{
		"undeclared": &v.Undeclared, "uncontrolled": &v.Uncontrolled, "closed_loop": &v.ClosedLoop,
		"loops": &v.Loops, "total": &v.Total,
	}) {
		return l.Err()
	}
	out := Unattributed{Undeclared: v.Undeclared, Uncontrolled: v.Uncontrolled, ClosedLoop: v.ClosedLoop}
	if len(v.Loops) > 0 {
		out.Loops = v.Loops
	}
	if l.Len() == 0 && !out.Total().Equal(v.Total) {
		l.Addf("total", validation.CodeConflict, "must be the sum of the parts, %s", out.Total())
	}
	if err := l.Err(); err != nil {
		return err
	}
	*u = out
	return nil
}

// HolderTotals is one holder of the root with its two totals, as the JSON
// form of a [Result] lists it.
type HolderTotals struct {
	ID string `json:"id"`
	// Ultimate is true for a holder with no owner of its own.
	Ultimate  bool  `json:"ultimate"`
	Ownership Total `json:"ownership"`
	Voting    Total `json:"voting_rights"`
}

// Holder returns the totals of one holder of the root as the JSON form of
// a Result lists it; ok is false for an id that holds nothing in the root
// (see Total).
func (r *Result) Holder(id string) (h HolderTotals, ok bool) {
	own, ok := r.Total(id, Ownership)
	if !ok {
		return HolderTotals{}, false
	}
	vot, _ := r.Total(id, Voting)
	return HolderTotals{ID: id, Ultimate: r.IsUltimate(id), Ownership: own, Voting: vot}, true
}

// MarshalJSON encodes r as
//
//	{"root": "acme",
//	 "options": {"voting": "multiplicative", "voting_from_ownership": false, "max_cycle_size": 500},
//	 "holders": [{"id": "tony", "ultimate": true, "ownership": Total, "voting_rights": Total}, ...],
//	 "unattributed": {"ownership": Unattributed, "voting_rights": Unattributed}}
//
// with the holders sorted by id (see Holders). A Result is computed, not
// decoded: there is no UnmarshalJSON.
func (r *Result) MarshalJSON() ([]byte, error) {
	holders := make([]HolderTotals, 0, r.g.n)
	for _, id := range r.Holders() {
		h, _ := r.Holder(id)
		holders = append(holders, h)
	}
	return json.Marshal(struct {
		Root         string         `json:"root"`
		Options      Options        `json:"options"`
		Holders      []HolderTotals `json:"holders"`
		Unattributed struct {
			Ownership Unattributed `json:"ownership"`
			Voting    Unattributed `json:"voting_rights"`
		} `json:"unattributed"`
	}{
		Root: r.g.rootID, Options: r.opts, Holders: holders,
		Unattributed: struct {
			Ownership Unattributed `json:"ownership"`
			Voting    Unattributed `json:"voting_rights"`
		}{r.Unattributed(Ownership), r.Unattributed(Voting)},
	})
}
