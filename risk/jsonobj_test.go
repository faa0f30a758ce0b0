package risk

import (
	"bytes"
	"encoding/json"
	"io"
	"slices"
	"testing"

	"github.com/dossierkit/dossier/validation"
)

// readObjectReference is readObject written with encoding/json's tokenizer:
// slower, obviously right, used as the reference for FuzzReadObject.
func readObjectReference(data []byte) (members []member, dups []string, ok bool) {
	if !json.Valid(data) {
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
		members = append(members, member{key, raw})
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, false
	}
	return members, dups, true
}

func FuzzReadObject(f *testing.F) {
	for _, s := range []string{
		`{}`, ` { "a" : 1 , "b":[1,{"c":"}"}], "a":2 } `, `{"\u0061":"x\"y","é":null}`, `[1]`, `"x"`, `{"a":`,
		`{"a":true,"b":false,"c":null,"d":-1.5e3,"e":{"f":[]}}`, "{\"\xff\":1}", `{"a\\":"\\"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var l validation.List
		got, err := readObject(data, "", &l)
		want, dups, ok := readObjectReference(data)
		if !ok {
			if err == nil {
				t.Fatalf("readObject accepted %q", data)
			}
			return
		}
		if err != nil {
			t.Fatalf("readObject(%q) = %v", data, err)
		}
		eq := func(a, b member) bool { return a.key == b.key && bytes.Equal(a.value, b.value) }
		if !slices.EqualFunc(got, want, eq) {
			t.Fatalf("readObject(%q) = %q, want %q", data, got, want)
		}
		verr, _ := l.Err().(*validation.Error)
		var gotDups []string
		if verr != nil {
			for _, p := range verr.Problems {
				gotDups = append(gotDups, p.Path)
			}
		}
		for i, d := range dups {
			dups[i] = validation.Join("", d)
		}
		if !slices.Equal(gotDups, dups) {
			t.Fatalf("duplicates of %q = %q, want %q", data, gotDups, dups)
		}
	})
}
