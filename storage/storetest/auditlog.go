package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/validation"
)

var auditLogTests = []struct {
	name string
	fn   func(t *testing.T, s storage.Store)
}{
	{"AuditLogAppend", testAuditLogAppend},
	{"AuditLogRefusedWrites", testAuditLogRefusedWrites},
	{"AuditLogPaging", testAuditLogPaging},
	{"AuditLogOutlivesDelete", testAuditLogOutlivesDelete},
	{"PurgeEvents", testPurgeEvents},
	{"AuditLogAgreesWithOutbox", testAuditLogAgreesWithOutbox},
	{"AuditLogCopyInOut", testAuditLogCopyInOut},
}

// richEvent returns an event with every field set: an actor, changed
// fields with previous and next values, a nanosecond time and a payload.
func richEvent(caseID, id string) event.Event {
	return event.Event{
		ID: id, CaseID: caseID, Type: event.CaseUpdated, SubEvent: event.InfoUpdated, ObjectID: caseID,
		Actor: event.Actor{Type: event.ActorUser, ID: "user-7"},
		At:    epoch.Add(123456789 * time.Nanosecond),
		Changes: []event.FieldChange{
			{Name: "name", Previous: json.RawMessage(`"old"`), Next: json.RawMessage(`"new ` + id + `"`)},
			{Name: "relations.r1.ownership_percentage", Previous: json.RawMessage(`null`), Next: json.RawMessage(`"10.0"`)},
		},
		Payload: json.RawMessage(`{"id":"` + caseID + `","event":"` + id + `"}`),
	}
}

// eventJSON is the JSON of e without its Seq: what a store must keep of
// an event it was given.
func eventJSON(t *testing.T, e event.Event) string {
	t.Helper()
	e.Seq = 0
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatalf("marshal event: %v", err)
	}
	return string(b)
}

// caseEvents returns the whole audit log of a case, page by page.
func caseEvents(t *testing.T, s storage.Store, caseID string, limit int) []event.Event {
	t.Helper()
	var all []event.Event
	var after uint64
	for {
		page, err := s.Events(context.Background(), caseID, after, limit)
		if err != nil {
			t.Fatalf("Events(%s): %v", caseID, err)
		}
		if len(page) == 0 {
			return all
		}
		if limit > 0 && len(page) > limit {
			t.Fatalf("Events page of %d, limit %d", len(page), limit)
		}
		all = append(all, page...)
		after = page[len(page)-1].Seq
	}
}

// sameEvents fails unless got holds the events of want, in order, numbered
// with strictly increasing Seqs, each as given apart from its Seq.
func sameEvents(t *testing.T, what string, got, want []event.Event) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d events (%s), want %d (%s)", what, len(got), ids(got), len(want), ids(want))
	}
	for i := range got {
		if got[i].Seq == 0 || (i > 0 && got[i].Seq <= got[i-1].Seq) {
			t.Fatalf("%s: event %d has Seq %d after %d: not numbered in order", what, i, got[i].Seq, got[max(i-1, 0)].Seq)
		}
		if g, w := eventJSON(t, got[i]), eventJSON(t, want[i]); g != w {
			t.Fatalf("%s: event %d is\n%s\nwant\n%s", what, i, g, w)
		}
	}
}

func testAuditLogAppend(t *testing.T, s storage.Store) {
	ctx := context.Background()
	e1, e2, e3 := richEvent("c1", "e1"), richEvent("c1", "e2"), richEvent("c1", "e3")
	created, err := s.Create(ctx, newRecord("c1", ""), e1, e2)
	if err != nil {
		t.Fatal(err)
	}
	sameEvents(t, "after create", caseEvents(t, s, "c1", 0), []event.Event{e1, e2})
	upd := created.Clone()
	upd.Case.Name = "renamed"
	v2, err := s.Update(ctx, upd, e3)
	if err != nil {
		t.Fatal(err)
	}
	v3, err := s.Update(ctx, v2) // a write without events appends none
	if err != nil {
		t.Fatal(err)
	}
	sameEvents(t, "after updates", caseEvents(t, s, "c1", 0), []event.Event{e1, e2, e3})
	gone := richEvent("c1", "gone")
	gone.Type, gone.SubEvent, gone.Changes = event.CaseDeleted, "", nil
	if err := s.Delete(ctx, "c1", v3.Version, epoch, gone); err != nil {
		t.Fatal(err)
	}
	sameEvents(t, "after delete", caseEvents(t, s, "c1", 0), []event.Event{e1, e2, e3, gone})
	// Other cases' logs are their own.
	if _, err := s.Create(ctx, newRecord("c2", ""), richEvent("c2", "x")); err != nil {
		t.Fatal(err)
	}
	sameEvents(t, "other case", caseEvents(t, s, "c2", 0), []event.Event{richEvent("c2", "x")})
	if got := caseEvents(t, s, "c1", 0); len(got) != 4 {
		t.Fatalf("c1 has %d events after a write to c2, want 4", len(got))
	}
}

// testAuditLogRefusedWrites checks that a refused write appends nothing to
// the audit log and the outbox, and changes no record.
func testAuditLogRefusedWrites(t *testing.T, s storage.Store) {
	ctx := context.Background()
	c1, err := s.Create(ctx, newRecord("c1", "taken"), richEvent("c1", "ok1"))
	if err != nil {
		t.Fatal(err)
	}
	c2, err := s.Create(ctx, newRecord("c2", "mine"), richEvent("c2", "ok2"))
	if err != nil {
		t.Fatal(err)
	}
	before := drain(t, s, 0)
	dupExt := c2.Clone()
	dupExt.Case.ExternalID = "taken"
	stale := c1.Clone()
	stale.Version++
	stale.Case.Name = "lost"
	refused := []struct {
		name   string
		target error
		write  func() error
	}{
		{"create with an existing id", storage.ErrConflict, func() error {
			_, err := s.Create(ctx, newRecord("c1", ""), richEvent("c1", "bad"))
			return err
		}},
		{"create with a taken external id", storage.ErrDuplicateExternalID, func() error {
			_, err := s.Create(ctx, newRecord("c3", "taken"), richEvent("c3", "bad"))
			return err
		}},
		{"update to a taken external id", storage.ErrDuplicateExternalID, func() error {
			_, err := s.Update(ctx, dupExt, richEvent("c2", "bad"))
			return err
		}},
		{"update at a stale version", storage.ErrConflict, func() error {
			_, err := s.Update(ctx, stale, richEvent("c1", "bad"))
			return err
		}},
		{"update of a missing case", storage.ErrNotFound, func() error {
			_, err := s.Update(ctx, newRecord("c9", ""), richEvent("c9", "bad"))
			return err
		}},
		{"delete at a stale version", storage.ErrConflict, func() error {
			return s.Delete(ctx, "c1", c1.Version+1, epoch, richEvent("c1", "bad"))
		}},
		{"delete of a missing case", storage.ErrNotFound, func() error {
			return s.Delete(ctx, "c9", 1, epoch, richEvent("c9", "bad"))
		}},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, tt.name, tt.write(), tt.target)
			for _, id := range []string{"c1", "c2", "c3", "c9"} {
				for _, e := range caseEvents(t, s, id, 0) {
					if e.ID == "bad" {
						t.Fatalf("the refused write appended %s to the audit log of %s", e.ID, id)
					}
				}
			}
			if after := drain(t, s, 0); ids(after) != ids(before) {
				t.Fatalf("pending events changed from %q to %q", ids(before), ids(after))
			}
			if got := mustGet(t, s, "c1"); got.Version != c1.Version || !sameContent(t, got, c1) {
				t.Fatalf("c1 changed: %s", encode(t, got))
			}
			if got := mustGet(t, s, "c2"); got.Version != c2.Version || !sameContent(t, got, c2) {
				t.Fatalf("c2 changed: %s", encode(t, got))
			}
		})
	}
	// The sequence goes on after refused writes.
	if _, err := s.Update(ctx, c1, richEvent("c1", "ok3")); err != nil {
		t.Fatal(err)
	}
	log := caseEvents(t, s, "c1", 0)
	if ids(log) != "ok1 ok3 " || log[1].Seq <= before[len(before)-1].Seq {
		t.Fatalf("c1 log after refused writes = %q (%+v)", ids(log), log)
	}
}

func testAuditLogPaging(t *testing.T, s storage.Store) {
	ctx := context.Background()
	create := func(id string, n int) []event.Event {
		t.Helper()
		evs := make([]event.Event, n)
		for i := range evs {
			evs[i] = newEvent(id, fmt.Sprint("e", i))
		}
		if _, err := s.Create(ctx, newRecord(id, ""), evs...); err != nil {
			t.Fatal(err)
		}
		return evs
	}
	small := create("small", 25)
	for _, limit := range []int{1, 7, 25, 100} {
		sameEvents(t, fmt.Sprintf("limit %d", limit), caseEvents(t, s, "small", limit), small)
	}
	first, err := s.Events(ctx, "small", 0, 3)
	if err != nil || ids(first) != "e0 e1 e2 " {
		t.Fatalf("the first 3 events: %q, %v", ids(first), err)
	}
	mid, err := s.Events(ctx, "small", first[2].Seq, 3)
	if err != nil || ids(mid) != "e3 e4 e5 " {
		t.Fatalf("after the 3rd event: %q, %v", ids(mid), err)
	}
	big := create("big", storage.MaxPageSize+5)
	sameEvents(t, "limit MaxPageSize", caseEvents(t, s, "big", storage.MaxPageSize), big)
	page, err := s.Events(ctx, "big", 0, 0)
	if err != nil || len(page) != storage.DefaultPageSize {
		t.Fatalf("limit 0: %d events, %v; want DefaultPageSize (%d)", len(page), err, storage.DefaultPageSize)
	}
	page, err = s.Events(ctx, "big", 0, storage.MaxPageSize+1)
	if err != nil || len(page) != storage.MaxPageSize {
		t.Fatalf("limit above the maximum: %d events, %v; want MaxPageSize (%d)", len(page), err, storage.MaxPageSize)
	}
	_, err = s.Events(ctx, "small", 0, -1)
	var verr *validation.Error
	if !errors.As(err, &verr) || !errors.Is(err, validation.ErrInvalid) {
		t.Fatalf("negative limit: got %v, want a *validation.Error", err)
	}
	end, err := s.Events(ctx, "small", page[len(page)-1].Seq+1e6, 0)
	if err != nil || len(end) != 0 {
		t.Fatalf("after the end: %d events, %v", len(end), err)
	}
	none, err := s.Events(ctx, "never-existed", 0, 0)
	if err != nil || len(none) != 0 {
		t.Fatalf("a case that never existed: %d events, %v; want none and no error", len(none), err)
	}
}

func testAuditLogOutlivesDelete(t *testing.T, s storage.Store) {
	ctx := context.Background()
	created, err := s.Create(ctx, newRecord("c1", ""), richEvent("c1", "e1"))
	if err != nil {
		t.Fatal(err)
	}
	gone := newEvent("c1", "gone")
	gone.Type, gone.SubEvent = event.CaseDeleted, ""
	if err := s.Delete(ctx, "c1", created.Version, epoch, gone); err != nil {
		t.Fatal(err)
	}
	pending := drain(t, s, 0)
	if err := s.AckEvents(ctx, pending[0].Seq, pending[1].Seq); err != nil {
		t.Fatal(err)
	}
	sameEvents(t, "deleted and acknowledged", caseEvents(t, s, "c1", 0), []event.Event{richEvent("c1", "e1"), gone})
	// A case created again with the same id continues the same log.
	if _, err := s.Create(ctx, newRecord("c1", ""), richEvent("c1", "again")); err != nil {
		t.Fatal(err)
	}
	sameEvents(t, "created again", caseEvents(t, s, "c1", 0), []event.Event{richEvent("c1", "e1"), gone, richEvent("c1", "again")})
}

// testPurgeEvents checks that PurgeEvents removes the events of the cases
// deleted strictly before the time, from the audit log and the outbox, and
// nothing else.
func testPurgeEvents(t *testing.T, s storage.Store) {
	ctx := context.Background()
	t1, t2, t3 := epoch, epoch.Add(24*time.Hour), epoch.Add(48*time.Hour)
	mk := func(id string, n int) *storage.Record {
		t.Helper()
		evs := make([]event.Event, n)
		for i := range evs {
			evs[i] = newEvent(id, fmt.Sprintf("%s-%d", id, i))
		}
		rec, err := s.Create(ctx, newRecord(id, ""), evs...)
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	old, later, live, boundary := mk("old", 3), mk("later", 2), mk("live", 4), mk("boundary", 1)
	if err := s.Delete(ctx, "old", old.Version, t1, newEvent("old", "old-gone")); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "later", later.Version, t3, newEvent("later", "later-gone")); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "boundary", boundary.Version, t2, newEvent("boundary", "boundary-gone")); err != nil {
		t.Fatal(err)
	}
	_ = live
	// Acknowledged events are purged from the log too, and counted.
	if err := s.AckEvents(ctx, caseEvents(t, s, "old", 0)[0].Seq); err != nil {
		t.Fatal(err)
	}
	n, err := s.PurgeEvents(ctx, t2)
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Fatalf("PurgeEvents removed %d events, want the 4 of the case deleted before the time", n)
	}
	for id, want := range map[string]int{"old": 0, "later": 3, "live": 4, "boundary": 2} {
		if got := caseEvents(t, s, id, 0); len(got) != want {
			t.Fatalf("audit log of %s has %d events after the purge, want %d", id, len(got), want)
		}
	}
	for _, e := range drain(t, s, 0) {
		if e.CaseID == "old" {
			t.Fatalf("the purged event %s is still pending", e.ID)
		}
	}
	if pending := drain(t, s, 0); len(pending) != 3+4+2 {
		t.Fatalf("%d events pending after the purge, want 9: %s", len(pending), ids(pending))
	}
	if n, err := s.PurgeEvents(ctx, t2); err != nil || n != 0 {
		t.Fatalf("a second purge removed %d events, %v; want 0", n, err)
	}
	if n, err := s.PurgeEvents(ctx, t2.Add(time.Nanosecond)); err != nil || n != 2 {
		t.Fatalf("purge just after the boundary removed %d events, %v; want 2", n, err)
	}
	if got := mustGet(t, s, "live"); got.Version != 1 {
		t.Fatalf("purge changed a live case: %s", encode(t, got))
	}
}

// testAuditLogAgreesWithOutbox checks that the union of every case's audit
// log is exactly what the outbox holds before any acknowledgement.
func testAuditLogAgreesWithOutbox(t *testing.T, s storage.Store) {
	ctx := context.Background()
	recs := map[string]*storage.Record{}
	var all []event.Event
	for round := range 4 {
		for _, id := range []string{"a", "b", "c"} {
			e := richEvent(id, fmt.Sprintf("%s%d", id, round))
			var err error
			if rec := recs[id]; rec == nil {
				recs[id], err = s.Create(ctx, newRecord(id, ""), e)
			} else {
				recs[id], err = s.Update(ctx, rec, e)
			}
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, e)
		}
	}
	pending := drain(t, s, 3)
	sameEvents(t, "outbox", pending, all)
	bySeq := map[uint64]event.Event{}
	for _, e := range pending {
		bySeq[e.Seq] = e
	}
	for _, id := range []string{"a", "b", "c"} {
		for _, e := range caseEvents(t, s, id, 2) {
			p, ok := bySeq[e.Seq]
			if !ok || eventJSON(t, p) != eventJSON(t, e) || e.CaseID != id {
				t.Fatalf("audit log event %+v of %s is not the outbox's %+v", e, id, p)
			}
			delete(bySeq, e.Seq)
		}
	}
	if len(bySeq) != 0 {
		t.Fatalf("%d pending events are in no case's audit log", len(bySeq))
	}
}

func testAuditLogCopyInOut(t *testing.T, s storage.Store) {
	ctx := context.Background()
	given := richEvent("c1", "e1")
	want := eventJSON(t, richEvent("c1", "e1"))
	if _, err := s.Create(ctx, newRecord("c1", ""), given); err != nil {
		t.Fatal(err)
	}
	given.Payload[2] = 'X'
	given.Changes[0].Previous[1] = 'X'
	given.Changes[1].Name = "X"
	given.Actor.ID = "X"
	got := caseEvents(t, s, "c1", 0)
	if eventJSON(t, got[0]) != want {
		t.Fatalf("mutating a given event changed the store:\n%s\nwant\n%s", eventJSON(t, got[0]), want)
	}
	got[0].Payload[2] = 'Y'
	got[0].Changes[0].Next[1] = 'Y'
	got[0].Changes[1].Name = "Y"
	pend := drain(t, s, 0)
	pend[0].Payload[2] = 'Z'
	pend[0].Changes[0].Previous[1] = 'Z'
	if g := eventJSON(t, caseEvents(t, s, "c1", 0)[0]); g != want {
		t.Fatalf("mutating a returned event changed the audit log:\n%s\nwant\n%s", g, want)
	}
	if g := eventJSON(t, drain(t, s, 0)[0]); g != want {
		t.Fatalf("mutating a returned event changed the outbox:\n%s\nwant\n%s", g, want)
	}
}
