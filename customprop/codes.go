package customprop

import "github.com/biter777/countries"

// The ISO tables are built once, at package initialisation, from
// biter777/countries, and never change afterwards. Lookups are an array
// index: no allocation, no locking.

// withdrawnCountries are codes biter777/countries still lists but ISO 3166-1
// has withdrawn; a value must name a country that exists today.
var withdrawnCountries = map[string]bool{
	"AN": true, // Netherlands Antilles, dissolved in 2010
	"YU": true, // Yugoslavia, withdrawn in 2003
}

var alpha2Table = func() (t [26 * 26]countries.CountryCode) {
	for _, c := range countries.All() {
		a := c.Alpha2()
		if len(a) != 2 || !isUpper(a[0]) || !isUpper(a[1]) || withdrawnCountries[a] {
			continue
		}
		t[int(a[0]-'A')*26+int(a[1]-'A')] = c
	}
	return t
}()

var currencyTable = func() (t [26 * 26 * 26]bool) {
	for _, c := range countries.AllCurrencies() {
		a := c.Alpha()
		if len(a) != 3 || !isUpper(a[0]) || !isUpper(a[1]) || !isUpper(a[2]) {
			continue
		}
		t[(int(a[0]-'A')*26+int(a[1]-'A'))*26+int(a[2]-'A')] = true
	}
	return t
}()

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// countryCode returns the country of an upper-case alpha-2 code that
// exists, or countries.Unknown.
func countryCode(s string) countries.CountryCode {
	if len(s) != 2 || !isUpper(s[0]) || !isUpper(s[1]) {
		return countries.Unknown
	}
	return alpha2Table[int(s[0]-'A')*26+int(s[1]-'A')]
}

// countryExists reports whether s is an upper-case ISO 3166-1 alpha-2 code
// of an existing country.
func countryExists(s string) bool { return countryCode(s) != countries.Unknown }

// currencyExists reports whether s is an upper-case ISO 4217 alphabetic code
// known to biter777/countries.
func currencyExists(s string) bool {
	if len(s) != 3 || !isUpper(s[0]) || !isUpper(s[1]) || !isUpper(s[2]) {
		return false
	}
	return currencyTable[(int(s[0]-'A')*26+int(s[1]-'A'))*26+int(s[2]-'A')]
}
