package customprop

import (
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// FuzzParseNumber checks the numeric parser against references: it
// accepts exactly the JSON number grammar, its value equals the one
// shopspring/decimal parses, and its canonical text parses to itself.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"0", "-0", "20000", "20000.50", "1e3", "1E+3", "1e-21", "9007199254740991", "9007199254740992",
		"0.00000000000000000001", "05", "+5", ".5", "5.", "0x10", "NaN", "1e", "-", "", "1e999999999999999999", "100e-2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, p := parseNumber(s)
		isJSONNumber := json.Valid([]byte(s)) && s != "" && (s[0] == '-' || isDigit(s[0])) && !isSpace(s[len(s)-1])
		if (p != numFormat) != isJSONNumber {
			t.Fatalf("parseNumber(%q) = %v, json number: %v", s, p, isJSONNumber)
		}
		if p != numOK {
			return
		}
		ref, err := decimal.NewFromString(s)
		switch {
		case err == nil:
			if !ref.Equal(n.dec) {
				t.Fatalf("parseNumber(%q) = %s, decimal says %s", s, n.text, ref.String())
			}
			if ref.Abs().Cmp(maxSafe) > 0 {
				t.Fatalf("%q accepted beyond the limit", s)
			}
		case strings.ContainsAny(s, "eE"):
			// decimal refuses exponents beyond 10000 (or int32) even when
			// the value is small ("1000e-10002", "0e99999"); compare
			// exactly with big.Rat when the exponent is short enough.
			if e := strings.IndexAny(s, "eE"); len(s)-e < 8 {
				r, ok := new(big.Rat).SetString(s)
				if !ok || r.Cmp(n.dec.Rat()) != 0 {
					t.Fatalf("parseNumber(%q) = %s, big.Rat says %v", s, n.text, r)
				}
			}
		default:
			t.Fatalf("decimal refused %q: %v", s, err)
		}
		again, p2 := parseNumber(n.text)
		if p2 != numOK || again.text != n.text || !again.dec.Equal(n.dec) {
			t.Fatalf("canonical %q of %q re-parses to %q (%v)", n.text, s, again.text, p2)
		}
		if strings.ContainsAny(n.text, "eE+") || (strings.Contains(n.text, ".") && strings.HasSuffix(n.text, "0")) {
			t.Fatalf("canonical %q is not plain", n.text)
		}
		if m, p3 := fromDecimal(n.dec); p3 != numOK || m.text != n.text {
			t.Fatalf("fromDecimal(%s) = %q, %v", n.text, m.text, p3)
		}
	})
}

// FuzzParseDate checks the date parser against time.Parse.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2022-02-03", "2024-02-29", "2023-02-29", "2023-1-05", "0000-01-01", "9999-12-31", "2023-13-01", "+123-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		y, m, d, res := parseDate(s)
		ref, err := time.Parse("2006-01-02", s)
		want := err == nil && ref.Year() != 0 && ref.Format("2006-01-02") == s
		if (res == dateOK) != want {
			t.Fatalf("parseDate(%q) = %v, time.Parse: %v %v", s, res, ref, err)
		}
		if res == dateOK && (ref.Year() != y || int(ref.Month()) != m || ref.Day() != d) {
			t.Fatalf("parseDate(%q) = %d-%d-%d", s, y, m, d)
		}
	})
}

// FuzzDecodeRaw checks the raw JSON decoder against encoding/json (which
// accepts invalid UTF-8, refused by decodeRaw).
func FuzzDecodeRaw(f *testing.F) {
	for _, s := range []string{`true`, ` false `, `null`, `"a"`, `"\u00e9\n"`, `"\ud800"`, "\"\xff\"", `["a", "b"]`, `[]`, `["a",1]`, `{}`, `1.5`, `[`, ``, `"a" "b"`,
		`["a\n", "\ud83d\ude00"]`, `[ ]`, `[ "a" , "b" ]`, `["a",]`, `"\u00zz"`, `-01`, `1.e5`, `"tab\there"`, "\"\x01\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		v := decodeRaw(raw)
		var ref any
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.UseNumber()
		refErr := dec.Decode(&ref)
		valid := json.Valid(raw) && utf8.Valid(raw)
		if (v.kind == jInvalid) != !valid {
			t.Fatalf("decodeRaw(%q).kind = %v, valid JSON and UTF-8 = %v", raw, v.kind, valid)
		}
		if !valid {
			return
		}
		if refErr != nil {
			t.Fatalf("valid JSON %q does not decode: %v", raw, refErr)
		}
		switch r := ref.(type) {
		case nil:
			ok(t, v.kind == jNull, raw)
		case bool:
			ok(t, v.kind == jBool && v.b == r, raw)
		case json.Number:
			ok(t, v.kind == jNumber && v.s == string(r), raw)
		case string:
			ok(t, v.kind == jString && v.s == r, raw)
		case map[string]any:
			ok(t, v.kind == jObject, raw)
		case []any:
			strs := true
			for _, e := range r {
				_, isStr := e.(string)
				strs = strs && isStr
			}
			if !strs {
				ok(t, v.kind == jMixed, raw)
				return
			}
			ok(t, v.kind == jArray && len(v.list) == len(r) && v.list != nil, raw)
			for i, e := range r {
				ok(t, v.list[i] == e.(string), raw)
			}
		}
	})
}

func ok(t *testing.T, cond bool, raw []byte) {
	t.Helper()
	if !cond {
		t.Fatalf("decodeRaw(%q) disagrees with encoding/json", raw)
	}
}

// BenchmarkDecodeRaw runs decodeRaw (the one-pass fast path) and decodeSlow
// (the same classification through encoding/json) alternately over the
// values of a typical payload, so that both see the same machine load, and
// reports the ratio fast/slow: the fast path is kept only while it pays.
func BenchmarkDecodeRaw(b *testing.B) {
	values := [][]byte{
		[]byte(`true`), []byte(`"2024-02-29"`), []byte(`"+33654489875"`), []byte(`"jane.doe@example.com"`),
		[]byte(`"https://example.com/a?b=c"`), []byte(`12345.67`), []byte(`"20000"`), []byte(`["FR","GB","DE"]`),
		[]byte(`["emea"]`), []byte(`"a single line of text, neither short nor long"`), []byte(`null`),
	}
	var fast, slow time.Duration
	for b.Loop() {
		t0 := time.Now()
		for _, v := range values {
			_ = decodeRaw(v)
		}
		t1 := time.Now()
		for _, v := range values {
			_ = decodeSlowAll(v)
		}
		t2 := time.Now()
		fast += t1.Sub(t0)
		slow += t2.Sub(t1)
	}
	b.ReportMetric(float64(fast)/float64(slow), "fast/slow")
}

// decodeSlowAll classifies every value through encoding/json, literals
// and numbers included (decodeSlow leaves those to the fast path).
func decodeSlowAll(raw []byte) jvalue {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return jvalue{kind: jInvalid}
	}
	switch x := v.(type) {
	case nil:
		return jvalue{kind: jNull}
	case bool:
		return jvalue{kind: jBool, b: x}
	case float64:
		return jvalue{kind: jNumber, s: string(raw)}
	}
	return decodeSlow(raw)
}
