package dossier_test

import (
	"context"
	"testing"
	"time"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/relation"
)

// TestLastActivity: every change stamps the case's last_activity_at, and
// the last_activity_at of the entities it touches (the entity itself, the
// source of a changed relation), not of the others.
func TestLastActivity(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	w, err := dossier.New(newMemoryStore(), dossier.Settings{}, dossier.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	var in dossier.CreateCaseInput
	in.Name = "Acme"
	in.Companies = []entity.CompanyInput{{Name: "Acme SA", Ref: "m"}}
	in.Individuals = []entity.IndividualInput{{LastName: "A"}, {LastName: "B"}}
	c, err := w.CreateCase(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := w.GetRecord(ctx, c.ID)
	a, b := rec.Individuals[0].ID, rec.Individuals[1].ID
	start := now
	activity := func(id string) time.Time {
		v, err := w.GetIndividual(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return v.Individual.LastActivityAt
	}
	steps := []struct {
		name      string
		op        func() error
		wantA     time.Time
		wantB     time.Time
		wantCaseT time.Time
	}{
		{"update A", func() error {
			_, err := w.UpdateIndividual(ctx, a, entity.IndividualUpdate{FirstName: patch.Value("Ann")})
			return err
		}, start.Add(time.Hour), start, start.Add(time.Hour)},
		{"change B's relation", func() error {
			rs, _ := w.GetIndividual(ctx, b)
			_, err := w.UpdateRelation(ctx, rs.Relations[0].ID, relation.Update{Position: patch.Value("CFO")})
			return err
		}, start.Add(time.Hour), start.Add(2 * time.Hour), start.Add(2 * time.Hour)},
		{"case rename touches no entity", func() error {
			_, err := w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{Name: patch.Value("Acme 2")})
			return err
		}, start.Add(time.Hour), start.Add(2 * time.Hour), start.Add(3 * time.Hour)},
	}
	for _, s := range steps {
		now = now.Add(time.Hour)
		if err := s.op(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := activity(a); !got.Equal(s.wantA) {
			t.Fatalf("%s: A's last_activity_at %v, want %v", s.name, got, s.wantA)
		}
		if got := activity(b); !got.Equal(s.wantB) {
			t.Fatalf("%s: B's last_activity_at %v, want %v", s.name, got, s.wantB)
		}
		cs, _ := w.GetCase(ctx, c.ID)
		if !cs.LastActivityAt.Equal(s.wantCaseT) {
			t.Fatalf("%s: case last_activity_at %v, want %v", s.name, cs.LastActivityAt, s.wantCaseT)
		}
	}
	// last_activity_at alone is never listed as a changed field.
	for _, e := range allEvents(t, w, c.ID) {
		for _, ch := range e.Changes {
			if ch.Name == "last_activity_at" {
				t.Fatalf("event %s lists last_activity_at", e.Name())
			}
		}
	}
}
