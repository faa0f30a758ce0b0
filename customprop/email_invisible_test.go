package customprop_test

import (
	"errors"
	"testing"

	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/validation"
)

func TestEmailWithInvisibleCharacterRefused(t *testing.T) {
	set, err := customprop.NewSet([]customprop.Definition{{Key: "mail", Label: "Mail", Type: customprop.TypeEmail, Target: customprop.TargetCase}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = set.Apply(customprop.TargetCase, nil, customprop.Patch{}.Set("mail", "ceo\u202e@example.com"))
	var verr *validation.Error
	if !errors.As(err, &verr) || !verr.Has("custom_properties.mail", validation.CodeInvalidFormat) {
		t.Fatalf("got %v", err)
	}
}
