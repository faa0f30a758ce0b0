package dossier

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/validation"
)

// ErrStaleVersion is matched by the error of a conditional change (see
// IfMatch) whose expected version is not the stored one: the client did not
// see the latest state of the case (HTTP 412). It also matches ErrConflict.
var ErrStaleVersion = errors.New("dossier: stale version")

// StaleVersionError is the error of a conditional change whose expected
// version is not the stored version of the case. Nothing was saved and the
// change was not retried. It matches ErrStaleVersion and ErrConflict.
type StaleVersionError struct {
	// Expected is the version the change was made against (IfMatch).
	Expected int64
	// Current is the stored version when it is known, 0 when another
	// writer saved the case between the read and the write.
	Current int64
	err     error
}

// Error says which version the change expected and, when known, the
// stored one.
func (e *StaleVersionError) Error() string {
	if e.Current == 0 {
		return fmt.Sprintf("the case changed since version %d", e.Expected)
	}
	return fmt.Sprintf("the case is at version %d, not %d", e.Current, e.Expected)
}

// Unwrap returns the store's conflict error when the case changed between
// the read and the write (for logs), nil otherwise.
func (e *StaleVersionError) Unwrap() error { return e.err }

// Is reports whether target is ErrStaleVersion or ErrConflict.
func (e *StaleVersionError) Is(target error) bool {
	return target == ErrStaleVersion || target == ErrConflict
}

type ifMatchKey struct{}

// IfMatch returns a context that makes every change made with it
// conditional on the case being at version (the If-Match of an HTTP API:
// the version the client last read, cases.Case.Version). When the stored
// version is another, the change fails with a *StaleVersionError (matching
// ErrStaleVersion and ErrConflict), saves nothing and is not retried: the
// client reads the case again and decides. A version below 1 makes the
// change fail with a *validation.Error at "if_match".
//
// Without IfMatch a change is applied to the latest state of the case, and
// re-applied when another writer saved it in between; the change's own
// checks (transitions, invariants) still hold, but a client cannot know
// what it overwrote.
func IfMatch(ctx context.Context, version int64) context.Context {
	return context.WithValue(ctx, ifMatchKey{}, version)
}

func ifMatchOf(ctx context.Context) (version int64, ok bool, err error) {
	v, ok := ctx.Value(ifMatchKey{}).(int64)
	if ok && v < 1 {
		return 0, false, validation.New("if_match", validation.CodeOutOfRange, "an expected version is 1 or more")
	}
	return v, ok, nil
}

// MaxActorIDLen is the longest actor id accepted, in characters.
const MaxActorIDLen = 256

// DefaultActor is the actor named by the events of changes made with a
// context that carries none (see WithActor and WithDefaultActor): the
// workspace itself.
var DefaultActor = event.Actor{Type: event.ActorSystem, ID: "dossier"}

type actorKey struct{}

// WithActor returns a context that makes the Workspace name actor as the
// author of the changes made with it: every event of those changes carries
// it. A host sets it from its authentication (a user id, an API key id, a
// job name). It fails with a *validation.Error (matching ErrInvalid) when
// the actor is not valid (see ValidateActor), and then returns ctx
// unchanged.
func WithActor(ctx context.Context, actor event.Actor) (context.Context, error) {
	if err := ValidateActor(actor); err != nil {
		return ctx, err
	}
	return context.WithValue(ctx, actorKey{}, actor), nil
}

// ValidateActor returns a *validation.Error unless the actor's type is
// user, api or system and its id is 1 to MaxActorIDLen characters of valid
// UTF-8 without control or invisible formatting characters (paths
// "actor.type" and "actor.id").
func ValidateActor(a event.Actor) error {
	var l validation.List
	if !a.Type.Valid() {
		l.Addf("actor.type", validation.CodeInvalidValue, "actor type must be user, api or system, got %q", a.Type)
	}
	switch n := utf8.RuneCountInString(a.ID); {
	case strings.TrimSpace(a.ID) == "":
		l.Add("actor.id", validation.CodeRequired, "actor id must not be empty")
	case n > MaxActorIDLen:
		l.Addf("actor.id", validation.CodeTooLong, "actor id has %d characters, at most %d allowed", n, MaxActorIDLen)
	case !utf8.ValidString(a.ID):
		l.Add("actor.id", validation.CodeInvalidFormat, "actor id is not valid UTF-8")
	case strings.ContainsFunc(a.ID, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }):
		l.Add("actor.id", validation.CodeInvalidFormat, "actor id contains control or invisible formatting characters")
	}
	return l.Err()
}

// actorOf returns the actor of ctx (WithActor validated it), or the
// workspace's default actor.
func (w *Workspace) actorOf(ctx context.Context) event.Actor {
	if a, ok := ctx.Value(actorKey{}).(event.Actor); ok {
		return a
	}
	return w.actor
}
