package customprop

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/dossierkit/dossier/internal/jsonobj"
	"github.com/dossierkit/dossier/validation"
)

// Patch is a partial write of custom property values, as decoded from the
// JSON object of a create or update request: a key with a JSON null value
// removes that property, any other key sets it, and keys that are absent
// are left untouched. Go callers that do not hold JSON build one with
// [Patch.Set] and [Patch.Remove]:
//
//	p := customprop.Patch{}.
//		Set("ubo_us_citizen", true).
//		Set("main_activity_country", []string{"FR"}).
//		Remove("last_audit")
type Patch map[string]json.RawMessage

// Set records that key is set to v and returns p (a new Patch when p is
// nil). v is encoded with encoding/json (a [Value], a decimal.Decimal, a
// []string, a bool, a string...), except a time.Time, which is written as
// its date "yyyy-MM-dd" in its own location; a nil v is a removal, as with
// [Patch.Remove]. A v that cannot be encoded is recorded as invalid JSON,
// which [Set.Apply] reports as validation.CodeInvalidType for that key.
func (p Patch) Set(key string, v any) Patch {
	if p == nil {
		p = Patch{}
	}
	var raw []byte
	var err error
	switch x := v.(type) {
	case time.Time:
		raw, err = json.Marshal(x.Format("2006-01-02"))
	case *time.Time:
		if x != nil {
			raw, err = json.Marshal(x.Format("2006-01-02"))
		} else {
			raw = []byte("null")
		}
	default:
		raw, err = json.Marshal(v)
	}
	if err != nil {
		raw = []byte{}
	}
	p[key] = raw
	return p
}

// Remove records that key is removed (a JSON null) and returns p (a new
// Patch when p is nil).
func (p Patch) Remove(key string) Patch {
	if p == nil {
		p = Patch{}
	}
	p[key] = json.RawMessage("null")
	return p
}

// UnmarshalJSON reads the JSON object of a write with the module's one
// strict object reader: malformed JSON, invalid UTF-8, a value that is not
// an object and a key given twice are a *validation.Error (the caller
// prefixes "custom_properties"); JSON null gives a nil Patch. The values
// are kept raw: [Set.Apply] validates them against their definitions.
func (p *Patch) UnmarshalJSON(data []byte) error {
	if jsonobj.IsNull(data) {
		*p = nil
		return nil
	}
	var l validation.List
	members, _ := jsonobj.Read(data, "", &l)
	if err := l.Err(); err != nil {
		return err
	}
	out := make(Patch, len(members))
	for _, m := range members {
		out[m.Key] = m.Value
	}
	*p = out
	return nil
}

// Keys returns the keys of p, sorted.
func (p Patch) Keys() []string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
