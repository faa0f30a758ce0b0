package fieldcheck

import "github.com/nyaruka/phonenumbers"

// Phone checks a phone number in E.164 form: "+" then 2 to 15 ASCII digits,
// the first not 0, and nothing else, no spaces or dashes ([PhoneFormat]);
// a number that nyaruka/phonenumbers finds valid for the region of its
// country code ([PhoneInvalid]); written exactly as its canonical E.164
// form, so that one number has one spelling ([PhoneNotCanonical]:
// "+330654489875" is refused, naming "+33654489875").
func Phone(s string) Problem {
	ok := len(s) >= 3 && len(s) <= 16 && s[0] == '+' && s[1] >= '1' && s[1] <= '9'
	for i := 2; ok && i < len(s); i++ {
		ok = isDigit(s[i])
	}
	if !ok {
		return Problem{Kind: PhoneFormat}
	}
	num, err := phonenumbers.Parse(s, "ZZ")
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return Problem{Kind: PhoneInvalid}
	}
	if f := phonenumbers.Format(num, phonenumbers.E164); f != s {
		return Problem{Kind: PhoneNotCanonical, Arg: f}
	}
	return Problem{}
}
