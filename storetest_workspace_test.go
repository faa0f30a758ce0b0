package dossier_test

import (
	"testing"

	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/storage/memory"
	"github.com/dossierkit/dossier/storage/storetest"
)

// TestWorkspaceScenariosOverMemory runs the Workspace scenario suite of
// storetest over the memory adapter.
func TestWorkspaceScenariosOverMemory(t *testing.T) {
	storetest.RunWorkspace(t, func(*testing.T) storage.Store { return memory.New() })
}
