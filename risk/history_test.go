package risk_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/validation"
)

var t0 = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

// seedInput is the automatic risk of the product spec.
func seedInput() risk.Input {
	return risk.Input{
		Level: risk.LevelMedium,
		Score: decp("10067"),
		Components: map[string]decimal.Decimal{
			"customer_score": dec("1400"), "product_score": dec("3000"), "delivery_channel_score": dec("2000"),
			"transaction_score": dec("1667"), "geography_score": dec("2000"),
		},
		Flags: map[string]bool{"prohibited_country_ubo": true, "complex_company_alert": false},
	}
}

// with returns a copy of the spec's example input changed by f.
func with(f func(in *risk.Input)) risk.Input {
	in := seedInput()
	f(&in)
	return in
}

type op int

const (
	push op = iota
	manual
	enable
)

// step is one call on a History and what must hold after it. Risk ids are
// "r<step index>", so wantCurrent and wantReturned name the step that
// stored the risk.
type step struct {
	op   op
	in   risk.Input
	opts risk.ManualOptions

	wantDuplicate bool   // push: the call reported a duplicate
	wantReturned  string // push/manual: id of the returned risk ("" for the new one)
	wantChanged   bool   // enable: the call recorded an entry
	wantErr       bool

	wantMode    risk.Mode
	wantCurrent string // id of the current risk, "" for none
	wantRisks   int    // number of stored risks
	wantEntries int    // number of log entries
}

func TestHistorySequences(t *testing.T) {
	manualHigh := risk.Input{Level: risk.LevelHigh, Comment: strp("customer is a PEP")}
	tests := []struct {
		name  string
		steps []step
	}{
		{"first automatic risk is current", []step{
			{op: push, in: seedInput(), wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
		}},
		{"newer automatic risk replaces the current one", []step{
			{op: push, in: seedInput(), wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
			{op: push, in: with(func(in *risk.Input) { in.Level = risk.LevelHigh }), wantMode: risk.ModeAutomatic, wantCurrent: "r1", wantRisks: 2, wantEntries: 2},
		}},
		{"manual risk set", []step{
			{op: push, in: seedInput(), wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
			{op: manual, in: manualHigh, wantMode: risk.ModeManual, wantCurrent: "r1", wantRisks: 2, wantEntries: 2},
		}},
		{"manual risk on an empty history", []step{
			{op: manual, in: manualHigh, wantMode: risk.ModeManual, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
		}},
		{"automatic risk pushed while manual is stored but not current", []step{
			{op: push, in: seedInput(), wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
			{op: manual, in: manualHigh, wantMode: risk.ModeManual, wantCurrent: "r1", wantRisks: 2, wantEntries: 2},
			{op: push, in: with(func(in *risk.Input) { in.Level = risk.LevelLow }), wantMode: risk.ModeManual, wantCurrent: "r1", wantRisks: 3, wantEntries: 3},
		}},
		{"enable automatic again makes the latest automatic risk current", []step{
			{op: push, in: seedInput(), wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
			{op: manual, in: manualHigh, wantMode: risk.ModeManual, wantCurrent: "r1", wantRisks: 2, wantEntries: 2},
			{op: push, in: with(func(in *risk.Input) { in.Level = risk.LevelLow }), wantMode: risk.ModeManual, wantCurrent: "r1", wantRisks: 3, wantEntries: 3},
			{op: enable, wantChanged: true, wantMode: risk.ModeAutomatic, wantCurrent: "r2", wantRisks: 3, wantEntries: 4},
		}},
		{"enable automatic with no automatic risk leaves no current risk", []step{
			{op: manual, in: manualHigh, wantMode: risk.ModeManual, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
			{op: enable, wantChanged: true, wantMode: risk.ModeAutomatic, wantCurrent: "", wantRisks: 1, wantEntries: 2},
			{op: push, in: seedInput(), wantMode: risk.ModeAutomatic, wantCurrent: "r2", wantRisks: 2, wantEntries: 3},
		}},
		{"enable automatic when automatic records nothing", []step{
			{op: enable, wantChanged: false, wantMode: risk.ModeAutomatic, wantCurrent: "", wantRisks: 0, wantEntries: 0},
			{op: push, in: seedInput(), wantMode: risk.ModeAutomatic, wantCurrent: "r1", wantRisks: 1, wantEntries: 1},
			{op: enable, wantChanged: false, wantMode: risk.ModeAutomatic, wantCurrent: "r1", wantRisks: 1, wantEntries: 1},
		}},
		{"enable twice records once", []step{
			{op: push, in: seedInput(), wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
			{op: manual, in: manualHigh, wantMode: risk.ModeManual, wantCurrent: "r1", wantRisks: 2, wantEntries: 2},
			{op: enable, wantChanged: true, wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 2, wantEntries: 3},
			{op: enable, wantChanged: false, wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 2, wantEntries: 3},
		}},
		{"manual again after enabling, then enable again", []step{
			{op: push, in: seedInput(), wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
			{op: manual, in: manualHigh, wantMode: risk.ModeManual, wantCurrent: "r1", wantRisks: 2, wantEntries: 2},
			{op: enable, wantChanged: true, wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 2, wantEntries: 3},
			{op: manual, in: risk.Input{Level: risk.LevelProhibited}, wantMode: risk.ModeManual, wantCurrent: "r3", wantRisks: 3, wantEntries: 4},
			{op: manual, in: risk.Input{Level: risk.LevelLow}, wantMode: risk.ModeManual, wantCurrent: "r4", wantRisks: 4, wantEntries: 5},
			{op: enable, wantChanged: true, wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 4, wantEntries: 6},
		}},
		{"exact duplicate pushed", []step{
			{op: push, in: seedInput(), wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
			{op: push, in: seedInput(), wantDuplicate: true, wantReturned: "r0", wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
		}},
		{"duplicate by value: 10067.0 and 1400.00", []step{
			{op: push, in: seedInput(), wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
			{op: push, in: with(func(in *risk.Input) {
				in.Score = decp("10067.0")
				in.Components["customer_score"] = dec("1400.00")
			}), wantDuplicate: true, wantReturned: "r0", wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
		}},
		{"duplicate differing only by comment", []step{
			{op: push, in: seedInput(), wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
			{op: push, in: with(func(in *risk.Input) { in.Comment = strp("rescored") }), wantDuplicate: true, wantReturned: "r0",
				wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
		}},
		{"near duplicate: one component differs", []step{
			{op: push, in: seedInput(), wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
			{op: push, in: with(func(in *risk.Input) { in.Components["geography_score"] = dec("2001") }),
				wantMode: risk.ModeAutomatic, wantCurrent: "r1", wantRisks: 2, wantEntries: 2},
		}},
		{"near duplicate: flag false vs absent", []step{
			{op: push, in: seedInput(), wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
			{op: push, in: with(func(in *risk.Input) { delete(in.Flags, "complex_company_alert") }),
				wantMode: risk.ModeAutomatic, wantCurrent: "r1", wantRisks: 2, wantEntries: 2},
		}},
		{"near duplicate: score removed", []step{
			{op: push, in: seedInput(), wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
			{op: push, in: with(func(in *risk.Input) { in.Score = nil }), wantMode: risk.ModeAutomatic, wantCurrent: "r1", wantRisks: 2, wantEntries: 2},
		}},
		{"duplicate is checked against the latest automatic risk only (A, B, A)", []step{
			{op: push, in: seedInput(), wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
			{op: push, in: with(func(in *risk.Input) { in.Level = risk.LevelHigh }), wantMode: risk.ModeAutomatic, wantCurrent: "r1", wantRisks: 2, wantEntries: 2},
			{op: push, in: seedInput(), wantMode: risk.ModeAutomatic, wantCurrent: "r2", wantRisks: 3, wantEntries: 3},
		}},
		{"duplicate pushed while manual stores nothing and keeps the manual risk", []step{
			{op: push, in: seedInput(), wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
			{op: manual, in: manualHigh, wantMode: risk.ModeManual, wantCurrent: "r1", wantRisks: 2, wantEntries: 2},
			{op: push, in: seedInput(), wantDuplicate: true, wantReturned: "r0", wantMode: risk.ModeManual, wantCurrent: "r1", wantRisks: 2, wantEntries: 2},
			{op: enable, wantChanged: true, wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 2, wantEntries: 3},
			{op: push, in: seedInput(), wantDuplicate: true, wantReturned: "r0", wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 2, wantEntries: 3},
		}},
		{"a manual risk equal to the automatic one is not a duplicate, and does not hide it", []step{
			{op: push, in: seedInput(), wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
			{op: manual, in: seedInput(), wantMode: risk.ModeManual, wantCurrent: "r1", wantRisks: 2, wantEntries: 2},
			{op: manual, in: seedInput(), wantMode: risk.ModeManual, wantCurrent: "r2", wantRisks: 3, wantEntries: 3},
			{op: push, in: seedInput(), wantDuplicate: true, wantReturned: "r0", wantMode: risk.ModeManual, wantCurrent: "r2", wantRisks: 3, wantEntries: 3},
		}},
		{"comment required for manual risk", []step{
			{op: push, in: seedInput(), wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
			{op: manual, in: risk.Input{Level: risk.LevelHigh}, opts: risk.ManualOptions{CommentRequired: true}, wantErr: true,
				wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
			{op: manual, in: risk.Input{Level: risk.LevelHigh, Comment: strp(" \t\n")}, opts: risk.ManualOptions{CommentRequired: true}, wantErr: true,
				wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
			{op: manual, in: manualHigh, opts: risk.ManualOptions{CommentRequired: true},
				wantMode: risk.ModeManual, wantCurrent: "r3", wantRisks: 2, wantEntries: 2},
		}},
		{"invalid input changes nothing", []step{
			{op: push, in: seedInput(), wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
			{op: push, in: risk.Input{Level: "severe"}, wantErr: true, wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
			{op: manual, in: risk.Input{Level: risk.LevelLow, Score: decp("1e40")}, wantErr: true, wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
			// Invalid even though level/score equal the latest automatic risk.
			{op: push, in: with(func(in *risk.Input) { in.Flags[""] = true }), wantErr: true, wantMode: risk.ModeAutomatic, wantCurrent: "r0", wantRisks: 1, wantEntries: 1},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h risk.History
			for i, s := range tt.steps {
				id := fmt.Sprintf("r%d", i)
				now := t0.Add(time.Duration(i) * time.Hour)
				var (
					got       risk.Risk
					duplicate bool
					changed   bool
					err       error
				)
				switch s.op {
				case push:
					got, duplicate, err = h.PushAutomatic(id, s.in, now)
				case manual:
					got, err = h.SetManual(id, s.in, now, s.opts)
				case enable:
					changed, err = h.EnableAutomatic(now)
				}
				if s.wantErr {
					if !errors.Is(err, validation.ErrInvalid) {
						t.Fatalf("step %d: error = %v, want a validation error", i, err)
					}
				} else if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				if duplicate != s.wantDuplicate {
					t.Errorf("step %d: duplicate = %v, want %v", i, duplicate, s.wantDuplicate)
				}
				if changed != s.wantChanged {
					t.Errorf("step %d: changed = %v, want %v", i, changed, s.wantChanged)
				}
				if (s.op == push || s.op == manual) && !s.wantErr {
					wantID := s.wantReturned
					if wantID == "" {
						wantID = id
					}
					if got.ID != wantID {
						t.Errorf("step %d: returned risk %q, want %q", i, got.ID, wantID)
					}
					if wantID == id {
						wantMode := risk.ModeAutomatic
						if s.op == manual {
							wantMode = risk.ModeManual
						}
						if got.Mode != wantMode || !got.CreatedAt.Equal(now) || !s.in.SameAssessment(got) {
							t.Errorf("step %d: stored %+v does not match input %+v at %s", i, got, s.in, now)
						}
					}
				}
				checkState(t, fmt.Sprintf("step %d", i), h, s)

				// The state survives a JSON round trip.
				data, err := json.Marshal(h)
				if err != nil {
					t.Fatalf("step %d: marshal: %v", i, err)
				}
				var back risk.History
				if err := json.Unmarshal(data, &back); err != nil {
					t.Fatalf("step %d: unmarshal %s: %v", i, data, err)
				}
				checkState(t, fmt.Sprintf("step %d after JSON", i), back, s)
				if diff := cmp.Diff(h.Entries(), back.Entries()); diff != "" {
					t.Errorf("step %d: JSON round trip changed entries (-want +got):\n%s", i, diff)
				}
			}
		})
	}
}

func checkState(t *testing.T, where string, h risk.History, s step) {
	t.Helper()
	if got := h.Mode(); got != s.wantMode {
		t.Errorf("%s: Mode = %s, want %s", where, got, s.wantMode)
	}
	cur := h.Current()
	switch {
	case s.wantCurrent == "" && cur != nil:
		t.Errorf("%s: Current = %q, want none", where, cur.ID)
	case s.wantCurrent != "" && (cur == nil || cur.ID != s.wantCurrent):
		t.Errorf("%s: Current = %v, want %q", where, cur, s.wantCurrent)
	}
	if got := len(h.Risks()); got != s.wantRisks {
		t.Errorf("%s: %d risks, want %d", where, got, s.wantRisks)
	}
	if got := len(h.Entries()); got != s.wantEntries {
		t.Errorf("%s: %d entries, want %d", where, got, s.wantEntries)
	}
}

func TestHistoryRisksOrderAndLatest(t *testing.T) {
	var h risk.History
	mustPush(t, &h, "a1", risk.Input{Level: risk.LevelLow}, t0)
	mustManual(t, &h, "m1", risk.Input{Level: risk.LevelHigh}, t0.Add(time.Minute))
	mustPush(t, &h, "a2", risk.Input{Level: risk.LevelMedium}, t0.Add(2*time.Minute))

	var ids []string
	for _, r := range h.Risks() {
		ids = append(ids, r.ID)
	}
	if diff := cmp.Diff([]string{"a1", "m1", "a2"}, ids); diff != "" {
		t.Errorf("Risks order (-want +got):\n%s", diff)
	}
	if la := h.LatestAutomatic(); la == nil || la.ID != "a2" {
		t.Errorf("LatestAutomatic = %v, want a2", la)
	}
	if lm := h.LatestManual(); lm == nil || lm.ID != "m1" {
		t.Errorf("LatestManual = %v, want m1", lm)
	}
	if r, ok := h.ByID("m1"); !ok || r.Level != risk.LevelHigh {
		t.Errorf("ByID(m1) = %v, %v", r, ok)
	}
	if _, ok := h.ByID("zz"); ok {
		t.Error("ByID(zz) found something")
	}
	var empty risk.History
	if empty.LatestAutomatic() != nil || empty.LatestManual() != nil || empty.Current() != nil || empty.Mode() != risk.ModeAutomatic {
		t.Error("zero History is not empty and automatic")
	}
}

func mustPush(t *testing.T, h *risk.History, id string, in risk.Input, now time.Time) risk.Risk {
	t.Helper()
	r, dup, err := h.PushAutomatic(id, in, now)
	if err != nil || dup {
		t.Fatalf("PushAutomatic(%s) = %v, %v", id, dup, err)
	}
	return r
}

func mustManual(t *testing.T, h *risk.History, id string, in risk.Input, now time.Time) risk.Risk {
	t.Helper()
	r, err := h.SetManual(id, in, now, risk.ManualOptions{})
	if err != nil {
		t.Fatalf("SetManual(%s) = %v", id, err)
	}
	return r
}

func TestHistoryPushErrors(t *testing.T) {
	var h risk.History
	mustPush(t, &h, "a", risk.Input{Level: risk.LevelLow}, t0)
	tests := []struct {
		name string
		id   string
		in   risk.Input
		now  time.Time
		want []problem
	}{
		{"empty id", "", risk.Input{Level: risk.LevelHigh}, t0, []problem{{"id", validation.CodeRequired}}},
		{"used id", "a", risk.Input{Level: risk.LevelHigh}, t0, []problem{{"id", validation.CodeDuplicate}}},
		{"zero time", "b", risk.Input{Level: risk.LevelHigh}, time.Time{}, []problem{{"created_at", validation.CodeRequired}}},
		{"all at once", "", risk.Input{Level: "x", Score: decp("1e-40")}, time.Time{}, []problem{
			{"id", validation.CodeRequired}, {"level", validation.CodeInvalidValue},
			{"score", validation.CodeTooPrecise}, {"created_at", validation.CodeRequired}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := json.Marshal(h)
			_, _, err := h.PushAutomatic(tt.id, tt.in, tt.now)
			if got := problemsOf(t, err); !sameProblems(got, tt.want) {
				t.Errorf("PushAutomatic problems = %v, want %v", got, tt.want)
			}
			_, err = h.SetManual(tt.id, tt.in, tt.now, risk.ManualOptions{})
			if got := problemsOf(t, err); !sameProblems(got, tt.want) {
				t.Errorf("SetManual problems = %v, want %v", got, tt.want)
			}
			if after, _ := json.Marshal(h); string(after) != string(before) {
				t.Errorf("history changed:\n%s\n%s", before, after)
			}
		})
	}
	if _, err := h.EnableAutomatic(time.Time{}); !errors.Is(err, validation.ErrInvalid) {
		t.Errorf("EnableAutomatic(zero) = %v, want validation error", err)
	}
}

func TestHistoryIsAValue(t *testing.T) {
	var h risk.History
	mustPush(t, &h, "a", risk.Input{Level: risk.LevelLow}, t0)
	mustPush(t, &h, "b", risk.Input{Level: risk.LevelMedium}, t0)

	// Copies by assignment do not see each other's appends, even when both
	// append to the same prefix.
	c1, c2 := h, h
	mustPush(t, &c1, "c1", risk.Input{Level: risk.LevelHigh}, t0)
	mustManual(t, &c2, "c2", risk.Input{Level: risk.LevelCritical}, t0)
	if cur := c1.Current(); cur == nil || cur.ID != "c1" {
		t.Errorf("c1 current = %v", cur)
	}
	if cur := c2.Current(); cur == nil || cur.ID != "c2" {
		t.Errorf("c2 current = %v", cur)
	}
	if n := len(h.Risks()); n != 2 {
		t.Errorf("original has %d risks, want 2", n)
	}

	// Returned risks are copies.
	flags := map[string]bool{"f": true}
	in := risk.Input{Level: risk.LevelLow, Flags: flags, Score: decp("5")}
	r := mustPush(t, &h, "d", in, t0)
	flags["f"] = false // the caller's map
	r.Flags["f"] = false
	*r.Score = dec("6")
	h.Current().Flags["f"] = false
	h.Risks()[2].Flags["f"] = false
	h.Entries()[2].Risk.Flags["f"] = false
	cur := h.Current()
	if !cur.Flags["f"] || !cur.Score.Equal(dec("5")) {
		t.Errorf("stored risk was changed through a copy: %+v", cur)
	}

	// Clone is deep.
	cl := h.Clone()
	mustPush(t, &cl, "e", risk.Input{Level: risk.LevelProhibited}, t0)
	if h.Current().ID != "d" {
		t.Error("Clone shares appends")
	}
}

func TestHistoryJSONForm(t *testing.T) {
	var h risk.History
	data, err := json.Marshal(h)
	if err != nil || string(data) != "[]" {
		t.Fatalf("empty history = %s, %v; want []", data, err)
	}
	mustPush(t, &h, "a", risk.Input{Level: risk.LevelLow, Score: decp("10.50")}, t0)
	mustManual(t, &h, "m", risk.Input{Level: risk.LevelHigh, Comment: strp("why")}, t0.Add(time.Hour))
	if _, err := h.EnableAutomatic(t0.Add(2 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	data, err = json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	want := `[` +
		`{"type":"risk","at":"2024-03-01T09:00:00Z","risk":{"id":"a","mode":"automatic","level":"low","score":10.5,"components":null,"flags":null,"comment":null,"created_at":"2024-03-01T09:00:00Z"}},` +
		`{"type":"risk","at":"2024-03-01T10:00:00Z","risk":{"id":"m","mode":"manual","level":"high","score":null,"components":null,"flags":null,"comment":"why","created_at":"2024-03-01T10:00:00Z"}},` +
		`{"type":"automatic_enabled","at":"2024-03-01T11:00:00Z"}]`
	if string(data) != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", data, want)
	}
	// null and [] decode to an empty history.
	for _, s := range []string{"null", "[]"} {
		var e risk.History
		if err := json.Unmarshal([]byte(s), &e); err != nil || len(e.Entries()) != 0 {
			t.Errorf("Unmarshal(%s) = %v, %v", s, e.Entries(), err)
		}
	}
}

func TestHistoryDecodeErrors(t *testing.T) {
	const okRisk = `{"id":"a","mode":"automatic","level":"low","score":null,"components":null,"flags":null,"comment":null,"created_at":"2024-03-01T09:00:00Z"}`
	tests := []struct {
		name string
		json string
		want []problem
	}{
		{"not an array", `{}`, []problem{{"", validation.CodeInvalidType}}},
		{"entry not an object", `[1]`, []problem{{"[0]", validation.CodeInvalidType}}},
		{"missing type and at", `[{}]`, []problem{{"[0].type", validation.CodeRequired}, {"[0].at", validation.CodeRequired}}},
		{"unknown type", `[{"type":"deleted","at":"2024-03-01T09:00:00Z"}]`, []problem{{"[0].type", validation.CodeInvalidValue}}},
		{"risk entry without risk", `[{"type":"risk","at":"2024-03-01T09:00:00Z"}]`, []problem{{"[0].risk", validation.CodeRequired}}},
		{"invalid risk", `[{"type":"risk","at":"2024-03-01T09:00:00Z","risk":{"id":"a","mode":"automatic","level":"severe","created_at":"2024-03-01T09:00:00Z"}}]`,
			[]problem{{"[0].risk.level", validation.CodeInvalidValue}}},
		{"at differs from created_at", `[{"type":"risk","at":"2024-03-01T10:00:00Z","risk":` + okRisk + `}]`,
			[]problem{{"[0].at", validation.CodeConflict}}},
		{"duplicate ids", `[{"type":"risk","at":"2024-03-01T09:00:00Z","risk":` + okRisk + `},{"type":"risk","at":"2024-03-01T09:00:00Z","risk":` + okRisk + `}]`,
			[]problem{{"[1].risk.id", validation.CodeDuplicate}}},
		{"automatic_enabled with a risk", `[{"type":"automatic_enabled","at":"2024-03-01T09:00:00Z","risk":` + okRisk + `}]`,
			[]problem{{"[0].risk", validation.CodeNotAllowed}}},
		{"bad at", `[{"type":"automatic_enabled","at":"monday"}]`, []problem{{"[0].at", validation.CodeInvalidFormat}}},
		{"problems of several entries", `[{"type":"x","at":"2024-03-01T09:00:00Z"},{"type":"automatic_enabled"}]`,
			[]problem{{"[0].type", validation.CodeInvalidValue}, {"[1].at", validation.CodeRequired}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h risk.History
			mustPush(t, &h, "keep", risk.Input{Level: risk.LevelLow}, t0)
			err := json.Unmarshal([]byte(tt.json), &h)
			if got := problemsOf(t, err); !sameProblems(got, tt.want) {
				t.Errorf("problems = %v, want %v", got, tt.want)
			}
			if cur := h.Current(); cur == nil || cur.ID != "keep" {
				t.Errorf("failed decode changed the history")
			}
		})
	}
}
