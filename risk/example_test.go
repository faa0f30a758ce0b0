package risk_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/validation"
)

func ExampleHistory_PushAutomatic() {
	var h risk.History
	now := time.Date(2024, 5, 1, 9, 30, 0, 0, time.UTC)

	in, err := risk.ParseInput([]byte(`{"level": "medium", "score": 10067,
		"components": {"customer_score": 1400, "product_score": 3000},
		"flags": {"prohibited_country_ubo": true, "complex_company_alert": false}}`))
	if err != nil {
		panic(err)
	}
	r, duplicate, err := h.PushAutomatic("risk-1", in, now)
	if err != nil {
		panic(err)
	}
	fmt.Println(r.ID, r.Mode, r.Level, r.Score, duplicate)
	fmt.Println("current:", h.Current().ID, "mode:", h.Mode())

	data, _ := json.Marshal(r)
	fmt.Println(string(data))
	// Output:
	// risk-1 automatic medium 10067 false
	// current: risk-1 mode: automatic
	// {"id":"risk-1","mode":"automatic","level":"medium","score":10067,"components":{"customer_score":1400,"product_score":3000},"flags":{"complex_company_alert":false,"prohibited_country_ubo":true},"comment":null,"created_at":"2024-05-01T09:30:00Z"}
}

func ExampleHistory_PushAutomatic_duplicate() {
	var h risk.History
	now := time.Date(2024, 5, 1, 9, 30, 0, 0, time.UTC)

	first, _ := risk.ParseInput([]byte(`{"level": "medium", "score": 10067, "components": {"a": 1400}}`))
	same, _ := risk.ParseInput([]byte(`{"level": "medium", "score": 10067.0, "components": {"a": 1.4e3}}`))
	other, _ := risk.ParseInput([]byte(`{"level": "medium", "score": 10067, "components": {"a": 1401}}`))

	_, _, _ = h.PushAutomatic("risk-1", first, now)

	// The same assessment, spelt differently: stored nothing, returns risk-1.
	r, duplicate, _ := h.PushAutomatic("risk-2", same, now.Add(time.Hour))
	fmt.Println(r.ID, duplicate, len(h.Risks()))

	// A different component value is a new risk.
	r, duplicate, _ = h.PushAutomatic("risk-3", other, now.Add(2*time.Hour))
	fmt.Println(r.ID, duplicate, len(h.Risks()))
	// Output:
	// risk-1 true 1
	// risk-3 false 2
}

func ExampleHistory_SetManual() {
	var h risk.History
	now := time.Date(2024, 5, 1, 9, 30, 0, 0, time.UTC)

	_, _, _ = h.PushAutomatic("auto-1", risk.Input{Level: risk.LevelLow}, now)

	// A compliance officer overrides the score; the workspace asks for a comment.
	opts := risk.ManualOptions{CommentRequired: true}
	_, err := h.SetManual("manual-1", risk.Input{Level: risk.LevelHigh}, now, opts)
	var verr *validation.Error
	if errors.As(err, &verr) {
		fmt.Println(verr.Problems[0].Path, verr.Problems[0].Code)
	}
	comment := "adverse media found"
	_, _ = h.SetManual("manual-1", risk.Input{Level: risk.LevelHigh, Comment: &comment}, now, opts)
	fmt.Println("current:", h.Current().ID, h.Current().Level, "mode:", h.Mode())

	// A new automatic risk is kept, but the manual one stays current.
	_, _, _ = h.PushAutomatic("auto-2", risk.Input{Level: risk.LevelMedium}, now.Add(time.Hour))
	fmt.Println("current:", h.Current().ID, "latest automatic:", h.LatestAutomatic().ID, "stored:", len(h.Risks()))
	// Output:
	// comment required
	// current: manual-1 high mode: manual
	// current: manual-1 latest automatic: auto-2 stored: 3
}

func ExampleHistory_EnableAutomatic() {
	var h risk.History
	now := time.Date(2024, 5, 1, 9, 30, 0, 0, time.UTC)

	_, _, _ = h.PushAutomatic("auto-1", risk.Input{Level: risk.LevelLow}, now)
	_, _ = h.SetManual("manual-1", risk.Input{Level: risk.LevelHigh}, now.Add(time.Hour), risk.ManualOptions{})
	_, _, _ = h.PushAutomatic("auto-2", risk.Input{Level: risk.LevelMedium}, now.Add(2*time.Hour))
	fmt.Println("current:", h.Current().ID, "mode:", h.Mode())

	changed, _ := h.EnableAutomatic(now.Add(3 * time.Hour))
	fmt.Println("current:", h.Current().ID, "mode:", h.Mode(), "changed:", changed)

	// Nothing was rewritten: the log only grew by one entry.
	for _, e := range h.Entries() {
		if e.Risk != nil {
			fmt.Println(e.At.Format(time.Kitchen), e.Type, e.Risk.ID)
		} else {
			fmt.Println(e.At.Format(time.Kitchen), e.Type)
		}
	}
	// Output:
	// current: manual-1 mode: manual
	// current: auto-2 mode: automatic changed: true
	// 9:30AM risk auto-1
	// 10:30AM risk manual-1
	// 11:30AM risk auto-2
	// 12:30PM automatic_enabled
}

func ExampleInput_UnmarshalJSON() {
	body := `{"level": "severe", "score": "NaN", "components": {"customer_score": "high"}, "socre": 1}`
	var in risk.Input
	err := json.Unmarshal([]byte(body), &in)
	var verr *validation.Error
	if errors.As(err, &verr) {
		for _, p := range verr.Problems {
			fmt.Println(p.Path, p.Code)
		}
	}
	// Output:
	// level invalid_value
	// score invalid_format
	// components.customer_score invalid_format
	// socre unknown_field
}

func ExampleLevel_Compare() {
	threshold := risk.LevelHigh
	for _, l := range risk.Levels() {
		fmt.Println(l, l.Compare(threshold) >= 0)
	}
	// Output:
	// not_defined false
	// low false
	// medium false
	// high true
	// critical true
	// prohibited true
}
