package dossier_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/patch"
	"github.com/dossierkit/dossier/storage/memory"
	"github.com/dossierkit/dossier/validation"
)

func tagSettings() dossier.Settings {
	return dossier.Settings{Tags: cases.TagCatalog{{ID: "t-high", Label: "High risk"}, {ID: "t-vip", Label: "VIP"}, {ID: "t-pep", Label: "PEP"}}}
}

// TestCaseTags walks the tags of one case through set, add and remove,
// asserting the tags read back and the event of each step; refused refs
// save nothing.
func TestCaseTags(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, tagSettings())
	c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme", Tags: []string{"vip", "t-high", "VIP"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Tags, []string{"VIP", "High risk"}) {
		t.Fatalf("created with tags %v", c.Tags)
	}
	step := eventSteps(t, w, c.ID)
	tests := []struct {
		name string
		op   func() (*cases.Case, error)
		want []string
		evs  []string
	}{
		{"add new and present", func() (*cases.Case, error) { return w.AddCaseTags(ctx, c.ID, []string{"pep", "VIP"}) },
			[]string{"VIP", "High risk", "PEP"}, []string{"Case.TagsUpdated"}},
		{"add present only", func() (*cases.Case, error) { return w.AddCaseTags(ctx, c.ID, []string{"t-vip"}) },
			[]string{"VIP", "High risk", "PEP"}, nil},
		{"remove", func() (*cases.Case, error) { return w.RemoveCaseTags(ctx, c.ID, []string{"high RISK", "t-vip"}) },
			[]string{"PEP"}, []string{"Case.TagsUpdated"}},
		{"remove absent", func() (*cases.Case, error) { return w.RemoveCaseTags(ctx, c.ID, []string{"VIP"}) },
			[]string{"PEP"}, nil},
		{"set", func() (*cases.Case, error) { return w.SetCaseTags(ctx, c.ID, []string{"VIP", "PEP"}) },
			[]string{"VIP", "PEP"}, []string{"Case.TagsUpdated"}},
		{"set none", func() (*cases.Case, error) { return w.SetCaseTags(ctx, c.ID, nil) },
			[]string{}, []string{"Case.TagsUpdated"}},
	}
	for _, tt := range tests {
		var got *cases.Case
		step(tt.name, func() error { var err error; got, err = tt.op(); return err }, tt.evs...)
		if !slices.Equal(got.Tags, tt.want) && !(len(got.Tags) == 0 && len(tt.want) == 0) {
			t.Fatalf("%s: tags %v, want %v", tt.name, got.Tags, tt.want)
		}
	}
	evs := allEvents(t, w, c.ID)
	last := evs[len(evs)-1]
	if len(last.Changes) != 1 || last.Changes[0].Name != "tags" || string(last.Changes[0].Previous) != `["VIP","PEP"]` || string(last.Changes[0].Next) != "[]" {
		t.Fatalf("changes = %+v", last.Changes)
	}

	for _, op := range []func() error{
		func() error { _, err := w.SetCaseTags(ctx, c.ID, []string{"VIP", "unknown"}); return err },
		func() error { _, err := w.AddCaseTags(ctx, c.ID, []string{"PEP", "unknown"}); return err },
		func() error { _, err := w.RemoveCaseTags(ctx, c.ID, []string{"VIP", "unknown"}); return err },
	} {
		err := unchanged(t, w, c.ID, op)
		wantProblem(t, err, "tags[1]", validation.CodeInvalidValue)
	}
	_, err = w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Other", Tags: []string{"nope"}})
	wantProblem(t, err, "tags[0]", validation.CodeInvalidValue)
}

// TestTagCatalogueChanges: a renamed tag shows its new label on every case,
// a deleted one disappears, and the catalogue limit is enforced by New.
func TestTagCatalogueChanges(t *testing.T) {
	ctx := context.Background()
	store := memory.New()
	w, err := dossier.New(store, tagSettings())
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme", Tags: []string{"VIP", "PEP"}})
	if err != nil {
		t.Fatal(err)
	}
	s := w.Settings()
	if s.Tags, err = s.Tags.Rename("t-vip", "Very important"); err != nil {
		t.Fatal(err)
	}
	if s.Tags, err = s.Tags.Delete("t-pep"); err != nil {
		t.Fatal(err)
	}
	w2, err := dossier.New(store, s)
	if err != nil {
		t.Fatal(err)
	}
	got, err := w2.GetCase(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Tags, []string{"Very important"}) {
		t.Fatalf("tags after rename and delete = %v", got.Tags)
	}

	tests := []struct {
		name string
		s    dossier.Settings
		path string
		code validation.Code
	}{
		{"over the default limit", dossier.Settings{Tags: manyTags(cases.DefaultMaxTags + 1)}, "tags", validation.CodeTooMany},
		{"over a set limit", dossier.Settings{Tags: manyTags(3), MaxTags: 2}, "tags", validation.CodeTooMany},
		{"negative limit", dossier.Settings{MaxTags: -1}, "max_tags", validation.CodeOutOfRange},
		{"repeated label", dossier.Settings{Tags: cases.TagCatalog{{ID: "a", Label: "X"}, {ID: "b", Label: "x"}}}, "tags[1].label", validation.CodeDuplicate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := dossier.New(memory.New(), tt.s)
			wantProblem(t, err, tt.path, tt.code)
		})
	}
	for _, n := range []int{cases.DefaultMaxTags, 0} {
		if _, err := dossier.New(memory.New(), dossier.Settings{Tags: manyTags(n)}); err != nil {
			t.Fatalf("%d tags: %v", n, err)
		}
	}
}

func manyTags(n int) cases.TagCatalog {
	out := make(cases.TagCatalog, n)
	for i := range out {
		b, _ := json.Marshal(i)
		out[i] = cases.Tag{ID: "id" + string(b), Label: "label " + string(b)}
	}
	return out
}

// TestListByTagsAndAssignee asserts the tag and assignee filters of
// ListCases against cases whose tags and assignee are known.
func TestListByTagsAndAssignee(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, tagSettings())
	mk := func(name, assignee string, tags ...string) {
		if _, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: name, AssigneeID: assignee, Tags: tags}); err != nil {
			t.Fatal(err)
		}
	}
	mk("a", "u1", "VIP", "PEP")
	mk("b", "u2", "VIP")
	mk("c", "", "PEP", "High risk")
	mk("d", "")
	tests := []struct {
		name string
		q    dossier.ListOptions
		want string
	}{
		{"all of", dossier.ListOptions{TagsAll: []string{"vip", "pep"}}, "a"},
		{"all of one", dossier.ListOptions{TagsAll: []string{"t-vip"}}, "ab"},
		{"none of", dossier.ListOptions{TagsNone: []string{"VIP"}}, "cd"},
		{"none of two", dossier.ListOptions{TagsNone: []string{"VIP", "High risk"}}, "d"},
		{"any of", dossier.ListOptions{TagsAny: []string{"High risk", "VIP"}}, "abc"},
		{"any and none", dossier.ListOptions{TagsAny: []string{"PEP"}, TagsNone: []string{"VIP"}}, "c"},
		{"assigned to", dossier.ListOptions{AssigneeID: "u2"}, "b"},
		{"unassigned", dossier.ListOptions{Unassigned: true}, "cd"},
		{"unassigned with a tag", dossier.ListOptions{Unassigned: true, TagsAll: []string{"PEP"}}, "c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			for _, c := range collect(t, w.AllCases(ctx, tt.q)) {
				got += c.Name
			}
			page, err := w.ListCases(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want || len(page.Cases) != len(tt.want) {
				t.Fatalf("got %q (page of %d), want %q", got, len(page.Cases), tt.want)
			}
		})
	}
	_, err := w.ListCases(ctx, dossier.ListOptions{TagsAll: []string{"VIP", "nope"}, TagsAny: []string{"gone"}})
	wantProblem(t, err, "tags_all[1]", validation.CodeInvalidValue)
	wantProblem(t, err, "tags_any[0]", validation.CodeInvalidValue)
	_, err = w.ListCases(ctx, dossier.ListOptions{AssigneeID: "u1", Unassigned: true})
	wantProblem(t, err, "assignee_id", validation.CodeConflict)
}

// TestAssignee sets, changes and clears the assignee through UpdateCase,
// with a Case.AssigneeUpdated event for each change and none for a no-op.
func TestAssignee(t *testing.T) {
	ctx := context.Background()
	w := newWorkspace(t, dossier.Settings{})
	c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	if c.AssigneeID != "" {
		t.Fatalf("assignee = %q", c.AssigneeID)
	}
	step := eventSteps(t, w, c.ID)
	tests := []struct {
		name string
		in   patch.Field[string]
		want string
		evs  []string
	}{
		{"assign", patch.Value("u1"), "u1", []string{"Case.AssigneeUpdated"}},
		{"same", patch.Value("u1"), "u1", nil},
		{"reassign", patch.Value("u2"), "u2", []string{"Case.AssigneeUpdated"}},
		{"unassign", patch.Null[string](), "", []string{"Case.AssigneeUpdated"}},
	}
	for _, tt := range tests {
		var got *cases.Case
		step(tt.name, func() error {
			var err error
			got, err = w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{AssigneeID: tt.in})
			return err
		}, tt.evs...)
		if got.AssigneeID != tt.want {
			t.Fatalf("%s: assignee %q, want %q", tt.name, got.AssigneeID, tt.want)
		}
	}
	evs := allEvents(t, w, c.ID)
	last := evs[len(evs)-1]
	if last.SubEvent != event.AssigneeUpdated || len(last.Changes) != 1 || string(last.Changes[0].Previous) != `"u2"` || string(last.Changes[0].Next) != "null" {
		t.Fatalf("last event %+v", last)
	}
	refused := []struct {
		name string
		in   string
		code validation.Code
	}{
		{"empty", "", validation.CodeRequired},
		{"control character", "u\x01", validation.CodeInvalidFormat},
		{"too long", strings.Repeat("u", cases.MaxAssigneeIDLen+1), validation.CodeTooLong},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			err := unchanged(t, w, c.ID, func() error {
				_, err := w.UpdateCase(ctx, c.ID, dossier.UpdateCaseInput{AssigneeID: patch.Value(tt.in)})
				return err
			})
			if !errors.Is(err, dossier.ErrInvalid) {
				t.Fatalf("err = %v", err)
			}
			wantProblem(t, err, "assignee_id", tt.code)
		})
	}
	var in dossier.UpdateCaseInput
	if err := json.Unmarshal([]byte(`{"assignee_id":null}`), &in); err != nil || !in.AssigneeID.IsNull() {
		t.Fatalf("decode null: %v %+v", err, in)
	}
	var cin dossier.CreateCaseInput
	if err := json.Unmarshal([]byte(`{"name":"x","assignee_id":"u9","tags":["VIP"]}`), &cin); err != nil || cin.AssigneeID != "u9" || !slices.Equal(cin.Tags, []string{"VIP"}) {
		t.Fatalf("decode create: %v %+v", err, cin)
	}
}
