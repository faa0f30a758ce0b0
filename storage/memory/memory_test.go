package memory_test

import (
	"testing"

	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/memory"
	"github.com/dossierkit/dossier/storage/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) storage.Store { return memory.New() })
}
