package relation_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dossierkit/dossier/relation"
)

func TestOrphanErrorMessageIsBounded(t *testing.T) {
	tests := []struct {
		n        int
		wantTail string
	}{
		{1, "i0 (each"},
		{20, "i19 (each"},
		{100_000, "i19 and 99980 more (each"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.n), func(t *testing.T) {
			e := &relation.OrphanError{}
			for i := range tt.n {
				e.IDs = append(e.IDs, fmt.Sprintf("i%d", i))
			}
			msg := e.Error()
			if len(msg) > 1024 || !strings.Contains(msg, tt.wantTail) {
				t.Errorf("%d ids: %d bytes: %.200s", tt.n, len(msg), msg)
			}
		})
	}
}
