package dossier_test

import (
	"bytes"
	"context"
	"encoding/json"
	"iter"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/bods"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/storage"
)

// secret is the value of the archived custom properties: no read may show
// it.
const secret = "ARCHIVED-SECRET-VALUE"

// dataTypes are the types that carry case or entity data: a method whose
// results hold one of them must hide archived custom property values.
var dataTypes = []reflect.Type{
	reflect.TypeFor[cases.Case](), reflect.TypeFor[entity.Company](), reflect.TypeFor[entity.Individual](),
	reflect.TypeFor[event.Event](), reflect.TypeFor[storage.Record](),
}

// carriesData reports whether values of t can hold one of dataTypes,
// looking through pointers, slices, maps, struct fields, and the
// parameters of functions (iterators).
func carriesData(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	for _, d := range dataTypes {
		if t == d {
			return true
		}
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return carriesData(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if carriesData(t.Field(i).Type, seen) {
				return true
			}
		}
	case reflect.Func:
		for i := range t.NumIn() {
			if carriesData(t.In(i), seen) {
				return true
			}
		}
	}
	return false
}

// TestEveryReadHidesArchivedProperties walks every exported method of
// Workspace whose results can carry case or entity data (found by
// reflection, so a new method is covered: it fails here until it gets a
// call below) and checks, on a case holding values of custom properties
// archived since, that none of its results shows them.
func TestEveryReadHidesArchivedProperties(t *testing.T) {
	ctx := context.Background()
	defs := []customprop.Definition{
		{Key: "case_secret", Label: "Case secret", Type: customprop.TypeText, Target: customprop.TargetCase},
		{Key: "company_secret", Label: "Company secret", Type: customprop.TypeText, Target: customprop.TargetCompany},
		{Key: "individual_secret", Label: "Individual secret", Type: customprop.TypeText, Target: customprop.TargetIndividual},
	}
	store := newMemoryStore()
	clock := newTestClock()
	ids := seqIDs()
	w1, err := dossier.New(store, dossier.Settings{CustomProperties: defs}, dossier.WithClock(clock.Now), dossier.WithIDGenerator(ids))
	if err != nil {
		t.Fatal(err)
	}
	c, err := w1.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme", CustomProperties: customprop.Patch{}.Set("case_secret", secret)})
	if err != nil {
		t.Fatal(err)
	}
	co, err := w1.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Acme Ltd", CustomProperties: customprop.Patch{}.Set("company_secret", secret)})
	if err != nil {
		t.Fatal(err)
	}
	p, err := w1.AddIndividual(ctx, c.ID, entity.IndividualInput{LastName: "Stark", CustomProperties: customprop.Patch{}.Set("individual_secret", secret),
		Relations: []entity.Link{{OwnershipPercentage: entity.MustPercentage("30")}}})
	if err != nil {
		t.Fatal(err)
	}
	check, err := w1.AddCheck(ctx, c.ID, dossier.AddCheckInput{Type: cases.CheckTypeAML, IndividualID: p.Individual.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w1.ReviewCase(ctx, c.ID, dossier.ReviewInput{Status: cases.ReviewApproved, NextReviewAt: patch.Value(cases.Date{Year: 2026, Month: 3, Day: 2})}); err != nil {
		t.Fatal(err)
	}
	if _, err := w1.SetManualRisk(ctx, c.ID, risk.Input{Level: risk.LevelHigh}); err != nil {
		t.Fatal(err)
	}
	got, _ := w1.GetCase(ctx, c.ID)
	if b, _ := json.Marshal(got); !strings.Contains(string(b), secret) {
		t.Fatal("the value is not there to hide: the test proves nothing")
	}
	seenEvents := len(allEvents(t, w1, c.ID))

	archived := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	for i := range defs {
		defs[i].ArchivedAt = &archived
	}
	w, err := dossier.New(store, dossier.Settings{CustomProperties: defs, Tags: cases.TagCatalog{{ID: "tag-1", Label: "VIP"}}},
		dossier.WithClock(clock.Now), dossier.WithIDGenerator(ids))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	score := decimal.NewFromInt(7)
	calls := map[string]func() []any{
		"CreateCase": func() []any {
			r, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Other"})
			return []any{r, err}
		},
		"ImportBODS": func() []any {
			pkg, err := w.ExportBODS(ctx, c.ID, bods.ExportOptions{StatementDate: at})
			if err != nil {
				return []any{nil, nil, err}
			}
			data, _ := json.Marshal(pkg)
			r, report, err := w.ImportBODS(ctx, dossier.CreateCaseInput{Name: "Imported"}, bytes.NewReader(data), dossier.ImportBODSOptions{})
			return []any{r, report, err}
		},
		"GetCase":     func() []any { r, err := w.GetCase(ctx, c.ID); return []any{r, err} },
		"GetCaseByID": func() []any { r, err := w.GetCaseByID(ctx, c.ID); return []any{r, err} },
		"GetRecord":   func() []any { r, err := w.GetRecord(ctx, c.ID); return []any{r, err} },
		"UpdateCase": func() []any {
			r, err := w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{Name: patch.Value("Acme SA")})
			return []any{r, err}
		},
		"ReviewCase": func() []any {
			r, err := w.ReviewCase(ctx, c.ID, dossier.ReviewInput{Status: cases.ReviewApproved, NextReviewAt: patch.Value(cases.Date{Year: 2026, Month: 3, Day: 3})})
			return []any{r, err}
		},
		"RestoreCase": func() []any {
			other, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Deleted"})
			if err != nil {
				return []any{nil, err}
			}
			if err := w.Delete(ctx, other.ID, dossier.DeleteOptions{}); err != nil {
				return []any{nil, err}
			}
			r, err := w.RestoreCase(ctx, other.ID)
			return []any{r, err}
		},
		"SetCaseTags": func() []any { r, err := w.SetCaseTags(ctx, c.ID, []string{"vip"}); return []any{r, err} },
		"AddCaseTags": func() []any { r, err := w.AddCaseTags(ctx, c.ID, []string{"tag-1"}); return []any{r, err} },
		"RemoveCaseTags": func() []any {
			r, err := w.RemoveCaseTags(ctx, c.ID, []string{"VIP"})
			return []any{r, err}
		},
		"ListCases": func() []any { r, err := w.ListCases(ctx, dossier.ListOptions{}); return []any{r, err} },
		"AllCases":  func() []any { return seq(w.AllCases(ctx, dossier.ListOptions{})) },
		"DueForReview": func() []any {
			return seq(w.DueForReview(ctx, at))
		},
		"RecordReviewsDue": func() []any { return seq(w.RecordReviewsDue(ctx, at)) },
		"EnableAutomaticRisk": func() []any {
			r, err := w.EnableAutomaticRisk(ctx, c.ID)
			return []any{r, err}
		},
		"AddCompany": func() []any {
			r, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Holding", Type: entity.CompanyAffiliated})
			return []any{r, err}
		},
		"AddHeldCompany": func() []any {
			r, err := w.AddHeldCompany(ctx, c.ID, entity.CompanyInput{Name: "Subsidiary", Type: entity.CompanyAffiliated},
				[]relation.Input{{FromCompanyID: co.Company.ID}})
			return []any{r, err}
		},
		"AddIndividual": func() []any {
			r, err := w.AddIndividual(ctx, c.ID, entity.IndividualInput{LastName: "Potts"})
			return []any{r, err}
		},
		"GetCompany":      func() []any { r, err := w.GetCompany(ctx, co.Company.ID); return []any{r, err} },
		"GetIndividual":   func() []any { r, err := w.GetIndividual(ctx, p.Individual.ID); return []any{r, err} },
		"ListCompanies":   func() []any { r, err := w.ListCompanies(ctx, c.ID); return []any{r, err} },
		"ListIndividuals": func() []any { r, err := w.ListIndividuals(ctx, c.ID); return []any{r, err} },
		"UpdateCompany": func() []any {
			r, err := w.UpdateCompany(ctx, co.Company.ID, entity.CompanyUpdate{Name: patch.Value("Acme Limited")})
			return []any{r, err}
		},
		"UpdateIndividual": func() []any {
			r, err := w.UpdateIndividual(ctx, p.Individual.ID, entity.IndividualUpdate{FirstName: patch.Value("Tony")})
			return []any{r, err}
		},
		"SetMainCompany": func() []any { r, err := w.SetMainCompany(ctx, co.Company.ID); return []any{r, err} },
		"Events":         func() []any { return seqEvents(w.Events(ctx, c.ID), seenEvents) },
		"EventPage": func() []any {
			r, err := w.EventPage(ctx, c.ID, 0, storage.MaxPageSize)
			return []any{r[min(seenEvents, len(r)):], err}
		},
		"PendingEvents": func() []any {
			r, err := w.PendingEvents(ctx, 0, storage.MaxPageSize)
			var own []event.Event
			for _, e := range r {
				if e.Seq > lastSeq(t, w1, c.ID, seenEvents) {
					own = append(own, e)
				}
			}
			return []any{own, err}
		},
	}
	// Changes made through w whose payloads the event methods then show.
	if _, _, err := w.PushAutomaticRisk(ctx, c.ID, risk.Input{Level: risk.LevelLow, Score: &score}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.MoveCheck(ctx, check.ID, cases.CheckStatusNeedReview, cases.MoveOptions{}); err != nil {
		t.Fatal(err)
	}

	typ := reflect.TypeFor[*dossier.Workspace]()
	order := []string{"EnableAutomaticRisk"} // before the changes that follow make it a no-op
	for i := range typ.NumMethod() {
		order = append(order, typ.Method(i).Name)
	}
	done := map[string]bool{}
	for _, name := range order {
		m, _ := typ.MethodByName(name)
		if done[name] {
			continue
		}
		done[name] = true
		data := false
		for i := range m.Type.NumOut() {
			data = data || carriesData(m.Type.Out(i), map[reflect.Type]bool{})
		}
		if !data {
			continue
		}
		t.Run(name, func(t *testing.T) {
			call, ok := calls[name]
			if !ok {
				t.Fatalf("Workspace.%s returns case or entity data: add a call to this test", name)
			}
			out := call()
			if err, _ := out[len(out)-1].(error); err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(out[:len(out)-1])
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b), secret) || strings.Contains(string(b), "_secret") {
				t.Fatalf("Workspace.%s shows an archived custom property: %s", name, b)
			}
			if len(b) < 20 {
				t.Fatalf("Workspace.%s returned nothing to look at: %s", name, b)
			}
		})
	}
}

// seq collects an iterator of cases into results, the error last.
func seq(s iter.Seq2[*cases.Case, error]) []any {
	var out []*cases.Case
	for c, err := range s {
		if err != nil {
			return []any{out, err}
		}
		out = append(out, c)
	}
	return []any{out, nil}
}

// seqEvents collects the events of an iterator after the first skip.
func seqEvents(s iter.Seq2[event.Event, error], skip int) []any {
	var out []event.Event
	for e, err := range s {
		if err != nil {
			return []any{out, err}
		}
		out = append(out, e)
	}
	return []any{out[min(skip, len(out)):], nil}
}

// lastSeq is the Seq of the n-th event of a case's log.
func lastSeq(t *testing.T, w *dossier.Workspace, caseID string, n int) uint64 {
	evs := allEvents(t, w, caseID)
	return evs[n-1].Seq
}
