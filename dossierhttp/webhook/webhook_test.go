package webhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/dossierhttp/webhook"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage/memory"
)

// expected computes a v1 signature independently of the package.
func expected(secret, id, ts, body string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(id + "." + ts + "." + body))
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func TestSign(t *testing.T) {
	at := time.Unix(1700000000, 0)
	tests := []struct {
		name    string
		secrets []string
		id      string
		body    string
	}{
		{"one secret", []string{"s3cr3t"}, "msg_1", `{"event":"Case.Created"}`},
		{"rotation", []string{"old", "new"}, "evt-2", `{}`},
		{"empty body", []string{"k"}, "x", ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var secrets [][]byte
			var want []string
			for _, s := range tt.secrets {
				secrets = append(secrets, []byte(s))
				want = append(want, expected(s, tt.id, "1700000000", tt.body))
			}
			if got := webhook.Sign(secrets, tt.id, at, []byte(tt.body)); got != strings.Join(want, " ") {
				t.Errorf("Sign = %q, want %q", got, strings.Join(want, " "))
			}
		})
	}
}

func TestVerify(t *testing.T) {
	now := time.Unix(1700000000, 0)
	body := `{"event":"Case.Created"}`
	header := func(id, ts, sig string) http.Header {
		h := http.Header{}
		h.Set("webhook-id", id)
		h.Set("webhook-timestamp", ts)
		h.Set("webhook-signature", sig)
		return h
	}
	good := expected("new", "m1", "1700000000", body)
	tests := []struct {
		name    string
		secrets []string
		h       http.Header
		body    string
		want    error
	}{
		{"valid", []string{"new"}, header("m1", "1700000000", good), body, nil},
		{"valid among several signatures", []string{"new"}, header("m1", "1700000000", "v1,bm9wZQ== "+good), body, nil},
		{"old secret still accepted during rotation", []string{"old", "new"}, header("m1", "1700000000", good), body, nil},
		{"wrong secret", []string{"other"}, header("m1", "1700000000", good), body, webhook.ErrNoMatchingSignature},
		{"body changed", []string{"new"}, header("m1", "1700000000", good), body + " ", webhook.ErrNoMatchingSignature},
		{"id changed", []string{"new"}, header("m2", "1700000000", good), body, webhook.ErrNoMatchingSignature},
		{"other scheme version", []string{"new"}, header("m1", "1700000000", strings.Replace(good, "v1,", "v2,", 1)), body, webhook.ErrNoMatchingSignature},
		{"replayed 6 minutes later", []string{"new"}, header("m1", "1699999640", expected("new", "m1", "1699999640", body)), body, webhook.ErrOutsideTolerance},
		{"from the future", []string{"new"}, header("m1", "1700000400", expected("new", "m1", "1700000400", body)), body, webhook.ErrOutsideTolerance},
		{"4 minutes old is fine", []string{"new"}, header("m1", "1699999760", expected("new", "m1", "1699999760", body)), body, nil},
		{"bad timestamp", []string{"new"}, header("m1", "soon", good), body, webhook.ErrBadTimestamp},
		{"missing headers", []string{"new"}, http.Header{}, body, webhook.ErrMissingHeaders},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var secrets [][]byte
			for _, s := range tt.secrets {
				secrets = append(secrets, []byte(s))
			}
			if err := webhook.Verify(secrets, tt.h, []byte(tt.body), 0, now); !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestEventName(t *testing.T) {
	tests := []struct {
		e         event.Event
		name, sub string
	}{
		{event.Event{Type: event.CaseCreated}, "Case.Created", ""},
		{event.Event{Type: event.CaseUpdated, SubEvent: event.StatusUpdated}, "Case.Updated", "Case.StatusUpdated"},
		{event.Event{Type: event.CaseUpdated, SubEvent: event.ReviewUpdated}, "Case.ReviewUpdated", ""},
		{event.Event{Type: event.CheckApproved}, "Check.Approved", ""},
	}
	for _, tt := range tests {
		name, sub := webhook.EventName(tt.e)
		if name != tt.name || sub != tt.sub {
			t.Errorf("EventName(%s/%s) = %s, %s; want %s, %s", tt.e.Type, tt.e.SubEvent, name, sub, tt.name, tt.sub)
		}
	}
}

// receiver is an endpoint that fails the first failures calls, then
// answers 204, verifying every message.
type receiver struct {
	mu       sync.Mutex
	failures int
	bodies   []map[string]any
	ids      []string
	verified []error
}

func (rc *receiver) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var m map[string]any
	_ = json.Unmarshal(body, &m)
	rc.bodies = append(rc.bodies, m)
	rc.ids = append(rc.ids, r.Header.Get("webhook-id"))
	ts := r.Header.Get("webhook-timestamp")
	if r.Header.Get("webhook-signature") != expected("sec", r.Header.Get("webhook-id"), ts, string(body)) {
		rc.verified = append(rc.verified, errors.New("signature differs from the independent computation"))
	}
	if rc.failures > 0 {
		rc.failures--
		rw.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(rw, "try later")
		return
	}
	rw.WriteHeader(http.StatusNoContent)
}

func TestWorkerRetriesThenDelivers(t *testing.T) {
	ctx := context.Background()
	w, err := dossier.New(memory.New(), dossier.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.ReviewCase(ctx, c.ID, dossier.ReviewInput{Status: cases.ReviewApproved, Comment: "ok"}); err != nil {
		t.Fatal(err)
	}
	rc := &receiver{failures: 2}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	clock := time.Unix(1700000000, 0)
	now := func() time.Time { return clock }
	wk, err := webhook.NewWorker(w, []webhook.Endpoint{{ID: "crm", URL: srv.URL, Secrets: [][]byte{[]byte("sec")}}},
		webhook.Options{Workspace: webhook.Workspace{ID: "ws", Name: "Test"}, BaseDelay: time.Minute, MaxDelay: 3 * time.Minute, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	n, err := wk.RunOnce(ctx)
	if err != nil || n == 0 {
		t.Fatalf("RunOnce = %d, %v", n, err)
	}
	first := len(rc.bodies)
	if first < 3 || len(wk.Pending()) != 2 {
		t.Fatalf("after %d first attempts, two of them failing: %d pending", first, len(wk.Pending()))
	}
	// Not due yet: nothing is sent.
	clock = clock.Add(59 * time.Second)
	_, _ = wk.RunOnce(ctx)
	if len(rc.bodies) != first {
		t.Fatalf("a retry was sent before its backoff")
	}
	clock = clock.Add(time.Second)
	_, _ = wk.RunOnce(ctx)
	clock = clock.Add(2 * time.Minute)
	_, _ = wk.RunOnce(ctx)
	if p := wk.Pending(); len(p) != 0 {
		t.Fatalf("still pending: %+v", p)
	}
	for _, err := range rc.verified {
		t.Error(err)
	}
	// event_id and webhook-id are stable across retries, retry_count grows.
	byID := map[string][]float64{}
	for i, b := range rc.bodies {
		ctxm := b["context"].(map[string]any)
		if ctxm["event_id"] != rc.ids[i] {
			t.Errorf("event_id %v, webhook-id %s", ctxm["event_id"], rc.ids[i])
		}
		byID[rc.ids[i]] = append(byID[rc.ids[i]], ctxm["retry_count"].(float64))
		if ws := ctxm["workspace"].(map[string]any); ws["name"] != "Test" {
			t.Errorf("workspace %v", ws)
		}
	}
	names := map[string]bool{}
	for _, b := range rc.bodies {
		names[b["event"].(string)] = true
		if b["event"] == "Case.ReviewUpdated" && b["sub_event"] != nil {
			t.Errorf("Case.ReviewUpdated with a sub_event %v", b["sub_event"])
		}
		if b["case"] == nil {
			t.Errorf("no case object in %v", b)
		}
	}
	if !names["Case.Created"] || !names["Case.ReviewUpdated"] {
		t.Errorf("event names %v", names)
	}
	log := wk.Attempts()
	if len(log) != len(rc.bodies) {
		t.Errorf("%d attempts logged, %d received", len(log), len(rc.bodies))
	}
	if log[0].StatusCode != 503 || log[0].ResponseExcerpt != "try later" {
		t.Errorf("first attempt %+v", log[0])
	}
}

func TestWorkerDeadLetter(t *testing.T) {
	ctx := context.Background()
	w, err := dossier.New(memory.New(), dossier.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme"}); err != nil {
		t.Fatal(err)
	}
	rc := &receiver{failures: 100}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	clock := time.Unix(1700000000, 0)
	wk, err := webhook.NewWorker(w, []webhook.Endpoint{{ID: "down", URL: srv.URL, Secrets: [][]byte{[]byte("sec")}}},
		webhook.Options{MaxRetries: 2, BaseDelay: time.Second, MaxDelay: time.Second, Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		_, _ = wk.RunOnce(ctx)
		clock = clock.Add(time.Second)
	}
	if len(rc.bodies) != 3 {
		t.Errorf("%d attempts, want 3 (one and two retries)", len(rc.bodies))
	}
	dead := wk.DeadLetters()
	if len(dead) != 1 || dead[0].State != webhook.Dead || dead[0].Retries != 2 {
		t.Errorf("dead letters %+v", dead)
	}
	last := rc.bodies[len(rc.bodies)-1]["context"].(map[string]any)
	if last["remaining_retry_count"].(float64) != 0 || last["retry_count"].(float64) != 2 {
		t.Errorf("last attempt context %v", last)
	}
}

func TestBackoff(t *testing.T) {
	w, err := dossier.New(memory.New(), dossier.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	wk, err := webhook.NewWorker(w, nil, webhook.Options{BaseDelay: time.Second, MaxDelay: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for n, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 4: 5 * time.Second, 10: 5 * time.Second} {
		if got := wk.Backoff(n); got != want {
			t.Errorf("Backoff(%d) = %v, want %v", n, got, want)
		}
	}
}
