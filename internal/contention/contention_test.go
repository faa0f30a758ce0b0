// Package contention_test checks that a Workspace's retries survive
// ordinary contention between operating-system processes sharing one file
// store: the test binary re-runs itself as worker processes, each making
// changes to the same case under the default settings.
//
// Measured on a shared 2-core machine, 7 runs of
//
//	go test -count=1 -v -run Contention ./internal/contention/
//
// (one of them with -race): 800 of 800 changes saved in every run, in 3.6
// to 9.4 s; the slowest single change took 0.3 to 3.7 s (the default
// retry timeout is 5 s). Without retries about 45 % of the changes give
// up with ErrConflict.
package contention_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/storage/file"
)

const (
	workerEnv  = "DOSSIER_CONTENTION_WORKER" // the worker's number
	dirEnv     = "DOSSIER_CONTENTION_DIR"
	caseEnv    = "DOSSIER_CONTENTION_CASE"
	changesEnv = "DOSSIER_CONTENTION_CHANGES"
	onceEnv    = "DOSSIER_CONTENTION_ONCE" // set: no retries (WithRetryTimeout(0))
)

// TestMain runs a worker instead of the tests when the binary is started
// as one.
func TestMain(m *testing.M) {
	if n := os.Getenv(workerEnv); n != "" {
		os.Exit(worker(n))
	}
	os.Exit(m.Run())
}

// worker makes the changes and prints one line of figures:
// "ok=N conflict=N other=N slowest=D".
func worker(n string) int {
	changes, err := strconv.Atoi(os.Getenv(changesEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		return 2
	}
	st, err := file.Open(os.Getenv(dirEnv), file.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker: open:", err)
		return 2
	}
	defer st.Close()
	var opts []dossier.Option
	if os.Getenv(onceEnv) != "" {
		opts = append(opts, dossier.WithRetryTimeout(0))
	}
	w, err := dossier.New(st, dossier.Settings{}, opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		return 2
	}
	ctx := context.Background()
	caseID := os.Getenv(caseEnv)
	var ok, conflicts, other int
	var slowest time.Duration
	for i := range changes {
		start := time.Now()
		_, err := w.UpdateCase(ctx, caseID, dossier.UpdateCaseInput{Name: patch.Value(fmt.Sprintf("worker %s change %d", n, i))})
		slowest = max(slowest, time.Since(start))
		switch {
		case err == nil:
			ok++
		case errors.Is(err, dossier.ErrConflict):
			conflicts++
			if os.Getenv(onceEnv) == "" {
				fmt.Fprintln(os.Stderr, "worker: gave up:", err)
			}
		default:
			other++
			fmt.Fprintln(os.Stderr, "worker: failed:", err)
		}
	}
	fmt.Printf("ok=%d conflict=%d other=%d slowest=%s\n", ok, conflicts, other, slowest.Round(time.Millisecond))
	return 0
}

// TestRetriesSurviveProcessContention runs 4 processes making 200 changes
// each to one case of a file store, with the default Workspace settings
// (the default retry timeout): none may give up with ErrConflict, and the
// audit log holds every change. The same run without retries shows that
// the contention is real: changes then give up.
func TestRetriesSurviveProcessContention(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 4 processes making 800 durable changes")
	}
	const procs, changes = 4, 200
	t.Run("default settings", func(t *testing.T) {
		ok, conflicts, other := contend(t, procs, changes, false)
		if conflicts != 0 || other != 0 || ok != procs*changes {
			t.Fatalf("%d saved, %d gave up with ErrConflict, %d failed otherwise; want all %d saved", ok, conflicts, other, procs*changes)
		}
	})
	t.Run("no retries", func(t *testing.T) {
		ok, conflicts, other := contend(t, procs, changes/2, true)
		if conflicts == 0 || other != 0 || ok+conflicts != procs*changes/2 {
			t.Fatalf("%d saved, %d gave up with ErrConflict, %d failed otherwise; want some to give up", ok, conflicts, other)
		}
	})
}

// contend runs procs worker processes making changes each to one new case
// and returns their figures; it checks that the audit log holds one event
// per saved change.
func contend(t *testing.T, procs, changes int, once bool) (ok, conflicts, other int) {
	dir := t.TempDir()
	st, err := file.Open(dir, file.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w, err := dossier.New(st, dossier.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "contended"})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	cmds := make([]*exec.Cmd, procs)
	outs := make([]*strings.Builder, procs)
	start := time.Now()
	for i := range cmds {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), workerEnv+"="+strconv.Itoa(i), dirEnv+"="+dir,
			caseEnv+"="+c.ID, changesEnv+"="+strconv.Itoa(changes))
		if once {
			cmd.Env = append(cmd.Env, onceEnv+"=1")
		}
		outs[i] = new(strings.Builder)
		cmd.Stdout = outs[i]
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[i] = cmd
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("worker %d: %v", i, err)
		}
		var o, c, x int
		var slowest string
		if _, err := fmt.Sscanf(outs[i].String(), "ok=%d conflict=%d other=%d slowest=%s", &o, &c, &x, &slowest); err != nil {
			t.Fatalf("worker %d printed %q: %v", i, outs[i].String(), err)
		}
		t.Logf("worker %d: %d saved, %d gave up on a conflict, %d other errors, slowest change %s", i, o, c, x, slowest)
		ok, conflicts, other = ok+o, conflicts+c, other+x
	}
	t.Logf("%d processes x %d changes in %s", procs, changes, time.Since(start).Round(time.Millisecond))

	st, err = file.Open(dir, file.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w, err = dossier.New(st, dossier.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	updates := 0
	for e, err := range w.Events(ctx, c.ID) {
		if err != nil {
			t.Fatal(err)
		}
		if e.Type == event.CaseUpdated {
			updates++
		}
	}
	if updates != ok {
		t.Errorf("the audit log holds %d case.updated events, want one per saved change, %d", updates, ok)
	}
	return ok, conflicts, other
}
