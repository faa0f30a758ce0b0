package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRun runs the example into a temporary directory and checks both
// drawings: every entity is a node with its totals (worked out by hand:
// the holding owns 100 % of the main company, Tony 33.33 % of the
// holding, Pepper a declared 0 % of the holding and an unknown stake in a
// main company whose known stakes already make 100 %, so 0), and every
// relation an edge.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	var stdout bytes.Buffer
	if err := run(context.Background(), dir, &stdout); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"  Tony Stark     ownership   33.33  voting rights   33.33\n",
		"  Pepper Potts   ownership    0.00  voting rights    0.00\n",
		"  (undeclared)   ownership   66.67\n",
		"Beneficial owners (>= 25 %):\n  Tony Stark: yes (met: ownership, voting_rights)\n\n",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}

	files := map[string][]string{
		"ownership.mmd": {
			"flowchart TB\n",
			`    n0[["Stark Industries<br/>main company"]]` + "\n",
			`    n1["Stark Holding<br/>total ownership: 100.00%<br/>total voting rights: 100.00%"]` + "\n",
			`    n2(["Tony Stark<br/>total ownership: 33.33%<br/>total voting rights: 33.33%<br/>beneficial owner: ownership, voting rights"])` + "\n",
			`    n3(["Pepper Potts<br/>total ownership: 0.00%<br/>total voting rights: 0.00%"])` + "\n",
			`    n1 -->|"shareholder<br/>ownership: 100.00%<br/>voting rights: 100.00%"| n0` + "\n",
			`    n2 -->|"shareholder<br/>position: CEO<br/>ownership: 33.33%<br/>voting rights: 33.33%"| n1` + "\n",
			`    n3 -.->|"legal representative<br/>position: Managing Director<br/>ownership: unknown<br/>voting rights: unknown"| n0` + "\n",
			`    n3 -.->|"legal representative<br/>position: Director<br/>ownership: 0.00%<br/>voting rights: 0.00%"| n1` + "\n",
			"    class n2 owner\n",
		},
		"ownership.dot": {
			"digraph ownership {\n",
			`    n0 [label="Stark Industries\nmain company", shape=box, peripheries=2, fillcolor="#dbeafe"];` + "\n",
			`    n1 [label="Stark Holding\ntotal ownership: 100.00%\ntotal voting rights: 100.00%", shape=box, fillcolor="#f1f5f9"];` + "\n",
			`    n2 [label="Tony Stark\ntotal ownership: 33.33%\ntotal voting rights: 33.33%\nbeneficial owner: ownership, voting rights", shape=ellipse, fillcolor="#fde68a", color="#b45309", penwidth=2];` + "\n",
			`    n3 [label="Pepper Potts\ntotal ownership: 0.00%\ntotal voting rights: 0.00%", shape=ellipse, fillcolor="#ffffff"];` + "\n",
			`    n1 -> n0 [label="shareholder\nownership: 100.00%\nvoting rights: 100.00%"];` + "\n",
			`    n2 -> n1 [label="shareholder\nposition: CEO\nownership: 33.33%\nvoting rights: 33.33%"];` + "\n",
			`    n3 -> n0 [label="legal representative\nposition: Managing Director\nownership: unknown\nvoting rights: unknown", style=dashed];` + "\n",
			`    n3 -> n1 [label="legal representative\nposition: Director\nownership: 0.00%\nvoting rights: 0.00%", style=dashed];` + "\n",
			"}\n",
		},
	}
	for name, wants := range files {
		path := filepath.Join(dir, name)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		for _, want := range wants {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q:\n%s", name, want, text)
			}
		}
		if !strings.Contains(stdout.String(), path+":\n"+text) {
			t.Errorf("%s is not printed as written", name)
		}
		if n := strings.Count(text, "n4"); n != 0 {
			t.Errorf("%s has a fifth node:\n%s", name, text)
		}
	}

	// Graphviz, when installed, must accept the DOT file.
	if dot, err := exec.LookPath("dot"); err == nil {
		if out, err := exec.Command(dot, "-Tsvg", filepath.Join(dir, "ownership.dot")).CombinedOutput(); err != nil || !bytes.Contains(out, []byte("Tony Stark")) {
			t.Errorf("dot -Tsvg: %v\n%s", err, out)
		}
	}
}

// TestPlainRunWritesNothing: without -out the drawings are printed and no
// file is written into the working directory; with -out they are written
// there.
func TestPlainRunWritesNothing(t *testing.T) {
	tests := []struct {
		name      string
		args      func(dir string) []string
		wantFiles []string
	}{
		{"no flag", func(string) []string { return nil }, nil},
		{"-out", func(dir string) []string { return []string{"-out", filepath.Join(dir, "drawings")} }, []string{"drawings"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			var stdout bytes.Buffer
			if err := runArgs(tt.args(dir), &stdout); err != nil {
				t.Fatal(err)
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range entries {
				got = append(got, e.Name())
			}
			if strings.Join(got, ",") != strings.Join(tt.wantFiles, ",") {
				t.Errorf("working directory holds %q, want %q", got, tt.wantFiles)
			}
			if !strings.Contains(stdout.String(), "ownership.dot:\ndigraph ownership {") {
				t.Errorf("the DOT drawing is not printed:\n%s", stdout.String())
			}
		})
	}
}

// TestGitignoreCoversBuiltExamples: binaries built from the examples, and
// drawings written into the tree, are never committed by accident.
func TestGitignoreCoversBuiltExamples(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	if err := exec.Command(git, "rev-parse", "--is-inside-work-tree").Run(); err != nil {
		t.Skip("not in a git work tree")
	}
	root, err := exec.Command(git, "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{
		"quickstart", "webhooks", // go build ./examples/X at the root
		"examples/quickstart/quickstart", "examples/ownership/ownership", "examples/webhooks/webhooks",
		"ownership.dot", "ownership.mmd", "examples/ownership/ownership.dot",
	} {
		cmd := exec.Command(git, "check-ignore", "-q", "--no-index", path)
		cmd.Dir = strings.TrimSpace(string(root))
		if err := cmd.Run(); err != nil {
			t.Errorf("%s is not ignored by .gitignore", path)
		}
	}
	for _, path := range []string{"ownership/total.go", "examples/ownership/main.go"} {
		cmd := exec.Command(git, "check-ignore", "-q", "--no-index", path)
		cmd.Dir = strings.TrimSpace(string(root))
		if err := cmd.Run(); err == nil {
			t.Errorf("%s, a source file, is ignored", path)
		}
	}
}
