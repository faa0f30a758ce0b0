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

	"github.com/dossierkit/dossier/event"
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
	if fixture.dir != "" {
		os.RemoveAll(fixture.dir)
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

// BenchmarkSaveEvent: Store.Update of one case carrying one new event (the
// Workspace's pattern: the store numbers it under the lock and indexes it as
// pending) vs writing the same file bytes by hand. The previous event is
// acknowledged outside the timed part, so the record stays the same size.
func BenchmarkSaveEvent(b *testing.B) {
	dir := b.TempDir()
	s, err := file.Open(dir, file.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	rec := mustCreate(b, s, record("case-1", "ext-1", 5))
	rawDir := b.TempDir()
	d, err := os.Open(rawDir)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	var p pair
	b.ResetTimer()
	for i := range b.N {
		if len(rec.Events) > 0 {
			if err := s.AckEvents(bg, rec.Events[0].Seq); err != nil {
				b.Fatal(err)
			}
		}
		rec.Events = []event.Event{newEvent("case-1", fmt.Sprint("e", i))}
		t0 := time.Now()
		if rec, err = s.Update(bg, rec); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		data, err := os.ReadFile(recordPath(dir, "case-1"))
		if err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		rawSave(b, rawDir, d, "case-1.rec", data)
		p.op += t1.Sub(t0)
		p.base += time.Since(t2)
	}
	p.report(b)
}

// BenchmarkDrain: PendingEvents of a page of 100 events spread over 100
// cases vs Get of the same 100 cases (the files a page reads).
func BenchmarkDrain(b *testing.B) {
	dir := b.TempDir()
	s, err := file.Open(dir, file.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for i := range 100 {
		id := fmt.Sprintf("case-%03d", i)
		mustCreate(b, s, withEvents(record(id, "", 5), id+"-e"))
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
