package dossierhttp

import (
	"encoding/json"
	"reflect"
	"testing"
)

var testMembers = []member{
	{key: "tags", value: empty},
	{key: "template", value: null},
	{key: "last_activity_at", from: "updated_at"},
	{key: "address", nested: nullMembers("city", "country")},
}

func TestCompleteJSON(t *testing.T) {
	tests := []struct {
		name, in string
		extra    []extraMember
		want     string
	}{
		{"empty object", `{}`, nil, `{"tags":[],"template":null,"last_activity_at":null,"address":{"city":null,"country":null}}`},
		{"present members are kept", `{"tags":["a"],"template":{"key":"k"},"updated_at":"t","address":{"city":"Paris"}}`, nil,
			`{"tags":["a"],"template":{"key":"k"},"updated_at":"t","address":{"city":"Paris","country":null},"last_activity_at":"t"}`},
		{"a nested key of the same name does not count", `{"metadata":{"tags":"x","template":"y"},"updated_at":"t"}`, nil,
			`{"metadata":{"tags":"x","template":"y"},"updated_at":"t","tags":[],"template":null,"last_activity_at":"t","address":{"city":null,"country":null}}`},
		{"strings holding braces and quotes", `{"name":"a\"}{,[","tags":[]}`, nil,
			`{"name":"a\"}{,[","tags":[],"template":null,"last_activity_at":null,"address":{"city":null,"country":null}}`},
		{"extra replaces", `{"case_id":"old","tags":[]}`, []extraMember{{"case_id", []byte(`"new"`)}},
			`{"tags":[],"case_id":"new","template":null,"last_activity_at":null,"address":{"city":null,"country":null}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := completeJSON([]byte(tt.in), testMembers, tt.extra)
			var g, w any
			if err := json.Unmarshal(got, &g); err != nil {
				t.Fatalf("not JSON: %s", got)
			}
			if err := json.Unmarshal([]byte(tt.want), &w); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// FuzzCompleteJSON: for any JSON object, the completed object is valid
// JSON, keeps every member of the input unchanged (except the nested ones
// it completes) and has every member of the list.
func FuzzCompleteJSON(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1}`, `{"tags":null,"x":{"tags":1}}`, `{"s":"\\\"}"}`, `{"address":[1]}`, ` { "a" : [ {} ] } `} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var orig map[string]any
		if json.Unmarshal([]byte(in), &orig) != nil || orig == nil {
			return
		}
		out := completeJSON([]byte(in), testMembers, nil)
		var got map[string]any
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("completed %q is not JSON: %s", in, out)
		}
		for k, v := range orig {
			if k == "address" {
				if _, isObj := v.(map[string]any); isObj {
					continue
				}
			}
			if !reflect.DeepEqual(got[k], v) {
				t.Errorf("member %q changed: %v -> %v", k, v, got[k])
			}
		}
		for _, m := range testMembers {
			if _, ok := got[m.key]; !ok {
				t.Errorf("member %q missing from %s", m.key, out)
			}
		}
	})
}
