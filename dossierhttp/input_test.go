package dossierhttp_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/dossierkit/dossier/dossierhttp"
	"github.com/dossierkit/dossier/event"
)

func TestAuthentication(t *testing.T) {
	auth := func(r *http.Request) (event.Actor, error) {
		switch r.Header.Get("Authorization") {
		case "Bearer good":
			return event.Actor{Type: event.ActorAPI, ID: "key-1"}, nil
		case "Bearer readonly":
			return event.Actor{}, fmt.Errorf("key-2 lacks the scope: %w", dossierhttp.ErrForbidden)
		}
		return event.Actor{}, errors.New("no such key sk_live_123")
	}
	f := newFixture(t, dossierhttp.WithAuthenticator(auth))
	tests := []struct {
		name   string
		header string
		status int
		code   string
	}{
		{"no credentials", "", 401, dossierhttp.ProblemUnauthenticated},
		{"unknown key", "Bearer nope", 401, dossierhttp.ProblemUnauthenticated},
		{"forbidden", "Bearer readonly", 403, dossierhttp.ProblemForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := f.do("POST", "/v1/cases", map[string]any{"name": "x"}, "Authorization", tt.header)
			p := a.problem(t)
			if a.status != tt.status || p.Code != tt.code || strings.Contains(string(a.body), "sk_live") || strings.Contains(string(a.body), "scope") {
				t.Errorf("%d %s", a.status, a.body)
			}
			if tt.status == 401 && a.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
	a := f.must(f.do("POST", "/v1/cases", map[string]any{"name": "x"}, "Authorization", "Bearer good"), 201, "POST /v1/cases")
	var c map[string]any
	a.decode(t, &c)
	// The actor of the authenticator is in the audit trail.
	var evs struct {
		Data []struct {
			Actor event.Actor `json:"actor"`
		} `json:"data"`
	}
	f.must(f.do("GET", "/v1/x-dossier/cases/"+c["id"].(string)+"/events", nil, "Authorization", "Bearer good"), 200, "").decode(t, &evs)
	if len(evs.Data) == 0 || evs.Data[0].Actor != (event.Actor{Type: event.ActorAPI, ID: "key-1"}) {
		t.Errorf("audit trail actor %+v", evs.Data)
	}
}

func TestBearerToken(t *testing.T) {
	f := newFixture(t, dossierhttp.WithAuthenticator(dossierhttp.BearerToken("t0ken", event.Actor{Type: event.ActorAPI, ID: "server"})))
	for _, h := range []string{"", "Bearer", "Bearer t0ke", "bearer t0ken", "Basic t0ken"} {
		if a := f.do("GET", "/v1/cases", nil, "Authorization", h); a.status != 401 {
			t.Errorf("Authorization %q: %d", h, a.status)
		}
	}
	f.must(f.do("GET", "/v1/cases", nil, "Authorization", "Bearer t0ken"), 200, "GET /v1/cases")
}

func TestBadBodies(t *testing.T) {
	f := newFixture(t, dossierhttp.WithoutAuthentication(), dossierhttp.WithMaxBodyBytes(2048))
	id := f.createCase("Acme")["id"].(string)
	tests := []struct {
		name, method, path string
		body               string
		status             int
		path0, code        string
	}{
		{"malformed", "POST", "/v1/cases", `{"name": "x",`, 400, "", "malformed_json"},
		{"trailing data", "POST", "/v1/cases", `{"name": "x"} {}`, 400, "", "malformed_json"},
		{"unknown member", "POST", "/v1/cases", `{"name": "x", "colour": "red"}`, 400, "colour", "unknown_field"},
		{"API member not modeled", "POST", "/v1/cases", `{"name": "x", "template_id": "t"}`, 400, "template_id", "unknown_field"},
		{"wrong type", "PATCH", "/v1/cases/" + id, `{"name": 3}`, 400, "name", "invalid_type"},
		{"duplicate key", "PATCH", "/v1/cases/" + id, `{"name": "a", "name": "b"}`, 400, "name", "duplicate"},
		{"too large", "POST", "/v1/cases", `{"name": "` + strings.Repeat("x", 3000) + `"}`, 413, "", ""},
		{"bad review status", "POST", "/v1/cases/" + id + "/reviews", `{"status": "maybe"}`, 400, "status", "invalid_value"},
		{"check review action", "PATCH", "/v1/checks/aml/" + id + "/review", `{"action": "perhaps"}`, 400, "action", "invalid_value"},
		{"risk mode", "POST", "/v1/cases/" + id + "/risks", `{"level": "low", "mode": "sometimes"}`, 400, "mode", "invalid_value"},
		{"risk key twice with mode", "POST", "/v1/cases/" + id + "/risks", `{"level": "low", "level": "high", "mode": "manual"}`, 400, "level", "duplicate"},
		{"company without case", "POST", "/v1/companies", `{"name": "Co"}`, 400, "case_id", "required"},
		{"bad If-Match", "PATCH", "/v1/cases/" + id, `{"name": "y"}`, 400, "if_match", "invalid_format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hdr []string
			if tt.name == "bad If-Match" {
				hdr = []string{"If-Match", "version-1"}
			}
			a := f.do(tt.method, tt.path, tt.body, hdr...)
			p := a.problem(t)
			if a.status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.status, tt.status, a.body)
			}
			if tt.code != "" && !p.has(tt.path0, tt.code) {
				t.Errorf("no problem %s at %q: %s", tt.code, tt.path0, a.body)
			}
		})
	}
	var c map[string]any
	f.do("GET", "/v1/cases/"+id, nil).decode(t, &c)
	if c["name"] != "Acme" {
		t.Errorf("a refused change changed the case: %v", c["name"])
	}
}

func TestIfMatchOnEntityRoutes(t *testing.T) {
	f := newFixture(t)
	id := f.createCase("Versions")["id"].(string)
	var co map[string]any
	f.must(f.do("POST", "/v1/companies", map[string]any{"case_id": id, "name": "Co"}, "If-Match", `"1"`), 201, "POST /v1/companies").decode(t, &co)
	// The case is now at version 2: a change made against version 1 is stale.
	a := f.do("PATCH", "/v1/companies/"+co["id"].(string), map[string]any{"name": "Lost"}, "If-Match", `"1"`)
	if a.status != 412 {
		t.Errorf("stale company update: %d %s", a.status, a.body)
	}
	f.must(f.do("PATCH", "/v1/companies/"+co["id"].(string), map[string]any{"name": "Kept"}, "If-Match", `"2"`), 200, "PATCH /v1/companies/{id}")
}

func TestNotFoundNeverNamesAnotherCase(t *testing.T) {
	f := newFixture(t)
	a := f.createCase("A")["id"].(string)
	b := f.createCase("B")["id"].(string)
	var comp map[string]any
	f.must(f.do("POST", "/v1/companies", map[string]any{"case_id": b, "name": "B Co"}), 201, "POST /v1/companies").decode(t, &comp)
	for _, path := range []string{
		"/v1/cases/" + a + "/relations/" + comp["id"].(string),
		"/v1/cases/nope",
		"/v1/companies/nope",
		"/v1/checks/aml/nope",
		"/v1/nothing",
	} {
		resp := f.do("DELETE", path, nil)
		if resp.status != 404 && resp.status != 405 {
			t.Errorf("%s: %d", path, resp.status)
		}
		resp.problem(t)
		if strings.Contains(string(resp.body), b) {
			t.Errorf("%s names the other case: %s", path, resp.body)
		}
	}
}

func TestListCases(t *testing.T) {
	f := newFixture(t)
	for i := range 25 {
		c := f.createCase(fmt.Sprintf("Case %02d", i))
		if i%5 == 0 {
			f.must(f.do("PATCH", "/v1/cases/"+c["id"].(string), map[string]any{"status": "draft"}), 200, "PATCH /v1/cases/{id}")
		}
	}
	type list struct {
		Data       []map[string]any `json:"data"`
		Pagination struct{ Page, Limit, Count int }
	}
	tests := []struct {
		query       string
		count, page int
		first       string
	}{
		{"", 25, 20, "Case 00"},
		{"?limit=10&page=3", 25, 5, "Case 20"},
		{"?status=draft", 5, 5, "Case 00"},
		{"?status.in=draft,open", 25, 20, "Case 00"},
		{"?status.not_in=draft", 20, 20, "Case 01"},
		{"?status.not_eq=open&sort=name.desc", 5, 5, "Case 20"},
		{"?name.ilike=%25SE%201%25", 10, 10, "Case 10"},
		{"?sort=name.desc&limit=1", 25, 1, "Case 24"},
		{"?created_at.gte=2000-01-01&created_at.lt=2000-01-02", 0, 0, ""},
		{"?external_id=none", 0, 0, ""},
		{"?status.not_in=draft,open,approved,rejected,closed", 0, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			var l list
			f := f.with(t)
			f.must(f.do("GET", "/v1/cases"+tt.query, nil), 200, "GET /v1/cases").decode(t, &l)
			if l.Pagination.Count != tt.count || len(l.Data) != tt.page {
				t.Fatalf("count %d, page %d; want %d, %d", l.Pagination.Count, len(l.Data), tt.count, tt.page)
			}
			if tt.page > 0 && l.Data[0]["name"] != tt.first {
				t.Errorf("first %v, want %s", l.Data[0]["name"], tt.first)
			}
			if l.Data == nil {
				t.Error("data is null")
			}
		})
	}
	bad := []struct{ query, path, code string }{
		{"?limit=101", "limit", "out_of_range"},
		{"?page=0", "page", "invalid_value"},
		{"?status=lost", "status", "invalid_value"},
		{"?status.between=open", "status.between", "not_allowed"},
		{"?created_at.gte=yesterday", "created_at.gte", "invalid_format"},
		{"?name.like=Acme%25", "name.like", "not_allowed"},
		{"?tags=vip", "tags", "not_allowed"},
		{"?assignee_id.not_eq=u1", "assignee_id.not_eq", "not_allowed"},
		{"?tags.array_contains=", "tags.array_contains", "required"},
		{"?sort=last_activity_at", "sort", "not_allowed"},
		{"?sort=colour", "sort", "invalid_value"},
		{"?colour=red", "colour", "unknown_field"},
		{"?status=open&status=draft", "status", "duplicate"},
	}
	for _, tt := range bad {
		t.Run("bad"+tt.query, func(t *testing.T) {
			a := f.do("GET", "/v1/cases"+tt.query, nil)
			if p := a.problem(t); a.status != 400 || !p.has(tt.path, tt.code) {
				t.Errorf("%d %s", a.status, a.body)
			}
		})
	}
}

func TestConcurrentIfMatchWriters(t *testing.T) {
	f := newFixture(t)
	id := f.createCase("Race")["id"].(string)
	const writers = 8
	var wg sync.WaitGroup
	statuses := make([]int, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = f.do("PATCH", "/v1/cases/"+id, map[string]any{"name": fmt.Sprintf("writer %d", i)}, "If-Match", `"1"`).status
		}()
	}
	wg.Wait()
	won := 0
	for _, s := range statuses {
		switch s {
		case 200:
			won++
		case 412:
		default:
			t.Errorf("status %d", s)
		}
	}
	if won != 1 {
		t.Errorf("%d writers won at version 1, want exactly 1: %v", won, statuses)
	}
	a := f.do("GET", "/v1/cases/"+id, nil)
	if a.header.Get("ETag") != `"2"` {
		t.Errorf("ETag after the race %q", a.header.Get("ETag"))
	}
}

func TestOutbox(t *testing.T) {
	f := newFixture(t)
	f.createCase("A")
	f.createCase("B")
	var page struct {
		Data []struct {
			Type   string `json:"type"`
			CaseID string `json:"case_id"`
			Seq    uint64 `json:"seq"`
		} `json:"data"`
		Next *string `json:"next"`
	}
	f.must(f.do("GET", "/v1/x-dossier/outbox?limit=1", nil), 200, "").decode(t, &page)
	if len(page.Data) != 1 || page.Data[0].Type != "Case.Created" || page.Next == nil {
		t.Fatalf("first page %+v", page)
	}
	first := page.Data[0].CaseID
	f.must(f.do("GET", "/v1/x-dossier/outbox?limit=1&after="+*page.Next, nil), 200, "").decode(t, &page)
	if len(page.Data) != 1 || page.Data[0].CaseID == first {
		t.Errorf("second page %+v", page)
	}
	if a := f.do("GET", "/v1/x-dossier/outbox?limit=0", nil); a.status != 400 || !a.problem(t).has("limit", "out_of_range") {
		t.Errorf("limit 0: %d %s", a.status, a.body)
	}

	g := newFixture(t, dossierhttp.WithoutAuthentication(), dossierhttp.WithoutOutbox())
	if a := g.do("GET", "/v1/x-dossier/outbox", nil); a.status != 404 {
		t.Errorf("outbox with WithoutOutbox: %d", a.status)
	}
}

func TestCheckListQueries(t *testing.T) {
	f := newFixture(t)
	for _, q := range []struct{ query, path, code string }{
		{"", "case_id", "required"},
		{"?case_id=x&status.not_in=approved", "status.not_in", "not_allowed"},
		{"?case_id=x&limit=500", "limit", "out_of_range"},
		{"?case_id=x&colour=red", "colour", "unknown_field"},
	} {
		a := f.do("GET", "/v1/checks"+q.query, nil)
		if a.status != 400 || !a.problem(t).has(q.path, q.code) {
			t.Errorf("%s: %d %s", q.query, a.status, a.body)
		}
	}
	id := f.createCase("Checks")["id"].(string)
	var l struct {
		Data       []any `json:"data"`
		Pagination struct{ Count int }
	}
	f.must(f.do("GET", "/v1/checks?case_id="+id, nil), 200, "GET /v1/checks").decode(t, &l)
	if l.Data == nil || len(l.Data) != 0 || l.Pagination.Count != 0 {
		t.Errorf("empty check list %+v", l)
	}
}

func TestOwnershipReport(t *testing.T) {
	f := newFixture(t)
	id := f.createCase("Owned")["id"].(string)
	var main, ada map[string]any
	f.must(f.do("POST", "/v1/companies", map[string]any{"case_id": id, "name": "Main"}), 201, "POST /v1/companies").decode(t, &main)
	f.must(f.do("POST", "/v1/individuals", map[string]any{"case_id": id, "first_name": "Ada", "last_name": "L"}), 201, "POST /v1/individuals").decode(t, &ada)
	// A new individual is linked to the main company; give that relation a stake.
	relID := ada["relations"].([]any)[0].(map[string]any)["id"].(string)
	f.must(f.do("PATCH", "/v1/cases/"+id+"/relations/"+relID, map[string]any{"ownership_percentage": 66.67,
		"roles": []string{"shareholder"}}), 200, "PATCH /v1/cases/{caseId}/relations/{caseRelationId}")
	var rep struct {
		MainCompany struct {
			ID string `json:"id"`
		} `json:"main_company"`
		Holders []struct {
			ID        string `json:"id"`
			Ownership struct {
				Kind    string `json:"kind"`
				Value   string `json:"value"`
				Display string `json:"display"`
			} `json:"ownership"`
		} `json:"holders"`
		BeneficialOwners []struct {
			ID            string `json:"id"`
			OwnershipTest string `json:"ownership_test"`
		} `json:"beneficial_owners"`
	}
	f.must(f.do("GET", "/v1/x-dossier/cases/"+id+"/ownership", nil), 200, "").decode(t, &rep)
	if rep.MainCompany.ID != main["id"] {
		t.Errorf("main company %s", rep.MainCompany.ID)
	}
	found := false
	for _, h := range rep.Holders {
		if h.ID == ada["id"] {
			found = true
			if h.Ownership.Kind != "exact" || h.Ownership.Value != "6667/100" || h.Ownership.Display != "66.67" {
				t.Errorf("Ada's total %+v, want exact 6667/100 (66.67)", h.Ownership)
			}
		}
	}
	if !found || len(rep.BeneficialOwners) != 1 || rep.BeneficialOwners[0].ID != ada["id"] {
		t.Errorf("report %+v", rep)
	}
	f.must(f.do("GET", "/v1/x-dossier/cases/nope/ownership", nil), 404, "")
}

// TestBandsOverHTTP: a banded stake goes in and comes out in the extension
// member ownership_percentage_band, with ownership_percentage null, and
// every answer still validates against the published description; the
// ownership report gives the band's total as a range with its open end.
func TestBandsOverHTTP(t *testing.T) {
	f := newFixture(t)
	id := f.createCase("Banded")["id"].(string)
	f.must(f.do("POST", "/v1/companies", map[string]any{"case_id": id, "name": "Main"}), 201, "POST /v1/companies")
	var ada map[string]any
	f.must(f.do("POST", "/v1/individuals", map[string]any{"case_id": id, "first_name": "Ada", "last_name": "L"}), 201, "POST /v1/individuals").decode(t, &ada)
	relID := ada["relations"].([]any)[0].(map[string]any)["id"].(string)

	var rel map[string]any
	f.must(f.do("PATCH", "/v1/cases/"+id+"/relations/"+relID, map[string]any{
		"ownership_percentage_band": map[string]any{"exclusive_minimum": 25, "maximum": 50},
		"roles":                     []string{"shareholder"},
	}), 200, "PATCH /v1/cases/{caseId}/relations/{caseRelationId}").decode(t, &rel)
	if rel["ownership_percentage"] != nil {
		t.Errorf("ownership_percentage = %v, want null for a band", rel["ownership_percentage"])
	}
	band, _ := rel["ownership_percentage_band"].(map[string]any)
	if band["exclusive_minimum"] != 25.0 || band["maximum"] != 50.0 || band["minimum"] != nil || band["exclusive_maximum"] != nil {
		t.Errorf("ownership_percentage_band = %v, want exclusive_minimum 25 and maximum 50", rel["ownership_percentage_band"])
	}

	var rep struct {
		BeneficialOwners []struct {
			ID        string `json:"id"`
			Ownership struct {
				Kind string `json:"kind"`
				Min  struct {
					Value     string `json:"value"`
					Exclusive bool   `json:"exclusive"`
				} `json:"min"`
			} `json:"ownership"`
			OwnershipTest string `json:"ownership_test"`
		} `json:"beneficial_owners"`
	}
	f.must(f.do("GET", "/v1/x-dossier/cases/"+id+"/ownership", nil), 200, "").decode(t, &rep)
	// (25, 50] passes a "25 % or more" test for certain: every value in it does.
	if len(rep.BeneficialOwners) != 1 || rep.BeneficialOwners[0].Ownership.Kind != "range" ||
		rep.BeneficialOwners[0].Ownership.Min.Value != "25" || !rep.BeneficialOwners[0].Ownership.Min.Exclusive ||
		rep.BeneficialOwners[0].OwnershipTest != "yes" {
		t.Errorf("beneficial owners %+v", rep.BeneficialOwners)
	}

	// A band in the plain member, or both members, is refused with a path.
	f.must(f.do("PATCH", "/v1/cases/"+id+"/relations/"+relID, map[string]any{
		"ownership_percentage": 30, "ownership_percentage_band": map[string]any{"minimum": 25, "maximum": 50},
	}), 400, "")
}

// TestListByTagsAndAssignee: the Dotfile API's tags and assignee_id
// filters select the cases dossier's query selects, by tag label.
func TestListByTagsAndAssignee(t *testing.T) {
	f := newFixture(t)
	for _, c := range []map[string]any{
		{"name": "Both", "tags": []string{"VIP", "PEP"}, "assignee_id": "u1"},
		{"name": "VIP only", "tags": []string{"VIP"}},
		{"name": "None", "assignee_id": "u2"},
	} {
		f.must(f.do("POST", "/v1/cases", c), 201, "POST /v1/cases")
	}
	tests := []struct {
		query string
		want  string
	}{
		{"tags.array_contains=VIP,PEP", "Both"},
		{"tags.array_contains=VIP", "Both,VIP only"},
		{"tags.array_not_contains=VIP", "None"},
		{"tags.array_overlap=PEP,nothing-like-it", ""},
		{"tags.array_overlap=PEP,VIP", "Both,VIP only"},
		{"assignee_id=u2", "None"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			a := f.do("GET", "/v1/cases?sort=name&"+tt.query, nil)
			if tt.want == "" { // an unknown tag is bad input, not an empty list
				f.must(a, 400, "")
				return
			}
			var page struct {
				Data []struct {
					Name string `json:"name"`
				} `json:"data"`
			}
			f.must(a, 200, "GET /v1/cases").decode(t, &page)
			var got []string
			for _, c := range page.Data {
				got = append(got, c.Name)
			}
			if strings.Join(got, ",") != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestCreateCaseGraphOverHTTP: a case created with its companies and
// individuals linked by ref, as the Dotfile API's case creation does, in
// one request; the answer validates, and a bad graph is 400 with the path
// of each problem.
func TestCreateCaseGraphOverHTTP(t *testing.T) {
	f := newFixture(t)
	var c map[string]any
	f.must(f.do("POST", "/v1/cases", `{"name": "Acme group",
	  "companies": [{"name": "Acme SA", "type": "main", "ref": "acme"}],
	  "individuals": [{"first_name": "Ada", "last_name": "L",
	    "relations": [{"source_company_ref": "acme", "ownership_percentage": 40, "roles": ["shareholder"]}]}]}`),
		201, "POST /v1/cases").decode(t, &c)
	var page struct {
		Data []struct {
			FirstName string `json:"first_name"`
			Relations []struct {
				OwnershipPercentage any `json:"ownership_percentage"`
			} `json:"relations"`
		} `json:"data"`
	}
	f.must(f.do("GET", "/v1/individuals?case_id="+c["id"].(string), nil), 200, "GET /v1/individuals").decode(t, &page)
	if len(page.Data) != 1 || len(page.Data[0].Relations) != 1 || page.Data[0].Relations[0].OwnershipPercentage != 40.0 {
		t.Fatalf("individuals %+v: want Ada with exactly her 40 %% relation, no default link", page.Data)
	}

	a := f.do("POST", "/v1/cases", `{"name": "Bad group",
	  "companies": [{"name": "Acme SA", "type": "main", "ref": "acme"}],
	  "individuals": [{"first_name": "Ada", "last_name": "L",
	    "relations": [{"source_company_ref": "nowhere", "ownership_percentage": 140}]}]}`)
	f.must(a, 400, "")
	for _, path := range []string{"individuals[0].relations[0].source_company_ref", "individuals[0].relations[0].ownership_percentage"} {
		if !strings.Contains(string(a.body), `"path":"`+path+`"`) {
			t.Errorf("no problem at %s: %s", path, a.body)
		}
	}
}
