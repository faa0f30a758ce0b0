package cases_test

import (
	"testing"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/validation"
)

func TestNameRefusesInvisibleCharacters(t *testing.T) {
	tests := []struct {
		name string
		want validation.Code // "" = accepted
	}{
		{"Acme Ltd", ""},
		{"Société Générale", ""},
		{"می\u200cخواهم", ""}, // zero-width non-joiner: needed by Persian
		{"Acme\nLtd", validation.CodeInvalidFormat},
		{"Acme\x00", validation.CodeInvalidFormat},
		{"Acme\u200bLtd", validation.CodeInvalidFormat},
		{"Acme\u202eLtd", validation.CodeInvalidFormat},
		{"\u2067Acme\u2069", validation.CodeInvalidFormat},
		{"\ufeffAcme", validation.CodeInvalidFormat},
		{"  ", validation.CodeRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l validation.List
			cases.ValidateName(&l, tt.name)
			checkOneProblem(t, l.Err(), "name", tt.want)
		})
	}
}

func TestExternalIDMustBeNFC(t *testing.T) {
	tests := []struct {
		name, id string
		want     validation.Code
	}{
		{"ascii", "crm-42", ""},
		{"composed é", "caf\u00e9-1", ""},
		{"decomposed é", "cafe\u0301-1", validation.CodeInvalidFormat},
		{"Hangul jamo", "\u1100\u1161", validation.CodeInvalidFormat},
		{"zero-width space", "crm-42\u200b", validation.CodeInvalidFormat},
		{"bidi override", "crm-\u202e24", validation.CodeInvalidFormat},
		{"path-like is fine", "../a/b", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l validation.List
			cases.ValidateExternalID(&l, tt.id)
			checkOneProblem(t, l.Err(), "external_id", tt.want)
		})
	}
}

func checkOneProblem(t *testing.T, err error, path string, want validation.Code) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("refused: %v", err)
		}
		return
	}
	verr, ok := err.(*validation.Error)
	if !ok || len(verr.Problems) != 1 || !verr.Has(path, want) {
		t.Fatalf("got %v, want one %s problem at %s", err, want, path)
	}
}
