package fieldcheck

// Date checks a calendar date written exactly "yyyy-MM-dd" (ASCII digits,
// zero-padded, no time, no zone): a day of the proleptic Gregorian
// calendar from 0001-01-01 to 9999-12-31. "2024-02-29" is accepted,
// "2023-02-29" is refused as [DateDay], "2023-1-05" as [DateFormat].
// Whether a date may lie in the future is the caller's rule.
func Date(s string) Problem {
	_, _, _, p := ParseDate(s)
	return p
}

// ParseDate checks s as [Date] does and returns its year, month and day.
// They are set whenever s has the shape yyyy-MM-dd, even when p reports
// that they do not make a date; they are zero with [DateFormat].
func ParseDate(s string) (y, m, d int, p Problem) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, Problem{Kind: DateFormat}
	}
	for i := 0; i < 10; i++ {
		if i != 4 && i != 7 && !isDigit(s[i]) {
			return 0, 0, 0, Problem{Kind: DateFormat}
		}
	}
	y = int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
	m = int(s[5]-'0')*10 + int(s[6]-'0')
	d = int(s[8]-'0')*10 + int(s[9]-'0')
	switch {
	case y == 0:
		p = Problem{Kind: DateYear}
	case m < 1 || m > 12:
		p = Problem{Kind: DateMonth}
	case d < 1 || d > DaysIn(y, m):
		p = Problem{Kind: DateDay, N: DaysIn(y, m), Arg: s[:7]}
	}
	return y, m, d, p
}

// DaysIn returns the number of days of month m (1 to 12) of year y in the
// proleptic Gregorian calendar.
func DaysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
