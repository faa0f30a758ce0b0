package dossierhttp

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/internal/jsonobj"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/validation"
)

// ExtensionPrefix is the path prefix of the routes dossier adds to the
// Dotfile API: nothing under it exists in that API.
const ExtensionPrefix = "/v1/x-dossier/"

// routes registers every route; the table in the package doc lists them.
func (h *Handler) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /v1/cases", h.listCases)
	m.HandleFunc("POST /v1/cases", h.createCase)
	m.HandleFunc("GET /v1/cases/{id}", h.getCase)
	m.HandleFunc("PATCH /v1/cases/{id}", h.updateCase)
	m.HandleFunc("DELETE /v1/cases/{id}", h.deleteCase)
	m.HandleFunc("POST /v1/cases/{id}/reviews", h.reviewCase)
	m.HandleFunc("POST /v1/cases/{id}/risks", h.createRisk)
	m.HandleFunc("POST /v1/cases/{caseId}/relations", h.createRelation)
	m.HandleFunc("PATCH /v1/cases/{caseId}/relations/{caseRelationId}", h.updateRelation)
	m.HandleFunc("DELETE /v1/cases/{caseId}/relations/{caseRelationId}", h.deleteRelation)

	m.HandleFunc("GET /v1/companies", h.listCompanies)
	m.HandleFunc("POST /v1/companies", h.createCompany)
	m.HandleFunc("GET /v1/companies/{id}", h.getCompany)
	m.HandleFunc("PATCH /v1/companies/{id}", h.updateCompany)
	m.HandleFunc("DELETE /v1/companies/{id}", h.deleteCompany)
	m.HandleFunc("GET /v1/individuals", h.listIndividuals)
	m.HandleFunc("POST /v1/individuals", h.createIndividual)
	m.HandleFunc("GET /v1/individuals/{id}", h.getIndividual)
	m.HandleFunc("PATCH /v1/individuals/{id}", h.updateIndividual)
	m.HandleFunc("DELETE /v1/individuals/{id}", h.deleteIndividual)

	m.HandleFunc("GET /v1/checks", h.listChecks)
	m.HandleFunc("GET /v1/checks/{type}/{id}", h.getCheck)
	m.HandleFunc("PATCH /v1/checks/{type}/{id}/review", h.reviewCheck)
	m.HandleFunc("DELETE /v1/checks/{id}", h.deleteCheck)

	m.HandleFunc("GET /v1/custom-properties/{target_entity}", h.listCustomProperties)
	m.HandleFunc("GET /v1/custom-properties/{target_entity}/{key}", h.getCustomProperty)

	m.HandleFunc("GET "+ExtensionPrefix+"cases/{id}/ownership", h.ownership)
	m.HandleFunc("GET "+ExtensionPrefix+"cases/{id}/events", h.caseEvents)
	if !h.noEvents {
		m.HandleFunc("GET "+ExtensionPrefix+"outbox", h.outbox)
	}
	m.HandleFunc("/", func(rw http.ResponseWriter, r *http.Request) {
		h.writeProblem(rw, r, dossier.ProblemDetails{Status: http.StatusNotFound, Code: ProblemRouteNotFound,
			Message: "no route has this method and path"})
	})
	h.mux = m
}

// --- cases ---

func (h *Handler) createCase(rw http.ResponseWriter, r *http.Request) {
	var in dossier.CreateCaseInput
	if err := h.readBody(r, &in); err != nil {
		h.fail(rw, r, err)
		return
	}
	c, err := h.w.CreateCase(r.Context(), in)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	h.writeCase(rw, r, http.StatusCreated, c, true)
}

func (h *Handler) getCase(rw http.ResponseWriter, r *http.Request) {
	c, err := h.w.GetCase(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && inm == etag(c.Version) {
		rw.Header().Set("ETag", etag(c.Version))
		rw.WriteHeader(http.StatusNotModified)
		return
	}
	h.writeCase(rw, r, http.StatusOK, c, true)
}

// writeCase answers a case with its version as ETag: with its companies
// and individuals when detail is set (the answer of a get and a create).
func (h *Handler) writeCase(rw http.ResponseWriter, r *http.Request, status int, c *cases.Case, detail bool) {
	var o *wireObject
	var err error
	if detail {
		o, err = h.caseDetail(r, c)
	} else {
		o, err = toWire(c, caseMembers)
	}
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	if c.Version > 0 {
		rw.Header().Set("ETag", etag(c.Version))
	}
	h.writeJSON(rw, r, status, o)
}

// caseID resolves the {id} of a case path, which may be an external id,
// to the case id.
func (h *Handler) caseID(r *http.Request, name string) (string, error) {
	c, err := h.w.GetCase(r.Context(), r.PathValue(name))
	if err != nil {
		return "", err
	}
	return c.ID, nil
}

func (h *Handler) updateCase(rw http.ResponseWriter, r *http.Request) {
	var in dossier.UpdateCaseInput
	if err := h.readBody(r, &in); err != nil {
		h.fail(rw, r, err)
		return
	}
	ctx, err := conditional(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	id, err := h.caseID(r, "id")
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	c, err := h.w.UpdateCase(ctx, id, in)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	h.writeCase(rw, r, http.StatusOK, c, false)
}

func (h *Handler) deleteCase(rw http.ResponseWriter, r *http.Request) {
	if err := checkQuery(r, map[string]bool{"permanent": true}); err != nil {
		h.fail(rw, r, err)
		return
	}
	if p := r.URL.Query().Get("permanent"); p != "" {
		if _, err := strconv.ParseBool(p); err != nil {
			h.fail(rw, r, validation.New("permanent", validation.CodeInvalidType, "permanent is true or false"))
			return
		}
	}
	ctx, err := conditional(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	id, err := h.caseID(r, "id")
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	if err := h.w.DeleteCase(ctx, id); err != nil {
		h.fail(rw, r, err)
		return
	}
	rw.WriteHeader(http.StatusNoContent)
}

func (h *Handler) reviewCase(rw http.ResponseWriter, r *http.Request) {
	var in dossier.ReviewInput
	if err := h.readBody(r, &in); err != nil {
		h.fail(rw, r, err)
		return
	}
	ctx, err := conditional(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	id, err := h.caseID(r, "id")
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	c, err := h.w.ReviewCase(ctx, id, in)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	h.writeWire(rw, r, http.StatusCreated, c.Review, reviewMembers)
}

// createRisk creates an automatic risk (the default, as for the Dotfile
// API's clients: a risk engine pushing its assessment) or, with the
// extension member "mode": "manual", a manual one.
func (h *Handler) createRisk(rw http.ResponseWriter, r *http.Request) {
	data, err := rawBody(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	mode, rest, err := splitMode(data)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	in, err := risk.ParseInput(rest)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	ctx, err := conditional(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	id, err := h.caseID(r, "id")
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	var rk *risk.Risk
	status := http.StatusCreated
	if mode == risk.ModeManual {
		rk, err = h.w.SetManualRisk(ctx, id, in)
	} else {
		var dup bool
		rk, dup, err = h.w.PushAutomaticRisk(ctx, id, in)
		if dup {
			status = http.StatusOK
		}
	}
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	h.writeWire(rw, r, status, rk, riskMembers)
}

// splitMode takes the extension member "mode" out of a risk body and
// returns the rest for risk.ParseInput. A body that is not an object, or
// holds a key twice, is left whole to risk.ParseInput, which reports it.
func splitMode(data []byte) (risk.Mode, []byte, error) {
	var l validation.List
	members, ok := jsonobj.Read(data, "", &l)
	if !ok || l.Len() > 0 {
		return risk.ModeAutomatic, data, nil
	}
	mode := risk.ModeAutomatic
	rest := make(map[string]json.RawMessage, len(members))
	for _, m := range members {
		if m.Key != "mode" {
			rest[m.Key] = m.Value
			continue
		}
		if err := json.Unmarshal(m.Value, &mode); err != nil || (mode != risk.ModeAutomatic && mode != risk.ModeManual) {
			return "", nil, validation.New("mode", validation.CodeInvalidValue, "mode is automatic or manual")
		}
	}
	if len(rest) == len(members) {
		return mode, data, nil
	}
	out, err := json.Marshal(rest)
	return mode, out, err
}

// --- relations ---

func (h *Handler) createRelation(rw http.ResponseWriter, r *http.Request) {
	var in relation.Input
	if err := h.readBody(r, &in); err != nil {
		h.fail(rw, r, err)
		return
	}
	ctx, err := conditional(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	id, err := h.caseID(r, "caseId")
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	rel, err := h.w.AddRelation(ctx, id, in)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	h.writeJSON(rw, r, http.StatusCreated, rel)
}

// relationInCase returns the id of the relation of the path after checking
// that it belongs to the case of the path: a relation of another case is
// not found, and its case is never named.
func (h *Handler) relationInCase(r *http.Request) (string, error) {
	id, err := h.caseID(r, "caseId")
	if err != nil {
		return "", err
	}
	relID := r.PathValue("caseRelationId")
	owner, err := h.w.CaseOfEntity(r.Context(), relID)
	if err != nil {
		return "", err
	}
	if owner != id {
		return "", dossier.ErrNotFound
	}
	return relID, nil
}

func (h *Handler) updateRelation(rw http.ResponseWriter, r *http.Request) {
	var u relation.Update
	if err := h.readBody(r, &u); err != nil {
		h.fail(rw, r, err)
		return
	}
	ctx, err := conditional(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	relID, err := h.relationInCase(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	rel, err := h.w.UpdateRelation(ctx, relID, u)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	h.writeJSON(rw, r, http.StatusOK, rel)
}

func (h *Handler) deleteRelation(rw http.ResponseWriter, r *http.Request) {
	ctx, err := conditional(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	relID, err := h.relationInCase(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	if err := h.w.DeleteRelation(ctx, relID); err != nil {
		h.fail(rw, r, err)
		return
	}
	rw.WriteHeader(http.StatusNoContent)
}

// --- companies and individuals ---

func (h *Handler) createCompany(rw http.ResponseWriter, r *http.Request) {
	var in entity.CompanyInput
	if err := h.readBody(r, &in); err != nil {
		h.fail(rw, r, err)
		return
	}
	if in.CaseID == "" {
		h.fail(rw, r, validation.New("case_id", validation.CodeRequired, "case_id is required"))
		return
	}
	ctx, err := conditional(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	v, err := h.w.AddCompany(ctx, in.CaseID, in)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	h.writeEntity(rw, r, http.StatusCreated, v.ID, v, companyMembers)
}

func (h *Handler) getCompany(rw http.ResponseWriter, r *http.Request) {
	v, err := h.w.GetCompany(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	h.writeEntity(rw, r, http.StatusOK, v.ID, v, companyMembers)
}

func (h *Handler) updateCompany(rw http.ResponseWriter, r *http.Request) {
	var u entity.CompanyUpdate
	if err := h.readBody(r, &u); err != nil {
		h.fail(rw, r, err)
		return
	}
	ctx, err := conditional(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	v, err := h.w.UpdateCompany(ctx, r.PathValue("id"), u)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	h.writeEntity(rw, r, http.StatusOK, v.ID, v, companyMembers)
}

func (h *Handler) deleteCompany(rw http.ResponseWriter, r *http.Request) {
	ctx, err := conditional(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	if err := h.w.DeleteCompany(ctx, r.PathValue("id")); err != nil {
		h.fail(rw, r, err)
		return
	}
	rw.WriteHeader(http.StatusNoContent)
}

func (h *Handler) listCompanies(rw http.ResponseWriter, r *http.Request) {
	caseID, pg, err := entityListQuery(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	id, err := h.w.GetCase(r.Context(), caseID)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	all, err := h.w.ListCompanies(r.Context(), id.ID)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	out, err := wireList(all, companyMembers, func(o *wireObject, _ *relation.CompanyView) error { return o.set("case_id", id.ID) })
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	h.writeJSON(rw, r, http.StatusOK, pageOf(out, pg))
}

func (h *Handler) createIndividual(rw http.ResponseWriter, r *http.Request) {
	var in entity.IndividualInput
	if err := h.readBody(r, &in); err != nil {
		h.fail(rw, r, err)
		return
	}
	if in.CaseID == "" {
		h.fail(rw, r, validation.New("case_id", validation.CodeRequired, "case_id is required"))
		return
	}
	ctx, err := conditional(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	v, err := h.w.AddIndividual(ctx, in.CaseID, in)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	h.writeEntity(rw, r, http.StatusCreated, v.ID, v, individualMembers)
}

func (h *Handler) getIndividual(rw http.ResponseWriter, r *http.Request) {
	v, err := h.w.GetIndividual(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	h.writeEntity(rw, r, http.StatusOK, v.ID, v, individualMembers)
}

func (h *Handler) updateIndividual(rw http.ResponseWriter, r *http.Request) {
	var u entity.IndividualUpdate
	if err := h.readBody(r, &u); err != nil {
		h.fail(rw, r, err)
		return
	}
	ctx, err := conditional(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	v, err := h.w.UpdateIndividual(ctx, r.PathValue("id"), u)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	h.writeEntity(rw, r, http.StatusOK, v.ID, v, individualMembers)
}

func (h *Handler) deleteIndividual(rw http.ResponseWriter, r *http.Request) {
	ctx, err := conditional(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	if err := h.w.DeleteIndividual(ctx, r.PathValue("id")); err != nil {
		h.fail(rw, r, err)
		return
	}
	rw.WriteHeader(http.StatusNoContent)
}

func (h *Handler) listIndividuals(rw http.ResponseWriter, r *http.Request) {
	caseID, pg, err := entityListQuery(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	c, err := h.w.GetCase(r.Context(), caseID)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	all, err := h.w.ListIndividuals(r.Context(), c.ID)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	out, err := wireList(all, individualMembers, func(o *wireObject, _ *relation.IndividualView) error { return o.set("case_id", c.ID) })
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	h.writeJSON(rw, r, http.StatusOK, pageOf(out, pg))
}

// --- checks ---

func (h *Handler) listChecks(rw http.ResponseWriter, r *http.Request) {
	f, err := parseCheckQuery(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	caseID, err := h.resolveCase(r, f)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	all, err := h.w.ListChecks(r.Context(), caseID)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	kept := make([]cases.Check, 0, len(all))
	for _, ch := range all {
		if f.keep(ch) {
			kept = append(kept, ch)
		}
	}
	out, err := wireList(kept, checkMembers, nil)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	h.writeJSON(rw, r, http.StatusOK, pageOf(out, f.page))
}

// checkOfType returns the check of the path when its type is the type of
// the path; a check of another type is not found.
func (h *Handler) checkOfType(r *http.Request) (*cases.Check, error) {
	ch, err := h.w.GetCheck(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if string(ch.Type) != checkTypeOfPath(r.PathValue("type")) {
		return nil, dossier.ErrNotFound
	}
	return ch, nil
}

// checkTypeOfPath maps the type segment of a check path to the check type:
// the Dotfile API writes two of them with a hyphen.
func checkTypeOfPath(seg string) string {
	switch seg {
	case "fraud-database":
		return string(cases.CheckTypeFraudDatabase)
	case "company-monitoring":
		return string(cases.CheckTypeCompanyMonitoring)
	}
	return seg
}

func (h *Handler) getCheck(rw http.ResponseWriter, r *http.Request) {
	ch, err := h.checkOfType(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	h.writeWire(rw, r, http.StatusOK, ch, checkMembers)
}

// checkReview is the body of a check review: {action, comment, override}.
type checkReview struct {
	Action   string
	Comment  patch.Field[string]
	Override bool
}

func (h *Handler) reviewCheck(rw http.ResponseWriter, r *http.Request) {
	data, err := rawBody(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	var in checkReview
	var l validation.List
	if patch.DecodeObjectInto(&l, data, map[string]any{"action": &in.Action, "comment": &in.Comment, "override": &in.Override}) {
		var d cases.CheckDecision
		switch in.Action {
		case "approve":
			d.Status = cases.CheckStatusApproved
		case "reject":
			d.Status = cases.CheckStatusRejected
		case "":
			l.Add("action", validation.CodeRequired, "action is required: approve or reject")
		default:
			l.Add("action", validation.CodeInvalidValue, "action is approve or reject")
		}
		if l.Len() == 0 {
			d.Comment, _ = in.Comment.Get()
			d.Override = in.Override
			ctx, err := conditional(r)
			if err != nil {
				h.fail(rw, r, err)
				return
			}
			if _, err := h.checkOfType(r); err != nil {
				h.fail(rw, r, err)
				return
			}
			ch, err := h.w.ReviewCheck(ctx, r.PathValue("id"), d)
			if err != nil {
				h.fail(rw, r, err)
				return
			}
			h.writeWire(rw, r, http.StatusOK, ch, checkMembers)
			return
		}
	}
	h.fail(rw, r, l.Err())
}

func (h *Handler) deleteCheck(rw http.ResponseWriter, r *http.Request) {
	ctx, err := conditional(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	if err := h.w.DeleteCheck(ctx, r.PathValue("id")); err != nil {
		h.fail(rw, r, err)
		return
	}
	rw.WriteHeader(http.StatusNoContent)
}

// --- custom properties ---

func (h *Handler) listCustomProperties(rw http.ResponseWriter, r *http.Request) {
	target := customprop.Target(r.PathValue("target_entity"))
	if !target.Valid() {
		h.fail(rw, r, validation.New("target_entity", validation.CodeInvalidValue, "target_entity is case, company or individual"))
		return
	}
	if err := checkQuery(r, map[string]bool{"include_archived": true, "page": true, "limit": true}); err != nil {
		h.fail(rw, r, err)
		return
	}
	pg, err := parsePage(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	archived := false
	if v := r.URL.Query().Get("include_archived"); v != "" {
		if archived, err = strconv.ParseBool(v); err != nil {
			h.fail(rw, r, validation.New("include_archived", validation.CodeInvalidType, "include_archived is true or false"))
			return
		}
	}
	defs := []map[string]any{}
	for _, d := range h.w.Settings().CustomProperties {
		if d.Target == target && (archived || !d.Archived()) {
			defs = append(defs, propertyJSON(d))
		}
	}
	h.writeJSON(rw, r, http.StatusOK, pageOf(defs, pg))
}

func (h *Handler) getCustomProperty(rw http.ResponseWriter, r *http.Request) {
	target := customprop.Target(r.PathValue("target_entity"))
	for _, d := range h.w.Settings().CustomProperties {
		if d.Target == target && d.Key == r.PathValue("key") {
			h.writeJSON(rw, r, http.StatusOK, propertyJSON(d))
			return
		}
	}
	h.fail(rw, r, dossier.ErrNotFound)
}

// writeWire answers v completed with the members ms (see wire.go).
func (h *Handler) writeWire(rw http.ResponseWriter, r *http.Request, status int, v any, ms []member) {
	o, err := toWire(v, ms)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	h.writeJSON(rw, r, status, o)
}

// writeEntity answers a company or individual view with its case and
// checks.
func (h *Handler) writeEntity(rw http.ResponseWriter, r *http.Request, status int, id string, v any, ms []member) {
	caseID, err := h.w.CaseOfEntity(r.Context(), id)
	if err == nil {
		var o *wireObject
		if o, err = h.entityWire(r, caseID, id, v, ms); err == nil {
			h.writeJSON(rw, r, status, o)
			return
		}
	}
	h.fail(rw, r, err)
}
