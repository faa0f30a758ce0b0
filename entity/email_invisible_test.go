package entity_test

import (
	"testing"

	"github.com/dossierkit/dossier/entity"
)

func TestIsEmailRefusesInvisibleCharacters(t *testing.T) {
	if entity.IsEmail("ceo\u200b@example.com") {
		t.Fatal("an address with a zero-width space was accepted")
	}
	if !entity.IsEmail("josé@exämple.fr") {
		t.Fatal("an address with accented letters was refused")
	}
}
