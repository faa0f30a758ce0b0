// Command dossier-server serves the Dotfile-compatible REST API of package
// dossierhttp over one dossier workspace.
//
// By default it keeps the workspace in a data directory with the file
// adapter; with -dsn it uses PostgreSQL (the schema is migrated at start).
// Clients authenticate with a static bearer token read from the environment
// variable DOSSIER_TOKEN: the server refuses to start without one unless
// -no-auth says explicitly that something in front of it authenticates.
// Changes are recorded in the audit log under the actor api/<-actor>.
//
//	DOSSIER_TOKEN=s3cret go run ./cmd/dossier-server -data ./dossier-data -addr :8080
//	curl -H 'Authorization: Bearer s3cret' -d '{"name":"Acme Ltd"}' localhost:8080/v1/cases
//
// SIGINT or SIGTERM stops it gracefully: it stops accepting connections,
// lets the requests in flight finish (for up to -shutdown-timeout) and
// closes the store.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/dossierhttp"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/file"
	"github.com/dossierkit/dossier/storage/postgres"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "dossier-server:", err)
		os.Exit(1)
	}
}

// config is what the flags and the environment say.
type config struct {
	addr, data, dsn, workspace, actor string
	noAuth                            bool
	maxBody                           int64
	shutdown                          time.Duration
	token                             string
}

func parse(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("dossier-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "localhost:8080", "address to listen on")
	fs.StringVar(&c.data, "data", "dossier-data", "data directory of the file adapter")
	fs.StringVar(&c.dsn, "dsn", "", "PostgreSQL DSN; when set, the workspace is kept in PostgreSQL instead of -data")
	fs.StringVar(&c.workspace, "workspace", "default", "workspace id in PostgreSQL (with -dsn)")
	fs.StringVar(&c.actor, "actor", "dossier-server", "actor id recorded for changes made with the token")
	fs.BoolVar(&c.noAuth, "no-auth", false, "serve without authentication (only behind an authenticating proxy)")
	fs.Int64Var(&c.maxBody, "max-body", dossierhttp.DefaultMaxBodyBytes, "largest request body in bytes")
	fs.DurationVar(&c.shutdown, "shutdown-timeout", 10*time.Second, "how long requests in flight may take to finish at shutdown")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	c.token = getenv("DOSSIER_TOKEN")
	switch {
	case c.token == "" && !c.noAuth:
		return c, errors.New("DOSSIER_TOKEN is not set: set it to the bearer token clients must send, or pass -no-auth explicitly")
	case c.token != "" && c.noAuth:
		return c, errors.New("-no-auth with DOSSIER_TOKEN set: choose one")
	}
	return c, nil
}

// run serves until ctx ends or a signal comes; ready, when not nil,
// receives the listener's address once it listens.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, ready chan<- string) error {
	c, err := parse(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	var store storage.Store
	var closeStore func() error
	if c.dsn != "" {
		s, err := postgres.Open(ctx, c.dsn, c.workspace, postgres.AutoMigrate())
		if err != nil {
			return fmt.Errorf("opening PostgreSQL: %w", err)
		}
		store, closeStore = s, func() error { s.Close(); return nil }
	} else {
		s, err := file.Open(c.data, file.Options{})
		if err != nil {
			return fmt.Errorf("opening the data directory: %w", err)
		}
		store, closeStore = s, s.Close
	}
	defer func() {
		if err := closeStore(); err != nil {
			log.Error("closing the store", "err", err)
		}
	}()
	w, err := dossier.New(store, dossier.Settings{})
	if err != nil {
		return err
	}
	opts := []dossierhttp.Option{dossierhttp.WithMaxBodyBytes(c.maxBody),
		dossierhttp.WithErrorLog(func(r *http.Request, err error) {
			log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		})}
	if c.noAuth {
		opts = append(opts, dossierhttp.WithoutAuthentication())
	} else {
		opts = append(opts, dossierhttp.WithAuthenticator(dossierhttp.BearerToken(c.token, event.Actor{Type: event.ActorAPI, ID: c.actor})))
	}
	h, err := dossierhttp.New(w, opts...)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("serving", "addr", ln.Addr().String())
	if ready != nil {
		ready <- ln.Addr().String()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), c.shutdown)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}
