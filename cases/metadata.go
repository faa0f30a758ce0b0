package cases

import (
	"encoding/json"
	"sort"
	"unicode/utf8"

	"github.com/dossierkit/dossier/internal/jsonobj"
	"github.com/dossierkit/dossier/validation"
)

// Metadata limits. The API does not publish its own; these follow the common
// published anchor for such limits: at most 50 keys, keys of at most 40
// characters, values of at most 500.
const (
	MaxMetadataKeys     = 50
	MaxMetadataKeyLen   = 40  // characters
	MaxMetadataValueLen = 500 // characters
)

// Metadata is host-defined key-value data on a case. Values are strings
// only. An update replaces the whole map (no merge); null removes it all.
type Metadata map[string]string

// Clone returns a copy of m; nil stays nil.
func (m Metadata) Clone() Metadata {
	if m == nil {
		return nil
	}
	c := make(Metadata, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// Validate reports every problem of m at once: more than MaxMetadataKeys
// keys, an empty key or one longer than MaxMetadataKeyLen characters, a value
// longer than MaxMetadataValueLen characters, invalid UTF-8. Paths are
// "metadata.<key>".
func (m Metadata) Validate() error {
	var l validation.List
	if len(m) > MaxMetadataKeys {
		l.Addf("metadata", validation.CodeTooMany, "metadata has %d keys, at most %d allowed", len(m), MaxMetadataKeys)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		path := validation.Join("metadata", k)
		switch n := utf8.RuneCountInString(k); {
		case !utf8.ValidString(k):
			l.Add("metadata", validation.CodeInvalidFormat, "metadata key is not valid UTF-8")
		case n == 0:
			l.Add("metadata", validation.CodeRequired, "metadata keys must not be empty")
		case n > MaxMetadataKeyLen:
			l.Addf(path, validation.CodeTooLong, "metadata key has %d characters, at most %d allowed", n, MaxMetadataKeyLen)
		}
		v := m[k]
		switch n := utf8.RuneCountInString(v); {
		case !utf8.ValidString(v):
			l.Add(path, validation.CodeInvalidFormat, "metadata value is not valid UTF-8")
		case n > MaxMetadataValueLen:
			l.Addf(path, validation.CodeTooLong, "metadata value has %d characters, at most %d allowed", n, MaxMetadataValueLen)
		}
	}
	return l.Err()
}

// UnmarshalJSON decodes a JSON object whose values are all strings. Every
// value that is not a string (a number, a boolean, null, an object) is
// reported together in a *validation.Error with the member name as path (the
// caller prefixes "metadata"): "42" is accepted, 42 is not. The object is
// read by the module's one strict object reader: malformed JSON, invalid
// UTF-8 and a key given twice are refused too. JSON null gives an empty
// Metadata.
func (m *Metadata) UnmarshalJSON(data []byte) error {
	out := Metadata{}
	if jsonobj.IsNull(data) {
		*m = out
		return nil
	}
	var l validation.List
	members, _ := jsonobj.Read(data, "", &l)
	for _, mem := range members {
		var s string
		if err := json.Unmarshal(mem.Value, &s); err != nil || jsonobj.IsNull(mem.Value) {
			l.Addf(mem.Key, validation.CodeInvalidType, "metadata values must be strings, got %s", jsonobj.Kind(mem.Value))
			continue
		}
		out[mem.Key] = s
	}
	if err := l.Err(); err != nil {
		return err
	}
	*m = out
	return nil
}
