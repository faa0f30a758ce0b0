package risk_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/validation"
)

var riskSeeds = []string{
	`{"id":"r1","mode":"automatic","level":"medium","score":10067,"components":{"customer_score":1400,"product_score":3000},"flags":{"prohibited_country_ubo":true,"complex_company_alert":false},"comment":null,"created_at":"2024-05-01T09:30:00Z"}`,
	`{"id":"r2","mode":"manual","level":"not_defined","score":null,"components":{},"flags":null,"comment":"","created_at":"2024-05-01T09:30:00.123456789+02:00"}`,
	`{"id":"r3","mode":"manual","level":"critical","score":"-0.5e-3","components":{"a":"1E+2"},"created_at":"2024-05-01T09:30:00Z"}`,
	`{"id":"r4","mode":"manual","level":"low","created_at":"0000-01-01T0:00:00+01:00"}`,
	`{"id":"r4","mode":"automatic","level":"low","score":"NaN","created_at":"2024-05-01T09:30:00Z"}`,
	`{"id":"r5","mode":"automatic","level":"low","score":1e999999999,"created_at":"2024-05-01T09:30:00Z"}`,
	`{"level":"high","level":"low"}`,
	`{}`, `null`, `[]`, `"x"`, `{"id":`,
}

// FuzzRiskJSON checks that decoding never panics, that every error is a
// *validation.Error, and that an accepted risk is valid and survives a JSON
// round trip unchanged.
func FuzzRiskJSON(f *testing.F) {
	for _, s := range append(riskSeeds, seedExample) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var r risk.Risk
		if err := r.UnmarshalJSON(data); err != nil {
			if !errors.Is(err, validation.ErrInvalid) {
				t.Fatalf("error %v (%T) is not a validation error", err, err)
			}
			return
		}
		if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
			return
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("accepted risk does not validate: %v", err)
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("accepted risk does not marshal: %v", err)
		}
		var back risk.Risk
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("re-decode of %s: %v", out, err)
		}
		if diff := cmp.Diff(r, back); diff != "" {
			t.Fatalf("round trip changed the risk (-first +second):\n%s", diff)
		}
		if !r.SameAssessment(back) {
			t.Fatal("round trip changed the assessment")
		}
		out2, err := json.Marshal(back)
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("encoding is not stable:\n%s\n%s", out, out2)
		}
	})
}

// FuzzInputJSON decodes a submitted risk, pushes it (automatic and manual)
// into a history and checks the history round-trips.
func FuzzInputJSON(f *testing.F) {
	f.Add([]byte(seedExample))
	for _, s := range riskSeeds {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"level":"prohibited","score":"12.50","components":null,"flags":{"":true}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		parsed, perr := risk.ParseInput(data)
		if perr != nil && !errors.Is(perr, validation.ErrInvalid) {
			t.Fatalf("ParseInput error %v (%T) is not a validation error", perr, perr)
		}
		var in risk.Input
		if err := in.UnmarshalJSON(data); err != nil {
			if !errors.Is(err, validation.ErrInvalid) {
				t.Fatalf("error %v (%T) is not a validation error", err, err)
			}
			return
		}
		if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
			return
		}
		if err := in.Validate(); err != nil {
			t.Fatalf("accepted input does not validate: %v", err)
		}
		if perr != nil || !cmp.Equal(parsed, in) {
			t.Fatalf("ParseInput disagrees with UnmarshalJSON: %v", perr)
		}
		out, err := json.Marshal(in)
		if err != nil {
			t.Fatalf("accepted input does not marshal: %v", err)
		}
		var back risk.Input
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("re-decode of %s: %v", out, err)
		}
		if diff := cmp.Diff(in, back); diff != "" {
			t.Fatalf("round trip changed the input (-first +second):\n%s", diff)
		}

		var h risk.History
		now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		if _, dup, err := h.PushAutomatic("a", in, now); err != nil || dup {
			t.Fatalf("push = %v, %v", dup, err)
		}
		if _, dup, err := h.PushAutomatic("b", back, now); err != nil || !dup {
			t.Fatalf("push of the round-tripped input = %v, %v; want duplicate", dup, err)
		}
		if _, err := h.SetManual("m", in, now, risk.ManualOptions{}); err != nil {
			t.Fatal(err)
		}
		hj, err := json.Marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		var h2 risk.History
		if err := json.Unmarshal(hj, &h2); err != nil {
			t.Fatalf("history re-decode of %s: %v", hj, err)
		}
		if diff := cmp.Diff(h.Entries(), h2.Entries()); diff != "" {
			t.Fatalf("history round trip (-first +second):\n%s", diff)
		}
	})
}

// FuzzHistoryJSON checks that decoding a history never panics and that an
// accepted history round-trips with the same current risk and mode.
func FuzzHistoryJSON(f *testing.F) {
	f.Add([]byte(`[]`))
	f.Add([]byte(`null`))
	f.Add([]byte(`[{"type":"risk","at":"2024-03-01T09:00:00Z","risk":` + riskSeeds[0][:len(riskSeeds[0])-len(`"2024-05-01T09:30:00Z"}`)] + `"2024-03-01T09:00:00Z"}},{"type":"automatic_enabled","at":"2024-03-01T11:00:00Z"}]`))
	f.Add([]byte(`[{"type":"automatic_enabled","at":"2024-03-01T11:00:00Z"},{"type":"x"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var h risk.History
		if err := h.UnmarshalJSON(data); err != nil {
			if !errors.Is(err, validation.ErrInvalid) {
				t.Fatalf("error %v (%T) is not a validation error", err, err)
			}
			return
		}
		out, err := json.Marshal(h)
		if err != nil {
			t.Fatalf("accepted history does not marshal: %v", err)
		}
		var back risk.History
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("re-decode of %s: %v", out, err)
		}
		if diff := cmp.Diff(h.Entries(), back.Entries()); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
		if h.Mode() != back.Mode() || !cmp.Equal(h.Current(), back.Current()) {
			t.Fatal("round trip changed the current risk or mode")
		}
	})
}
