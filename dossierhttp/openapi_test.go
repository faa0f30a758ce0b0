package dossierhttp_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// The published OpenAPI description of the Dotfile API is read from
// ../shared/api/dotfile-openapi.json relative to the module root; the
// wire-compatibility checks skip when it is absent.
//
// Its custom_properties value schema is a oneOf whose last branch is
// {nullable: true} with no type: that branch matches every value, so a
// strict validator finds every string, boolean, number or array matching
// two branches and refuses it. The tests remove that one branch (and only
// that shape: a oneOf branch with nullable and nothing else) after loading;
// null stays valid through the nullable of the typed branches, and every
// other value must match exactly one typed branch.

var (
	specOnce sync.Once
	spec     *openapi3.T
	specErr  error
)

func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	specOnce.Do(func() {
		path := filepath.Join("..", "..", "shared", "api", "dotfile-openapi.json")
		if _, err := os.Stat(path); err != nil {
			specErr = err
			return
		}
		loader := openapi3.NewLoader()
		spec, specErr = loader.LoadFromFile(path)
		if specErr != nil {
			return
		}
		seen := map[*openapi3.Schema]bool{}
		for _, s := range spec.Components.Schemas {
			dropTypelessNullable(s, seen)
		}
		for _, p := range spec.Paths.Map() {
			for _, op := range p.Operations() {
				for _, r := range op.Responses.Map() {
					if r.Value == nil {
						continue
					}
					for _, mt := range r.Value.Content {
						dropTypelessNullable(mt.Schema, seen)
					}
				}
			}
		}
	})
	if specErr != nil {
		t.Skipf("OpenAPI description of the Dotfile API not available (../shared/api/dotfile-openapi.json): %v", specErr)
	}
	return spec
}

// dropTypelessNullable removes, everywhere under s, the oneOf branches that
// are {nullable: true} alone (see the comment above).
func dropTypelessNullable(ref *openapi3.SchemaRef, seen map[*openapi3.Schema]bool) {
	if ref == nil || ref.Value == nil || seen[ref.Value] {
		return
	}
	s := ref.Value
	seen[s] = true
	kept := s.OneOf[:0]
	for _, b := range s.OneOf {
		if b.Ref == "" && b.Value != nil && b.Value.Type == nil && b.Value.Nullable &&
			len(b.Value.Properties) == 0 && b.Value.Items == nil && len(b.Value.OneOf) == 0 &&
			len(b.Value.AnyOf) == 0 && len(b.Value.AllOf) == 0 {
			continue
		}
		kept = append(kept, b)
	}
	s.OneOf = kept
	for _, l := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf, s.AllOf} {
		for _, b := range l {
			dropTypelessNullable(b, seen)
		}
	}
	for _, p := range s.Properties {
		dropTypelessNullable(p, seen)
	}
	dropTypelessNullable(s.Items, seen)
	dropTypelessNullable(s.AdditionalProperties.Schema, seen)
	dropTypelessNullable(s.Not, seen)
}

// checkSchema validates body against the schema of the answer status of
// the operation method path (a path template of the description).
func checkSchema(t *testing.T, method, path string, status int, body []byte) {
	t.Helper()
	doc := loadSpec(t)
	item := doc.Paths.Value(path)
	if item == nil {
		t.Fatalf("no path %s in the description", path)
	}
	op := item.GetOperation(method)
	if op == nil {
		t.Fatalf("no %s %s in the description", method, path)
	}
	resp := op.Responses.Status(status)
	if resp == nil || resp.Value == nil {
		t.Fatalf("%s %s: no answer %d in the description", method, path, status)
	}
	mt := resp.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		if len(body) != 0 {
			t.Fatalf("%s %s %d: the description has no body, got %s", method, path, status, body)
		}
		return
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%s %s %d: body is not JSON: %v", method, path, status, err)
	}
	if err := mt.Schema.Value.VisitJSON(v, openapi3.MultiErrors()); err != nil {
		if msg := schemaErrors(err, knownGaps[method+" "+path]); msg != "" {
			t.Errorf("%s %s %d: the body does not match the published schema:\n%s\nbody: %s", method, path, status, msg, body)
		}
	}
}

// knownGaps are the members the published schemas require that dossier
// cannot answer yet, by operation: the JSON pointers (regular expressions)
// of the validator's complaints that are expected. The package doc lists
// them; any other complaint fails the test.
var knownGaps = map[string][]*regexp.Regexp{
	// The vendor results of a check (the typed checks' data object).
	"GET /v1/checks/aml/{id}":          {regexp.MustCompile(`^/data$`)},
	"PATCH /v1/checks/aml/{id}/review": {regexp.MustCompile(`^/data$`)},
	// Custom property definitions have no id or times in dossier, and
	// the settings of one type do not carry the other types' members.
	"GET /v1/custom-properties/{target_entity}":       {regexp.MustCompile(`^/data/\d+/(id|created_at|updated_at|type|settings/.*)$`)},
	"GET /v1/custom-properties/{target_entity}/{key}": {regexp.MustCompile(`^/(id|created_at|updated_at|options|type|settings/.*)$`)},
}

// checkComponent validates v (a JSON value) against a component schema.
func checkComponent(t *testing.T, name string, body []byte, known ...*regexp.Regexp) {
	t.Helper()
	doc := loadSpec(t)
	s := doc.Components.Schemas[name]
	if s == nil {
		t.Fatalf("no schema %s", name)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if err := s.Value.VisitJSON(v, openapi3.MultiErrors()); err != nil {
		if msg := schemaErrors(err, known); msg != "" {
			t.Errorf("%s: does not match the published schema:\n%s\nbody: %s", name, msg, body)
		}
	}
}

// schemaErrors lists the problems of a validation, one a line: where and
// why, without the schema dump.
func schemaErrors(err error, known []*regexp.Regexp) string {
	var lines []string
	var walk func(error)
	walk = func(err error) {
		var me openapi3.MultiError
		if errors.As(err, &me) {
			for _, e := range me {
				walk(e)
			}
			return
		}
		var se *openapi3.SchemaError
		if errors.As(err, &se) {
			ptr := "/" + strings.Join(se.JSONPointer(), "/")
			for _, k := range known {
				if k.MatchString(ptr) {
					return
				}
			}
			lines = append(lines, "  "+ptr+": "+se.Reason)
			return
		}
		lines = append(lines, "  "+err.Error())
	}
	walk(err)
	return strings.Join(lines, "\n")
}
