package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/validation"
)

var outboxTests = []struct {
	name string
	fn   func(t *testing.T, s storage.Store, o storage.Outbox)
}{
	{"OutboxSequence", testOutboxSequence},
	{"OutboxPagingAndAck", testOutboxPagingAndAck},
	{"OutboxRefusedWrite", testOutboxRefusedWrite},
	{"OutboxSurvivesDelete", testOutboxSurvivesDelete},
	{"OutboxConcurrentSaves", testOutboxConcurrentSaves},
	{"OutboxConcurrentDrain", testOutboxConcurrentDrain},
}

func newEvent(caseID, id string) event.Event {
	return event.Event{ID: id, CaseID: caseID, Type: event.CaseUpdated, SubEvent: event.InfoUpdated,
		ObjectID: caseID, At: epoch, Payload: json.RawMessage(`{"n":"` + id + `"}`)}
}

// drain returns every pending event, page by page.
func drain(t *testing.T, o storage.Outbox, limit int) []event.Event {
	t.Helper()
	var all []event.Event
	var after uint64
	for {
		page, err := o.PendingEvents(context.Background(), after, limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return all
		}
		if limit > 0 && len(page) > limit {
			t.Fatalf("page of %d events, limit %d", len(page), limit)
		}
		all = append(all, page...)
		after = page[len(page)-1].Seq
	}
}

func ids(evs []event.Event) string {
	s := ""
	for _, e := range evs {
		s += e.ID + " "
	}
	return s
}

func testOutboxSequence(t *testing.T, s storage.Store, o storage.Outbox) {
	ctx := context.Background()
	given := []event.Event{newEvent("c1", "e1"), newEvent("c1", "e2")}
	created, err := s.Create(ctx, newRecord("c1", ""), given...)
	if err != nil {
		t.Fatal(err)
	}
	if given[0].Seq != 0 || given[1].Seq != 0 {
		t.Fatal("the store numbered the caller's events instead of its copies")
	}
	if _, err := s.Create(ctx, newRecord("c2", ""), newEvent("c2", "e3")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(ctx, created, newEvent("c1", "e4")); err != nil {
		t.Fatal(err)
	}
	got := drain(t, o, 0)
	if ids(got) != "e1 e2 e3 e4 " {
		t.Fatalf("pending = %s, want e1 e2 e3 e4 in save order", ids(got))
	}
	for i := 1; i < len(got); i++ {
		if got[i].Seq <= got[i-1].Seq {
			t.Fatalf("pending events not in ascending Seq: %+v", got)
		}
	}
	if got[0].Seq == 0 {
		t.Fatal("events were not numbered")
	}
	if string(got[3].Payload) != `{"n":"e4"}` || got[3].CaseID != "c1" {
		t.Fatalf("event content changed: %+v", got[3])
	}
	log, err := s.Events(ctx, "c1", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if ids(log) != "e1 e2 e4 " || log[0].Seq != got[0].Seq || log[1].Seq != got[1].Seq || log[2].Seq != got[3].Seq {
		t.Fatalf("the audit log (%+v) and the outbox (%+v) disagree", log, got)
	}
	got[0].Payload[1] = 'X' // copy out
	if again := drain(t, o, 0); string(again[0].Payload) != `{"n":"e1"}` {
		t.Fatal("mutating a pending event changed the store")
	}
	if _, err := o.PendingEvents(ctx, 0, -1); !errors.Is(err, validation.ErrInvalid) {
		t.Fatalf("negative limit: got %v, want a validation error", err)
	}
}

func testOutboxPagingAndAck(t *testing.T, s storage.Store, o storage.Outbox) {
	ctx := context.Background()
	const n = 23
	var evs []event.Event
	for i := range n {
		evs = append(evs, newEvent("c1", fmt.Sprint("e", i)))
	}
	if _, err := s.Create(ctx, newRecord("c1", ""), evs...); err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{1, 5, 23, 100} {
		if got := drain(t, o, limit); len(got) != n {
			t.Fatalf("limit %d: drained %d events, want %d", limit, len(got), n)
		}
	}
	all := drain(t, o, 0)
	var acks []uint64
	for i := 0; i < n; i += 2 {
		acks = append(acks, all[i].Seq)
	}
	if err := o.AckEvents(ctx, acks...); err != nil {
		t.Fatal(err)
	}
	if err := o.AckEvents(ctx, append(acks, 999999)...); err != nil { // again, plus an unknown one
		t.Fatal(err)
	}
	rest := drain(t, o, 4)
	if len(rest) != n/2 {
		t.Fatalf("%d pending after acks, want %d", len(rest), n/2)
	}
	for i, e := range rest {
		if e.ID != fmt.Sprint("e", 2*i+1) {
			t.Fatalf("pending[%d] = %s, want e%d", i, e.ID, 2*i+1)
		}
	}
	// Acknowledged events stay in the case's audit log.
	if log, err := s.Events(ctx, "c1", 0, 0); err != nil || len(log) != n {
		t.Fatalf("audit log has %d events (%v), want %d", len(log), err, n)
	}
}

func testOutboxRefusedWrite(t *testing.T, s storage.Store, o storage.Outbox) {
	ctx := context.Background()
	created := mustCreate(t, s, newRecord("c1", "taken"))
	mustCreate(t, s, newRecord("c2", ""))
	stale := created.Clone()
	stale.Version = 99
	_, err := s.Update(ctx, stale, newEvent("c1", "lost"))
	wantErr(t, "stale update", err, storage.ErrConflict)
	_, err = s.Create(ctx, newRecord("c3", "taken"), newEvent("c3", "dup"))
	wantErr(t, "duplicate create", err, storage.ErrDuplicateExternalID)
	if got := drain(t, o, 0); len(got) != 0 {
		t.Fatalf("refused writes left pending events: %s", ids(got))
	}
	for _, id := range []string{"c1", "c3"} {
		if log, err := s.Events(ctx, id, 0, 0); err != nil || len(log) != 0 {
			t.Fatalf("refused writes left events in the audit log of %s: %s, %v", id, ids(log), err)
		}
	}
}

func testOutboxSurvivesDelete(t *testing.T, s storage.Store, o storage.Outbox) {
	ctx := context.Background()
	created, err := s.Create(ctx, newRecord("c1", ""), newEvent("c1", "e1"))
	if err != nil {
		t.Fatal(err)
	}
	gone := newEvent("c1", "deleted")
	gone.Type, gone.SubEvent = event.CaseDeleted, ""
	err = s.Delete(ctx, "c1", created.Version+1, epoch, gone)
	wantErr(t, "stale delete", err, storage.ErrConflict)
	if got := drain(t, o, 0); ids(got) != "e1 " {
		t.Fatalf("a refused delete queued events: %q", ids(got))
	}
	if err := s.Delete(ctx, "c1", created.Version, epoch, gone); err != nil {
		t.Fatal(err)
	}
	got := drain(t, o, 0)
	if ids(got) != "e1 deleted " {
		t.Fatalf("pending after delete = %q, want e1 then the deletion event", ids(got))
	}
	if got[1].Seq <= got[0].Seq || got[1].Type != event.CaseDeleted || string(got[1].Payload) != `{"n":"deleted"}` {
		t.Fatalf("deletion event %+v", got[1])
	}
	if err := o.AckEvents(ctx, got[0].Seq, got[1].Seq); err != nil {
		t.Fatal(err)
	}
	if got := drain(t, o, 0); len(got) != 0 {
		t.Fatalf("pending after ack = %q", ids(got))
	}
	if log, err := s.Events(ctx, "c1", 0, 0); err != nil || ids(log) != "e1 deleted " {
		t.Fatalf("audit log after delete and ack = %q, %v; want e1 deleted", ids(log), err)
	}
}

func testOutboxConcurrentSaves(t *testing.T, s storage.Store, o storage.Outbox) {
	ctx := context.Background()
	const workers, each = 6, 10
	var wg sync.WaitGroup
	errc := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprint("c", w)
			rec, err := s.Create(ctx, newRecord(id, ""))
			if err != nil {
				errc <- err
				return
			}
			for i := range each {
				if rec, err = s.Update(ctx, rec, newEvent(id, fmt.Sprintf("%s-%d", id, i))); err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	got := drain(t, o, 7)
	if len(got) != workers*each {
		t.Fatalf("%d pending events, want %d", len(got), workers*each)
	}
	seen := map[uint64]bool{}
	last := map[string]int{}
	for _, e := range got {
		if seen[e.Seq] {
			t.Fatalf("Seq %d given twice", e.Seq)
		}
		seen[e.Seq] = true
		var w, i int
		fmt.Sscanf(e.ID, "c%d-%d", &w, &i)
		if prev, ok := last[e.CaseID]; ok && i <= prev {
			t.Fatalf("events of %s out of order: %d after %d", e.CaseID, i, prev)
		}
		last[e.CaseID] = i
	}
}

// testOutboxConcurrentDrain runs a drainer while writers save: the drainer
// pages PendingEvents from the last Seq it saw and acknowledges what it
// read, as a relay to a message broker would. Once the writers stop and a
// final drain from the same position ends, the drainer must have seen
// every committed event exactly once, Seqs strictly increasing, and each
// case's events in the order of its versions. An adapter whose sequence
// numbers are taken before commit, without closing the gap, fails here:
// a later-numbered change that commits first moves the drainer past an
// earlier number still in flight, which is then never delivered.
func testOutboxConcurrentDrain(t *testing.T, s storage.Store, o storage.Outbox) {
	ctx := context.Background()
	const shared, updaters, each, creators, creates = 4, 8, 25, 2, 15
	for i := range shared {
		id := fmt.Sprint("c", i)
		if _, err := s.Create(ctx, newRecord(id, ""), newEvent(id, id+"-v1")); err != nil {
			t.Fatal(err)
		}
	}
	type seen struct {
		events []event.Event
		err    error
	}
	stop := make(chan struct{})
	done := make(chan seen, 1)
	go func() {
		var got seen
		var last uint64
		stopping := false
		for {
			page, err := o.PendingEvents(ctx, last, 5)
			if err != nil {
				got.err = err
				done <- got
				return
			}
			seqs := make([]uint64, len(page))
			for i, e := range page {
				if e.Seq <= last {
					got.err = fmt.Errorf("event %s has Seq %d after %d", e.ID, e.Seq, last)
					done <- got
					return
				}
				last, seqs[i] = e.Seq, e.Seq
			}
			got.events = append(got.events, page...)
			if err := o.AckEvents(ctx, seqs...); err != nil {
				got.err = err
				done <- got
				return
			}
			if len(page) > 0 {
				continue
			}
			if stopping {
				done <- got
				return
			}
			select {
			case <-stop:
				stopping = true // one more pass from the same position
			case <-time.After(100 * time.Microsecond):
			}
		}
	}()

	var mu sync.Mutex
	committed := map[string]bool{}
	for i := range shared {
		committed[fmt.Sprintf("c%d-v1", i)] = true
	}
	var wg sync.WaitGroup
	errc := make(chan error, updaters+creators)
	for w := range updaters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprint("c", w%shared)
			for range each {
				for {
					rec, err := s.Get(ctx, id)
					if err != nil {
						errc <- err
						return
					}
					evID := fmt.Sprintf("%s-v%d", id, rec.Version+1)
					rec.Case.Metadata["w"] = evID
					if _, err = s.Update(ctx, rec, newEvent(id, evID)); err == nil {
						mu.Lock()
						committed[evID] = true
						mu.Unlock()
						break
					} else if !errors.Is(err, storage.ErrConflict) {
						errc <- err
						return
					}
				}
			}
		}()
	}
	for w := range creators {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range creates {
				id := fmt.Sprintf("n%d-%02d", w, i)
				rec, err := s.Create(ctx, newRecord(id, ""), newEvent(id, id+"-v1"))
				if err != nil {
					errc <- err
					return
				}
				mu.Lock()
				committed[id+"-v1"] = true
				mu.Unlock()
				if i%2 == 0 {
					if err := s.Delete(ctx, id, rec.Version, epoch, newEvent(id, id+"-v2")); err != nil {
						errc <- err
						return
					}
					mu.Lock()
					committed[id+"-v2"] = true
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	got := <-done
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	if got.err != nil {
		t.Fatalf("drainer: %v", got.err)
	}
	count := map[string]int{}
	version := map[string]int{}
	for _, e := range got.events {
		count[e.ID]++
		var v int
		if i := strings.LastIndex(e.ID, "-v"); i < 0 || !committed[e.ID] {
			t.Fatalf("the drainer saw %s, which no committed write carried", e.ID)
		} else {
			v, _ = strconv.Atoi(e.ID[i+2:])
		}
		if v <= version[e.CaseID] {
			t.Fatalf("events of %s out of version order: %s after version %d", e.CaseID, e.ID, version[e.CaseID])
		}
		version[e.CaseID] = v
	}
	var missing []string
	for id := range committed {
		if count[id] != 1 {
			missing = append(missing, fmt.Sprintf("%s seen %d times", id, count[id]))
		}
	}
	if len(missing) > 0 {
		left := drain(t, o, 0)
		t.Fatalf("%d of %d committed events not delivered exactly once (%d still pending, skipped by the drainer): %v",
			len(missing), len(committed), len(left), missing[:min(len(missing), 10)])
	}
}
