package relation_test

import (
	"fmt"

	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/relation"
)

// Draw a small group as a Mermaid flowchart, with each entity's total
// interest in the main company and the beneficial owners under the default
// policy (25 % or more). Stark Holding (affiliated) owns all of Stark
// Industries (the main company), Tony Stark owns a third of Stark Holding,
// and Pepper Potts is the main company's legal representative. In an
// application the Graph comes from a case's record (storage.Record has the
// three slices). Tony holds 33.33 % x 100 %; Pepper's unknown stake can
// only be 0, the main company's known stakes already making 100 %.
func ExampleMermaid() {
	g := relation.Graph{
		Companies: []entity.Company{
			{ID: "acme", Type: entity.CompanyMain, Name: "Stark Industries"},
			{ID: "holding", Type: entity.CompanyAffiliated, Name: "Stark Holding"},
		},
		Individuals: []entity.Individual{
			{ID: "tony", FirstName: "Tony", LastName: "Stark"},
			{ID: "pepper", FirstName: "Pepper", LastName: "Potts"},
		},
		Relations: []relation.Relation{{
			ID: "r1", FromCompanyID: "holding", ToCompanyID: "acme",
			OwnershipPercentage:    entity.MustPercentage("100"),
			VotingRightsPercentage: entity.MustPercentage("100"),
			Roles:                  []relation.Role{relation.RoleShareholder},
		}, {
			ID: "r2", FromIndividualID: "tony", ToCompanyID: "holding",
			OwnershipPercentage:    entity.MustPercentage("33.33"),
			VotingRightsPercentage: entity.MustPercentage("33.33"),
			Roles:                  []relation.Role{relation.RoleShareholder},
			Position:               "CEO",
		}, {
			// A legal representative with no stake: percentages unknown.
			ID: "r3", FromIndividualID: "pepper", ToCompanyID: "acme",
			Roles: []relation.Role{relation.RoleLegalRepresentative},
		}},
	}
	res, err := relation.Totals(g, ownership.Options{})
	if err != nil {
		panic(err)
	}
	policy := ownership.DefaultPolicy()
	fmt.Print(relation.Mermaid(g, res, relation.RenderOptions{Policy: &policy}))
	// Output:
	// flowchart TB
	//     n0[["Stark Industries<br/>main company"]]
	//     n1["Stark Holding<br/>total ownership: 100.00%<br/>total voting rights: 100.00%"]
	//     n2(["Tony Stark<br/>total ownership: 33.33%<br/>total voting rights: 33.33%<br/>beneficial owner: ownership, voting rights"])
	//     n3(["Pepper Potts<br/>total ownership: 0.00%<br/>total voting rights: 0.00%"])
	//     n1 -->|"shareholder<br/>ownership: 100.00%<br/>voting rights: 100.00%"| n0
	//     n2 -->|"shareholder<br/>position: CEO<br/>ownership: 33.33%<br/>voting rights: 33.33%"| n1
	//     n3 -.->|"legal representative<br/>ownership: unknown<br/>voting rights: unknown"| n0
	//     classDef main fill:#dbeafe,stroke:#1e3a8a,stroke-width:3px
	//     classDef company fill:#f1f5f9,stroke:#334155
	//     classDef individual fill:#ffffff,stroke:#334155
	//     classDef owner fill:#fde68a,stroke:#b45309,stroke-width:2px
	//     class n0 main
	//     class n1 company
	//     class n2,n3 individual
	//     class n2 owner
}

// Draw the same structure for Graphviz (dot -Tsvg), here without totals:
// a nil result draws the entities and the direct percentages only.
func ExampleDOT() {
	g := relation.Graph{
		Companies: []entity.Company{
			{ID: "acme", Type: entity.CompanyMain, Name: "Stark Industries"},
			{ID: "holding", Type: entity.CompanyAffiliated, Name: "Stark Holding"},
		},
		Individuals: []entity.Individual{
			{ID: "tony", FirstName: "Tony", LastName: "Stark"},
			{ID: "pepper", FirstName: "Pepper", LastName: "Potts"},
		},
		Relations: []relation.Relation{{
			ID: "r1", FromCompanyID: "holding", ToCompanyID: "acme",
			OwnershipPercentage:    entity.MustPercentage("100"),
			VotingRightsPercentage: entity.MustPercentage("100"),
			Roles:                  []relation.Role{relation.RoleShareholder},
		}, {
			ID: "r2", FromIndividualID: "tony", ToCompanyID: "holding",
			OwnershipPercentage:    entity.MustPercentage("33.33"),
			VotingRightsPercentage: entity.MustPercentage("33.33"),
			Roles:                  []relation.Role{relation.RoleShareholder},
			Position:               "CEO",
		}, {
			// A legal representative with no stake: percentages unknown.
			ID: "r3", FromIndividualID: "pepper", ToCompanyID: "acme",
			Roles: []relation.Role{relation.RoleLegalRepresentative},
		}},
	}
	fmt.Print(relation.DOT(g, nil, relation.RenderOptions{}))
	// Output:
	// digraph ownership {
	//     rankdir=TB;
	//     node [fontname="Helvetica", fontsize=10, style=filled, fillcolor="#ffffff"];
	//     edge [fontname="Helvetica", fontsize=9];
	//     n0 [label="Stark Industries\nmain company", shape=box, peripheries=2, fillcolor="#dbeafe"];
	//     n1 [label="Stark Holding", shape=box, fillcolor="#f1f5f9"];
	//     n2 [label="Tony Stark", shape=ellipse, fillcolor="#ffffff"];
	//     n3 [label="Pepper Potts", shape=ellipse, fillcolor="#ffffff"];
	//     n1 -> n0 [label="shareholder\nownership: 100.00%\nvoting rights: 100.00%"];
	//     n2 -> n1 [label="shareholder\nposition: CEO\nownership: 33.33%\nvoting rights: 33.33%"];
	//     n3 -> n0 [label="legal representative\nownership: unknown\nvoting rights: unknown", style=dashed];
	// }
}

// Names are user input: a name that tries to close its label and add a
// statement stays inside its label, in both languages.
func ExampleDOT_escaping() {
	g := relation.Graph{Companies: []entity.Company{{
		ID: "acme", Type: entity.CompanyMain, Name: `Evil" ]; n9 [label="x`,
	}}}
	fmt.Print(relation.Mermaid(g, nil, relation.RenderOptions{}))
	fmt.Print(relation.DOT(g, nil, relation.RenderOptions{}))
	// Output:
	// flowchart TB
	//     n0[["Evil#34; #93;#59; n9 #91;label#61;#34;x<br/>main company"]]
	//     classDef main fill:#dbeafe,stroke:#1e3a8a,stroke-width:3px
	//     class n0 main
	// digraph ownership {
	//     rankdir=TB;
	//     node [fontname="Helvetica", fontsize=10, style=filled, fillcolor="#ffffff"];
	//     edge [fontname="Helvetica", fontsize=9];
	//     n0 [label="Evil\" ]; n9 [label=\"x\nmain company", shape=box, peripheries=2, fillcolor="#dbeafe"];
	// }
}
