package dossierhttp

import (
	"context"
	"net/http"

	"github.com/dossierkit/dossier/validation"
)

// entityRoutes are the routes of one kind of entity, companies or
// individuals: list, create, get, update and delete, each calling the
// Workspace's method for that kind. The two kinds differ only in these
// methods, their input types and their wire members.
type entityRoutes[In, Upd, V any] struct {
	h        *Handler
	path     string // "/v1/companies"
	members  []member
	caseIDOf func(*In) string
	idOf     func(*V) string
	add      func(context.Context, string, In) (*V, error)
	get      func(context.Context, string) (*V, error)
	update   func(context.Context, string, Upd) (*V, error)
	remove   func(context.Context, string) error
	list     func(context.Context, string) ([]V, error)
}

func (e entityRoutes[In, Upd, V]) register(m *http.ServeMux) {
	m.HandleFunc("GET "+e.path, e.listAll)
	m.HandleFunc("POST "+e.path, e.create)
	m.HandleFunc("GET "+e.path+"/{id}", e.read)
	m.HandleFunc("PATCH "+e.path+"/{id}", e.change)
	m.HandleFunc("DELETE "+e.path+"/{id}", e.delete)
}

func (e entityRoutes[In, Upd, V]) create(rw http.ResponseWriter, r *http.Request) {
	var in In
	if err := e.h.readBody(r, &in); err != nil {
		e.h.fail(rw, r, err)
		return
	}
	caseID := e.caseIDOf(&in)
	if caseID == "" {
		e.h.fail(rw, r, validation.New("case_id", validation.CodeRequired, "case_id is required"))
		return
	}
	ctx, err := conditional(r)
	if err != nil {
		e.h.fail(rw, r, err)
		return
	}
	v, err := e.add(ctx, caseID, in)
	if err != nil {
		e.h.fail(rw, r, err)
		return
	}
	e.h.writeEntity(rw, r, http.StatusCreated, e.idOf(v), v, e.members)
}

func (e entityRoutes[In, Upd, V]) read(rw http.ResponseWriter, r *http.Request) {
	v, err := e.get(r.Context(), r.PathValue("id"))
	if err != nil {
		e.h.fail(rw, r, err)
		return
	}
	e.h.writeEntity(rw, r, http.StatusOK, e.idOf(v), v, e.members)
}

func (e entityRoutes[In, Upd, V]) change(rw http.ResponseWriter, r *http.Request) {
	var u Upd
	if err := e.h.readBody(r, &u); err != nil {
		e.h.fail(rw, r, err)
		return
	}
	ctx, err := conditional(r)
	if err != nil {
		e.h.fail(rw, r, err)
		return
	}
	v, err := e.update(ctx, r.PathValue("id"), u)
	if err != nil {
		e.h.fail(rw, r, err)
		return
	}
	e.h.writeEntity(rw, r, http.StatusOK, e.idOf(v), v, e.members)
}

func (e entityRoutes[In, Upd, V]) delete(rw http.ResponseWriter, r *http.Request) {
	ctx, err := conditional(r)
	if err != nil {
		e.h.fail(rw, r, err)
		return
	}
	if err := e.remove(ctx, r.PathValue("id")); err != nil {
		e.h.fail(rw, r, err)
		return
	}
	rw.WriteHeader(http.StatusNoContent)
}

func (e entityRoutes[In, Upd, V]) listAll(rw http.ResponseWriter, r *http.Request) {
	caseID, pg, err := entityListQuery(r)
	if err != nil {
		e.h.fail(rw, r, err)
		return
	}
	c, err := e.h.w.GetCase(r.Context(), caseID)
	if err != nil {
		e.h.fail(rw, r, err)
		return
	}
	all, err := e.list(r.Context(), c.ID)
	if err != nil {
		e.h.fail(rw, r, err)
		return
	}
	out, err := wireList(all, e.members, func(o *wireObject, _ *V) error { return o.set("case_id", c.ID) })
	if err != nil {
		e.h.fail(rw, r, err)
		return
	}
	e.h.writeJSON(rw, r, http.StatusOK, pageOf(out, pg))
}
