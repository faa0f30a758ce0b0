// Package entity defines the companies and individuals of a KYC/KYB case:
// their fields, how each is validated, and the inputs that create and
// partially update them.
//
// # Values
//
// [Company] and [Individual] are plain values with snake_case JSON (the wire
// shape of the reference API) that round-trips losslessly; Clone returns a
// deep copy. Optional text fields are "" when not set and left out of the
// JSON. Dates are "yyyy-MM-dd" strings of real calendar dates ([IsDate]),
// countries upper-case ISO 3166-1 alpha-2 codes ([IsCountry]), phone numbers
// E.164 ([IsPhoneNumber]), e-mails as the HTML standard defines them
// ([IsEmail]) and web sites absolute http(s) URLs ([IsWebURL]).
//
// Percentages are a [Percentage]: an exact decimal from 0 to 100 with at
// most two decimals, or unknown (the zero value, JSON null). Unknown is never
// 0. No float64 is involved anywhere, in Go or on the wire.
//
// # Inputs
//
// [CompanyInput] and [IndividualInput] describe an entity to create; they
// are the bodies of the reference API's create calls, including the
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
