package cases_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/validation"
)

func codeAt(t *testing.T, err error, path string) validation.Code {
	t.Helper()
	var ve *validation.Error
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want *validation.Error", err)
	}
	for _, p := range ve.Problems {
		if p.Path == path {
			return p.Code
		}
	}
	t.Fatalf("no problem at %q in %v", path, err)
	return ""
}

func TestTagCatalog(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	base := cases.TagCatalog{{ID: "t1", Label: "High risk", CreatedAt: now}, {ID: "t2", Label: "VIP", CreatedAt: now}}

	t.Run("create", func(t *testing.T) {
		tests := []struct {
			name, label string
			limit       int
			path        string
			code        validation.Code
		}{
			{"allowed", "PEP", 200, "", ""},
			{"label taken in another case", "high RISK", 200, "label", validation.CodeDuplicate},
			{"empty", " ", 200, "label", validation.CodeRequired},
			{"too long", strings.Repeat("a", cases.MaxTagLabelLen+1), 200, "label", validation.CodeTooLong},
			{"longest", strings.Repeat("a", cases.MaxTagLabelLen), 200, "", ""},
			{"invisible", "P\u200bEP", 200, "label", validation.CodeInvalidFormat},
			{"catalogue full", "PEP", 2, "tags", validation.CodeTooMany},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, tag, err := base.Create("t3", tt.label, now, tt.limit)
				if tt.code != "" {
					if c := codeAt(t, err, tt.path); c != tt.code {
						t.Fatalf("code = %s, want %s", c, tt.code)
					}
					if len(got) != 2 {
						t.Fatalf("catalogue changed on error: %v", got)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != 3 || tag != (cases.Tag{ID: "t3", Label: tt.label, CreatedAt: now}) || len(base) != 2 {
					t.Fatalf("got %v, %v; base %v", got, tag, base)
				}
			})
		}
	})

	t.Run("rename", func(t *testing.T) {
		tests := []struct {
			name, id, label string
			wantErr         error
			code            validation.Code
		}{
			{"allowed", "t1", "Very high risk", nil, ""},
			{"own label, other case", "t1", "HIGH RISK", nil, ""},
			{"label of another tag", "t1", "vip", nil, validation.CodeDuplicate},
			{"unknown id", "t9", "X", cases.ErrTagNotFound, ""},
			{"empty", "t1", "", nil, validation.CodeRequired},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := base.Rename(tt.id, tt.label)
				switch {
				case tt.wantErr != nil:
					if !errors.Is(err, tt.wantErr) {
						t.Fatalf("err = %v, want %v", err, tt.wantErr)
					}
				case tt.code != "":
					if c := codeAt(t, err, "label"); c != tt.code {
						t.Fatalf("code = %s, want %s", c, tt.code)
					}
				default:
					if err != nil {
						t.Fatal(err)
					}
					if got[0].Label != tt.label || base[0].Label != "High risk" {
						t.Fatalf("got %v, base %v", got, base)
					}
				}
			})
		}
	})

	t.Run("delete", func(t *testing.T) {
		got, err := base.Delete("t1")
		if err != nil || len(got) != 1 || got[0].ID != "t2" || len(base) != 2 {
			t.Fatalf("got %v, %v", got, err)
		}
		if _, err := base.Delete("t9"); !errors.Is(err, cases.ErrTagNotFound) {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("resolve", func(t *testing.T) {
		ids, err := base.Resolve("tags", []string{"vip", "t1", "VIP"})
		if err != nil || !slices.Equal(ids, []string{"t2", "t1"}) {
			t.Fatalf("ids = %v, %v", ids, err)
		}
		_, err = base.Resolve("tags", []string{"vip", "nope", "t9"})
		for _, p := range []string{"tags[1]", "tags[2]"} {
			if c := codeAt(t, err, p); c != validation.CodeInvalidValue {
				t.Fatalf("%s: code %s", p, c)
			}
		}
		if got := base.Labels([]string{"t2", "gone", "t1"}); !slices.Equal(got, []string{"VIP", "High risk"}) {
			t.Fatalf("labels = %v", got)
		}
	})

	t.Run("validate", func(t *testing.T) {
		if err := base.Validate(200); err != nil {
			t.Fatal(err)
		}
		bad := cases.TagCatalog{{ID: "a", Label: "X"}, {ID: "a", Label: "x"}, {ID: "", Label: "Y"}}
		err := bad.Validate(2)
		for path, code := range map[string]validation.Code{
			"tags": validation.CodeTooMany, "tags[1].id": validation.CodeDuplicate,
			"tags[1].label": validation.CodeDuplicate, "tags[2].id": validation.CodeRequired,
		} {
			if c := codeAt(t, err, path); c != code {
				t.Errorf("%s: code %s, want %s", path, c, code)
			}
		}
	})
}
