package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestParseRefusesToStartWithoutAuthentication(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		ok   bool
	}{
		{"no token", nil, nil, false},
		{"token", nil, map[string]string{"DOSSIER_TOKEN": "t"}, true},
		{"explicit no auth", []string{"-no-auth"}, nil, true},
		{"both", []string{"-no-auth"}, map[string]string{"DOSSIER_TOKEN": "t"}, false},
		{"stray argument", []string{"serve"}, map[string]string{"DOSSIER_TOKEN": "t"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(tt.args, env(tt.env), io.Discard)
			if (err == nil) != tt.ok {
				t.Errorf("parse: %v", err)
			}
		})
	}
}

func TestServeAndShutDown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	dir := t.TempDir()
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-data", dir}, env(map[string]string{"DOSSIER_TOKEN": "s3cret"}), io.Discard, ready)
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("run: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not start")
	}
	post := func(token string) int {
		req, _ := http.NewRequest("POST", "http://"+addr+"/v1/cases", strings.NewReader(`{"name":"Acme"}`))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := post("wrong"); s != 401 {
		t.Errorf("wrong token: %d", s)
	}
	if s := post("s3cret"); s != 201 {
		t.Errorf("right token: %d", s)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("shutdown: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not stop")
	}
}
