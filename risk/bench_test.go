package risk_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/dossierkit/dossier/risk"
)

// plainInput is what a caller would get from encoding/json without this
// package: no validation, numbers as json.Number. It is the baseline.
type plainInput struct {
	Level      string                 `json:"level"`
	Score      *json.Number           `json:"score"`
	Components map[string]json.Number `json:"components"`
	Flags      map[string]bool        `json:"flags"`
	Comment    *string                `json:"comment"`
}

func BenchmarkDecodeInput(b *testing.B) {
	data := []byte(seedExample)
	b.Run("baseline=encoding_json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var in plainInput
			if err := json.Unmarshal(data, &in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("risk.Input", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var in risk.Input
			if err := json.Unmarshal(data, &in); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkPushDuplicate measures the de-duplication path on a history of
// 100 risks against the deep copy every store makes of that history.
func BenchmarkPushDuplicate(b *testing.B) {
	var h risk.History
	for i := range 100 {
		in := seedInput()
		in.Score = decp(fmt.Sprint(i))
		if _, _, err := h.PushAutomatic(fmt.Sprintf("r%d", i), in, t0); err != nil {
			b.Fatal(err)
		}
	}
	dup := seedInput()
	dup.Score = decp("99")
	b.Run("baseline=History.Clone", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = h.Clone()
		}
	})
	b.Run("PushAutomatic", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, d, err := h.PushAutomatic("new", dup, t0); err != nil || !d {
				b.Fatal(d, err)
			}
		}
	})
}
