package jsonobj

import (
	"bytes"
	"encoding/json"
	"io"
	"slices"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dossierkit/dossier/validation"
)

// readReference is Read written with encoding/json's tokenizer: slower,
// obviously right, the reference for FuzzRead and the baseline of
// BenchmarkRead.
func readReference(data []byte) (members []Member, dups []string, ok bool) {
	if !json.Valid(data) || !utf8.Valid(data) {
		return nil, nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, nil, false
	}
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, false
		}
		key := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, false
		}
		if seen[key] {
			dups = append(dups, key)
			continue
		}
		seen[key] = true
		members = append(members, Member{key, raw})
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, false
	}
	return members, dups, true
}

func TestRead(t *testing.T) {
	tests := []struct {
		name     string
		data     string
		wantOK   bool
		wantKeys []string
		wantErr  []validation.Problem
	}{
		{"empty object", `{}`, true, nil, nil},
		{"members in order", ` {"b":1, "a" : [1,{"c":"}"}] ,"é":null} `, true, []string{"b", "a", "é"}, nil},
		{"escaped key", `{"\u0061":1}`, true, []string{"a"}, nil},
		{"duplicate", `{"a":1,"b":2,"a":3}`, true, []string{"a", "b"},
			[]validation.Problem{{Path: "p.a", Code: validation.CodeDuplicate}}},
		{"duplicate spelled differently", `{"a":1,"\u0061":1}`, true, []string{"a"},
			[]validation.Problem{{Path: "p.a", Code: validation.CodeDuplicate}}},
		{"empty", ``, false, nil, []validation.Problem{{Path: "p", Code: validation.CodeMalformedJSON}}},
		{"truncated", `{"a":`, false, nil, []validation.Problem{{Path: "p", Code: validation.CodeMalformedJSON}}},
		{"trailing data", `{"a":1} {}`, false, nil, []validation.Problem{{Path: "p", Code: validation.CodeMalformedJSON}}},
		{"syntax", `{a:1}`, false, nil, []validation.Problem{{Path: "p", Code: validation.CodeMalformedJSON}}},
		{"invalid UTF-8 in a value", "{\"a\":\"\xff\"}", false, nil, []validation.Problem{{Path: "p", Code: validation.CodeMalformedJSON}}},
		{"invalid UTF-8 in a key", "{\"\xc3\":1}", false, nil, []validation.Problem{{Path: "p", Code: validation.CodeMalformedJSON}}},
		{"array", `[1]`, false, nil, []validation.Problem{{Path: "p", Code: validation.CodeInvalidType}}},
		{"null", `null`, false, nil, []validation.Problem{{Path: "p", Code: validation.CodeInvalidType}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l validation.List
			got, ok := Read([]byte(tt.data), "p", &l)
			if ok != tt.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tt.wantOK)
			}
			var keys []string
			for _, m := range got {
				keys = append(keys, m.Key)
			}
			if !slices.Equal(keys, tt.wantKeys) {
				t.Errorf("keys = %q, want %q", keys, tt.wantKeys)
			}
			var problems []validation.Problem
			if verr, _ := l.Err().(*validation.Error); verr != nil {
				for _, p := range verr.Problems {
					problems = append(problems, validation.Problem{Path: p.Path, Code: p.Code})
				}
			}
			if !slices.Equal(problems, tt.wantErr) {
				t.Errorf("problems = %v, want %v", problems, tt.wantErr)
			}
		})
	}
}

func FuzzRead(f *testing.F) {
	for _, s := range []string{
		`{}`, ` { "a" : 1 , "b":[1,{"c":"}"}], "a":2 } `, `{"\u0061":"x\"y","é":null}`, `[1]`, `"x"`, `{"a":`,
		`{"a":true,"b":false,"c":null,"d":-1.5e3,"e":{"f":[]}}`, "{\"\xff\":1}", `{"a\\":"\\"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var l validation.List
		got, ok := Read(data, "", &l)
		want, dups, wantOK := readReference(data)
		if ok != wantOK {
			t.Fatalf("Read(%q) ok = %v, reference %v", data, ok, wantOK)
		}
		if !ok {
			if l.Err() == nil {
				t.Fatalf("Read(%q) refused without a problem", data)
			}
			return
		}
		eq := func(a, b Member) bool { return a.Key == b.Key && bytes.Equal(a.Value, b.Value) }
		if !slices.EqualFunc(got, want, eq) {
			t.Fatalf("Read(%q) = %q, want %q", data, got, want)
		}
		var gotDups []string
		if verr, _ := l.Err().(*validation.Error); verr != nil {
			for _, p := range verr.Problems {
				if p.Code != validation.CodeMoreProblems {
					gotDups = append(gotDups, p.Path)
				}
			}
		}
		if len(dups) > validation.MaxProblems {
			dups = dups[:validation.MaxProblems]
		}
		if !slices.Equal(gotDups, dups) {
			t.Fatalf("duplicates of %q = %q, want %q", data, gotDups, dups)
		}
	})
}

// BenchmarkRead runs Read and readReference (the same split done with
// encoding/json's tokenizer) alternately on a 10-member object, so that
// both see the same machine load, and reports the ratio scan/tokenizer.
func BenchmarkRead(b *testing.B) {
	data := []byte(`{"name":"Acme Ltd","external_id":"crm-42","status":"open","metadata":{"a":"b","c":"d"},` +
		`"custom_properties":{"yearly_turnover":"1200000.50","countries":["FR","DE"]},"comment":"all clear",` +
		`"reviewer_type":"api","reviewed_at":"2026-03-01T09:00:00Z","next_review_at":null,"score":10067.5}`)
	var scan, tok time.Duration
	for b.Loop() {
		t0 := time.Now()
		var l validation.List
		if _, ok := Read(data, "", &l); !ok {
			b.Fatal("refused")
		}
		t1 := time.Now()
		if _, _, ok := readReference(data); !ok {
			b.Fatal("refused")
		}
		t2 := time.Now()
		scan += t1.Sub(t0)
		tok += t2.Sub(t1)
	}
	b.ReportMetric(float64(scan)/float64(tok), "scan/tokenizer")
}

func TestPathAt(t *testing.T) {
	tests := []struct{ data, want string }{
		{`{"name":}`, "name"},
		{`{"name":"x","metadata":{"k":tru}}`, "metadata.k"},
		{`{"relations":[{"roles":["a"]},{"roles":["a",}]}`, "relations[1].roles[1]"},
		{`{"a":1,}`, ""},
		{`{"a":1} x`, ""},
		{`{"a":[1,2`, "a[2]"},
		{`{"a":1}`, ""},
		{``, ""},
	}
	for _, tt := range tests {
		t.Run(tt.data, func(t *testing.T) {
			if got := PathAt([]byte(tt.data)); got != tt.want {
				t.Errorf("PathAt = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		s  string
		ok bool
	}{
		{"2024-05-01T09:30:00Z", true},
		{"2024-05-01T09:30:00.123456789+02:00", true},
		{"0000-01-01T00:00:00Z", true},
		{"9999-12-31T23:59:59Z", true},
		{"0000-01-01T00:00:00+01:00", false}, // year -1 in UTC
		{"9999-12-31T23:00:00-01:00", false}, // year 10000 in UTC
		{"0000-01-01T0:00:00+01:00", false},  // one-digit hour
		{"2024-05-01", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.s, func(t *testing.T) {
			got, ok := ParseTime(tt.s)
			if ok != tt.ok {
				t.Fatalf("ParseTime = %v, %v; want ok %v", got, ok, tt.ok)
			}
			if ok {
				if _, err := got.UTC().MarshalJSON(); err != nil {
					t.Fatalf("accepted a time that does not encode: %v", err)
				}
			}
		})
	}
}

// FuzzPathAt: PathAt never panics, returns "" for well-formed input, and
// for malformed input a path made of the keys and indexes of data.
func FuzzPathAt(f *testing.F) {
	for _, s := range []string{`{"a":{"b":[1,{"c":tru}]}}`, `{"a":1}`, `[1,2`, `{"a":"\u00e9",}`, ``, `{"\"k":}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := PathAt(data)
		if Valid(data) && path != "" {
			t.Fatalf("PathAt(%q) = %q for well-formed input", data, path)
		}
		if len(path) > 4*len(data)+8 { // "[[[" gives "[0][0][0]"
			t.Fatalf("PathAt(%q) = %q, longer than the input allows", data, path)
		}
	})
}
