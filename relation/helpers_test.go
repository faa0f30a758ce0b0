package relation_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/validation"
)

var now = time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)

func patchOf[T any](v T) patch.Field[T] { return patch.Value(v) }

func pct(s string) entity.Percentage { return entity.MustPercentage(s) }

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// problem is an expected validation problem.
type problem struct {
	path string
	code validation.Code
}

// checkProblems fails unless err is a *validation.Error holding exactly the
// wanted problems (in any order); no wanted problems means err is nil.
func checkProblems(t *testing.T, err error, want ...problem) *validation.Error {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return nil
	}
	var verr *validation.Error
	if !errors.As(err, &verr) {
		t.Fatalf("error = %v, want a *validation.Error with %v", err, want)
	}
	if len(verr.Problems) != len(want) {
		t.Fatalf("problems = %v, want %v", verr.Problems, want)
	}
	for _, w := range want {
		if !verr.Has(w.path, w.code) {
			t.Fatalf("problems = %v, want %v", verr.Problems, want)
		}
	}
	return verr
}

// checkOrphans fails unless err matches ErrOrphan and names exactly ids.
func checkOrphans(t *testing.T, err error, ids ...string) {
	t.Helper()
	if !errors.Is(err, relation.ErrOrphan) {
		t.Fatalf("error = %v, want ErrOrphan", err)
	}
	var oe *relation.OrphanError
	if !errors.As(err, &oe) {
		t.Fatalf("error = %v, want an *OrphanError", err)
	}
	if !slices.Equal(oe.IDs, ids) {
		t.Fatalf("orphans = %v, want %v", oe.IDs, ids)
	}
}

// builder grows a graph through the package's operations, failing the test
// on any refusal. Ids are "<prefix>N" for readability.
type builder struct {
	t   testing.TB
	g   relation.Graph
	env relation.Env
}

func newBuilder(t testing.TB) *builder {
	n := 0
	return &builder{t: t, env: relation.Env{Now: now, NewID: func() string { n++; return fmt.Sprintf("id%d", n) }}}
}

func (b *builder) company(in entity.CompanyInput) string {
	b.t.Helper()
	g, v, err := relation.AddCompany(b.g, in, b.env)
	if err != nil {
		b.t.Fatalf("AddCompany(%s): %v", in.Name, err)
	}
	b.g = g
	return v.ID
}

func (b *builder) individual(in entity.IndividualInput) string {
	b.t.Helper()
	g, v, err := relation.AddIndividual(b.g, in, b.env)
	if err != nil {
		b.t.Fatalf("AddIndividual(%s): %v", in.LastName, err)
	}
	b.g = g
	return v.ID
}

func (b *builder) relate(in relation.Input) string {
	b.t.Helper()
	g, r, err := relation.AddRelation(b.g, in, b.env)
	if err != nil {
		b.t.Fatalf("AddRelation: %v", err)
	}
	b.g = g
	return r.ID
}

// relationID returns the id of the relation from -> to.
func (b *builder) relationID(from, to string) string {
	b.t.Helper()
	for _, r := range b.g.Relations {
		if r.From() == from && r.ToCompanyID == to {
			return r.ID
		}
	}
	b.t.Fatalf("no relation %s -> %s", from, to)
	return ""
}

// fixture is the example structure of the Dotfile API's documentation: main company M; affiliated company A
// holding 60 % of M; individual owner O holding 40 % of A (and nothing
// else); individual representative R linked to M.
type fixture struct {
	*builder
	M, A, O, R string
}

func newFixture(t testing.TB) fixture {
	b := newBuilder(t)
	f := fixture{builder: b}
	f.M = b.company(entity.CompanyInput{Name: "Main Co"})
	f.A = b.company(entity.CompanyInput{Type: entity.CompanyAffiliated, Name: "Holding",
		Relations: []entity.Link{{OwnershipPercentage: pct("60"), VotingRightsPercentage: pct("60"), Roles: []entity.Role{entity.RoleShareholder}}}})
	f.O = b.individual(entity.IndividualInput{FirstName: "Olivia", LastName: "Owner",
		Relations: []entity.Link{{ToCompanyID: f.A, OwnershipPercentage: pct("40"), Roles: []entity.Role{entity.RoleShareholder}}}})
	f.R = b.individual(entity.IndividualInput{FirstName: "Remy", LastName: "Rep"})
	if err := relation.Check(b.g); err != nil {
		t.Fatalf("fixture does not check: %v", err)
	}
	return f
}
