package file_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/file"
)

// The crash and two-process tests re-run this test binary as child
// processes: TestMain sees helperEnv and calls runHelper instead of the
// tests.
const (
	helperEnv = "DOSSIER_FILE_TEST_HELPER"
	dirEnv    = "DOSSIER_FILE_TEST_DIR"
	argEnv    = "DOSSIER_FILE_TEST_ARG"
)

func runHelper(mode string) int {
	dir, arg := os.Getenv(dirEnv), os.Getenv(argEnv)
	var err error
	switch mode {
	case "crash":
		err = crashChild(dir, arg)
	case "counter":
		err = counterChild(dir, arg)
	case "outbox-writer":
		err = outboxWriterChild(dir, arg)
	case "outbox-drain":
		err = outboxDrainChild(dir, arg)
	default:
		err = fmt.Errorf("unknown helper mode %q", mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 1
	}
	return 0
}

// child starts this test binary in helper mode.
func child(t *testing.T, mode, dir, arg string) (*exec.Cmd, io.ReadCloser, io.WriteCloser, *strings.Builder) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, dirEnv+"="+dir, argEnv+"="+arg)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := new(strings.Builder)
	cmd.Stderr = &syncWriter{w: stderr}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, stdout, stdin, stderr
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// ---- Crash test ----

// The crash child works on crashCases cases. The content of a stored
// record follows from its case id and version alone (crashRecord), so the
// parent can tell a whole record from a torn or mixed one.
const crashCases = 12

func crashID(k int) string { return fmt.Sprintf("case-%02d", k) }

func crashExt(id string, version int64) string { return fmt.Sprintf("ext/%s/%d", id, version%4) }

func crashChecks(id string, version int64) []string {
	var ids []string
	for i := range int(version%3) + 1 {
		ids = append(ids, fmt.Sprintf("%s-v%d-ch%d", id, version, i))
	}
	return ids
}

func crashRecord(id string, version int64) *storage.Record {
	rec := record(id, crashExt(id, version), 0)
	rec.Version = version - 1 // what Update expects; Create ignores it
	rec.Case.Name = fmt.Sprintf("%s at v%d", id, version)
	rec.Case.Metadata["version"] = strconv.FormatInt(version, 10)
	for _, c := range crashChecks(id, version) {
		rec.Checks = append(rec.Checks, cases.Check{ID: c, Type: cases.CheckTypeAML, Status: cases.CheckStatusInProgress, CreatedAt: epoch, UpdatedAt: epoch})
	}
	return rec
}

// checkCrashRecord reports what is wrong with a stored record, if anything.
func checkCrashRecord(rec *storage.Record) error {
	want := crashRecord(rec.Case.ID, rec.Version)
	want.Version = rec.Version
	got, _ := jsonOf(rec)
	exp, _ := jsonOf(want)
	if got != exp {
		return fmt.Errorf("record of %s at version %d is not the one written:\n got %s\nwant %s", rec.Case.ID, rec.Version, got, exp)
	}
	return nil
}

// crashEvent is the one event the crash child saves with a change.
func crashEvent(op, id string, version int64) event.Event {
	return event.Event{ID: fmt.Sprintf("%s-%s-%d", op, id, version), CaseID: id, Type: event.CaseUpdated, ObjectID: id, At: epoch,
		Payload: []byte(`{"version":` + strconv.FormatInt(version, 10) + `}`)}
}

// crashChild saves records as fast as it can, each with one event
// (crashEvent), printing "begin OP ID VERSION" before each save and "ack OP
// ID VERSION" once it returned, until killed.
func crashChild(dir, seed string) error {
	n, _ := strconv.ParseUint(seed, 10, 64)
	rnd := rand.New(rand.NewPCG(n, n))
	s, err := file.Open(dir, file.Options{})
	if err != nil {
		return err
	}
	fmt.Println("ready")
	for {
		id := crashID(rnd.IntN(crashCases))
		cur, err := s.Get(bg, id)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			fmt.Printf("begin create %s 1\n", id)
			if _, err := s.Create(bg, crashRecord(id, 1), crashEvent("create", id, 1)); err != nil {
				return err
			}
			fmt.Printf("ack create %s 1\n", id)
		case err != nil:
			return err
		case rnd.IntN(8) == 0:
			fmt.Printf("begin delete %s %d\n", id, cur.Version)
			if err := s.Delete(bg, id, cur.Version, epoch, crashEvent("delete", id, cur.Version)); err != nil {
				return err
			}
			fmt.Printf("ack delete %s %d\n", id, cur.Version)
		default:
			v := cur.Version + 1
			fmt.Printf("begin update %s %d\n", id, v)
			if _, err := s.Update(bg, crashRecord(id, v), crashEvent("update", id, v)); err != nil {
				return err
			}
			fmt.Printf("ack update %s %d\n", id, v)
		}
	}
}

// crashModel is what the parent knows of the cases: their version, 0 when
// they do not exist, and the ids of the events of their acknowledged saves,
// in order.
type crashModel struct {
	version map[string]int64
	events  map[string][]string
}

type crashOp struct {
	op, id  string
	version int64
}

func (o crashOp) eventID() string { return crashEvent(o.op, o.id, o.version).ID }

func (m crashModel) apply(o crashOp) {
	if o.op == "delete" {
		m.version[o.id] = 0
	} else {
		m.version[o.id] = o.version
	}
	m.events[o.id] = append(m.events[o.id], o.eventID())
}

// TestCrash kills a child process at random moments while it saves records
// (fsync on), many times over one directory. After each kill the store must
// open, hold every acknowledged save whole, have at most the one save in
// flight applied or not, and have an index that matches the files exactly.
func TestCrash(t *testing.T) {
	kills := 25
	if testing.Short() {
		kills = 6
	}
	dir := t.TempDir()
	model := crashModel{version: map[string]int64{}, events: map[string][]string{}}
	// A Store that stays open across all rounds: it must follow what the
	// killed children did without reopening, and it writes too (case
	// "parent"), so it also repairs what they left.
	live := openT(t, dir, file.Options{})
	parent := mustCreate(t, live, record("parent", "ext-parent", 0))
	// Compact the index log every few writes in the children, so that
	// kills also land in the middle of compactions.
	t.Setenv(file.CompactMinEnv, "5")
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rnd := rand.New(rand.NewPCG(seed, seed))
	totalAcks := 0
	for round := range kills {
		cmd, stdout, stdin, stderr := child(t, "crash", dir, strconv.FormatUint(rnd.Uint64(), 10))
		stdin.Close()
		lines := make(chan string, 1024)
		go func() {
			defer close(lines)
			r := bufio.NewReader(stdout)
			for {
				line, err := r.ReadString('\n')
				if err != nil {
					return // a line cut by the kill has no newline: dropped
				}
				lines <- strings.TrimSuffix(line, "\n")
			}
		}()
		// Usually wait until the child opened the store and then let it
		// save for a while; sometimes kill it while it opens (and repairs
		// what the previous child left).
		var pending *crashOp
		acks := 0
		consume := func(line string) {
			f := strings.Fields(line)
			if len(f) != 4 {
				return
			}
			v, _ := strconv.ParseInt(f[3], 10, 64)
			o := crashOp{f[1], f[2], v}
			switch f[0] {
			case "begin":
				pending = &o
			case "ack":
				model.apply(o)
				pending = nil
				acks++
			}
		}
		if rnd.IntN(5) > 0 {
			if line, ok := <-lines; !ok || line != "ready" {
				cmd.Wait()
				t.Fatalf("round %d: child did not start: %q %s", round, line, stderr)
			}
			time.Sleep(time.Duration(5+rnd.IntN(150)) * time.Millisecond)
		} else {
			time.Sleep(time.Duration(rnd.IntN(15)) * time.Millisecond)
		}
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		for line := range lines {
			consume(line)
		}
		err := cmd.Wait()
		if ee := (*exec.ExitError)(nil); !errors.As(err, &ee) || ee.Exited() {
			t.Fatalf("round %d: child ended by itself (%v): %s", round, err, stderr)
		}
		totalAcks += acks
		checkAfterCrash(t, round, "live store", live, model, pending)
		if parent, err = live.Update(bg, parent); err != nil {
			t.Fatalf("round %d: live store: Update after kill: %v", round, err)
		}
		s, err := file.Open(dir, file.Options{})
		if err != nil {
			t.Fatalf("round %d: Open after kill: %v", round, err)
		}
		for _, de := range mustReadDir(t, filepath.Join(dir, "records")) {
			if strings.Contains(de.Name(), ".tmp-") {
				t.Fatalf("round %d: temporary file %s survived Open", round, de.Name())
			}
		}
		checkAfterCrash(t, round, "new store", s, model, pending)
		if pending != nil {
			// Learn whether the save in flight landed.
			rec, err := s.Get(bg, pending.id)
			got := int64(0)
			if err == nil {
				got = rec.Version
			}
			if got != model.version[pending.id] {
				model.apply(*pending)
			}
		}
		s.Close()
	}
	if got := mustGet(t, live, "parent"); got.Version != int64(1+kills) {
		t.Fatalf("parent case at version %d, want %d", got.Version, 1+kills)
	}
	t.Logf("%d kills, %d acknowledged saves", kills, totalAcks)
	if totalAcks < kills {
		t.Fatalf("only %d saves acknowledged in %d rounds: the test did not exercise the store", totalAcks, kills)
	}
}

// checkAfterCrash checks, through s, that the store holds the state of
// model, give or take the save in flight (pending), and nothing torn.
func checkAfterCrash(t *testing.T, round int, who string, s *file.Store, model crashModel, pending *crashOp) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("round %d: %s: %s", round, who, fmt.Sprintf(format, args...))
	}
	want := []string{"parent"}
	for k := range crashCases {
		id := crashID(k)
		allowed := []int64{model.version[id]}
		if pending != nil && pending.id == id {
			after := crashModel{version: map[string]int64{id: model.version[id]}, events: map[string][]string{}}
			after.apply(*pending)
			allowed = append(allowed, after.version[id])
		}
		rec, err := s.Get(bg, id)
		var got int64
		switch {
		case errors.Is(err, storage.ErrNotFound):
		case err != nil:
			fail("Get(%s): %v", id, err)
		default:
			got = rec.Version
			if err := checkCrashRecord(rec); err != nil {
				fail("%v", err)
			}
		}
		if !slices.Contains(allowed, got) {
			fail("case %s is at version %d, want one of %v (0: absent)", id, got, allowed)
		}
		// The audit log holds the event of every acknowledged save, in
		// order, and the one of the save in flight exactly when it landed.
		wantEvents := slices.Clone(model.events[id])
		if got != model.version[id] {
			wantEvents = append(wantEvents, pending.eventID())
		}
		var gotEvents []string
		for after := uint64(0); ; {
			evs, err := s.Events(bg, id, after, 7)
			if err != nil {
				fail("Events(%s): %v", id, err)
			}
			if len(evs) == 0 {
				break
			}
			for _, e := range evs {
				gotEvents = append(gotEvents, e.ID)
				after = e.Seq
			}
		}
		if !slices.Equal(gotEvents, wantEvents) {
			fail("audit log of %s = %v, want %v", id, gotEvents, wantEvents)
		}
		if got == 0 {
			continue
		}
		want = append(want, id)
		if byExt, err := s.GetByExternalID(bg, crashExt(id, got)); err != nil || byExt.Case.ID != id || byExt.Version != got {
			fail("GetByExternalID(%s) = %v, %v", crashExt(id, got), byExt, err)
		}
		for _, c := range crashChecks(id, got) {
			if owner, err := s.CaseOfEntity(bg, c); err != nil || owner != id {
				fail("CaseOfEntity(%s) = %q, %v", c, owner, err)
			}
		}
	}
	var listed []string
	for c, err := range storage.All(bg, s, storage.Query{Limit: 5}) {
		if err != nil {
			fail("Query: %v", err)
		}
		listed = append(listed, c.ID)
	}
	slices.Sort(want)
	if !slices.Equal(listed, want) {
		fail("Query = %v, want %v", listed, want)
	}
	// The summary index follows the records: names hold the version.
	var byName []string
	for c, err := range storage.All(bg, s, storage.Query{NameContains: " AT V", Sort: storage.SortName, Limit: 3}) {
		if err != nil {
			fail("Query by name: %v", err)
		}
		if !strings.HasSuffix(c.Name, fmt.Sprintf(" at v%d", mustGet(t, s, c.ID).Version)) {
			fail("Query by name returned %s named %q", c.ID, c.Name)
		}
		byName = append(byName, c.ID)
	}
	if !slices.Equal(byName, want[:len(want)-1]) { // all but "parent", whose name has no version
		fail("Query by name = %v, want %v", byName, want[:len(want)-1])
	}
	if err := s.Verify(bg); err != nil {
		fail("Verify: %v", err)
	}
}

// ---- Two processes ----

// counterChild increments the "count" metadata of case arg (after "go" on
// stdin) through the store, retrying on conflict, and prints how many
// conflicts it met.
func counterChild(dir, arg string) error {
	id, nStr, _ := strings.Cut(arg, ",")
	n, _ := strconv.Atoi(nStr)
	s, err := file.Open(dir, file.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	waitGo()
	conflicts := 0
	for i := 0; i < n; {
		rec, err := s.Get(bg, id)
		if err != nil {
			return err
		}
		c, err := strconv.Atoi(rec.Case.Metadata["count"])
		if err != nil {
			return err
		}
		rec.Case.Metadata["count"] = strconv.Itoa(c + 1)
		// Widen the read-modify-write window so the other process often
		// commits in between: those updates must conflict, not be lost.
		time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond)
		_, err = s.Update(bg, rec)
		switch {
		case errors.Is(err, storage.ErrConflict):
			conflicts++
		case err != nil:
			return err
		default:
			i++
		}
	}
	fmt.Println("conflicts", conflicts)
	return nil
}

// waitGo tells the parent the child is ready and waits for its "go", so that
// both children run at the same time.
func waitGo() {
	fmt.Println("ready")
	bufio.NewReader(os.Stdin).ReadString('\n')
}

// runPair runs two children of mode on case id with n increments each.
func runPair(t *testing.T, mode, dir, id string, n int) []string {
	t.Helper()
	type proc struct {
		cmd    *exec.Cmd
		out    *bufio.Reader
		in     io.WriteCloser
		stderr *strings.Builder
	}
	var procs []proc
	for range 2 {
		cmd, stdout, stdin, stderr := child(t, mode, dir, fmt.Sprintf("%s,%d", id, n))
		p := proc{cmd, bufio.NewReader(stdout), stdin, stderr}
		if line, err := p.out.ReadString('\n'); err != nil || line != "ready\n" {
			cmd.Wait()
			t.Fatalf("child did not start: %q %v %s", line, err, stderr)
		}
		procs = append(procs, p)
	}
	for _, p := range procs {
		io.WriteString(p.in, "go\n")
		p.in.Close()
	}
	var outs []string
	for _, p := range procs {
		out, _ := io.ReadAll(p.out)
		if err := p.cmd.Wait(); err != nil {
			t.Fatalf("child: %v: %s", err, p.stderr)
		}
		outs = append(outs, strings.TrimSpace(string(out)))
	}
	return outs
}

// TestTwoProcesses: two processes increment one counter many times, each
// retrying on conflict; no increment is lost.
func TestTwoProcesses(t *testing.T) {
	if !flockAvailable {
		t.Skip("no inter-process lock on this platform")
	}
	const n = 100
	dir := t.TempDir()
	s := openT(t, dir, file.Options{})
	rec := record("counter", "", 0)
	rec.Case.Metadata = cases.Metadata{"count": "0"}
	mustCreate(t, s, rec)
	outs := runPair(t, "counter", dir, "counter", n)
	got := mustGet(t, s, "counter")
	if got.Case.Metadata["count"] != strconv.Itoa(2*n) || got.Version != 1+2*n {
		t.Fatalf("count %s at version %d, want %d at %d: increments were lost", got.Case.Metadata["count"], got.Version, 2*n, 1+2*n)
	}
	t.Logf("children: %q", outs)
}
