// Package cases models a case, the folder that holds every entity and check
// about one customer, and its lifecycle: [Status] and its transitions, the
// [Review] that approves, rejects or closes it, [Metadata], the periodic
// review schedule, and the checks and flags derived from them.
//
// The package is pure: it validates and transforms values and never reads a
// clock or touches storage. The root package dossier loads a case, applies
// these rules and saves it.
//
// # Lifecycle
//
// A case is created draft or open (default open). An update may set only
// draft or open; updating an approved, rejected or closed case to open
// reopens it and nothing in it is deleted. Approved, rejected and closed are
// reached only through a review:
//
//	from \ to   draft   open    approved  rejected  closed
//	draft       -       update  .         .         review
//	open        update  -       review    review    review
//	approved    .       update  review    .         review
//	rejected    .       update  .         .         review
//	closed      .       update  .         .         .
//
// "-" is a no-op update, "." is refused with [ErrInvalidTransition]. Approving
// an approved case records a confirmed periodic review.
//
// # Checks and flags
//
// A [Check] is one verification (identity document, AML screening,
// signature...) on the case or on one of its entities. It moves through six
// statuses following [CheckTransition]: the contact works on in_progress
// checks, the system on processing ones, the reviewer decides need_review
// ones with [Check.Review]. A rejected or expired check is recollected by
// moving it back to in_progress; any other change of an approved or
// rejected check needs an explicit override and is otherwise refused with
// [ErrCheckOverrideRequired] (which also matches [ErrInvalidCheckTransition]).
//
// [ComputeFlags] derives contact_has_actions, reviewer_has_actions and the
// [Flags] of a case from the statuses of the checks that count (dossier
// passes those on the case and on relevant entities). It is pure; its
// godoc holds the table of rules. first_collect_completed is a latch: once
// set it never clears. [Flags] is a value-type set marshalled as a JSON
// array in the fixed wire order.
//
// Benchmarks (ratios against a baseline run in the same benchmark):
// ComputeFlags over 8 checks costs 2-4x one bare pass over the statuses;
// marshalling Flags costs 1.5-2.5x marshalling the same names as a
// []string (encoding/json re-validates Marshaler output). Reproduce with
//
//	go test -run XXX -bench 'ComputeFlags|FlagsMarshal' -benchtime 200000x -count 5 ./cases/
package cases
