package dossier

import (
	"context"
	"fmt"
	"io"

	"github.com/dossierkit/dossier/bods"
	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/validation"
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
	var l validation.List
	cases.ValidateName(&l, in.Name)
	if in.ExternalID != "" {
		cases.ValidateExternalID(&l, in.ExternalID)
	}
	status := in.Status
	if status == "" {
		status = cases.StatusOpen
	}
	validateSettableStatus(&l, status, "create")
	l.Merge("", in.Metadata.Validate())
	props, err := w.props.Apply(customprop.TargetCase, nil, in.CustomProperties)
	l.Merge("", err)
	if err := l.Err(); err != nil {
		return nil, nil, err
	}
	now := w.now()
	im, err := bods.Import(pkg, bods.ImportOptions{
		MainRecordID: opts.MainRecordID, NewID: w.newID, Now: now, Ownership: w.settings.Ownership.options(),
	})
	if err != nil {
		return nil, nil, err
	}
	empty := &storage.Record{Case: cases.Case{
		ID: w.newID(), ExternalID: in.ExternalID, Name: in.Name, Status: status,
		Metadata: in.Metadata.Clone(), CustomProperties: props, CreatedAt: now, UpdatedAt: now,
	}}
	w.derive(empty, now)
	rec := empty.Clone()
	rec.Companies, rec.Individuals, rec.Relations = im.Graph.Companies, im.Graph.Individuals, im.Graph.Relations
	w.derive(rec, now)
	rec.Events = append([]event.Event{w.newEvent(ctx, rec.Case.ID, event.CaseCreated, "", rec.Case.ID, w.viewCase(rec.Case), now)},
		w.changeEvents(ctx, empty, rec, now)...)
	saved, err := w.store.Create(ctx, rec)
	if err != nil {
		return nil, nil, fmt.Errorf("dossier: create case: %w", err)
	}
	return w.viewCase(saved.Case), &im.Report, nil
}
