package dossier_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage/memory"
	"github.com/dossierkit/dossier/validation"
)

// testClock is a clock that starts at a fixed time and advances one second
// on every read, so that created_at and updated_at differ predictably.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.now
	c.now = c.now.Add(time.Second)
	return t
}

// seqIDs returns a concurrency-safe id generator: id-1, id-2, ...
func seqIDs() func() string {
	var n atomic.Int64
	return func() string { return fmt.Sprintf("id-%d", n.Add(1)) }
}

func newWorkspace(t testing.TB, s dossier.Settings, opts ...dossier.Option) *dossier.Workspace {
	t.Helper()
	clock := newTestClock()
	opts = append([]dossier.Option{dossier.WithClock(clock.Now), dossier.WithIDGenerator(seqIDs())}, opts...)
	w, err := dossier.New(memory.New(), s, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// stored returns the JSON encoding of a case's whole stored record.
func stored(t testing.TB, w *dossier.Workspace, caseID string) []byte {
	t.Helper()
	rec, err := w.GetRecord(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// unchanged runs op, which must fail, and checks that the stored record of
// caseID is byte-for-byte what it was before.
func unchanged(t testing.TB, w *dossier.Workspace, caseID string, op func() error) error {
	t.Helper()
	before := stored(t, w, caseID)
	err := op()
	if err == nil {
		t.Fatal("operation succeeded, want an error")
	}
	if after := stored(t, w, caseID); !bytes.Equal(before, after) {
		t.Fatalf("a refused operation changed the stored case:\nbefore %s\nafter  %s", before, after)
	}
	return err
}

// wantProblem fails unless err is a *validation.Error with code at path.
func wantProblem(t testing.TB, err error, path string, code validation.Code) {
	t.Helper()
	var verr *validation.Error
	if !errors.As(err, &verr) {
		t.Fatalf("got %v, want a validation error", err)
	}
	if !verr.Has(path, code) {
		t.Fatalf("got %v, want %s at %q", verr, code, path)
	}
}

func newMemoryStore() *memory.Store { return memory.New() }

// allEvents returns the whole audit log of a case.
func allEvents(t testing.TB, w *dossier.Workspace, caseID string) []event.Event {
	t.Helper()
	var out []event.Event
	for e, err := range w.Events(context.Background(), caseID) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// collect returns the cases of an iterator, failing on any error.
func collect(t testing.TB, seq iter.Seq2[*cases.Case, error]) []cases.Case {
	t.Helper()
	var out []cases.Case
	for c, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, *c)
	}
	return out
}

// actorCtx returns a context naming actor, failing on an invalid one.
func actorCtx(t testing.TB, typ event.ActorType, id string) context.Context {
	t.Helper()
	ctx, err := dossier.WithActor(context.Background(), event.Actor{Type: typ, ID: id})
	if err != nil {
		t.Fatal(err)
	}
	return ctx
}

// backdatedClock is a testClock whose first read (a case's creation) is
// 2026-01-01, so that reviews may be back-dated to January: reviews cannot
// be dated before the case was created.
func backdatedClock() func() time.Time {
	c := newTestClock()
	first := true
	var mu sync.Mutex
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		if first {
			first = false
			return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		return c.Now()
	}
}
