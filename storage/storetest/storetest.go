// Package storetest is the conformance suite of the storage.Store contract.
// Every adapter runs it from its own tests, and so can a third-party adapter:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storage.Store {
//			s, err := mystore.Open(t.TempDir())
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// newStore must return a new, empty store on each call. The suite runs its
// subtests in parallel and spawns goroutines, so run it with -race. A
// failure names the subtest; the random parts log their seed, and
// storetest.WithSeed replays it.
//
// # Records
//
// Versions and conflicts; atomic uniqueness of external ids under
// concurrent writers; no lost update under concurrent read-modify-write;
// copy in and out; entity lookups; context cancellation. Records must read
// back byte for byte: json.Marshal of what Get, GetByExternalID, Query and
// Update return equals json.Marshal of what was written (Version aside),
// for a record with every field of every part set (nanosecond times,
// non-ASCII text, metadata, custom properties of every kind, risk history
// of both modes, known and unknown percentages, checks, schedule) and for
// records whose maps and slices are all nil or all empty. The JSON of the
// domain types is the only normalisation allowed: a case's nil metadata
// and custom properties encode as {}, as empty ones do.
//
// # The audit log and the outbox
//
// The events given to a write are appended with it, numbered in order and
// kept as given (actor, changed fields, payload); a refused write (existing
// id, taken external id, stale version, missing case) appends nothing and
// changes nothing; Events pages (0 is DefaultPageSize, more than
// MaxPageSize is MaxPageSize, negative is a *validation.Error, an unknown
// case has no events); the log outlives Delete and acknowledgement, and a
// case created again with the same id continues it; PurgeEvents removes
// exactly the events of the cases deleted strictly before its time, from
// the log and the outbox, and counts them; the log and the outbox hold the
// same events; events are copied in and out.
//
// A drainer that pages PendingEvents from the last Seq it saw and
// acknowledges, running while writers save, must see every committed event
// exactly once, in ascending Seq and, per case, in version order: the test
// an adapter fails when it takes sequence numbers before commit and lets a
// later number become visible first (see storage.Outbox).
//
// # Queries
//
// Random cases (every status, flags, actions, risk levels including none,
// next review dates including none, tied times, external ids, mixed-case
// and non-ASCII names) are queried with every filter alone and in random
// combinations, under every sort field in both directions. The
// concatenated cursor pages, Offset pages and Count must equal the suite's
// own filter and sort of the same cases, written without
// storage.Query.Matches so that a mistake there is caught too. A cursor
// walk in every order must see every case that exists for the whole walk
// exactly once, in order, while cases are created and deleted between
// pages (the one the cursor names included) and concurrently. Every kind
// of invalid query must be a *validation.Error at the field's path.
//
// # The Workspace's scenarios
//
// Run ends with [RunWorkspace]: the Workspace's own scenarios (lifecycle,
// graph and orphans, checks and flags, risk, reviews due, the audit trail,
// conditional writes, concurrent writers) over the adapter, so the domain
// rules are proven on it and not only the contract's single calls.
package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/validation"
)

// Option adjusts a Run.
type Option func(*config)

type config struct {
	seed uint64
}

// WithSeed seeds the random cases, queries and churn of the suite, to
// replay a failure with the seed its log shows. Without it every Run takes
// a new seed.
func WithSeed(seed uint64) Option { return func(c *config) { c.seed = seed } }

// Run runs the whole suite against stores made by newStore, which must
// return a new, empty store on each call and release it with t.Cleanup.
func Run(t *testing.T, newStore func(t *testing.T) storage.Store, opts ...Option) {
	t.Helper()
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.seed == 0 {
		cfg.seed = rand.Uint64()
	}
	tests := []struct {
		name string
		fn   func(t *testing.T, s storage.Store)
	}{
		{"CreateGet", testCreateGet},
		{"CreateExistingID", testCreateExistingID},
		{"DuplicateExternalID", testDuplicateExternalID},
		{"ConcurrentDuplicateExternalID", testConcurrentDuplicateExternalID},
		{"ExternalIDChanges", testExternalIDChanges},
		{"StaleVersion", testStaleVersion},
		{"Delete", testDelete},
		{"ConcurrentUpdatesLoseNothing", testConcurrentUpdates},
		{"CopyIn", testCopyIn},
		{"CopyOut", testCopyOut},
		{"CaseOfEntity", testCaseOfEntity},
		{"Pagination", testPagination},
		{"StatusFilter", testStatusFilter},
		{"ListLimits", testListLimits},
		{"CanceledContext", testCanceledContext},
		{"RoundTrip", testRoundTrip},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, newStore(t))
		})
	}
	for _, tt := range queryTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			t.Logf("random seed %d (replay with storetest.WithSeed)", cfg.seed)
			tt.fn(t, newStore(t), cfg.seed)
		})
	}
	for _, tt := range auditLogTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, newStore(t))
		})
	}
	for _, tt := range outboxTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			tt.fn(t, s, s)
		})
	}
	t.Run("Workspace", func(t *testing.T) {
		t.Parallel()
		RunWorkspace(t, newStore)
	})
}

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// newRecord returns a record for case id with the given external id.
func newRecord(id, ext string) *storage.Record {
	return &storage.Record{Case: cases.Case{
		ID: id, ExternalID: ext, Name: "case " + id, Status: cases.StatusOpen,
		Metadata:  cases.Metadata{"k": "v"},
		CreatedAt: epoch, UpdatedAt: epoch,
	}}
}

func encode(t *testing.T, rec *storage.Record) []byte {
	t.Helper()
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatalf("marshal record: %v", err)
	}
	return b
}

// sameContent reports whether two records are equal apart from Version.
func sameContent(t *testing.T, a, b *storage.Record) bool {
	t.Helper()
	a2, b2 := a.Clone(), b.Clone()
	a2.Version, b2.Version = 0, 0
	return bytes.Equal(encode(t, a2), encode(t, b2))
}

func mustCreate(t *testing.T, s storage.Store, rec *storage.Record) *storage.Record {
	t.Helper()
	got, err := s.Create(context.Background(), rec)
	if err != nil {
		t.Fatalf("Create(%s): %v", rec.Case.ID, err)
	}
	return got
}

func mustGet(t *testing.T, s storage.Store, id string) *storage.Record {
	t.Helper()
	got, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("Get(%s): %v", id, err)
	}
	return got
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want one matching %v", what, err, target)
	}
}

func testCreateGet(t *testing.T, s storage.Store) {
	ctx := context.Background()
	in := newRecord("c1", "ext-1")
	in.Case.Review = &cases.Review{ID: "r1", Status: cases.ReviewApproved, ReviewerType: cases.ReviewerUser, ReviewedAt: epoch,
		NextReviewAt: &cases.Date{Year: 2027, Month: 1, Day: 2}}
	in.Schedule = cases.ReviewSchedule{Computed: true, Level: "low"}
	created := mustCreate(t, s, in)
	if created.Version != 1 {
		t.Errorf("created version = %d, want 1", created.Version)
	}
	if !sameContent(t, created, in) {
		t.Errorf("Create returned\n%s\nwant\n%s", encode(t, created), encode(t, in))
	}
	got := mustGet(t, s, "c1")
	if got.Version != 1 || !sameContent(t, got, in) {
		t.Errorf("Get returned\n%s\nwant\n%s", encode(t, got), encode(t, in))
	}
	byExt, err := s.GetByExternalID(ctx, "ext-1")
	if err != nil || byExt.Case.ID != "c1" {
		t.Fatalf("GetByExternalID = %v, %v", byExt, err)
	}
	_, err = s.Get(ctx, "nope")
	wantErr(t, "Get(missing)", err, storage.ErrNotFound)
	_, err = s.GetByExternalID(ctx, "nope")
	wantErr(t, "GetByExternalID(missing)", err, storage.ErrNotFound)
	_, err = s.GetByExternalID(ctx, "")
	wantErr(t, "GetByExternalID(empty)", err, storage.ErrNotFound)
	_, err = s.Update(ctx, newRecord("nope", ""))
	wantErr(t, "Update(missing)", err, storage.ErrNotFound)
}

func testCreateExistingID(t *testing.T, s storage.Store) {
	first := mustCreate(t, s, newRecord("c1", "a"))
	_, err := s.Create(context.Background(), newRecord("c1", "b"))
	wantErr(t, "Create(existing id)", err, storage.ErrConflict)
	if got := mustGet(t, s, "c1"); !sameContent(t, got, first) || got.Version != 1 {
		t.Fatalf("stored record changed by a refused create: %s", encode(t, got))
	}
	if _, err := s.GetByExternalID(context.Background(), "b"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("refused create left external id indexed: %v", err)
	}
}

func testDuplicateExternalID(t *testing.T, s storage.Store) {
	ctx := context.Background()
	mustCreate(t, s, newRecord("c1", "dup"))
	_, err := s.Create(ctx, newRecord("c2", "dup"))
	wantErr(t, "Create(duplicate external id)", err, storage.ErrDuplicateExternalID)
	_, err = s.Get(ctx, "c2")
	wantErr(t, "Get(refused case)", err, storage.ErrNotFound)

	b := mustCreate(t, s, newRecord("c2", "other"))
	upd := b.Clone()
	upd.Case.ExternalID = "dup"
	_, err = s.Update(ctx, upd)
	wantErr(t, "Update(duplicate external id)", err, storage.ErrDuplicateExternalID)
	if got := mustGet(t, s, "c2"); got.Version != b.Version || !sameContent(t, got, b) {
		t.Fatalf("refused update changed the record: %s", encode(t, got))
	}
	if got, err := s.GetByExternalID(ctx, "dup"); err != nil || got.Case.ID != "c1" {
		t.Fatalf("GetByExternalID(dup) = %v, %v; want c1", got, err)
	}
	// Cases without external id never collide.
	mustCreate(t, s, newRecord("c3", ""))
	mustCreate(t, s, newRecord("c4", ""))
}

func testConcurrentDuplicateExternalID(t *testing.T, s storage.Store) {
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.Create(context.Background(), newRecord(fmt.Sprintf("c%02d", i), "same"))
		}()
	}
	wg.Wait()
	winner := ""
	for i, err := range errs {
		switch {
		case err == nil:
			if winner != "" {
				t.Fatalf("two creates with the same external id succeeded: %s and c%02d", winner, i)
			}
			winner = fmt.Sprintf("c%02d", i)
		case !errors.Is(err, storage.ErrDuplicateExternalID):
			t.Fatalf("create c%02d: %v", i, err)
		}
	}
	if winner == "" {
		t.Fatal("no create succeeded")
	}
	got, err := s.GetByExternalID(context.Background(), "same")
	if err != nil || got.Case.ID != winner {
		t.Fatalf("GetByExternalID = %v, %v; want %s", got, err, winner)
	}
	page, err := s.Query(context.Background(), storage.Query{})
	if err != nil || len(page.Cases) != 1 {
		t.Fatalf("Query after racing creates: %d cases, %v; want 1", len(page.Cases), err)
	}
}

func testExternalIDChanges(t *testing.T, s storage.Store) {
	ctx := context.Background()
	a := mustCreate(t, s, newRecord("a", "x"))
	upd := a.Clone()
	upd.Case.ExternalID = "y"
	a, err := s.Update(ctx, upd)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.GetByExternalID(ctx, "x")
	wantErr(t, "old external id", err, storage.ErrNotFound)
	if got, err := s.GetByExternalID(ctx, "y"); err != nil || got.Case.ID != "a" {
		t.Fatalf("new external id: %v, %v", got, err)
	}
	mustCreate(t, s, newRecord("b", "x")) // freed id is reusable
	upd = a.Clone()
	upd.Case.ExternalID = ""
	if _, err := s.Update(ctx, upd); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetByExternalID(ctx, "y")
	wantErr(t, "cleared external id", err, storage.ErrNotFound)
	// Nasty ids are plain data.
	for i, ext := range []string{"../../etc/passwd", "a\x00b", "CON", "NUL.txt", "é/ü\\x", " "} {
		id := fmt.Sprintf("n%d", i)
		mustCreate(t, s, newRecord(id, ext))
		if got, err := s.GetByExternalID(ctx, ext); err != nil || got.Case.ID != id {
			t.Fatalf("GetByExternalID(%q) = %v, %v", ext, got, err)
		}
	}
}

func testStaleVersion(t *testing.T, s storage.Store) {
	ctx := context.Background()
	v1 := mustCreate(t, s, newRecord("c1", ""))
	upd := v1.Clone()
	upd.Case.Name = "first"
	v2, err := s.Update(ctx, upd)
	if err != nil {
		t.Fatal(err)
	}
	if v2.Version != 2 || v2.Case.Name != "first" {
		t.Fatalf("update returned version %d name %q", v2.Version, v2.Case.Name)
	}
	stale := v1.Clone()
	stale.Case.Name = "lost"
	_, err = s.Update(ctx, stale)
	wantErr(t, "Update(stale)", err, storage.ErrConflict)
	future := v2.Clone()
	future.Version = 7
	_, err = s.Update(ctx, future)
	wantErr(t, "Update(future version)", err, storage.ErrConflict)
	err = s.Delete(ctx, "c1", 1, epoch)
	wantErr(t, "Delete(stale)", err, storage.ErrConflict)
	if got := mustGet(t, s, "c1"); got.Version != 2 || got.Case.Name != "first" {
		t.Fatalf("after refused writes: version %d name %q", got.Version, got.Case.Name)
	}
}

func testDelete(t *testing.T, s storage.Store) {
	ctx := context.Background()
	rec := newRecord("c1", "ext")
	rec.Companies = []entity.Company{{ID: "co1"}}
	created := mustCreate(t, s, rec)
	if err := s.Delete(ctx, "c1", created.Version, epoch); err != nil {
		t.Fatal(err)
	}
	_, err := s.Get(ctx, "c1")
	wantErr(t, "Get(deleted)", err, storage.ErrNotFound)
	_, err = s.GetByExternalID(ctx, "ext")
	wantErr(t, "GetByExternalID(deleted)", err, storage.ErrNotFound)
	_, err = s.CaseOfEntity(ctx, "co1")
	wantErr(t, "CaseOfEntity(deleted)", err, storage.ErrNotFound)
	err = s.Delete(ctx, "c1", created.Version, epoch)
	wantErr(t, "Delete(deleted)", err, storage.ErrNotFound)
	mustCreate(t, s, newRecord("c2", "ext")) // the external id is free again
}

// testConcurrentUpdates runs read-modify-write loops from many goroutines,
// retrying on conflict; every increment must survive.
func testConcurrentUpdates(t *testing.T, s storage.Store) {
	ctx := context.Background()
	mustCreate(t, s, newRecord("c1", ""))
	const workers, each = 8, 25
	var wg sync.WaitGroup
	errc := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				for {
					rec, err := s.Get(ctx, "c1")
					if err != nil {
						errc <- err
						return
					}
					rec.Case.Metadata[fmt.Sprintf("w%d-%d", w, i)] = "x"
					if _, err = s.Update(ctx, rec); err == nil {
						break
					} else if !errors.Is(err, storage.ErrConflict) {
						errc <- err
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	got := mustGet(t, s, "c1")
	if len(got.Case.Metadata) != 1+workers*each {
		t.Fatalf("metadata has %d keys, want %d: updates were lost", len(got.Case.Metadata), 1+workers*each)
	}
	if got.Version != 1+workers*each {
		t.Fatalf("version = %d, want %d", got.Version, 1+workers*each)
	}
}

func testCopyIn(t *testing.T, s storage.Store) {
	rec := newRecord("c1", "")
	rec.Companies = []entity.Company{{ID: "co1"}}
	want := encode(t, rec.Clone())
	mustCreate(t, s, rec)
	rec.Case.Metadata["k"] = "changed"
	rec.Case.Name = "changed"
	rec.Companies[0].ID = "changed"
	got := mustGet(t, s, "c1")
	got.Version = 0
	if !bytes.Equal(encode(t, got), want) {
		t.Fatalf("mutating the created record changed the store:\n%s\nwant\n%s", encode(t, got), want)
	}
	upd := mustGet(t, s, "c1")
	upd2, err := s.Update(context.Background(), upd)
	if err != nil {
		t.Fatal(err)
	}
	upd.Case.Metadata["k"] = "changed again"
	if got := mustGet(t, s, "c1"); got.Case.Metadata["k"] != "v" || got.Version != upd2.Version {
		t.Fatalf("mutating the updated record changed the store: %v", got.Case.Metadata)
	}
}

func testCopyOut(t *testing.T, s storage.Store) {
	ctx := context.Background()
	in := newRecord("c1", "e")
	in.Case.Review = &cases.Review{ID: "r", Status: cases.ReviewApproved, ReviewerType: cases.ReviewerAPI, ReviewedAt: epoch,
		NextReviewAt: &cases.Date{Year: 2027, Month: 3, Day: 4}}
	in.Companies = []entity.Company{{ID: "co1"}}
	created := mustCreate(t, s, in)
	created.Case.Metadata["k"] = "x"
	created.Case.Review.NextReviewAt.Day = 9
	created.Companies[0].ID = "x"
	for _, get := range []func() (*storage.Record, error){
		func() (*storage.Record, error) { return s.Get(ctx, "c1") },
		func() (*storage.Record, error) { return s.GetByExternalID(ctx, "e") },
	} {
		got, err := get()
		if err != nil {
			t.Fatal(err)
		}
		if !sameContent(t, got, in) {
			t.Fatalf("store changed through a returned record:\n%s\nwant\n%s", encode(t, got), encode(t, in))
		}
		got.Case.Metadata["k"] = "y"
		got.Case.Review.NextReviewAt.Day = 10
		got.Companies[0].ID = "y"
	}
	p, err := s.Query(ctx, storage.Query{})
	if err != nil || len(p.Cases) != 1 {
		t.Fatalf("Query: %d cases, %v", len(p.Cases), err)
	}
	p.Cases[0].Metadata["k"] = "z"
	p.Cases[0].Review.NextReviewAt.Day = 11
	if got := mustGet(t, s, "c1"); !sameContent(t, got, in) {
		t.Fatalf("store changed through a returned record: %s", encode(t, got))
	}
}

func testCaseOfEntity(t *testing.T, s storage.Store) {
	ctx := context.Background()
	rec := newRecord("c1", "")
	rec.Companies = []entity.Company{{ID: "co1"}, {ID: "co2"}}
	rec.Individuals = []entity.Individual{{ID: "in1"}}
	rec.Checks = []cases.Check{{ID: "ch1", Type: cases.CheckTypeAML, Status: cases.CheckStatusInProgress, CreatedAt: epoch, UpdatedAt: epoch}}
	created := mustCreate(t, s, rec)
	mustCreate(t, s, newRecord("c2", ""))
	for _, id := range []string{"co1", "co2", "in1", "ch1"} {
		if got, err := s.CaseOfEntity(ctx, id); err != nil || got != "c1" {
			t.Fatalf("CaseOfEntity(%s) = %q, %v", id, got, err)
		}
	}
	upd := created.Clone()
	upd.Companies = upd.Companies[:1]
	if _, err := s.Update(ctx, upd); err != nil {
		t.Fatal(err)
	}
	_, err := s.CaseOfEntity(ctx, "co2")
	wantErr(t, "CaseOfEntity(removed entity)", err, storage.ErrNotFound)
	if got, err := s.CaseOfEntity(ctx, "co1"); err != nil || got != "c1" {
		t.Fatalf("CaseOfEntity(co1) = %q, %v", got, err)
	}
	_, err = s.CaseOfEntity(ctx, "nope")
	wantErr(t, "CaseOfEntity(missing)", err, storage.ErrNotFound)
}

func testPagination(t *testing.T, s storage.Store) {
	ctx := context.Background()
	const n = 250
	for i := n - 1; i >= 0; i-- { // created out of order on purpose
		mustCreate(t, s, newRecord(fmt.Sprintf("case-%04d", i), ""))
	}
	for _, limit := range []int{1, 7, 100, 250, 1000} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			var ids []string
			q := storage.Query{Limit: limit}
			pages := 0
			for {
				p, err := s.Query(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				pages++
				if len(p.Cases) > limit {
					t.Fatalf("page of %d cases, limit %d", len(p.Cases), limit)
				}
				if p.Total != -1 {
					t.Fatalf("Total = %d without Count, want -1", p.Total)
				}
				for _, c := range p.Cases {
					ids = append(ids, c.ID)
				}
				if p.Next == "" {
					break
				}
				if pages > n+1 {
					t.Fatal("pagination does not end")
				}
				q.After = p.Next
			}
			if len(ids) != n {
				t.Fatalf("listed %d cases, want %d", len(ids), n)
			}
			for i, id := range ids {
				if want := fmt.Sprintf("case-%04d", i); id != want {
					t.Fatalf("ids[%d] = %s, want %s (ascending, each once)", i, id, want)
				}
			}
			if wantPages := (n + limit - 1) / limit; pages != wantPages && pages != wantPages+1 {
				t.Fatalf("%d pages, want %d", pages, wantPages)
			}
		})
	}
	var viaAll int
	for c, err := range storage.All(ctx, s, storage.Query{Limit: 9}) {
		if err != nil {
			t.Fatal(err)
		}
		if c.ID != fmt.Sprintf("case-%04d", viaAll) {
			t.Fatalf("All yielded %s at %d", c.ID, viaAll)
		}
		viaAll++
	}
	if viaAll != n {
		t.Fatalf("All yielded %d records, want %d", viaAll, n)
	}
}

func testStatusFilter(t *testing.T, s storage.Store) {
	ctx := context.Background()
	statuses := []cases.Status{cases.StatusOpen, cases.StatusDraft, cases.StatusApproved}
	for i := range 30 {
		r := newRecord(fmt.Sprintf("c%02d", i), "")
		r.Case.Status = statuses[i%3]
		mustCreate(t, s, r)
	}
	var got []string
	for c, err := range storage.All(ctx, s, storage.Query{Limit: 4, Statuses: []cases.Status{cases.StatusDraft, cases.StatusApproved}}) {
		if err != nil {
			t.Fatal(err)
		}
		if c.Status == cases.StatusOpen {
			t.Fatalf("filter returned open case %s", c.ID)
		}
		got = append(got, c.ID)
	}
	if len(got) != 20 {
		t.Fatalf("filter returned %d cases, want 20", len(got))
	}
}

func testListLimits(t *testing.T, s storage.Store) {
	ctx := context.Background()
	if _, err := s.Query(ctx, storage.Query{Limit: -1}); !errors.Is(err, validation.ErrInvalid) {
		t.Fatalf("negative limit: got %v, want a validation error", err)
	}
	for i := range storage.DefaultPageSize + 5 {
		mustCreate(t, s, newRecord(fmt.Sprintf("c%04d", i), ""))
	}
	p, err := s.Query(ctx, storage.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Cases) != storage.DefaultPageSize || p.Next == "" {
		t.Fatalf("default page: %d cases, next %q", len(p.Cases), p.Next)
	}
	p, err = s.Query(ctx, storage.Query{After: p.Next})
	if err != nil || len(p.Cases) != 5 || p.Next != "" {
		t.Fatalf("last page: %d cases, next %q, %v", len(p.Cases), p.Next, err)
	}
	end := storage.Query{}.CursorAfter(&cases.Case{ID: "zzz", CreatedAt: epoch})
	p, err = s.Query(ctx, storage.Query{After: end})
	if err != nil || len(p.Cases) != 0 || p.Next != "" {
		t.Fatalf("after the end: %d cases, next %q, %v", len(p.Cases), p.Next, err)
	}
	p, err = s.Query(ctx, storage.Query{Limit: storage.MaxPageSize + 1})
	if err != nil || len(p.Cases) != storage.DefaultPageSize+5 || p.Next != "" {
		t.Fatalf("limit above the maximum: %d cases, next %q, %v", len(p.Cases), p.Next, err)
	}
}

func testCanceledContext(t *testing.T, s storage.Store) {
	mustCreate(t, s, newRecord("c1", "e"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Create(ctx, newRecord("c2", ""))
	wantErr(t, "Create", err, context.Canceled)
	_, err = s.Get(ctx, "c1")
	wantErr(t, "Get", err, context.Canceled)
	_, err = s.GetByExternalID(ctx, "e")
	wantErr(t, "GetByExternalID", err, context.Canceled)
	_, err = s.Update(ctx, mustGet(t, s, "c1"))
	wantErr(t, "Update", err, context.Canceled)
	err = s.Delete(ctx, "c1", 1, epoch)
	wantErr(t, "Delete", err, context.Canceled)
	_, err = s.Query(ctx, storage.Query{})
	wantErr(t, "Query", err, context.Canceled)
	_, err = s.Events(ctx, "c1", 0, 0)
	wantErr(t, "Events", err, context.Canceled)
	_, err = s.PurgeEvents(ctx, epoch)
	wantErr(t, "PurgeEvents", err, context.Canceled)
	if _, err := s.Get(context.Background(), "c2"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("a canceled create stored a case: %v", err)
	}
}
