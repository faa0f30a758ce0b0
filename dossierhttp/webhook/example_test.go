package webhook_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/dossierkit/dossier/dossierhttp/webhook"
)

func ExampleVerify() {
	secrets := [][]byte{[]byte("old-secret"), []byte("new-secret")} // during a rotation
	body := []byte(`{"event":"Case.Created"}`)
	sent := time.Unix(1700000000, 0)
	h := http.Header{}
	webhook.SetHeaders(h, secrets, "evt_1", sent, body)

	// The receiver knows only the new secret.
	receiver := [][]byte{[]byte("new-secret")}
	fmt.Println(webhook.Verify(receiver, h, body, 0, sent.Add(time.Minute)))
	fmt.Println(webhook.Verify(receiver, h, body, 0, sent.Add(10*time.Minute)))
	fmt.Println(webhook.Verify(receiver, h, []byte(`{"event":"Case.Deleted"}`), 0, sent))
	// Output:
	// <nil>
	// webhook: timestamp outside the tolerance window
	// webhook: no matching signature
}
