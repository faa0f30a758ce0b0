package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dossierkit/dossier/event"

	"github.com/dossierkit/dossier/storage"
)

// drainFunc returns the sequence numbers of the pending events after a
// number, ascending, up to some page size.
type drainFunc func(ctx context.Context, after uint64) ([]uint64, error)

// incrementalDrain is what a drainer does: read after the last number seen,
// remember what it saw. It fails t when a page is not ascending or goes
// back before after.
type incrementalDrain struct {
	t     *testing.T
	drain drainFunc
	after uint64
	seen  map[uint64]bool
}

func (d *incrementalDrain) step(ctx context.Context) int {
	seqs, err := d.drain(ctx, d.after)
	if err != nil {
		d.t.Error(err)
		return 0
	}
	for _, q := range seqs {
		if q <= d.after {
			d.t.Errorf("drain after %d returned %d", d.after, q)
		}
		d.after = q
		d.seen[q] = true
	}
	return len(seqs)
}

// skipped reads every pending number from 0 and returns those the
// incremental drainer never saw.
func (d *incrementalDrain) skipped(ctx context.Context) []uint64 {
	var out []uint64
	var after uint64
	for {
		seqs, err := d.drain(ctx, after)
		if err != nil {
			d.t.Fatal(err)
		}
		if len(seqs) == 0 {
			return out
		}
		for _, q := range seqs {
			if !d.seen[q] {
				out = append(out, q)
			}
			after = q
		}
	}
}

func storeDrain(s storage.Store) drainFunc {
	return func(ctx context.Context, after uint64) ([]uint64, error) {
		evs, err := s.PendingEvents(ctx, after, storage.MaxPageSize)
		if err != nil {
			return nil, err
		}
		out := make([]uint64, len(evs))
		for i, e := range evs {
			out[i] = e.Seq
		}
		return out, nil
	}
}

// TestDrainNeverSkips runs many writers saving events concurrently while a
// drainer resumes after the last number it saw: every event ends up seen,
// none is skipped by a later-numbered event committing first.
func TestDrainNeverSkips(t *testing.T) {
	s := newStore(t)
	pool := testPool(t)
	ctx := context.Background()
	const writers, perWriter = 12, 40
	for w := range writers {
		if _, err := s.Create(ctx, newRecord(fmt.Sprintf("w%d", w), ""), newEvent(fmt.Sprintf("w%d", w), -1)); err != nil {
			t.Fatal(err)
		}
	}
	d := &incrementalDrain{t: t, drain: storeDrain(s), seen: map[uint64]bool{}}
	var wg sync.WaitGroup
	done := make(chan struct{})
	for w := range writers {
		wg.Go(func() {
			id := fmt.Sprintf("w%d", w)
			for i := range perWriter {
				rec, err := s.Get(ctx, id)
				if err != nil {
					t.Error(err)
					return
				}
				rec.Case.Name = fmt.Sprintf("writer %d save %d", w, i)
				// Two events per save: a save's events are consecutive.
				evs := []event.Event{newEvent(id, 2*i), newEvent(id, 2*i+1)}
				if w%3 != 0 {
					if _, err := s.Update(ctx, rec, evs...); err != nil {
						t.Error(err)
						return
					}
					continue
				}
				// Every third writer saves in a host transaction that
				// commits a moment after its events are numbered: the
				// window a sequence-based store would skip events in.
				if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
					if _, err := s.WithTx(tx).Update(ctx, rec, evs...); err != nil {
						return err
					}
					time.Sleep(time.Millisecond)
					return nil
				}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	go func() { wg.Wait(); close(done) }()
	steps := 0
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		d.step(ctx)
		steps++
	}
	for d.step(ctx) > 0 {
	}
	if skipped := d.skipped(ctx); len(skipped) > 0 {
		t.Fatalf("the drainer skipped %d events: %v", len(skipped), skipped)
	}
	if want := writers * (1 + 2*perWriter); len(d.seen) != want {
		t.Fatalf("the drainer saw %d events, want %d", len(d.seen), want)
	}
	t.Logf("%d drain steps during the writes", steps)
}

// TestDrainCheckCatchesSequenceGap is the control of TestDrainNeverSkips:
// events numbered by a PostgreSQL sequence before commit, with a
// transaction holding number n committing after one holding n+1 was
// drained, are skipped, and the same check reports it.
func TestDrainCheckCatchesSequenceGap(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	table := pgx.Identifier{"naive_" + sanitize(newWorkspace("seq"))}.Sanitize()
	if _, err := pool.Exec(ctx, "CREATE TABLE "+table+" (seq bigserial PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Exec(context.Background(), "DROP TABLE "+table) })
	drain := func(ctx context.Context, after uint64) ([]uint64, error) {
		rows, _ := pool.Query(ctx, "SELECT seq FROM "+table+" WHERE seq > $1 ORDER BY seq LIMIT 1000", int64(after))
		return pgx.CollectRows(rows, func(r pgx.CollectableRow) (uint64, error) {
			var q int64
			err := r.Scan(&q)
			return uint64(q), err
		})
	}
	d := &incrementalDrain{t: t, drain: drain, seen: map[uint64]bool{}}

	// A takes number 1 and does not commit yet; B takes 2 and commits; the
	// drainer reads 2; then A commits.
	txA, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := txA.Exec(ctx, "INSERT INTO "+table+" DEFAULT VALUES"); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "INSERT INTO "+table+" DEFAULT VALUES"); err != nil {
		t.Fatal(err)
	}
	d.step(ctx)
	if err := txA.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	d.step(ctx)
	if got := d.skipped(ctx); !slices.Equal(got, []uint64{1}) {
		t.Fatalf("skipped = %v, want [1]: the check does not catch the gap", got)
	}
}

// TestDrainWaitsForEarlierNumbers shows the mechanism: while a host
// transaction holding a numbered event is open, a later write with a
// higher number commits without waiting, but a drain waits until the
// transaction ends, then returns both in number order.
func TestDrainWaitsForEarlierNumbers(t *testing.T) {
	s := newStore(t)
	pool := testPool(t)
	ctx := context.Background()
	for _, id := range []string{"a", "b"} {
		if _, err := s.Create(ctx, newRecord(id, "")); err != nil {
			t.Fatal(err)
		}
	}
	recA, _ := s.Get(ctx, "a")
	recB, _ := s.Get(ctx, "b")
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := s.WithTx(tx).Update(ctx, recA, newEvent("a", 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(ctx, recB, newEvent("b", 1)); err != nil {
		t.Fatalf("a write while another holds earlier numbers: %v", err)
	}
	drained := make(chan []event.Event, 1)
	go func() {
		evs, err := s.PendingEvents(ctx, 0, 0)
		if err != nil {
			t.Error(err)
		}
		drained <- evs
	}()
	select {
	case evs := <-drained:
		t.Fatalf("the drain returned %v while a transaction holding an earlier number was open", evs)
	case <-time.After(300 * time.Millisecond):
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	evs := <-drained
	if len(evs) != 2 || evs[0].CaseID != "a" || evs[1].CaseID != "b" || evs[0].Seq >= evs[1].Seq {
		t.Fatalf("drained %v, want a's event then b's, in number order", evs)
	}
}

// sanitize keeps the letters and digits of s, for a table name.
func sanitize(s string) string {
	b := []byte(s)[:0:0]
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b = append(b, c)
		} else {
			b = append(b, '_')
		}
	}
	return string(b)
}
