package dossierhttp

import (
	"encoding/json"
	"net/http"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/relation"
)

// The Dotfile API answers every member of an object, null when it has no
// value. dossier's domain types leave out some members they do not model
// (a case's template, tags or assignee; a company's share capital...) and
// some empty ones. Before answering, the handler completes each object with
// the members of the API's object that are absent: null, or [] for lists,
// {} for custom_properties, false for the flags dossier never sets, and
// last_activity_at copied from updated_at (dossier's latest change of the
// object). A member the object has is never changed, so a field a later
// version of dossier models takes over from the filler without a change
// here.

// member is one member the API always answers, and the value to answer
// when the domain object leaves it out.
type member struct {
	key   string
	value json.RawMessage // nil: copy the member named by from
	from  string
	// nested completes the member when it is an object (and builds it
	// from null members when it is absent).
	nested []member
}

var (
	null  = json.RawMessage("null")
	empty = json.RawMessage("[]")
	noObj = json.RawMessage("{}")
	no    = json.RawMessage("false")
)

func nullMembers(keys ...string) []member {
	ms := make([]member, len(keys))
	for i, k := range keys {
		ms[i] = member{key: k, value: null}
	}
	return ms
}

var (
	caseMembers = append(nullMembers("space_slug", "template", "template_id", "assignee", "assignee_id",
		"client_portal", "last_contact_action_at"),
		member{key: "tags", value: empty},
		member{key: "last_activity_at", from: "updated_at"})
	caseDetailMembers = append([]member{{key: "controls", value: empty}, {key: "companies", value: empty},
		{key: "individuals", value: empty}}, caseMembers...)
	reviewMembers = nullMembers("user")
	riskMembers   = []member{{key: "updated_at", from: "created_at"}}
	checkMembers  = append(nullMembers("company_id", "individual_id", "subtype", "data"),
		member{key: "is_internal", value: no},
		member{key: "last_activity_at", from: "updated_at"})
	companyMembers = append(nullMembers("commercial_name", "country", "registration_number", "registration_date",
		"legal_form", "entity_legal_form", "entity_legal_form_label", "address", "banking_information",
		"share_capital", "tax_identification_number", "website_url", "employer_identification_number"),
		member{key: "classifications", value: empty}, member{key: "document_orders", value: empty},
		member{key: "checks", value: empty}, member{key: "custom_properties", value: noObj},
		member{key: "last_activity_at", from: "updated_at"})
	individualMembers = append(nullMembers("first_name", "middle_name", "last_name", "maiden_name", "email",
		"birth_date", "birth_country", "birth_place", "gender", "address", "banking_information",
		"tax_identification_number", "social_security_number", "phone_number", "position",
		"ownership_percentage", "voting_rights_percentage"),
		member{key: "roles", value: empty}, member{key: "nationalities", value: empty},
		member{key: "is_controlling_person", value: no},
		member{key: "checks", value: empty}, member{key: "custom_properties", value: noObj},
		member{key: "last_activity_at", from: "updated_at"})
	addressMembers = nullMembers("street_address", "street_address_2", "postal_code", "city", "state", "region", "country")
	bankingMembers = nullMembers("iban", "bic")
)

func init() {
	caseMembers = append(caseMembers, member{key: "review", nested: reviewMembers})
	caseDetailMembers = append(caseDetailMembers, member{key: "review", nested: reviewMembers})
	for _, ms := range [][]member{companyMembers, individualMembers} {
		for i := range ms {
			switch ms[i].key {
			case "address":
				ms[i].nested = addressMembers
			case "banking_information":
				ms[i].nested = bankingMembers
			}
		}
	}
}

// wireObject is a JSON object to complete: the object's JSON, the members
// to add when absent, and members set by the handler (which replace the
// object's own).
type wireObject struct {
	raw   []byte
	ms    []member
	extra []extraMember
}

type extraMember struct {
	key   string
	value []byte
}

// toWire marshals v (a JSON object) for completion with ms.
func toWire(v any, ms []member) (*wireObject, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return &wireObject{raw: data, ms: ms}, nil
}

// set sets member key to the JSON of v.
func (o *wireObject) set(key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	o.extra = append(o.extra, extraMember{key, data})
	return nil
}

// MarshalJSON returns the completed object.
func (o *wireObject) MarshalJSON() ([]byte, error) { return completeJSON(o.raw, o.ms, o.extra), nil }

// completeJSON rewrites the JSON object data (as encoding/json writes it)
// with the members of extra replacing or added, then the members of ms it
// lacks. It scans the object's top level once, without decoding values.
func completeJSON(data []byte, ms []member, extra []extraMember) []byte {
	out := make([]byte, 0, len(data)+64*len(ms))
	out = append(out, '{')
	first := true
	var present []string
	sep := func() {
		if !first {
			out = append(out, ',')
		}
		first = false
	}
	scanObject(data, func(key, value []byte) {
		k := string(key)
		present = append(present, k)
		for _, e := range extra {
			if e.key == k {
				return // replaced below
			}
		}
		sep()
		out = append(out, '"')
		out = append(out, key...)
		out = append(out, '"', ':')
		for _, m := range ms {
			if m.key == k && m.nested != nil && len(value) > 0 && value[0] == '{' {
				out = append(out, completeJSON(value, m.nested, nil)...)
				return
			}
		}
		out = append(out, value...)
	})
	has := func(k string) bool {
		for _, p := range present {
			if p == k {
				return true
			}
		}
		return false
	}
	valueOf := func(k string) []byte {
		var v []byte
		scanObject(data, func(key, value []byte) {
			if string(key) == k {
				v = value
			}
		})
		return v
	}
	for _, e := range extra {
		sep()
		out = append(out, '"')
		out = append(out, e.key...)
		out = append(out, '"', ':')
		out = append(out, e.value...)
		present = append(present, e.key)
	}
	for _, m := range ms {
		if has(m.key) {
			continue
		}
		sep()
		out = append(out, '"')
		out = append(out, m.key...)
		out = append(out, '"', ':')
		switch {
		case m.nested != nil:
			out = append(out, completeJSON([]byte("{}"), m.nested, nil)...)
		case m.value != nil:
			out = append(out, m.value...)
		default:
			if v := valueOf(m.from); v != nil {
				out = append(out, v...)
			} else {
				out = append(out, null...)
			}
		}
	}
	return append(out, '}')
}

// scanObject calls fn with the raw key (without its quotes) and raw value
// of every top-level member of the JSON object data. data must be valid
// JSON; anything else ends the scan.
func scanObject(data []byte, fn func(key, value []byte)) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return
	}
	i++
	for {
		i = skipSpace(data, i)
		if i >= len(data) || data[i] == '}' {
			return
		}
		if data[i] == ',' {
			i++
			continue
		}
		if data[i] != '"' {
			return
		}
		end := skipString(data, i)
		key := data[i+1 : end-1]
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return
		}
		i = skipSpace(data, i+1)
		vEnd := skipValue(data, i)
		if vEnd <= i {
			return
		}
		fn(key, data[i:vEnd])
		i = vEnd
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\n' || data[i] == '\t' || data[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at data[i].
func skipString(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(data)
}

// skipValue returns the index after the value starting at data[i].
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return i
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				j = skipString(data, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(data)
	default:
		j := i
		for j < len(data) && data[j] != ',' && data[j] != '}' && data[j] != ']' && data[j] != ' ' && data[j] != '\n' {
			j++
		}
		return j
	}
}

// wireList completes every element of list.
func wireList[T any](list []T, ms []member, extra func(*wireObject, *T) error) ([]*wireObject, error) {
	out := make([]*wireObject, 0, len(list))
	for i := range list {
		o, err := toWire(&list[i], ms)
		if err != nil {
			return nil, err
		}
		if extra != nil {
			if err := extra(o, &list[i]); err != nil {
				return nil, err
			}
		}
		out = append(out, o)
	}
	return out, nil
}

// entityWire completes a company or individual view of caseID, with its
// checks.
func (h *Handler) entityWire(r *http.Request, caseID, entityID string, v any, ms []member) (*wireObject, error) {
	o, err := toWire(v, ms)
	if err != nil {
		return nil, err
	}
	if err := o.set("case_id", caseID); err != nil {
		return nil, err
	}
	checks, err := h.w.ListChecks(r.Context(), caseID)
	if err != nil {
		return nil, err
	}
	kept := checks[:0]
	for _, c := range checks {
		if c.EntityID() == entityID {
			kept = append(kept, c)
		}
	}
	wc, err := wireList(kept, checkMembers, nil)
	if err != nil {
		return nil, err
	}
	return o, o.set("checks", wc)
}

// caseDetail is a case as GET /v1/cases/{id} answers it: with its
// companies and individuals.
func (h *Handler) caseDetail(r *http.Request, c *cases.Case) (*wireObject, error) {
	o, err := toWire(c, caseDetailMembers)
	if err != nil {
		return nil, err
	}
	comps, err := h.w.ListCompanies(r.Context(), c.ID)
	if err != nil {
		return nil, err
	}
	inds, err := h.w.ListIndividuals(r.Context(), c.ID)
	if err != nil {
		return nil, err
	}
	withCase := func(o *wireObject, _ *relation.CompanyView) error { return o.set("case_id", c.ID) }
	wc, err := wireList(comps, companyMembers, withCase)
	if err != nil {
		return nil, err
	}
	wi, err := wireList(inds, individualMembers, func(o *wireObject, _ *relation.IndividualView) error { return o.set("case_id", c.ID) })
	if err != nil {
		return nil, err
	}
	if err := o.set("companies", wc); err != nil {
		return nil, err
	}
	return o, o.set("individuals", wi)
}

// WireObject completes the JSON of an object as an event carries it
// (event.Event.Payload: the object as the Workspace's reads return it) into
// the object the API answers, for webhook bodies: the members the API
// always sends and dossier does not model are added as null, [] or {}.
// The kind is the event type's prefix: Case, Company, Individual or Check;
// another kind returns payload unchanged. caseID is the event's case, the
// case_id of a company or individual.
func WireObject(kind, caseID string, payload json.RawMessage) (json.RawMessage, error) {
	var ms []member
	switch kind {
	case "Case":
		ms = caseMembers
	case "Company":
		ms = companyMembers
	case "Individual":
		ms = individualMembers
	case "Check":
		ms = checkMembers
	default:
		return payload, nil
	}
	if !json.Valid(payload) || len(payload) == 0 || payload[0] != '{' {
		return payload, nil
	}
	var extra []extraMember
	if kind == "Company" || kind == "Individual" {
		id, err := json.Marshal(caseID)
		if err != nil {
			return nil, err
		}
		extra = []extraMember{{"case_id", id}}
	}
	return completeJSON(payload, ms, extra), nil
}

// propertyJSON is a custom property definition as the API answers it: the
// settings of its type with every member (null when unset), and for
// choices the options beside the settings, where the API puts them.
func propertyJSON(d customprop.Definition) map[string]any {
	o := map[string]any{"key": d.Key, "label": d.Label, "type": d.Type, "target_entity": d.Target, "archived_at": d.ArchivedAt}
	st := d.Settings
	orNull := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	switch d.Type {
	case customprop.TypeChoices:
		o["settings"] = map[string]any{"allow_multiple": st.AllowMultiple}
		options := st.Options
		if options == nil {
			options = []customprop.Option{}
		}
		o["options"] = options
	case customprop.TypeCountries:
		o["settings"] = map[string]any{"allow_multiple": st.AllowMultiple}
	case customprop.TypeText:
		o["settings"] = map[string]any{"is_multi_line": st.IsMultiLine}
	case customprop.TypeNumeric:
		o["settings"] = map[string]any{"format": orNull(string(st.Format)), "currency_code": orNull(st.CurrencyCode),
			"min": st.Min, "max": st.Max}
	}
	return o
}
