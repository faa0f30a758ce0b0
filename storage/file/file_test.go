package file_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/file"
	"github.com/dossierkit/dossier/validation"
)

// reopen closes s and opens a new Store on the same directory.
func reopen(t *testing.T, s *file.Store, opts file.Options) *file.Store {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return openT(t, s.Dir(), opts)
}

// checkLookups asserts that every way of finding rec's case gives it.
func checkLookups(t *testing.T, s storage.Store, rec *storage.Record) {
	t.Helper()
	got := mustGet(t, s, rec.Case.ID)
	if got.Version != rec.Version || got.Case.Name != rec.Case.Name {
		t.Errorf("Get(%q) = version %d name %q, want %d %q", rec.Case.ID, got.Version, got.Case.Name, rec.Version, rec.Case.Name)
	}
	if ext := rec.Case.ExternalID; ext != "" {
		byExt, err := s.GetByExternalID(bg, ext)
		if err != nil || byExt.Case.ID != rec.Case.ID {
			t.Errorf("GetByExternalID(%q) = %v, %v; want case %q", ext, byExt, err, rec.Case.ID)
		}
	}
	for _, e := range rec.EntityIDs() {
		if id, err := s.CaseOfEntity(bg, e); err != nil || id != rec.Case.ID {
			t.Errorf("CaseOfEntity(%q) = %q, %v; want %q", e, id, err, rec.Case.ID)
		}
	}
}

func wantNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("%s: got %v, want ErrNotFound", what, err)
	}
}

func listIDs(t *testing.T, s storage.Store) []string {
	t.Helper()
	var ids []string
	for c, err := range storage.All(bg, s, storage.Query{Limit: 7}) {
		if err != nil {
			t.Fatalf("Query: %v", err)
		}
		ids = append(ids, c.ID)
	}
	return ids
}

func TestReopenKeepsEverything(t *testing.T) {
	s := openT(t, t.TempDir(), file.Options{})
	a := mustCreate(t, s, record("a", "ext-a", 2))
	b := mustCreate(t, s, record("b", "ext-b", 1))
	c := mustCreate(t, s, record("c", "", 0))
	upd := a.Clone()
	upd.Case.Name = "renamed"
	upd.Case.ExternalID = "ext-a2"
	upd.Checks = upd.Checks[:1]
	a, err := s.Update(bg, upd)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(bg, "c", c.Version, epoch); err != nil {
		t.Fatal(err)
	}

	s = reopen(t, s, file.Options{})
	checkLookups(t, s, a)
	checkLookups(t, s, b)
	wantNotFound(t, "Get(deleted)", func() error { _, err := s.Get(bg, "c"); return err }())
	wantNotFound(t, "old external id", func() error { _, err := s.GetByExternalID(bg, "ext-a"); return err }())
	wantNotFound(t, "removed check", func() error { _, err := s.CaseOfEntity(bg, "a-ch1"); return err }())
	if got, want := listIDs(t, s), []string{"a", "b"}; !slices.Equal(got, want) {
		t.Errorf("List = %v, want %v", got, want)
	}
	// Versions continue where they were.
	upd = a.Clone()
	upd.Case.Name = "again"
	if got, err := s.Update(bg, upd); err != nil || got.Version != 3 {
		t.Fatalf("Update after reopen = %v, %v; want version 3", got, err)
	}
	if _, err := s.Update(bg, a); !errors.Is(err, storage.ErrConflict) {
		t.Fatalf("stale Update after reopen: %v, want ErrConflict", err)
	}
}

// TestOtherStoreSeesWrites: a Store sees the writes of another Store on the
// same directory (its own lock description, like another process) at once,
// through every lookup.
func TestOtherStoreSeesWrites(t *testing.T) {
	dir := t.TempDir()
	w := openT(t, dir, file.Options{})
	r := openT(t, dir, file.Options{})
	rec := mustCreate(t, w, record("a", "ext-1", 1))
	checkLookups(t, r, rec)
	upd := rec.Clone()
	upd.Case.ExternalID = "ext-2"
	upd.Checks = append(upd.Checks, cases.Check{ID: "new-check", Type: cases.CheckTypeAML, Status: cases.CheckStatusInProgress})
	rec, err := w.Update(bg, upd)
	if err != nil {
		t.Fatal(err)
	}
	checkLookups(t, r, rec)
	wantNotFound(t, "old external id", func() error { _, err := r.GetByExternalID(bg, "ext-1"); return err }())
	// The reader's stale copy conflicts, whichever store it goes through.
	stale := rec.Clone()
	stale.Version = 1
	if _, err := r.Update(bg, stale); !errors.Is(err, storage.ErrConflict) {
		t.Fatalf("stale update through the other store: %v", err)
	}
	if err := w.Delete(bg, "a", rec.Version, epoch); err != nil {
		t.Fatal(err)
	}
	wantNotFound(t, "deleted, by external id", func() error { _, err := r.GetByExternalID(bg, "ext-2"); return err }())
	wantNotFound(t, "deleted, entity", func() error { _, err := r.CaseOfEntity(bg, "new-check"); return err }())
	if ids := listIDs(t, r); len(ids) != 0 {
		t.Fatalf("List after delete = %v", ids)
	}
}

// TestNastyIDsNeverReachPaths: ids that would be dangerous as file names are
// plain data; the only names ever created are the store's own.
func TestNastyIDsNeverReachPaths(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "store")
	s := openT(t, dir, file.Options{})
	nasty := []string{
		"../../etc/passwd", "../escape", "/abs/path", "a\x00b", "CON", "NUL.txt", "nul", "COM1", "LPT1.log",
		"é/ü\\x", " ", ".", "..", "a:b", "*?<>|\"", strings.Repeat("x", 300), "index.snap", "LOCK", "records",
		"x.tmp-1", "\u202etxt.exe", "\n", "\x7f",
	}
	var recs []*storage.Record
	for i, n := range nasty {
		// The nasty string is the case id, the external id and an entity id.
		rec := record(n, n, 0)
		rec.Checks = []cases.Check{{ID: n + fmt.Sprint(i), Type: cases.CheckTypeAML, Status: cases.CheckStatusInProgress}}
		recs = append(recs, mustCreate(t, s, rec))
	}
	check := func(s storage.Store) {
		t.Helper()
		for _, rec := range recs {
			checkLookups(t, s, rec)
		}
		ids := listIDs(t, s)
		want := slices.Clone(nasty)
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			t.Errorf("List = %q, want %q", ids, want)
		}
	}
	check(s)
	s = reopen(t, s, file.Options{})
	check(s)
	s = reopen(t, s, file.Options{Rebuild: true})
	check(s)

	// Nothing was created outside the store directory, and inside it only
	// the store's own names.
	if des, _ := os.ReadDir(parent); len(des) != 1 || des[0].Name() != "store" {
		t.Errorf("parent directory holds %v", des)
	}
	var names []string
	for _, de := range mustReadDir(t, dir) {
		names = append(names, de.Name())
	}
	if want := []string{"LOCK", "audit.log", "index.log", "index.snap", "outbox", "records"}; !slices.Equal(names, want) {
		t.Errorf("store directory holds %q, want %q", names, want)
	}
	names = nil
	for _, de := range mustReadDir(t, filepath.Join(dir, "outbox")) {
		names = append(names, de.Name())
	}
	if want := []string{"acks.log"}; !slices.Equal(names, want) {
		t.Errorf("outbox directory holds %q, want %q", names, want)
	}
	for _, de := range mustReadDir(t, filepath.Join(dir, "records")) {
		if !isHexRecordName(de.Name()) {
			t.Errorf("records directory holds %q", de.Name())
		}
	}
	if n := len(mustReadDir(t, filepath.Join(dir, "records"))); n != len(nasty) {
		t.Errorf("%d record files, want %d", n, len(nasty))
	}
}

func mustReadDir(t *testing.T, dir string) []os.DirEntry {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return des
}

func isHexRecordName(name string) bool {
	hexPart, ok := strings.CutSuffix(name, ".rec")
	return ok && len(hexPart) == 64 && strings.Trim(hexPart, "0123456789abcdef") == ""
}

func TestInvalidInput(t *testing.T) {
	s := openT(t, t.TempDir(), file.Options{})
	bad := record("ok", "", 0)
	bad.Case.ExternalID = "bad\xff"
	badEntity := record("ok2", "", 1)
	badEntity.Checks[0].ID = "\xfe"
	tests := []struct {
		name string
		rec  *storage.Record
		path string
	}{
		{"nil", nil, ""},
		{"no case id", record("", "", 0), "case.id"},
		{"case id not UTF-8", record("\xff", "", 0), "case.id"},
		{"case id too long", record(strings.Repeat("x", 1<<16+1), "", 0), "case.id"},
		{"external id not UTF-8", bad, "case.external_id"},
		{"entity id not UTF-8", badEntity, "entity_ids"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for op, call := range map[string]func() error{
				"Create": func() error { _, err := s.Create(bg, tt.rec); return err },
				"Update": func() error { _, err := s.Update(bg, tt.rec); return err },
			} {
				err := call()
				var verr *validation.Error
				if !errors.As(err, &verr) || !errors.Is(err, validation.ErrInvalid) {
					t.Fatalf("%s: got %v, want a *validation.Error", op, err)
				}
				if tt.path != "" && !slices.ContainsFunc(verr.Problems, func(p validation.Problem) bool { return p.Path == tt.path }) {
					t.Errorf("%s: problems %v, want one at %q", op, verr.Problems, tt.path)
				}
			}
		})
	}
	if ids := listIDs(t, s); len(ids) != 0 {
		t.Fatalf("refused records were stored: %v", ids)
	}
}

// damageFile applies fn to the bytes of the record file of case id.
func damageFile(t *testing.T, dir, id string, fn func([]byte) []byte) {
	t.Helper()
	path := recordPath(dir, id)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, fn(slices.Clone(data)), 0o600); err != nil {
		t.Fatal(err)
	}
}

// bodyStart is the offset of the JSON body in a record file: the header is
// 40 bytes, the case id, and a 4-byte checksum (see the package doc).
func bodyStart(id string) int { return 40 + len(id) + 4 }

func TestCorruptRecord(t *testing.T) {
	const victim = "victim"
	tests := []struct {
		name   string
		damage func(b []byte) []byte
		reason string // a word the reason must contain
	}{
		{"empty file", func(b []byte) []byte { return nil }, "shorter than a record header"},
		{"truncated in the header", func(b []byte) []byte { return b[:30] }, "shorter"},
		{"truncated in the body", func(b []byte) []byte { return b[:len(b)/2] }, "truncated"},
		{"last byte missing", func(b []byte) []byte { return b[:len(b)-1] }, "truncated"},
		{"trailing garbage", func(b []byte) []byte { return append(b, "{}"...) }, "unexpected bytes"},
		{"zeroed", func(b []byte) []byte { clear(b); return b }, "magic"},
		{"bad magic", func(b []byte) []byte { b[0] = 'X'; return b }, "magic"},
		{"future format version", func(b []byte) []byte { b[8] = 2; return b }, "unsupported record format version 2"},
		{"bit flip in the case id", func(b []byte) []byte { b[41] ^= 0x01; return b }, "header checksum"},
		{"bit flip in the version", func(b []byte) []byte { b[24] ^= 0x04; return b }, "header checksum"},
		{"bit flip in the body", func(b []byte) []byte { b[bodyStart(victim)+5] ^= 0x20; return b }, "body checksum"},
		{"body still valid JSON", func(b []byte) []byte {
			// "case victim" -> "case vIctim": valid JSON, wrong content;
			// only the checksum can tell.
			i := strings.Index(string(b), `"case victim"`)
			b[i+7] = 'I'
			return b
		}, "body checksum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s := openT(t, dir, file.Options{})
			before := mustCreate(t, s, record("before", "ext-before", 1))
			v := mustCreate(t, s, record(victim, "ext-victim", 1))
			after := mustCreate(t, s, record("z-after", "ext-after", 1))
			damageFile(t, dir, victim, tt.damage)
			path := recordPath(dir, victim)

			checkCorrupt := func(what string, err error) {
				t.Helper()
				var ce *file.CorruptError
				if !errors.Is(err, file.ErrCorrupt) || !errors.As(err, &ce) {
					t.Fatalf("%s: got %v, want a *CorruptError", what, err)
				}
				if ce.CaseID != victim || ce.Path != path || !strings.Contains(ce.Reason, tt.reason) {
					t.Fatalf("%s: CorruptError{%q, %q, %q}, want case %q, path %q, reason with %q", what, ce.CaseID, ce.Path, ce.Reason, victim, path, tt.reason)
				}
				if strings.Contains(err.Error(), dir) {
					t.Fatalf("%s: the error text names a file path: %v", what, err)
				}
			}
			checkRest := func(s *file.Store) {
				t.Helper()
				_, err := s.Get(bg, victim)
				checkCorrupt("Get", err)
				checkLookups(t, s, before)
				checkLookups(t, s, after)
				// Query reports the damaged case and still returns the
				// others, with a cursor that goes on past it.
				page, err := s.Query(bg, storage.Query{Limit: 2})
				if err != nil || len(page.Damaged) != 1 || page.Damaged[0].CaseID != victim {
					t.Fatalf("Query with a damaged case: %v, damaged %v", err, page.Damaged)
				}
				checkCorrupt("Query", page.Damaged[0])
				if len(page.Cases) != 2 || page.Cases[0].ID != "before" || page.Cases[1].ID != "z-after" || page.Next != "" {
					t.Fatalf("Query page with a damaged case: %d cases, next %q", len(page.Cases), page.Next)
				}
				page, err = s.Query(bg, storage.Query{Limit: 1})
				if err != nil || len(page.Cases) != 1 || page.Next == "" || len(page.Damaged) != 0 {
					t.Fatalf("Query before the damaged case: %v, %v", page, err)
				}
				page, err = s.Query(bg, storage.Query{Limit: 1, After: page.Next})
				if err != nil || len(page.Damaged) != 1 {
					t.Fatalf("Query page 2: %v, %v", page, err)
				}
				checkCorrupt("Query page 2", page.Damaged[0])
				if len(page.Cases) != 1 || page.Cases[0].ID != "z-after" {
					t.Fatalf("Query page 2: %v", page)
				}
				// Count counts it: its summary is known.
				if page, err := s.Query(bg, storage.Query{Count: true}); err != nil || page.Total != 3 {
					t.Fatalf("Query count: %v, %v", page.Total, err)
				}
				checkCorrupt("Verify", s.Verify(bg))
			}
			checkRest(s)
			// The external id of the damaged case is still known: a lookup
			// names the damage instead of saying not found.
			_, err := s.GetByExternalID(bg, "ext-victim")
			checkCorrupt("GetByExternalID", err)

			s = reopen(t, s, file.Options{})
			checkRest(s)
			s = reopen(t, s, file.Options{Rebuild: true})
			checkRest(s)

			// The damaged case can be deleted at its version; then all is
			// well again.
			if err := s.Delete(bg, victim, v.Version, epoch); err != nil {
				t.Fatalf("Delete(damaged): %v", err)
			}
			if err := s.Verify(bg); err != nil {
				t.Fatalf("Verify after deleting the damaged case: %v", err)
			}
		})
	}
}

// TestCorruptRecordOverwrite: an update at the stored version replaces a
// damaged record file (the repair path after restoring data from elsewhere).
func TestCorruptRecordOverwrite(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, file.Options{})
	v := mustCreate(t, s, record("a", "ext", 1))
	damageFile(t, dir, "a", func(b []byte) []byte { return b[:len(b)-3] })
	upd := v.Clone()
	upd.Case.Name = "restored"
	got, err := s.Update(bg, upd)
	if err != nil || got.Version != 2 {
		t.Fatalf("Update over a damaged file = %v, %v", got, err)
	}
	checkLookups(t, s, got)
}

// TestUnreadableHeaderUnknownCase: a record file so damaged that its case id
// is unknown, found by a rebuild without any earlier index, is reported by
// Verify and by Get with the id the caller asked for, and blocks re-creating
// that case.
func TestUnreadableHeaderUnknownCase(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, file.Options{})
	mustCreate(t, s, record("a", "ext-a", 0))
	mustCreate(t, s, record("b", "ext-b", 0))
	damageFile(t, dir, "a", func(b []byte) []byte { return b[:10] })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"index.snap", "index.log"} {
		if err := os.Remove(filepath.Join(dir, n)); err != nil {
			t.Fatal(err)
		}
	}
	s = openT(t, dir, file.Options{})
	_, err := s.Get(bg, "a")
	var ce *file.CorruptError
	if !errors.As(err, &ce) || ce.CaseID != "a" {
		t.Fatalf("Get(a) = %v, want a *CorruptError naming a", err)
	}
	err = s.Verify(bg)
	if !errors.As(err, &ce) || ce.Path != recordPath(dir, "a") {
		t.Fatalf("Verify = %v, want a *CorruptError for the file of a", err)
	}
	if _, err := s.Create(bg, record("a", "", 0)); !errors.Is(err, storage.ErrConflict) {
		t.Fatalf("Create over an unreadable file: %v, want ErrConflict", err)
	}
	checkLookups(t, s, mustGet(t, s, "b"))
	// Open does not keep rebuilding because of it.
	s = reopen(t, s, file.Options{})
	checkLookups(t, s, mustGet(t, s, "b"))
	// Removing the file by hand and rebuilding clears the report.
	if err := os.Remove(recordPath(dir, "a")); err != nil {
		t.Fatal(err)
	}
	if err := s.Rebuild(bg); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(bg); err != nil {
		t.Fatalf("Verify after removing the damaged file: %v", err)
	}
	mustCreate(t, s, record("a", "ext-a", 0))
}

// TestIndexRebuilt: whatever happens to the index files, Open (or the next
// writer) rebuilds the index from the record files.
func TestIndexRebuilt(t *testing.T) {
	flip := func(name string, off int) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			path := filepath.Join(dir, name)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if off < 0 {
				off += len(b)
			}
			b[off] ^= 0x10
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	remove := func(names ...string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			for _, n := range names {
				if err := os.Remove(filepath.Join(dir, n)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	write := func(name, content string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name   string
		harm   func(t *testing.T, dir string)
		reopen bool // harm the files of a closed store (else: of an open one)
	}{
		{"snapshot missing", remove("index.snap"), true},
		{"log missing", remove("index.log"), true},
		{"both missing", remove("index.snap", "index.log"), true},
		{"snapshot empty", write("index.snap", ""), true},
		{"snapshot bit flip", flip("index.snap", -3), true},
		{"log header bit flip", flip("index.log", 2), true},
		{"log torn tail", func(t *testing.T, dir string) {
			f, err := os.OpenFile(filepath.Join(dir, "index.log"), os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.Write([]byte{200, 0, 0, 0, 1, 2, 3})
			f.Close()
		}, true},
		{"log entry bit flip", flip("index.log", -5), true},
		{"lock file garbage", write("LOCK", "garbage"), true},
		{"lock file empty", write("LOCK", ""), true},
		{"snapshot missing while open", remove("index.snap", "index.log"), false},
		{"snapshot bit flip while open", flip("index.snap", -3), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s := openT(t, dir, file.Options{})
			a := mustCreate(t, s, record("a", "ext-a", 2))
			b := mustCreate(t, s, record("b", "ext-b", 1))
			c := mustCreate(t, s, record("c", "ext-c", 0))
			upd := a.Clone()
			upd.Case.ExternalID = "ext-a2"
			a, err := s.Update(bg, upd)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Delete(bg, "c", c.Version, epoch); err != nil {
				t.Fatal(err)
			}
			if tt.reopen {
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
				tt.harm(t, dir)
				s = openT(t, dir, file.Options{})
			} else {
				tt.harm(t, dir)
				// A second Store's write makes the first one re-read the
				// index from disk.
				s2 := openT(t, dir, file.Options{})
				if _, err := s2.Create(bg, record("d", "ext-d", 0)); err != nil {
					t.Fatal(err)
				}
				checkLookups(t, s2, a)
			}
			checkLookups(t, s, a)
			checkLookups(t, s, b)
			wantNotFound(t, "deleted case", func() error { _, err := s.GetByExternalID(bg, "ext-c"); return err }())
			wantNotFound(t, "old external id", func() error { _, err := s.GetByExternalID(bg, "ext-a"); return err }())
			if err := s.Verify(bg); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			// Writing goes on with versions and generations intact.
			upd = a.Clone()
			upd.Case.Name = "after repair"
			if a, err = s.Update(bg, upd); err != nil || a.Version != 3 {
				t.Fatalf("Update after repair = %v, %v", a, err)
			}
			if _, err := s.Create(bg, record("e", "ext-b", 0)); !errors.Is(err, storage.ErrDuplicateExternalID) {
				t.Fatalf("duplicate external id after repair: %v", err)
			}
			s = reopen(t, s, file.Options{})
			checkLookups(t, s, a)
		})
	}
}

// TestStaleIndexRebuilt: index files older than the records (restored from
// a backup) are detected at Open and rebuilt, also when the set of record
// files is the same.
func TestStaleIndexRebuilt(t *testing.T) {
	for _, sameNames := range []bool{true, false} {
		t.Run(fmt.Sprint("same names=", sameNames), func(t *testing.T) {
			dir := t.TempDir()
			s := openT(t, dir, file.Options{})
			a := mustCreate(t, s, record("a", "ext-old", 1))
			saved := map[string][]byte{}
			for _, n := range []string{"index.snap", "index.log"} {
				b, err := os.ReadFile(filepath.Join(dir, n))
				if err != nil {
					t.Fatal(err)
				}
				saved[n] = b
			}
			upd := a.Clone()
			upd.Case.ExternalID = "ext-new"
			upd.Checks[0].ID = "new-check"
			a, err := s.Update(bg, upd)
			if err != nil {
				t.Fatal(err)
			}
			var b *storage.Record
			if !sameNames {
				b = mustCreate(t, s, record("b", "ext-b", 0))
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			for n, data := range saved {
				if err := os.WriteFile(filepath.Join(dir, n), data, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			s = openT(t, dir, file.Options{})
			checkLookups(t, s, a)
			wantNotFound(t, "old external id", func() error { _, err := s.GetByExternalID(bg, "ext-old"); return err }())
			wantNotFound(t, "old check", func() error { _, err := s.CaseOfEntity(bg, "a-ch0"); return err }())
			if b != nil {
				checkLookups(t, s, b)
			}
		})
	}
}

// TestTempFilesIgnoredAndCleaned: temporary files left by a crashed writer
// are never read and are removed by the next Open; other files are left
// alone.
func TestTempFilesIgnoredAndCleaned(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, file.Options{})
	a := mustCreate(t, s, record("a", "ext-a", 1))
	recName := filepath.Base(recordPath(dir, "a"))
	temps := []string{
		filepath.Join(dir, "records", recName+".tmp-123abc"),
		filepath.Join(dir, "records", filepath.Base(recordPath(dir, "ghost"))+".tmp-x"),
		filepath.Join(dir, "index.snap.tmp-9"),
		filepath.Join(dir, "index.log.tmp-9"),
	}
	for _, p := range temps {
		if err := os.WriteFile(p, []byte("half a record"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	keep := filepath.Join(dir, "records", "README")
	if err := os.WriteFile(keep, []byte("not ours"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Ignored by reads, before any Open cleans them.
	checkLookups(t, s, a)
	wantNotFound(t, "Get(ghost)", func() error { _, err := s.Get(bg, "ghost"); return err }())
	if ids := listIDs(t, s); !slices.Equal(ids, []string{"a"}) {
		t.Fatalf("List = %v", ids)
	}
	s = reopen(t, s, file.Options{})
	for _, p := range temps {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("temporary file %s survived Open: %v", filepath.Base(p), err)
		}
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("Open removed a file that is not a temporary file: %v", err)
	}
	checkLookups(t, s, a)
}

// TestLockTimeout: while another holder keeps the directory lock, Open and
// every method wait at most LockTimeout, then fail with a *LockTimeoutError;
// a context can end the wait first.
func TestLockTimeout(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, file.Options{LockTimeout: 150 * time.Millisecond})
	rec := mustCreate(t, s, record("a", "ext-a", 1))
	release := holdLock(t, filepath.Join(dir, "LOCK"))

	start := time.Now()
	_, err := file.Open(dir, file.Options{LockTimeout: 200 * time.Millisecond})
	waited := time.Since(start)
	var lte *file.LockTimeoutError
	if !errors.Is(err, file.ErrLockTimeout) || !errors.As(err, &lte) {
		t.Fatalf("Open while locked: %v, want a *LockTimeoutError", err)
	}
	if lte.Op != "open" || lte.Path != filepath.Join(dir, "LOCK") || waited < 200*time.Millisecond || lte.Waited < 200*time.Millisecond || lte.Waited > waited {
		t.Fatalf("LockTimeoutError %+v after %v", lte, waited)
	}
	if strings.Contains(err.Error(), dir) {
		t.Errorf("message names a file path: %v", err)
	}
	// Negative: fail at once (the bound is far below the 10 s default).
	start = time.Now()
	if _, err := file.Open(dir, file.Options{LockTimeout: -1}); !errors.Is(err, file.ErrLockTimeout) || time.Since(start) > 2*time.Second {
		t.Fatalf("Open with a negative timeout: %v after %v", err, time.Since(start))
	}

	for name, call := range map[string]func(ctx context.Context) error{
		"Update":          func(ctx context.Context) error { _, err := s.Update(ctx, rec); return err },
		"Create":          func(ctx context.Context) error { _, err := s.Create(ctx, record("b", "", 0)); return err },
		"Delete":          func(ctx context.Context) error { return s.Delete(ctx, "a", rec.Version, epoch) },
		"GetByExternalID": func(ctx context.Context) error { _, err := s.GetByExternalID(ctx, "ext-a"); return err },
		"CaseOfEntity":    func(ctx context.Context) error { _, err := s.CaseOfEntity(ctx, "a-ch0"); return err },
		"Query":           func(ctx context.Context) error { _, err := s.Query(ctx, storage.Query{}); return err },
		"Events":          func(ctx context.Context) error { _, err := s.Events(ctx, "a", 0, 0); return err },
		"PendingEvents":   func(ctx context.Context) error { _, err := s.PendingEvents(ctx, 0, 0); return err },
		"PurgeEvents":     func(ctx context.Context) error { _, err := s.PurgeEvents(ctx, epoch); return err },
		"Quarantine":      func(ctx context.Context) error { return s.Quarantine(ctx, "a") },
	} {
		if err := call(bg); !errors.Is(err, file.ErrLockTimeout) {
			t.Errorf("%s while locked: %v, want ErrLockTimeout", name, err)
		}
		ctx, cancel := context.WithTimeout(bg, 20*time.Millisecond)
		err := call(ctx)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s with a short context while locked: %v, want DeadlineExceeded", name, err)
		}
	}
	// Get needs no lock.
	if _, err := s.Get(bg, "a"); err != nil {
		t.Errorf("Get while locked: %v", err)
	}

	// Once released, everything works, and a waiting Open gets through.
	done := make(chan error, 1)
	go func() {
		s2, err := file.Open(dir, file.Options{LockTimeout: 5 * time.Second})
		if err == nil {
			err = s2.Close()
		}
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	release()
	if err := <-done; err != nil {
		t.Fatalf("Open waiting for the lock: %v", err)
	}
	if _, err := s.Update(bg, rec); err != nil {
		t.Fatalf("Update after release: %v", err)
	}
}

func TestClosed(t *testing.T) {
	s, err := file.Open(t.TempDir(), file.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rec := mustCreate(t, s, record("a", "ext-a", 0))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	for name, call := range map[string]func() error{
		"Get":             func() error { _, err := s.Get(bg, "a"); return err },
		"GetByExternalID": func() error { _, err := s.GetByExternalID(bg, "ext-a"); return err },
		"CaseOfEntity":    func() error { _, err := s.CaseOfEntity(bg, "x"); return err },
		"Query":           func() error { _, err := s.Query(bg, storage.Query{}); return err },
		"Events":          func() error { _, err := s.Events(bg, "a", 0, 0); return err },
		"PurgeEvents":     func() error { _, err := s.PurgeEvents(bg, epoch); return err },
		"Quarantine":      func() error { return s.Quarantine(bg, "a") },
		"Create":          func() error { _, err := s.Create(bg, record("b", "", 0)); return err },
		"Update":          func() error { _, err := s.Update(bg, rec); return err },
		"Delete":          func() error { return s.Delete(bg, "a", 1, epoch) },
		"PendingEvents":   func() error { _, err := s.PendingEvents(bg, 0, 0); return err },
		"AckEvents":       func() error { return s.AckEvents(bg, 1) },
		"Verify":          func() error { return s.Verify(bg) },
		"Rebuild":         func() error { return s.Rebuild(bg) },
	} {
		if err := call(); !errors.Is(err, file.ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", name, err)
		}
	}
}

// TestCompaction: past the compaction threshold the log is folded into a
// new snapshot; Stores that cached the old log follow.
func TestCompaction(t *testing.T) {
	dir := t.TempDir()
	w := openT(t, dir, file.Options{NoSync: true})
	r := openT(t, dir, file.Options{NoSync: true})
	rec := mustCreate(t, w, record("a", "ext-0", 1))
	checkLookups(t, r, rec)
	logSize := func() int64 {
		fi, err := os.Stat(filepath.Join(dir, "index.log"))
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	maxSize, shrank := int64(0), false
	for i := 1; i <= 1500; i++ {
		upd := rec.Clone()
		upd.Case.ExternalID = fmt.Sprintf("ext-%d", i)
		var err error
		if rec, err = w.Update(bg, upd); err != nil {
			t.Fatal(err)
		}
		size := logSize()
		if size < maxSize {
			shrank = true
		}
		maxSize = max(maxSize, size)
		if i%250 == 0 {
			checkLookups(t, r, rec)
		}
	}
	if !shrank {
		t.Fatalf("the log never shrank in 1500 writes (largest %d bytes)", maxSize)
	}
	checkLookups(t, r, rec)
	checkLookups(t, reopen(t, w, file.Options{}), rec)
}

func TestRebuildMethod(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, file.Options{})
	a := mustCreate(t, s, record("a", "ext-a", 1))
	other := openT(t, dir, file.Options{})
	// Make the index wrong behind the store's back: a record file of case
	// a with other content, as a restore from a backup would.
	src := openT(t, t.TempDir(), file.Options{})
	b := record("a", "ext-restored", 0)
	b.Case.Name = "restored"
	mustCreate(t, src, b)
	data, err := os.ReadFile(recordPath(src.Dir(), "a"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(recordPath(dir, "a"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(bg); !errors.Is(err, file.ErrIndexMismatch) {
		t.Fatalf("Verify with a restored file = %v, want ErrIndexMismatch", err)
	}
	if err := s.Rebuild(bg); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(bg); err != nil {
		t.Fatalf("Verify after Rebuild: %v", err)
	}
	got := mustGet(t, other, "a")
	if got.Case.Name != "restored" || got.Version != 1 {
		t.Fatalf("Get after Rebuild: %+v", got.Case)
	}
	checkLookups(t, other, got)
	wantNotFound(t, "old external id", func() error { _, err := other.GetByExternalID(bg, "ext-a"); return err }())
	_ = a
}

// TestCreateOverUnindexedFile: a record file the index does not list (put
// there behind the store's back) is never overwritten by Create: the writer
// rebuilds the index, finds the case and reports the conflict.
func TestCreateOverUnindexedFile(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, file.Options{})
	mustCreate(t, s, record("a", "ext-a", 0))
	src := openT(t, t.TempDir(), file.Options{})
	z := mustCreate(t, src, record("z", "ext-z", 1))
	data, err := os.ReadFile(recordPath(src.Dir(), "z"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(recordPath(dir, "z"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(bg, record("z", "other", 0)); !errors.Is(err, storage.ErrConflict) {
		t.Fatalf("Create over an unindexed file: %v, want ErrConflict", err)
	}
	checkLookups(t, s, z)
	if got := mustGet(t, s, "z"); got.Case.ExternalID != "ext-z" {
		t.Fatalf("the unindexed file was overwritten: %+v", got.Case)
	}
}

// TestErrorsCarryNoPaths: the text of errors a host may show its clients
// never holds a file path, even when the operating system's error does;
// the path stays in the chain for logs.
func TestErrorsCarryNoPaths(t *testing.T) {
	dir := t.TempDir()
	s, err := file.Open(dir, file.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rec := mustCreate(t, s, record("a", "ext-a", 0))
	// The records directory replaced by a file: every write fails in the
	// operating system.
	if err := os.RemoveAll(filepath.Join(dir, "records")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "records"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() error{
		"Update": func() error { _, err := s.Update(bg, rec); return err },
		"Create": func() error { _, err := s.Create(bg, record("b", "", 0)); return err },
		"Get":    func() error { _, err := s.Get(bg, "a"); return err },
		"Verify": func() error { return s.Verify(bg) },
		"Open": func() error {
			s2, err := file.Open(dir, file.Options{})
			if err == nil {
				s2.Close()
			}
			return err
		},
	} {
		err := call()
		if err == nil {
			t.Fatalf("%s: no error with the records directory gone", name)
		}
		if strings.Contains(err.Error(), dir) {
			t.Errorf("%s: error text names a path: %v", name, err)
		}
		var pe *fs.PathError
		if name != "Get" && !errors.As(err, &pe) {
			t.Errorf("%s: the operating system's error is not in the chain: %v", name, err)
		}
	}
	// A duplicate external id does not name the case that has it.
	s3 := openT(t, t.TempDir(), file.Options{})
	mustCreate(t, s3, record("secret-case", "ext", 0))
	_, err = s3.Create(bg, record("mine", "ext", 0))
	if !errors.Is(err, storage.ErrDuplicateExternalID) || strings.Contains(err.Error(), "secret-case") {
		t.Fatalf("duplicate external id: %v", err)
	}
}
