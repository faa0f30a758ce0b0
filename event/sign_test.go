package event_test

import (
	"testing"

	"github.com/dossierkit/dossier/event"
)

func TestSignVerify(t *testing.T) {
	secret, body := []byte("key"), []byte("The quick brown fox jumps over the lazy dog")
	// The published HMAC-SHA256 test value for this key and message.
	want := "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
	if got := event.Sign(secret, body); got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
	tests := []struct {
		name   string
		secret string
		body   string
		sig    string
		ok     bool
	}{
		{"valid", "key", string(body), want, true},
		{"other body", "key", string(body) + ".", want, false},
		{"other secret", "kez", string(body), want, false},
		{"no prefix", "key", string(body), want[7:], false},
		{"not hex", "key", string(body), "sha256=zz", false},
		{"empty", "key", string(body), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := event.Verify([]byte(tt.secret), []byte(tt.body), tt.sig); got != tt.ok {
				t.Fatalf("Verify = %v, want %v", got, tt.ok)
			}
		})
	}
}
