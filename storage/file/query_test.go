package file_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/file"
)

// queryCase is case i of the query fixture: every 100th case (1 %) has
// "needle" in its name, a high risk and a next review date; the others
// have neither.
func queryCase(i int) *storage.Record {
	rec := record(fmt.Sprintf("q-%05d", i), "", 0)
	rec.Case.CreatedAt = epoch.Add(time.Duration(i) * time.Minute)
	rec.Case.UpdatedAt = rec.Case.CreatedAt
	rec.Case.Name = fmt.Sprintf("case %d", i)
	if i%100 == 0 {
		rec.Case.Name = fmt.Sprintf("Needle %d", i)
		rec.Case.Risk = &risk.Risk{ID: "r", Mode: risk.ModeAutomatic, Level: risk.LevelHigh, CreatedAt: epoch}
		d := cases.DateOf(epoch.AddDate(0, 0, i/100))
		rec.Case.Review = &cases.Review{ID: "rv", Status: cases.ReviewApproved, ReviewedAt: epoch, NextReviewAt: &d}
	}
	return rec
}

// queryFixture is a store of n query cases.
func queryFixture(t testing.TB, dir string, n int) *file.Store {
	t.Helper()
	s, err := file.Open(dir, file.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, err := s.Create(bg, queryCase(i)); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// TestQueryReadsOnlyMatches: on 20,000 cases, queries matching 1 % read
// at most 2 % of the record files, all their pages included, and return
// exactly the matching cases in order (the summary index filters and
// sorts; only the records of each page are read). With -short or -race the
// store has 2,000 cases.
func TestQueryReadsOnlyMatches(t *testing.T) {
	n := 20000
	if testing.Short() || raceEnabled {
		n = 2000
	}
	s := queryFixture(t, t.TempDir(), n)
	defer s.Close()
	s.Close()
	s = openT(t, s.Dir(), file.Options{}) // a fresh Store: its index from the files
	tests := []struct {
		name string
		q    storage.Query
		desc bool
	}{
		{"name contains", storage.Query{NameContains: "NEEDLE"}, false},
		{"risk level", storage.Query{RiskLevels: []risk.Level{risk.LevelHigh}, Sort: storage.SortName}, false},
		{"next review due", storage.Query{NextReview: storage.DateRange{To: cases.DateOf(epoch.AddDate(1, 0, 0))}, Sort: storage.SortNextReviewAt, Desc: true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s.RecordReads()
			var got []string
			q := tt.q
			q.Limit = 30
			for c, err := range storage.All(bg, s, q) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, c.ID)
			}
			reads := s.RecordReads() - before
			if len(got) != n/100 {
				t.Fatalf("%d cases, want %d", len(got), n/100)
			}
			for i, id := range got {
				k := i
				if tt.desc {
					k = len(got) - 1 - i
				}
				if want := fmt.Sprintf("q-%05d", 100*k); id != want && tt.q.Sort != storage.SortName {
					t.Fatalf("case %d is %s, want %s", i, id, want)
				}
			}
			if limit := int64(n) * 2 / 100; reads > limit {
				t.Fatalf("%d record files read for %d matches among %d cases, want at most %d", reads, len(got), n, limit)
			}
			t.Logf("%d matches, %d record files read", len(got), reads)
		})
	}
	t.Run("count without reading", func(t *testing.T) {
		before := s.RecordReads()
		page, err := s.Query(bg, storage.Query{RiskLevels: []risk.Level{risk.LevelHigh}, Count: true, Limit: 1})
		if err != nil || page.Total != n/100 || len(page.Cases) != 1 {
			t.Fatalf("Count = %d, %d cases, %v", page.Total, len(page.Cases), err)
		}
		if reads := s.RecordReads() - before; reads != 1 {
			t.Fatalf("counting read %d record files, want 1 (the page)", reads)
		}
	})
	t.Run("offset", func(t *testing.T) {
		page, err := s.Query(bg, storage.Query{NameContains: "needle", Offset: 5, Limit: 2})
		if err != nil || len(page.Cases) != 2 || page.Cases[0].ID != "q-00500" || page.Cases[1].ID != "q-00600" {
			t.Fatalf("Offset page = %+v, %v", page.Cases, err)
		}
	})
}
