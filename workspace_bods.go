package dossier

import (
	"context"
	"fmt"
	"io"

	"github.com/dossierkit/dossier/bods"
	"github.com/dossierkit/dossier/casefile"
	"github.com/dossierkit/dossier/cases"
)

// ExportBODS writes the ownership structure of a case as a BODS 0.4
// package (see package bods): its companies, individuals and relations,
// and its beneficial owners under the workspace's ownership settings
// (opts.Ownership and opts.Policy are replaced by them). opts gives the
// statement date and the publisher. A case without a main company is
// bods.ErrNoMainCompany.
func (w *Workspace) ExportBODS(ctx context.Context, caseID string, opts bods.ExportOptions) (bods.Package, error) {
	rec, err := w.load(ctx, caseID)
	if err != nil {
		return nil, err
	}
	opts.Ownership = w.settings.Ownership.options()
	opts.Policy = w.settings.Ownership.Policy
	pkg, err := bods.Export(graphOf(rec), opts)
	if err != nil {
		return nil, fmt.Errorf("dossier: export case %s: %w", caseID, err)
	}
	return pkg, nil
}

// ImportBODSOptions tunes ImportBODS.
type ImportBODSOptions struct {
	// MainRecordID is the recordId of the entity that becomes the main
	// company; empty means the package's declaration subject.
	MainRecordID string
}

// ImportBODS creates a case from in and a BODS 0.4 package (a JSON array
// of statements or JSON Lines): its entities, persons and direct
// relationships become the case's companies, individuals and relations,
// all created in one write with the case (see bods.Import for what is
// read, and for what the returned report lists: what the case cannot
// hold, entities linked to the main company because the package connects
// them to nothing, and declared indirect shares that disagree with the
// computed totals). Bad input, in the case fields or in the package, is a
// *validation.Error listing every problem (paths into the package start
// with "statements[i]"), and nothing is stored.
func (w *Workspace) ImportBODS(ctx context.Context, in CreateCaseInput, pkg io.Reader, opts ImportBODSOptions) (*cases.Case, *bods.Report, error) {
	rec, events, err := w.newCaseRecord(ctx, in)
	if err != nil {
		return nil, nil, err
	}
	im, err := bods.Import(pkg, bods.ImportOptions{
		MainRecordID: opts.MainRecordID, NewID: w.newID, Now: rec.Case.CreatedAt, Ownership: w.settings.Ownership.options(),
	})
	if err != nil {
		return nil, nil, err
	}
	ch := casefile.Begin(rec, w.rules, rec.Case.CreatedAt, w.actorOf(ctx), w.newID)
	if err := ch.SetGraph(im.Graph); err != nil {
		return nil, nil, err
	}
	more, _ := ch.Finish()
	saved, err := w.store.Create(ctx, ch.Record(), append(events, more...)...)
	if err != nil {
		return nil, nil, fmt.Errorf("dossier: create case: %w", err)
	}
	return w.views.caseOf(saved), &im.Report, nil
}
