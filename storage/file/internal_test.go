package file

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/storage"
)

var ctx = context.Background()

func rec(id, ext string, checkIDs ...string) *storage.Record {
	r := &storage.Record{Case: cases.Case{ID: id, ExternalID: ext, Name: "case " + id, Status: cases.StatusOpen}}
	for _, c := range checkIDs {
		r.Checks = append(r.Checks, cases.Check{ID: c, Type: cases.CheckTypeAML, Status: cases.CheckStatusInProgress})
	}
	return r
}

func open(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// dieDuringCommit performs the first steps of a commit of le through s, as
// a writer that is killed afterwards would: the audit frame (holding one
// event, "dead-ev") and the log entry are durable; the record file is
// written (renamed, removed) only when landFile. Then s forgets its
// in-memory state, as the dead process's would be gone.
func dieDuringCommit(t *testing.T, s *Store, le func(gen uint64) *logEntry, file *storage.Record, landFile bool) {
	t.Helper()
	if err := s.beginWrite(ctx, "test"); err != nil {
		t.Fatal(err)
	}
	defer s.endWrite()
	e := le(s.idx.gen + 1)
	evs := []event.Event{{ID: "dead-ev", CaseID: e.ID, Type: event.CaseUpdated, Payload: json.RawMessage(`{}`)}}
	e.EvSeq = s.number(evs)
	af := &auditFrame{Op: e.Op, Events: evs}
	if _, err := s.stage(e, af); err != nil {
		t.Fatal(err)
	}
	if err := s.logf.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := s.auditf.Sync(); err != nil {
		t.Fatal(err)
	}
	if landFile {
		var data []byte
		if file != nil {
			var err error
			if data, err = encodeRecord(file, e.Entry.Version, e.Gen); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.writeRecord(e, data); err != nil {
			t.Fatal(err)
		}
	}
	s.loaded = false
}

// eventIDsOf returns the ids of the events of case id and of the pending
// events, as seen by s.
func eventIDsOf(t *testing.T, s *Store, id string) (string, string) {
	t.Helper()
	evs, err := s.Events(ctx, id, 0, 0)
	if err != nil {
		t.Fatalf("Events(%s): %v", id, err)
	}
	pend, err := s.PendingEvents(ctx, 0, 0)
	if err != nil {
		t.Fatalf("PendingEvents: %v", err)
	}
	ids := func(evs []event.Event) string {
		var out []string
		for _, e := range evs {
			out = append(out, e.ID)
		}
		return strings.Join(out, ",")
	}
	return ids(evs), ids(pend)
}

// TestDeadWriter: a commit whose writer died after the log entry is
// invisible when the record file was not renamed, and complete when it was,
// for readers and writers of every Store, and the index stays exact.
func TestDeadWriter(t *testing.T) {
	tests := []struct {
		name   string
		le     func(gen uint64) *logEntry
		file   *storage.Record
		landed bool
		// after the dead commit: what lookups must give
		wantA   string // external id of case a ("" = none)
		wantX   bool   // case x exists
		wantExt string // an external id that must resolve to a
	}{
		{
			name: "create not landed",
			le: func(g uint64) *logEntry {
				return &logEntry{Gen: g, Op: opPut, ID: "x", Entry: entryOf(rec("x", "ext-x", "x-ch"), 1, g)}
			},
			file: rec("x", "ext-x", "x-ch"), landed: false, wantX: false, wantExt: "ext-a",
		},
		{
			name: "create landed",
			le: func(g uint64) *logEntry {
				return &logEntry{Gen: g, Op: opPut, ID: "x", Entry: entryOf(rec("x", "ext-x", "x-ch"), 1, g)}
			},
			file: rec("x", "ext-x", "x-ch"), landed: true, wantX: true, wantExt: "ext-a",
		},
		{
			name: "update not landed",
			le: func(g uint64) *logEntry {
				return &logEntry{Gen: g, Op: opPut, ID: "a", Entry: entryOf(rec("a", "ext-a2", "a-ch2"), 2, g)}
			},
			file: rec("a", "ext-a2", "a-ch2"), landed: false, wantExt: "ext-a",
		},
		{
			name: "update landed",
			le: func(g uint64) *logEntry {
				return &logEntry{Gen: g, Op: opPut, ID: "a", Entry: entryOf(rec("a", "ext-a2", "a-ch2"), 2, g)}
			},
			file: rec("a", "ext-a2", "a-ch2"), landed: true, wantExt: "ext-a2",
		},
		{
			name:   "delete not landed",
			le:     func(g uint64) *logEntry { return &logEntry{Gen: g, Op: opDelete, ID: "a"} },
			landed: false, wantExt: "ext-a",
		},
		{
			name:   "delete landed",
			le:     func(g uint64) *logEntry { return &logEntry{Gen: g, Op: opDelete, ID: "a"} },
			landed: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			w := open(t, dir)
			deadCase := tt.le(1).ID
			r := open(t, dir) // a reader that cached the index before
			if _, err := w.Create(ctx, rec("a", "ext-a", "a-ch")); err != nil {
				t.Fatal(err)
			}
			if _, err := r.CaseOfEntity(ctx, "a-ch"); err != nil {
				t.Fatal(err)
			}
			dieDuringCommit(t, w, tt.le, tt.file, tt.landed)

			check := func(who string, s *Store) {
				t.Helper()
				_, err := s.GetByExternalID(ctx, "ext-x")
				if got := err == nil; got != tt.wantX {
					t.Errorf("%s: GetByExternalID(ext-x) = %v, want found=%v", who, err, tt.wantX)
				}
				_, err = s.CaseOfEntity(ctx, "x-ch")
				if got := err == nil; got != tt.wantX {
					t.Errorf("%s: CaseOfEntity(x-ch) = %v, want found=%v", who, err, tt.wantX)
				}
				if tt.wantExt != "" {
					if got, err := s.GetByExternalID(ctx, tt.wantExt); err != nil || got.Case.ID != "a" {
						t.Errorf("%s: GetByExternalID(%s) = %v, %v", who, tt.wantExt, got, err)
					}
				} else if _, err := s.CaseOfEntity(ctx, "a-ch"); !errors.Is(err, storage.ErrNotFound) {
					t.Errorf("%s: deleted case still indexed: %v", who, err)
				}
				if err := s.Verify(ctx); err != nil {
					t.Errorf("%s: Verify: %v", who, err)
				}
				// The events of the dead commit are in the audit log
				// exactly when the commit landed.
				evs, pend := eventIDsOf(t, s, deadCase)
				if got := strings.Contains(evs, "dead-ev"); got != tt.landed {
					t.Errorf("%s: events of %s = %q, want dead-ev: %v", who, deadCase, evs, tt.landed)
				}
				if got := strings.Contains(pend, "dead-ev"); got != tt.landed {
					t.Errorf("%s: pending = %q, want dead-ev: %v", who, pend, tt.landed)
				}
			}
			// The reader sees the truth before any writer repaired the log.
			check("reader before repair", r)
			// A writer (here a new Store) repairs, then writes on.
			// (A rebuild: the dead commit's frame is found by the scan of
			// the audit log and checked against its record file.)
			w2, err := Open(dir, Options{Rebuild: true})
			if err != nil {
				t.Fatal(err)
			}
			defer w2.Close()
			check("new store", w2)
			yev := event.Event{ID: "y-ev", CaseID: "y", Type: event.CaseCreated, Payload: json.RawMessage(`{}`)}
			if _, err := w2.Create(ctx, rec("y", "ext-y"), yev); err != nil {
				t.Fatal(err)
			}
			if evs, _ := eventIDsOf(t, r, "y"); evs != "y-ev" {
				t.Errorf("events of y after the repair = %q", evs)
			}
			check("reader after repair", r)
			check("dead writer's store", w)
			// Creating what did not land works; the repaired log reloads.
			if !tt.wantX {
				if _, err := w.Create(ctx, rec("x", "ext-x", "x-ch")); err != nil {
					t.Fatalf("Create(x) after the dead create: %v", err)
				}
			}
			for _, opts := range []Options{{}, {Rebuild: true}} {
				w3, err := Open(dir, opts)
				if err != nil {
					t.Fatal(err)
				}
				defer w3.Close()
				if err := w3.Verify(ctx); err != nil {
					t.Fatalf("Verify after reopen %+v: %v", opts, err)
				}
				if evs, _ := eventIDsOf(t, w3, deadCase); strings.Contains(evs, "dead-ev") != tt.landed {
					t.Errorf("after reopen %+v: events of %s = %q", opts, deadCase, evs)
				}
			}
		})
	}
}

// TestReaderRebuildsInMemory: a reader that finds the index damaged (and may
// not write) answers from the record files; the next writer repairs the
// files.
func TestReaderRebuildsInMemory(t *testing.T) {
	dir := t.TempDir()
	w := open(t, dir)
	r := open(t, dir)
	if _, err := w.Create(ctx, rec("a", "ext-a", "a-ch")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(w.dir+"/"+snapName, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(w.dir+"/"+logName, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Announce the change as the writer that made it would.
	lockf, err := os.OpenFile(w.dir+"/"+lockName, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer lockf.Close()
	if err := (&Store{lockf: lockf}).bumpSeq(); err != nil {
		t.Fatal(err)
	}
	if got, err := r.GetByExternalID(ctx, "ext-a"); err != nil || got.Case.ID != "a" {
		t.Fatalf("reader: %v, %v", got, err)
	}
	if r.diskOK {
		t.Fatal("reader thinks the index on disk is sound")
	}
	if _, err := w.Create(ctx, rec("b", "ext-b")); err != nil {
		t.Fatal(err)
	}
	if _, err := readSnapshot(w.dir + "/" + snapName); err != nil {
		t.Fatalf("writer did not rewrite the snapshot: %v", err)
	}
	for _, s := range []*Store{r, w} {
		if got, err := s.GetByExternalID(ctx, "ext-b"); err != nil || got.Case.ID != "b" {
			t.Fatalf("after repair: %v, %v", got, err)
		}
		if err := s.Verify(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRecordFormat pins the documented header layout.
func TestRecordFormat(t *testing.T) {
	data, err := encodeRecord(rec("id-1", ""), 7, 42)
	if err != nil {
		t.Fatal(err)
	}
	if string(data[:8]) != "DOSSREC\n" || data[8] != 1 || data[9] != 0 || data[12] != 4 || data[16] != 42 || data[24] != 7 {
		t.Fatalf("header bytes % x", data[:48])
	}
	if string(data[40:44]) != "id-1" || data[48] != '{' {
		t.Fatalf("case id or body misplaced: %q", data[40:49])
	}
	got, h, err := decodeRecord(data)
	if err != nil || got.Case.ID != "id-1" || got.Version != 7 || h.gen != 42 {
		t.Fatalf("decode: %+v %+v %v", got, h, err)
	}
	if name := recordName("id-1"); !isRecordName(name) || len(name) != 68 {
		t.Fatalf("recordName = %q", name)
	}
}

// TestSummaryMatchesCase: the case an index entry describes (entry.stub)
// gives storage.Query.Matches and SortKey exactly what the stored case
// gives, for random cases and random queries, through the entry's JSON (as
// the snapshot and the log keep it).
func TestSummaryMatchesCase(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	statuses := []cases.Status{cases.StatusDraft, cases.StatusOpen, cases.StatusApproved, cases.StatusRejected, cases.StatusClosed}
	levels := []risk.Level{risk.LevelNotDefined, risk.LevelLow, risk.LevelMedium, risk.LevelHigh, risk.LevelCritical, risk.LevelProhibited}
	allFlags := []cases.Flag{cases.FlagAllChecksApproved, cases.FlagForReview, cases.FlagForFirstCollect, cases.FlagForRecollection, cases.FlagFirstCollectCompleted}
	names := []string{"Ärzte GmbH", "ärzte gmbh", "ACME", "acme ltd", "Σίσυφος", "", "x"}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("CET", 3600))
	randTime := func() time.Time {
		return base.Add(time.Duration(rnd.IntN(1000)) * time.Hour).Add(time.Duration(rnd.IntN(3)))
	}
	randDate := func() cases.Date { return cases.DateOf(base.AddDate(0, 0, rnd.IntN(60))) }
	bools := []bool{false, true}
	for i := range 2000 {
		c := cases.Case{ID: fmt.Sprintf("c%d", rnd.IntN(50)), ExternalID: []string{"", "e1", "e2"}[rnd.IntN(3)],
			Name: names[rnd.IntN(len(names))], Status: statuses[rnd.IntN(len(statuses))],
			ContactHasActions: bools[rnd.IntN(2)], ReviewerHasActions: bools[rnd.IntN(2)], CreatedAt: randTime(), UpdatedAt: randTime()}
		for _, f := range allFlags {
			if rnd.IntN(2) == 0 {
				c.Flags = c.Flags.With(f)
			}
		}
		tagSet := []string{"t1", "t2", "t3"}
		for _, tg := range tagSet {
			if rnd.IntN(2) == 0 {
				c.Tags = append(c.Tags, tg)
			}
		}
		c.AssigneeID = []string{"", "u1", "u2"}[rnd.IntN(3)]
		if rnd.IntN(5) == 0 {
			at := randTime()
			c.DeletedAt = &at
		}
		switch rnd.IntN(3) {
		case 1:
			c.Risk = &risk.Risk{Level: levels[rnd.IntN(len(levels))]}
		case 2:
			c.Risk = &risk.Risk{}
		}
		switch rnd.IntN(3) {
		case 1:
			d := randDate()
			c.Review = &cases.Review{NextReviewAt: &d}
		case 2:
			c.Review = &cases.Review{}
		}
		js, err := json.Marshal(entryOf(&storage.Record{Case: c}, 1, 1))
		if err != nil {
			t.Fatal(err)
		}
		var e entry
		if err := json.Unmarshal(js, &e); err != nil {
			t.Fatal(err)
		}
		stub := e.stub(c.ID)
		q := storage.Query{Sort: sortFields[rnd.IntN(4)], Desc: rnd.IntN(2) == 0}
		switch rnd.IntN(12) {
		case 8:
			q.TagsAll = []string{tagSet[rnd.IntN(3)], tagSet[rnd.IntN(3)]}
		case 9:
			q.TagsNone = []string{tagSet[rnd.IntN(3)]}
			q.TagsAny = []string{tagSet[rnd.IntN(3)], tagSet[rnd.IntN(3)]}
		case 10:
			q.AssigneeID = []string{"u1", "u2"}[rnd.IntN(2)]
		case 11:
			q.Unassigned = true
		case 0:
			q.Statuses = []cases.Status{statuses[rnd.IntN(len(statuses))], statuses[rnd.IntN(len(statuses))]}
		case 1:
			q.Flags = cases.NewFlags(allFlags[rnd.IntN(len(allFlags))])
		case 2:
			q.ContactHasActions = &bools[rnd.IntN(2)]
			q.ReviewerHasActions = &bools[rnd.IntN(2)]
		case 3:
			q.RiskLevels = []risk.Level{levels[rnd.IntN(len(levels))]}
		case 4:
			q.NextReview = storage.DateRange{From: randDate()}
		case 5:
			q.CreatedAt = storage.TimeRange{From: randTime()}
			q.UpdatedAt = storage.TimeRange{To: randTime()}
		case 6:
			q.ExternalID = "e1"
		case 7:
			q.NameContains = []string{"ÄRZTE", "acme", "σ", "z"}[rnd.IntN(4)]
		}
		if got, want := q.Matches(stub), q.Matches(&c); got != want {
			t.Fatalf("case %d: %+v: Matches on the summary = %v, on the case %v (query %+v)", i, c, got, want, q)
		}
		for _, f := range sortFields {
			if got, want := e.sortKey(c.ID, f), (storage.Query{Sort: f}).SortKey(&c); got != want {
				t.Fatalf("case %d: sort key %s = %q, want %q", i, f, got, want)
			}
		}
	}
}
