package dossierhttp_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/dossierhttp"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage/memory"
)

func Example() {
	w, err := dossier.New(memory.New(), dossier.Settings{})
	if err != nil {
		panic(err)
	}
	h, err := dossierhttp.New(w, dossierhttp.WithAuthenticator(
		dossierhttp.BearerToken("s3cret", event.Actor{Type: event.ActorAPI, ID: "crm-sync"})))
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	post := func(token, body string) {
		req, _ := http.NewRequest("POST", srv.URL+"/v1/cases", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 400 {
			fmt.Print(resp.StatusCode, " ", string(data))
			return
		}
		fmt.Println(resp.StatusCode, resp.Header.Get("ETag"))
	}
	post("s3cret", `{"name": "Acme Ltd", "external_id": "crm-42"}`)
	post("s3cret", `{"name": "Acme Ltd", "template_id": "onboarding"}`)
	post("wrong", `{"name": "Acme Ltd"}`)
	// Output:
	// 201 "1"
	// 400 {"status_code":400,"code":"invalid_input","message":"the input is invalid; see problems","problems":[{"path":"template_id","code":"unknown_field","message":"unknown field \"template_id\""}]}
	// 401 {"status_code":401,"code":"unauthenticated","message":"missing or invalid credentials","problems":[]}
}
