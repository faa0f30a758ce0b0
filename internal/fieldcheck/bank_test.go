package fieldcheck_test

import (
	"strings"
	"testing"

	"github.com/dossierkit/dossier/internal/fieldcheck"
)

// TestIBAN checks the examples of the SWIFT IBAN Registry (accepted) and
// single changes of them (refused).
func TestIBAN(t *testing.T) {
	tests := []struct {
		in   string
		want fieldcheck.Kind
	}{
		{"GB29NWBK60161331926819", fieldcheck.None},
		{"DE89370400440532013000", fieldcheck.None},
		{"FR1420041010050500013M02606", fieldcheck.None},
		{"BE68539007547034", fieldcheck.None},
		{"NO9386011117947", fieldcheck.None},
		{"MT84MALT011000012345MTLCAST001S", fieldcheck.None},
		{"CH9300762011623852957", fieldcheck.None},
		{"AD1200012030200359100100", fieldcheck.None},
		{"AE070331234567890123456", fieldcheck.None},
		{"AZ21NABZ00000000137010001944", fieldcheck.None},
		{"GB28NWBK60161331926819", fieldcheck.IBANChecksum},         // check digits changed
		{"GB29NWBK60161331926818", fieldcheck.IBANChecksum},         // last digit changed
		{"GB29NWBK61061331926819", fieldcheck.IBANChecksum},         // two digits swapped
		{"GB29NWBK6016133192681", fieldcheck.IBANLength},            // one short
		{"DE893704004405320130000", fieldcheck.IBANLength},          // one long
		{"gb29nwbk60161331926819", fieldcheck.IBANFormat},           // lower case
		{"GB29 NWBK 6016 1331 9268 19", fieldcheck.IBANFormat},      // print form
		{"GBX9NWBK60161331926819", fieldcheck.IBANFormat},           // letter in check digits
		{"US29NWBK60161331926819", fieldcheck.IBANCountry},          // no IBAN in the US
		{"", fieldcheck.IBANLength},                                 // empty
		{strings.Repeat("1", 35), fieldcheck.IBANLength},            // over 34
		{"GB29NWBK60161331926819\u00a0", fieldcheck.IBANFormat},     // trailing no-break space, 24 bytes
		{"GB29NWBK6016133192681\u0660", fieldcheck.IBANFormat},      // Arabic-Indic digit, 23 bytes
		{"DE8937040044053201300\u00e9", fieldcheck.IBANFormat},      // é
		{"FR1420041010050500013M0260\u0661", fieldcheck.IBANFormat}, // Arabic-Indic digit
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p := fieldcheck.IBAN(tt.in)
			if p.Kind != tt.want {
				t.Fatalf("IBAN(%q) = %v, want %v", tt.in, p.Kind, tt.want)
			}
			if tt.in != "" && strings.Contains(p.Detail(), tt.in[min(4, len(tt.in)):]) {
				t.Fatalf("the detail repeats the value: %s", p.Detail())
			}
		})
	}
}

// TestBIC checks published BICs (accepted) and malformed ones (refused).
func TestBIC(t *testing.T) {
	tests := []struct {
		in   string
		want fieldcheck.Kind
	}{
		{"DEUTDEFF", fieldcheck.None},
		{"DEUTDEFF500", fieldcheck.None},
		{"NEDSZAJJXXX", fieldcheck.None},
		{"BNPAFRPPXXX", fieldcheck.None},
		{"1BCDFRPP", fieldcheck.None}, // digits in the party prefix (ISO 9362:2022)
		{"DEUTDEF", fieldcheck.BICFormat},
		{"DEUTDEFF50", fieldcheck.BICFormat},
		{"DEUTDEFF5000", fieldcheck.BICFormat},
		{"deutdeff", fieldcheck.BICFormat},
		{"DEUT1EFF", fieldcheck.BICFormat},
		{"DEUT DEFF", fieldcheck.BICFormat},
		{"DEUTZZFF", fieldcheck.BICCountry},
		{"DEUTUKFF", fieldcheck.BICCountry},
		{"", fieldcheck.BICFormat},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if p := fieldcheck.BIC(tt.in); p.Kind != tt.want {
				t.Fatalf("BIC(%q) = %v, want %v", tt.in, p.Kind, tt.want)
			}
		})
	}
}

// FuzzIBAN: IBAN never panics, and an accepted IBAN is upper-case ASCII
// letters and digits that still pass with any one character changed to
// another only when the check digits allow (never with the country code
// changed to lower case).
func FuzzIBAN(f *testing.F) {
	for _, s := range []string{"GB29NWBK60161331926819", "DE89370400440532013000", "", "XX00", "NO9386011117947"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := fieldcheck.IBAN(s)
		_ = p.Detail()
		if !p.OK() {
			return
		}
		for i := range len(s) {
			c := s[i]
			if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
				t.Fatalf("accepted %q with byte %q", s, c)
			}
		}
		if fieldcheck.IBAN(strings.ToLower(s[:2]) + s[2:]).OK() {
			t.Fatalf("accepted a lower-case country code in %q", s)
		}
		_ = fieldcheck.BIC(s)
	})
}
