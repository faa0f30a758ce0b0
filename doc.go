// Package dossier is an embeddable library for KYC/KYB case management: cases
// (folders holding every entity and check about one customer) with their
// lifecycle and reviews, metadata, flags derived from checks, risk with
// automatic and manual modes, custom properties validated against workspace
// definitions, and the ownership graph of companies and individuals.
//
// # Shape
//
// A [Workspace] is the one entry point. It holds a storage.Store (pick an
// adapter: storage/memory or storage/file) and the workspace [Settings].
// Every change loads one case's whole record (the storage.Record aggregate),
// applies pure domain rules from the packages cases, customprop, risk,
// entity and relation to a private copy, and saves it in one atomic,
// versioned write. Concurrent changes to one case never lose an update: a
// stale save is detected by the store and the change is re-applied on the
// fresh record (a bounded number of times, see WithMaxAttempts).
//
//	w, err := dossier.New(memory.New(), dossier.Settings{ReviewCommentRequired: true})
//	c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme Ltd", ExternalID: "crm-42"})
//	c, err = w.ReviewCase(ctx, c.ID, dossier.ReviewInput{Status: cases.ReviewApproved, Comment: "all checks clear"})
//
// # Errors
//
// Every error can be classified without string matching:
//
//   - bad input is a *validation.Error listing every problem at once (path,
//     stable code, message) and matches [ErrInvalid];
//   - [ErrNotFound], [ErrDuplicateExternalID], [ErrInvalidTransition],
//     [ErrConflict] and the sentinels of the domain packages are matched with
//     errors.Is;
//   - [Problem] turns any of them into what a host may send its clients:
//     the HTTP status (RFC 9110; its godoc is the one table), a stable code,
//     a message that never names another case, a file path or an adapter,
//     and the validation problems; [HTTPStatus] returns the status alone.
//     err.Error() stays for logs.
//
// Request bodies decode strictly: every input type refuses malformed JSON,
// invalid UTF-8, keys given twice and unknown members, and reports every
// problem of the payload at once (those of the values that did decode
// included), in an error of bounded size. [DecodeJSON] also refuses
// trailing data. A refused operation never changes what is stored.
//
// # Cost of a change
//
// A change works on the whole record of its case, so its cost is linear in
// the size of the case (entities, relations, checks and the audit trail of
// events). Measured against a baseline that only gets and saves the same
// record in the memory adapter, in the same run, renaming a company costs
// 1.8-2.2x the baseline in a case of 100 individuals and 2.2-3.1x in a case
// of 1,000 (about 11-15 ms on a shared 2-core machine):
//
//	go test -run '^$' -bench UpdateInLargeCase -benchtime 20x -count 3 .
//
// Most of the remaining cost is copying the record in and out. Deciding
// whether a change changed anything, and which events describe it,
// compares the record before and after with reflect.DeepEqual and encodes
// only the parts that differ.
//
// # Wire format
//
// Domain values marshal to the snake_case JSON of the API they model
// (cases.Case, cases.Review, ...). Update inputs decoded from JSON tell an
// absent member (leave the field alone) from an explicit null (clear it),
// through patch.Field.
package dossier
