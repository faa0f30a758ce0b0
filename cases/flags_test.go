package cases_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/validation"
)

// Short names keep the tables readable.
const (
	stInProgress = cases.CheckStatusInProgress
	stProcessing = cases.CheckStatusProcessing
	stNeedReview = cases.CheckStatusNeedReview
	stApproved   = cases.CheckStatusApproved
	stRejected   = cases.CheckStatusRejected
	stExpired    = cases.CheckStatusExpired
)

const (
	fACA = cases.FlagAllChecksApproved
	fFR  = cases.FlagForReview
	fFFC = cases.FlagForFirstCollect
	fFRC = cases.FlagForRecollection
	fFCC = cases.FlagFirstCollectCompleted
)

func TestFlagWireNamesAndOrder(t *testing.T) {
	// The Dotfile API's wire order.
	want := []string{"all_checks_approved", "for_review", "for_first_collect", "for_recollection", "first_collect_completed"}
	var got []string
	for _, f := range cases.AllFlags() {
		got = append(got, f.String())
	}
	if !slices.Equal(got, want) {
		t.Fatalf("AllFlags names = %v, want %v", got, want)
	}
	for i, name := range want {
		f, err := cases.ParseFlag(name)
		if err != nil || f != cases.AllFlags()[i] {
			t.Errorf("ParseFlag(%q) = %v, %v", name, f, err)
		}
	}
	// Built in reverse order, still marshalled in wire order.
	all := cases.NewFlags(fFCC, fFRC, fFFC, fFR, fACA)
	b, err := json.Marshal(all)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `["all_checks_approved","for_review","for_first_collect","for_recollection","first_collect_completed"]` {
		t.Errorf("Marshal = %s", b)
	}
}

func TestParseFlagRejects(t *testing.T) {
	for _, name := range []string{"", "FOR_REVIEW", "for_review ", "forreview", "all_checks_approved\x00"} {
		_, err := cases.ParseFlag(name)
		var verr *validation.Error
		if !errors.As(err, &verr) || !verr.Has("", validation.CodeInvalidValue) {
			t.Errorf("ParseFlag(%q) err = %v, want invalid_value", name, err)
		}
	}
}

func TestFlagValid(t *testing.T) {
	for _, f := range cases.AllFlags() {
		if !f.Valid() {
			t.Errorf("%v not valid", f)
		}
	}
	for _, f := range []cases.Flag{0, 3, 6, 32, 64, 128, 255} {
		if f.Valid() {
			t.Errorf("Flag(%d) valid", uint8(f))
		}
		if got, want := f.String(), fmt.Sprintf("Flag(%d)", uint8(f)); got != want {
			t.Errorf("String = %q, want %q", got, want)
		}
		if _, err := f.MarshalText(); err == nil {
			t.Errorf("MarshalText(Flag(%d)) succeeded", uint8(f))
		}
	}
}

func TestFlagsSet(t *testing.T) {
	var s cases.Flags
	if !s.IsEmpty() || s.Len() != 0 || s.String() != "[]" {
		t.Fatalf("zero Flags = %v (len %d)", s, s.Len())
	}
	s = s.With(fFCC, fFR)
	copied := s // a value: later changes to s do not reach it
	s = s.With(fFR).Without(fFCC)
	if !copied.Has(fFCC) || !copied.Has(fFR) || copied.Len() != 2 {
		t.Errorf("copy changed: %v", copied)
	}
	if s.Has(fFCC) || !s.Has(fFR) || s.Len() != 1 {
		t.Errorf("s = %v", s)
	}
	if got := copied.List(); !slices.Equal(got, []cases.Flag{fFR, fFCC}) {
		t.Errorf("List = %v", got)
	}
	if got := copied.String(); got != "[for_review first_collect_completed]" {
		t.Errorf("String = %q", got)
	}
	if cases.NewFlags(fFR, fFCC) != copied {
		t.Error("== does not compare sets")
	}
	if s.Has(0) || s.Has(3) {
		t.Error("Has of a non-flag is true")
	}
	if l := (cases.Flags{}).List(); l == nil || len(l) != 0 {
		t.Errorf("empty List = %#v, want empty non-nil", l)
	}
	// All stops when asked.
	n := 0
	for range cases.NewFlags(cases.AllFlags()...).All() {
		n++
		if n == 2 {
			break
		}
	}
	if n != 2 {
		t.Errorf("All did not stop: %d", n)
	}
}

func TestFlagsPanicsOnNonFlag(t *testing.T) {
	for name, fn := range map[string]func(){
		"NewFlags": func() { cases.NewFlags(fFR, 3) },
		"With":     func() { cases.Flags{}.With(0) },
		"Without":  func() { cases.Flags{}.Without(64) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			fn()
		})
	}
}

func TestFlagsJSON(t *testing.T) {
	tests := []struct {
		in       string
		want     cases.Flags
		wantJSON string
		problems []validation.Problem // nil: success
	}{
		{in: `[]`, want: cases.Flags{}, wantJSON: `[]`},
		{in: `null`, want: cases.Flags{}, wantJSON: `[]`},
		{in: ` [ "for_review" ] `, want: cases.NewFlags(fFR), wantJSON: `["for_review"]`},
		{in: `["first_collect_completed","for_recollection"]`, want: cases.NewFlags(fFRC, fFCC), wantJSON: `["for_recollection","first_collect_completed"]`},
		{in: `["first_collect_completed","all_checks_approved"]`, want: cases.NewFlags(fACA, fFCC), wantJSON: `["all_checks_approved","first_collect_completed"]`},
		{in: `["for_review","nope","for_review",3,null]`, problems: []validation.Problem{
			{Path: "[1]", Code: validation.CodeInvalidValue},
			{Path: "[2]", Code: validation.CodeDuplicate},
			{Path: "[3]", Code: validation.CodeInvalidType},
			{Path: "[4]", Code: validation.CodeInvalidType},
		}},
		{in: "[ null ]", problems: []validation.Problem{{Path: "[0]", Code: validation.CodeInvalidType}}},
		{in: `"for_review"`, problems: []validation.Problem{{Path: "", Code: validation.CodeInvalidType}}},
		{in: `{}`, problems: []validation.Problem{{Path: "", Code: validation.CodeInvalidType}}},
		{in: `["For_Review"]`, problems: []validation.Problem{{Path: "[0]", Code: validation.CodeInvalidValue}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := cases.NewFlags(fFFC) // must stay unchanged on error
			err := json.Unmarshal([]byte(tt.in), &got)
			if tt.problems != nil {
				var verr *validation.Error
				if !errors.As(err, &verr) {
					t.Fatalf("err = %v, want *validation.Error", err)
				}
				if len(verr.Problems) != len(tt.problems) {
					t.Fatalf("problems = %v, want %v", verr.Problems, tt.problems)
				}
				for i, p := range tt.problems {
					if verr.Problems[i].Path != p.Path || verr.Problems[i].Code != p.Code || verr.Problems[i].Message == "" {
						t.Errorf("problem %d = %+v, want %s %s", i, verr.Problems[i], p.Path, p.Code)
					}
				}
				if got != cases.NewFlags(fFFC) {
					t.Errorf("changed on error: %v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			b, err := json.Marshal(got)
			if err != nil || string(b) != tt.wantJSON {
				t.Errorf("Marshal = %s, %v; want %s", b, err, tt.wantJSON)
			}
		})
	}
}

func TestFlagsInsideStruct(t *testing.T) {
	type wrapper struct {
		Flags cases.Flags `json:"flags"`
	}
	b, err := json.Marshal(wrapper{Flags: cases.NewFlags(fFCC, fACA)})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"flags":["all_checks_approved","first_collect_completed"]}` {
		t.Errorf("got %s", b)
	}
	var w wrapper
	err = json.Unmarshal([]byte(`{"flags":["for_review","bogus"]}`), &w)
	if !errors.Is(err, validation.ErrInvalid) {
		t.Errorf("err = %v, want validation error", err)
	}
	var w2 wrapper
	if err := json.Unmarshal(b, &w2); err != nil || w2.Flags != cases.NewFlags(fACA, fFCC) {
		t.Errorf("round trip = %v, %v", w2.Flags, err)
	}
}

// flagStep is one moment in the life of a case: the statuses of its checks and
// what a reader of the rules in docs/design.md expects to see.
type flagStep struct {
	name     string
	statuses []cases.CheckStatus
	contact  bool
	reviewer bool
	flags    cases.Flags
}

// collectionWalk follows one case with three checks (an identity document
// and an AML screening on the director, a document on the company) through a
// full collection. Expected values are worked out by hand from docs/design.md.
var flagCollectionWalk = []flagStep{
	{name: "created, no checks yet",
		statuses: nil, flags: cases.NewFlags()},
	{name: "first collect: three checks waiting for the contact",
		statuses: []cases.CheckStatus{stInProgress, stInProgress, stInProgress},
		contact:  true, flags: cases.NewFlags(fFFC)},
	{name: "id document submitted, others still waiting",
		statuses: []cases.CheckStatus{stNeedReview, stInProgress, stInProgress},
		contact:  true, reviewer: true, flags: cases.NewFlags(fFFC)},
	{name: "id document rejected early, still first collect",
		statuses: []cases.CheckStatus{stRejected, stInProgress, stInProgress},
		contact:  true, flags: cases.NewFlags(fFFC)},
	{name: "id document resubmitted, contact still working",
		statuses: []cases.CheckStatus{stNeedReview, stInProgress, stInProgress},
		contact:  true, reviewer: true, flags: cases.NewFlags(fFFC)},
	{name: "submission complete: aml processing, document to review",
		statuses: []cases.CheckStatus{stNeedReview, stProcessing, stNeedReview},
		reviewer: true, flags: cases.NewFlags(fFR, fFCC)},
	{name: "aml auto-approved, id document approved",
		statuses: []cases.CheckStatus{stApproved, stApproved, stNeedReview},
		reviewer: true, flags: cases.NewFlags(fFR, fFCC)},
	{name: "company document rejected",
		statuses: []cases.CheckStatus{stApproved, stApproved, stRejected},
		contact:  true, flags: cases.NewFlags(fFRC, fFCC)},
	{name: "recollection started",
		statuses: []cases.CheckStatus{stApproved, stApproved, stInProgress},
		contact:  true, flags: cases.NewFlags(fFCC)},
	{name: "recollected document submitted",
		statuses: []cases.CheckStatus{stApproved, stApproved, stNeedReview},
		reviewer: true, flags: cases.NewFlags(fFR, fFCC)},
	{name: "all approved",
		statuses: []cases.CheckStatus{stApproved, stApproved, stApproved},
		flags:    cases.NewFlags(fACA, fFCC)},
	{name: "id document expires",
		statuses: []cases.CheckStatus{stExpired, stApproved, stApproved},
		contact:  true, flags: cases.NewFlags(fFRC, fFCC)},
	{name: "expired document recollected",
		statuses: []cases.CheckStatus{stInProgress, stApproved, stApproved},
		contact:  true, flags: cases.NewFlags(fFCC)},
	{name: "all checks deleted: the latch stays",
		statuses: nil, flags: cases.NewFlags(fFCC)},
}

func TestComputeFlagsCollectionWalk(t *testing.T) {
	latch := false
	for i, s := range flagCollectionWalk {
		t.Run(fmt.Sprintf("%02d %s", i, s.name), func(t *testing.T) {
			got := cases.ComputeFlags(s.statuses, latch)
			want := cases.FlagState{ContactHasActions: s.contact, ReviewerHasActions: s.reviewer, Flags: s.flags}
			if got != want {
				t.Errorf("ComputeFlags(%v, %v) =\n  %+v\nwant\n  %+v", s.statuses, latch, got, want)
			}
		})
		latch = cases.ComputeFlags(s.statuses, latch).Flags.Has(fFCC)
	}
}

// oracle restates docs/design.md's rules literally over a multiset of statuses.
func flagOracle(statuses []cases.CheckStatus, latch bool) cases.FlagState {
	some := func(ss ...cases.CheckStatus) bool {
		for _, s := range statuses {
			if slices.Contains(ss, s) {
				return true
			}
		}
		return false
	}
	every := func(s cases.CheckStatus) bool {
		for _, x := range statuses {
			if x != s {
				return false
			}
		}
		return true
	}
	contact := some(stInProgress, stRejected, stExpired)
	reviewer := some(stNeedReview)
	completed := latch || (len(statuses) > 0 && !some(stInProgress))
	var names []string
	if len(statuses) > 0 && every(stApproved) {
		names = append(names, "all_checks_approved")
	}
	if reviewer && !contact {
		names = append(names, "for_review")
	}
	if contact && !completed {
		names = append(names, "for_first_collect")
	}
	if completed && some(stRejected, stExpired) && !reviewer {
		names = append(names, "for_recollection")
	}
	if completed {
		names = append(names, "first_collect_completed")
	}
	var fs cases.Flags
	b, _ := json.Marshal(names)
	if names == nil {
		b = []byte("[]")
	}
	if err := json.Unmarshal(b, &fs); err != nil {
		panic(err)
	}
	return cases.FlagState{ContactHasActions: contact, ReviewerHasActions: reviewer, Flags: fs}
}

// multisets returns every multiset of at most n statuses, each as a sorted
// slice (by the order of cases.CheckStatuses).
func statusMultisets(n int) [][]cases.CheckStatus {
	all := cases.CheckStatuses()
	var out [][]cases.CheckStatus
	var rec func(cur []cases.CheckStatus, from int)
	rec = func(cur []cases.CheckStatus, from int) {
		out = append(out, slices.Clone(cur))
		if len(cur) == n {
			return
		}
		for i := from; i < len(all); i++ {
			rec(append(cur, all[i]), i)
		}
	}
	rec(nil, 0)
	return out
}

func TestComputeFlagsExhaustive(t *testing.T) {
	sets := statusMultisets(4)
	// C(6+k-1, k) for k = 0..4: 1 + 6 + 21 + 56 + 126.
	if len(sets) != 210 {
		t.Fatalf("%d multisets, want 210", len(sets))
	}
	for _, ss := range sets {
		for _, latch := range []bool{false, true} {
			got := cases.ComputeFlags(ss, latch)
			name := fmt.Sprintf("%v/latch=%v", ss, latch)
			fail := func(format string, args ...any) {
				t.Helper()
				t.Errorf("%s -> %+v: %s", name, got, fmt.Sprintf(format, args...))
			}
			if want := flagOracle(ss, latch); got != want {
				fail("oracle says %+v", want)
			}
			fs := got.Flags
			stage := 0
			for _, f := range []cases.Flag{fACA, fFR, fFFC, fFRC} {
				if fs.Has(f) {
					stage++
				}
			}
			if stage > 1 {
				fail("more than one of all_checks_approved, for_review, for_first_collect, for_recollection")
			}
			if fs.Has(fFR) && fs.Has(fFFC) {
				fail("for_review with for_first_collect")
			}
			if fs.Has(fACA) && (got.ContactHasActions || got.ReviewerHasActions || !fs.Has(fFCC)) {
				fail("all_checks_approved with actions or without first_collect_completed")
			}
			if fs.Has(fFFC) && !slices.Contains(ss, stInProgress) {
				fail("for_first_collect without a check in progress")
			}
			if fs.Has(fFFC) && fs.Has(fFCC) {
				fail("for_first_collect after first collect completed")
			}
			if fs.Has(fFRC) && (!got.ContactHasActions || got.ReviewerHasActions) {
				fail("for_recollection needs contact actions and no reviewer actions")
			}
			if fs.Has(fFR) && (!got.ReviewerHasActions || got.ContactHasActions) {
				fail("for_review needs reviewer actions and no contact actions")
			}
			if latch && !fs.Has(fFCC) {
				fail("latch unset")
			}
			if len(ss) == 0 && (got.ContactHasActions || got.ReviewerHasActions || fs.Without(fFCC) != (cases.Flags{})) {
				fail("no checks but actions or flags")
			}
			// Recomputing with the latch just produced changes nothing.
			if again := cases.ComputeFlags(ss, fs.Has(fFCC)); again != got {
				fail("not idempotent: %+v", again)
			}
			// Order does not matter: the reversed list gives the same.
			rev := slices.Clone(ss)
			slices.Reverse(rev)
			if r := cases.ComputeFlags(rev, latch); r != got {
				fail("reversed gives %+v", r)
			}
		}
	}
}

func TestComputeFlagsUnknownStatusCountsAsInProgress(t *testing.T) {
	odd := cases.CheckStatus("on_hold")
	got := cases.ComputeFlags([]cases.CheckStatus{stApproved, odd}, false)
	want := cases.FlagState{ContactHasActions: true, Flags: cases.NewFlags(fFFC)}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	got = cases.ComputeFlags([]cases.CheckStatus{odd}, true)
	want = cases.FlagState{ContactHasActions: true, Flags: cases.NewFlags(fFCC)}
	if got != want {
		t.Errorf("latched: got %+v, want %+v", got, want)
	}
}

func FuzzFlagsJSON(f *testing.F) {
	for _, s := range []string{`[]`, `null`, `["for_review"]`, `["first_collect_completed","for_recollection"]`, `["x"]`, `[1]`, `{}`, `["for_review","for_review"]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var fs cases.Flags
		if err := json.Unmarshal(data, &fs); err != nil {
			return
		}
		b, err := json.Marshal(fs)
		if err != nil {
			t.Fatalf("marshal accepted %v: %v", fs, err)
		}
		var back cases.Flags
		if err := json.Unmarshal(b, &back); err != nil || back != fs {
			t.Fatalf("round trip %s -> %v, %v", b, back, err)
		}
		// The output is in wire order with no repeats.
		var names []string
		if err := json.Unmarshal(b, &names); err != nil {
			t.Fatal(err)
		}
		idx := func(n string) int {
			for i, f := range cases.AllFlags() {
				if f.String() == n {
					return i
				}
			}
			return -1
		}
		for i := 1; i < len(names); i++ {
			if idx(names[i-1]) >= idx(names[i]) {
				t.Fatalf("not in wire order: %v", names)
			}
		}
		if strings.Count(string(b), `"`) != 2*fs.Len() {
			t.Fatalf("len %d but %s", fs.Len(), b)
		}
	})
}

func BenchmarkComputeFlags(b *testing.B) {
	ss := []cases.CheckStatus{stApproved, stApproved, stNeedReview, stRejected, stProcessing, stApproved, stApproved, stExpired}
	b.Run("baseline_count_statuses", func(b *testing.B) {
		// The floor: one pass over the statuses with a string comparison.
		n := 0
		for b.Loop() {
			for _, s := range ss {
				if s == stApproved {
					n++
				}
			}
		}
		_ = n
	})
	b.Run("ComputeFlags", func(b *testing.B) {
		for b.Loop() {
			_ = cases.ComputeFlags(ss, true)
		}
	})
}

func BenchmarkFlagsMarshalJSON(b *testing.B) {
	fs := cases.NewFlags(fFRC, fFCC)
	names := []string{"for_recollection", "first_collect_completed"}
	b.Run("baseline_string_slice", func(b *testing.B) {
		for b.Loop() {
			if _, err := json.Marshal(names); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Flags", func(b *testing.B) {
		for b.Loop() {
			if _, err := json.Marshal(fs); err != nil {
				b.Fatal(err)
			}
		}
	})
}
