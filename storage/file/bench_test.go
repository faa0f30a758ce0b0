package file_test

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/file"
)

// Each benchmark interleaves the operation under test with its baseline in
// the same loop and reports both means and their ratio ("x-baseline"), so
// the ratio is measured in one run, under the same machine noise.

// pair accumulates the time of an operation and of its baseline.
type pair struct{ op, base time.Duration }

func (p *pair) report(b *testing.B) {
	n := float64(b.N)
	b.ReportMetric(float64(p.op.Nanoseconds())/n, "op-ns")
	b.ReportMetric(float64(p.base.Nanoseconds())/n, "baseline-ns")
	b.ReportMetric(float64(p.op)/float64(p.base), "x-baseline")
}

// rawSave writes data to dir/name the way a careful program does by hand:
// temporary file, write, fsync, close, rename, fsync of the directory (kept
// open, as the store keeps its own).
func rawSave(b *testing.B, dir string, d *os.File, name string, data []byte) {
	tmp := filepath.Join(dir, name+".tmp-"+strconv.FormatUint(rand.Uint64(), 36))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := f.Write(data); err != nil {
		b.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		b.Fatal(err)
	}
	if err := d.Sync(); err != nil {
		b.Fatal(err)
	}
}

// rawGet reads and decodes a record file directly: the work any reader of
// the file must do, without the store's lookups and checks.
func rawGet(b *testing.B, path string) *storage.Record {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	hlen := 40 + int(binary.LittleEndian.Uint32(data[12:])) + 4
	var rec storage.Record
	if err := json.Unmarshal(data[hlen:], &rec); err != nil {
		b.Fatal(err)
	}
	return &rec
}

// BenchmarkSave: Store.Update of one case vs writing the same record file
// bytes with the same temp-fsync-rename-fsync sequence.
func BenchmarkSave(b *testing.B) {
	dir := b.TempDir()
	s, err := file.Open(dir, file.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	rec := mustCreate(b, s, record("case-1", "ext-1", 5))
	data, err := os.ReadFile(recordPath(dir, "case-1"))
	if err != nil {
		b.Fatal(err)
	}
	rawDir := b.TempDir()
	d, err := os.Open(rawDir)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	var p pair
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		if rec, err = s.Update(bg, rec); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		rawSave(b, rawDir, d, "case-1.rec", data)
		p.op += t1.Sub(t0)
		p.base += time.Since(t1)
	}
	p.report(b)
}

// BenchmarkGet: Store.Get vs reading and decoding the same file directly.
func BenchmarkGet(b *testing.B) {
	dir := b.TempDir()
	s, err := file.Open(dir, file.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	mustCreate(b, s, record("case-1", "ext-1", 5))
	path := recordPath(dir, "case-1")
	var p pair
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		if _, err := s.Get(bg, "case-1"); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		rawGet(b, path)
		p.op += t1.Sub(t0)
		p.base += time.Since(t1)
	}
	p.report(b)
}

// fixtureCases is the size of the store GetByExternalID is measured in.
const fixtureCases = 10_000

var fixture struct {
	once sync.Once
	dir  string
	err  error
}

// fixtureDir returns a directory holding a store of fixtureCases cases, built
// once per test binary with fsync off (building it with fsync on would
// take minutes and measures nothing: lookups never write). TestMain removes
// it.
func fixtureDir(b *testing.B) string {
	fixture.once.Do(func() {
		fixture.dir, fixture.err = os.MkdirTemp("", "dossier-file-bench-")
		if fixture.err != nil {
			return
		}
		s, err := file.Open(fixture.dir, file.Options{NoSync: true})
		if err != nil {
			fixture.err = err
			return
		}
		defer s.Close()
		for i := range fixtureCases {
			id := fmt.Sprintf("case-%05d", i)
			if _, err := s.Create(bg, record(id, "ext-"+id, 5)); err != nil {
				fixture.err = err
				return
			}
		}
	})
	if fixture.err != nil {
		b.Fatal(fixture.err)
	}
	return fixture.dir
}

func removeFixture() {
	for _, dir := range []string{fixture.dir, queryFixtureDir.dir} {
		if dir != "" {
			os.RemoveAll(dir)
		}
	}
}

// BenchmarkGetByExternalID: GetByExternalID vs Get by case id, in a store of
// 10,000 cases opened with fsync on, on random cases.
func BenchmarkGetByExternalID(b *testing.B) {
	dir := fixtureDir(b)
	s, err := file.Open(dir, file.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var p pair
	b.ResetTimer()
	for range b.N {
		id := fmt.Sprintf("case-%05d", rand.IntN(fixtureCases))
		t0 := time.Now()
		rec, err := s.GetByExternalID(bg, "ext-"+id)
		if err != nil || rec.Case.ID != id {
			b.Fatalf("GetByExternalID(ext-%s) = %v, %v", id, rec, err)
		}
		t1 := time.Now()
		if _, err := s.Get(bg, id); err != nil {
			b.Fatal(err)
		}
		p.op += t1.Sub(t0)
		p.base += time.Since(t1)
	}
	p.report(b)
}

// BenchmarkOpen measures Open of the 10,000-case store: loading the index
// and listing the records directory, or (rebuild) reading every record.
func BenchmarkOpen(b *testing.B) {
	dir := fixtureDir(b)
	for _, rebuild := range []bool{false, true} {
		b.Run(map[bool]string{false: "index", true: "rebuild"}[rebuild], func(b *testing.B) {
			for range b.N {
				s, err := file.Open(dir, file.Options{Rebuild: rebuild})
				if err != nil {
					b.Fatal(err)
				}
				s.Close()
			}
		})
	}
}

// BenchmarkSaveEvent: Store.Update of one case carrying two new events
// (what a Workspace change does: the store numbers them under the lock and
// appends them to the audit log in the same commit) vs writing the record
// file bytes by hand.
func BenchmarkSaveEvent(b *testing.B) {
	dir := b.TempDir()
	s, err := file.Open(dir, file.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	rec := mustCreate(b, s, record("case-1", "ext-1", 5))
	data, err := os.ReadFile(recordPath(dir, "case-1"))
	if err != nil {
		b.Fatal(err)
	}
	rawDir := b.TempDir()
	d, err := os.Open(rawDir)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	var p pair
	b.ResetTimer()
	for i := range b.N {
		t0 := time.Now()
		if rec, err = s.Update(bg, rec, newEvent("case-1", fmt.Sprint("e", i)), newEvent("case-1", fmt.Sprint("f", i))); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		rawSave(b, rawDir, d, "case-1.rec", data)
		p.op += t1.Sub(t0)
		p.base += time.Since(t1)
	}
	p.report(b)
}

// BenchmarkDrain: PendingEvents of a page of 100 events spread over 100
// cases vs Get of the same 100 cases.
func BenchmarkDrain(b *testing.B) {
	dir := b.TempDir()
	s, err := file.Open(dir, file.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for i := range 100 {
		id := fmt.Sprintf("case-%03d", i)
		if _, err := s.Create(bg, record(id, "", 5), newEvent(id, id+"-e")); err != nil {
			b.Fatal(err)
		}
	}
	var p pair
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		page, err := s.PendingEvents(bg, 0, 100)
		if err != nil || len(page) != 100 {
			b.Fatalf("PendingEvents: %d events, %v", len(page), err)
		}
		t1 := time.Now()
		for i := range 100 {
			if _, err := s.Get(bg, fmt.Sprintf("case-%03d", i)); err != nil {
				b.Fatal(err)
			}
		}
		p.op += t1.Sub(t0)
		p.base += time.Since(t1)
	}
	p.report(b)
}

// historyStore returns a store (fsync on) holding one case, "case-1",
// changed n times after its creation, each change with two events; the
// changes are made with fsync off (they only build the history).
func historyStore(b *testing.B, n int) (*file.Store, *storage.Record) {
	dir := b.TempDir()
	s, err := file.Open(dir, file.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	rec := mustCreate(b, s, record("case-1", "ext-1", 5))
	for i := range n {
		if rec, err = s.Update(bg, rec, newEvent("case-1", fmt.Sprint("h", i)), newEvent("case-1", fmt.Sprint("k", i))); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	if s, err = file.Open(dir, file.Options{}); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s, rec
}

// BenchmarkHistory: the cost of a change, and of a Get, in a case with
// 10,000 earlier changes vs the same in a case with 100 (the ratio is the
// "x-baseline" metric; Update/ and Get/ measure each). Events live in the
// audit log, not in the record, so neither grows with the case's age.
func BenchmarkHistory(b *testing.B) {
	old, oldRec := historyStore(b, 10_000)
	young, youngRec := historyStore(b, 100)
	syncDisks()
	// Each iteration runs both, in turn first, so neither gains from
	// going second.
	b.Run("Update", func(b *testing.B) {
		var p pair
		update := func(s *file.Store, rec **storage.Record, i int) time.Duration {
			t0 := time.Now()
			var err error
			if *rec, err = s.Update(bg, *rec, newEvent("case-1", fmt.Sprint("o", i)), newEvent("case-1", fmt.Sprint("p", i))); err != nil {
				b.Fatal(err)
			}
			return time.Since(t0)
		}
		for i := range b.N {
			if i%2 == 0 {
				p.op += update(old, &oldRec, i)
				p.base += update(young, &youngRec, i)
			} else {
				p.base += update(young, &youngRec, i)
				p.op += update(old, &oldRec, i)
			}
		}
		p.report(b)
	})
	b.Run("Get", func(b *testing.B) {
		var p pair
		get := func(s *file.Store) time.Duration {
			t0 := time.Now()
			if _, err := s.Get(bg, "case-1"); err != nil {
				b.Fatal(err)
			}
			return time.Since(t0)
		}
		for i := range b.N {
			if i%2 == 0 {
				p.op += get(old)
				p.base += get(young)
			} else {
				p.base += get(young)
				p.op += get(old)
			}
		}
		p.report(b)
	})
}

// queryCases is the size of the store BenchmarkQuery measures.
const queryCases = 20_000

var queryFixtureDir struct {
	once sync.Once
	dir  string
	err  error
}

// BenchmarkQuery: a query matching 1 % of 20,000 cases (all its pages)
// vs the full scan it replaces: reading and decoding every record and
// applying storage.Query.Matches.
func BenchmarkQuery(b *testing.B) {
	queryFixtureDir.once.Do(func() {
		queryFixtureDir.dir, queryFixtureDir.err = os.MkdirTemp("", "dossier-file-query-")
		if queryFixtureDir.err == nil {
			s := queryFixture(b, queryFixtureDir.dir, queryCases)
			queryFixtureDir.err = s.Close()
			syncDisks()
		}
	})
	if queryFixtureDir.err != nil {
		b.Fatal(queryFixtureDir.err)
	}
	s, err := file.Open(queryFixtureDir.dir, file.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	q := storage.Query{NameContains: "needle"}
	var p pair
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		n := 0
		for _, err := range storage.All(bg, s, q) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		t1 := time.Now()
		m := 0
		for i := range queryCases {
			rec, err := s.Get(bg, fmt.Sprintf("q-%05d", i))
			if err != nil {
				b.Fatal(err)
			}
			if q.Matches(&rec.Case) {
				m++
			}
		}
		if n != queryCases/100 || m != n {
			b.Fatalf("the query found %d cases, the scan %d", n, m)
		}
		p.op += t1.Sub(t0)
		p.base += time.Since(t1)
	}
	p.report(b)
}
