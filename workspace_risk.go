package dossier

import (
	"time"

	"github.com/dossierkit/dossier/storage"
)

// deriveRisk sets the current risk of rec; risk lands later.
func (w *Workspace) deriveRisk(rec *storage.Record, now time.Time) {}
