package dossier_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/validation"
)

func TestWithActorValidates(t *testing.T) {
	tests := []struct {
		name  string
		actor event.Actor
		path  string
		code  validation.Code
	}{
		{"user", event.Actor{Type: event.ActorUser, ID: "u-1"}, "", ""},
		{"api", event.Actor{Type: event.ActorAPI, ID: "key 7"}, "", ""},
		{"system", event.Actor{Type: event.ActorSystem, ID: "nightly-risk"}, "", ""},
		{"longest id", event.Actor{Type: event.ActorUser, ID: strings.Repeat("é", dossier.MaxActorIDLen)}, "", ""},
		{"unknown type", event.Actor{Type: "robot", ID: "r"}, "actor.type", validation.CodeInvalidValue},
		{"no type", event.Actor{ID: "r"}, "actor.type", validation.CodeInvalidValue},
		{"empty id", event.Actor{Type: event.ActorUser}, "actor.id", validation.CodeRequired},
		{"blank id", event.Actor{Type: event.ActorUser, ID: "  "}, "actor.id", validation.CodeRequired},
		{"too long", event.Actor{Type: event.ActorUser, ID: strings.Repeat("a", dossier.MaxActorIDLen+1)}, "actor.id", validation.CodeTooLong},
		{"newline", event.Actor{Type: event.ActorUser, ID: "u-1\nadmin"}, "actor.id", validation.CodeInvalidFormat},
		{"escape", event.Actor{Type: event.ActorUser, ID: "u-1\x1b[31m"}, "actor.id", validation.CodeInvalidFormat},
		{"bidi override", event.Actor{Type: event.ActorUser, ID: "u-1\u202e"}, "actor.id", validation.CodeInvalidFormat},
		{"invalid UTF-8", event.Actor{Type: event.ActorUser, ID: "u-\xff"}, "actor.id", validation.CodeInvalidFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, err := dossier.WithActor(context.Background(), tt.actor)
			if tt.path == "" {
				if err != nil {
					t.Fatal(err)
				}
				w := newWorkspace(t, dossier.Settings{})
				c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A"})
				if err != nil {
					t.Fatal(err)
				}
				if got := allEvents(t, w, c.ID)[0].Actor; got != tt.actor {
					t.Fatalf("event actor %+v, want %+v", got, tt.actor)
				}
				return
			}
			wantProblem(t, err, tt.path, tt.code)
			if ctx != context.Background() {
				t.Fatal("an invalid actor changed the context")
			}
		})
	}
	if _, err := dossier.New(newMemoryStore(), dossier.Settings{}, dossier.WithDefaultActor(event.Actor{Type: "robot"})); !errors.Is(err, dossier.ErrInvalid) {
		t.Fatalf("invalid default actor: %v", err)
	}
}

// TestAuditTrailAnswersWhoChangedOwnership: an auditor asks who changed a
// beneficial owner's ownership, when, and from what, whether it was the
// declared total of the individual or the stake of its relation.
func TestAuditTrailAnswersWhoChangedOwnership(t *testing.T) {
	w := newWorkspace(t, dossier.Settings{})
	setup := actorCtx(t, event.ActorAPI, "crm-import")
	c, err := w.CreateCase(setup, dossier.CreateCaseInput{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.AddCompany(setup, c.ID, entity.CompanyInput{Name: "Acme Ltd"}); err != nil {
		t.Fatal(err)
	}
	ubo, err := w.AddIndividual(setup, c.ID, entity.IndividualInput{FirstName: "Ada", LastName: "Lovelace",
		OwnershipPercentage: entity.MustPercentage("30"),
		Relations:           []entity.Link{{OwnershipPercentage: entity.MustPercentage("30")}}})
	if err != nil {
		t.Fatal(err)
	}
	// Unrelated changes before and after.
	if _, err := w.UpdateIndividual(setup, ubo.Individual.ID, entity.IndividualUpdate{Email: patch.Value("ada@example.com")}); err != nil {
		t.Fatal(err)
	}
	alice := actorCtx(t, event.ActorUser, "alice")
	byAlice, err := w.UpdateIndividual(alice, ubo.Individual.ID, entity.IndividualUpdate{OwnershipPercentage: patch.Value(entity.MustPercentage("45.5"))})
	if err != nil {
		t.Fatal(err)
	}
	bob := actorCtx(t, event.ActorUser, "bob")
	rel, err := w.UpdateRelation(bob, ubo.Relations[0].ID, relation.Update{OwnershipPercentage: patch.Value(entity.MustPercentage("45.5"))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.UpdateCase(setup, c.ID, dossier.UpdateCaseInput{Name: patch.Value("Acme Group")}); err != nil {
		t.Fatal(err)
	}

	// The auditor's question, answered from the audit log alone.
	var answers []string
	for e, err := range w.Events(context.Background(), c.ID) {
		if err != nil {
			t.Fatal(err)
		}
		if e.ObjectID != ubo.Individual.ID {
			continue
		}
		for _, fc := range e.Changes {
			if strings.HasSuffix(fc.Name, "ownership_percentage") {
				answers = append(answers, fmt.Sprintf("%s %s/%s at %s: %s %s -> %s", e.Name(), e.Actor.Type, e.Actor.ID,
					e.At.Format(time.RFC3339), fc.Name, fc.Previous, fc.Next))
			}
		}
	}
	relField := "relations." + rel.ID + ".ownership_percentage"
	want := []string{
		`Individual.Updated user/alice at ` + byAlice.UpdatedAt.Format(time.RFC3339) + `: ownership_percentage 30 -> 45.5`,
		`Individual.Updated user/bob at ` + rel.UpdatedAt.Format(time.RFC3339) + `: ` + relField + ` 30 -> 45.5`,
	}
	if fmt.Sprint(answers) != fmt.Sprint(want) {
		t.Fatalf("the audit log answers\n%s\nwant\n%s", strings.Join(answers, "\n"), strings.Join(want, "\n"))
	}
}

// TestEventsOutliveTheCase: the audit log of a deleted case is still read,
// page by page, until PurgeEvents removes it; PurgeEvents keeps the events
// of cases that exist.
func TestEventsOutliveTheCase(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	gone, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Gone"})
	kept, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Kept"})
	for i := range 5 {
		if _, err := w.UpdateCase(ctx, gone.ID, dossier.UpdateCaseInput{Name: patch.Value(fmt.Sprint("Gone ", i))}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.DeleteCase(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	evs := allEvents(t, w, gone.ID)
	if len(evs) != 7 || evs[0].Name() != "Case.Created" || evs[6].Name() != "Case.Deleted" {
		t.Fatalf("log of the deleted case: %d events", len(evs))
	}
	// Paging: two at a time, resuming after the last Seq seen.
	var paged []string
	var after uint64
	for {
		page, err := w.EventPage(ctx, gone.ID, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		if len(page) > 2 {
			t.Fatalf("page of %d events, limit 2", len(page))
		}
		for _, e := range page {
			paged = append(paged, e.ID)
		}
		after = page[len(page)-1].Seq
	}
	if len(paged) != 7 {
		t.Fatalf("paging read %d events, want 7", len(paged))
	}
	if n, err := w.PurgeEvents(ctx, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil || n != 0 {
		t.Fatalf("purge before the deletion removed %d, %v", n, err)
	}
	n, err := w.PurgeEvents(ctx, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil || n != 7 {
		t.Fatalf("purge removed %d, %v; want 7", n, err)
	}
	if len(allEvents(t, w, gone.ID)) != 0 || len(allEvents(t, w, kept.ID)) != 1 {
		t.Fatal("purge removed the wrong events")
	}
}

// TestIfMatchTwoEditors: two editors read version v; the first saves, the
// second, still at v, is refused with a stale-version conflict, nothing of
// its change is saved and it is not retried; after reading again it saves.
func TestIfMatchTwoEditors(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	c, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme"})
	read, _ := w.GetCase(ctx, c.ID)
	if read.Version != 1 || c.Version != 1 {
		t.Fatalf("versions %d, %d; want 1", read.Version, c.Version)
	}
	first, err := w.UpdateCase(dossier.IfMatch(ctx, read.Version), c.ID, dossier.UpdateCaseInput{Name: patch.Value("Acme (first)")})
	if err != nil || first.Version != 2 {
		t.Fatalf("first editor: %v, version %d", err, first.Version)
	}
	ops := []struct {
		name string
		op   func(ctx context.Context) error
	}{
		{"update", func(ctx context.Context) error {
			_, err := w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{Name: patch.Value("Acme (second)")})
			return err
		}},
		{"review", func(ctx context.Context) error {
			_, err := w.ReviewCase(ctx, c.ID, dossier.ReviewInput{Status: cases.ReviewApproved})
			return err
		}},
		{"add company", func(ctx context.Context) error {
			_, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Acme Ltd"})
			return err
		}},
		{"delete", func(ctx context.Context) error { return w.DeleteCase(ctx, c.ID) }},
	}
	for _, tt := range ops {
		t.Run(tt.name, func(t *testing.T) {
			before := len(allEvents(t, w, c.ID))
			err := unchanged(t, w, c.ID, func() error { return tt.op(dossier.IfMatch(ctx, read.Version)) })
			var stale *dossier.StaleVersionError
			if !errors.Is(err, dossier.ErrConflict) || !errors.Is(err, dossier.ErrStaleVersion) || !errors.As(err, &stale) {
				t.Fatalf("got %v, want a stale version conflict", err)
			}
			if stale.Expected != 1 || stale.Current != 2 {
				t.Fatalf("stale error %+v", stale)
			}
			if len(allEvents(t, w, c.ID)) != before {
				t.Fatal("a refused change recorded events")
			}
		})
	}
	again, _ := w.GetCase(ctx, c.ID)
	second, err := w.UpdateCase(dossier.IfMatch(ctx, again.Version), c.ID, dossier.UpdateCaseInput{Name: patch.Value("Acme (second)")})
	if err != nil || second.Name != "Acme (second)" || second.Version != 3 {
		t.Fatalf("second editor after reading again: %+v, %v", second, err)
	}
	_, err = w.UpdateCase(dossier.IfMatch(ctx, 0), c.ID, dossier.UpdateCaseInput{Name: patch.Value("x")})
	wantProblem(t, err, "if_match", validation.CodeOutOfRange)
}

// TestUpdateEventChanges: the changes listed by update events, per kind
// of object, with previous and next values as JSON.
func TestUpdateEventChanges(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	c, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A", Metadata: cases.Metadata{"k": "v"}})
	main, _ := w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Main"})
	p, _ := w.AddIndividual(ctx, c.ID, entity.IndividualInput{LastName: "Stark"})
	holding, _ := w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Holding", Type: entity.CompanyAffiliated})
	check, _ := w.AddCheck(ctx, c.ID, dossier.AddCheckInput{Type: cases.CheckTypeAML})
	var wantRelation string
	tests := []struct {
		name string
		op   func() error
		want string // event name: changes
	}{
		{"case info and metadata", func() error {
			_, err := w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{Name: patch.Value("B"), ExternalID: patch.Value("x-1"), Metadata: patch.Value(cases.Metadata{"k": "w"})})
			return err
		}, `Case.InfoUpdated: external_id null -> "x-1", name "A" -> "B"; Case.MetadataUpdated: metadata {"k":"v"} -> {"k":"w"}`},
		{"company", func() error {
			_, err := w.UpdateCompany(ctx, main.Company.ID, entity.CompanyUpdate{Name: patch.Value("Main SA")})
			return err
		}, `Company.Updated: name "Main" -> "Main SA"`},
		{"relation added", func() error {
			r, err := w.AddRelation(ctx, c.ID, relation.Input{FromIndividualID: p.Individual.ID, ToCompanyID: holding.Company.ID,
				OwnershipPercentage: entity.MustPercentage("10")})
			if err == nil {
				rJSON, _ := json.Marshal(r)
				wantRelation = `Individual.Updated: relations.` + r.ID + ` null -> ` + string(rJSON)
			}
			return err
		}, "relation"},
		{"relation updated", func() error {
			_, err := w.UpdateRelation(ctx, p.Relations[0].ID, relation.Update{Position: patch.Value("CEO")})
			return err
		}, `Individual.Updated: relations.` + p.Relations[0].ID + `.position null -> "CEO"`},
		{"check moved", func() error {
			_, err := w.MoveCheck(ctx, check.ID, cases.CheckStatusNeedReview, cases.MoveOptions{})
			return err
		}, `Check.ReviewNeeded: status "in_progress" -> "need_review"; ` +
			`Case.ContactHasActionsUpdated: contact_has_actions true -> false; ` +
			`Case.ReviewerHasActionsUpdated: reviewer_has_actions false -> true; ` +
			`Case.FlagsUpdated: flags ["for_first_collect"] -> ["for_review","first_collect_completed"]`}, // no check in progress: first collect completed
	}
	seen := len(allEvents(t, w, c.ID))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.op(); err != nil {
				t.Fatal(err)
			}
			evs := allEvents(t, w, c.ID)[seen:]
			seen += len(evs)
			var got []string
			for _, e := range evs {
				var ch []string
				for _, fc := range e.Changes {
					ch = append(ch, fmt.Sprintf("%s %s -> %s", fc.Name, fc.Previous, fc.Next))
				}
				got = append(got, e.Name()+": "+strings.Join(ch, ", "))
			}
			if tt.want == "relation" {
				tt.want = wantRelation
			}
			if s := strings.Join(got, "; "); s != tt.want {
				t.Fatalf("got  %s\nwant %s", s, tt.want)
			}
		})
	}
}

// TestEventPayloadIsTheRead: the payload of an update event is the object
// exactly as a read returns it right after the change.
func TestEventPayloadIsTheRead(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	c, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A"})
	if _, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Main"}); err != nil {
		t.Fatal(err)
	}
	p, err := w.AddIndividual(ctx, c.ID, entity.IndividualInput{LastName: "Stark",
		Relations: []entity.Link{{OwnershipPercentage: entity.MustPercentage("60")}}})
	if err != nil {
		t.Fatal(err)
	}
	updated, err := w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{Name: patch.Value("B")})
	if err != nil {
		t.Fatal(err)
	}
	read, _ := w.GetIndividual(ctx, p.Individual.ID)
	evs := allEvents(t, w, c.ID)
	for _, tt := range []struct {
		typ  event.Type
		read any
	}{{event.IndividualCreated, read}, {event.CaseUpdated, updated}} {
		want, _ := json.Marshal(tt.read)
		found := false
		for _, e := range evs {
			if e.Type == tt.typ {
				found = true
				if string(e.Payload) != string(want) {
					t.Fatalf("%s payload\n%s\nread\n%s", tt.typ, e.Payload, want)
				}
			}
		}
		if !found {
			t.Fatalf("no %s event", tt.typ)
		}
	}
}

// FuzzValidateActor: an accepted actor has a known type and an id of 1 to
// MaxActorIDLen printable characters, and is recorded on events exactly as
// given; a refused one is a validation error at actor.type or actor.id.
func FuzzValidateActor(f *testing.F) {
	for _, s := range []string{"u-1", "", " ", "a\nb", "\u202e", "\xff", strings.Repeat("x", 300), "été"} {
		f.Add("user", s)
		f.Add("robot", s)
	}
	f.Fuzz(func(t *testing.T, typ, id string) {
		a := event.Actor{Type: event.ActorType(typ), ID: id}
		err := dossier.ValidateActor(a)
		if err != nil {
			var verr *validation.Error
			if !errors.As(err, &verr) {
				t.Fatalf("not a validation error: %v", err)
			}
			for _, p := range verr.Problems {
				if p.Path != "actor.type" && p.Path != "actor.id" {
					t.Fatalf("problem at %q", p.Path)
				}
			}
			return
		}
		if !a.Type.Valid() || strings.TrimSpace(id) == "" || len([]rune(id)) > dossier.MaxActorIDLen || strings.ContainsAny(id, "\x00\n\r\t\x1b\u202e") {
			t.Fatalf("accepted %q %q", typ, id)
		}
		b, err := json.Marshal(event.Event{Actor: a})
		if err != nil {
			t.Fatal(err)
		}
		var back event.Event
		if err := json.Unmarshal(b, &back); err != nil || back.Actor != a {
			t.Fatalf("actor %+v does not round-trip: %s", a, b)
		}
	})
}

// racingStore lets another writer save the case just before each of the
// first n updates it is given, as a concurrent editor would.
type racingStore struct {
	storage.Store
	mu      sync.Mutex
	races   int
	updates int
}

func (s *racingStore) Update(ctx context.Context, rec *storage.Record, evs ...event.Event) (*storage.Record, error) {
	s.mu.Lock()
	s.updates++
	race := s.races > 0
	s.races--
	s.mu.Unlock()
	if race {
		other, err := s.Store.Get(ctx, rec.Case.ID)
		if err != nil {
			return nil, err
		}
		other.Case.Name = "by the other writer"
		if _, err := s.Store.Update(ctx, other); err != nil {
			return nil, err
		}
	}
	return s.Store.Update(ctx, rec, evs...)
}

// TestConflictRetry: a change that meets a concurrent writer between its
// read and its save is re-applied on the fresh case; a conditional one is
// refused at once, never retried.
func TestConflictRetry(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name        string
		conditional bool
		updates     int
	}{
		{"retried", false, 3},
		{"conditional, not retried", true, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := &racingStore{Store: newMemoryStore()}
			w, err := dossier.New(st, dossier.Settings{})
			if err != nil {
				t.Fatal(err)
			}
			c, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A", Metadata: cases.Metadata{"k": "v"}})
			st.races = 2
			opCtx := ctx
			if tt.conditional {
				opCtx = dossier.IfMatch(ctx, c.Version)
			}
			_, err = w.UpdateCase(opCtx, c.ID, dossier.UpdateCaseInput{Metadata: patch.Value(cases.Metadata{"k": "mine"})})
			switch {
			case tt.conditional && !errors.Is(err, dossier.ErrStaleVersion):
				t.Fatalf("got %v, want a stale version", err)
			case !tt.conditional && err != nil:
				t.Fatal(err)
			}
			if st.updates != tt.updates {
				t.Fatalf("%d attempts, want %d", st.updates, tt.updates)
			}
			got, _ := w.GetCase(ctx, c.ID)
			if got.Name != "by the other writer" {
				t.Fatalf("the other writer's change was lost: %q", got.Name)
			}
			if mine := got.Metadata["k"] == "mine"; mine == tt.conditional {
				t.Fatalf("metadata %v after the %s change", got.Metadata, tt.name)
			}
		})
	}
}
