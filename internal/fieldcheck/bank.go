package fieldcheck

// ibanLengths is the length of an IBAN of each country of the SWIFT IBAN
// Registry (ISO 13616), release of 2024: the countries that publish an
// IBAN format, each with its one fixed length.
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
	"BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
	"DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
	"FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
	"GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
	"IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
	"LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20,
	"MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
	"PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
	"SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
	"SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}

// MaxIBANLength is the longest IBAN ISO 13616 allows.
const MaxIBANLength = 34

// IBAN checks s as an IBAN in its electronic form (ISO 13616): upper-case
// letters and digits only, no spaces; a country of the SWIFT IBAN Registry;
// that country's length; two check digits; and the ISO 7064 MOD 97-10
// check (the number formed by moving the first four characters to the end
// and replacing each letter by 10..35 leaves remainder 1 when divided by
// 97). The Problem never carries any part of s.
func IBAN(s string) Problem {
	if len(s) < 5 || len(s) > MaxIBANLength {
		return Problem{Kind: IBANLength}
	}
	for i := range len(s) {
		if !isUpper(s[i]) && !isDigit(s[i]) {
			return Problem{Kind: IBANFormat}
		}
	}
	if !isUpper(s[0]) || !isUpper(s[1]) || !isDigit(s[2]) || !isDigit(s[3]) {
		return Problem{Kind: IBANFormat}
	}
	want, ok := ibanLengths[s[:2]]
	if !ok {
		return Problem{Kind: IBANCountry}
	}
	if len(s) != want {
		return Problem{Kind: IBANLength, N: want}
	}
	rem := 0
	for i := range len(s) {
		c := s[(i+4)%len(s)]
		if isDigit(c) {
			rem = (rem*10 + int(c-'0')) % 97
		} else {
			rem = (rem*100 + int(c-'A') + 10) % 97
		}
	}
	if rem != 1 {
		return Problem{Kind: IBANChecksum}
	}
	return Problem{}
}

// BIC checks s as a business identifier code (ISO 9362): 8 or 11
// characters, upper case: a 4-letter party prefix (letters and digits
// since the 2022 edition), the ISO 3166-1 alpha-2 code of an existing
// country, a 2-character location (letters and digits) and an optional
// 3-character branch (letters and digits). The Problem never carries any
// part of s.
func BIC(s string) Problem {
	if len(s) != 8 && len(s) != 11 {
		return Problem{Kind: BICFormat}
	}
	for i := range len(s) {
		if !isUpper(s[i]) && !isDigit(s[i]) {
			return Problem{Kind: BICFormat}
		}
	}
	if !isUpper(s[4]) || !isUpper(s[5]) {
		return Problem{Kind: BICFormat}
	}
	if !Country(s[4:6]).OK() {
		return Problem{Kind: BICCountry}
	}
	return Problem{}
}
