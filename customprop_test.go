package dossier_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/validation"
)

func caseProps() []customprop.Definition {
	archived := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	max := decimal.NewFromInt(1_000_000_000)
	min := decimal.Zero
	return []customprop.Definition{
		{Key: "ubo_us_citizen", Label: "UBO US citizen", Type: customprop.TypeBoolean, Target: customprop.TargetCase},
		{Key: "main_activity_country", Label: "Main activity country", Type: customprop.TypeCountries, Target: customprop.TargetCase,
			Settings: customprop.Settings{AllowMultiple: true}},
		{Key: "yearly_turnover", Label: "Yearly turnover", Type: customprop.TypeNumeric, Target: customprop.TargetCase,
			Settings: customprop.Settings{Format: customprop.FormatCurrency, CurrencyCode: "EUR", Min: &min, Max: &max}},
		{Key: "legacy_score", Label: "Legacy", Type: customprop.TypeText, Target: customprop.TargetCase, ArchivedAt: &archived},
		{Key: "company_only", Label: "On companies", Type: customprop.TypeText, Target: customprop.TargetCompany},
	}
}

func TestCaseCustomProperties(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{CustomProperties: caseProps()})

	var in dossier.CreateCaseInput
	seed := `{"name": "Some example case", "status": "open",
		"custom_properties": {"ubo_us_citizen": true, "main_activity_country": ["FR"]}}`
	if err := json.Unmarshal([]byte(seed), &in); err != nil {
		t.Fatal(err)
	}
	c, err := w.CreateCase(ctx, in)
	if err != nil {
		t.Fatalf("the Dotfile API's example payload was refused: %v", err)
	}
	if v, ok := c.CustomProperties.Get("ubo_us_citizen"); !ok || fmt.Sprint(v.Bool()) != "true true" {
		t.Fatalf("ubo_us_citizen = %v", c.CustomProperties)
	}

	// Partial update: set one, remove one, leave the third alone.
	var upd dossier.UpdateCaseInput
	if err := json.Unmarshal([]byte(`{"custom_properties": {"yearly_turnover": "20000", "ubo_us_citizen": null}}`), &upd); err != nil {
		t.Fatal(err)
	}
	c, err = w.UpdateCase(ctx, c.ID, upd)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.CustomProperties.Get("ubo_us_citizen"); ok {
		t.Fatal("null did not remove the value")
	}
	turnover, _ := c.CustomProperties.Get("yearly_turnover")
	if d, ok := turnover.Decimal(); !ok || !d.Equal(decimal.NewFromInt(20000)) {
		t.Fatalf("yearly_turnover = %v", turnover)
	}
	countries, _ := c.CustomProperties.Get("main_activity_country")
	if s, ok := countries.Strings(); !ok || fmt.Sprint(s) != "[FR]" {
		t.Fatalf("untouched key changed: %v", countries)
	}
	evs := allEvents(t, w, c.ID)
	if last := evs[len(evs)-1]; last.Name() != "Case.InfoUpdated" {
		t.Fatalf("custom property change recorded %s", last.Name())
	}

	// Every problem of a bad payload at once; nothing stored.
	err = unchanged(t, w, c.ID, func() error {
		_, err := w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{CustomProperties: customprop.Patch{}.
			Set("ubo_us_citizen", "true").
			Set("main_activity_country", []string{"FR", "XX"}).
			Set("yearly_turnover", "-1").
			Set("legacy_score", "x").
			Set("company_only", "x").
			Set("nope", 1)})
		return err
	})
	var verr *validation.Error
	if !errors.As(err, &verr) {
		t.Fatalf("got %v", err)
	}
	for _, want := range []struct {
		path string
		code validation.Code
	}{
		{"custom_properties.ubo_us_citizen", validation.CodeInvalidType},
		{"custom_properties.main_activity_country", validation.CodeInvalidCountry},
		{"custom_properties.yearly_turnover", validation.CodeOutOfRange},
		{"custom_properties.legacy_score", validation.CodeArchived},
		{"custom_properties.company_only", validation.CodeUnknownField},
		{"custom_properties.nope", validation.CodeUnknownField},
	} {
		if !verr.Has(want.path, want.code) {
			t.Errorf("missing %s at %s in %v", want.code, want.path, verr)
		}
	}
}

func TestArchivedValuesHiddenOnRead(t *testing.T) {
	ctx := context.Background()
	defs := caseProps()
	defs[3].ArchivedAt = nil // legacy_score active
	st := newMemoryStore()
	w, err := dossier.New(st, dossier.Settings{CustomProperties: defs})
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A", CustomProperties: customprop.Patch{}.Set("legacy_score", "high")})
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := w.GetRecord(ctx, c.ID)
	// The same store seen by a workspace where the property is archived.
	archivedAt := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	defs[3].ArchivedAt = &archivedAt
	w2, err := dossier.New(st, dossier.Settings{CustomProperties: defs})
	if err != nil {
		t.Fatal(err)
	}
	got, err := w2.GetCase(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got.CustomProperties.Get("legacy_score"); ok {
		t.Fatal("an archived value is shown")
	}
	if _, ok := rec.Case.CustomProperties.Get("legacy_score"); !ok {
		t.Fatal("the stored value is gone")
	}
}

func TestInvalidDefinitionsRefused(t *testing.T) {
	defs := []customprop.Definition{
		{Key: "a", Label: "A", Type: customprop.TypeChoices, Target: customprop.TargetCase},
		{Key: "a", Label: "A again", Type: customprop.TypeText, Target: customprop.TargetCase},
	}
	_, err := dossier.New(newMemoryStore(), dossier.Settings{CustomProperties: defs})
	var verr *validation.Error
	if !errors.As(err, &verr) || len(verr.Problems) < 2 {
		t.Fatalf("got %v, want both problems", err)
	}
}

// TestConcurrentPartialWrites: goroutines write different custom properties
// of one case at once through the public API; every value must survive.
func TestConcurrentPartialWrites(t *testing.T) {
	ctx := context.Background()
	const n = 16
	var defs []customprop.Definition
	for i := range n {
		defs = append(defs, customprop.Definition{Key: fmt.Sprintf("k%02d", i), Label: "k", Type: customprop.TypeText, Target: customprop.TargetCase})
	}
	w := newWorkspace(t, dossier.Settings{CustomProperties: defs}, dossier.WithRetryTimeout(time.Minute))
	c, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A"})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 5 {
				p := customprop.Patch{}.Set(fmt.Sprintf("k%02d", i), fmt.Sprintf("v%d", round))
				if _, err := w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{CustomProperties: p}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	got, _ := w.GetCase(ctx, c.ID)
	for i := range n {
		v, ok := got.CustomProperties.Get(fmt.Sprintf("k%02d", i))
		if s, _ := v.Text(); !ok || s != "v4" {
			t.Errorf("k%02d = %v, want v4: an update was lost", i, v)
		}
	}
}

// TestUpdateReportsCustomPropertyProblemsWithOthers: a bad name and a bad
// custom property in one update are reported together.
func TestUpdateReportsCustomPropertyProblemsWithOthers(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{CustomProperties: caseProps()})
	c, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A"})
	err := unchanged(t, w, c.ID, func() error {
		_, err := w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{
			Name:             patch.Value(""),
			CustomProperties: customprop.Patch{}.Set("ubo_us_citizen", "yes"),
		})
		return err
	})
	var verr *validation.Error
	if !errors.As(err, &verr) || !verr.Has("name", validation.CodeRequired) ||
		!verr.Has("custom_properties.ubo_us_citizen", validation.CodeInvalidType) {
		t.Fatalf("got %v, want both problems", err)
	}
}
