package risk

import (
	"bytes"
	"encoding/json"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/internal/jsonobj"
	"github.com/dossierkit/dossier/validation"
)

// member is one key/value pair of a JSON object, as read by jsonobj.Read.
type member = jsonobj.Member

// readObject splits data into its members with the module's one object
// reader (see package internal/jsonobj): malformed JSON, another JSON type
// and duplicate keys are recorded in l at prefix; ok is false when data is
// not an object.
func readObject(data []byte, prefix string, l *validation.List) ([]member, bool) {
	return jsonobj.Read(data, prefix, l)
}

// isNull reports whether raw is the JSON literal null.
func isNull(raw json.RawMessage) bool { return jsonobj.IsNull(raw) }

// decodeNumber reads a decimal from raw: a JSON number, or a JSON string
// holding a JSON number (such as "16.67"). Problems go to l at
// validation.Join(parent, key), built only when needed.
func decodeNumber(raw json.RawMessage, parent, key string, l *validation.List) (decimal.Decimal, bool) {
	raw = bytes.TrimSpace(raw)
	var text string
	switch {
	case len(raw) > 0 && raw[0] == '"':
		if err := json.Unmarshal(raw, &text); err != nil {
			l.Add(validation.Join(parent, key), errNotNumber.code, errNotNumber.msg)
			return decimal.Decimal{}, false
		}
	case len(raw) > 0 && (raw[0] == '-' || isDigit(raw[0])):
		text = string(raw)
	default:
		l.Add(validation.Join(parent, key), validation.CodeInvalidType, "must be a number, not "+jsonobj.Kind(raw))
		return decimal.Decimal{}, false
	}
	d, p := parseNumber(text)
	if p != nil {
		l.Add(validation.Join(parent, key), p.code, p.msg)
		return decimal.Decimal{}, false
	}
	return d, true
}

// decodeString reads a JSON string; problems go to l at path.
func decodeString(raw json.RawMessage, path string, l *validation.List) (string, bool) {
	var s string
	if len(bytes.TrimSpace(raw)) == 0 || bytes.TrimSpace(raw)[0] != '"' || json.Unmarshal(raw, &s) != nil {
		l.Add(path, validation.CodeInvalidType, "must be a string, not "+jsonobj.Kind(raw))
		return "", false
	}
	return s, true
}

// decodeBool reads a JSON boolean; problems go to l at
// validation.Join(parent, key).
func decodeBool(raw json.RawMessage, parent, key string, l *validation.List) (bool, bool) {
	switch string(bytes.TrimSpace(raw)) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	l.Add(validation.Join(parent, key), validation.CodeInvalidType, "must be a boolean, not "+jsonobj.Kind(raw))
	return false, false
}
