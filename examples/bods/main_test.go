package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/dossierkit/dossier/bods"
)

// TestRun runs the example and reads back the package it prints: every
// company, individual and relation is a statement, Tony Stark's primary
// indirect relationship names his two component relationships, and the
// import finds him again as the beneficial owner with 33.33 %.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	end := strings.Index(text, "\n]\n")
	if end < 0 {
		t.Fatalf("no package in the output:\n%s", text)
	}
	var pkg []struct {
		RecordType    string          `json:"recordType"`
		RecordDetails json.RawMessage `json:"recordDetails"`
	}
	if err := json.Unmarshal([]byte(text[:end+2]), &pkg); err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, s := range pkg {
		types = append(types, s.RecordType)
	}
	if got := strings.Join(types, " "); got != "entity entity person person relationship relationship relationship relationship relationship" {
		t.Fatalf("statements: %s", got)
	}
	var primary bods.RelationshipRecord
	if err := json.Unmarshal(pkg[len(pkg)-1].RecordDetails, &primary); err != nil {
		t.Fatal(err)
	}
	if len(primary.ComponentRecords) != 2 || len(primary.Interests) != 2 || string(primary.Interests[0].Share.Exact) != "33.33" || !primary.Interests[0].BeneficialOwnershipOrControl {
		t.Fatalf("primary relationship %+v", primary)
	}
	for _, want := range []string{
		"imported: 0 statements skipped, 0 entities linked, 2 indirect shares checked, 0 disagreements\n",
		"beneficial owner: Tony Stark, ownership 33.33, voting rights 33.33\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}
