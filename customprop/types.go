package customprop

// Target is the kind of object a custom property is defined on. Its wire
// name is the definition's "target_entity".
type Target string

// The targets a definition may apply to.
const (
	TargetCase       Target = "case"
	TargetCompany    Target = "company"
	TargetIndividual Target = "individual"
)

// Targets returns every valid target, in wire order.
func Targets() []Target { return []Target{TargetCase, TargetCompany, TargetIndividual} }

// Valid reports whether t is one of the defined targets.
func (t Target) Valid() bool {
	switch t {
	case TargetCase, TargetCompany, TargetIndividual:
		return true
	}
	return false
}

// Type is the type of a custom property; it decides which JSON values the
// property accepts (see the package documentation for the exact rules).
type Type string

// The nine property types, by wire name.
const (
	TypeBoolean     Type = "boolean"      // Yes/No: a JSON true or false
	TypeChoices     Type = "choices"      // an array of option keys
	TypeCountries   Type = "countries"    // an array of ISO 3166-1 alpha-2 codes
	TypeDate        Type = "date"         // a calendar date "yyyy-MM-dd"
	TypeEmail       Type = "email"        // an e-mail address
	TypeNumeric     Type = "numeric"      // a decimal number
	TypePhoneNumber Type = "phone_number" // an E.164 phone number
	TypeText        Type = "text"         // a single- or multi-line string
	TypeURL         Type = "url"          // an absolute http(s) URL
)

// Types returns every valid type, in alphabetical wire order.
func Types() []Type {
	return []Type{TypeBoolean, TypeChoices, TypeCountries, TypeDate, TypeEmail,
		TypeNumeric, TypePhoneNumber, TypeText, TypeURL}
}

// Valid reports whether t is one of the nine types.
func (t Type) Valid() bool {
	switch t {
	case TypeBoolean, TypeChoices, TypeCountries, TypeDate, TypeEmail,
		TypeNumeric, TypePhoneNumber, TypeText, TypeURL:
		return true
	}
	return false
}

// Format is how a numeric property is displayed. It never changes the value
// nor its bounds: a percent property holding 12.5 means 12.5 %.
type Format string

// The numeric formats. The empty Format is read as [FormatNumber].
const (
	FormatNumber   Format = "number"
	FormatPercent  Format = "percent"
	FormatCurrency Format = "currency"
)

// Valid reports whether f is one of the formats (the empty Format is valid
// and means [FormatNumber]).
func (f Format) Valid() bool {
	switch f {
	case "", FormatNumber, FormatPercent, FormatCurrency:
		return true
	}
	return false
}

// Limits of the values, from the product specification. They are part of the
// contract: a value at the limit is accepted, one past it is refused.
const (
	// MaxSafeInteger bounds every numeric value and every min/max:
	// -MaxSafeInteger <= v <= MaxSafeInteger (2^53-1, the largest integer
	// a JSON consumer using IEEE doubles reads exactly).
	MaxSafeInteger = 9007199254740991
	// MaxFractionDigits is the largest number of digits after the decimal
	// point of a numeric value once trailing zeros are dropped. With at most
	// 16 integer digits, every value fits a SQL NUMERIC(36,20).
	MaxFractionDigits = 20
	// MaxTextLength is the maximum length, in characters (Unicode code
	// points), of a single-line text value.
	MaxTextLength = 250
	// MaxMultiLineTextLength is the maximum length, in characters, of a
	// multi-line text value.
	MaxMultiLineTextLength = 1500
	// MaxEmailLength is the maximum length, in characters, of an e-mail.
	MaxEmailLength = 250
	// MaxURLLength is the maximum length, in characters, of a URL.
	MaxURLLength = 2000
	// MaxKeyLength is the maximum length of a property key or option key.
	MaxKeyLength = 100
	// MaxLabelLength is the maximum length, in characters, of a label.
	MaxLabelLength = 250
)
