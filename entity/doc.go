// Package entity defines the companies and individuals of a KYC/KYB case:
// their fields, how each is validated, and the inputs that create and
// partially update them.
//
// # Values
//
// [Company] and [Individual] are plain values with snake_case JSON (the wire
// shape of the Dotfile API) that round-trips losslessly; Clone returns a
// deep copy. Optional text fields are "" when not set and left out of the
// JSON.
//
// Percentages are a [Percentage]: an exact decimal from 0 to 100 with at
// most two decimals, or unknown (the zero value, JSON null). Unknown is never
// 0. A relation's percentage may also be a band (a lower and an upper
// bound, each inclusive or exclusive), carried on the wire in the
// extension member named with [BandSuffix]; an individual's declared
// total may not. No float64 is involved anywhere, in Go or on the wire.
//
// # Field rules
//
// E-mails, phone numbers, dates, countries and web sites follow exactly the
// rules of the custom properties of the same kind (package customprop,
// "Value rules"): the two packages share one implementation, so a value
// refused as a custom property is refused here, and the reverse.
//
//   - email ([IsEmail]): a bare RFC 5322 address of at most MaxEmailLen
//     characters ("Tony <t@x.example>", comments, quotes and misplaced
//     dots are refused; letters outside ASCII are allowed), a local part of
//     at most 64 bytes and a domain of at least two labels: "a@b",
//     "x@localhost" and "a@1.2" are refused.
//   - phone_number ([IsPhoneNumber]): E.164, "+" and digits only, valid for
//     its region according to nyaruka/phonenumbers and written in its
//     canonical form ("+330654489875" is refused, naming "+33654489875").
//   - birth_date, registration_date ([IsDate]): "yyyy-MM-dd", a real day
//     from 0001-01-01 to 9999-12-31 ("2023-02-29" and "0000-01-01" are
//     refused). Here, and not for custom properties, the date must also not
//     be after the day of the time given to the call (out_of_range).
//   - birth_country, nationalities, country, address.country
//     ([IsCountry]): upper-case ISO 3166-1 alpha-2 codes of existing
//     countries, XK (Kosovo) included, the withdrawn AN and YU excluded;
//     "fr" is refused with a hint.
//   - website_url ([IsWebURL]): an absolute http or https URL of at most
//     MaxURLLen characters, in the RFC 3986 character set (percent-encode
//     non-ASCII characters), with valid percent-escapes, without
//     credentials ("https://user:pass@x.example" is refused) and with a
//     port, if any, of at most 65535.
//
// These fields are optional: "" means not set and is not checked (a
// nationality, though, is never "").
//
// The codes are invalid_format (e-mails, dates, URLs), invalid_phone,
// invalid_country, too_long (e-mails and URLs over their limit) and
// out_of_range (a date in the future); each message says which rule the
// value breaks.
//
// # Inputs
//
// [CompanyInput] and [IndividualInput] describe an entity to create; they
// are the bodies of the Dotfile API's create calls, including the
// relations of the new entity ([Link]) and an optional case_id. Decoded
// with encoding/json they refuse unknown members and report every problem
// (wrong JSON types, unparsable percentages) at once as a
// *validation.Error, with paths such as "relations[0].ownership_percentage".
//
// [CompanyUpdate] and [IndividualUpdate] are partial updates built from
// patch.Field: an absent member leaves its field alone, null clears it, a
// value sets it. The rules between fields are checked on the result, so the
// result is always a valid entity:
//
//	var u entity.IndividualUpdate
//	_ = json.Unmarshal([]byte(`{"email":null}`), &u)
//	_, err := tony.Update(u, now) // refused: a business contact needs an e-mail
//
// [NewCompany], [NewIndividual], [Company.Update] and [Individual.Update]
// validate everything they are given and return one *validation.Error
// listing every problem. They take the time as a parameter (created_at,
// updated_at, and refusing a birth or registration date in the future).
//
// # What lives elsewhere
//
// Rules that span several objects of a case (one main company, relations,
// the no-orphan rule, stakes) belong to package relation, whose operations
// take these inputs and also apply their custom properties against the
// workspace's definitions (package customprop). Total ownership is computed
// by package ownership.
package entity
