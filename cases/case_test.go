package cases_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/customprop"
)

// TestCaseWireShape checks the member names of the API's case object and the
// null encodings of unset optional members.
func TestCaseWireShape(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := cases.Case{ID: "c1", Name: "Acme", Status: cases.StatusOpen, CreatedAt: at, UpdatedAt: at, LastActivityAt: at}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "external_id", "name", "status", "metadata", "contact_has_actions",
		"reviewer_has_actions", "flags", "risk", "review", "created_at", "updated_at",
		"assignee_id", "tags", "last_activity_at"} {
		if _, ok := m[k]; !ok {
			t.Errorf("member %q missing from %s", k, b)
		}
	}
	if string(m["tags"]) != "[]" {
		t.Errorf("tags = %s, want []", m["tags"])
	}
	for _, k := range []string{"external_id", "risk", "review", "assignee_id"} {
		if string(m[k]) != "null" {
			t.Errorf("%s = %s, want null", k, m[k])
		}
	}
	if string(m["created_at"]) != `"2026-01-02T03:04:05Z"` {
		t.Errorf("created_at = %s", m["created_at"])
	}

	comment := "ok"
	next := cases.Date{Year: 2027, Month: 1, Day: 2}
	c.ExternalID = "crm-1"
	c.AssigneeID = "user-7"
	c.Tags = []string{"t1", "t2"}
	c.Metadata = cases.Metadata{"a": "b"}
	c.CustomProperties = customprop.Values{} // nil encodes as {} and decodes empty
	c.Review = &cases.Review{ID: "r1", Status: cases.ReviewApproved, Comment: &comment, ReviewerType: cases.ReviewerUser, ReviewedAt: at, NextReviewAt: &next}
	b, _ = json.Marshal(c)
	wantReview := `"review":{"id":"r1","status":"approved","comment":"ok","reviewer_type":"user","reviewed_at":"2026-01-02T03:04:05Z","next_review_at":"2027-01-02"}`
	if !strings.Contains(string(b), wantReview) || !strings.Contains(string(b), `"external_id":"crm-1"`) ||
		!strings.Contains(string(b), `"assignee_id":"user-7","tags":["t1","t2"]`) {
		t.Fatalf("got %s", b)
	}
	var back cases.Case
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, c) {
		t.Fatalf("round trip:\n%+v\nwant\n%+v", back, c)
	}
}

func TestCaseClone(t *testing.T) {
	comment := "x"
	next := cases.Date{Year: 2027, Month: 1, Day: 2}
	c := cases.Case{Metadata: cases.Metadata{"a": "1"}, Review: &cases.Review{Comment: &comment, NextReviewAt: &next}}
	d := c.Clone()
	d.Metadata["a"] = "2"
	*d.Review.Comment = "y"
	d.Review.NextReviewAt.Day = 9
	if c.Metadata["a"] != "1" || *c.Review.Comment != "x" || c.Review.NextReviewAt.Day != 2 {
		t.Fatal("Clone shares memory with the original")
	}
}

// TestCaseEmptyMapsJSON checks that a case without metadata or custom
// property values has {} for them, whether its maps are nil or empty, so
// that a case reads back with the same JSON from every store.
func TestCaseEmptyMapsJSON(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name    string
		md      cases.Metadata
		want    string
		wantMap int // keys of the metadata decoded back
	}{
		{"nil maps", nil, `{}`, 0},
		{"empty maps", cases.Metadata{}, `{}`, 0},
		{"one key", cases.Metadata{"a": "b"}, `{"a":"b"}`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cases.Case{ID: "c1", Name: "Acme", Status: cases.StatusOpen, Metadata: tt.md, CreatedAt: at, UpdatedAt: at}
			if tt.md != nil {
				c.CustomProperties = customprop.Values{}
			}
			b, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			if string(m["metadata"]) != tt.want || string(m["custom_properties"]) != `{}` {
				t.Fatalf("metadata = %s, custom_properties = %s; want %s and {}", m["metadata"], m["custom_properties"], tt.want)
			}
			var back cases.Case
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if len(back.Metadata) != tt.wantMap {
				t.Fatalf("decoded metadata %v, want %d keys", back.Metadata, tt.wantMap)
			}
			again, err := json.Marshal(back)
			if err != nil {
				t.Fatal(err)
			}
			if string(again) != string(b) {
				t.Fatalf("JSON changed in a round trip:\n%s\nwant\n%s", again, b)
			}
		})
	}
}
