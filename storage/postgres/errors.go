package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dossierkit/dossier/storage"
)

// Errors of this adapter, besides the storage sentinels it translates
// server errors into (storage.ErrConflict, storage.ErrDuplicateExternalID,
// storage.ErrNotFound). Context errors are returned wrapped, so
// errors.Is(err, context.Canceled) and context.DeadlineExceeded work.
var (
	// ErrUnavailable: the server could not be reached or the connection
	// was lost (the backend was terminated, the network dropped, or the
	// context ended and the connection was abandoned before the server
	// answered; the error then also matches the context's error). A write
	// that fails with it was either applied entirely or not at all: read
	// the case again to know which.
	ErrUnavailable = errors.New("postgres: database unavailable")
	// ErrPoolExhausted: no connection of the pool became free within the
	// store's acquire timeout (see WithAcquireTimeout).
	ErrPoolExhausted = errors.New("postgres: no free connection in the pool")
	// ErrSchemaTooNew: the database was migrated by a newer version of
	// this package.
	ErrSchemaTooNew = errors.New("postgres: database schema is newer than this package")
	// ErrNotMigrated: the database has no dossier schema, or an older
	// version of it; run Migrate (or open with AutoMigrate).
	ErrNotMigrated = errors.New("postgres: database schema not migrated")
)

// Constraint names the adapter translates; they are created by the
// migrations.
const (
	constraintCasesPK    = "dossier_cases_pkey"
	constraintExternalID = "dossier_cases_external_id"
)

// SQLSTATE codes the adapter translates.
const (
	codeUniqueViolation = "23505"
	codeUndefinedTable  = "42P01"
)

// translate turns a pgx error into the error the adapter returns: the
// context's error when ctx is done (with ErrUnavailable too when the server
// did not answer, see ParseConfig), a storage sentinel or one of this
// package's errors by SQLSTATE and constraint name, never by message text.
// The server's own error stays wrapped for logs.
func translate(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	if ctxErr := ctx.Err(); ctxErr != nil {
		if errors.As(err, &pgErr) || errors.Is(err, ctxErr) && !isConnError(err) {
			// The server answered (the statement was canceled), or the
			// call stopped before anything was sent: nothing was written.
			return fmt.Errorf("postgres: %s: %w", op, ctxErr)
		}
		// The connection was abandoned without the server's answer: the
		// statement may still have committed.
		return fmt.Errorf("postgres: %s: %w, outcome unknown: %w", op, ctxErr, ErrUnavailable)
	}
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code == codeUniqueViolation && pgErr.ConstraintName == constraintExternalID:
			return fmt.Errorf("postgres: %s: %w", op, storage.ErrDuplicateExternalID)
		case pgErr.Code == codeUniqueViolation && pgErr.ConstraintName == constraintCasesPK:
			return fmt.Errorf("postgres: %s: %w", op, storage.ErrConflict)
		case pgErr.Code == codeUndefinedTable:
			return fmt.Errorf("postgres: %s: %w (%w)", op, ErrNotMigrated, err)
		case pgErr.Code[:2] == "08" || pgErr.Code[:2] == "57": // connection exception, operator intervention
			return fmt.Errorf("postgres: %s: %w (%w)", op, ErrUnavailable, err)
		}
		return fmt.Errorf("postgres: %s: %w", op, err)
	}
	if pgconn.SafeToRetry(err) || isConnError(err) {
		return fmt.Errorf("postgres: %s: %w (%w)", op, ErrUnavailable, err)
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}

// isConnError reports whether err comes from the connection rather than
// from a statement: a failed connect, a network error, a connection closed
// under the statement.
func isConnError(err error) bool {
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connectErr) || errors.As(err, &netErr) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed)
}
