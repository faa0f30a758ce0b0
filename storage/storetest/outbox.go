package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

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
	rec := newRecord("c1", "")
	rec.Events = []event.Event{newEvent("c1", "e1"), newEvent("c1", "e2")}
	created := mustCreate(t, s, rec)
	if len(created.Events) != 2 || created.Events[0].Seq == 0 || created.Events[1].Seq <= created.Events[0].Seq {
		t.Fatalf("created events not numbered in order: %+v", created.Events)
	}
	if rec.Events[0].Seq != 0 {
		t.Fatal("the store numbered the caller's record instead of its copy")
	}
	other := newRecord("c2", "")
	other.Events = []event.Event{newEvent("c2", "e3")}
	mustCreate(t, s, other)
	upd := created.Clone()
	upd.Events = append(upd.Events, newEvent("c1", "e4"))
	saved, err := s.Update(ctx, upd)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Events[0].Seq != created.Events[0].Seq || saved.Events[1].Seq != created.Events[1].Seq {
		t.Fatal("saved events were renumbered")
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
	if string(got[3].Payload) != `{"n":"e4"}` || got[3].CaseID != "c1" {
		t.Fatalf("event content changed: %+v", got[3])
	}
	if stored := mustGet(t, s, "c1"); stored.Events[2].Seq != got[3].Seq {
		t.Fatal("the record's audit trail and the outbox disagree on Seq")
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
	rec := newRecord("c1", "")
	for i := range n {
		rec.Events = append(rec.Events, newEvent("c1", fmt.Sprint("e", i)))
	}
	mustCreate(t, s, rec)
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
	// Acknowledged events stay in the case's audit trail.
	if got := mustGet(t, s, "c1"); len(got.Events) != n {
		t.Fatalf("audit trail has %d events, want %d", len(got.Events), n)
	}
}

func testOutboxRefusedWrite(t *testing.T, s storage.Store, o storage.Outbox) {
	ctx := context.Background()
	created := mustCreate(t, s, newRecord("c1", "taken"))
	mustCreate(t, s, newRecord("c2", ""))
	stale := created.Clone()
	stale.Version = 99
	stale.Events = append(stale.Events, newEvent("c1", "lost"))
	_, err := s.Update(ctx, stale)
	wantErr(t, "stale update", err, storage.ErrConflict)
	dup := newRecord("c3", "taken")
	dup.Events = []event.Event{newEvent("c3", "dup")}
	_, err = s.Create(ctx, dup)
	wantErr(t, "duplicate create", err, storage.ErrDuplicateExternalID)
	if got := drain(t, o, 0); len(got) != 0 {
		t.Fatalf("refused writes left pending events: %s", ids(got))
	}
}

func testOutboxSurvivesDelete(t *testing.T, s storage.Store, o storage.Outbox) {
	ctx := context.Background()
	rec := newRecord("c1", "")
	rec.Events = []event.Event{newEvent("c1", "e1")}
	created := mustCreate(t, s, rec)
	gone := newEvent("c1", "deleted")
	gone.Type, gone.SubEvent = event.CaseDeleted, ""
	err := s.Delete(ctx, "c1", created.Version+1, gone)
	wantErr(t, "stale delete", err, storage.ErrConflict)
	if got := drain(t, o, 0); ids(got) != "e1 " {
		t.Fatalf("a refused delete queued events: %q", ids(got))
	}
	if err := s.Delete(ctx, "c1", created.Version, gone); err != nil {
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
				rec.Events = append(rec.Events, newEvent(id, fmt.Sprintf("%s-%d", id, i)))
				if rec, err = s.Update(ctx, rec); err != nil {
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
