package entity_test

import (
	"strings"
	"testing"

	"github.com/dossierkit/dossier/entity"
)

func TestIsCountry(t *testing.T) {
	tests := map[string]bool{
		"FR": true, "US": true, "GB": true, "DE": true, "XK": true,
		"fr": false, "Fr": false, "FRA": false, "F": false, "": false,
		"ZZ": false, "UK": false, "EU": false, "AN": false, "YU": false, "F1": false,
	}
	for code, want := range tests {
		if got := entity.IsCountry(code); got != want {
			t.Errorf("IsCountry(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestIsDate(t *testing.T) {
	tests := map[string]bool{
		"2024-02-29": true, "1970-01-01": true, "2023-12-31": true,
		"2023-02-29": false, "2023-04-31": false, "2023-13-01": false, "2023-00-10": false,
		"2023-1-05": false, "23-01-05": false, "2023-01-05T00:00:00Z": false,
		"2023/01/05": false, "": false, " 2023-01-05": false,
	}
	for s, want := range tests {
		if got := entity.IsDate(s); got != want {
			t.Errorf("IsDate(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestIsEmail(t *testing.T) {
	tests := map[string]bool{
		"tony@stark.example":      true,
		"a.b+c@sub.example.co.uk": true,
		"x@localhost":             true, // the HTML standard allows a dotless domain
		"":                        false,
		"tony":                    false,
		"tony@":                   false,
		"@stark.example":          false,
		"tony stark@x.example":    false,
		"tony@stark..example":     false,
		"tony@-stark.example":     false,
		"tony@stark.example.":     false,
		"tönÿ@stark.example":      false,
		strings.Repeat("a", 240) + "@example.com": false, // 252 characters
	}
	for s, want := range tests {
		if got := entity.IsEmail(s); got != want {
			t.Errorf("IsEmail(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestIsPhoneNumber(t *testing.T) {
	tests := map[string]bool{
		"+33654489875":      true,  // the seed's example
		"+14155552671":      true,  // US
		"+442079460958":     true,  // GB
		"33654489875":       false, // no +
		"+33 6 54 48 98 75": false,
		"+0654489875":       false,
		"+33123":            false, // too short for FR
		"+999123456789":     false, // no such country code
		"+336544898751234":  false, // 15 digits, invalid
		"":                  false,
	}
	for s, want := range tests {
		if got := entity.IsPhoneNumber(s); got != want {
			t.Errorf("IsPhoneNumber(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestIsWebURL(t *testing.T) {
	tests := map[string]bool{
		"https://stark.example":          true,
		"http://stark.example/about?x=1": true,
		"HTTPS://stark.example":          true,
		"https://127.0.0.1:8080/":        true,
		"stark.example":                  false,
		"ftp://stark.example":            false,
		"https://":                       false,
		"https:///path":                  false,
		"mailto:tony@stark.example":      false,
		"https://stark .example":         false,
		"javascript:alert(1)":            false,
		"https://stark.example/" + strings.Repeat("a", 2000): false,
	}
	for s, want := range tests {
		if got := entity.IsWebURL(s); got != want {
			t.Errorf("IsWebURL(%.40q) = %v, want %v", s, got, want)
		}
	}
}
