package dossierhttp_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/dossierhttp"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/storage/memory"
)

// BenchmarkGetCase compares a GET of a case over loopback HTTP (a real
// net/http client and server, keep-alive) with a direct GetCase plus
// json.Marshal of the case, in the same run, alternating the two. It
// reports the ratio of the medians (x-http/direct) and of the means.
func BenchmarkGetCase(b *testing.B) {
	ctx := context.Background()
	w, err := dossier.New(memory.New(), testSettings())
	if err != nil {
		b.Fatal(err)
	}
	c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Acme Ltd", ExternalID: "crm-1"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Acme", Country: "GB"}); err != nil {
		b.Fatal(err)
	}
	if _, err := w.AddIndividual(ctx, c.ID, entity.IndividualInput{FirstName: "Ada", LastName: "Lovelace"}); err != nil {
		b.Fatal(err)
	}
	h, err := dossierhttp.New(w, dossierhttp.WithoutAuthentication())
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := srv.Client()
	url := srv.URL + "/v1/cases/" + c.ID
	// The floor: the same body served by a handler that only writes it.
	resp, err := client.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fixed := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		rw.Header().Set("Content-Type", "application/json")
		_, _ = rw.Write(body)
	}))
	defer fixed.Close()
	direct := make([]time.Duration, 0, b.N)
	viaHTTP := make([]time.Duration, 0, b.N)
	floor := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		got, err := w.GetCase(ctx, c.ID)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(got); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		resp, err = client.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
		t2 := time.Now()
		resp, err = fixed.Client().Get(fixed.URL)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		t3 := time.Now()
		direct = append(direct, t1.Sub(t0))
		viaHTTP = append(viaHTTP, t2.Sub(t1))
		floor = append(floor, t3.Sub(t2))
	}
	b.StopTimer()
	med := func(d []time.Duration) time.Duration { s := slices.Clone(d); slices.Sort(s); return s[len(s)/2] }
	sum := func(d []time.Duration) (t time.Duration) {
		for _, x := range d {
			t += x
		}
		return t
	}
	b.ReportMetric(float64(med(viaHTTP))/float64(med(direct)), "x-http/direct")
	b.ReportMetric(float64(sum(viaHTTP))/float64(sum(direct)), "x-http/direct(mean)")
	b.ReportMetric(float64(med(floor))/float64(med(direct)), "x-floor/direct")
	b.ReportMetric(float64(med(direct).Nanoseconds()), "ns-direct")
	b.ReportMetric(float64(med(viaHTTP).Nanoseconds()), "ns-http")
}
