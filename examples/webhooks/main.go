// Command webhooks shows how a host application turns dossier's event
// outbox into signed webhooks: it starts a receiver on loopback, makes
// changes to a case, drains the pending events into POST requests signed
// in the Standard Webhooks scheme (package dossierhttp/webhook), and shows
// the receiver verifying each signature. (dossierhttp/webhook's Worker does
// all of this for a host, with the Dotfile API's envelope, retries and
// dead letters; this example shows the parts.) The
// receiver fails once on purpose, to show that an undelivered event stays
// pending and is delivered by the next drain (at-least-once delivery; the
// receiver de-duplicates by event id).
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/dossierhttp/webhook"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/storage/memory"
)

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

// receiver is the host's webhook endpoint: it verifies signatures and
// de-duplicates by event id.
type receiver struct {
	secret []byte
	mu     sync.Mutex
	seen   map[string]bool
	failN  int // fail the request with this number (1-based), once
	calls  int
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	if err != nil {
		http.Error(w, "read error", http.StatusBadRequest)
		return
	}
	if err := webhook.Verify([][]byte{r.secret}, req.Header, body, 0, time.Now()); err != nil {
		fmt.Println("receiver: bad signature, refused")
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var ev event.Event
	if err := json.Unmarshal(body, &ev); err != nil {
		http.Error(w, "bad event", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.calls == r.failN {
		fmt.Printf("receiver: %-28s signature ok, but the receiver is busy: 503\n", ev.Name())
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	if r.seen[ev.ID] {
		fmt.Printf("receiver: %-28s duplicate, ignored\n", ev.Name())
	} else {
		r.seen[ev.ID] = true
		fmt.Printf("receiver: %-28s signature ok (seq %d)\n", ev.Name(), ev.Seq)
	}
	w.WriteHeader(http.StatusNoContent)
}

func run(ctx context.Context) error {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return err
	}

	// The receiver, on loopback only.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	rcv := &receiver{secret: secret, seen: map[string]bool{}, failN: 4}
	srv := &http.Server{Handler: rcv, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }() // returns http.ErrServerClosed on Shutdown
	defer func() { _ = srv.Shutdown(ctx) }()
	url := "http://" + ln.Addr().String() + "/webhooks/dossier"

	// Changes to a case record events in the same save as the change.
	w, err := dossier.New(memory.New(), dossier.Settings{})
	if err != nil {
		return err
	}
	// Every event names who made the change: here an API client of the
	// host, identified by its key id.
	actx, err := dossier.WithActor(ctx, event.Actor{Type: event.ActorAPI, ID: "key-crm-sync"})
	if err != nil {
		return err
	}
	c, err := w.CreateCase(actx, dossier.CreateCaseInput{Name: "Acme Ltd onboarding"})
	if err != nil {
		return err
	}
	if _, err := w.UpdateCase(actx, c.ID, dossier.UpdateCaseInput{Metadata: patch.Value(cases.Metadata{"crm": "42"})}); err != nil {
		return err
	}
	if _, err := w.ReviewCase(actx, c.ID, dossier.ReviewInput{Status: cases.ReviewApproved, Comment: "verified"}); err != nil {
		return err
	}

	// The sender: one signed POST per event; any non-2xx answer is an error
	// that leaves the event pending.
	client := &http.Client{Timeout: 5 * time.Second}
	deliver := func(ctx context.Context, ev event.Event) error {
		body, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		webhook.SetHeaders(req.Header, [][]byte{secret}, ev.ID, time.Now(), body) // Standard Webhooks: id, timestamp, v1 signature
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("receiver answered %s", resp.Status)
		}
		return nil
	}

	for round := 1; ; round++ {
		n, err := w.Drain(ctx, deliver)
		fmt.Printf("sender: drain %d delivered %d events", round, n)
		if err != nil {
			fmt.Printf(", then stopped: %v\n", errors.Unwrap(err))
			continue
		}
		fmt.Println()
		break
	}

	// A forged request is refused.
	resp, err := client.Post(url, "application/json", bytes.NewReader([]byte(`{"type":"Case.Deleted"}`)))
	if err != nil {
		return err
	}
	resp.Body.Close()
	fmt.Println("sender: unsigned request answered", resp.Status)

	var trail []event.Event
	for ev, err := range w.Events(ctx, c.ID) {
		if err != nil {
			return err
		}
		trail = append(trail, ev)
	}
	fmt.Printf("audit trail of the case: %d events, by %s %s\n", len(trail), trail[0].Actor.Type, trail[0].Actor.ID)
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	for _, ev := range trail {
		if !rcv.seen[ev.ID] {
			return fmt.Errorf("event %s (%s) was never delivered", ev.ID, ev.Name())
		}
	}
	if pending, err := w.PendingEvents(ctx, 0, 0); err != nil || len(pending) != 0 {
		return fmt.Errorf("%d events still pending (%v)", len(pending), err)
	}
	return nil
}
