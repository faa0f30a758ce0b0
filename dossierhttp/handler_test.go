package dossierhttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/dossierhttp"
	"github.com/dossierkit/dossier/storage/memory"
)

// fixture is a server over a fresh workspace.
type fixture struct {
	t   *testing.T
	w   *dossier.Workspace
	srv *httptest.Server
}

func testSettings() dossier.Settings {
	return dossier.Settings{CustomProperties: []customprop.Definition{
		{Key: "segment", Label: "Segment", Type: customprop.TypeChoices, Target: customprop.TargetCase,
			Settings: customprop.Settings{Options: []customprop.Option{{Key: "retail", Label: "Retail"}, {Key: "corporate", Label: "Corporate"}}}},
		{Key: "note", Label: "Note", Type: customprop.TypeText, Target: customprop.TargetCase},
		{Key: "vip", Label: "VIP", Type: customprop.TypeBoolean, Target: customprop.TargetIndividual},
	}, Tags: cases.TagCatalog{{ID: "tag-vip", Label: "VIP"}, {ID: "tag-pep", Label: "PEP"}}}
}

func newFixture(t *testing.T, opts ...dossierhttp.Option) *fixture {
	t.Helper()
	w, err := dossier.New(memory.New(), testSettings())
	if err != nil {
		t.Fatal(err)
	}
	if len(opts) == 0 {
		opts = []dossierhttp.Option{dossierhttp.WithoutAuthentication()}
	}
	h, err := dossierhttp.New(w, opts...)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &fixture{t: t, w: w, srv: srv}
}

// with returns the fixture reporting to t (a subtest).
func (f *fixture) with(t *testing.T) *fixture {
	g := *f
	g.t = t
	return &g
}

// answer is one HTTP answer.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("answer %d is not JSON: %v: %s", a.status, err, a.body)
	}
}

// problem is the error body.
type problem struct {
	StatusCode int    `json:"status_code"`
	Code       string `json:"code"`
	Message    string `json:"message"`
	Problems   []struct {
		Path    string `json:"path"`
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"problems"`
}

func (a answer) problem(t *testing.T) problem {
	t.Helper()
	var p problem
	a.decode(t, &p)
	if p.StatusCode != a.status {
		t.Errorf("status_code %d, HTTP status %d", p.StatusCode, a.status)
	}
	if p.Problems == nil {
		t.Errorf("problems is absent or null, want an array: %s", a.body)
	}
	return p
}

// hasProblem reports whether p names path with code.
func (p problem) has(path, code string) bool {
	for _, x := range p.Problems {
		if x.Path == path && x.Code == code {
			return true
		}
	}
	return false
}

func (f *fixture) do(method, path string, body any, header ...string) answer {
	f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			f.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: data}
}

// must answers want, and the body matches the published schema of the
// operation op ("METHOD /path/template") when op is not "".
func (f *fixture) must(a answer, want int, op string) answer {
	f.t.Helper()
	if a.status != want {
		f.t.Fatalf("status %d, want %d: %s", a.status, want, a.body)
	}
	if op != "" {
		method, path, _ := strings.Cut(op, " ")
		checkSchema(f.t, method, path, want, a.body)
	}
	return a
}

func (f *fixture) createCase(name string) map[string]any {
	f.t.Helper()
	var c map[string]any
	f.must(f.do("POST", "/v1/cases", map[string]any{"name": name}), 201, "POST /v1/cases").decode(f.t, &c)
	return c
}

func TestNewRequiresAuthenticationChoice(t *testing.T) {
	w, err := dossier.New(memory.New(), dossier.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dossierhttp.New(w); err == nil {
		t.Error("New without an authenticator and without WithoutAuthentication succeeded")
	}
	if _, err := dossierhttp.New(w, dossierhttp.WithoutAuthentication(), dossierhttp.WithAuthenticator(nil)); err == nil {
		t.Error("New with both a nil authenticator and WithoutAuthentication succeeded")
	}
	if _, err := dossierhttp.New(w, dossierhttp.WithoutAuthentication(), dossierhttp.WithMaxBodyBytes(0)); err == nil {
		t.Error("New with a body limit of 0 succeeded")
	}
}

func TestCaseLifecycle(t *testing.T) {
	f := newFixture(t)
	var c map[string]any
	f.must(f.do("POST", "/v1/cases", map[string]any{"name": "Acme Ltd", "external_id": "crm-1",
		"metadata": map[string]string{"crm": "x"}, "custom_properties": map[string]any{"segment": []string{"retail"}}}),
		201, "POST /v1/cases").decode(t, &c)
	id := c["id"].(string)
	if c["external_id"] != "crm-1" || c["status"] != "open" {
		t.Errorf("created case %v", c)
	}

	// By id and by external id; the ETag is the version.
	a := f.must(f.do("GET", "/v1/cases/"+id, nil), 200, "GET /v1/cases/{id}")
	if a.header.Get("ETag") != `"1"` {
		t.Errorf("ETag %q, want \"1\"", a.header.Get("ETag"))
	}
	var byExt map[string]any
	f.must(f.do("GET", "/v1/cases/crm-1", nil), 200, "GET /v1/cases/{id}").decode(t, &byExt)
	if byExt["id"] != id {
		t.Errorf("by external id: %v", byExt["id"])
	}
	if a := f.do("GET", "/v1/cases/"+id, nil, "If-None-Match", `"1"`); a.status != 304 {
		t.Errorf("If-None-Match of the current version: %d", a.status)
	}

	// A conditional update at the version read, then a stale one.
	a = f.must(f.do("PATCH", "/v1/cases/"+id, map[string]any{"name": "Acme Limited"}, "If-Match", `"1"`), 200, "PATCH /v1/cases/{id}")
	if a.header.Get("ETag") != `"2"` {
		t.Errorf("ETag after update %q", a.header.Get("ETag"))
	}
	stale := f.do("PATCH", "/v1/cases/"+id, map[string]any{"name": "Lost"}, "If-Match", `"1"`)
	if p := stale.problem(t); stale.status != 412 || p.Code != dossier.ProblemVersionConflict {
		t.Errorf("stale If-Match: %d %s", stale.status, stale.body)
	}
	var got map[string]any
	f.do("GET", "/v1/cases/"+id, nil).decode(t, &got)
	if got["name"] != "Acme Limited" {
		t.Errorf("name after a refused stale write: %v", got["name"])
	}

	// A review, then the case is approved.
	var rv map[string]any
	f.must(f.do("POST", "/v1/cases/"+id+"/reviews", map[string]any{"status": "approved", "comment": "fine", "next_review_at": nil}),
		201, "POST /v1/cases/{id}/reviews").decode(t, &rv)
	if rv["status"] != "approved" || rv["next_review_at"] != nil {
		t.Errorf("review %v", rv)
	}

	// Risks: automatic by default, manual with the extension member.
	var rk map[string]any
	f.must(f.do("POST", "/v1/cases/"+id+"/risks", map[string]any{"level": "high", "score": 70}), 201, "POST /v1/cases/{id}/risks").decode(t, &rk)
	if rk["mode"] != "automatic" || rk["level"] != "high" {
		t.Errorf("automatic risk %v", rk)
	}
	f.must(f.do("POST", "/v1/cases/"+id+"/risks", map[string]any{"level": "low", "mode": "manual", "comment": "known"}), 201, "POST /v1/cases/{id}/risks").decode(t, &rk)
	if rk["mode"] != "manual" {
		t.Errorf("manual risk %v", rk)
	}

	f.must(f.do("DELETE", "/v1/cases/"+id, nil, "If-Match", `"1"`), 412, "")
	f.must(f.do("DELETE", "/v1/cases/crm-1?permanent=true", nil), 204, "DELETE /v1/cases/{id}")
	f.must(f.do("GET", "/v1/cases/"+id, nil), 404, "")
}

func TestEntitiesRelationsChecks(t *testing.T) {
	f := newFixture(t)
	c := f.createCase("Holding case")
	id := c["id"].(string)

	var main, hold, ind map[string]any
	f.must(f.do("POST", "/v1/companies", map[string]any{"case_id": id, "name": "Main Co", "country": "FR"}), 201, "POST /v1/companies").decode(t, &main)
	f.must(f.do("POST", "/v1/companies", map[string]any{"case_id": id, "type": "affiliated", "name": "Holding"}), 201, "POST /v1/companies").decode(t, &hold)
	f.must(f.do("POST", "/v1/individuals", map[string]any{"case_id": id, "first_name": "Ada", "last_name": "L",
		"custom_properties": map[string]any{"vip": true}}), 201, "POST /v1/individuals").decode(t, &ind)
	f.must(f.do("GET", "/v1/companies/"+main["id"].(string), nil), 200, "GET /v1/companies/{id}")
	f.must(f.do("GET", "/v1/individuals/"+ind["id"].(string), nil), 200, "GET /v1/individuals/{id}")
	f.must(f.do("PATCH", "/v1/companies/"+main["id"].(string), map[string]any{"commercial_name": "MC"}), 200, "PATCH /v1/companies/{id}")
	f.must(f.do("PATCH", "/v1/individuals/"+ind["id"].(string), map[string]any{"middle_name": "K"}), 200, "PATCH /v1/individuals/{id}")
	f.must(f.do("GET", "/v1/companies?case_id="+id, nil), 200, "GET /v1/companies")
	f.must(f.do("GET", "/v1/individuals?case_id="+id, nil), 200, "GET /v1/individuals")

	var rel map[string]any
	f.must(f.do("POST", "/v1/cases/"+id+"/relations", map[string]any{"from_individual_id": ind["id"], "to_company_id": hold["id"],
		"ownership_percentage": 80, "voting_rights_percentage": nil, "roles": []string{"shareholder"}}), 201, "POST /v1/cases/{caseId}/relations").decode(t, &rel)
	relID := rel["id"].(string)
	f.must(f.do("PATCH", "/v1/cases/"+id+"/relations/"+relID, map[string]any{"voting_rights_percentage": 80}), 200, "PATCH /v1/cases/{caseId}/relations/{caseRelationId}")

	// A relation is not reachable through another case.
	other := f.createCase("Other")["id"].(string)
	if a := f.do("PATCH", "/v1/cases/"+other+"/relations/"+relID, map[string]any{"position": "x"}); a.status != 404 || strings.Contains(string(a.body), id) {
		t.Errorf("relation through another case: %d %s", a.status, a.body)
	}

	// The ownership report (extension): Ada holds 80 % of Holding, which
	// holds the main company through the default relation... or not: the
	// affiliated company's default relation carries no percentage.
	var own map[string]any
	f.must(f.do("GET", "/v1/x-dossier/cases/"+id+"/ownership", nil), 200, "").decode(t, &own)
	if mc, _ := own["main_company"].(map[string]any); mc["id"] != main["id"] {
		t.Errorf("ownership report %v", own)
	}

	// Checks.
	ch, err := f.w.AddCheck(context.Background(), id, dossier.AddCheckInput{Type: cases.CheckTypeAML, IndividualID: ind["id"].(string), Status: cases.CheckStatusNeedReview})
	if err != nil {
		t.Fatal(err)
	}
	f.must(f.do("GET", "/v1/checks?individual_id="+ind["id"].(string), nil), 200, "GET /v1/checks")
	f.must(f.do("GET", "/v1/checks/aml/"+ch.ID, nil), 200, "GET /v1/checks/aml/{id}")
	f.must(f.do("GET", "/v1/checks/document/"+ch.ID, nil), 404, "")
	f.must(f.do("PATCH", "/v1/checks/aml/"+ch.ID+"/review", map[string]any{"action": "approve", "comment": "ok"}), 200, "PATCH /v1/checks/aml/{id}/review")
	a := f.do("PATCH", "/v1/checks/aml/"+ch.ID+"/review", map[string]any{"action": "reject"})
	if a.status != 409 && a.status != 400 {
		t.Errorf("changing a decided check without override: %d %s", a.status, a.body)
	}
	f.must(f.do("PATCH", "/v1/checks/aml/"+ch.ID+"/review", map[string]any{"action": "reject", "override": true}), 200, "PATCH /v1/checks/aml/{id}/review")
	f.must(f.do("DELETE", "/v1/checks/"+ch.ID, nil), 204, "DELETE /v1/checks/{id}")

	// The audit trail (extension).
	var evs struct {
		Data []map[string]any `json:"data"`
		Next *string          `json:"next"`
	}
	f.must(f.do("GET", "/v1/x-dossier/cases/"+id+"/events?limit=2", nil), 200, "").decode(t, &evs)
	if len(evs.Data) != 2 || evs.Next == nil {
		t.Errorf("first page of the trail: %d events, next %v", len(evs.Data), evs.Next)
	}

	f.must(f.do("DELETE", "/v1/cases/"+id+"/relations/"+relID, nil), 204, "DELETE /v1/cases/{caseId}/relations/{caseRelationId}")
	f.must(f.do("DELETE", "/v1/individuals/"+ind["id"].(string), nil), 204, "DELETE /v1/individuals/{id}")
	f.must(f.do("DELETE", "/v1/companies/"+hold["id"].(string), nil), 204, "DELETE /v1/companies/{id}")
}

func TestCustomPropertyRoutes(t *testing.T) {
	f := newFixture(t)
	var list struct {
		Data []map[string]any `json:"data"`
	}
	f.must(f.do("GET", "/v1/custom-properties/case", nil), 200, "GET /v1/custom-properties/{target_entity}").decode(t, &list)
	if len(list.Data) != 2 {
		t.Errorf("case properties: %d", len(list.Data))
	}
	var seg struct {
		Options  []struct{ Key, Label string } `json:"options"`
		Settings map[string]any                `json:"settings"`
	}
	f.must(f.do("GET", "/v1/custom-properties/case/segment", nil), 200, "GET /v1/custom-properties/{target_entity}/{key}").decode(t, &seg)
	if len(seg.Options) != 2 || seg.Options[1].Key != "corporate" || seg.Settings["allow_multiple"] != false {
		t.Errorf("choices definition: %+v", seg)
	}
	f.must(f.do("GET", "/v1/custom-properties/case/vip", nil), 404, "")
	f.must(f.do("GET", "/v1/custom-properties/planet", nil), 400, "")
}
