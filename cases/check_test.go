package cases_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/validation"
	"github.com/google/go-cmp/cmp"
)

var (
	chkT0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	chkT1 = chkT0.Add(time.Hour)
	chkT2 = chkT0.Add(2 * time.Hour)
)

// wantProblems asserts err is a *validation.Error with exactly these
// path/code pairs, in order.
func wantCheckProblems(t *testing.T, err error, want ...string) {
	t.Helper()
	var verr *validation.Error
	if !errors.As(err, &verr) {
		t.Fatalf("err = %v, want *validation.Error", err)
	}
	var got []string
	for _, p := range verr.Problems {
		if p.Message == "" {
			t.Errorf("problem %s has no message", p.Path)
		}
		got = append(got, p.Path+" "+string(p.Code))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestCheckTypesAndStatuses(t *testing.T) {
	// The Dotfile API lists these; the order of CheckTypes is the API's.
	wantTypes := "id_verification id_document aml company_monitoring document ekyc electronic_signature fraud_database online_reputation"
	var got []string
	for _, ty := range cases.CheckTypes() {
		if !ty.Valid() {
			t.Errorf("%s not valid", ty)
		}
		got = append(got, string(ty))
	}
	if strings.Join(got, " ") != wantTypes {
		t.Errorf("types = %v", got)
	}
	got = nil
	for _, s := range cases.CheckStatuses() {
		if !s.Valid() {
			t.Errorf("%s not valid", s)
		}
		got = append(got, string(s))
	}
	if strings.Join(got, " ") != "in_progress processing need_review approved rejected expired" {
		t.Errorf("statuses = %v", got)
	}
	for _, bad := range []string{"", "AML", "kyc", "approved "} {
		if cases.CheckType(bad).Valid() || cases.CheckStatus(bad).Valid() {
			t.Errorf("%q valid", bad)
		}
	}
	decided := map[cases.CheckStatus]bool{stApproved: true, stRejected: true}
	for _, s := range cases.CheckStatuses() {
		if s.Decided() != decided[s] {
			t.Errorf("%s.Decided() = %v", s, s.Decided())
		}
	}
	// Fresh slices: changing one does not change the next.
	cases.CheckTypes()[0] = "x"
	cases.CheckStatuses()[0] = "x"
	if cases.CheckTypes()[0] != cases.CheckTypeIDVerification || cases.CheckStatuses()[0] != stInProgress {
		t.Error("shared slice")
	}
}

// transitionTable is the documented table of CheckTransition, rows = from,
// columns = to, both in the order in_progress processing need_review approved
// rejected expired: "y" allowed, "o" only with override, "." never.
var checkTransitionTable = map[cases.CheckStatus]string{
	stInProgress: ". y y . . y",
	stProcessing: "y . y y y y",
	stNeedReview: "y . . y y y",
	stApproved:   "o o o o o y",
	stRejected:   "y o o o o o",
	stExpired:    "y . . . . .",
}

func TestCheckTransitionTable(t *testing.T) {
	all := cases.CheckStatuses()
	for _, from := range all {
		cells := strings.Fields(checkTransitionTable[from])
		for j, to := range all {
			for _, override := range []bool{false, true} {
				name := string(from) + "->" + string(to)
				if override {
					name += "/override"
				}
				t.Run(name, func(t *testing.T) {
					err := cases.CheckTransition(from, to, override)
					allowed := cells[j] == "y" || (cells[j] == "o" && override)
					if allowed {
						if err != nil {
							t.Fatalf("refused: %v", err)
						}
						return
					}
					var terr *cases.CheckTransitionError
					if !errors.As(err, &terr) || !errors.Is(err, cases.ErrInvalidCheckTransition) {
						t.Fatalf("err = %v, want *CheckTransitionError", err)
					}
					if terr.From != from || terr.To != to {
						t.Errorf("error names %s->%s", terr.From, terr.To)
					}
					if !strings.Contains(err.Error(), string(from)) || !strings.Contains(err.Error(), string(to)) {
						t.Errorf("message %q does not name both statuses", err)
					}
					needsOverride := cells[j] == "o"
					if terr.OverrideRequired != needsOverride || errors.Is(err, cases.ErrCheckOverrideRequired) != needsOverride {
						t.Errorf("OverrideRequired = %v, want %v", terr.OverrideRequired, needsOverride)
					}
					if errors.Is(err, validation.ErrInvalid) {
						t.Error("a refused move is not a validation error")
					}
				})
			}
		}
	}
}

func TestCheckTransitionUnknownStatus(t *testing.T) {
	wantCheckProblems(t, cases.CheckTransition(stInProgress, "done", true), "status invalid_value")
	wantCheckProblems(t, cases.CheckTransition("", "", false), "status invalid_value", "status invalid_value")
}

func TestCreateCheck(t *testing.T) {
	tests := []struct {
		name     string
		id       string
		in       cases.NewCheck
		now      time.Time
		want     cases.Check
		problems []string
	}{
		{
			name: "on the case, default status",
			id:   "c1", in: cases.NewCheck{Type: cases.CheckTypeAML}, now: chkT0,
			want: cases.Check{ID: "c1", Type: "aml", Status: stInProgress, CreatedAt: chkT0, UpdatedAt: chkT0},
		},
		{
			name: "on an individual, with subtype, processing",
			id:   "c2", in: cases.NewCheck{Type: cases.CheckTypeIDDocument, Subtype: "passport", Status: stProcessing, IndividualID: "i1"}, now: chkT0,
			want: cases.Check{ID: "c2", Type: "id_document", Subtype: "passport", Status: stProcessing, IndividualID: "i1", CreatedAt: chkT0, UpdatedAt: chkT0},
		},
		{
			name: "on a company, need_review",
			id:   "c3", in: cases.NewCheck{Type: cases.CheckTypeDocument, Status: stNeedReview, CompanyID: "co1"}, now: chkT0,
			want: cases.Check{ID: "c3", Type: "document", Status: stNeedReview, CompanyID: "co1", CreatedAt: chkT0, UpdatedAt: chkT0},
		},
		{
			name: "every problem at once",
			id:   "", in: cases.NewCheck{Type: "kyc", Subtype: " x", Status: stApproved, CompanyID: "co1", IndividualID: "i1"},
			problems: []string{"id required", "type invalid_value", "subtype invalid_format", "status not_allowed", "individual_id conflict", "created_at required"},
		},
		{
			name: "missing type, unknown status, long subtype",
			id:   "c4", in: cases.NewCheck{Subtype: strings.Repeat("é", 101), Status: "new"}, now: chkT0,
			problems: []string{"type required", "subtype too_long", "status invalid_value"},
		},
		{
			name: "control character in subtype",
			id:   "c5", in: cases.NewCheck{Type: cases.CheckTypeEKYC, Subtype: "a\tb"}, now: chkT0,
			problems: []string{"subtype invalid_format"},
		},
		{
			name: "expired is not an initial status",
			id:   "c6", in: cases.NewCheck{Type: cases.CheckTypeEKYC, Status: stExpired}, now: chkT0,
			problems: []string{"status not_allowed"},
		},
		{
			name: "invalid UTF-8 subtype",
			id:   "c7", in: cases.NewCheck{Type: cases.CheckTypeEKYC, Subtype: "\xff"}, now: chkT0,
			problems: []string{"subtype invalid_format"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cases.CreateCheck(tt.id, tt.in, tt.now)
			if tt.problems != nil {
				wantCheckProblems(t, err, tt.problems...)
				if got != (cases.Check{}) {
					t.Errorf("returned %+v with an error", got)
				}
				if verr := tt.in.Validate(); tt.id != "" && !tt.now.IsZero() && verr == nil {
					t.Error("NewCheck.Validate accepts what CreateCheck refuses")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("created check does not validate: %v", err)
			}
		})
	}
	if _, err := cases.CreateCheck("c", cases.NewCheck{Type: cases.CheckTypeAML, Subtype: strings.Repeat("é", 100)}, chkT0); err != nil {
		t.Errorf("100-character subtype refused: %v", err)
	}
}

func newCheckAt(t *testing.T, st cases.CheckStatus) cases.Check {
	t.Helper()
	// Build the check at the wanted status through legal moves.
	c, err := cases.CreateCheck("c1", cases.NewCheck{Type: cases.CheckTypeIDDocument, IndividualID: "i1"}, chkT0)
	if err != nil {
		t.Fatal(err)
	}
	switch st {
	case stProcessing, stNeedReview, stExpired:
		err = c.Move(st, chkT0, cases.MoveOptions{})
	case stApproved, stRejected:
		if err = c.Move(stNeedReview, chkT0, cases.MoveOptions{}); err == nil {
			err = c.Review(cases.CheckDecision{Status: st, Comment: "first"}, chkT0)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCheckMove(t *testing.T) {
	tests := []struct {
		from     cases.CheckStatus
		to       cases.CheckStatus
		opts     cases.MoveOptions
		want     cases.CheckStatus // "" = refused
		sentinel error             // for refused moves; nil = validation error
	}{
		{from: stInProgress, to: stProcessing, want: stProcessing},
		{from: stInProgress, to: stNeedReview, want: stNeedReview},
		{from: stProcessing, to: stInProgress, want: stInProgress},
		{from: stNeedReview, to: stInProgress, want: stInProgress},
		{from: stRejected, to: stInProgress, want: stInProgress},
		{from: stExpired, to: stInProgress, want: stInProgress},
		{from: stApproved, to: stNeedReview, sentinel: cases.ErrCheckOverrideRequired},
		{from: stApproved, to: stNeedReview, opts: cases.MoveOptions{Override: true}, want: stNeedReview},
		{from: stRejected, to: stNeedReview, sentinel: cases.ErrCheckOverrideRequired},
		{from: stInProgress, to: stInProgress, sentinel: cases.ErrInvalidCheckTransition},
		{from: stExpired, to: stNeedReview, opts: cases.MoveOptions{Override: true}, sentinel: cases.ErrInvalidCheckTransition},
		{from: stNeedReview, to: stApproved},
		{from: stProcessing, to: stRejected, opts: cases.MoveOptions{Override: true}}, // same
		{from: stInProgress, to: "done"},
	}
	for _, tt := range tests {
		t.Run(string(tt.from)+"->"+string(tt.to), func(t *testing.T) {
			c := newCheckAt(t, tt.from)
			before := c
			err := c.Move(tt.to, chkT1, tt.opts)
			if tt.want == "" {
				switch {
				case err == nil:
					t.Fatal("move accepted")
				case tt.sentinel == nil && !errors.Is(err, validation.ErrInvalid):
					t.Fatalf("err = %v, want validation error", err)
				case tt.sentinel != nil && !errors.Is(err, tt.sentinel):
					t.Fatalf("err = %v, want %v", err, tt.sentinel)
				}
				if c != before {
					t.Errorf("check changed on error: %+v", c)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := before
			want.Status = tt.want
			want.UpdatedAt = chkT1
			if diff := cmp.Diff(want, c); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckExpire(t *testing.T) {
	for _, from := range []cases.CheckStatus{stInProgress, stProcessing, stNeedReview, stApproved} {
		c := newCheckAt(t, from)
		want := c
		if err := c.Expire(chkT2, cases.MoveOptions{}); err != nil {
			t.Fatalf("expire from %s: %v", from, err)
		}
		want.Status, want.ExpiredAt, want.UpdatedAt = stExpired, chkT2, chkT2
		if c != want {
			t.Errorf("from %s: got %+v want %+v", from, c, want)
		}
		if err := c.Validate(); err != nil {
			t.Error(err)
		}
	}
	c := newCheckAt(t, stRejected)
	if err := c.Expire(chkT2, cases.MoveOptions{}); !errors.Is(err, cases.ErrCheckOverrideRequired) {
		t.Errorf("expire a rejected check: %v", err)
	}
	c = newCheckAt(t, stExpired)
	if err := c.Expire(chkT2, cases.MoveOptions{Override: true}); !errors.Is(err, cases.ErrInvalidCheckTransition) {
		t.Errorf("expire an expired check: %v", err)
	}
}

func TestCheckReviewDecision(t *testing.T) {
	long := strings.Repeat("x", cases.MaxCheckCommentLen+1)
	tests := []struct {
		name     string
		from     cases.CheckStatus
		d        cases.CheckDecision
		ok       bool
		sentinel error    // refused transition
		problems []string // refused input
	}{
		{name: "approve from need_review", from: stNeedReview, d: cases.CheckDecision{Status: stApproved, Comment: "clear scan"}, ok: true},
		{name: "reject from need_review", from: stNeedReview, d: cases.CheckDecision{Status: stRejected, Comment: "blurred"}, ok: true},
		{name: "automatic approval from processing", from: stProcessing, d: cases.CheckDecision{Status: stApproved}, ok: true},
		{name: "comment of exactly the limit", from: stNeedReview, d: cases.CheckDecision{Status: stRejected, Comment: long[1:]}, ok: true},
		{name: "not submitted yet", from: stInProgress, d: cases.CheckDecision{Status: stApproved}, sentinel: cases.ErrInvalidCheckTransition},
		{name: "not submitted yet, override grants nothing", from: stInProgress, d: cases.CheckDecision{Status: stApproved, Override: true}, sentinel: cases.ErrInvalidCheckTransition},
		{name: "expired", from: stExpired, d: cases.CheckDecision{Status: stApproved}, sentinel: cases.ErrInvalidCheckTransition},
		{name: "change a rejection without override", from: stRejected, d: cases.CheckDecision{Status: stApproved}, sentinel: cases.ErrCheckOverrideRequired},
		{name: "change a rejection with override", from: stRejected, d: cases.CheckDecision{Status: stApproved, Comment: "second look", Override: true}, ok: true},
		{name: "re-approve without override", from: stApproved, d: cases.CheckDecision{Status: stApproved}, sentinel: cases.ErrCheckOverrideRequired},
		{name: "re-approve with override replaces comment", from: stApproved, d: cases.CheckDecision{Status: stApproved, Comment: "again", Override: true}, ok: true},
		{name: "bad decision and long comment", from: stNeedReview, d: cases.CheckDecision{Status: stNeedReview, Comment: long}, problems: []string{"status invalid_value", "comment too_long"}},
		{name: "missing decision", from: stNeedReview, d: cases.CheckDecision{}, problems: []string{"status required"}},
		{name: "invalid UTF-8 comment", from: stNeedReview, d: cases.CheckDecision{Status: stRejected, Comment: "\xc3"}, problems: []string{"comment invalid_format"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCheckAt(t, tt.from)
			before := c
			err := c.Review(tt.d, chkT2)
			switch {
			case tt.ok:
				if err != nil {
					t.Fatal(err)
				}
				want := before
				want.Status, want.ReviewComment, want.ReviewedAt, want.UpdatedAt = tt.d.Status, tt.d.Comment, chkT2, chkT2
				if diff := cmp.Diff(want, c); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
				if err := c.Validate(); err != nil {
					t.Error(err)
				}
				return
			case tt.problems != nil:
				wantCheckProblems(t, err, tt.problems...)
			default:
				if !errors.Is(err, tt.sentinel) {
					t.Fatalf("err = %v, want %v", err, tt.sentinel)
				}
			}
			if c != before {
				t.Errorf("check changed on error")
			}
		})
	}
}

func TestRecollectedCheckKeepsItsReview(t *testing.T) {
	c := newCheckAt(t, stNeedReview)
	if err := c.Review(cases.CheckDecision{Status: stRejected, Comment: "expired passport"}, chkT1); err != nil {
		t.Fatal(err)
	}
	if err := c.Move(stInProgress, chkT2, cases.MoveOptions{}); err != nil {
		t.Fatal(err)
	}
	if c.Status != stInProgress || c.ReviewComment != "expired passport" || !c.ReviewedAt.Equal(chkT1) || !c.UpdatedAt.Equal(chkT2) {
		t.Errorf("got %+v", c)
	}
}

func TestCheckEntity(t *testing.T) {
	for _, tt := range []struct {
		c      cases.Check
		onCase bool
		entity string
	}{
		{cases.Check{}, true, ""},
		{cases.Check{CompanyID: "co"}, false, "co"},
		{cases.Check{IndividualID: "in"}, false, "in"},
	} {
		if tt.c.OnCase() != tt.onCase || tt.c.EntityID() != tt.entity {
			t.Errorf("%+v: OnCase %v EntityID %q", tt.c, tt.c.OnCase(), tt.c.EntityID())
		}
	}
}

func TestCheckJSON(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	c := cases.Check{
		ID: "c1", Type: cases.CheckTypeIDDocument, Subtype: "passport", Status: stRejected,
		IndividualID: "i1", ReviewComment: "blurred \"photo\"",
		ReviewedAt: chkT2, CreatedAt: chkT0.In(paris), UpdatedAt: chkT2,
	}
	// Written by hand from the field list of the Dotfile API.
	want := `{"id":"c1","type":"id_document","subtype":"passport","status":"rejected",` +
		`"individual_id":"i1","review_comment":"blurred \"photo\"",` +
		`"reviewed_at":"2025-03-01T11:00:00Z","created_at":"2025-03-01T10:00:00+01:00","updated_at":"2025-03-01T11:00:00Z"}`
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", b, want)
	}
	var back cases.Check
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	// A minimal check on the case leaves out the empty fields.
	b, _ = json.Marshal(cases.Check{ID: "c2", Type: cases.CheckTypeAML, Status: stInProgress, CreatedAt: chkT0, UpdatedAt: chkT0})
	if string(b) != `{"id":"c2","type":"aml","status":"in_progress","created_at":"2025-03-01T09:00:00Z","updated_at":"2025-03-01T09:00:00Z"}` {
		t.Errorf("minimal = %s", b)
	}
}

func TestCheckJSONRejectsUnknownTypeAndStatus(t *testing.T) {
	for _, in := range []string{
		`{"id":"c","type":"kyc","status":"approved"}`,
		`{"id":"c","type":"aml","status":"done"}`,
		`{"id":"c","type":"aml","status":""}`,
		`{"id":"c","type":"AML","status":"approved"}`,
	} {
		var c cases.Check
		if err := json.Unmarshal([]byte(in), &c); !errors.Is(err, validation.ErrInvalid) {
			t.Errorf("%s: err = %v, want validation error", in, err)
		}
	}
}

func TestCheckValidate(t *testing.T) {
	good := newCheckAt(t, stApproved)
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	wantCheckProblems(t, cases.Check{}.Validate(),
		"id required", "type invalid_value", "status invalid_value", "created_at required")
	bad := good
	bad.ReviewedAt = time.Time{}
	bad.UpdatedAt = chkT0.Add(-time.Second)
	bad.CompanyID = "co"
	bad.ReviewComment = strings.Repeat("é", cases.MaxCheckCommentLen+1)
	wantCheckProblems(t, bad.Validate(), "individual_id conflict", "review_comment too_long", "updated_at out_of_range", "reviewed_at required")
	exp := newCheckAt(t, stInProgress)
	exp.Status = stExpired
	wantCheckProblems(t, exp.Validate(), "expired_at required")
}

func TestCheckCloneIsIndependent(t *testing.T) {
	c := newCheckAt(t, stRejected)
	d := c.Clone()
	d.ReviewComment = "other"
	d.Status = stApproved
	if c.ReviewComment != "first" || c.Status != stRejected {
		t.Errorf("clone shares state: %+v", c)
	}
}

func FuzzCheckJSON(f *testing.F) {
	for _, s := range []string{
		`{"id":"c1","type":"id_document","subtype":"passport","status":"rejected","individual_id":"i1","review_comment":"x","reviewed_at":"2025-03-01T11:00:00Z","created_at":"2025-03-01T10:00:00+01:00","updated_at":"2025-03-01T11:00:00Z"}`,
		`{"id":"c2","type":"aml","status":"in_progress","created_at":"2025-03-01T09:00:00Z","updated_at":"2025-03-01T09:00:00Z"}`,
		`{"id":"c3","type":"ekyc","status":"expired","company_id":"co","expired_at":"2025-03-01T09:00:00Z","created_at":"2025-03-01T09:00:00Z","updated_at":"2025-03-01T09:00:00Z"}`,
		`{"type":"x"}`, `null`, `[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var c cases.Check
		if err := json.Unmarshal(data, &c); err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			return
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("marshal of a valid check: %v", err)
		}
		var back cases.Check
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("re-decode %s: %v", b, err)
		}
		if err := back.Validate(); err != nil {
			t.Fatalf("round trip no longer valid: %v", err)
		}
		if diff := cmp.Diff(c, back); diff != "" {
			t.Fatalf("round trip (-want +got):\n%s", diff)
		}
		b2, _ := json.Marshal(back)
		if string(b) != string(b2) {
			t.Fatalf("unstable encoding:\n%s\n%s", b, b2)
		}
		// The status of a valid check is one ComputeFlags knows.
		_ = cases.ComputeFlags([]cases.CheckStatus{back.Status}, false)
	})
}
