// Package pgtest gives tests a real PostgreSQL server, never a mock.
//
// A test binary calls Main from its TestMain. The server is found in this
// order:
//
//  1. the DSN in the environment variable DOSSIER_TEST_POSTGRES_DSN, used
//     as is (the database must exist; tests create their own tables and
//     use unique workspace ids, so a shared database is fine);
//  2. otherwise, when the PostgreSQL server programs are installed
//     (in DOSSIER_TEST_POSTGRES_BIN, on PATH, or in Debian's
//     /usr/lib/postgresql/*/bin; DOSSIER_TEST_POSTGRES_BIN=none starts none),
//     a throwaway cluster in a temporary directory, listening only on a
//     unix socket in that directory, started once per test binary and
//     removed when it exits (or, if the binary died first, by the next
//     test binary that starts one). When the tests run as root the cluster runs
//     as the user "nobody" (PostgreSQL refuses to run as root).
//  3. otherwise DSN skips the test with one line saying how to run it, or
//     fails it when DOSSIER_REQUIRE_POSTGRES=1 (CI sets it, so skipped
//     PostgreSQL tests fail the build). Examples, which cannot skip, are
//     left out of the run (with DOSSIER_REQUIRE_POSTGRES=1 they run and
//     fail).
//
// The throwaway cluster runs with fsync off (it is discarded after the
// run, and the tests measure the adapter, not the disk), unless
// DOSSIER_TEST_POSTGRES_DURABLE=1.
package pgtest

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// EnvDSN names the environment variable holding the DSN of a server to
// test against.
const EnvDSN = "DOSSIER_TEST_POSTGRES_DSN"

// EnvDurable names the environment variable that, set to 1, starts the
// throwaway cluster with PostgreSQL's durable defaults (fsync and
// synchronous commit on) instead of fsync off: for benchmarks that
// should pay for the disk as production does.
const EnvDurable = "DOSSIER_TEST_POSTGRES_DURABLE"

// EnvRequire names the environment variable that, set to 1, turns a
// skipped PostgreSQL test into a failure.
const EnvRequire = "DOSSIER_REQUIRE_POSTGRES"

// SkipMessage is the one line a test skipped for want of a server shows.
const SkipMessage = "PostgreSQL tests skipped: set " + EnvDSN + " to a server's DSN, or install the PostgreSQL server programs (Debian: apt-get install postgresql) so the tests start a throwaway cluster"

// server is the state Main sets for the test binary; tests read it through
// DSN. It is written once, before m.Run.
var server struct {
	dsn    string
	reason string // why there is no server, when dsn is ""
}

// Main finds or starts a server, runs the tests, stops the server it
// started and returns the exit code for os.Exit.
func Main(m *testing.M) int {
	if dsn := os.Getenv(EnvDSN); dsn != "" {
		server.dsn = dsn
		return m.Run()
	}
	bin := findBin()
	if bin == "" {
		server.reason = SkipMessage
		if os.Getenv(EnvRequire) != "1" {
			// Examples cannot skip themselves: leave them out.
			fmt.Fprintln(os.Stderr, SkipMessage)
			skip := "^Example"
			if f := flag.Lookup("test.skip"); f != nil && f.Value.String() != "" {
				skip = f.Value.String() + "|" + skip
			}
			flag.Set("test.skip", skip)
		}
		return m.Run()
	}
	reapStale(bin)
	c, err := start(bin)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: cannot start a throwaway PostgreSQL cluster: %v\n", err)
		return 1
	}
	server.dsn = c.dsn
	// Child processes of multi-process tests reach the same server.
	os.Setenv(EnvDSN, c.dsn)
	code := m.Run()
	if err := c.stop(); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: stopping the throwaway cluster: %v\n", err)
	}
	return code
}

// DSN returns the DSN of the test server, or skips t (fails it when
// DOSSIER_REQUIRE_POSTGRES=1) when there is none. It requires Main to
// have run from TestMain.
func DSN(t testing.TB) string {
	t.Helper()
	if server.dsn != "" {
		return server.dsn
	}
	reason := server.reason
	if reason == "" {
		reason = "pgtest: Main was not called from TestMain"
	}
	if os.Getenv(EnvRequire) == "1" {
		t.Fatalf("%s=1 requires the PostgreSQL tests to run: %s", EnvRequire, reason)
	}
	t.Skip(reason)
	return ""
}

// EnvBin names the environment variable that, when set, is the directory
// of initdb and pg_ctl to use, or "none" to start no cluster.
const EnvBin = "DOSSIER_TEST_POSTGRES_BIN"

// findBin returns the directory holding initdb and pg_ctl, or "".
func findBin() string {
	switch dir := os.Getenv(EnvBin); dir {
	case "none":
		return ""
	case "":
	default:
		return dir
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	// Highest major version first.
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return vb - va
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
				return d
			}
		}
	}
	return ""
}

type cluster struct {
	bin, dir, dsn string
	cred          *syscall.Credential
}

// ownerFile names the file, in a cluster's directory, holding the process
// id of the test binary that started it.
const ownerFile = "owner.pid"

// reapStale stops and removes the clusters of test binaries that died
// without stopping theirs (a panic, a kill): their directory's owner
// process no longer exists.
func reapStale(bin string) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "dossier-pgtest-*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 || alive(pid) {
			continue
		}
		c := &cluster{bin: bin, dir: dir, cred: credOf(dir)}
		if err := c.stop(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: removing the stale cluster %s: %v\n", dir, err)
		}
	}
}

// alive reports whether process pid exists and is not a zombie.
func alive(pid int) bool {
	if syscall.Kill(pid, 0) == syscall.ESRCH {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true // no /proc: trust kill
	}
	// The state follows the command name in parentheses: "pid (comm) S ...".
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}

// credOf returns the credential to run the server programs of the cluster
// in dir with: its owner's, when running as root.
func credOf(dir string) *syscall.Credential {
	if os.Geteuid() != 0 {
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	return &syscall.Credential{Uid: st.Uid, Gid: st.Gid}
}

// start creates and starts a cluster in a new temporary directory.
func start(bin string) (*cluster, error) {
	dir, err := os.MkdirTemp("", "dossier-pgtest-")
	if err != nil {
		return nil, err
	}
	c := &cluster{bin: bin, dir: dir}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("nobody")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root and no user nobody to run PostgreSQL as: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	data := filepath.Join(dir, "data")
	if err := c.run("initdb", "-D", data, "-U", "dossier", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	opts := fmt.Sprintf("-c listen_addresses='' -c unix_socket_directories=%s -c max_connections=200", dir)
	if os.Getenv(EnvDurable) != "1" {
		opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	if err := c.run("pg_ctl", "-D", data, "-l", filepath.Join(dir, "log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		os.RemoveAll(dir)
		return nil, fmt.Errorf("%w\n%s", err, log)
	}
	c.dsn = fmt.Sprintf("host=%s user=dossier dbname=postgres sslmode=disable", dir)
	return c, nil
}

func (c *cluster) stop() error {
	err := c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
	if rmErr := os.RemoveAll(c.dir); err == nil {
		err = rmErr
	}
	return err
}

// run runs one of the server programs as the cluster's user.
func (c *cluster) run(prog string, args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, prog), args...)
	cmd.Dir = c.dir
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w\n%s", prog, err, out.String())
	}
	return nil
}
