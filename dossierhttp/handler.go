package dossierhttp

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/validation"
)

// DefaultMaxBodyBytes is the largest request body a Handler reads unless
// WithMaxBodyBytes says otherwise: 1 MiB.
const DefaultMaxBodyBytes = 1 << 20

// ErrUnauthenticated is what an Authenticator returns (or wraps) when the
// request carries no valid credentials: the answer is 401 with a
// WWW-Authenticate challenge.
var ErrUnauthenticated = errors.New("dossierhttp: unauthenticated")

// ErrForbidden is what an Authenticator returns (or wraps) when the
// credentials are valid but may not use the API: the answer is 403.
var ErrForbidden = errors.New("dossierhttp: forbidden")

// Problem codes the handler adds to those of dossier.Problem.
const (
	ProblemUnauthenticated = "unauthenticated"
	ProblemForbidden       = "forbidden"
	ProblemRouteNotFound   = "route_not_found"
)

// Authenticator tells who sends a request: the actor is recorded in the
// audit log of every change the request makes. An error that matches
// ErrForbidden answers 403; any other error answers 401. The error's text
// is never sent to the client.
type Authenticator func(*http.Request) (event.Actor, error)

// Handler serves the Dotfile-compatible REST API over a Workspace. Build it
// with New; it is safe for concurrent use.
type Handler struct {
	w        *dossier.Workspace
	auth     Authenticator
	authSet  bool
	noAuth   bool
	maxBody  int64
	mux      *http.ServeMux
	onError  func(*http.Request, error)
	noEvents bool
}

// Option configures a Handler.
type Option func(*Handler)

// WithAuthenticator sets the function that authenticates every request.
func WithAuthenticator(a Authenticator) Option {
	return func(h *Handler) { h.auth, h.authSet = a, true }
}

// WithoutAuthentication serves every route without authenticating: the
// changes are recorded under the workspace's default actor. Only for hosts
// that authenticate in front of the handler (or for tests); New refuses a
// Handler with neither this option nor WithAuthenticator.
func WithoutAuthentication() Option { return func(h *Handler) { h.noAuth = true } }

// WithMaxBodyBytes sets the largest request body read (n > 0); a larger
// body is answered 413.
func WithMaxBodyBytes(n int64) Option { return func(h *Handler) { h.maxBody = n } }

// WithErrorLog sets a function called with every error answered 500 or
// 503, and the request, for the host's logs (the client sees only a
// generic message).
func WithErrorLog(f func(*http.Request, error)) Option { return func(h *Handler) { h.onError = f } }

// WithoutOutbox leaves out the extension route that reads the event outbox
// (GET /v1/x-dossier/outbox), for hosts that deliver events themselves and
// do not want API clients to read other cases' events.
func WithoutOutbox() Option { return func(h *Handler) { h.noEvents = true } }

// New returns the handler of the API over w. It fails when neither
// WithAuthenticator nor WithoutAuthentication is given, or when both are.
func New(w *dossier.Workspace, opts ...Option) (*Handler, error) {
	if w == nil {
		return nil, errors.New("dossierhttp: nil workspace")
	}
	h := &Handler{w: w, maxBody: DefaultMaxBodyBytes}
	for _, o := range opts {
		o(h)
	}
	switch {
	case !h.authSet && !h.noAuth:
		return nil, errors.New("dossierhttp: no authenticator: pass WithAuthenticator, or WithoutAuthentication explicitly")
	case h.authSet && h.auth == nil:
		return nil, errors.New("dossierhttp: WithAuthenticator(nil)")
	case h.authSet && h.noAuth:
		return nil, errors.New("dossierhttp: WithAuthenticator and WithoutAuthentication together")
	case h.maxBody <= 0:
		return nil, errors.New("dossierhttp: WithMaxBodyBytes needs a positive size")
	}
	h.routes()
	return h, nil
}

// BearerToken returns an Authenticator that accepts the requests whose
// Authorization header is "Bearer <token>" (compared in constant time) and
// attributes them to actor. A missing or other token is ErrUnauthenticated.
func BearerToken(token string, actor event.Actor) Authenticator {
	want := []byte(token)
	return func(r *http.Request) (event.Actor, error) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || token == "" || subtle.ConstantTimeCompare([]byte(got), want) != 1 {
			return event.Actor{}, ErrUnauthenticated
		}
		return actor, nil
	}
}

// ServeHTTP authenticates the request, then serves it.
func (h *Handler) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if !h.noAuth {
		actor, err := h.auth(r)
		if err != nil {
			if errors.Is(err, ErrForbidden) {
				h.writeProblem(rw, r, dossier.ProblemDetails{Status: http.StatusForbidden, Code: ProblemForbidden,
					Message: "these credentials may not use this API"})
				return
			}
			rw.Header().Set("WWW-Authenticate", `Bearer realm="dossier"`)
			h.writeProblem(rw, r, dossier.ProblemDetails{Status: http.StatusUnauthorized, Code: ProblemUnauthenticated,
				Message: "missing or invalid credentials"})
			return
		}
		ctx, err := dossier.WithActor(r.Context(), actor)
		if err != nil {
			// The host's authenticator named an actor dossier cannot
			// record: a fault of the host, not of the client.
			h.fail(rw, r, fmt.Errorf("dossierhttp: authenticator returned an invalid actor: %w", err))
			return
		}
		r = r.WithContext(ctx)
	}
	if r.Body != nil {
		r.Body = http.MaxBytesReader(rw, r.Body, h.maxBody)
	}
	h.mux.ServeHTTP(rw, r)
}

// writeJSON answers status with v as JSON.
func (h *Handler) writeJSON(rw http.ResponseWriter, r *http.Request, status int, v any) {
	var body []byte
	var err error
	if o, ok := v.(*wireObject); ok {
		body, err = o.MarshalJSON() // already compact: no second pass
	} else {
		body, err = json.Marshal(v)
	}
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	rw.Header().Set("Content-Type", "application/json")
	rw.Header().Set("Content-Length", strconv.Itoa(len(body)+1))
	rw.WriteHeader(status)
	_, _ = rw.Write(append(body, '\n'))
}

// fail answers err through dossier.Problem, the one table of statuses.
func (h *Handler) fail(rw http.ResponseWriter, r *http.Request, err error) {
	p := dossier.Problem(err)
	if p.Status >= 500 && h.onError != nil {
		h.onError(r, err)
	}
	h.writeProblem(rw, r, p)
}

// writeProblem answers the error body: {status_code, code, message,
// problems}; problems is [] when there are none.
func (h *Handler) writeProblem(rw http.ResponseWriter, r *http.Request, p dossier.ProblemDetails) {
	body := errorBody{StatusCode: p.Status, Code: p.Code, Message: p.Message, Problems: p.Problems}
	if body.Problems == nil {
		body.Problems = []validation.Problem{}
	}
	h.writeJSON(rw, r, p.Status, body)
}

// errorBody is the one error body of the API; see the package doc.
type errorBody struct {
	StatusCode int                  `json:"status_code"`
	Code       string               `json:"code"`
	Message    string               `json:"message"`
	Problems   []validation.Problem `json:"problems"`
}

// readBody reads the whole request body within the size limit and decodes
// it into v with dossier.DecodeJSON (strict: unknown members, keys given
// twice, malformed JSON and trailing data are problems with paths).
func (h *Handler) readBody(r *http.Request, v any) error {
	if r.Body == nil {
		return dossier.DecodeJSON(strings.NewReader(""), v)
	}
	return dossier.DecodeJSON(r.Body, v)
}

// rawBody reads the whole request body within the size limit.
func rawBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	return io.ReadAll(r.Body)
}

// conditional applies the request's If-Match to ctx: a change then applies
// only when the case is at that version (else 412). An If-Match of "*" or
// none leaves the change unconditional.
func conditional(r *http.Request) (context.Context, error) {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	if v == "" || v == "*" {
		return r.Context(), nil
	}
	n, ok := parseETag(v)
	if !ok {
		return nil, validation.New("if_match", validation.CodeInvalidFormat,
			`If-Match must be one entity tag as sent in ETag, such as "3"`)
	}
	return dossier.IfMatch(r.Context(), n), nil
}

// etag is the entity tag of a case version.
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// parseETag reads an entity tag written by etag (a weak tag is accepted:
// the version names the whole state).
func parseETag(s string) (int64, bool) {
	s = strings.TrimPrefix(s, "W/")
	if len(s) < 3 || s[0] != '"' || s[len(s)-1] != '"' {
		return 0, false
	}
	n, err := strconv.ParseInt(s[1:len(s)-1], 10, 64)
	if err != nil || n < 1 {
		return 0, false
	}
	return n, true
}
