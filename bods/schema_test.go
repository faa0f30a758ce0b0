package bods_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/dossierkit/dossier/bods"
)

// schemaDir is where the BODS 0.4 JSON schema lies, beside the repository.
var schemaDir = filepath.Join("..", "..", "shared", "bods-0.4", "schema")

var (
	schemaOnce sync.Once
	schema     *jsonschema.Schema
	schemaErr  error
)

// bodsSchema compiles the BODS 0.4 statement schema (a package is an array
// of statements) with format assertions on, or skips the test when the
// schema is not there.
func bodsSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	if _, err := os.Stat(filepath.Join(schemaDir, "statement.json")); err != nil {
		t.Skipf("BODS 0.4 schema not found at %s: schema validation skipped", schemaDir)
	}
	schemaOnce.Do(func() {
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		for _, f := range []string{"statement.json", "components.json", "entity-record.json", "person-record.json", "relationship-record.json"} {
			b, err := os.ReadFile(filepath.Join(schemaDir, f))
			if err != nil {
				schemaErr = err
				return
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err != nil {
				schemaErr = err
				return
			}
			id, _ := doc.(map[string]any)["$id"].(string)
			if err := c.AddResource(id, doc); err != nil {
				schemaErr = err
				return
			}
		}
		schema, schemaErr = c.Compile("urn:statement")
	})
	if schemaErr != nil {
		t.Fatalf("compile the BODS schema: %v", schemaErr)
	}
	return schema
}

// checkPackage validates a package against the BODS schema and the
// standard's further rules: statement ids unique; a record's statements
// after those of the records it names; components before their primary
// relationship, with isComponent true; and every share obeys the share
// rules (exact never with a bound, one lower and one upper member at most,
// lower below upper).
func checkPackage(t testing.TB, pkg bods.Package) {
	t.Helper()
	b, err := json.Marshal(pkg)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := bodsSchema(t).Validate(doc); err != nil {
		t.Fatalf("the package does not validate against the BODS 0.4 schema: %v\n%s", err, b)
	}
	seen := map[string]bool{}
	records := map[string]string{} // recordId -> recordType
	isComponent := map[string]bool{}
	for i, s := range pkg {
		where := fmt.Sprintf("statement %d (%s)", i, s.RecordID)
		if seen[s.StatementID] {
			t.Fatalf("%s: statement id %s repeated", where, s.StatementID)
		}
		seen[s.StatementID] = true
		if rel := s.Relationship; rel != nil {
			for _, p := range []bods.Party{rel.Subject, rel.InterestedParty} {
				if p.Unspecified == nil && records[p.RecordID] == "" {
					t.Fatalf("%s names %s before its statement", where, p.RecordID)
				}
			}
			if records[rel.Subject.RecordID] != bods.RecordEntity {
				t.Fatalf("%s: the subject %s is not an entity", where, rel.Subject.RecordID)
			}
			for _, c := range rel.ComponentRecords {
				if !isComponent[c] {
					t.Fatalf("%s: component %s is not an earlier relationship with isComponent true", where, c)
				}
			}
			for k, in := range rel.Interests {
				checkShareRules(t, fmt.Sprintf("%s interest %d", where, k), in.Share)
				if in.BeneficialOwnershipOrControl && records[rel.InterestedParty.RecordID] != bods.RecordPerson {
					t.Fatalf("%s: beneficialOwnershipOrControl for a party that is not a person", where)
				}
			}
			isComponent[s.RecordID] = rel.IsComponent
		}
		records[s.RecordID] = s.RecordType
	}
}

func checkShareRules(t testing.TB, where string, s *bods.Share) {
	t.Helper()
	if s == nil {
		return
	}
	if s.Exact != "" && (s.Minimum != "" || s.ExclusiveMinimum != "" || s.Maximum != "" || s.ExclusiveMaximum != "") {
		t.Fatalf("%s: exact with bounds: %+v", where, *s)
	}
	if s.Minimum != "" && s.ExclusiveMinimum != "" {
		t.Fatalf("%s: minimum and exclusiveMinimum: %+v", where, *s)
	}
	if s.Maximum != "" && s.ExclusiveMaximum != "" {
		t.Fatalf("%s: maximum and exclusiveMaximum: %+v", where, *s)
	}
	lo, hi := s.Minimum, s.Maximum
	if lo == "" {
		lo = s.ExclusiveMinimum
	}
	if hi == "" {
		hi = s.ExclusiveMaximum
	}
	if lo != "" && hi != "" {
		l, _ := new(big.Rat).SetString(string(lo))
		h, _ := new(big.Rat).SetString(string(hi))
		if l == nil || h == nil || l.Cmp(h) >= 0 {
			t.Fatalf("%s: lower bound %s not below upper bound %s", where, lo, hi)
		}
	}
}

// TestSchemaRefusesBadPackages makes sure the validator used by the tests
// does refuse what the standard refuses.
func TestSchemaRefusesBadPackages(t *testing.T) {
	sch := bodsSchema(t)
	good, err := json.Marshal(export(t, starkGraph(t), bods.ExportOptions{}.Policy))
	if err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string]string{
		"short statement id": `[{"statementId":"x","statementDate":"2026-11-02","declarationSubject":"M","recordId":"M","recordType":"entity","recordDetails":{"isComponent":false,"entityType":{"type":"registeredEntity"}}}]`,
		"share above 100":    `[{"statementId":"` + strings.Repeat("a", 32) + `","statementDate":"2026-11-02","declarationSubject":"M","recordId":"r","recordType":"relationship","recordDetails":{"isComponent":false,"subject":"M","interestedParty":"p","interests":[{"type":"shareholding","share":{"exact":101}}]}}]`,
		"bad date":           `[{"statementId":"` + strings.Repeat("a", 32) + `","statementDate":"2026-13-02","declarationSubject":"M","recordId":"M","recordType":"entity","recordDetails":{"isComponent":false,"entityType":{"type":"registeredEntity"}}}]`,
		"unknown interest":   `[{"statementId":"` + strings.Repeat("a", 32) + `","statementDate":"2026-11-02","declarationSubject":"M","recordId":"r","recordType":"relationship","recordDetails":{"isComponent":false,"subject":"M","interestedParty":"p","interests":[{"type":"friendship"}]}}]`,
	} {
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		if sch.Validate(doc) == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	doc, _ := jsonschema.UnmarshalJSON(bytes.NewReader(good))
	if err := sch.Validate(doc); err != nil {
		t.Fatal(err)
	}
}
