package dossierhttp

import (
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/validation"
)

// Page sizes of the list routes, as in the Dotfile API.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// page is the page and limit of a list request; none says that the
// filters exclude every case (status.not_in with every status).
type page struct {
	number, limit int
	none          bool
}

// pagination is the pagination member of a list answer.
type pagination struct {
	Page  int `json:"page"`
	Limit int `json:"limit"`
	Count int `json:"count"`
}

// listBody is the answer of every list route: {data, pagination}.
type listBody[T any] struct {
	Data       []T        `json:"data"`
	Pagination pagination `json:"pagination"`
}

// pageOf cuts one page out of all (a list held whole in memory: the
// entities or checks of one case).
func pageOf[T any](all []T, pg page) listBody[T] {
	start := min((pg.number-1)*pg.limit, len(all))
	end := min(start+pg.limit, len(all))
	data := make([]T, 0, end-start)
	data = append(data, all[start:end]...)
	return listBody[T]{Data: data, Pagination: pagination{Page: pg.number, Limit: pg.limit, Count: len(all)}}
}

// parsePage reads page (from 1) and limit (1 to MaxLimit, DefaultLimit
// when absent).
func parsePage(r *http.Request) (page, error) {
	q := r.URL.Query()
	pg := page{number: 1, limit: DefaultLimit}
	var l validation.List
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			l.Add("page", validation.CodeInvalidValue, "page is a whole number from 1")
		} else {
			pg.number = n
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxLimit {
			l.Addf("limit", validation.CodeOutOfRange, "limit is a whole number from 1 to %d", MaxLimit)
		} else {
			pg.limit = n
		}
	}
	return pg, l.Err()
}

// checkQuery refuses the query parameters that are not in allowed (by the
// name before the operator) and those given twice.
func checkQuery(r *http.Request, allowed map[string]bool) error {
	var l validation.List
	keys := make([]string, 0, len(r.URL.Query()))
	for k := range r.URL.Query() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		field, _, _ := strings.Cut(k, ".")
		switch {
		case !allowed[field]:
			l.Addf(k, validation.CodeUnknownField, "%s is not a filter or parameter of this route", k)
		case len(r.URL.Query()[k]) > 1:
			l.Addf(k, validation.CodeDuplicate, "%s is given more than once", k)
		}
	}
	return l.Err()
}

// caseFilters are the query parameters of GET /v1/cases.
var caseFilters = map[string]bool{
	"include_custom_properties": true, "external_id": true, "assignee_id": true,
	"name": true, "tags": true, "status": true, "created_at": true, "updated_at": true,
	"last_activity_at": true, "sort": true, "page": true, "limit": true,
}

// notModeled are the filters of the Dotfile API on members dossier does not
// have (yet): refused by name, never ignored.
var notModeled = map[string]bool{"last_activity_at": true}

// parseCaseQuery maps the Dotfile API's filter syntax (field.operator=value)
// onto a storage.Query; see the package doc for what is supported.
func parseCaseQuery(r *http.Request) (storage.Query, page, error) {
	var q storage.Query
	if err := checkQuery(r, caseFilters); err != nil {
		return q, page{}, err
	}
	pg, err := parsePage(r)
	var l validation.List
	l.Merge("", err)
	values := r.URL.Query()
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := values.Get(k)
		field, op, hasOp := strings.Cut(k, ".")
		if !hasOp {
			op = "eq"
		}
		switch {
		case notModeled[field]:
			l.Addf(k, validation.CodeNotAllowed, "filtering on %s is not supported: dossier does not model it", field)
		case field == "page" || field == "limit" || field == "include_custom_properties":
			if hasOp {
				l.Addf(k, validation.CodeUnknownField, "%s takes no operator", field)
			}
			if field == "include_custom_properties" {
				if _, err := strconv.ParseBool(v); err != nil {
					l.Add(k, validation.CodeInvalidType, "include_custom_properties is true or false")
				}
			}
		case field == "sort":
			parseSort(&l, k, v, hasOp, &q)
		case field == "external_id":
			if op != "eq" {
				l.Addf(k, validation.CodeNotAllowed, "external_id supports the eq operator only")
			} else if v == "" {
				l.Add(k, validation.CodeRequired, "external_id needs a value")
			} else {
				q.ExternalID = v
			}
		case field == "name":
			parseName(&l, k, op, v, &q)
		case field == "status":
			if parseStatus(&l, k, op, v, &q) {
				pg.none = true
			}
		case field == "tags":
			parseTags(&l, k, op, v, &q)
		case field == "assignee_id":
			switch {
			case op != "eq":
				l.Addf(k, validation.CodeNotAllowed, "assignee_id supports the eq operator only")
			case v == "":
				l.Add(k, validation.CodeRequired, "assignee_id needs a value")
			default:
				q.AssigneeID = v
			}
		case field == "created_at":
			parseTimeFilter(&l, k, op, v, &q.CreatedAt)
		case field == "updated_at":
			parseTimeFilter(&l, k, op, v, &q.UpdatedAt)
		}
	}
	if err := l.Err(); err != nil {
		return q, pg, err
	}
	q.Offset = (pg.number - 1) * pg.limit
	q.Limit = pg.limit
	q.Count = true
	return q, pg, nil
}

// parseTags reads a tags filter: a comma-separated list of tag labels or
// ids, with the operator array_contains (every one), array_not_contains
// (none of them) or array_overlap (at least one).
func parseTags(l *validation.List, k, op, v string, q *storage.Query) {
	var tags []string
	for _, t := range strings.Split(v, ",") {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	if len(tags) == 0 {
		l.Add(k, validation.CodeRequired, "a tags filter needs at least one tag")
		return
	}
	switch op {
	case "array_contains":
		q.TagsAll = tags
	case "array_not_contains":
		q.TagsNone = tags
	case "array_overlap":
		q.TagsAny = tags
	default:
		l.Add(k, validation.CodeNotAllowed, "tags supports array_contains, array_not_contains and array_overlap")
	}
}

func parseSort(l *validation.List, k, v string, hasOp bool, q *storage.Query) {
	if hasOp {
		l.Add(k, validation.CodeUnknownField, "sort takes no operator")
		return
	}
	field, dir, _ := strings.Cut(v, ".")
	switch dir {
	case "", "asc":
	case "desc":
		q.Desc = true
	default:
		l.Add(k, validation.CodeInvalidValue, "the direction of sort is asc or desc, as in name.desc")
		return
	}
	switch field {
	case "created_at":
		q.Sort = storage.SortCreatedAt
	case "name":
		q.Sort = storage.SortName
	case "updated_at":
		q.Sort = storage.SortUpdatedAt
	case "last_activity_at":
		l.Add(k, validation.CodeNotAllowed, "sorting by last_activity_at is not supported: dossier does not model it")
	default:
		l.Add(k, validation.CodeInvalidValue, "sort is created_at, name or updated_at, optionally followed by .asc or .desc")
	}
}

// parseName supports name.ilike with a pattern %text% (a case-insensitive
// substring; the other operators would need an exact or case-sensitive
// match, which the store's query does not offer).
func parseName(l *validation.List, k, op, v string, q *storage.Query) {
	if op != "ilike" {
		l.Addf(k, validation.CodeNotAllowed, "name supports the ilike operator only, with a pattern %%text%%")
		return
	}
	inner, ok := strings.CutPrefix(v, "%")
	if ok {
		inner, ok = strings.CutSuffix(inner, "%")
	}
	if !ok || inner == "" || strings.ContainsAny(inner, "%_") {
		l.Add(k, validation.CodeInvalidFormat, "name.ilike takes a pattern %text% (text without % or _)")
		return
	}
	q.NameContains = inner
}

var allStatuses = []cases.Status{cases.StatusDraft, cases.StatusOpen, cases.StatusApproved, cases.StatusRejected, cases.StatusClosed}

// parseStatus sets q.Statuses; it reports true when the filter excludes
// every status.
func parseStatus(l *validation.List, k, op, v string, q *storage.Query) bool {
	var given []cases.Status
	for _, s := range strings.Split(v, ",") {
		st := cases.Status(s)
		if !slices.Contains(allStatuses, st) {
			l.Addf(k, validation.CodeInvalidValue, "%q is not a case status (draft, open, approved, rejected, closed)", s)
			return false
		}
		given = append(given, st)
	}
	switch op {
	case "eq", "in":
		if op == "eq" && len(given) != 1 {
			l.Add(k, validation.CodeInvalidValue, "status.eq takes one status; use status.in for several")
			return false
		}
		q.Statuses = given
	case "not_eq", "not_in":
		if op == "not_eq" && len(given) != 1 {
			l.Add(k, validation.CodeInvalidValue, "status.not_eq takes one status; use status.not_in for several")
			return false
		}
		q.Statuses = []cases.Status{}
		for _, s := range allStatuses {
			if !slices.Contains(given, s) {
				q.Statuses = append(q.Statuses, s)
			}
		}
		if len(q.Statuses) == 0 {
			q.Statuses = nil
			return true
		}
	default:
		l.Addf(k, validation.CodeNotAllowed, "status supports the eq, not_eq, in and not_in operators")
	}
	return false
}

// parseFilterTime reads a date (yyyy-MM-dd, a whole UTC day) or a date and
// time (RFC 3339; without a zone, UTC). It returns the start of the
// instant or day and its end (exclusive).
func parseFilterTime(v string) (start, end time.Time, ok bool) {
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, t.AddDate(0, 0, 1), true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, t.Add(time.Nanosecond), true
		}
	}
	return time.Time{}, time.Time{}, false
}

func parseTimeFilter(l *validation.List, k, op, v string, tr *storage.TimeRange) {
	start, end, ok := parseFilterTime(v)
	if !ok {
		l.Add(k, validation.CodeInvalidFormat, "a date yyyy-MM-dd or a date and time such as 2023-01-31T13:30:00.000Z")
		return
	}
	from, to := time.Time{}, time.Time{}
	switch op {
	case "eq":
		from, to = start, end
	case "gt":
		from = end
	case "gte":
		from = start
	case "lt":
		to = start
	case "lte":
		to = end
	default:
		l.Addf(k, validation.CodeNotAllowed, "%s supports the eq, gt, gte, lt and lte operators", strings.SplitN(k, ".", 2)[0])
		return
	}
	// Several operators on one field intersect.
	if !from.IsZero() && (tr.From.IsZero() || from.After(tr.From)) {
		tr.From = from
	}
	if !to.IsZero() && (tr.To.IsZero() || to.Before(tr.To)) {
		tr.To = to
	}
}

func (h *Handler) listCases(rw http.ResponseWriter, r *http.Request) {
	q, pg, err := parseCaseQuery(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	if pg.none {
		h.writeJSON(rw, r, http.StatusOK, listBody[*wireObject]{Data: []*wireObject{},
			Pagination: pagination{Page: pg.number, Limit: pg.limit}})
		return
	}
	p, err := h.w.ListCases(r.Context(), q)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	data, err := wireList(p.Cases, caseMembers, nil)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	h.writeJSON(rw, r, http.StatusOK, listBody[*wireObject]{Data: data,
		Pagination: pagination{Page: pg.number, Limit: pg.limit, Count: p.Total}})
}

// entityListQuery reads the query of the company and individual lists:
// case_id (required: dossier lists the entities of one case) and the page.
func entityListQuery(r *http.Request) (string, page, error) {
	if err := checkQuery(r, map[string]bool{"case_id": true, "page": true, "limit": true}); err != nil {
		return "", page{}, err
	}
	pg, err := parsePage(r)
	if err != nil {
		return "", pg, err
	}
	id := r.URL.Query().Get("case_id")
	if id == "" {
		return "", pg, validation.New("case_id", validation.CodeRequired, "case_id is required: dossier lists the entities of one case")
	}
	return id, pg, nil
}

// checkFilter is the query of GET /v1/checks.
type checkFilter struct {
	caseID       string
	companyID    string
	individualID string
	statuses     []cases.CheckStatus
	types        []cases.CheckType
	page         page
}

func (f checkFilter) keep(c cases.Check) bool {
	return (f.companyID == "" || c.CompanyID == f.companyID) &&
		(f.individualID == "" || c.IndividualID == f.individualID) &&
		(f.statuses == nil || slices.Contains(f.statuses, c.Status)) &&
		(f.types == nil || slices.Contains(f.types, c.Type))
}

// parseCheckQuery reads the query of GET /v1/checks: one of case_id
// (extension), company_id or individual_id, and status or type filters
// (eq or in).
func parseCheckQuery(r *http.Request) (checkFilter, error) {
	var f checkFilter
	if err := checkQuery(r, map[string]bool{"case_id": true, "company_id": true, "individual_id": true,
		"status": true, "type": true, "page": true, "limit": true}); err != nil {
		return f, err
	}
	var l validation.List
	pg, err := parsePage(r)
	l.Merge("", err)
	f.page = pg
	v := r.URL.Query()
	f.caseID, f.companyID, f.individualID = v.Get("case_id"), v.Get("company_id"), v.Get("individual_id")
	for k, vals := range v {
		field, op, hasOp := strings.Cut(k, ".")
		if field != "status" && field != "type" {
			if hasOp {
				l.Addf(k, validation.CodeUnknownField, "%s takes no operator", field)
			}
			continue
		}
		if op != "" && op != "eq" && op != "in" {
			l.Addf(k, validation.CodeNotAllowed, "%s supports the eq and in operators", field)
			continue
		}
		for _, s := range strings.Split(vals[0], ",") {
			if field == "status" {
				f.statuses = append(f.statuses, cases.CheckStatus(s))
			} else {
				f.types = append(f.types, cases.CheckType(s))
			}
		}
	}
	set := 0
	for _, id := range []string{f.caseID, f.companyID, f.individualID} {
		if id != "" {
			set++
		}
	}
	if set == 0 {
		l.Add("case_id", validation.CodeRequired, "give case_id, company_id or individual_id: dossier lists the checks of one case")
	}
	return f, l.Err()
}

// resolveCase returns the case of a check filter.
func (h *Handler) resolveCase(r *http.Request, f checkFilter) (string, error) {
	if f.caseID != "" {
		c, err := h.w.GetCase(r.Context(), f.caseID)
		if err != nil {
			return "", err
		}
		return c.ID, nil
	}
	id := f.companyID
	if id == "" {
		id = f.individualID
	}
	return h.w.CaseOfEntity(r.Context(), id)
}
