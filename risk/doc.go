// Package risk models the risk assessment of a KYC/KYB case: the risk
// [Level], automatic and manual risks ([Risk], [Mode]), and the append-only
// [History] from which a case's current risk and mode are derived.
//
// # Levels
//
// The levels are ordered (see [Level.Compare]):
//
//	not_defined < low < medium < high < critical < prohibited
//
// not_defined means "no level determined"; it sorts first. Parse a level
// with [ParseLevel]; encoding or decoding an unknown level fails.
//
// # Automatic and manual risks
//
// A scoring system pushes automatic risks ([History.PushAutomatic]); a
// person sets manual risks ([History.SetManual]). The rule, from the product
// spec:
//
//   - an automatic risk becomes current unless the case is in manual mode;
//   - a manual risk becomes current and switches the case to manual mode;
//     automatic risks pushed afterwards are stored but not current;
//   - enabling automatic mode again ([History.EnableAutomatic]) makes the
//     latest automatic risk current;
//   - an automatic risk that assesses the same risk as the latest automatic
//     one is not stored again: the push returns the existing risk and says
//     it was a duplicate.
//
// "The same risk" ([Input.SameAssessment]) means the same level, score,
// components and flags, compared by value: decimals by numeric value (10067
// equals 10067.0 and 1.0067e4), components and flags as sets of name/value
// pairs. A nil map and an empty map are both the empty set and compare
// equal; a flag set to false differs from an absent flag; a missing score
// differs from a zero score. The comment is not part of the assessment. The
// comparison is against the latest automatic risk only, so pushing A, B, A
// stores three risks. Manual risks are never de-duplicated.
//
//	var h risk.History
//	r, duplicate, err := h.PushAutomatic(newID(), in, now)
//
// # History
//
// A [History] is a log that only grows: every stored risk, oldest first,
// and an entry each time automatic mode is enabled again. Nothing is
// rewritten: the mode and the current risk are computed from the log (the
// mode is manual from a manual risk until the next automatic_enabled entry).
// All methods are pure: the caller passes the time and the new risk's id.
//
// # Numbers and JSON
//
// Scores and components are [github.com/shopspring/decimal] values, never
// float64. Decoding reads the number's text exactly; a number may be a JSON
// number or a JSON string holding one ("16.67"). NaN, infinities, hex,
// digit separators, leading '+' or '.', and surrounding spaces are refused.
// Numbers are limited to [MaxIntegerDigits] digits before and
// [MaxFractionDigits] after the decimal point, so that 1e999999999 is an
// error rather than a gigabyte. Numbers are written in plain notation
// without trailing zeros, independent of shopspring/decimal's package-level
// switches.
//
// Every bad input is one *validation.Error listing every problem, with
// paths such as "level", "score" and "components.customer_score", and codes
// from package validation (required, invalid_value, invalid_type,
// invalid_format, out_of_range, too_precise, unknown_field, not_allowed,
// duplicate, malformed_json). Objects are read by the module's one strict
// object reader (internal/jsonobj): malformed JSON or invalid UTF-8 is
// malformed_json, a key repeated in one object is duplicate, in every
// object. [Input] decoding is also strict about unknown keys; [Risk]
// decoding ignores unknown keys so that
// stored data written by a newer version stays readable. Encoding refuses an
// invalid value, so everything written can be read back, and a round trip
// is lossless (times are kept in UTC).
//
// # Performance
//
// Measured on a shared 2-core machine, as ratios against a baseline run in
// the same benchmark (medians of 5 runs; the machine is noisy, so take the
// time ratios as rough):
//
//   - decoding the spec's example risk into an [Input] (strict, validated,
//     exact decimals) takes about 1.2 to 1.8 times as long as plain
//     encoding/json decoding into a struct of json.Number, with 74
//     allocations against 34;
//   - a duplicate [History.PushAutomatic] on a 100-risk history costs about
//     1 to 2 % of the deep copy ([History.Clone]) every store makes of that
//     history (about 1.2 µs, 5 allocations).
//
// Reproduce with:
//
//	go test ./risk -run '^$' -bench . -benchtime=20000x -count=5
package risk
