package fieldcheck_test

import (
	"fmt"

	"github.com/dossierkit/dossier/internal/fieldcheck"
)

// A caller maps each Kind to its own code and wording, and may append the
// Detail.
func ExampleEmail() {
	for _, s := range []string{"contact@dotfile.com", "a@b", "Alice <a@example.com>", ".alice@example.com"} {
		if p := fieldcheck.Email(s); !p.OK() {
			fmt.Printf("%q refused (%v): %s\n", s, p.Kind, p.Detail())
			continue
		}
		fmt.Printf("%q accepted\n", s)
	}
	// Output:
	// "contact@dotfile.com" accepted
	// "a@b" refused (email_domain): the domain must be a host name of at least two labels, such as example.com
	// "Alice <a@example.com>" refused (email_syntax): it must be a bare address like name@example.com (no display name, angle brackets, comments, quotes or misplaced dots)
	// ".alice@example.com" refused (email_syntax): it must be a bare address like name@example.com (no display name, angle brackets, comments, quotes or misplaced dots)
}

func ExampleParseDate() {
	for _, s := range []string{"2024-02-29", "2023-02-29", "0000-01-01", "2023-1-05"} {
		y, m, d, p := fieldcheck.ParseDate(s)
		if !p.OK() {
			fmt.Printf("%s: %s\n", s, p.Detail())
			continue
		}
		fmt.Printf("%s: year %d, month %d, day %d\n", s, y, m, d)
	}
	// Output:
	// 2024-02-29: year 2024, month 2, day 29
	// 2023-02-29: 2023-02 has 28 days
	// 0000-01-01: the year must be between 0001 and 9999
	// 2023-1-05: the form is yyyy-MM-dd (e.g. 2023-01-31)
}

func ExamplePhone() {
	for _, s := range []string{"+33654489875", "+330654489875", "+33 6 54 48 98 75", "+99912345678"} {
		if p := fieldcheck.Phone(s); !p.OK() {
			fmt.Printf("%-18s %-19v %s\n", s, p.Kind, p.Detail())
		} else {
			fmt.Printf("%-18s %v\n", s, p.Kind)
		}
	}
	// Output:
	// +33654489875       none
	// +330654489875      phone_not_canonical its canonical E.164 form is +33654489875
	// +33 6 54 48 98 75  phone_format        E.164 is "+", the country code and the number, digits only (e.g. +33654489875)
	// +99912345678       phone_invalid       the number is not valid for its region
}

func ExampleCountry() {
	for _, s := range []string{"FR", "XK", "fr", "AN", "UK"} {
		if p := fieldcheck.Country(s); p.Kind == fieldcheck.CountryCase {
			fmt.Println(s, p.Kind, p.Arg)
		} else {
			fmt.Println(s, p.Kind)
		}
	}
	// Output:
	// FR none
	// XK none
	// fr country_case FR
	// AN country_unknown
	// UK country_unknown
}

func ExampleWebURL() {
	for _, s := range []string{"https://dotfile.com", "https://user:pass@example.com", "ftp://example.com", "https://example.com/é"} {
		fmt.Printf("%s: %v\n", s, fieldcheck.WebURL(s).Kind)
	}
	// Output:
	// https://dotfile.com: none
	// https://user:pass@example.com: url_user_info
	// ftp://example.com: url_scheme
	// https://example.com/é: url_char
}
