package postgres_test

import (
	"testing"

	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storage.Store { return newStore(t) })
}
