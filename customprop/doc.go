// Package customprop validates the custom properties of a workspace: their
// definitions, the values written to cases, companies and individuals, and
// partial updates of those values.
//
// # Definitions
//
// A [Definition] describes one property: a key, a label, one of nine
// [Type]s, the [Target] it applies to (case, company or individual), its
// [Settings] and whether it is archived. [NewSet] validates a list of
// definitions and compiles them into an immutable [Set]; a definition with
// a problem (a duplicated key, a choices property without options, a
// currency format without an ISO 4217 code, min > max, ...) is reported
// with its index, as in "custom_properties[2].settings.currency_code".
//
// # Writing values
//
// A write is a [Patch]: the JSON object of a request, key by key. A key
// set to null removes the value, any other key sets it, absent keys are
// left untouched. [Set.Apply] checks every key against its definition and
// returns the new [Values], or a *validation.Error that lists every problem
// of the payload at once, each with its path ("custom_properties.<key>"),
// a stable code and a message naming the constraint:
//
//	next, err := set.Apply(customprop.TargetCase, current, patch)
//	var verr *validation.Error
//	if errors.As(err, &verr) { /* HTTP 400 with verr.Problems */ }
//
// Keys that are not defined on the target are refused (unknown_field);
// keys of archived properties are refused (archived), null included.
// Archived values are not deleted: [Set.Visible] leaves them out on read,
// and un-archiving the property shows them again.
//
// # Value rules
//
// Each type accepts only the JSON shapes below; anything else is
// invalid_type. Every problem's path is "custom_properties.<key>"; the
// message of a problem with one element of a list names its index.
//
//   - boolean: true or false. The string "true" is refused.
//   - choices: a non-empty array of option keys of the definition, one
//     element unless allow_multiple; no key twice (duplicate); an unknown
//     key is invalid_value; more than one element without allow_multiple
//     is too_many.
//   - countries: a non-empty array of upper-case ISO 3166-1 alpha-2 codes
//     of existing countries (invalid_country; "fr" is refused, with a hint),
//     one unless allow_multiple, no code twice. The codes are those of
//     biter777/countries, including XK (Kosovo, as used by the EU and
//     banks), excluding the withdrawn AN and YU.
//   - date: "yyyy-MM-dd" exactly (invalid_format otherwise: no time, no
//     "2023-1-05"), a real day of the Gregorian calendar from 0001-01-01 to
//     9999-12-31 (invalid_value: "2023-02-29" is refused, "2024-02-29"
//     accepted).
//   - email: a bare RFC 5322 address as net/mail parses it ("A <a@b.co>",
//     comments and quoted local parts are refused), at most 250
//     characters (too_long), a local part of at most 64 bytes and a domain
//     of at least two labels such as example.com (invalid_format; "a@b" and
//     domain literals are refused). Letters outside ASCII are allowed.
//   - numeric: a JSON number or a string holding one (the Dotfile API writes
//     "20000"), with the JSON number grammar: no "+", no leading zeros, no
//     hex, no NaN or Inf, no spaces (invalid_format). The value is parsed as
//     a decimal, never through float64; it must lie within
//     +-9007199254740991 and the definition's min and max, both inclusive
//     (out_of_range), with at most 20 digits after the point (too_precise).
//     The format (number, percent, currency) is for display only: a percent
//     property holding 12.5 means 12.5 %.
//   - phone_number: E.164: "+", the country code and the number, digits
//     only (no spaces), valid for its region according to
//     nyaruka/phonenumbers and equal to its canonical E.164 form
//     ("+330654489875" is refused, naming "+33654489875"); invalid_phone
//     for every failure, with a message that says which.
//   - text: a non-empty string of at most 250 characters, or 1500 when
//     is_multi_line (too_long), counted in Unicode code points, not bytes.
//     Single-line text refuses line breaks (LF, CR, U+2028, U+2029); both
//     refuse control characters other than tab and line breaks
//     (invalid_value).
//   - url: at most 2000 characters (too_long); an absolute URL with a
//     scheme and a host, written with the RFC 3986 character set and valid
//     percent-escapes (invalid_format: encode non-ASCII characters); the
//     scheme must be http or https and credentials ("user:pass@") are
//     refused (invalid_value).
//
// Empty strings and empty arrays are refused (required): null removes a
// value. A value that is not even JSON (from a hand-built Patch) is
// invalid_type.
//
// # Reading values
//
// A [Value] is immutable and normalised (a numeric "20000.50" is stored as
// the decimal 20000.5). Typed accessors read it without re-parsing
// strings: [Value.Bool], [Value.Decimal], [Value.Date], [Value.Strings],
// [Value.Countries], [Value.Text], [Value.URL]. [Values] is the JSON object
// of the wire; numbers are written as JSON numbers in plain notation.
// A store that reads Values back from JSON gets values that know only their
// JSON shape; [Set.Visible] binds them to their definitions again and
// leaves out those that are archived, no longer defined, or no longer
// valid under an edited definition.
//
// # Performance
//
// Definitions are compiled once in [NewSet] (option sets, bounds, limits);
// country and currency codes are looked up in arrays built at package
// initialisation; request JSON is decoded in one pass without reflection.
// The cost that remains is the libraries' own: phone number parsing is
// more than half of it.
//
// BenchmarkApply20Ratio validates a 20-property payload (two phone numbers,
// two e-mails, two URLs, three numbers, country and choice lists, dates,
// booleans and texts) and, alternating with it on every iteration, a
// baseline that only calls the underlying libraries on the same inputs:
// encoding/json to decode each value, phonenumbers Parse and
// IsValidNumber, countries.ByName, decimal.NewFromString, time.Parse,
// mail.ParseAddress, url.Parse and utf8.RuneCountInString. Measured on a
// 2-core Intel Xeon (go1.26, linux/amd64):
//
//	go test ./customprop -run '^$' -bench 'Apply20Ratio' -benchmem -count 5
//
//	baseline   ~33 µs/op
//	validator  ~30 µs/op (190 allocs, 13.6 kB)
//	ratio      0.89 to 0.91 validator/baseline (goal: at most 1.5)
//
// Decoding a value in one pass pays: BenchmarkDecodeRaw classifies the 11
// values of a typical payload with the fast path and with encoding/json,
// alternately in one run, and the fast path takes 0.06 to 0.11 times as
// long (5 runs, shared 2-core machine). FuzzDecodeRaw checks that both
// agree. Objects (custom property patches and stored values) are split by
// the module's one strict object reader, internal/jsonobj, which refuses
// duplicate keys and invalid UTF-8.
//
//	go test ./customprop -run '^$' -bench DecodeRaw -count 5
//
// The validator is cheaper than the naive use of the libraries although it
// checks more (canonical E.164, options, bounds, limits, ...). Reading the
// same 20 values back with [Set.Visible] (BenchmarkVisible20) costs about
// 27 µs/op, most of it re-validating the phone numbers.
package customprop
