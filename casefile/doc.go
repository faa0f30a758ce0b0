// Package casefile holds the rules that span one case's record
// (storage.Record): deriving the case's flags and actions from its checks
// and the relevance of their entities, keeping the current risk and a
// computed next review date in step with the risk history, removing an
// entity's checks with it, and building the events that describe a change.
//
// The domain packages (cases, entity, relation, risk) each know one kind of
// object; casefile applies their operations to a record and knows how the
// parts of a record depend on each other. The Workspace in the root package
// only loads a record, applies one operation through a [Change], and saves
// the record with the change's events.
//
// # Cost of a change
//
// A Change records what each operation touches (the ids of companies,
// individuals, relations and checks, and the case itself) as it runs.
// [Change.Finish] compares and encodes only those objects, before and
// after, to decide whether anything changed and which events describe it;
// the untouched objects of the case are never compared or encoded, so the
// cost follows the size of the change.
//
// # Events
//
// Which event describes which change is decided in one file, events.go:
// a created, updated or deleted company or individual emits
// Company.Created/Updated/Deleted or Individual.Created/Updated/Deleted; a
// relation change is an update of the entity it comes from (unless that
// entity is itself created or deleted by the change), with the relation's
// fields as changes ("relations.<id>.<field>"); a check emits the event of
// the status it moves to; a change of the case emits one Case.Updated
// event per changed aspect (status, info, metadata, review, risk, actions,
// flags). Every event names its actor, carries the object as reads return
// it, and, for updates, the changed fields with their previous and next
// JSON values.
package casefile
