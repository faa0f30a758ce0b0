package risk

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/shopspring/decimal"

	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/validation"
)

// member is one key/value pair of a JSON object, in document order.
type member struct {
	key   string
	value json.RawMessage
}

// errNotObject and errMalformed are reported by readObject; the caller turns
// them into problems at its own path.
var (
	errNotObject = errors.New("must be a JSON object")
	errMalformed = errors.New("is not well-formed JSON")
)

// readObject splits data, which must hold exactly one JSON object, into its
// members, in document order, without decoding the values. A key that
// appears twice is recorded in l as a duplicate at prefix.key (JSON leaves
// its meaning undefined, so it is refused rather than resolved last-wins),
// and only its first value is returned.
func readObject(data []byte, prefix string, l *validation.List) ([]member, error) {
	if !json.Valid(data) {
		return nil, errMalformed
	}
	// From here on data is valid JSON, so the scan below needs no error
	// handling beyond what the grammar allows.
	i := skipSpace(data, 0)
	if data[i] != '{' {
		return nil, errNotObject
	}
	i = skipSpace(data, i+1)
	var out []member
	var seen map[string]bool
	for data[i] != '}' {
		end := skipString(data, i)
		key, err := unquote(data[i:end])
		if err != nil {
			return nil, errMalformed
		}
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
			out = append(out, member{key: key, value: data[i:end:end]})
		}
		i = skipSpace(data, end) // at ',' or '}'
		if data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
	return out, nil
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

// unquote decodes a JSON string literal; plain ASCII without escapes (the
// usual key) takes a fast path.
func unquote(lit []byte) (string, error) {
	plain := true
	for _, c := range lit[1 : len(lit)-1] {
		if c == '\\' || c >= 0x80 {
			plain = false
			break
		}
	}
	if plain {
		return string(lit[1 : len(lit)-1]), nil
	}
	var s string
	err := json.Unmarshal(lit, &s)
	return s, err
}

// isNull reports whether raw is the JSON literal null.
func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

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
		l.Add(validation.Join(parent, key), validation.CodeInvalidType, "must be a number, not "+patch.Kind(raw))
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
		l.Add(path, validation.CodeInvalidType, "must be a string, not "+patch.Kind(raw))
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
	l.Add(validation.Join(parent, key), validation.CodeInvalidType, "must be a boolean, not "+patch.Kind(raw))
	return false, false
}

// addObjectError records a readObject failure at path.
func addObjectError(l *validation.List, path string, err error) {
	if errors.Is(err, errNotObject) {
		l.Add(path, validation.CodeInvalidType, errNotObject.Error())
		return
	}
	l.Add(path, validation.CodeInvalidFormat, errMalformed.Error())
}
