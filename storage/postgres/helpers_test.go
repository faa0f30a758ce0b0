package postgres_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
)

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// newRecord returns a record of case id with the given external id.
func newRecord(id, ext string) *storage.Record {
	return &storage.Record{Case: cases.Case{
		ID: id, ExternalID: ext, Name: "Case " + id, Status: cases.StatusOpen,
		Metadata:  cases.Metadata{"k": "v"},
		CreatedAt: epoch, UpdatedAt: epoch,
	}}
}

// newEvent returns an event of case caseID, its id made of the case id
// and n.
func newEvent(caseID string, n int) event.Event {
	return event.Event{
		ID: fmt.Sprintf("%s-e%d", caseID, n), CaseID: caseID, Type: event.CaseUpdated,
		SubEvent: event.InfoUpdated, ObjectID: caseID, At: epoch,
		Actor:   event.Actor{Type: event.ActorSystem, ID: "test"},
		Payload: json.RawMessage(fmt.Sprintf(`{"n":%d}`, n)),
	}
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// cursorAt returns the cursor of q after a case with this sort key and id.
func cursorAt(q storage.Query, key, id string) string {
	sort := q.Sort
	if sort == "" {
		sort = storage.SortCreatedAt
	}
	b, _ := json.Marshal(storage.Cursor{Sort: sort, Desc: q.Desc, Key: key, ID: id})
	return base64.RawURLEncoding.EncodeToString(b)
}
