package fieldcheck_test

import (
	"testing"

	"github.com/dossierkit/dossier/internal/fieldcheck"
)

func TestEmailRefusesInvisibleCharacters(t *testing.T) {
	tests := []struct {
		in   string
		want fieldcheck.Kind
		rune int
	}{
		{"a\u202e@example.com", fieldcheck.EmailInvisible, 0x202E}, // right-to-left override
		{"a\u200b@example.com", fieldcheck.EmailInvisible, 0x200B}, // zero-width space
		{"a\u0085@example.com", fieldcheck.EmailInvisible, 0x85},   // next line (C1 control)
		{"a\u2028@example.com", fieldcheck.EmailInvisible, 0x2028}, // line separator
		{"a\u00a0b@example.com", fieldcheck.EmailInvisible, 0xA0},  // no-break space
		{"josé@exämple.fr", fieldcheck.None, 0},
		{"tönÿ@stark.example", fieldcheck.None, 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p := fieldcheck.Email(tt.in)
			if p.Kind != tt.want || (tt.want != fieldcheck.None && p.N != tt.rune) {
				t.Fatalf("Email(%+q) = %v (N=%#x), want %v (N=%#x)", tt.in, p.Kind, p.N, tt.want, tt.rune)
			}
		})
	}
}
