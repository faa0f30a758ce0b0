package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The Standard Webhooks headers.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// DefaultTolerance is how far a webhook-timestamp may be from the
// receiver's clock before Verify refuses the body as a possible replay.
const DefaultTolerance = 5 * time.Minute

// Errors of Verify.
var (
	// ErrMissingHeaders: webhook-id, webhook-timestamp or webhook-signature
	// is absent or empty.
	ErrMissingHeaders = errors.New("webhook: missing webhook-id, webhook-timestamp or webhook-signature")
	// ErrBadTimestamp: webhook-timestamp is not Unix seconds.
	ErrBadTimestamp = errors.New("webhook: webhook-timestamp is not a Unix time in seconds")
	// ErrOutsideTolerance: the timestamp is too old or too far in the
	// future (a replay, or a clock far off).
	ErrOutsideTolerance = errors.New("webhook: timestamp outside the tolerance window")
	// ErrNoMatchingSignature: no v1 signature matches any of the secrets.
	ErrNoMatchingSignature = errors.New("webhook: no matching signature")
)

// signature is the v1 signature of one message under one secret: base64
// of HMAC-SHA256(secret, id + "." + timestamp + "." + body).
func signature(secret []byte, id string, ts int64, body []byte) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(id))
	mac.Write([]byte{'.'})
	mac.Write([]byte(strconv.FormatInt(ts, 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	sum := mac.Sum(nil)
	out := make([]byte, base64.StdEncoding.EncodedLen(len(sum)))
	base64.StdEncoding.Encode(out, sum)
	return out
}

// Sign returns the webhook-signature header of a message: one
// "v1,<signature>" per secret, separated by spaces, so that a receiver that
// knows any one of the secrets (during a rotation) can verify it.
func Sign(secrets [][]byte, id string, timestamp time.Time, body []byte) string {
	ts := timestamp.Unix()
	parts := make([]string, 0, len(secrets))
	for _, s := range secrets {
		parts = append(parts, "v1,"+string(signature(s, id, ts, body)))
	}
	return strings.Join(parts, " ")
}

// SetHeaders sets the three Standard Webhooks headers of a message on h.
func SetHeaders(h http.Header, secrets [][]byte, id string, timestamp time.Time, body []byte) {
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, strconv.FormatInt(timestamp.Unix(), 10))
	h.Set(HeaderSignature, Sign(secrets, id, timestamp, body))
}

// Verify checks a received webhook, for receivers: the headers are
// present, the timestamp is within tolerance of now (DefaultTolerance when
// tolerance <= 0), and one of the v1 signatures matches one of secrets
// (compared in constant time). It returns nil or one of the errors above.
func Verify(secrets [][]byte, h http.Header, body []byte, tolerance time.Duration, now time.Time) error {
	id, tsText, sigs := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if id == "" || tsText == "" || sigs == "" {
		return ErrMissingHeaders
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return ErrBadTimestamp
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	at := time.Unix(ts, 0)
	if at.Before(now.Add(-tolerance)) || at.After(now.Add(tolerance)) {
		return ErrOutsideTolerance
	}
	for _, secret := range secrets {
		want := signature(secret, id, ts, body)
		for _, part := range strings.Fields(sigs) {
			version, sig, ok := strings.Cut(part, ",")
			if ok && version == "v1" && hmac.Equal([]byte(sig), want) {
				return nil
			}
		}
	}
	return ErrNoMatchingSignature
}
