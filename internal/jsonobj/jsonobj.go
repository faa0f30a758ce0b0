// Package jsonobj is the one reader of JSON objects in dossier. Every input
// type that decodes an object member by member (patch.DecodeObject, which
// the case, review, check, entity and relation inputs use; risk inputs,
// risks and histories; custom property values, patches and settings; case
// metadata) splits it with [Read], so that every one of them applies the
// same policy:
//
//   - data that is not well-formed JSON, or that is not valid UTF-8
//     anywhere (encoding/json would silently replace the bad bytes with
//     U+FFFD), is one validation.CodeMalformedJSON problem;
//   - a value that is not an object is one validation.CodeInvalidType
//     problem ("expected a JSON object, got an array");
//   - a key that appears twice is refused with validation.CodeDuplicate at
//     the key's path, whatever the values: JSON leaves its meaning
//     undefined and encoding/json would keep the last value silently.
//
// # Cost
//
// Read checks the whole input with json.Valid and utf8.Valid, then splits
// the members with a hand-written scan that does not decode the values.
// FuzzRead checks it against the same split done with encoding/json's
// tokenizer, and BenchmarkRead compares the two in one run: the scan takes
// 0.3x the time of the tokenizer on a 10-member object (0.29-0.34x over 5
// runs on a shared 2-core machine), so the fast path is kept:
//
//	go test -run '^$' -bench Read -count 5 ./internal/jsonobj/
package jsonobj

import (
	"bytes"
	"encoding/json"
	"time"
	"unicode/utf8"

	"github.com/dossierkit/dossier/validation"
)

// Member is one key/value pair of a JSON object, in document order. Value
// is the raw JSON of the value, without surrounding white space.
type Member struct {
	Key   string
	Value json.RawMessage
}

// Read splits data, which must hold exactly one JSON object, into its
// members in document order. Problems are recorded in l at prefix (see the
// package doc); a duplicate key is recorded at prefix.key and only its first
// value is returned. ok is false when data is not an object at all
// (malformed, or another JSON type); duplicates leave ok true.
func Read(data []byte, prefix string, l *validation.List) (members []Member, ok bool) {
	if !Valid(data) {
		l.Add(prefix, validation.CodeMalformedJSON, "is not well-formed JSON")
		return nil, false
	}
	// From here on data is valid JSON, so the scan below needs no error
	// handling beyond what the grammar allows.
	i := skipSpace(data, 0)
	if data[i] != '{' {
		l.Add(prefix, validation.CodeInvalidType, "expected a JSON object, got "+Kind(data))
		return nil, false
	}
	i = skipSpace(data, i+1)
	var seen map[string]bool
	for data[i] != '}' {
		end := skipString(data, i)
		key := unquote(data[i:end])
		i = skipSpace(data, end) // at ':'
		i = skipSpace(data, i+1) // at the value
		end = skipValue(data, i)
		if seen[key] {
			l.Add(validation.Join(prefix, key), validation.CodeDuplicate, "key appears more than once in the object")
		} else {
			if seen == nil {
				seen = make(map[string]bool)
			}
			seen[key] = true
			members = append(members, Member{Key: key, Value: data[i:end:end]})
		}
		i = skipSpace(data, end) // at ',' or '}'
		if data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
	return members, true
}

// Valid reports whether data is one well-formed JSON value that is also
// valid UTF-8.
func Valid(data []byte) bool {
	return json.Valid(data) && utf8.Valid(data)
}

// IsNull reports whether raw is the JSON literal null (white space aside).
func IsNull(raw []byte) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

// Kind describes the JSON value raw for an error message: "a string",
// "a number", "a boolean", "null", "an array", "an object", or "nothing"
// for blank input. It reads only the first byte that is not white space,
// so it does not check that raw is valid JSON.
func Kind(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index just after the string literal starting at
// data[i] (a quote).
func skipString(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}

// skipValue returns the index just after the value starting at data[i].
func skipValue(data []byte, i int) int {
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for i < len(data) {
			switch data[i] {
			case '"':
				i = skipString(data, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(data) {
		switch data[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// unquote decodes a valid JSON string literal; plain ASCII without escapes
// (the usual key) takes a fast path.
func unquote(lit []byte) string {
	plain := true
	for _, c := range lit[1 : len(lit)-1] {
		if c == '\\' || c >= 0x80 {
			plain = false
			break
		}
	}
	if plain {
		return string(lit[1 : len(lit)-1])
	}
	var s string
	_ = json.Unmarshal(lit, &s) // lit is a valid literal: it cannot fail
	return s
}

// ParseTime parses an RFC 3339 date-time strictly (as time.Time's
// UnmarshalJSON does: two-digit hours, no "24:00"), accepting only what
// encodes back: a time whose year, in its own offset and in UTC, is within
// 0000..9999 (time.Time's MarshalJSON fails outside it, so
// "0000-01-01T00:00:00+01:00", which is year -1 in UTC, is refused rather
// than stored and then unwritable).
func ParseTime(s string) (time.Time, bool) {
	var t time.Time
	err := t.UnmarshalText([]byte(s))
	if err != nil || !encodable(t) || !encodable(t.UTC()) {
		return time.Time{}, false
	}
	return t, true
}

func encodable(t time.Time) bool {
	y := t.Year()
	return y >= 0 && y <= 9999
}

// PathAt returns the path ("metadata.k", "relations[1].roles") of the
// member being read when data stops being well-formed JSON, for reporting
// a syntax error where it is rather than at the root. It returns "" when
// the error is outside every object or array, or when data is well-formed.
func PathAt(data []byte) string {
	type level struct {
		object    bool
		key       string // object: the key of the member being read
		expectKey bool   // object: the next token is a key
		n         int    // array: elements completed so far
	}
	var stack []level
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		top := &stack[len(stack)-1]
		if top.object {
			top.expectKey = true
		} else {
			top.n++
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, level{object: true, expectKey: true})
			case '[':
				stack = append(stack, level{})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
			continue
		case string:
			if top := len(stack) - 1; top >= 0 && stack[top].object && stack[top].expectKey {
				stack[top].key, stack[top].expectKey = t, false
				continue
			}
		}
		valueDone()
	}
	path := ""
	for _, l := range stack {
		switch {
		case l.object && !l.expectKey:
			path = validation.Join(path, l.key)
		case !l.object:
			path = validation.Index(path, l.n)
		}
	}
	if Valid(data) {
		return ""
	}
	return path
}
