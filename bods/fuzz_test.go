package bods_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dossierkit/dossier/bods"
	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/validation"
)

// FuzzImport: any input either imports into a graph that passes every
// rule of package relation, or fails with a *validation.Error; it never
// panics.
func FuzzImport(f *testing.F) {
	f.Add(pkgOf(append(base, st("r1", "r-ada", "relationship", relRec("acme", "ada", interest("shareholding", "direct", `{"exclusiveMinimum":25,"maximum":50}`))))...))
	f.Add(strings.Join(base, "\n"))
	f.Add(pkgOf(base[0], st("r1", "r", "relationship", `{"isComponent":false,"subject":"acme","interestedParty":{"reason":"unknown"},"interests":[{"type":"shareholding","share":{"exact":1e2}}]}`)))
	f.Add(`[{"statementId":"x"}]`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, pkg string) {
		n := 0
		im, err := bods.Import(strings.NewReader(pkg), bods.ImportOptions{NewID: func() string { n++; return fmt.Sprint("id", n) }})
		if err != nil {
			var verr *validation.Error
			if !errors.As(err, &verr) {
				t.Fatalf("error %v is not a validation error", err)
			}
			return
		}
		if err := relation.Check(im.Graph); err != nil {
			t.Fatalf("imported graph breaks the rules: %v", err)
		}
		if _, err := relation.Totals(im.Graph, ownershipOptions); err != nil {
			t.Fatalf("totals: %v", err)
		}
	})
}

var ownershipOptions = ownership.Options{}
