package dossier_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/file"
	"github.com/dossierkit/dossier/storage/memory"
	"github.com/dossierkit/dossier/validation"
)

func TestProblemTable(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantCode   string
	}{
		{"nil", nil, 200, ""},
		{"validation", fmt.Errorf("create: %w", validation.New("name", validation.CodeRequired, "x")), 400, dossier.ProblemInvalidInput},
		{"second main company", validation.New("type", relation.CodeMainCompanyExists, "x"), 409, dossier.ProblemStateConflict},
		{"duplicate relation pair", validation.New("", relation.CodeDuplicateRelation, "x"), 409, dossier.ProblemStateConflict},
		{"conflict mixed with bad input is bad input", &validation.Error{Problems: []validation.Problem{
			{Path: "", Code: relation.CodeDuplicateRelation}, {Path: "roles", Code: validation.CodeInvalidValue}}}, 400, dossier.ProblemInvalidInput},
		{"not found", fmt.Errorf("file: case nope: %w", dossier.ErrNotFound), 404, dossier.ProblemNotFound},
		{"entity not found", fmt.Errorf("x: %w", relation.ErrNotFound), 404, dossier.ProblemNotFound},
		{"duplicate external id", fmt.Errorf("memory: external id %q is used by case %s: %w", "crm-1", "case-of-someone-else", storage.ErrDuplicateExternalID), 409, dossier.ProblemDuplicateExternalID},
		{"invalid transition", &cases.TransitionError{From: "closed", To: "approved", Via: "review"}, 409, dossier.ProblemInvalidTransition},
		{"check override", fmt.Errorf("move: %w", &cases.CheckTransitionError{From: "approved", To: "rejected", OverrideRequired: true}), 409, dossier.ProblemCheckOverrideRequired},
		{"check transition", &cases.CheckTransitionError{From: "expired", To: "approved"}, 409, dossier.ProblemInvalidCheckTransition},
		{"orphan", &relation.OrphanError{IDs: []string{"i1"}}, 409, dossier.ProblemOrphan},
		{"stale If-Match version", fmt.Errorf("update: %w", &dossier.StaleVersionError{Expected: 3, Current: 4}), 412, dossier.ProblemVersionConflict},
		{"retries gave up", fmt.Errorf("dossier: save case c1 after 5s: %w", storage.ErrConflict), 409, dossier.ProblemConcurrentChange},
		{"not supported", fmt.Errorf("quarantine: %w", dossier.ErrNotSupported), 501, dossier.ProblemNotSupported},
		{"lock timeout", fmt.Errorf("x: %w", &file.LockTimeoutError{Op: "update", Path: "/srv/data/lock", Waited: time.Second}), 503, dossier.ProblemUnavailable},
		{"canceled", ctx.Err(), 499, dossier.ProblemCanceled},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), 504, dossier.ProblemTimeout},
		{"body too large", fmt.Errorf("read: %w", &http.MaxBytesError{Limit: 1 << 20}), 413, dossier.ProblemBodyTooLarge},
		{"damaged record", &file.CorruptError{CaseID: "c1", Path: "/srv/data/c1.rec", Reason: "body checksum mismatch"}, 500, dossier.ProblemInternal},
		{"unknown", errors.New("disk on fire at /var/lib/x"), 500, dossier.ProblemInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := dossier.Problem(tt.err)
			if p.Status != tt.wantStatus || p.Code != tt.wantCode {
				t.Errorf("Problem = %d %q, want %d %q", p.Status, p.Code, tt.wantStatus, tt.wantCode)
			}
			if got := dossier.HTTPStatus(tt.err); got != tt.wantStatus {
				t.Errorf("HTTPStatus = %d, want %d", got, tt.wantStatus)
			}
			if p.Message == "" {
				t.Error("empty message")
			}
			for _, leak := range []string{"case-of-someone-else", "/srv", "/var", "file:", "memory:", "dossier:", "checksum", "c1"} {
				if strings.Contains(p.Message, leak) {
					t.Errorf("message %q shows %q", p.Message, leak)
				}
			}
		})
	}
}

// TestProblemHidesOtherCases drives real adapters: the raw errors name the
// other case or the adapter, the client-facing form does not.
func TestProblemHidesOtherCases(t *testing.T) {
	fs, err := file.Open(t.TempDir(), file.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fs.Close() })
	for name, store := range map[string]storage.Store{"memory": memory.New(), "file": fs} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			w, err := dossier.New(store, dossier.Settings{})
			if err != nil {
				t.Fatal(err)
			}
			first, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Someone else", ExternalID: "crm-7"})
			if err != nil {
				t.Fatal(err)
			}
			_, dup := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Me", ExternalID: "crm-7"})
			_, missing := w.GetCase(ctx, "nope")
			for _, tt := range []struct {
				err        error
				wantStatus int
			}{{dup, 409}, {missing, 404}} {
				p := dossier.Problem(tt.err)
				body, _ := json.Marshal(p)
				if p.Status != tt.wantStatus {
					t.Errorf("%v: status %d, want %d", tt.err, p.Status, tt.wantStatus)
				}
				for _, leak := range []string{first.ID, name + ":", "nope", "dossier:", string(filepathSep)} {
					if bytes.Contains(body, []byte(leak)) {
						t.Errorf("client body %s shows %q (the error was %q)", body, leak, tt.err)
					}
				}
			}
		})
	}
}

const filepathSep = '/'

// inputTypes are every type a host decodes a request body into.
var inputTypes = []any{
	dossier.CreateCaseInput{}, dossier.UpdateCaseInput{}, dossier.ReviewInput{}, dossier.AddCheckInput{},
	entity.CompanyInput{}, entity.CompanyUpdate{}, entity.IndividualInput{}, entity.IndividualUpdate{},
	relation.Input{}, relation.Update{}, risk.Input{}, customprop.Patch{}, customprop.Definition{},
	customprop.Settings{}, cases.Metadata{},
}

// TestMalformedJSONIsBadInput gives malformed bodies to every input type,
// through json.Unmarshal, a json.Decoder and DecodeJSON: every failure is a
// 400 with a problem, never a 500.
func TestMalformedJSONIsBadInput(t *testing.T) {
	bodies := []struct {
		name string
		body string
		path string // the path of the expected problem
		code validation.Code
	}{
		{"syntax error", `{"zz":}`, "", validation.CodeMalformedJSON},
		{"empty body", ``, "", validation.CodeMalformedJSON},
		{"truncated", `{"zz":"Acme`, "", validation.CodeMalformedJSON},
		{"array", `[{"name":"Acme"}]`, "", validation.CodeInvalidType},
		{"string", `"Acme"`, "", validation.CodeInvalidType},
		{"number", `42`, "", validation.CodeInvalidType},
		{"invalid UTF-8", "{\"zz\":\"\xff\xfe\"}", "", validation.CodeMalformedJSON},
		{"duplicate key", `{"zz":"a","zz":"b"}`, "zz", validation.CodeDuplicate},
	}
	decoders := map[string]func(string, any) error{
		"json.Unmarshal": func(b string, v any) error { return json.Unmarshal([]byte(b), v) },
		"json.Decoder":   func(b string, v any) error { return json.NewDecoder(strings.NewReader(b)).Decode(v) },
		"DecodeJSON":     func(b string, v any) error { return dossier.DecodeJSON(strings.NewReader(b), v) },
	}
	for _, typ := range inputTypes {
		for dname, decode := range decoders {
			for _, b := range bodies {
				t.Run(fmt.Sprintf("%T/%s/%s", typ, dname, b.name), func(t *testing.T) {
					v := reflect.New(reflect.TypeOf(typ)).Interface()
					err := decode(b.body, v)
					p := dossier.Problem(err)
					if p.Status != http.StatusBadRequest || p.Code != dossier.ProblemInvalidInput {
						t.Fatalf("Problem(%v) = %d %s, want 400", err, p.Status, p.Code)
					}
					path := b.path
					if dname == "DecodeJSON" && (b.name == "syntax error" || b.name == "truncated") {
						path = "zz" // DecodeJSON says where the JSON broke
					}
					if !slicesHas(p.Problems, path, b.code) {
						t.Errorf("problems %v, want %q %s", p.Problems, b.path, b.code)
					}
				})
			}
		}
	}
	// Trailing data: json.Unmarshal and DecodeJSON refuse it.
	for _, decode := range []func(string, any) error{decoders["json.Unmarshal"], decoders["DecodeJSON"]} {
		var in dossier.CreateCaseInput
		err := decode(`{"name":"Acme"} {"name":"Evil"}`, &in)
		if p := dossier.Problem(err); p.Status != 400 || !slicesHas(p.Problems, "", validation.CodeMalformedJSON) {
			t.Errorf("trailing data: %v -> %+v", err, p)
		}
	}
	// A json.Decoder's own errors for an empty or cut body are 400 too.
	for _, err := range []error{io.EOF, io.ErrUnexpectedEOF} {
		if got := dossier.HTTPStatus(err); got != 400 {
			t.Errorf("HTTPStatus(%v) = %d", err, got)
		}
	}
}

func slicesHas(ps []validation.Problem, path string, code validation.Code) bool {
	for _, p := range ps {
		if p.Path == path && p.Code == code {
			return true
		}
	}
	return false
}

// TestEveryProblemAtOnce: a payload that fails to decode also reports the
// problems of its decoded values.
func TestEveryProblemAtOnce(t *testing.T) {
	tests := []struct {
		name string
		into any
		body string
		want []string
	}{
		{"create", &dossier.CreateCaseInput{}, `{"status":"closed","name":"","bogus":1}`,
			[]string{"bogus unknown_field", "name required", "status not_allowed"}},
		{"create, decode problems are not reported twice", &dossier.CreateCaseInput{}, `{"name":3,"metadata":{"k":1},"status":"weird"}`,
			[]string{"metadata.k invalid_type", "name invalid_type", "status invalid_value"}},
		{"update", &dossier.UpdateCaseInput{}, `{"status":"approved","name":null,"bogus":1}`,
			[]string{"bogus unknown_field", "name required", "status not_allowed"}},
		{"review", &dossier.ReviewInput{}, `{"status":"maybe","reviewer_type":"robot","reviewed_at":"0000-01-01T00:00:00+01:00","x":1}`,
			[]string{"reviewed_at invalid_format", "reviewer_type invalid_value", "status invalid_value", "x unknown_field"}},
		{"check", &dossier.AddCheckInput{}, `{"type":"palm_reading","status":"approved","bogus":1}`,
			[]string{"bogus unknown_field", "status not_allowed", "type invalid_value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := json.Unmarshal([]byte(tt.body), tt.into)
			var verr *validation.Error
			if !errors.As(err, &verr) {
				t.Fatalf("got %v", err)
			}
			var got []string
			for _, p := range verr.Problems {
				got = append(got, p.Path+" "+string(p.Code))
			}
			slicesSort(got)
			if strings.Join(got, ", ") != strings.Join(tt.want, ", ") {
				t.Errorf("problems = %q, want %q", got, tt.want)
			}
		})
	}
}

func slicesSort(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// TestProblemTextIsBounded feeds megabytes of bad input: the error and its
// client-facing form stay small.
func TestProblemTextIsBounded(t *testing.T) {
	var body bytes.Buffer
	body.WriteString(`{"name":"Acme","custom_properties":{`)
	for i := 0; body.Len() < 4_800_000; i++ {
		if i > 0 {
			body.WriteByte(',')
		}
		fmt.Fprintf(&body, `"%s%d":"%s"`, strings.Repeat("k", 200), i, strings.Repeat("v", 200))
	}
	body.WriteString(`},"bogus":"`)
	body.WriteString(strings.Repeat("é", 100_000))
	body.WriteString(`"}`)
	var in dossier.CreateCaseInput
	if err := json.Unmarshal(body.Bytes(), &in); !errors.Is(err, dossier.ErrInvalid) || len(err.Error()) >= 64<<10 {
		t.Fatalf("decode of %d bytes: %d bytes of error", body.Len(), len(fmt.Sprint(err)))
	}
	// The same amount of custom properties, none defined in the workspace.
	in = dossier.CreateCaseInput{Name: "Acme", CustomProperties: customprop.Patch{}}
	for i := range 20_000 {
		in.CustomProperties[fmt.Sprintf("%s%d", strings.Repeat("k", 200), i)] = json.RawMessage(`"` + strings.Repeat("v", 200) + `"`)
	}
	_, err := newWorkspace(t, dossier.Settings{}).CreateCase(context.Background(), in)
	if !errors.Is(err, dossier.ErrInvalid) {
		t.Fatalf("create: %v", err)
	}
	if n := len(err.Error()); n >= 64<<10 {
		t.Errorf("Error() is %d bytes", n)
	}
	p := dossier.Problem(err)
	b, _ := json.Marshal(p)
	if len(b) >= 64<<10 || len(p.Problems) != validation.MaxProblems+1 {
		t.Errorf("client body is %d bytes with %d problems", len(b), len(p.Problems))
	}
	if last := p.Problems[len(p.Problems)-1]; last.Code != validation.CodeMoreProblems || last.Message != "and 19980 more problems" {
		t.Errorf("last problem = %+v", last)
	}
}

func ExampleProblem() {
	w, err := dossier.New(memory.New(), dossier.Settings{})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	if _, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme Ltd", ExternalID: "crm-42"}); err != nil {
		panic(err)
	}

	// A second case with the same external id: err.Error() names the case
	// that has it (for logs); Problem gives what a client may see.
	_, err = w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Copy", ExternalID: "crm-42"})
	p := dossier.Problem(err)
	fmt.Println(p.Status, p.Code, p.Message)

	// A malformed request body is bad input, with every problem listed.
	var in dossier.CreateCaseInput
	err = json.Unmarshal([]byte(`{"name":"","status":"closed","bogus":1}`), &in)
	body, _ := json.MarshalIndent(dossier.Problem(err), "", "  ")
	fmt.Println(string(body))
	// Output:
	// 409 duplicate_external_id another case already has this external id
	// {
	//   "status_code": 400,
	//   "code": "invalid_input",
	//   "message": "the input is invalid; see problems",
	//   "problems": [
	//     {
	//       "path": "bogus",
	//       "code": "unknown_field",
	//       "message": "unknown field \"bogus\""
	//     },
	//     {
	//       "path": "name",
	//       "code": "required",
	//       "message": "name must not be empty"
	//     },
	//     {
	//       "path": "status",
	//       "code": "not_allowed",
	//       "message": "create accepts only draft or open; closed is reached through a review"
	//     }
	//   ]
	// }
}

// TestExternalIDCannotNameTwoCases: é composed and é decomposed look the
// same; only the NFC form is accepted, so they cannot be two cases.
func TestExternalIDCannotNameTwoCases(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	if _, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Café A", ExternalID: "caf\u00e9"}); err != nil {
		t.Fatal(err)
	}
	_, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Café B", ExternalID: "cafe\u0301"})
	var verr *validation.Error
	if !errors.As(err, &verr) || !verr.Has("external_id", validation.CodeInvalidFormat) {
		t.Fatalf("decomposed external id: %v", err)
	}
	_, err = w.UpdateCase(ctx, "id-1", dossier.UpdateCaseInput{Name: patch.Value("Acme\u202eLtd")})
	if !errors.As(err, &verr) || !verr.Has("name", validation.CodeInvalidFormat) {
		t.Fatalf("bidi override in a name: %v", err)
	}
}

// TestDecodeJSONSaysWhere: a syntax error is reported at the member being
// read, not only at the root.
func TestDecodeJSONSaysWhere(t *testing.T) {
	tests := []struct{ body, wantPath string }{
		{`{"name":"Acme","metadata":{"k":tru}}`, "metadata.k"},
		{`{"name":"Acme","custom_properties":{"countries":["FR",]}}`, "custom_properties.countries[1]"},
		{`{"name":"Acme",}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			var in dossier.CreateCaseInput
			err := dossier.DecodeJSON(strings.NewReader(tt.body), &in)
			var verr *validation.Error
			if !errors.As(err, &verr) || !verr.Has(tt.wantPath, validation.CodeMalformedJSON) {
				t.Fatalf("got %v, want malformed_json at %q", err, tt.wantPath)
			}
		})
	}
}

// FuzzInputsJSON gives arbitrary bodies to every input type: decoding never
// panics, and every failure is a small 400 with at least one problem.
func FuzzInputsJSON(f *testing.F) {
	for _, s := range []string{
		`{"name":"Acme","external_id":"crm-1","status":"draft","metadata":{"a":"b"},"custom_properties":{"x":1}}`,
		`{"status":"closed","name":"","bogus":1}`, `{"name":"x","name":"y"}`, `{"status":"approved","reviewed_at":"0000-01-01T0:00:00+01:00"}`,
		`{"type":"aml","company_id":null}`, `[]`, `null`, ``, "{\"a\":\"\xff\"}", `{"name":"x"} {}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, typ := range inputTypes {
			v := reflect.New(reflect.TypeOf(typ)).Interface()
			for _, err := range []error{json.Unmarshal(data, v), dossier.DecodeJSON(bytes.NewReader(data), v)} {
				if err == nil {
					continue
				}
				p := dossier.Problem(err)
				if p.Status != http.StatusBadRequest || len(p.Problems) == 0 {
					t.Fatalf("%T: %q gave %d %s (%v)", typ, data, p.Status, p.Code, err)
				}
				if n := len(err.Error()); n >= 64<<10 {
					t.Fatalf("%T: %d bytes of error", typ, n)
				}
			}
		}
	})
}
