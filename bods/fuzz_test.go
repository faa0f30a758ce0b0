package bods_test

import (
	"bytes"
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
		// What was imported exports, and imports again to as many relations.
		out, err := bods.Export(im.Graph, bods.ExportOptions{StatementDate: statementDate})
		if err != nil {
			t.Fatalf("export of an imported graph: %v", err)
		}
		var buf bytes.Buffer
		if err := out.WriteJSONLines(&buf); err != nil {
			t.Fatal(err)
		}
		again, err := bods.Import(&buf, bods.ImportOptions{NewID: func() string { n++; return fmt.Sprint("id", n) }})
		if err != nil {
			t.Fatalf("import of a re-export: %v", err)
		}
		if len(again.Graph.Relations) != len(im.Graph.Relations) || len(again.Report.Disagreements) != 0 {
			t.Fatalf("re-import: %d relations (was %d), report %+v", len(again.Graph.Relations), len(im.Graph.Relations), again.Report)
		}
	})
}

var ownershipOptions = ownership.Options{}
