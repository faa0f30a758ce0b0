// Package webhook sends dossier's events to HTTP endpoints as the webhooks
// of the Dotfile API, and verifies them on the receiving side.
//
// # The body
//
// Envelope builds {event, sub_event, context, case|company|individual|check}:
// context holds timestamp (Unix seconds), event_id (the event's id, the same
// on every retry, so a receiver de-duplicates by it), retry_count (0 on the
// first attempt), remaining_retry_count and workspace {id, name}. The object
// is the event's payload completed as the API answers it. Event names follow
// the API: Case.Updated carries a sub_event (Case.StatusUpdated,
// Case.RiskUpdated, ...), while a review change is the event
// Case.ReviewUpdated, with no sub_event.
//
// # Signatures
//
// Messages are signed in the Standard Webhooks scheme: headers webhook-id
// (the event id), webhook-timestamp (Unix seconds of the attempt) and
// webhook-signature, "v1,<base64 of HMAC-SHA256(secret, id.timestamp.body)>"
// once per active secret, separated by spaces, so that a secret can be
// rotated without a gap. Verify checks a received message against the
// receiver's secrets in constant time and refuses a timestamp outside a
// tolerance window (5 minutes by default) so that a captured message cannot
// be replayed later. Secrets are raw bytes: a host using "whsec_" secrets
// decodes their base64 part first.
//
// # Delivery
//
// A Worker takes the events of the Workspace's outbox in commit order
// (Workspace.Drain) and posts each to every endpoint that wants it. An
// answer 2xx delivers; anything else (another status, a timeout, a refused
// connection) is retried after BaseDelay, then twice that, and so on up to
// MaxDelay, MaxRetries times (4 by default, as the Dotfile API); after the
// last retry the delivery is dead and listed by DeadLetters. Every attempt
// is logged (Attempts): endpoint, event, retry number, time, duration,
// status and the first ExcerptBytes of the answer.
//
// The outbox is acknowledged once every endpoint has had its first attempt;
// the retries after that are held in memory by the Worker, so a process
// that stops loses the retries it had not yet made.
package webhook
