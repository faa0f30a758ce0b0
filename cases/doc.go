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
package cases
