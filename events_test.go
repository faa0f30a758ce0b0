package dossier_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/risk"
)

// eventNames returns the names of the events of a case recorded after the first
// skip ones.
func eventNames(t *testing.T, w *dossier.Workspace, caseID string, skip int) []string {
	t.Helper()
	evs := allEvents(t, w, caseID)
	var out []string
	for _, e := range evs[skip:] {
		out = append(out, e.Name())
	}
	return out
}

func eventCount(t *testing.T, w *dossier.Workspace, caseID string) int {
	t.Helper()
	return len(allEvents(t, w, caseID))
}

func TestCaseOperationEvents(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		op   func(w *dossier.Workspace, id string) error
		want []string
	}{
		{"rename", func(w *dossier.Workspace, id string) error {
			_, err := w.UpdateCase(ctx, id, dossier.UpdateCaseInput{Name: patch.Value("B")})
			return err
		}, []string{"Case.InfoUpdated"}},
		{"external id and metadata", func(w *dossier.Workspace, id string) error {
			_, err := w.UpdateCase(ctx, id, dossier.UpdateCaseInput{ExternalID: patch.Value("x"), Metadata: patch.Null[cases.Metadata]()})
			return err
		}, []string{"Case.InfoUpdated", "Case.MetadataUpdated"}},
		{"same values again", func(w *dossier.Workspace, id string) error {
			_, err := w.UpdateCase(ctx, id, dossier.UpdateCaseInput{Name: patch.Value("A"), Metadata: patch.Value(cases.Metadata{"k": "v"})})
			return err
		}, nil},
		{"draft", func(w *dossier.Workspace, id string) error {
			_, err := w.UpdateCase(ctx, id, dossier.UpdateCaseInput{Status: patch.Value(cases.StatusDraft)})
			return err
		}, []string{"Case.StatusUpdated"}},
		{"approve", func(w *dossier.Workspace, id string) error {
			_, err := w.ReviewCase(ctx, id, dossier.ReviewInput{Status: cases.ReviewApproved})
			return err
		}, []string{"Case.StatusUpdated", "Case.ReviewUpdated"}},
		{"refused review", func(w *dossier.Workspace, id string) error {
			_, err := w.ReviewCase(ctx, id, dossier.ReviewInput{Status: cases.ReviewApproved, Comment: strings.Repeat("x", dossier.MaxCommentLen+1)})
			if err == nil {
				return errors.New("accepted")
			}
			return nil
		}, nil},
		{"refused transition", func(w *dossier.Workspace, id string) error {
			if _, err := w.ReviewCase(ctx, id, dossier.ReviewInput{Status: cases.ReviewClosed}); err != nil {
				return err
			}
			_, err := w.ReviewCase(ctx, id, dossier.ReviewInput{Status: cases.ReviewRejected})
			if !errors.Is(err, dossier.ErrInvalidTransition) {
				return fmt.Errorf("got %v", err)
			}
			return nil
		}, []string{"Case.StatusUpdated", "Case.ReviewUpdated"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorkspace(t, dossier.Settings{})
			c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A", Metadata: cases.Metadata{"k": "v"}})
			if err != nil {
				t.Fatal(err)
			}
			if got := eventNames(t, w, c.ID, 0); fmt.Sprint(got) != "[Case.Created]" {
				t.Fatalf("create recorded %v", got)
			}
			if err := tt.op(w, c.ID); err != nil {
				t.Fatal(err)
			}
			if got := eventNames(t, w, c.ID, 1); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("recorded %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEventContent(t *testing.T) {
	ctx := actorCtx(t, event.ActorUser, "u-42")
	w := newWorkspace(t, dossier.Settings{})
	c, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A"})
	updated, _ := w.UpdateCase(context.Background(), c.ID, dossier.UpdateCaseInput{Name: patch.Value("B")})
	evs := allEvents(t, w, c.ID)
	if len(evs) != 2 {
		t.Fatalf("%d events", len(evs))
	}
	created, info := evs[0], evs[1]
	if created.Actor != (event.Actor{Type: event.ActorUser, ID: "u-42"}) || info.Actor != dossier.DefaultActor {
		t.Fatalf("actors %+v, %+v", created.Actor, info.Actor)
	}
	if len(created.Changes) != 0 || fmt.Sprint(info.Changes) != fmt.Sprint([]event.FieldChange{{Name: "name", Previous: []byte(`"A"`), Next: []byte(`"B"`)}}) {
		t.Fatalf("changes %s, %s", created.Changes, info.Changes)
	}
	if created.CaseID != c.ID || created.ObjectID != c.ID || created.Seq == 0 || info.Seq <= created.Seq || created.ID == info.ID {
		t.Fatalf("events %+v %+v", created, info)
	}
	if !info.At.Equal(updated.UpdatedAt) {
		t.Fatalf("event time %v, change time %v", info.At, updated.UpdatedAt)
	}
	var payload cases.Case
	if err := json.Unmarshal(info.Payload, &payload); err != nil || payload.Name != "B" {
		t.Fatalf("payload is not the case after the change: %s", info.Payload)
	}
}

func TestDrainAtLeastOnce(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	a, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A"})
	b, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "B"})
	w.UpdateCase(ctx, a.ID, dossier.UpdateCaseInput{Name: patch.Value("A2")})
	w.UpdateCase(ctx, b.ID, dossier.UpdateCaseInput{Name: patch.Value("B2")})

	var got []string
	fail := 3
	deliver := func(_ context.Context, e event.Event) error {
		if len(got) == fail {
			fail = -1
			return errors.New("receiver down")
		}
		var c cases.Case
		_ = json.Unmarshal(e.Payload, &c)
		got = append(got, e.Name()+" "+c.Name)
		return nil
	}
	n, err := w.Drain(ctx, deliver)
	if err == nil || n != 3 {
		t.Fatalf("first drain: %d, %v; want 3 and the receiver's error", n, err)
	}
	n, err = w.Drain(ctx, deliver)
	if err != nil || n != 1 {
		t.Fatalf("second drain: %d, %v", n, err)
	}
	want := "[Case.Created A Case.Created B Case.InfoUpdated A2 Case.InfoUpdated B2]"
	if fmt.Sprint(got) != want {
		t.Fatalf("delivered %v\nwant      %v", got, want)
	}
	if n, err := w.Drain(ctx, deliver); n != 0 || err != nil {
		t.Fatalf("third drain: %d, %v", n, err)
	}
	// Delivered events stay in the audit trail.
	if eventCount(t, w, a.ID) != 2 {
		t.Fatal("draining removed events from the audit trail")
	}
}

// eventSteps returns a function that runs one operation and checks the
// names of the events it recorded in the case, in order.
func eventSteps(t *testing.T, w *dossier.Workspace, caseID string) func(name string, op func() error, want ...string) {
	seen := eventCount(t, w, caseID)
	return func(name string, op func() error, want ...string) {
		t.Helper()
		if err := op(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := eventNames(t, w, caseID, seen)
		seen += len(got)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s recorded %v\nwant %v", name, got, want)
		}
	}
}

// TestCheckEvents walks one check through its life and asserts the exact
// events of each step: the check's own event, then the case's derived
// changes, with Case.FlagsUpdated at most once per change.
func TestCheckEvents(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	c, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A"})
	step := eventSteps(t, w, c.ID)
	var checkID string
	step("add", func() error {
		ch, err := w.AddCheck(ctx, c.ID, dossier.AddCheckInput{Type: cases.CheckTypeAML})
		if ch != nil {
			checkID = ch.ID
		}
		return err
	}, "Check.Started", "Case.ContactHasActionsUpdated", "Case.FlagsUpdated")
	step("submit", func() error {
		_, err := w.MoveCheck(ctx, checkID, cases.CheckStatusNeedReview, cases.MoveOptions{})
		return err
	}, "Check.ReviewNeeded", "Case.ContactHasActionsUpdated", "Case.ReviewerHasActionsUpdated", "Case.FlagsUpdated")
	step("approve", func() error {
		_, err := w.ReviewCheck(ctx, checkID, cases.CheckDecision{Status: cases.CheckStatusApproved, Comment: "ok"})
		return err
	}, "Check.Approved", "Case.ReviewerHasActionsUpdated", "Case.FlagsUpdated")
	step("re-approve with override", func() error {
		_, err := w.ReviewCheck(ctx, checkID, cases.CheckDecision{Status: cases.CheckStatusApproved, Comment: "confirmed", Override: true})
		return err
	}, "Check.Approved")
	step("refused move", func() error {
		_, err := w.MoveCheck(ctx, checkID, cases.CheckStatusInProgress, cases.MoveOptions{})
		if !errors.Is(err, dossier.ErrCheckOverrideRequired) {
			return fmt.Errorf("got %v", err)
		}
		return nil
	})
	step("delete", func() error { return w.DeleteCheck(ctx, checkID) },
		"Check.Deleted", "Case.FlagsUpdated")
}

// TestEntityEvents asserts the exact events of entity and relation
// operations: a relation change is an update of the entity it comes from,
// unless that entity is created or deleted by the same change.
func TestEntityEvents(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	c, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A"})
	step := eventSteps(t, w, c.ID)
	var mainID, affID, indID, relID string
	step("main company", func() error {
		v, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Main"})
		if err == nil {
			mainID = v.Company.ID
		}
		return err
	}, "Company.Created")
	step("affiliated company", func() error {
		v, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Holding", Type: entity.CompanyAffiliated})
		if err == nil {
			affID = v.Company.ID
		}
		return err
	}, "Company.Created")
	step("individual linked to the holding", func() error {
		v, err := w.AddIndividual(ctx, c.ID, entity.IndividualInput{FirstName: "Tony", LastName: "Stark",
			Relations: []entity.Link{{ToCompanyID: affID, OwnershipPercentage: entity.MustPercentage("60")}}})
		if err == nil {
			indID = v.Individual.ID
		}
		return err
	}, "Individual.Created")
	step("refused orphaning delete", func() error {
		if err := w.DeleteCompany(ctx, affID); !errors.Is(err, dossier.ErrOrphan) {
			return fmt.Errorf("got %v, want ErrOrphan", err)
		}
		return nil
	})
	step("relation to the main company", func() error {
		r, err := w.AddRelation(ctx, c.ID, relation.Input{FromIndividualID: indID, ToCompanyID: mainID,
			Roles: []entity.Role{entity.RoleLegalRepresentative}})
		if err == nil {
			relID = r.ID
		}
		return err
	}, "Individual.Updated")
	step("rename the holding", func() error {
		_, err := w.UpdateCompany(ctx, affID, entity.CompanyUpdate{Name: patch.Value("Holding SA")})
		return err
	}, "Company.Updated")
	step("delete the relation", func() error { return w.DeleteRelation(ctx, relID) }, "Individual.Updated")
	step("delete the individual", func() error { return w.DeleteIndividual(ctx, indID) }, "Individual.Deleted")
	step("check on the holding", func() error {
		_, err := w.AddCheck(ctx, c.ID, dossier.AddCheckInput{Type: cases.CheckTypeCompanyMonitoring, CompanyID: affID})
		return err
	}, "Check.Started", "Case.ContactHasActionsUpdated", "Case.FlagsUpdated")
	step("delete the holding and its check", func() error { return w.DeleteCompany(ctx, affID) },
		"Company.Deleted", "Check.Deleted", "Case.ContactHasActionsUpdated", "Case.FlagsUpdated")
}

// TestRiskOperationEvents asserts the events of risk operations. Storing an
// automatic risk while the case is in manual mode changes no current risk
// and so records no event (the risk history keeps it); a duplicate stores
// nothing and records nothing.
func TestRiskOperationEvents(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{ReviewPeriods: map[risk.Level]cases.Period{
		risk.LevelNotDefined: {Years: 2}, risk.LevelLow: {Years: 1}, risk.LevelHigh: {Months: 6}}})
	c, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A"})
	step := eventSteps(t, w, c.ID)
	score := decimal.NewFromInt(10067)
	push := func(level risk.Level, s decimal.Decimal) func() error {
		return func() error {
			_, _, err := w.PushAutomaticRisk(ctx, c.ID, risk.Input{Level: level, Score: &s})
			return err
		}
	}
	step("approve with a computed next review", func() error {
		_, err := w.ReviewCase(ctx, c.ID, dossier.ReviewInput{Status: cases.ReviewApproved})
		return err
	}, "Case.StatusUpdated", "Case.ReviewUpdated")
	step("first automatic risk moves the computed review date", push(risk.LevelLow, score),
		"Case.ReviewUpdated", "Case.RiskUpdated")
	step("the same risk again", push(risk.LevelLow, decimal.RequireFromString("10067.0")))
	step("manual override", func() error {
		_, err := w.SetManualRisk(ctx, c.ID, risk.Input{Level: risk.LevelHigh})
		return err
	}, "Case.ReviewUpdated", "Case.RiskUpdated")
	step("automatic risk while manual", push(risk.LevelMedium, score))
	step("enable automatic again", func() error {
		_, err := w.EnableAutomaticRisk(ctx, c.ID)
		return err
	}, "Case.ReviewUpdated", "Case.RiskUpdated")
	step("enable automatic when already automatic", func() error {
		_, err := w.EnableAutomaticRisk(ctx, c.ID)
		return err
	})
}

// TestDeleteCaseEvents: deleting a case records Case.Deleted, with the case
// as it was, and its events not yet drained are still delivered.
func TestDeleteCaseEvents(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	c, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Gone Ltd"})
	if err := w.DeleteCase(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	var got []string
	n, err := w.Drain(ctx, func(_ context.Context, e event.Event) error {
		var payload cases.Case
		if err := json.Unmarshal(e.Payload, &payload); err != nil {
			return err
		}
		got = append(got, e.Name()+" "+payload.Name)
		return nil
	})
	if err != nil || n != 2 || fmt.Sprint(got) != "[Case.Created Gone Ltd Case.Deleted Gone Ltd]" {
		t.Fatalf("drained %d: %v, %v", n, got, err)
	}
}

// TestMoreOperationEvents covers the remaining operations: expiring a
// check, updating an individual and a relation, and swapping the main
// company.
func TestMoreOperationEvents(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	c, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A"})
	step := eventSteps(t, w, c.ID)

	var checkID string
	step("check submitted for review", func() error {
		ch, err := w.AddCheck(ctx, c.ID, dossier.AddCheckInput{Type: cases.CheckTypeIDDocument, Status: cases.CheckStatusNeedReview})
		if ch != nil {
			checkID = ch.ID
		}
		return err
	}, "Check.ReviewNeeded", "Case.ReviewerHasActionsUpdated", "Case.FlagsUpdated")
	step("approved", func() error {
		_, err := w.ReviewCheck(ctx, checkID, cases.CheckDecision{Status: cases.CheckStatusApproved})
		return err
	}, "Check.Approved", "Case.ReviewerHasActionsUpdated", "Case.FlagsUpdated")
	step("expired", func() error {
		_, err := w.ExpireCheck(ctx, checkID, cases.MoveOptions{})
		return err
	}, "Check.Expired", "Case.ContactHasActionsUpdated", "Case.FlagsUpdated")

	var mainID, holdingID, personID, relID string
	step("main company", func() error {
		v, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Main"})
		if err == nil {
			mainID = v.Company.ID
		}
		return err
	}, "Company.Created")
	step("holding", func() error {
		v, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Holding", Type: entity.CompanyAffiliated})
		if err == nil {
			holdingID = v.Company.ID
		}
		return err
	}, "Company.Created")
	step("person", func() error {
		v, err := w.AddIndividual(ctx, c.ID, entity.IndividualInput{LastName: "Stark"})
		if err == nil {
			personID = v.Individual.ID
			relID = v.Relations[0].ID
		}
		return err
	}, "Individual.Created")
	step("update the person", func() error {
		_, err := w.UpdateIndividual(ctx, personID, entity.IndividualUpdate{FirstName: patch.Value("Tony")})
		return err
	}, "Individual.Updated")
	step("update the person's relation", func() error {
		_, err := w.UpdateRelation(ctx, relID, relation.Update{Position: patch.Value("CEO")})
		return err
	}, "Individual.Updated")
	step("same update again", func() error {
		before, err := w.GetRelation(ctx, relID)
		if err != nil {
			return err
		}
		after, err := w.UpdateRelation(ctx, relID, relation.Update{Position: patch.Value("CEO")})
		if err == nil && !after.UpdatedAt.Equal(before.UpdatedAt) {
			return fmt.Errorf("an update that changed nothing moved updated_at from %v to %v", before.UpdatedAt, after.UpdatedAt)
		}
		return err
	})
	step("make the holding the main company", func() error {
		_, err := w.SetMainCompany(ctx, holdingID)
		return err
	}, "Company.Updated", "Company.Updated")
	if old, err := w.GetCompany(ctx, mainID); err != nil || old.Type != entity.CompanyAffiliated {
		t.Fatalf("the former main company: %+v, %v", old, err)
	}
}

// TestEntityEventPayloads: an entity event carries the entity as a read
// returns it, with its relations and computed totals, so a webhook for a
// changed relation shows the change.
func TestEntityEventPayloads(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	c, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A"})
	if _, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Main"}); err != nil {
		t.Fatal(err)
	}
	p, err := w.AddIndividual(ctx, c.ID, entity.IndividualInput{LastName: "Stark",
		Relations: []entity.Link{{OwnershipPercentage: entity.MustPercentage("60"), VotingRightsPercentage: entity.MustPercentage("60")}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.UpdateRelation(ctx, p.Relations[0].ID, relation.Update{OwnershipPercentage: patch.Value(entity.MustPercentage("40"))}); err != nil {
		t.Fatal(err)
	}
	evs := allEvents(t, w, c.ID)
	var got []string
	for _, e := range evs {
		if e.Type != event.IndividualCreated && e.Type != event.IndividualUpdated {
			continue
		}
		var v relation.IndividualView
		if err := json.Unmarshal(e.Payload, &v); err != nil {
			t.Fatal(err)
		}
		if len(v.Relations) != 1 {
			t.Fatalf("%s payload has %d relations: %s", e.Name(), len(v.Relations), e.Payload)
		}
		got = append(got, fmt.Sprintf("%s total=%s direct=%s", e.Name(), v.OwnershipPercentage, v.Relations[0].OwnershipPercentage))
	}
	want := "[Individual.Created total=60 direct=60 Individual.Updated total=40 direct=40]"
	if fmt.Sprint(got) != want {
		t.Fatalf("payloads %v\nwant     %v", got, want)
	}
}
