package fieldcheck

import (
	"strings"

	"github.com/biter777/countries"
)

// withdrawnCountries are codes biter777/countries still lists but ISO 3166-1
// has withdrawn; a value must name a country that exists today.
var withdrawnCountries = map[string]bool{
	"AN": true, // Netherlands Antilles, dissolved in 2010
	"YU": true, // Yugoslavia, withdrawn in 2003
}

// alpha2Table maps every upper-case alpha-2 code to its country, or to
// countries.Unknown. It is built once, at package initialisation, and never
// changes afterwards: a lookup is an array index, with no allocation and no
// locking.
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

// countryCount is the number of codes Country accepts.
var countryCount = func() int {
	n := 0
	for _, c := range alpha2Table {
		if c != countries.Unknown {
			n++
		}
	}
	return n
}()

// CountryCount returns the number of codes [Country] accepts, so the
// length of the longest list of distinct country codes.
func CountryCount() int { return countryCount }

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// CountryCode returns the country of s when s is the upper-case ISO 3166-1
// alpha-2 code of an existing country (see [Country]), else
// countries.Unknown.
func CountryCode(s string) countries.CountryCode {
	if len(s) != 2 || !isUpper(s[0]) || !isUpper(s[1]) {
		return countries.Unknown
	}
	return alpha2Table[int(s[0]-'A')*26+int(s[1]-'A')]
}

// Country checks an ISO 3166-1 alpha-2 country code: two upper-case ASCII
// letters naming a country of biter777/countries. XK (Kosovo, a
// user-assigned code used by the EU and by banks) is accepted; the
// withdrawn AN (Netherlands Antilles) and YU (Yugoslavia) are not. A
// lower- or mixed-case spelling of an existing code ("fr") is refused as
// [CountryCase], naming the upper-case code; anything else as
// [CountryUnknown].
func Country(s string) Problem {
	if CountryCode(s) != countries.Unknown {
		return Problem{}
	}
	if up := strings.ToUpper(s); up != s && CountryCode(up) != countries.Unknown {
		return Problem{Kind: CountryCase, Arg: up}
	}
	return Problem{Kind: CountryUnknown}
}
