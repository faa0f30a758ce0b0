package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/postgres"
)

// trickyNames hold what LIKE and text columns treat specially: wildcards,
// the escape character, NUL, letters whose lower case changes length, and
// scripts beyond ASCII.
var trickyNames = []string{
	"Acme Ltd", "100%_Sure\\Ltd", "under_score", "per%cent", "back\\slash", "nul\x00byte",
	"İstanbul Holding", "ISTANBUL", "ΣΊΣΥΦΟΣ", "σίσυφος", "Straße", "STRASSE", "日本商事", "Café", "CAFÉ",
	"a", "",
}

// checkNameContains creates a case per name and checks that Query with
// each pattern returns exactly the cases storage.Query.Matches accepts, in
// name order.
func checkNameContains(t *testing.T, s *postgres.Store, names, patterns []string) {
	t.Helper()
	ctx := context.Background()
	var all []cases.Case
	for i, name := range names {
		rec := newRecord(fmt.Sprintf("n%03d", i), "")
		rec.Case.Name = name
		if _, err := s.Create(ctx, rec); err != nil {
			t.Fatalf("create %q: %v", name, err)
		}
		all = append(all, rec.Case)
	}
	for _, p := range patterns {
		q := storage.Query{NameContains: p, Sort: storage.SortName, Limit: storage.MaxPageSize}
		var want []string
		for _, c := range all {
			if q.Matches(&c) {
				want = append(want, c.ID)
			}
		}
		slices.SortFunc(want, func(a, b string) int {
			ca := all[slices.IndexFunc(all, func(c cases.Case) bool { return c.ID == a })]
			cb := all[slices.IndexFunc(all, func(c cases.Case) bool { return c.ID == b })]
			return q.Compare(&ca, &cb)
		})
		page, err := s.Query(ctx, q)
		if err != nil {
			t.Fatalf("pattern %q: %v", p, err)
		}
		var got []string
		for _, c := range page.Cases {
			got = append(got, c.ID)
		}
		if !slices.Equal(got, want) {
			t.Errorf("name contains %q: got %v, want %v", p, got, want)
		}
	}
}

// TestNameContains: the name filter is storage.Query.Matches exactly,
// wildcards and all.
func TestNameContains(t *testing.T) {
	patterns := []string{"%", "_", "\\", "\x00", "%_s", "0%_sure\\l", "nul\x00b", "İ", "i̇", "istanbul", "ı",
		"σ", "Σ", "ß", "ss", "É", "日本", "acme", "ACME LTD", "e l", "zzz"}
	checkNameContains(t, newStore(t), trickyNames, patterns)
}

func FuzzNameContains(f *testing.F) {
	f.Add("100%_Sure\\Ltd", "%_s")
	f.Add("İstanbul", "i̇s")
	f.Add("nul\x00byte", "\x00")
	f.Add("Straße", "SS")
	f.Fuzz(func(t *testing.T, name, pattern string) {
		if !utf8.ValidString(name) || !utf8.ValidString(pattern) || strings.TrimSpace(name) == "" || len(name) > 200 {
			t.Skip("not a valid case name")
		}
		checkNameContains(t, newStore(t), []string{name, name + " tail", "head " + name}, []string{pattern})
	})
}
