package customprop

import (
	"encoding/json"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/dossierkit/dossier/internal/jsonobj"
)

// jkind is the JSON type of a raw value.
type jkind uint8

const (
	jInvalid jkind = iota // not a single well-formed JSON value
	jNull
	jBool
	jNumber
	jString
	jArray  // an array whose elements are all strings
	jMixed  // an array with at least one element that is not a string
	jObject // an object
)

// jvalue is a raw JSON value decoded just enough for validation.
type jvalue struct {
	kind jkind
	b    bool     // jBool
	s    string   // jString: the decoded string; jNumber: the literal
	list []string // jArray
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// decodeRaw classifies and decodes one raw JSON value, exactly as
// encoding/json would, except that invalid UTF-8 is refused (FuzzDecodeRaw
// checks it). The shapes a property
// value takes (literals, numbers, strings, arrays of strings) are decoded
// in one pass without reflection; anything else, or anything unusual (a
// surrogate escape, invalid UTF-8), goes through encoding/json.
func decodeRaw(raw []byte) jvalue {
	i := skipSpace(raw, 0)
	if i < len(raw) {
		var v jvalue
		n := 0
		switch c := raw[i]; {
		case c == 'n':
			v, n = jvalue{kind: jNull}, literal(raw[i:], "null")
		case c == 't':
			v, n = jvalue{kind: jBool, b: true}, literal(raw[i:], "true")
		case c == 'f':
			v, n = jvalue{kind: jBool}, literal(raw[i:], "false")
		case c == '"':
			v.kind = jString
			v.s, n = scanString(raw[i:])
		case c == '[':
			v.kind = jArray
			v.list, n = scanStringArray(raw[i:])
		case c == '-' || isDigit(c):
			n = numberLen(raw[i:])
			v = jvalue{kind: jNumber, s: string(raw[i : i+n])}
		}
		if n > 0 && skipSpace(raw, i+n) == len(raw) {
			return v
		}
	}
	return decodeSlow(raw)
}

// decodeSlow is the general path of decodeRaw, through encoding/json.
// Like every JSON reader of the module (internal/jsonobj), it refuses
// invalid UTF-8, which encoding/json would replace with U+FFFD.
func decodeSlow(raw []byte) jvalue {
	if !jsonobj.Valid(raw) {
		return jvalue{kind: jInvalid}
	}
	switch raw[skipSpace(raw, 0)] {
	case '{':
		return jvalue{kind: jObject}
	case '"':
		var s string
		_ = json.Unmarshal(raw, &s)
		return jvalue{kind: jString, s: s}
	case '[':
		var elems []json.RawMessage
		_ = json.Unmarshal(raw, &elems)
		list := make([]string, len(elems))
		for k, e := range elems {
			if e[0] != '"' {
				return jvalue{kind: jMixed}
			}
			_ = json.Unmarshal(e, &list[k])
		}
		return jvalue{kind: jArray, list: list}
	}
	// Literals and numbers are always decoded by the fast path.
	return jvalue{kind: jInvalid}
}

// literal returns len(word) if b starts with word, else 0.
func literal(b []byte, word string) int {
	if len(b) >= len(word) && string(b[:len(word)]) == word {
		return len(word)
	}
	return 0
}

// numberLen returns the length of the JSON number at the start of b, or 0.
func numberLen(b []byte) int {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	default:
		return 0
	}
	if i < len(b) && b[i] == '.' {
		i++
		s := i
		for i < len(b) && isDigit(b[i]) {
			i++
		}
		if i == s {
			return 0
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		s := i
		for i < len(b) && isDigit(b[i]) {
			i++
		}
		if i == s {
			return 0
		}
	}
	return i
}

// scanString decodes the JSON string at the start of b (b[0] == '"') and
// returns it with the number of bytes consumed, or 0 when the string is
// malformed or needs the general path (surrogate escapes, invalid UTF-8).
func scanString(b []byte) (string, int) {
	i := 1
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			return string(b[1:i]), i + 1
		case c == '\\':
			return unescape(b, i)
		case c < 0x20:
			return "", 0
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				return "", 0
			}
			i += size
		}
	}
	return "", 0
}

// unescape continues scanString from the first backslash at b[i].
func unescape(b []byte, i int) (string, int) {
	buf := make([]byte, 0, len(b))
	buf = append(buf, b[1:i]...)
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			return string(buf), i + 1
		case c == '\\':
			if i+1 >= len(b) {
				return "", 0
			}
			switch e := b[i+1]; e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				if i+6 > len(b) {
					return "", 0
				}
				r := rune(0)
				for _, h := range b[i+2 : i+6] {
					switch {
					case isDigit(h):
						r = r<<4 | rune(h-'0')
					case h|0x20 >= 'a' && h|0x20 <= 'f':
						r = r<<4 | rune(h|0x20-'a'+10)
					default:
						return "", 0
					}
				}
				if utf16.IsSurrogate(r) {
					return "", 0 // pairs and lone halves: the general path
				}
				buf = utf8.AppendRune(buf, r)
				i += 4
			default:
				return "", 0
			}
			i += 2
		case c < 0x20:
			return "", 0
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			i++
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				return "", 0
			}
			buf = append(buf, b[i:i+size]...)
			i += size
		}
	}
	return "", 0
}

// scanStringArray decodes the JSON array of strings at the start of b
// (b[0] == '[') and returns it (never nil) with the number of bytes
// consumed, or 0 when the array holds anything but strings or needs the
// general path.
func scanStringArray(b []byte) ([]string, int) {
	list := []string{}
	i := skipSpace(b, 1)
	if i < len(b) && b[i] == ']' {
		return list, i + 1
	}
	for i < len(b) {
		if b[i] != '"' {
			return nil, 0
		}
		s, n := scanString(b[i:])
		if n == 0 {
			return nil, 0
		}
		list = append(list, s)
		i = skipSpace(b, i+n)
		if i >= len(b) {
			return nil, 0
		}
		switch b[i] {
		case ']':
			return list, i + 1
		case ',':
			i = skipSpace(b, i+1)
		default:
			return nil, 0
		}
	}
	return nil, 0
}
