package casefile

import (
	"encoding/json"
	"fmt"
	"testing"
)

func TestFieldChanges(t *testing.T) {
	tests := []struct {
		name          string
		before, after string
		want          string
	}{
		{"same", `{"a":1,"updated_at":"x"}`, `{"a":1,"updated_at":"y"}`, `[]`},
		{"value", `{"a":1}`, `{"a":2}`, `[a 1 -> 2]`},
		{"written differently", `{"a":10}`, `{"a":10.0}`, `[a 10 -> 10.0]`},
		{"added and removed", `{"a":1}`, `{"b":"x"}`, `[a 1 -> null b null -> "x"]`},
		{"empty forms are equal", `{"m":null,"l":[]}`, `{"m":{},"l":null}`, `[]`},
		{"custom properties one by one", `{"custom_properties":{"x":1,"y":2}}`, `{"custom_properties":{"x":1,"y":3,"z":true}}`,
			`[custom_properties.y 2 -> 3 custom_properties.z null -> true]`},
		{"custom properties from none", `{"custom_properties":null}`, `{"custom_properties":{"x":1}}`, `[custom_properties.x null -> 1]`},
		{"nested objects are one field", `{"review":{"a":1,"b":2}}`, `{"review":{"a":1,"b":3}}`, `[review {"a":1,"b":2} -> {"a":1,"b":3}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := diffObjects("", json.RawMessage(tt.before), json.RawMessage(tt.after), true)
			var parts []string
			for _, fc := range got {
				parts = append(parts, fmt.Sprintf("%s %s -> %s", fc.Name, fc.Previous, fc.Next))
			}
			if s := fmt.Sprint(parts); s != tt.want && !(len(parts) == 0 && tt.want == "[]") {
				t.Fatalf("got %s, want %s", s, tt.want)
			}
		})
	}
}

func TestFinderBuildsAnIndexOnlyForManyLookups(t *testing.T) {
	list := []string{"a", "b", "c"}
	f := newFinder(list, func(s string) string { return s })
	for range 8 {
		if v, ok := f.get("b"); !ok || v != "b" {
			t.Fatal("scan missed")
		}
	}
	if f.index != nil {
		t.Fatal("an index was built for a few lookups")
	}
	if v, ok := f.get("c"); !ok || v != "c" || f.index == nil {
		t.Fatal("no index after many lookups")
	}
	if _, ok := f.get("z"); ok {
		t.Fatal("found a missing id")
	}
}

// FuzzFieldChanges: an object compared with itself has no changes; the
// changes of two objects have distinct names, and each previous and next
// value is the member of that name in before and after (null when absent).
func FuzzFieldChanges(f *testing.F) {
	f.Add(`{"a":1,"custom_properties":{"x":true}}`, `{"a":2,"custom_properties":{"y":null}}`)
	f.Add(`{"updated_at":1}`, `{}`)
	f.Add(`{"a":[]}`, `{"a":null}`)
	f.Fuzz(func(t *testing.T, before, after string) {
		var mb, ma map[string]json.RawMessage
		if json.Unmarshal([]byte(before), &mb) != nil || json.Unmarshal([]byte(after), &ma) != nil {
			return
		}
		if same := diffObjects("", json.RawMessage(before), json.RawMessage(before), true); len(same) != 0 {
			t.Fatalf("an object differs from itself: %v", same)
		}
		seen := map[string]bool{}
		for _, fc := range diffObjects("", json.RawMessage(before), json.RawMessage(after), true) {
			if seen[fc.Name] {
				t.Fatalf("%s listed twice", fc.Name)
			}
			seen[fc.Name] = true
			if fc.Name == "updated_at" {
				t.Fatal("updated_at listed")
			}
			if !json.Valid(fc.Previous) || !json.Valid(fc.Next) {
				t.Fatalf("%s: invalid JSON %s -> %s", fc.Name, fc.Previous, fc.Next)
			}
			if b, ok := mb[fc.Name]; ok && string(b) != string(fc.Previous) {
				t.Fatalf("%s: previous %s, before has %s", fc.Name, fc.Previous, b)
			}
			if a, ok := ma[fc.Name]; ok && string(a) != string(fc.Next) {
				t.Fatalf("%s: next %s, after has %s", fc.Name, fc.Next, a)
			}
		}
	})
}
