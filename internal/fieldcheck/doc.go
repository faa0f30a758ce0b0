// Package fieldcheck holds the one implementation of the rules dossier
// applies to the field kinds that several packages accept: e-mail
// addresses ([Email]), E.164 phone numbers ([Phone]), ISO 3166-1 alpha-2
// country codes ([Country], [CountryCode]), calendar dates ([Date],
// [ParseDate]) and web URLs ([WebURL]).
//
// Package customprop (custom property values) and package entity (the
// e-mail, phone number, birth date, countries, registration date and web
// site of individuals, companies and addresses) both call it, so that a
// value refused in one place is refused everywhere (each used to have its
// own code, and "a@b" was refused as a custom property but accepted as an
// individual's e-mail). The rules are those documented under "Value rules"
// in package customprop.
//
// # Problems, not errors
//
// Every check returns a [Problem]: the zero value when the value is
// accepted, else a [Kind] (DateDay, EmailDomain, PhoneNotCanonical, ...)
// with kind-specific data (the number of days of the month, the canonical
// E.164 form, the offending character). The package has no error codes or
// messages of its own: each caller maps the Kind to its own
// validation.Code and wording, which therefore stay those of its public
// API, and may append [Problem.Detail], an English explanation. Building a
// Problem formats nothing.
//
// The checks do not treat the empty string specially (it is refused like
// any malformed value): a caller for which "" means "not set" says so
// before calling. Rules that depend on the field rather than on its kind,
// such as "a birth date is not in the future", stay with the caller.
//
// # Cost
//
// The checks are those customprop had, moved: no allocation beyond what
// net/mail, net/url and nyaruka/phonenumbers make, country codes looked up
// in an array built at initialisation. customprop's 20-property benchmark
// against its library baseline is unchanged by the move (0.90 to 0.91
// validator/baseline before and after, 408 allocs/op; Intel Xeon, 2 shared
// cores, go1.26):
//
//	go test ./customprop -run '^$' -bench Apply20Ratio -benchmem -count 3
//
// The package depends only on the standard library, nyaruka/phonenumbers
// and biter777/countries; it holds no mutable state and is safe for
// concurrent use.
package fieldcheck
