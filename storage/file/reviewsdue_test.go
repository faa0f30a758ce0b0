package file_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/file"
)

// reviewCase is case i of a workspace where 1 % of the cases are due for
// their periodic review at dueDay (approved, next review on or before
// it), a third are approved with a review years away, and the rest are
// open.
func reviewCase(i int) *storage.Record {
	rec := record(fmt.Sprintf("r-%05d", i), "", 0)
	rec.Case.CreatedAt = epoch.Add(time.Duration(i) * time.Minute)
	rec.Case.UpdatedAt = rec.Case.CreatedAt
	switch {
	case i%100 == 0:
		d := cases.DateOf(epoch.AddDate(0, 0, i/100%300))
		rec.Case.Status = cases.StatusApproved
		rec.Case.Review = &cases.Review{ID: "rv", Status: cases.ReviewApproved, ReviewedAt: epoch, NextReviewAt: &d}
	case i%3 == 0:
		d := cases.DateOf(epoch.AddDate(5, 0, 0))
		rec.Case.Status = cases.StatusApproved
		rec.Case.Review = &cases.Review{ID: "rv", Status: cases.ReviewApproved, ReviewedAt: epoch, NextReviewAt: &d}
	}
	return rec
}

// dueDay is after every due date of reviewCase and before the far ones.
var dueDay = epoch.AddDate(1, 0, 0)

func reviewFixture(t testing.TB, dir string, n int) {
	t.Helper()
	s, err := file.Open(dir, file.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, err := s.Create(bg, reviewCase(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestRecordReviewsDueReadsOnlyDue: on 20,000 cases of which 200 are due,
// RecordReviewsDue over a Workspace records one Case.ReviewDue event per
// due case and reads at most 2 % of the record files (each due case is
// read for the page of the query and again by the change that records its
// event); a second run for the same day records nothing. With -short or
// -race the store has 2,000 cases.
func TestRecordReviewsDueReadsOnlyDue(t *testing.T) {
	n := 20000
	if testing.Short() || raceEnabled {
		n = 2000
	}
	dir := t.TempDir()
	reviewFixture(t, dir, n)
	s := openT(t, dir, file.Options{NoSync: true})
	w, err := dossier.New(s, dossier.Settings{})
	if err != nil {
		t.Fatal(err)
	}

	before := s.RecordReads()
	var due []string
	for c, err := range w.RecordReviewsDue(bg, dueDay) {
		if err != nil {
			t.Fatal(err)
		}
		due = append(due, c.ID)
	}
	reads := s.RecordReads() - before
	if len(due) != n/100 {
		t.Fatalf("%d cases recorded due, want %d", len(due), n/100)
	}
	for _, id := range due {
		var i int
		if _, err := fmt.Sscanf(id, "r-%05d", &i); err != nil || i%100 != 0 {
			t.Fatalf("case %s recorded due: it is not", id)
		}
	}
	if limit := int64(n) * 2 / 100; reads > limit {
		t.Fatalf("%d record files read for %d due cases among %d, want at most %d", reads, len(due), n, limit)
	}
	t.Logf("%d due cases, %d record files read", len(due), reads)

	again := 0
	for _, err := range w.RecordReviewsDue(bg, dueDay) {
		if err != nil {
			t.Fatal(err)
		}
		again++
	}
	if again != 0 {
		t.Fatalf("a second run recorded %d more", again)
	}
	page, err := s.Events(bg, due[0], 0, 0)
	if err != nil || len(page) != 1 || page[0].Type != "Case.ReviewDue" {
		t.Fatalf("events of %s: %+v, %v", due[0], page, err)
	}
}

// BenchmarkDueForReview measures DueForReview on 20,000 cases of which 200
// are due against a full scan that reads every record and tests it with
// cases.Due (what DueForReview did before the summary index): the metric
// x-baseline is the ratio.
//
//	go test -run '^$' -bench DueForReview -benchtime 5x ./storage/file/
func BenchmarkDueForReview(b *testing.B) {
	const n = 20000
	dir := b.TempDir()
	reviewFixture(b, dir, n)
	syncDisks()
	s, err := file.Open(dir, file.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	w, err := dossier.New(s, dossier.Settings{})
	if err != nil {
		b.Fatal(err)
	}
	day := cases.DateOf(dueDay)
	var p pair
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		got := 0
		for _, err := range w.DueForReview(bg, dueDay) {
			if err != nil {
				b.Fatal(err)
			}
			got++
		}
		t1 := time.Now()
		scanned := 0
		for i := range n {
			rec, err := s.Get(bg, fmt.Sprintf("r-%05d", i))
			if err != nil {
				b.Fatal(err)
			}
			if cases.Due(rec.Case.Status, rec.Case.Review, day) {
				scanned++
			}
		}
		if got != n/100 || scanned != got {
			b.Fatalf("DueForReview found %d cases, the scan %d", got, scanned)
		}
		p.op += t1.Sub(t0)
		p.base += time.Since(t1)
	}
	p.report(b)
}
