package risk_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/validation"
)

// seedExample is the automatic risk of the product spec, verbatim.
const seedExample = `{
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

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func decp(s string) *decimal.Decimal { d := dec(s); return &d }

func strp(s string) *string { return &s }

func TestInputDecodeSeedExample(t *testing.T) {
	var in risk.Input
	if err := json.Unmarshal([]byte(seedExample), &in); err != nil {
		t.Fatal(err)
	}
	if in.Level != risk.LevelMedium {
		t.Errorf("Level = %q, want medium", in.Level)
	}
	if in.Score == nil || !in.Score.Equal(dec("10067")) {
		t.Errorf("Score = %v, want 10067", in.Score)
	}
	wantComponents := map[string]string{
		"customer_score": "1400", "product_score": "3000", "delivery_channel_score": "2000",
		"transaction_score": "1667", "geography_score": "2000",
	}
	if len(in.Components) != len(wantComponents) {
		t.Errorf("Components = %v, want %v", in.Components, wantComponents)
	}
	for k, v := range wantComponents {
		if got, ok := in.Components[k]; !ok || !got.Equal(dec(v)) {
			t.Errorf("Components[%s] = %v, want %s", k, got, v)
		}
	}
	if len(in.Flags) != 2 || in.Flags["prohibited_country_ubo"] != true || in.Flags["complex_company_alert"] != false {
		t.Errorf("Flags = %v", in.Flags)
	}
	if _, ok := in.Flags["complex_company_alert"]; !ok {
		t.Error("false flag lost")
	}
	if in.Comment != nil {
		t.Errorf("Comment = %q, want nil", *in.Comment)
	}
}

func TestRiskWireJSON(t *testing.T) {
	r := risk.Risk{
		ID:         "r1",
		Mode:       risk.ModeAutomatic,
		Level:      risk.LevelMedium,
		Score:      decp("10067.0"),
		Components: map[string]decimal.Decimal{"b": dec("1667.50"), "a": dec("-0.25")},
		Flags:      map[string]bool{"x": false},
		CreatedAt:  time.Date(2024, 5, 1, 11, 30, 0, 0, time.FixedZone("CEST", 2*3600)),
	}
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"r1","mode":"automatic","level":"medium","score":10067,"components":{"a":-0.25,"b":1667.5},` +
		`"flags":{"x":false},"comment":null,"created_at":"2024-05-01T09:30:00Z"}`
	if string(data) != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", data, want)
	}

	empty := risk.Risk{ID: "r2", Mode: risk.ModeManual, Level: risk.LevelNotDefined,
		Components: map[string]decimal.Decimal{}, Comment: strp(""), CreatedAt: time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC)}
	data, err = json.Marshal(empty)
	if err != nil {
		t.Fatal(err)
	}
	want = `{"id":"r2","mode":"manual","level":"not_defined","score":null,"components":{},"flags":null,"comment":"","created_at":"2024-01-02T03:04:05.000000006Z"}`
	if string(data) != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", data, want)
	}
	var back risk.Risk
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Components == nil || len(back.Components) != 0 || back.Flags != nil || back.Score != nil ||
		back.Comment == nil || *back.Comment != "" || !back.CreatedAt.Equal(empty.CreatedAt) {
		t.Errorf("round trip lost nil/empty distinctions: %+v", back)
	}
}

func TestRiskMarshalRefusesInvalid(t *testing.T) {
	bad := risk.Risk{Level: "severe", Score: decp("1e40")}
	_, err := json.Marshal(bad)
	var verr *validation.Error
	if !errors.As(err, &verr) {
		t.Fatalf("Marshal(invalid) error = %v, want *validation.Error", err)
	}
	for _, want := range []struct {
		path string
		code validation.Code
	}{
		{"id", validation.CodeRequired},
		{"mode", validation.CodeRequired},
		{"level", validation.CodeInvalidValue},
		{"score", validation.CodeOutOfRange},
		{"created_at", validation.CodeRequired},
	} {
		if !verr.Has(want.path, want.code) {
			t.Errorf("missing problem %s %s in %v", want.path, want.code, verr)
		}
	}
}

type problem struct {
	path string
	code validation.Code
}

func problemsOf(t *testing.T, err error) []problem {
	t.Helper()
	var verr *validation.Error
	if !errors.As(err, &verr) {
		t.Fatalf("error = %v (%T), want *validation.Error", err, err)
	}
	var out []problem
	for _, p := range verr.Problems {
		if p.Message == "" {
			t.Errorf("problem %s %s has no message", p.Path, p.Code)
		}
		out = append(out, problem{p.Path, p.Code})
	}
	return out
}

func sameProblems(a, b []problem) bool {
	cmp := func(x, y problem) int {
		if c := strings.Compare(x.path, y.path); c != 0 {
			return c
		}
		return strings.Compare(string(x.code), string(y.code))
	}
	a, b = slices.Clone(a), slices.Clone(b)
	slices.SortFunc(a, cmp)
	slices.SortFunc(b, cmp)
	return slices.Equal(a, b)
}

func TestInputDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		json string
		want []problem
	}{
		{"unknown level", `{"level":"severe"}`, []problem{{"level", validation.CodeInvalidValue}}},
		{"upper-case level", `{"level":"HIGH"}`, []problem{{"level", validation.CodeInvalidValue}}},
		{"missing level", `{"score":1}`, []problem{{"level", validation.CodeRequired}}},
		{"null level", `{"level":null}`, []problem{{"level", validation.CodeRequired}}},
		{"level not a string", `{"level":3}`, []problem{{"level", validation.CodeInvalidType}}},
		{"NaN score", `{"level":"low","score":"NaN"}`, []problem{{"score", validation.CodeInvalidFormat}}},
		{"Infinity score", `{"level":"low","score":"Infinity"}`, []problem{{"score", validation.CodeInvalidFormat}}},
		{"empty string score", `{"level":"low","score":""}`, []problem{{"score", validation.CodeInvalidFormat}}},
		{"spaced string score", `{"level":"low","score":" 12"}`, []problem{{"score", validation.CodeInvalidFormat}}},
		{"boolean score", `{"level":"low","score":true}`, []problem{{"score", validation.CodeInvalidType}}},
		{"object score", `{"level":"low","score":{}}`, []problem{{"score", validation.CodeInvalidType}}},
		{"huge score", `{"level":"low","score":1e999999999}`, []problem{{"score", validation.CodeOutOfRange}}},
		{"too precise score", `{"level":"low","score":1e-31}`, []problem{{"score", validation.CodeTooPrecise}}},
		{"non-numeric component", `{"level":"low","components":{"customer_score":"high"}}`,
			[]problem{{"components.customer_score", validation.CodeInvalidFormat}}},
		{"null component", `{"level":"low","components":{"customer_score":null}}`,
			[]problem{{"components.customer_score", validation.CodeInvalidType}}},
		{"components not an object", `{"level":"low","components":[1,2]}`, []problem{{"components", validation.CodeInvalidType}}},
		{"empty component name", `{"level":"low","components":{"":1}}`, []problem{{"components", validation.CodeInvalidValue}}},
		{"non-boolean flag", `{"level":"low","flags":{"pep":"true"}}`, []problem{{"flags.pep", validation.CodeInvalidType}}},
		{"flags not an object", `{"level":"low","flags":true}`, []problem{{"flags", validation.CodeInvalidType}}},
		{"comment not a string", `{"level":"low","comment":1}`, []problem{{"comment", validation.CodeInvalidType}}},
		{"misspelt field", `{"level":"low","socre":1}`, []problem{{"socre", validation.CodeUnknownField}}},
		{"library fields", `{"level":"low","id":"x","mode":"manual","created_at":"2024-01-01T00:00:00Z"}`,
			[]problem{{"id", validation.CodeNotAllowed}, {"mode", validation.CodeNotAllowed}, {"created_at", validation.CodeNotAllowed}}},
		{"duplicate key", `{"level":"low","level":"high"}`, []problem{{"level", validation.CodeDuplicate}}},
		{"duplicate component", `{"level":"low","components":{"a":1,"a":2}}`, []problem{{"components.a", validation.CodeDuplicate}}},
		{"not an object", `[1]`, []problem{{"", validation.CodeInvalidType}}},
		{"a string", `"low"`, []problem{{"", validation.CodeInvalidType}}},
		{"every problem at once",
			`{"level":"severe","score":"NaN","components":{"customer_score":"x","product_score":1e40,"ok":1},"flags":{"a":1},"extra":0}`,
			[]problem{
				{"level", validation.CodeInvalidValue},
				{"score", validation.CodeInvalidFormat},
				{"components.customer_score", validation.CodeInvalidFormat},
				{"components.product_score", validation.CodeOutOfRange},
				{"flags.a", validation.CodeInvalidType},
				{"extra", validation.CodeUnknownField},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := risk.Input{Level: risk.LevelLow, Comment: strp("unchanged")}
			in := before
			err := json.Unmarshal([]byte(tt.json), &in)
			if got := problemsOf(t, err); !sameProblems(got, tt.want) {
				t.Errorf("problems = %v, want %v", got, tt.want)
			}
			if in.Level != before.Level || in.Comment != before.Comment || in.Score != nil {
				t.Errorf("failed decode changed the input: %+v", in)
			}
		})
	}
}

func TestInputDecodeAccepts(t *testing.T) {
	tests := []struct {
		name  string
		json  string
		score string // "" for nil
	}{
		{"number", `{"level":"high","score":10067}`, "10067"},
		{"trailing zero", `{"level":"high","score":10067.0}`, "10067"},
		{"exponent", `{"level":"high","score":1.0067e4}`, "10067"},
		{"numeric string", `{"level":"high","score":"16.67"}`, "16.67"},
		{"negative", `{"level":"high","score":-3}`, "-3"},
		{"null score", `{"level":"high","score":null}`, ""},
		{"absent score", `{"level":"high"}`, ""},
		{"beyond float64 precision", `{"level":"high","score":12345678901234567890.123456789}`, "12345678901234567890.123456789"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in risk.Input
			if err := json.Unmarshal([]byte(tt.json), &in); err != nil {
				t.Fatal(err)
			}
			if tt.score == "" {
				if in.Score != nil {
					t.Errorf("Score = %s, want nil", in.Score)
				}
				return
			}
			if in.Score == nil || !in.Score.Equal(dec(tt.score)) || in.Score.String() != tt.score {
				t.Errorf("Score = %v, want %s", in.Score, tt.score)
			}
		})
	}
}

func TestRiskDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		json string
		want []problem
	}{
		{"empty object", `{}`, []problem{
			{"id", validation.CodeRequired}, {"mode", validation.CodeRequired},
			{"level", validation.CodeRequired}, {"created_at", validation.CodeRequired}}},
		{"bad mode and date", `{"id":"r","mode":"auto","level":"low","created_at":"yesterday"}`, []problem{
			{"mode", validation.CodeInvalidValue}, {"created_at", validation.CodeInvalidFormat}}},
		{"id not a string", `{"id":7,"mode":"manual","level":"low","created_at":"2024-01-01T00:00:00Z"}`,
			[]problem{{"id", validation.CodeInvalidType}}},
		{"NaN component", `{"id":"r","mode":"manual","level":"low","components":{"c":"-NaN"},"created_at":"2024-01-01T00:00:00Z"}`,
			[]problem{{"components.c", validation.CodeInvalidFormat}}},
		// Year -1 in UTC: it parses, but time.Time cannot encode it, so
		// accepting it would store a risk that can never be written.
		{"created_at before year 0 in UTC", `{"id":"r","mode":"manual","level":"low","created_at":"0000-01-01T0:00:00+01:00"}`,
			[]problem{{"created_at", validation.CodeInvalidFormat}}},
		{"created_at after 9999 in UTC", `{"id":"r","mode":"manual","level":"low","created_at":"9999-12-31T23:00:00-01:00"}`,
			[]problem{{"created_at", validation.CodeInvalidFormat}}},
		{"duplicate key", `{"id":"r","mode":"manual","level":"low","level":"high","created_at":"2024-01-01T00:00:00Z"}`,
			[]problem{{"level", validation.CodeDuplicate}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r risk.Risk
			err := json.Unmarshal([]byte(tt.json), &r)
			if got := problemsOf(t, err); !sameProblems(got, tt.want) {
				t.Errorf("problems = %v, want %v", got, tt.want)
			}
		})
	}

	// Direct calls get a validation error for malformed JSON too.
	var r risk.Risk
	if got := problemsOf(t, r.UnmarshalJSON([]byte(`{"id":`))); !sameProblems(got, []problem{{"", validation.CodeMalformedJSON}}) {
		t.Errorf("malformed: %v", got)
	}
	// Keys of a newer version are ignored.
	if err := json.Unmarshal([]byte(`{"id":"r","mode":"manual","level":"low","created_at":"2024-01-01T00:00:00Z","source":"x"}`), &r); err != nil {
		t.Errorf("unknown key refused: %v", err)
	}
}

func TestInputValidate(t *testing.T) {
	tests := []struct {
		name string
		in   risk.Input
		want []problem
	}{
		{"valid", risk.Input{Level: risk.LevelLow, Score: decp("1")}, nil},
		{"zero", risk.Input{}, []problem{{"level", validation.CodeRequired}}},
		{"everything wrong", risk.Input{
			Level:      "extreme",
			Score:      decp("1e30"),
			Components: map[string]decimal.Decimal{"": dec("1"), "fine": dec("2"), "tiny": decimal.New(1, -40)},
			Flags:      map[string]bool{"": true},
		}, []problem{
			{"level", validation.CodeInvalidValue},
			{"score", validation.CodeOutOfRange},
			{"components", validation.CodeInvalidValue},
			{"components.tiny", validation.CodeTooPrecise},
			{"flags", validation.CodeInvalidValue},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if got := problemsOf(t, err); !sameProblems(got, tt.want) {
				t.Errorf("problems = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestInputJSONRoundTrip(t *testing.T) {
	in := risk.Input{
		Level:      risk.LevelCritical,
		Score:      decp("-0.5"),
		Components: map[string]decimal.Decimal{},
		Flags:      map[string]bool{"pep": false},
		Comment:    strp("checked by hand"),
	}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"level":"critical","score":-0.5,"components":{},"flags":{"pep":false},"comment":"checked by hand"}`
	if string(data) != want {
		t.Fatalf("Marshal = %s, want %s", data, want)
	}
	var back risk.Input
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if !back.SameAssessment(risk.Risk{Level: in.Level, Score: in.Score, Components: in.Components, Flags: in.Flags}) ||
		back.Components == nil || *back.Comment != *in.Comment {
		t.Errorf("round trip = %+v", back)
	}
}

func TestSameAssessment(t *testing.T) {
	base := risk.Risk{
		ID: "a", Mode: risk.ModeAutomatic, Level: risk.LevelMedium, Score: decp("10067"),
		Components: map[string]decimal.Decimal{"customer_score": dec("1400"), "product_score": dec("3000")},
		Flags:      map[string]bool{"prohibited_country_ubo": true, "complex_company_alert": false},
		CreatedAt:  time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	tests := []struct {
		name   string
		change func(r *risk.Risk)
		same   bool
	}{
		{"identical", func(*risk.Risk) {}, true},
		{"other id, mode, comment, time", func(r *risk.Risk) {
			r.ID, r.Mode, r.Comment, r.CreatedAt = "b", risk.ModeManual, strp("x"), time.Now()
		}, true},
		{"score 10067.0", func(r *risk.Risk) { r.Score = decp("10067.0") }, true},
		{"score 1.0067e4", func(r *risk.Risk) { s := decimal.New(10067000, -3); r.Score = &s }, true},
		{"component 1400.00", func(r *risk.Risk) {
			r.Components = map[string]decimal.Decimal{"product_score": dec("3000"), "customer_score": dec("1400.00")}
		}, true},
		{"other level", func(r *risk.Risk) { r.Level = risk.LevelHigh }, false},
		{"other score", func(r *risk.Risk) { r.Score = decp("10067.01") }, false},
		{"no score", func(r *risk.Risk) { r.Score = nil }, false},
		{"zero score", func(r *risk.Risk) { r.Score = decp("0") }, false},
		{"one component differs", func(r *risk.Risk) {
			r.Components = map[string]decimal.Decimal{"customer_score": dec("1401"), "product_score": dec("3000")}
		}, false},
		{"one component missing", func(r *risk.Risk) { r.Components = map[string]decimal.Decimal{"customer_score": dec("1400")} }, false},
		{"extra component", func(r *risk.Risk) { r.Components["x"] = dec("0") }, false},
		{"flag false vs absent", func(r *risk.Risk) { r.Flags = map[string]bool{"prohibited_country_ubo": true} }, false},
		{"flag flipped", func(r *risk.Risk) { r.Flags["complex_company_alert"] = true }, false},
		{"no flags", func(r *risk.Risk) { r.Flags = nil }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			other := base.Clone()
			tt.change(&other)
			if got := base.SameAssessment(other); got != tt.same {
				t.Errorf("SameAssessment = %v, want %v", got, tt.same)
			}
			if got := other.SameAssessment(base); got != tt.same {
				t.Errorf("SameAssessment not symmetric")
			}
			if got := other.Input().SameAssessment(base); got != tt.same {
				t.Errorf("Input.SameAssessment = %v, want %v", got, tt.same)
			}
		})
	}

	// nil and empty maps are the same (empty) set.
	a := risk.Risk{Level: risk.LevelLow}
	b := risk.Risk{Level: risk.LevelLow, Components: map[string]decimal.Decimal{}, Flags: map[string]bool{}}
	if !a.SameAssessment(b) {
		t.Error("nil maps differ from empty maps")
	}
}

func TestRiskClone(t *testing.T) {
	r := risk.Risk{ID: "a", Mode: risk.ModeManual, Level: risk.LevelLow, Score: decp("1"),
		Components: map[string]decimal.Decimal{"c": dec("1")}, Flags: map[string]bool{"f": true}, Comment: strp("x")}
	c := r.Clone()
	*c.Score = dec("2")
	c.Components["c"] = dec("2")
	c.Flags["f"] = false
	*c.Comment = "y"
	if !r.Score.Equal(dec("1")) || !r.Components["c"].Equal(dec("1")) || !r.Flags["f"] || *r.Comment != "x" {
		t.Errorf("Clone shares state: %+v", r)
	}
	in := r.Input()
	in.Flags["f"] = false
	if !r.Flags["f"] {
		t.Error("Input() shares state")
	}
}

func TestParseInput(t *testing.T) {
	in, err := risk.ParseInput([]byte(seedExample))
	if err != nil || in.Level != risk.LevelMedium || !in.Score.Equal(dec("10067")) {
		t.Fatalf("ParseInput(seed) = %+v, %v", in, err)
	}
	tests := []struct {
		body string
		want []problem
	}{
		{`{"level":`, []problem{{"", validation.CodeMalformedJSON}}},
		{``, []problem{{"", validation.CodeMalformedJSON}}},
		{`null`, []problem{{"", validation.CodeRequired}}},
		{` null `, []problem{{"", validation.CodeRequired}}},
		{`{"level":"low"} x`, []problem{{"", validation.CodeMalformedJSON}}},
		{`{"level":"x"}`, []problem{{"level", validation.CodeInvalidValue}}},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			_, err := risk.ParseInput([]byte(tt.body))
			if got := problemsOf(t, err); !sameProblems(got, tt.want) {
				t.Errorf("problems = %v, want %v", got, tt.want)
			}
		})
	}
}
