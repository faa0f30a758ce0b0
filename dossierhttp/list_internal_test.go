package dossierhttp

import (
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/dossierkit/dossier/validation"
)

// FuzzCaseQuery: any query string is either refused with a
// *validation.Error naming its problems, or mapped to a store query that
// validates, with a page within the limits.
func FuzzCaseQuery(f *testing.F) {
	for _, s := range []string{"", "status.in=open,draft", "created_at.gte=2024-01-01&created_at.lt=2024-02-01T00:00:00Z",
		"name.ilike=%25acme%25", "sort=name.desc&page=2&limit=100", "limit=0", "status.not_in=open,draft,approved,rejected,closed",
		"external_id=crm-1", "tags=x", "a.b.c=d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if _, err := url.ParseQuery(raw); err != nil {
			return
		}
		r := &http.Request{Method: "GET", URL: &url.URL{Path: "/v1/cases", RawQuery: raw}}
		q, pg, err := parseCaseQuery(r)
		if err != nil {
			var verr *validation.Error
			if !errors.As(err, &verr) || len(verr.Problems) == 0 {
				t.Fatalf("%q: error %v is not a *validation.Error with problems", raw, err)
			}
			return
		}
		if err := q.Validate(); err != nil {
			t.Fatalf("%q: query does not validate: %v", raw, err)
		}
		if pg.limit < 1 || pg.limit > MaxLimit || pg.number < 1 || q.Limit != pg.limit {
			t.Fatalf("%q: page %+v, query limit %d", raw, pg, q.Limit)
		}
	})
}
