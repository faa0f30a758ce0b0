// Command ownership builds the example structure of the Dotfile API's
// documentation through a Workspace (a main company, an affiliated holding
// that owns it, a beneficial owner of the holding created from the API's
// example individual payload, and a legal representative), computes every
// total interest in the main company exactly, prints the totals and the
// beneficial owners, and draws the case graph for a host application: a
// Mermaid flowchart (ownership.mmd) and a Graphviz digraph
// (ownership.dot). Both are printed; they are written to files only when
// -out names a directory, so a plain run writes nothing.
//
//	go run ./examples/ownership
//	go run ./examples/ownership -out /tmp
//	dot -Tsvg /tmp/ownership.dot > ownership.svg
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/storage/memory"
)

func main() {
	if err := runArgs(os.Args[1:], os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// runArgs parses the command line and runs the example.
func runArgs(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("ownership", flag.ContinueOnError)
	out := fs.String("out", "", "directory to write ownership.mmd and ownership.dot into (none: print only)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return run(context.Background(), *out, stdout)
}

// seedPayload is the Dotfile API's example payload for an individual
// related to an affiliated company; {{affiliated_company_id}} is filled in.
const seedPayload = `{
  "case_id": "{{case_id}}",
  "is_business_contact": true,
  "is_beneficial_owner": true,
  "first_name": "Tony",
  "last_name": "Stark",
  "maiden_name": null,
  "email": "tony@stark.example",
  "ownership_percentage": 33.33,
  "voting_rights_percentage": 33.33,
  "relations": [
    {
      "to_company_id": "{{affiliated_company_id}}",
      "roles": ["shareholder"],
      "position": "CEO",
      "ownership_percentage": 33.33,
      "voting_rights_percentage": 33.33
    }
  ]
}`

func run(ctx context.Context, outDir string, stdout io.Writer) error {
	w, err := dossier.New(memory.New(), dossier.Settings{})
	if err != nil {
		return err
	}
	c, err := w.CreateCase(ctx, dossier.CreateCaseInput{Name: "Stark Industries onboarding"})
	if err != nil {
		return err
	}

	// The main company (the default type), then the holding that owns all
	// of it: a relation with no to_company_id goes to the main company.
	if _, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{Name: "Stark Industries", Country: "US"}); err != nil {
		return err
	}
	holding, err := w.AddCompany(ctx, c.ID, entity.CompanyInput{
		Type:    entity.CompanyAffiliated,
		Name:    "Stark Holding",
		Country: "US",
		Relations: []entity.Link{{
			Roles:                  []entity.Role{entity.RoleShareholder},
			OwnershipPercentage:    entity.MustPercentage("100"),
			VotingRightsPercentage: entity.MustPercentage("100"),
		}},
	})
	if err != nil {
		return err
	}

	// The beneficial owner, from the API's example payload as a client would send
	// it.
	payload := strings.NewReplacer("{{case_id}}", c.ID, "{{affiliated_company_id}}", holding.ID).Replace(seedPayload)
	var tony entity.IndividualInput
	if err := json.Unmarshal([]byte(payload), &tony); err != nil {
		return err
	}
	if _, err := w.AddIndividual(ctx, c.ID, tony); err != nil {
		return err
	}

	// The legal representative of the main company, with no stake (her
	// percentages are unknown, not 0) ...
	pepper, err := w.AddIndividual(ctx, c.ID, entity.IndividualInput{
		FirstName: "Pepper",
		LastName:  "Potts",
		Relations: []entity.Link{{
			Roles:    []entity.Role{entity.RoleLegalRepresentative},
			Position: "Managing Director",
		}},
	})
	if err != nil {
		return err
	}
	// ... who also represents the holding: a relation between two entities
	// already in the case. Here her stake is declared as 0: an unknown
	// stake in the holding, whose owners are declared for only 33.33 %,
	// could be up to 66.67 % and would make her a possible beneficial
	// owner. (Into the main company, whose known stakes make 100 %, her
	// unknown stake can only be 0.)
	if _, err := w.AddRelation(ctx, c.ID, relation.Input{
		FromIndividualID:       pepper.ID,
		ToCompanyID:            holding.ID,
		Roles:                  []relation.Role{relation.RoleLegalRepresentative},
		Position:               "Director",
		OwnershipPercentage:    entity.MustPercentage("0"),
		VotingRightsPercentage: entity.MustPercentage("0"),
	}); err != nil {
		return err
	}

	rec, err := w.GetRecord(ctx, c.ID)
	if err != nil {
		return err
	}
	g := relation.Graph{Companies: rec.Companies, Individuals: rec.Individuals, Relations: rec.Relations}
	res, err := relation.Totals(g, ownership.Options{})
	if err != nil {
		return err
	}

	fmt.Fprintln(stdout, "Total interest in the main company:")
	for _, e := range entities(g) {
		if e.id == res.Root() {
			continue
		}
		own, _ := res.Total(e.id, ownership.Ownership)
		vote, _ := res.Total(e.id, ownership.Voting)
		fmt.Fprintf(stdout, "  %-14s ownership %7s  voting rights %7s\n", e.name, own, vote)
	}
	un := res.Unattributed(ownership.Ownership)
	fmt.Fprintf(stdout, "  %-14s ownership %7s\n", "(undeclared)", un.Undeclared)

	policy := ownership.DefaultPolicy()
	owners, err := res.BeneficialOwners(policy)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Beneficial owners (%s %d %%):\n", policy.Comparator, ownership.DefaultThreshold)
	for _, a := range owners {
		p, ok := g.Individual(a.ID)
		if !ok {
			continue // a company holding 25 % is not a beneficial owner
		}
		met := make([]string, 0, 2)
		for _, in := range a.Met() {
			met = append(met, in.String())
		}
		fmt.Fprintf(stdout, "  %s: %s (met: %s)\n", p.FullName(), a.Outcome(), strings.Join(met, ", "))
	}

	if outDir != "" {
		if err := os.MkdirAll(outDir, 0o755); err != nil {
			return err
		}
	}
	opts := relation.RenderOptions{Policy: &policy}
	for _, f := range []struct{ name, text string }{
		{"ownership.mmd", relation.Mermaid(g, res, opts)},
		{"ownership.dot", relation.DOT(g, res, opts)},
	} {
		path := f.name
		if outDir != "" {
			path = filepath.Join(outDir, f.name)
			if err := os.WriteFile(path, []byte(f.text), 0o644); err != nil {
				return err
			}
		}
		fmt.Fprintf(stdout, "\n%s:\n%s", path, f.text)
	}
	return nil
}

type named struct{ id, name string }

// entities lists the companies, then the individuals, of g in graph order.
func entities(g relation.Graph) []named {
	var out []named
	for _, c := range g.Companies {
		out = append(out, named{c.ID, c.Name})
	}
	for _, p := range g.Individuals {
		out = append(out, named{p.ID, p.FullName()})
	}
	return out
}
