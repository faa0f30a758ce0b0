package customprop

import (
	"github.com/biter777/countries"

	"github.com/dossierkit/dossier/internal/fieldcheck"
)

// The ISO 4217 table is built once, at package initialisation, from
// biter777/countries, and never changes afterwards. Lookups are an array
// index: no allocation, no locking. Country codes are those of package
// fieldcheck, shared with package entity.

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
// exists, or countries.Unknown (see fieldcheck.Country).
func countryCode(s string) countries.CountryCode { return fieldcheck.CountryCode(s) }

// currencyExists reports whether s is an upper-case ISO 4217 alphabetic code
// known to biter777/countries.
func currencyExists(s string) bool {
	if len(s) != 3 || !isUpper(s[0]) || !isUpper(s[1]) || !isUpper(s[2]) {
		return false
	}
	return currencyTable[(int(s[0]-'A')*26+int(s[1]-'A'))*26+int(s[2]-'A')]
}
