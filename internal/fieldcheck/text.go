package fieldcheck

import (
	"unicode"
)

// Text checks display text that people read and compare: case names and
// the names and free-text fields of companies and individuals. It refuses
// ([TextInvisible]) every character that shows nothing or changes how the
// rest shows:
//
//   - control characters (C0, DEL, C1: "\n", "\t", U+0085, ...);
//   - format characters (Unicode category Cf): zero-width space U+200B,
//     word joiner U+2060, byte order mark U+FEFF, soft hyphen U+00AD, the
//     bidirectional marks, embeddings, overrides and isolates (U+200E,
//     U+200F, U+202A..U+202E, U+2066..U+2069, U+061C), tag characters;
//   - the line and paragraph separators U+2028 and U+2029.
//
// "Acme\u202eLtd" would display reversed and "Acme\u200bLtd" looks the same
// as "AcmeLtd" while being another name. The zero-width non-joiner and
// joiner (U+200C, U+200D) are allowed: Persian and Indic scripts need them
// to spell names correctly. Letters of every script stay allowed. Invalid
// UTF-8 is the caller's to report.
func Text(s string) Problem {
	for _, c := range s {
		if invisible(c) {
			return Problem{Kind: TextInvisible, N: int(c)}
		}
	}
	return Problem{}
}

func invisible(c rune) bool {
	if c < 0x80 {
		return c < 0x20 || c == 0x7f
	}
	if c == '\u200c' || c == '\u200d' {
		return false
	}
	return unicode.IsControl(c) || unicode.In(c, unicode.Cf, unicode.Zl, unicode.Zp)
}
