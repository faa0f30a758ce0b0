package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/postgres"
)

// benchRecord is a case of a few entities, as a save writes it.
func benchRecord(id string) *storage.Record {
	rec := newRecord(id, "ext-"+id)
	rec.Case.Metadata = cases.Metadata{"crm": "salesforce", "segment": "sme", "owner": "team-3"}
	rec.Companies = []entity.Company{
		{ID: id + "-co1", Name: "Acme Holdings Ltd", Type: entity.CompanyMain, RegistrationNumber: "12345678"},
		{ID: id + "-co2", Name: "Acme Trading GmbH", Type: entity.CompanyAffiliated, RegistrationNumber: "HRB 9999"},
	}
	for i := range 3 {
		rec.Individuals = append(rec.Individuals, entity.Individual{ID: fmt.Sprintf("%s-in%d", id, i), FirstName: "Jane", LastName: fmt.Sprintf("Doe %d", i)})
	}
	return rec
}

// BenchmarkSave compares Update (the record, its indexed columns, entity
// ids, one event in the audit log and the outbox, one statement) with a
// raw pgx UPDATE writing the same record JSON to a table of (id, doc), with
// 1 and 8 concurrent writers, each on its own case. It reports both rates
// and their ratio ("ratio" = store saves/s over raw saves/s).
func BenchmarkSave(b *testing.B) {
	for _, writers := range []int{1, 8} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			ctx := context.Background()
			s := newStore(b)
			pool := testPool(b)
			table := "bench_raw_" + sanitize(s.WorkspaceID())
			if _, err := pool.Exec(ctx, "CREATE TABLE "+table+" (id text PRIMARY KEY, doc json NOT NULL)"); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { pool.Exec(context.Background(), "DROP TABLE "+table) })
			recs := make([]*storage.Record, writers)
			for w := range writers {
				rec, err := s.Create(ctx, benchRecord(fmt.Sprintf("w%d", w)))
				if err != nil {
					b.Fatal(err)
				}
				recs[w] = rec
				doc, _ := json.Marshal(rec)
				if _, err := pool.Exec(ctx, "INSERT INTO "+table+" VALUES ($1, $2)", rec.Case.ID, string(doc)); err != nil {
					b.Fatal(err)
				}
			}
			payload := json.RawMessage(`{"id":"x","name":"Acme Holdings Ltd","status":"open","metadata":{"crm":"salesforce"},"flags":[]}`)
			storeSave := func(w, i int) error {
				rec := recs[w]
				rec.Case.Name = fmt.Sprintf("Acme %d", i)
				ev := event.Event{ID: fmt.Sprintf("%s-%d", rec.Case.ID, i), CaseID: rec.Case.ID, Type: event.CaseUpdated,
					SubEvent: event.InfoUpdated, ObjectID: rec.Case.ID, At: epoch, Payload: payload,
					Changes: []event.FieldChange{{Name: "name", Previous: json.RawMessage(`"a"`), Next: json.RawMessage(`"b"`)}}}
				saved, err := s.Update(ctx, rec, ev)
				if err == nil {
					recs[w] = saved
				}
				return err
			}
			rawSave := func(w, i int) error {
				rec := recs[w]
				rec.Case.Name = fmt.Sprintf("Acme %d", i)
				doc, err := json.Marshal(rec)
				if err != nil {
					return err
				}
				_, err = pool.Exec(ctx, "UPDATE "+table+" SET doc = $2 WHERE id = $1", rec.Case.ID, string(doc))
				return err
			}
			// run saves n times with the writers, each on its own case.
			run := func(save func(w, i int) error, from, n int) time.Duration {
				var wg sync.WaitGroup
				start := time.Now()
				for w := range writers {
					wg.Go(func() {
						for i := from + w; i < from+n; i += writers {
							if err := save(w, i); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				wg.Wait()
				return time.Since(start)
			}
			// The two alternate in chunks, so that the load of a shared
			// machine weighs on both alike.
			const chunk = 40
			var storeTime, rawTime time.Duration
			b.ResetTimer()
			for from := 0; from < b.N; from += chunk {
				n := min(chunk, b.N-from)
				storeTime += run(storeSave, from, n)
				rawTime += run(rawSave, from, n)
			}
			b.StopTimer()
			storeRate := float64(b.N) / storeTime.Seconds()
			rawRate := float64(b.N) / rawTime.Seconds()
			b.ReportMetric(storeRate, "saves/s")
			b.ReportMetric(rawRate, "raw-saves/s")
			b.ReportMetric(storeRate/rawRate, "ratio")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkQueryVsGet compares a filtered query returning one page of
// cases out of 100,000 (status rejected: 1,000 match) with Get of one case,
// for several page sizes; "ratio" = query time over Get time. The cold
// variants decode every case of every page (no decoded case cache).
func BenchmarkQueryVsGet(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	for _, tc := range []struct {
		limit int
		cold  bool
	}{{10, false}, {20, false}, {100, false}, {10, true}, {20, true}} {
		name := fmt.Sprintf("page=%d", tc.limit)
		if tc.cold {
			name += "/cold"
		}
		b.Run(name, func(b *testing.B) {
			s := s
			if tc.cold {
				var err error
				if s, err = postgres.New(ctx, testPool(b), s.WorkspaceID()); err != nil {
					b.Fatal(err)
				}
				postgres.DisableCaseCache(s)
			}
			limit := tc.limit
			q := storage.Query{Statuses: []cases.Status{cases.StatusRejected}, Limit: limit}
			query := func(i int) {
				q.After = ""
				if i%2 == 1 { // every other query is a next page, through the cursor
					q.After = cursorAt(q, "2020-01-02T00:00:00.000000000Z", "case")
				}
				p, err := s.Query(ctx, q)
				if err != nil || len(p.Cases) != limit {
					b.Fatalf("%d cases, %v", len(p.Cases), err)
				}
			}
			get := func(i int) {
				if _, err := s.Get(ctx, fmt.Sprintf("case-%06d", 1+(i*7919)%bigCases)); err != nil {
					b.Fatal(err)
				}
			}
			// The two alternate in chunks, so that the load of a shared
			// machine weighs on both alike.
			const chunk = 20
			var queryTime, getTime time.Duration
			b.ResetTimer()
			for from := 0; from < b.N; from += chunk {
				n := min(chunk, b.N-from)
				start := time.Now()
				for i := from; i < from+n; i++ {
					query(i)
				}
				queryTime += time.Since(start)
				start = time.Now()
				for i := from; i < from+n; i++ {
					get(i)
				}
				getTime += time.Since(start)
			}
			b.StopTimer()
			b.ReportMetric(float64(queryTime.Microseconds())/float64(b.N), "query-µs")
			b.ReportMetric(float64(getTime.Microseconds())/float64(b.N), "get-µs")
			b.ReportMetric(queryTime.Seconds()/getTime.Seconds(), "ratio")
			b.ReportMetric(0, "ns/op")
		})
	}
}
