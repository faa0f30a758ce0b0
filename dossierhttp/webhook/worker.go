package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/dossierhttp"
	"github.com/dossierkit/dossier/event"
)

// Defaults of Options.
const (
	DefaultMaxRetries = 4 // as the Dotfile API: 5 attempts in all
	DefaultBaseDelay  = 30 * time.Second
	DefaultMaxDelay   = 30 * time.Minute
	DefaultTimeout    = 10 * time.Second
	// ExcerptBytes is how much of an endpoint's answer an Attempt keeps.
	ExcerptBytes = 1024
)

// Workspace is the workspace object of the envelope's context.
type Workspace struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Context is the envelope's context: event_id is the event's id, the same
// on every attempt; retry_count is 0 on the first attempt.
type Context struct {
	Timestamp           int64     `json:"timestamp"`
	EventID             string    `json:"event_id"`
	RetryCount          int       `json:"retry_count"`
	RemainingRetryCount int       `json:"remaining_retry_count"`
	Workspace           Workspace `json:"workspace"`
}

// EventName returns the webhook event name and sub-event of e, as the
// Dotfile API names them: Case.Updated with its sub-event, except that a
// review change is the event Case.ReviewUpdated (without sub-event).
func EventName(e event.Event) (name, subEvent string) {
	if e.Type == event.CaseUpdated && e.SubEvent == event.ReviewUpdated {
		return string(event.ReviewUpdated), ""
	}
	return string(e.Type), string(e.SubEvent)
}

// Envelope returns the webhook body of e: {event, sub_event (Case.Updated
// only), context, case|company|individual|check}, the object completed as
// the API answers it (dossierhttp.WireObject).
func Envelope(e event.Event, c Context) ([]byte, error) {
	name, sub := EventName(e)
	kind, _, _ := strings.Cut(string(e.Type), ".")
	obj, err := dossierhttp.WireObject(kind, e.CaseID, e.Payload)
	if err != nil {
		return nil, err
	}
	body := map[string]any{"event": name, "context": c, strings.ToLower(kind): obj}
	if sub != "" {
		body["sub_event"] = sub
	}
	return json.Marshal(body)
}

// Endpoint is a receiver of webhooks.
type Endpoint struct {
	// ID names the endpoint in the attempt log.
	ID string
	// URL receives a POST per attempt.
	URL string
	// Secrets sign every message (one signature each): keep the old secret
	// beside the new one during a rotation.
	Secrets [][]byte
	// Events, when not empty, are the event names the endpoint receives
	// (EventName); empty means all.
	Events []string
}

// Options configure a Worker.
type Options struct {
	// Workspace is the workspace the envelope's context names.
	Workspace Workspace
	// MaxRetries is the number of retries after the first attempt
	// (DefaultMaxRetries when 0; negative means none).
	MaxRetries int
	// BaseDelay is the delay before the first retry, doubled for each
	// next one up to MaxDelay (defaults DefaultBaseDelay, DefaultMaxDelay).
	BaseDelay, MaxDelay time.Duration
	// Client sends the requests (http.DefaultClient when nil); Timeout
	// bounds each attempt (DefaultTimeout when 0).
	Client  *http.Client
	Timeout time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// State is where a delivery stands.
type State string

// Delivery states.
const (
	Pending   State = "pending"   // waiting for its next attempt
	Delivered State = "delivered" // an attempt got a 2xx answer
	Dead      State = "dead"      // the last retry failed (dead letter)
)

// Attempt is one try to deliver one event to one endpoint.
type Attempt struct {
	EndpointID string
	EventID    string
	RetryCount int
	At         time.Time
	Duration   time.Duration
	// StatusCode is the endpoint's answer, 0 when none came (Error says
	// why).
	StatusCode int
	Error      string
	// ResponseExcerpt is the start of the answer's body, at most
	// ExcerptBytes.
	ResponseExcerpt string
}

// Delivery is one event for one endpoint.
type Delivery struct {
	EndpointID string
	Event      event.Event
	State      State
	// Retries is how many retries were made; NextAt is when the next
	// attempt is due (Pending only).
	Retries int
	NextAt  time.Time
}

// Worker delivers the events of a Workspace's outbox to endpoints. RunOnce
// takes the pending events (Workspace.Drain), makes the first attempt for
// every endpoint, and keeps the failed ones to retry with exponential
// backoff; after the last retry a delivery is dead (a dead letter) and
// stays readable with DeadLetters. Attempts returns the log of attempts.
//
// An event leaves the outbox once every endpoint has had its first
// attempt: retries after that are held by the Worker in memory, so a
// process that stops loses the retries it had not made yet (the attempt log
// says which). A Worker is safe for concurrent use.
type Worker struct {
	w         *dossier.Workspace
	endpoints []Endpoint
	opts      Options

	mu       sync.Mutex
	queue    []*Delivery
	dead     []Delivery
	attempts []Attempt
}

// NewWorker returns a Worker over the outbox of w.
func NewWorker(w *dossier.Workspace, endpoints []Endpoint, opts Options) (*Worker, error) {
	if w == nil {
		return nil, errors.New("webhook: nil workspace")
	}
	for i, e := range endpoints {
		if e.URL == "" || len(e.Secrets) == 0 {
			return nil, fmt.Errorf("webhook: endpoint %d needs a URL and at least one secret", i)
		}
	}
	if opts.MaxRetries == 0 {
		opts.MaxRetries = DefaultMaxRetries
	} else if opts.MaxRetries < 0 {
		opts.MaxRetries = 0
	}
	if opts.BaseDelay <= 0 {
		opts.BaseDelay = DefaultBaseDelay
	}
	if opts.MaxDelay <= 0 {
		opts.MaxDelay = DefaultMaxDelay
	}
	if opts.Client == nil {
		opts.Client = http.DefaultClient
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Worker{w: w, endpoints: slices.Clone(endpoints), opts: opts}, nil
}

// Backoff is the delay before retry n (1 for the first retry): BaseDelay
// doubled n-1 times, at most MaxDelay.
func (wk *Worker) Backoff(n int) time.Duration {
	d := wk.opts.BaseDelay
	for i := 1; i < n && d < wk.opts.MaxDelay; i++ {
		d *= 2
	}
	return min(d, wk.opts.MaxDelay)
}

// RunOnce drains the outbox (first attempts) and then makes the retries
// that are due. It returns how many events it took from the outbox.
func (wk *Worker) RunOnce(ctx context.Context) (int, error) {
	n, err := wk.w.Drain(ctx, func(ctx context.Context, e event.Event) error {
		name, _ := EventName(e)
		for _, ep := range wk.endpoints {
			if len(ep.Events) > 0 && !slices.Contains(ep.Events, name) {
				continue
			}
			d := &Delivery{EndpointID: ep.ID, Event: e, State: Pending}
			wk.attempt(ctx, ep, d)
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	wk.retryDue(ctx)
	return n, nil
}

// Run calls RunOnce every interval until ctx ends.
func (wk *Worker) Run(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := wk.RunOnce(ctx); err != nil && ctx.Err() == nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// retryDue makes the retries whose time has come.
func (wk *Worker) retryDue(ctx context.Context) {
	now := wk.opts.Now()
	wk.mu.Lock()
	var due []*Delivery
	kept := wk.queue[:0]
	for _, d := range wk.queue {
		if !d.NextAt.After(now) {
			due = append(due, d)
		} else {
			kept = append(kept, d)
		}
	}
	wk.queue = kept
	wk.mu.Unlock()
	for _, d := range due {
		for _, ep := range wk.endpoints {
			if ep.ID == d.EndpointID {
				wk.attempt(ctx, ep, d)
			}
		}
	}
}

// attempt makes one attempt of d and files the outcome: delivered, queued
// for its next retry, or dead.
func (wk *Worker) attempt(ctx context.Context, ep Endpoint, d *Delivery) {
	now := wk.opts.Now()
	a := Attempt{EndpointID: ep.ID, EventID: d.Event.ID, RetryCount: d.Retries, At: now}
	body, err := Envelope(d.Event, Context{Timestamp: now.Unix(), EventID: d.Event.ID, RetryCount: d.Retries,
		RemainingRetryCount: wk.opts.MaxRetries - d.Retries, Workspace: wk.opts.Workspace})
	ok := false
	if err == nil {
		ok = wk.send(ctx, ep, d.Event.ID, now, body, &a)
	} else {
		a.Error = "encoding the body: " + err.Error()
	}
	wk.mu.Lock()
	defer wk.mu.Unlock()
	wk.attempts = append(wk.attempts, a)
	switch {
	case ok:
		d.State = Delivered
	case d.Retries >= wk.opts.MaxRetries:
		d.State = Dead
		wk.dead = append(wk.dead, *d)
	default:
		d.Retries++
		d.NextAt = now.Add(wk.Backoff(d.Retries))
		wk.queue = append(wk.queue, d)
	}
}

// send posts one signed message and records the answer in a.
func (wk *Worker) send(ctx context.Context, ep Endpoint, id string, now time.Time, body []byte, a *Attempt) bool {
	ctx, cancel := context.WithTimeout(ctx, wk.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(body))
	if err != nil {
		a.Error = err.Error()
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	SetHeaders(req.Header, ep.Secrets, id, now, body)
	start := time.Now()
	resp, err := wk.opts.Client.Do(req)
	a.Duration = time.Since(start)
	if err != nil {
		a.Error = err.Error()
		return false
	}
	defer resp.Body.Close()
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, ExcerptBytes))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	a.StatusCode = resp.StatusCode
	a.ResponseExcerpt = string(excerpt)
	return resp.StatusCode >= 200 && resp.StatusCode < 300
}

// Attempts returns a copy of the attempt log, oldest first.
func (wk *Worker) Attempts() []Attempt {
	wk.mu.Lock()
	defer wk.mu.Unlock()
	return slices.Clone(wk.attempts)
}

// Pending returns copies of the deliveries waiting for a retry.
func (wk *Worker) Pending() []Delivery {
	wk.mu.Lock()
	defer wk.mu.Unlock()
	out := make([]Delivery, 0, len(wk.queue))
	for _, d := range wk.queue {
		out = append(out, *d)
	}
	return out
}

// DeadLetters returns copies of the deliveries whose last retry failed.
func (wk *Worker) DeadLetters() []Delivery {
	wk.mu.Lock()
	defer wk.mu.Unlock()
	return slices.Clone(wk.dead)
}
