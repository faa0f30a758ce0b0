package dossier_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/storage"
)

// errCorrupt stands for an adapter's error about a record it cannot read.
var errCorrupt = errors.New("record checksum mismatch")

// damagingStore reports the cases in bad as damaged, as an adapter does
// for a record with a flipped byte: Get fails and queries report them in
// Page.Damaged. It can quarantine them.
type damagingStore struct {
	storage.Store
	mu          sync.Mutex
	bad         map[string]bool
	quarantined []string
}

func (s *damagingStore) isBad(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bad[id]
}

func (s *damagingStore) Get(ctx context.Context, id string) (*storage.Record, error) {
	if s.isBad(id) {
		return nil, &storage.DamagedError{CaseID: id, Err: errCorrupt}
	}
	return s.Store.Get(ctx, id)
}

func (s *damagingStore) Query(ctx context.Context, q storage.Query) (storage.Page, error) {
	page, err := s.Store.Query(ctx, q)
	page.Cases = slices.DeleteFunc(page.Cases, func(c cases.Case) bool {
		if s.isBad(c.ID) {
			page.Damaged = append(page.Damaged, &storage.DamagedError{CaseID: c.ID, Err: errCorrupt})
			return true
		}
		return false
	})
	return page, err
}

func (s *damagingStore) Quarantine(ctx context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.bad[id] {
		if _, err := s.Store.Get(ctx, id); err != nil {
			return err
		}
	}
	delete(s.bad, id)
	s.quarantined = append(s.quarantined, id)
	rec, err := s.Store.Get(ctx, id)
	if err != nil {
		return err
	}
	return s.Store.Delete(ctx, id, rec.Version, time.Now())
}

// TestDamagedCaseDoesNotStopTheOthers: one unreadable case is reported
// beside the results of every listing, which go on past it; ListCases
// keeps its cursor; QuarantineCase sets it aside without its version.
func TestDamagedCaseDoesNotStopTheOthers(t *testing.T) {
	ctx := context.Background()
	st := &damagingStore{Store: newMemoryStore(), bad: map[string]bool{}}
	clock := newTestClock()
	w, err := dossier.New(st, dossier.Settings{}, dossier.WithClock(clock.Now), dossier.WithIDGenerator(seqIDs()))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 5 {
		c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: fmt.Sprint("case ", i)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.ReviewCase(ctx, c.ID, dossier.ReviewInput{Status: cases.ReviewApproved, NextReviewAt: patch.Value(cases.Date{Year: 2026, Month: 4, Day: 1 + i})}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	damaged := ids[1]
	st.bad[damaged] = true
	due := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)

	// consume reads an iterator to the end: the names it yields and the
	// ids of the damaged cases it reports.
	consume := func(t *testing.T, seq func(yield func(*cases.Case, error) bool)) (names, bad []string) {
		for c, err := range seq {
			var d *storage.DamagedError
			switch {
			case errors.As(err, &d):
				bad = append(bad, d.CaseID)
			case err != nil:
				t.Fatal(err)
			default:
				names = append(names, c.Name)
			}
		}
		return names, bad
	}
	tests := []struct {
		name string
		seq  func(yield func(*cases.Case, error) bool)
	}{
		{"AllCases", w.AllCases(ctx, dossier.ListOptions{Limit: 2})},
		{"DueForReview", w.DueForReview(ctx, due)},
		{"RecordReviewsDue", w.RecordReviewsDue(ctx, due)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			names, bad := consume(t, tt.seq)
			if fmt.Sprint(names) != "[case 0 case 2 case 3 case 4]" || fmt.Sprint(bad) != fmt.Sprint([]string{damaged}) {
				t.Fatalf("got %v, damaged %v", names, bad)
			}
		})
	}
	t.Run("ListCases", func(t *testing.T) {
		var names, bad []string
		opts := dossier.ListOptions{Limit: 2, Count: true}
		for pages := 0; ; pages++ {
			page, err := w.ListCases(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page.Cases {
				names = append(names, c.Name)
			}
			for _, d := range page.Damaged {
				bad = append(bad, d.CaseID)
				if !errors.Is(d, errCorrupt) {
					t.Fatalf("damage report %v does not carry the adapter's error", d)
				}
			}
			if page.Next == "" {
				break
			}
			if pages > 5 {
				t.Fatal("the cursor does not advance")
			}
			opts.After = page.Next
		}
		if fmt.Sprint(names) != "[case 0 case 2 case 3 case 4]" || fmt.Sprint(bad) != fmt.Sprint([]string{damaged}) {
			t.Fatalf("got %v, damaged %v", names, bad)
		}
	})
	t.Run("QuarantineCase", func(t *testing.T) {
		if _, err := w.GetCase(ctx, damaged); !errors.Is(err, errCorrupt) {
			t.Fatalf("reading the damaged case: %v", err)
		}
		if err := w.QuarantineCase(ctx, damaged); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(st.quarantined) != fmt.Sprint([]string{damaged}) {
			t.Fatalf("quarantined %v", st.quarantined)
		}
		names, bad := consume(t, w.AllCases(ctx, dossier.ListOptions{}))
		if len(bad) != 0 || len(names) != 4 {
			t.Fatalf("after quarantine: %v, damaged %v", names, bad)
		}
		if err := w.QuarantineCase(ctx, "nope"); !errors.Is(err, dossier.ErrNotFound) {
			t.Fatalf("unknown case: %v", err)
		}
	})
	t.Run("NotSupported", func(t *testing.T) {
		plain := newWorkspace(t, dossier.Settings{})
		if err := plain.QuarantineCase(ctx, ids[0]); !errors.Is(err, dossier.ErrNotSupported) {
			t.Fatalf("got %v, want ErrNotSupported", err)
		}
	})
}

// TestListCasesQuery: ListCases serves the store's query: filters, sort,
// total, offset and the cursor.
func TestListCasesQuery(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	names := []string{"delta", "Alpha", "charlie", "bravo", "echo"}
	for i, n := range names {
		c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: n, ExternalID: fmt.Sprint("x", i)})
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if _, err := w.ReviewCase(ctx, c.ID, dossier.ReviewInput{Status: cases.ReviewApproved}); err != nil {
				t.Fatal(err)
			}
		}
	}
	list := func(opts dossier.ListOptions) (string, int) {
		t.Helper()
		page, err := w.ListCases(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range page.Cases {
			out = append(out, c.Name)
		}
		return fmt.Sprint(out), page.Total
	}
	tests := []struct {
		name  string
		opts  dossier.ListOptions
		want  string
		total int
	}{
		{"default order", dossier.ListOptions{}, "[delta Alpha charlie bravo echo]", -1},
		{"by name", dossier.ListOptions{Sort: storage.SortName}, "[Alpha bravo charlie delta echo]", -1},
		{"by name desc, counted", dossier.ListOptions{Sort: storage.SortName, Desc: true, Count: true, Limit: 2}, "[echo delta]", 5},
		{"approved", dossier.ListOptions{Statuses: []cases.Status{cases.StatusApproved}, Count: true}, "[delta charlie echo]", 3},
		{"name contains", dossier.ListOptions{NameContains: "HA"}, "[Alpha charlie]", -1},
		{"external id", dossier.ListOptions{ExternalID: "x3"}, "[bravo]", -1},
		{"offset", dossier.ListOptions{Sort: storage.SortName, Offset: 3}, "[delta echo]", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total := list(tt.opts)
			if got != tt.want || total != tt.total {
				t.Fatalf("got %s total %d, want %s total %d", got, total, tt.want, tt.total)
			}
		})
	}
	_, err := w.ListCases(ctx, dossier.ListOptions{Offset: 1, After: "x", Sort: "risk"})
	if !errors.Is(err, dossier.ErrInvalid) {
		t.Fatalf("bad options: %v", err)
	}
}

// damagedOutbox reports the pending events of one case as unreadable, as
// an adapter does for a damaged audit log frame: the readable events of
// the page come with an error naming the damage.
type damagedOutbox struct {
	storage.Store
	bad string
}

func (s *damagedOutbox) PendingEvents(ctx context.Context, after uint64, limit int) ([]event.Event, error) {
	page, err := s.Store.PendingEvents(ctx, after, limit)
	if err != nil {
		return nil, err
	}
	var lost bool
	page = slices.DeleteFunc(page, func(e event.Event) bool {
		if e.CaseID == s.bad {
			lost = true
			return true
		}
		return false
	})
	if lost {
		return page, errors.Join(&storage.DamagedError{CaseID: s.bad, Err: errCorrupt})
	}
	return page, nil
}

// TestDrainGoesPastDamagedEvents: the readable events are delivered and
// acknowledged; the damaged ones are reported and stay pending.
func TestDrainGoesPastDamagedEvents(t *testing.T) {
	ctx := context.Background()
	st := &damagedOutbox{Store: newMemoryStore()}
	w, err := dossier.New(st, dossier.Settings{}, dossier.WithIDGenerator(seqIDs()))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "A"})
	b, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "B"})
	c, _ := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "C"})
	st.bad = b.ID
	var got []string
	n, err := w.Drain(ctx, func(_ context.Context, e event.Event) error {
		got = append(got, e.CaseID)
		return nil
	})
	var d *storage.DamagedError
	if n != 2 || !errors.As(err, &d) || d.CaseID != b.ID {
		t.Fatalf("drained %d, %v; want 2 and the damage of %s", n, err, b.ID)
	}
	if fmt.Sprint(got) != fmt.Sprint([]string{a.ID, c.ID}) {
		t.Fatalf("delivered %v", got)
	}
	st.bad = ""
	pending, err := w.PendingEvents(ctx, 0, 0)
	if err != nil || len(pending) != 1 || pending[0].CaseID != b.ID {
		t.Fatalf("the damaged event must stay pending: %v %v", pending, err)
	}
}
