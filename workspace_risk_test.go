package dossier_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/storage/memory"
	"github.com/dossierkit/dossier/validation"
)

// seedRiskJSON is the automatic risk of the product spec, verbatim.
const seedRiskJSON = `{
  "level": "medium",
  "score": 10067,
  "components": {
    "customer_score": 1400,
    "product_score": 3000,
    "delivery_channel_score": 2000,
    "transaction_score": 1667,
    "geography_score": 2000
  },
  "flags": {
    "prohibited_country_ubo": true,
    "complex_company_alert": false
  }
}`

func riskInput(t testing.TB, body string) risk.Input {
	t.Helper()
	var in risk.Input
	if err := json.Unmarshal([]byte(body), &in); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return in
}

func riskCase(t testing.TB, w *dossier.Workspace) string {
	t.Helper()
	c, err := w.CreateCase(context.Background(), dossier.CreateCaseInput{Name: "Acme Ltd"})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func version(t testing.TB, w *dossier.Workspace, caseID string) int64 {
	t.Helper()
	rec, err := w.GetRecord(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	return rec.Version
}

func caseOf(t testing.TB, w *dossier.Workspace, caseID string) *cases.Case {
	t.Helper()
	c, err := w.GetCaseByID(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// currentID is the id of the case's current risk, "" for none.
func currentID(t testing.TB, w *dossier.Workspace, caseID string) string {
	t.Helper()
	if r := caseOf(t, w, caseID).Risk; r != nil {
		return r.ID
	}
	return ""
}

func mustPushRisk(t testing.TB, w *dossier.Workspace, caseID string, in risk.Input) *risk.Risk {
	t.Helper()
	r, dup, err := w.PushAutomaticRisk(context.Background(), caseID, in)
	if err != nil || dup {
		t.Fatalf("PushAutomaticRisk = %v, duplicate %v", err, dup)
	}
	return r
}

func mustSetManual(t testing.TB, w *dossier.Workspace, caseID string, in risk.Input) *risk.Risk {
	t.Helper()
	r, err := w.SetManualRisk(context.Background(), caseID, in)
	if err != nil {
		t.Fatalf("SetManualRisk = %v", err)
	}
	return r
}

func TestPushAutomaticRisk(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	id := riskCase(t, w)
	if caseOf(t, w, id).Risk != nil {
		t.Fatal("a new case has a risk")
	}
	v0 := version(t, w, id)

	r, dup, err := w.PushAutomaticRisk(ctx, id, riskInput(t, seedRiskJSON))
	if err != nil || dup {
		t.Fatalf("push = %v, %v", dup, err)
	}
	if r.ID == "" || r.ID == id || r.Mode != risk.ModeAutomatic || r.Level != risk.LevelMedium ||
		r.Score == nil || !r.Score.Equal(decimal.NewFromInt(10067)) || len(r.Components) != 5 || len(r.Flags) != 2 {
		t.Fatalf("pushed risk = %+v", r)
	}
	c := caseOf(t, w, id)
	if c.Risk == nil || c.Risk.ID != r.ID || !c.Risk.SameAssessment(*r) {
		t.Fatalf("case risk = %+v, want %+v", c.Risk, r)
	}
	if !r.CreatedAt.Equal(c.UpdatedAt) {
		t.Errorf("created_at %s, want the time of the save %s", r.CreatedAt, c.UpdatedAt)
	}
	if v := version(t, w, id); v != v0+1 {
		t.Errorf("version = %d, want %d", v, v0+1)
	}

	// The case's wire JSON carries the risk.
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"risk":{"id":"`+r.ID+`","mode":"automatic","level":"medium","score":10067,`) {
		t.Errorf("case JSON does not carry the risk: %s", b)
	}

	// Changing the returned risk changes nothing stored.
	r.Flags["complex_company_alert"] = true
	if caseOf(t, w, id).Risk.Flags["complex_company_alert"] {
		t.Error("returned risk shares state with the store")
	}
}

func TestPushAutomaticRiskDuplicate(t *testing.T) {
	tests := []struct {
		name string
		body string
		dup  bool
	}{
		{"exact", seedRiskJSON, true},
		{"same values spelt differently", `{"level":"medium","score":10067.0,"flags":{"complex_company_alert":false,"prohibited_country_ubo":true},
			"components":{"geography_score":2e3,"transaction_score":"1667","delivery_channel_score":2000.00,"product_score":3000,"customer_score":1400}}`, true},
		{"different comment only", `{"level":"medium","score":10067,"comment":"again",
			"components":{"customer_score":1400,"product_score":3000,"delivery_channel_score":2000,"transaction_score":1667,"geography_score":2000},
			"flags":{"prohibited_country_ubo":true,"complex_company_alert":false}}`, true},
		{"one component differs", `{"level":"medium","score":10067,
			"components":{"customer_score":1401,"product_score":3000,"delivery_channel_score":2000,"transaction_score":1667,"geography_score":2000},
			"flags":{"prohibited_country_ubo":true,"complex_company_alert":false}}`, false},
		{"flag false vs absent", `{"level":"medium","score":10067,
			"components":{"customer_score":1400,"product_score":3000,"delivery_channel_score":2000,"transaction_score":1667,"geography_score":2000},
			"flags":{"prohibited_country_ubo":true}}`, false},
		{"other level", `{"level":"high","score":10067,
			"components":{"customer_score":1400,"product_score":3000,"delivery_channel_score":2000,"transaction_score":1667,"geography_score":2000},
			"flags":{"prohibited_country_ubo":true,"complex_company_alert":false}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			w := newWorkspace(t, dossier.Settings{})
			id := riskCase(t, w)
			first := mustPushRisk(t, w, id, riskInput(t, seedRiskJSON))
			before := stored(t, w, id)
			v := version(t, w, id)

			r, dup, err := w.PushAutomaticRisk(ctx, id, riskInput(t, tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if dup != tt.dup {
				t.Fatalf("duplicate = %v, want %v", dup, tt.dup)
			}
			h, err := w.RiskHistory(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if tt.dup {
				if r.ID != first.ID || !r.CreatedAt.Equal(first.CreatedAt) || r.Comment != nil {
					t.Errorf("returned %+v, want the first risk %+v", r, first)
				}
				if after := stored(t, w, id); string(after) != string(before) {
					t.Errorf("a duplicate changed the stored case:\n%s\n%s", before, after)
				}
				if got := version(t, w, id); got != v {
					t.Errorf("version = %d, want %d (no save)", got, v)
				}
				if n := len(h.Risks()); n != 1 {
					t.Errorf("%d risks stored, want 1", n)
				}
				return
			}
			if r.ID == first.ID || currentID(t, w, id) != r.ID || len(h.Risks()) != 2 {
				t.Errorf("near-duplicate not stored as the current risk: %+v, history %d", r, len(h.Risks()))
			}
			if got := version(t, w, id); got != v+1 {
				t.Errorf("version = %d, want %d", got, v+1)
			}
		})
	}
}

// TestRiskModes runs the sequences of the product spec's note on manual
// risks through the Workspace.
func TestRiskModes(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	id := riskCase(t, w)

	a1 := mustPushRisk(t, w, id, risk.Input{Level: risk.LevelLow})
	comment := "adverse media"
	m1 := mustSetManual(t, w, id, risk.Input{Level: risk.LevelHigh, Comment: &comment})
	if m1.Mode != risk.ModeManual || m1.Comment == nil || *m1.Comment != comment {
		t.Fatalf("manual risk = %+v", m1)
	}
	if got := currentID(t, w, id); got != m1.ID {
		t.Fatalf("after manual: current %s, want %s", got, m1.ID)
	}

	// Automatic risks pushed while manual are stored, not current.
	a2 := mustPushRisk(t, w, id, risk.Input{Level: risk.LevelMedium})
	if got := currentID(t, w, id); got != m1.ID {
		t.Fatalf("automatic pushed while manual: current %s, want %s", got, m1.ID)
	}
	// A duplicate of the latest automatic one is still a duplicate.
	if r, dup, err := w.PushAutomaticRisk(ctx, id, risk.Input{Level: risk.LevelMedium}); err != nil || !dup || r.ID != a2.ID {
		t.Fatalf("duplicate while manual = %v, %v, %v", r, dup, err)
	}
	h, err := w.RiskHistory(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if h.Mode() != risk.ModeManual || len(h.Risks()) != 3 || h.LatestAutomatic().ID != a2.ID {
		t.Fatalf("history: mode %s, %d risks, latest automatic %v", h.Mode(), len(h.Risks()), h.LatestAutomatic())
	}

	// Enabling automatic mode makes the latest automatic risk current.
	v := version(t, w, id)
	c, err := w.EnableAutomaticRisk(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Risk == nil || c.Risk.ID != a2.ID || currentID(t, w, id) != a2.ID {
		t.Fatalf("after enable: current %v, want %s", c.Risk, a2.ID)
	}
	if got := version(t, w, id); got != v+1 {
		t.Errorf("version = %d, want %d", got, v+1)
	}

	// Enabling again changes nothing and saves nothing.
	before := stored(t, w, id)
	c, err = w.EnableAutomaticRisk(ctx, id)
	if err != nil || c.Risk == nil || c.Risk.ID != a2.ID {
		t.Fatalf("enable again = %v, %v", c, err)
	}
	if after := stored(t, w, id); string(after) != string(before) {
		t.Error("enabling automatic mode twice saved the case")
	}

	// History: nothing rewritten, one entry for the switch.
	h, err = w.RiskHistory(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range h.Entries() {
		if e.Risk != nil {
			got = append(got, e.Risk.ID)
		} else {
			got = append(got, string(e.Type))
		}
	}
	want := []string{a1.ID, m1.ID, a2.ID, "automatic_enabled"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("entries = %v, want %v", got, want)
	}
	// The history returned is a copy.
	if _, _, err := h.PushAutomatic("x", risk.Input{Level: risk.LevelProhibited}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if currentID(t, w, id) != a2.ID {
		t.Error("changing the returned history changed the case")
	}
}

func TestEnableAutomaticRiskWithoutAutomaticRisk(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	id := riskCase(t, w)
	mustSetManual(t, w, id, risk.Input{Level: risk.LevelCritical})
	c, err := w.EnableAutomaticRisk(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Risk != nil {
		t.Errorf("current risk = %+v, want none", c.Risk)
	}
	r := mustPushRisk(t, w, id, risk.Input{Level: risk.LevelLow})
	if currentID(t, w, id) != r.ID {
		t.Error("automatic risk after enabling is not current")
	}
}

func TestSetManualRiskComment(t *testing.T) {
	ctx := context.Background()
	blank := " \t\n"
	why := "documented override"
	tooLong := strings.Repeat("é", dossier.MaxCommentLen+1)
	tests := []struct {
		name     string
		required bool
		comment  *string
		wantCode validation.Code // "" for success
	}{
		{"required and missing", true, nil, validation.CodeRequired},
		{"required and blank", true, &blank, validation.CodeRequired},
		{"required and given", true, &why, ""},
		{"optional and missing", false, nil, ""},
		{"too long", false, &tooLong, validation.CodeTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorkspace(t, dossier.Settings{ManualRiskCommentRequired: tt.required})
			id := riskCase(t, w)
			in := risk.Input{Level: risk.LevelHigh, Comment: tt.comment}
			if tt.wantCode == "" {
				if r := mustSetManual(t, w, id, in); currentID(t, w, id) != r.ID {
					t.Error("manual risk not current")
				}
				return
			}
			err := unchanged(t, w, id, func() error {
				_, err := w.SetManualRisk(ctx, id, in)
				return err
			})
			wantProblem(t, err, "comment", tt.wantCode)
		})
	}

	// The setting does not apply to automatic risks.
	w := newWorkspace(t, dossier.Settings{ManualRiskCommentRequired: true})
	id := riskCase(t, w)
	mustPushRisk(t, w, id, risk.Input{Level: risk.LevelLow})
}

func TestRiskInvalidInput(t *testing.T) {
	ctx := context.Background()
	tooLong := strings.Repeat("x", dossier.MaxCommentLen+1)
	tests := []struct {
		name string
		in   risk.Input
		want map[string]validation.Code
	}{
		{"no level", risk.Input{}, map[string]validation.Code{"level": validation.CodeRequired}},
		{"unknown level", risk.Input{Level: "severe"}, map[string]validation.Code{"level": validation.CodeInvalidValue}},
		{"every problem at once", risk.Input{
			Level:      "HIGH",
			Score:      ptr(decimal.New(1, 40)),
			Components: map[string]decimal.Decimal{"customer_score": decimal.New(1, -40), "": decimal.Zero},
			Flags:      map[string]bool{"": true},
			Comment:    &tooLong,
		}, map[string]validation.Code{
			"level":                     validation.CodeInvalidValue,
			"score":                     validation.CodeOutOfRange,
			"components.customer_score": validation.CodeTooPrecise,
			"components":                validation.CodeInvalidValue,
			"flags":                     validation.CodeInvalidValue,
			"comment":                   validation.CodeTooLong,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorkspace(t, dossier.Settings{})
			id := riskCase(t, w)
			mustPushRisk(t, w, id, risk.Input{Level: risk.LevelLow})
			v := version(t, w, id)
			ops := map[string]func() error{
				"push":   func() error { _, _, err := w.PushAutomaticRisk(ctx, id, tt.in); return err },
				"manual": func() error { _, err := w.SetManualRisk(ctx, id, tt.in); return err },
			}
			for name, op := range ops {
				err := unchanged(t, w, id, op)
				if !errors.Is(err, dossier.ErrInvalid) || dossier.HTTPStatus(err) != 400 {
					t.Errorf("%s: error %v is not invalid input", name, err)
				}
				var verr *validation.Error
				if !errors.As(err, &verr) || len(verr.Problems) != len(tt.want) {
					t.Fatalf("%s: problems %v, want %v", name, err, tt.want)
				}
				for path, code := range tt.want {
					wantProblem(t, err, path, code)
				}
			}
			if got := version(t, w, id); got != v {
				t.Errorf("version = %d, want %d", got, v)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestRiskDecodeThenPush(t *testing.T) {
	// A host decodes the request body with risk.Input and passes it on; a
	// bad body never reaches the case.
	var in risk.Input
	err := json.Unmarshal([]byte(`{"level":"medium","score":"NaN","components":{"customer_score":"high"}}`), &in)
	wantProblem(t, err, "score", validation.CodeInvalidFormat)
	wantProblem(t, err, "components.customer_score", validation.CodeInvalidFormat)
	if dossier.HTTPStatus(err) != 400 {
		t.Errorf("HTTPStatus = %d, want 400", dossier.HTTPStatus(err))
	}
}

func TestRiskNotFound(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	in := risk.Input{Level: risk.LevelLow}
	errs := map[string]error{}
	_, _, errs["push"] = w.PushAutomaticRisk(ctx, "nope", in)
	_, errs["manual"] = w.SetManualRisk(ctx, "nope", in)
	_, errs["enable"] = w.EnableAutomaticRisk(ctx, "nope")
	_, errs["history"] = w.RiskHistory(ctx, "nope")
	for name, err := range errs {
		if !errors.Is(err, dossier.ErrNotFound) {
			t.Errorf("%s: error %v, want ErrNotFound", name, err)
		}
	}
}

// reviewPeriods used by the review date tests: one month without a risk,
// a year for low, six months for medium, three for high, none for critical
// and prohibited.
var reviewPeriods = map[risk.Level]cases.Period{
	risk.LevelNotDefined: {Months: 1},
	risk.LevelLow:        {Years: 1},
	risk.LevelMedium:     {Months: 6},
	risk.LevelHigh:       {Months: 3},
}

// reviewedAt is a back-dated review time (the test clock is in March 2026).
var reviewedAt = time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)

func approve(t *testing.T, w *dossier.Workspace, caseID string, next patch.Field[cases.Date]) {
	t.Helper()
	_, err := w.ReviewCase(context.Background(), caseID, dossier.ReviewInput{
		Status: cases.ReviewApproved, Comment: "ok", ReviewedAt: reviewedAt, NextReviewAt: next})
	if err != nil {
		t.Fatal(err)
	}
}

func nextReview(t *testing.T, w *dossier.Workspace, caseID string) string {
	t.Helper()
	c := caseOf(t, w, caseID)
	if c.Review == nil {
		t.Fatal("case has no review")
	}
	if c.Review.NextReviewAt == nil {
		return "none"
	}
	return c.Review.NextReviewAt.String()
}

func TestRiskChangeReschedulesReview(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{ReviewPeriods: reviewPeriods}, dossier.WithClock(backdatedClock()))
	id := riskCase(t, w)
	mustPushRisk(t, w, id, risk.Input{Level: risk.LevelLow})
	approve(t, w, id, patch.Field[cases.Date]{})

	// Each step and the date expected after it, computed by hand from
	// 2026-01-15 and the periods above.
	steps := []struct {
		name string
		op   func() error
		want string
	}{
		{"approved at low: +1 year", func() error { return nil }, "2027-01-15"},
		{"automatic medium: +6 months", func() error {
			_, _, err := w.PushAutomaticRisk(ctx, id, risk.Input{Level: risk.LevelMedium, Score: ptr(decimal.NewFromInt(50))})
			return err
		}, "2026-07-15"},
		{"same level, other score: unchanged", func() error {
			_, _, err := w.PushAutomaticRisk(ctx, id, risk.Input{Level: risk.LevelMedium, Score: ptr(decimal.NewFromInt(55))})
			return err
		}, "2026-07-15"},
		{"manual prohibited: no period, no review", func() error {
			_, err := w.SetManualRisk(ctx, id, risk.Input{Level: risk.LevelProhibited})
			return err
		}, "none"},
		{"automatic high while manual: not current, unchanged", func() error {
			_, _, err := w.PushAutomaticRisk(ctx, id, risk.Input{Level: risk.LevelHigh})
			return err
		}, "none"},
		{"enable automatic: high, +3 months", func() error {
			_, err := w.EnableAutomaticRisk(ctx, id)
			return err
		}, "2026-04-15"},
		{"automatic low again: +1 year", func() error {
			_, _, err := w.PushAutomaticRisk(ctx, id, risk.Input{Level: risk.LevelLow})
			return err
		}, "2027-01-15"},
	}
	for _, s := range steps {
		if err := s.op(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := nextReview(t, w, id); got != s.want {
			t.Errorf("%s: next_review_at = %s, want %s", s.name, got, s.want)
		}
		rec, err := w.GetRecord(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !rec.Schedule.Computed || rec.Case.Risk == nil || rec.Schedule.Level != rec.Case.Risk.Level {
			t.Errorf("%s: schedule %+v does not follow the current level", s.name, rec.Schedule)
		}
		if !rec.Case.Review.ReviewedAt.Equal(reviewedAt) {
			t.Errorf("%s: review date changed to %s", s.name, rec.Case.Review.ReviewedAt)
		}
	}
}

func TestRiskChangeKeepsReviewDate(t *testing.T) {
	ctx := context.Background()
	explicit := cases.Date{Year: 2026, Month: time.December, Day: 31}
	tests := []struct {
		name  string
		setup func(t *testing.T, w *dossier.Workspace, id string)
		want  string
	}{
		{"explicit date", func(t *testing.T, w *dossier.Workspace, id string) {
			approve(t, w, id, patch.Value(explicit))
		}, "2026-12-31"},
		{"explicit no review", func(t *testing.T, w *dossier.Workspace, id string) {
			approve(t, w, id, patch.Null[cases.Date]())
		}, "none"},
		{"reopened case", func(t *testing.T, w *dossier.Workspace, id string) {
			approve(t, w, id, patch.Field[cases.Date]{}) // low: 2027-01-15
			if _, err := w.UpdateCase(ctx, id, dossier.UpdateCaseInput{Status: patch.Value(cases.StatusOpen)}); err != nil {
				t.Fatal(err)
			}
		}, "2027-01-15"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorkspace(t, dossier.Settings{ReviewPeriods: reviewPeriods}, dossier.WithClock(backdatedClock()))
			id := riskCase(t, w)
			mustPushRisk(t, w, id, risk.Input{Level: risk.LevelLow})
			tt.setup(t, w, id)
			mustPushRisk(t, w, id, risk.Input{Level: risk.LevelHigh})
			mustSetManual(t, w, id, risk.Input{Level: risk.LevelMedium})
			if got := nextReview(t, w, id); got != tt.want {
				t.Errorf("next_review_at = %s, want %s", got, tt.want)
			}
		})
	}

	t.Run("rejected case", func(t *testing.T) {
		w := newWorkspace(t, dossier.Settings{ReviewPeriods: reviewPeriods})
		id := riskCase(t, w)
		if _, err := w.ReviewCase(ctx, id, dossier.ReviewInput{Status: cases.ReviewRejected, Comment: "no"}); err != nil {
			t.Fatal(err)
		}
		mustPushRisk(t, w, id, risk.Input{Level: risk.LevelHigh})
		if got := nextReview(t, w, id); got != "none" {
			t.Errorf("next_review_at = %s, want none", got)
		}
	})
}

func TestRiskFirstRiskAfterApproval(t *testing.T) {
	// Approved without any risk: the not_defined period applies; the first
	// risk reschedules from the same review date.
	w := newWorkspace(t, dossier.Settings{ReviewPeriods: reviewPeriods}, dossier.WithClock(backdatedClock()))
	id := riskCase(t, w)
	approve(t, w, id, patch.Field[cases.Date]{})
	if got := nextReview(t, w, id); got != "2026-02-15" {
		t.Fatalf("next_review_at = %s, want 2026-02-15", got)
	}
	mustPushRisk(t, w, id, risk.Input{Level: risk.LevelHigh})
	if got := nextReview(t, w, id); got != "2026-04-15" {
		t.Errorf("next_review_at = %s, want 2026-04-15", got)
	}
	// A risk of level not_defined is the same level as no risk.
	mustSetManual(t, w, id, risk.Input{Level: risk.LevelNotDefined})
	if got := nextReview(t, w, id); got != "2026-02-15" {
		t.Errorf("next_review_at = %s, want 2026-02-15", got)
	}
}

func TestRiskConcurrentPushes(t *testing.T) {
	ctx := context.Background()
	const n = 16
	w := newWorkspace(t, dossier.Settings{}, dossier.WithRetryTimeout(time.Minute))
	id := riskCase(t, w)

	// Distinct risks: every one is stored, none lost.
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, dup, err := w.PushAutomaticRisk(ctx, id, risk.Input{Level: risk.LevelLow, Score: ptr(decimal.NewFromInt(int64(i)))})
			if err == nil && dup {
				err = fmt.Errorf("push %d reported a duplicate", i)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	h, err := w.RiskHistory(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(h.Risks()); got != n {
		t.Fatalf("%d risks stored, want %d", got, n)
	}

	// The same risk pushed concurrently is stored once; everyone gets it.
	var stored atomic.Int32
	ids := make(chan string, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, dup, err := w.PushAutomaticRisk(ctx, id, risk.Input{Level: risk.LevelHigh})
			if err != nil {
				t.Error(err)
				return
			}
			if !dup {
				stored.Add(1)
			}
			ids <- r.ID
		}()
	}
	wg.Wait()
	close(ids)
	if got := stored.Load(); got != 1 {
		t.Errorf("the same risk was stored %d times, want once", got)
	}
	first := ""
	for rid := range ids {
		if first == "" {
			first = rid
		}
		if rid != first {
			t.Errorf("callers got different risks: %s and %s", first, rid)
		}
	}
}

func ExampleWorkspace_PushAutomaticRisk() {
	ctx := context.Background()
	// A fixed clock and numbered ids make the output the same on every
	// run; an application keeps the defaults (time.Now, random UUIDs).
	var n atomic.Int64
	w, err := dossier.New(memory.New(), dossier.Settings{ManualRiskCommentRequired: true},
		dossier.WithClock(func() time.Time { return time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) }),
		dossier.WithIDGenerator(func() string { return fmt.Sprintf("id-%d", n.Add(1)) }))
	if err != nil {
		panic(err)
	}
	c, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme Ltd"})

	// A scoring system pushes a risk (the request body of the API).
	var in risk.Input
	if err := json.Unmarshal([]byte(`{"level": "medium", "score": 10067,
		"components": {"customer_score": 1400, "geography_score": 2000},
		"flags": {"prohibited_country_ubo": true}}`), &in); err != nil {
		panic(err)
	}
	r, duplicate, _ := w.PushAutomaticRisk(ctx, c.ID, in)
	fmt.Println("pushed:", r.Mode, r.Level, r.Score, "duplicate:", duplicate)

	// The same assessment again: nothing stored, the existing risk returned.
	again, duplicate, _ := w.PushAutomaticRisk(ctx, c.ID, in)
	fmt.Println("again: duplicate:", duplicate, "same risk:", again.ID == r.ID)

	// A compliance officer overrides it; this workspace asks for a comment.
	_, err = w.SetManualRisk(ctx, c.ID, risk.Input{Level: risk.LevelHigh})
	fmt.Println("manual without comment:", dossier.HTTPStatus(err), err)
	why := "UBO lives in a high-risk country"
	m, _ := w.SetManualRisk(ctx, c.ID, risk.Input{Level: risk.LevelHigh, Comment: &why})
	fmt.Println("manual:", m.Mode, m.Level, *m.Comment)

	// New automatic risks are kept but the manual one stays current...
	_, _, _ = w.PushAutomaticRisk(ctx, c.ID, risk.Input{Level: risk.LevelLow})
	c, _ = w.GetCaseByID(ctx, c.ID)
	fmt.Println("pushed low while manual: current:", c.Risk.Mode, c.Risk.Level)

	// ...until automatic mode is enabled again.
	c, _ = w.EnableAutomaticRisk(ctx, c.ID)
	fmt.Println("enabled: current:", c.Risk.Mode, c.Risk.Level)

	h, _ := w.RiskHistory(ctx, c.ID)
	fmt.Println("stored risks:", len(h.Risks()), "mode:", h.Mode())
	// Output:
	// pushed: automatic medium 10067 duplicate: false
	// again: duplicate: true same risk: true
	// manual without comment: 400 invalid input: comment: a comment is required to set a manual risk in this workspace (required)
	// manual: manual high UBO lives in a high-risk country
	// pushed low while manual: current: manual high
	// enabled: current: automatic low
	// stored risks: 3 mode: automatic
}

func TestRiskChangeAndReviewDue(t *testing.T) {
	ctx := context.Background()
	periods := map[risk.Level]cases.Period{
		risk.LevelLow:      {Years: 1},
		risk.LevelMedium:   {Months: 6},
		risk.LevelHigh:     {Months: 3},
		risk.LevelCritical: {Months: 3},
	}
	w := newWorkspace(t, dossier.Settings{ReviewPeriods: periods}, dossier.WithClock(backdatedClock()))
	id := riskCase(t, w)
	mustPushRisk(t, w, id, risk.Input{Level: risk.LevelHigh})
	approve(t, w, id, patch.Field[cases.Date]{}) // due 2026-04-15
	may := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	recordDue := func(at time.Time) int {
		t.Helper()
		return len(collect(t, w.RecordReviewsDue(ctx, at)))
	}
	if n := recordDue(may); n != 1 {
		t.Fatalf("first announcement recorded %d, want 1", n)
	}
	// Another level with the same period: same date, not announced again.
	mustSetManual(t, w, id, risk.Input{Level: risk.LevelCritical})
	if got := nextReview(t, w, id); got != "2026-04-15" {
		t.Fatalf("next_review_at = %s, want 2026-04-15", got)
	}
	if n := recordDue(may); n != 0 {
		t.Errorf("same due date announced again (%d)", n)
	}
	// A new date is announced when it is due.
	if _, err := w.EnableAutomaticRisk(ctx, id); err != nil {
		t.Fatal(err)
	}
	mustPushRisk(t, w, id, risk.Input{Level: risk.LevelMedium})
	if got := nextReview(t, w, id); got != "2026-07-15" {
		t.Fatalf("next_review_at = %s, want 2026-07-15", got)
	}
	if n := recordDue(may); n != 0 {
		t.Errorf("announced before the new due date (%d)", n)
	}
	if n := recordDue(time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)); n != 1 {
		t.Errorf("new due date announced %d times, want 1", n)
	}
}

func TestRiskEvents(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	id := riskCase(t, w)
	count := func() int {
		t.Helper()
		n := 0
		for _, e := range allEvents(t, w, id) {
			if e.Name() == "Case.RiskUpdated" {
				n++
			}
		}
		return n
	}
	mustPushRisk(t, w, id, risk.Input{Level: risk.LevelLow})
	if n := count(); n != 1 {
		t.Fatalf("%d Case.RiskUpdated events after a push, want 1", n)
	}
	if _, dup, err := w.PushAutomaticRisk(ctx, id, risk.Input{Level: risk.LevelLow}); err != nil || !dup {
		t.Fatal(dup, err)
	}
	if n := count(); n != 1 {
		t.Errorf("a duplicate recorded an event (%d)", n)
	}
	mustSetManual(t, w, id, risk.Input{Level: risk.LevelHigh})
	mustPushRisk(t, w, id, risk.Input{Level: risk.LevelMedium}) // not current: the case's risk is unchanged
	if n := count(); n != 2 {
		t.Errorf("%d Case.RiskUpdated events, want 2", n)
	}
	if _, err := w.EnableAutomaticRisk(ctx, id); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 3 {
		t.Errorf("%d Case.RiskUpdated events after enabling automatic, want 3", n)
	}
}
