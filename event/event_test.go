package event_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/dossierkit/dossier/event"
)

func TestEventJSONRoundTrip(t *testing.T) {
	e := event.Event{ID: "e1", Seq: 7, CaseID: "c1", Type: event.CaseUpdated, SubEvent: event.FlagsUpdated,
		ObjectID: "c1", Actor: event.Actor{Type: event.ActorUser, ID: "u1"}, At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Payload: json.RawMessage(`{"id":"c1"}`)}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"e1","seq":7,"case_id":"c1","type":"Case.Updated","sub_event":"Case.FlagsUpdated","object_id":"c1","actor":{"type":"user","id":"u1"},"at":"2026-01-02T03:04:05Z","payload":{"id":"c1"}}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	var back event.Event
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Name() != "Case.FlagsUpdated" || string(back.Payload) != `{"id":"c1"}` || !back.At.Equal(e.At) {
		t.Fatalf("round trip: %+v", back)
	}
	c := e.Clone()
	c.Payload[2] = 'X'
	if string(e.Payload) != `{"id":"c1"}` {
		t.Fatal("Clone shares the payload")
	}
	if (event.Event{Type: event.CheckApproved}).Name() != "Check.Approved" {
		t.Fatal("Name of a typed event")
	}
}
