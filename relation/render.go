package relation

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/validation"
)

// MaxRenderPlaces is the largest number of decimals [Mermaid] and [DOT]
// show for a total.
const MaxRenderPlaces = 10

// RenderOptions tunes [Mermaid] and [DOT]. The zero value draws the graph
// with totals rounded to two decimals and no beneficial owners highlighted.
type RenderOptions struct {
	// Places is the number of decimals of the totals, 1 to
	// MaxRenderPlaces; zero means ownership.DisplayPlaces (2). Rounding is
	// for display only (half away from zero; the bounds of a range are
	// rounded outwards). Beneficial owners are marked on exact values, so
	// a total of 24.996 % shows as "25.00%" without the mark under a 25 %
	// threshold. Whole numbers are not offered: 24.6 % shown as "25%" would
	// look like a threshold met. A value outside the bounds is reported by
	// Validate and clamped when drawing.
	Places int32

	// Policy, when set, highlights the beneficial owners it finds among the
	// individuals (ownership.Result.BeneficialOwners, ownership and voting
	// rights tested separately on exact values), and marks as possible
	// owners those whom unknown percentages leave undecided. Companies are
	// never marked: a beneficial owner is a natural person. It needs a
	// result; without one, or with an invalid policy, the drawing says so
	// in a warning node rather than silently showing no owner.
	Policy *ownership.Policy
}

// Validate reports every problem of o: Places out of 0..MaxRenderPlaces
// (path "places") and an invalid Policy (paths "policy.threshold",
// "policy.comparator"). Mermaid and DOT draw whatever they are given, but a
// caller taking options from configuration should validate them first.
func (o RenderOptions) Validate() error {
	var l validation.List
	if o.Places < 0 || o.Places > MaxRenderPlaces {
		l.Addf("places", validation.CodeOutOfRange, "must be between 0 (the default, 2) and %d, got %d", MaxRenderPlaces, o.Places)
	}
	if o.Policy != nil {
		l.Merge("policy", o.Policy.Validate())
	}
	return l.Err()
}

func (o RenderOptions) places() int32 {
	switch {
	case o.Places <= 0:
		return ownership.DisplayPlaces
	case o.Places > MaxRenderPlaces:
		return MaxRenderPlaces
	}
	return o.Places
}

// Mermaid returns g as a Mermaid flowchart (flowchart TB: owners above
// what they own), text a host application hands to a Mermaid renderer to
// draw the case graph as the console does:
//
//	res, err := relation.Totals(g, ownership.Options{})
//	policy := ownership.DefaultPolicy()
//	text := relation.Mermaid(g, res, relation.RenderOptions{Policy: &policy})
//
// Nodes. Each company and individual is one node, in graph order
// (companies, then individuals), with a generated identifier (n0, n1, ...;
// never an id or a name from the case). The main company is a
// double-edged box of class "main" labelled "main company", affiliated
// companies are boxes of class "company", individuals are rounded nodes of
// class "individual". A label starts with the entity's name (a company's
// name; an individual's first, middle and last names). When res is given,
// two lines follow with the entity's total ownership and voting rights in
// the main company: rounded to opts.Places decimals; "min–max%" when
// unknown percentages leave a range (bounds rounded outwards, so the range
// shown still contains the exact one); "at least min%" when the range has
// no upper bound; "closed loop" for a member of a group of companies
// wholly owned by one another (class "loop"); "unknown" when nothing is
// known. With opts.Policy, a beneficial owner gets the class "owner" and a
// line naming the tests met; one whom unknown percentages leave undecided
// gets "possible".
//
// Edges. Each relation is one edge from its source to its target company,
// in graph order, labelled with its roles, its position and its direct
// ownership and voting-rights percentages: exact, "unknown" when not
// given, a band as "(25.00, 50.00]%" (a parenthesis for an excluded
// bound), "invalid" when out of range. A relation without the shareholder
// role is dotted.
//
// Nothing is hidden: a relation whose end is not in g points to a
// "missing entity" node, and a policy without a result, an invalid policy
// or a result computed for another company (whose totals are then left
// out) each add a warning node (class "warning"). res should come from
// [Totals] on g; nil draws no totals.
//
// The output is deterministic and safe to embed. Text from the case is
// sanitized: white space (line breaks included) becomes a space; other
// control characters, bidirectional formatting characters and invalid
// UTF-8 become U+FFFD. Then every character other than a letter, a digit,
// a space or one of .,'-()/_ is written as a Mermaid entity code (#34; for
// a double quote), so no name can end its label, start a statement, a
// comment or a directive, or put HTML into the rendered SVG; and an
// invisible word joiner (U+2060) follows each backslash, dollar sign,
// colon and ampersand, which Mermaid would otherwise read, once it has
// decoded the codes, as a line break (\n), mathematics ($$...$$), an icon
// (fa:fa-car) or an HTML entity. The tests render hostile names with
// Mermaid 11 (HTML labels, its default) and check that every label shows
// exactly the sanitized text. With htmlLabels off, Mermaid 11 does not
// decode entity codes in edge labels, so escaped characters in a position
// would show as codes there.
func Mermaid(g Graph, res *ownership.Result, opts RenderOptions) string {
	d := buildDiagram(g, res, opts)
	var b strings.Builder
	b.WriteString("flowchart TB\n")
	for i, n := range d.nodes {
		opening, closing := mermaidShape(n.shape)
		b.WriteString("    ")
		b.WriteString(nodeID(i))
		b.WriteString(opening)
		b.WriteByte('"')
		writeMermaidLines(&b, n.lines)
		b.WriteByte('"')
		b.WriteString(closing)
		b.WriteByte('\n')
	}
	for _, e := range d.edges {
		b.WriteString("    ")
		b.WriteString(nodeID(e.from))
		if e.dashed {
			b.WriteString(" -.->|\"")
		} else {
			b.WriteString(" -->|\"")
		}
		writeMermaidLines(&b, e.lines)
		b.WriteString("\"| ")
		b.WriteString(nodeID(e.to))
		b.WriteByte('\n')
	}
	var classes []string
	for _, c := range mermaidClasses {
		var ids []string
		for i, n := range d.nodes {
			if n.has(c.name) {
				ids = append(ids, nodeID(i))
			}
		}
		if len(ids) > 0 {
			b.WriteString("    classDef " + c.name + " " + c.style + "\n")
			classes = append(classes, "    class "+strings.Join(ids, ",")+" "+c.name+"\n")
		}
	}
	for _, c := range classes {
		b.WriteString(c)
	}
	return b.String()
}

// DOT returns g as a Graphviz digraph, text a host application hands to
// dot (dot -Tsvg) or any Graphviz renderer. It draws what [Mermaid] draws,
// with the same labels, node identifiers and order: the main company is a
// box with a double border, affiliated companies are boxes, individuals
// ellipses; beneficial owners are filled in amber (dashed when only
// possible), closed-loop members outlined in red and dashed, relations
// without the shareholder role dashed, warnings are notes.
//
// Every label is a double-quoted DOT string. Case text is sanitized as for
// Mermaid, then a double quote is written \", a backslash \\ (so a name
// cannot use Graphviz's \N, \G or \L substitutions nor its \l and \r line
// breaks) and an ampersand &amp; (Graphviz decodes HTML entities in
// labels). No label is an HTML-like label and no node has a record shape,
// so brackets, braces, pipes and angle brackets in names are plain text.
// The tests run hostile names through Graphviz's dot, when installed, and
// check that the SVG shows exactly the sanitized text. The output is
// deterministic.
func DOT(g Graph, res *ownership.Result, opts RenderOptions) string {
	d := buildDiagram(g, res, opts)
	var b strings.Builder
	b.WriteString("digraph ownership {\n")
	b.WriteString("    rankdir=TB;\n")
	b.WriteString("    node [fontname=\"Helvetica\", fontsize=10, style=filled, fillcolor=\"#ffffff\"];\n")
	b.WriteString("    edge [fontname=\"Helvetica\", fontsize=9];\n")
	for i, n := range d.nodes {
		b.WriteString("    ")
		b.WriteString(nodeID(i))
		b.WriteString(" [label=")
		writeDOTLines(&b, n.lines)
		for _, a := range dotNodeAttrs(n) {
			b.WriteString(", ")
			b.WriteString(a)
		}
		b.WriteString("];\n")
	}
	for _, e := range d.edges {
		b.WriteString("    ")
		b.WriteString(nodeID(e.from))
		b.WriteString(" -> ")
		b.WriteString(nodeID(e.to))
		b.WriteString(" [label=")
		writeDOTLines(&b, e.lines)
		if e.dashed {
			b.WriteString(", style=dashed")
		}
		b.WriteString("];\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// nodeShape is the shape of a node.
type nodeShape uint8

const (
	shapeMain nodeShape = iota
	shapeCompany
	shapeIndividual
	shapeMissing
	shapeWarning
)

// labelLine is one line of a label: fixed text written by this file (safe
// in both languages as it stands) followed by text from the case, which is
// sanitized and escaped.
type labelLine struct {
	fixed, user string
}

type diagramNode struct {
	shape                 nodeShape
	lines                 []labelLine
	owner, possible, loop bool
}

// has reports whether n belongs to the Mermaid class name.
func (n diagramNode) has(class string) bool {
	switch class {
	case "main":
		return n.shape == shapeMain
	case "company":
		return n.shape == shapeCompany
	case "individual":
		return n.shape == shapeIndividual
	case "owner":
		return n.owner
	case "possible":
		return n.possible
	case "loop":
		return n.loop
	case "warning":
		return n.shape == shapeMissing || n.shape == shapeWarning
	}
	return false
}

type diagramEdge struct {
	from, to int
	dashed   bool
	lines    []labelLine
}

type diagram struct {
	nodes []diagramNode
	edges []diagramEdge
}

// buildDiagram computes what both languages draw.
func buildDiagram(g Graph, res *ownership.Result, opts RenderOptions) diagram {
	var d diagram
	var warnings []string
	places := opts.places()

	if res != nil {
		if m, ok := g.MainCompany(); !ok || m.ID != res.Root() {
			warnings = append(warnings, "totals not shown: they were computed for another company than this graph's main company")
			res = nil
		}
	}
	owners := map[string]ownership.Assessment{}
	if opts.Policy != nil {
		if res == nil {
			warnings = append(warnings, "beneficial owners not shown: no totals")
		} else if bos, err := res.BeneficialOwners(*opts.Policy); err != nil {
			warnings = append(warnings, "beneficial owners not shown: "+err.Error())
		} else {
			for _, a := range bos {
				owners[a.ID] = a
			}
		}
	}

	index := make(map[string]int, len(g.Companies)+len(g.Individuals))
	add := func(id string, n diagramNode) {
		if _, dup := index[id]; !dup && id != "" {
			index[id] = len(d.nodes)
		}
		d.nodes = append(d.nodes, n)
	}
	for _, c := range g.Companies {
		n := diagramNode{shape: shapeCompany, lines: []labelLine{{user: displayName(c.Name, "(unnamed company)")}}}
		if c.Type == entity.CompanyMain {
			n.shape = shapeMain
			n.lines = append(n.lines, labelLine{fixed: "main company"})
		}
		addTotals(&n, res, c.ID, places)
		add(c.ID, n)
	}
	for _, p := range g.Individuals {
		n := diagramNode{shape: shapeIndividual, lines: []labelLine{{user: displayName(p.FullName(), "(unnamed individual)")}}}
		addTotals(&n, res, p.ID, places)
		if a, ok := owners[p.ID]; ok {
			switch a.Outcome() {
			case ownership.Yes:
				n.owner = true
				n.lines = append(n.lines, labelLine{fixed: "beneficial owner: " + interests(a.Met())})
			case ownership.Possibly:
				n.possible = true
				n.lines = append(n.lines, labelLine{fixed: "possibly a beneficial owner (unknown percentages)"})
			}
		}
		add(p.ID, n)
	}

	end := func(id string) int {
		if i, ok := index[id]; ok {
			return i
		}
		index[id] = len(d.nodes)
		d.nodes = append(d.nodes, diagramNode{shape: shapeMissing, lines: []labelLine{{fixed: "missing entity"}, {user: id}}})
		return index[id]
	}
	for _, r := range g.Relations {
		e := diagramEdge{from: end(r.From()), to: end(r.ToCompanyID), dashed: !r.HasRole(RoleShareholder)}
		if len(r.Roles) > 0 {
			names := make([]string, len(r.Roles))
			for i, role := range r.Roles {
				names[i] = strings.ReplaceAll(string(role), "_", " ")
			}
			e.lines = append(e.lines, labelLine{user: strings.Join(names, ", ")})
		}
		if r.Position != "" {
			e.lines = append(e.lines, labelLine{fixed: "position: ", user: r.Position})
		}
		e.lines = append(e.lines,
			labelLine{fixed: "ownership: " + directPercent(r.OwnershipPercentage)},
			labelLine{fixed: "voting rights: " + directPercent(r.VotingRightsPercentage)})
		d.edges = append(d.edges, e)
	}

	for _, w := range warnings {
		d.nodes = append(d.nodes, diagramNode{shape: shapeWarning, lines: []labelLine{{user: w}}})
	}
	return d
}

// addTotals appends the total lines of id, when res knows it.
func addTotals(n *diagramNode, res *ownership.Result, id string, places int32) {
	if res == nil {
		return
	}
	own, ok := res.Total(id, ownership.Ownership)
	if !ok {
		return
	}
	vote, _ := res.Total(id, ownership.Voting)
	n.loop = own.ClosedLoop() || vote.ClosedLoop()
	n.lines = append(n.lines,
		labelLine{fixed: "total ownership: " + formatTotal(own, places)},
		labelLine{fixed: "total voting rights: " + formatTotal(vote, places)})
}

func displayName(name, unnamed string) string {
	if strings.TrimSpace(name) == "" {
		return unnamed
	}
	return name
}

func interests(in []ownership.Interest) string {
	names := make([]string, len(in))
	for i, x := range in {
		names[i] = strings.ReplaceAll(x.String(), "_", " ")
	}
	return strings.Join(names, ", ")
}

// formatTotal renders a total for display: "33.33%", "10.00–35.00%",
// "at least 10.00%", "closed loop" or "unknown". Range bounds are rounded
// outwards (ownership.Total.Bounds), so the drawn range contains the exact
// one.
func formatTotal(t ownership.Total, places int32) string {
	switch lo, hi, isRange := t.Bounds(places); {
	case t.Known():
		return t.Format(places) + "%"
	case t.ClosedLoop():
		return "closed loop"
	case !isRange:
		return "unknown"
	case hi == nil && t.MinExclusive():
		return "more than " + lo.StringFixed(places) + "%"
	case hi == nil:
		return "at least " + lo.StringFixed(places) + "%"
	case t.MinExclusive() || t.MaxExclusive():
		return t.Format(places) + "%" // (25.00, 50.00]%
	default:
		return lo.StringFixed(places) + "–" + hi.StringFixed(places) + "%"
	}
}

// directPercent renders a direct percentage exactly with two decimals
// (a valid one has at most two), "unknown" when not given and "invalid"
// when out of 0..100 or too precise, which Check refuses (its digits are
// not printed: a hand-built 1e-999999999 would take a gigabyte).
func directPercent(p entity.Percentage) string {
	d, ok := p.Decimal()
	switch {
	case p.Validate() != nil:
		return "invalid"
	case p.IsBand():
		lo, hi, _ := p.Band()
		open, closing := "[", "]"
		if lo.Exclusive {
			open = "("
		}
		if hi.Exclusive {
			closing = ")"
		}
		return open + lo.Value.StringFixed(2) + ", " + hi.Value.StringFixed(2) + closing + "%"
	case !ok:
		return "unknown"
	}
	return d.StringFixed(2) + "%"
}

func nodeID(i int) string { return "n" + strconv.Itoa(i) }

// sanitize returns s with every invalid UTF-8 sequence, control character
// and bidirectional formatting character replaced: white space by a space
// (so a name never spans lines), anything else by U+FFFD.
func sanitize(s string) string {
	var b strings.Builder
	for _, r := range s { // invalid UTF-8 yields utf8.RuneError, U+FFFD
		switch {
		case r == ' ':
		case unicode.IsSpace(r):
			r = ' '
		case unicode.IsControl(r), isBidiControl(r), r == utf8.RuneError:
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isBidiControl(r rune) bool {
	return r == 0x061C || r == 0x200E || r == 0x200F ||
		(r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

func mermaidShape(k nodeShape) (opening, closing string) {
	switch k {
	case shapeMain:
		return "[[", "]]"
	case shapeIndividual:
		return "([", "])"
	}
	return "[", "]"
}

// mermaidClasses are the classes Mermaid declares, in this order (a later
// class wins where styles overlap), each only when some node has it.
var mermaidClasses = []struct{ name, style string }{
	{"main", "fill:#dbeafe,stroke:#1e3a8a,stroke-width:3px"},
	{"company", "fill:#f1f5f9,stroke:#334155"},
	{"individual", "fill:#ffffff,stroke:#334155"},
	{"owner", "fill:#fde68a,stroke:#b45309,stroke-width:2px"},
	{"possible", "fill:#fef3c7,stroke:#b45309,stroke-dasharray:4 2"},
	{"loop", "stroke:#dc2626,stroke-width:2px,stroke-dasharray:4 2"},
	{"warning", "fill:#fee2e2,stroke:#dc2626"},
}

// wordJoiner is the Mermaid code of U+2060 WORD JOINER, an invisible
// character written after each of the joined characters of case text: once
// it has decoded the codes, Mermaid reads "\n" in a multi-line label as a
// line break, "$$...$$" as KaTeX mathematics, "fa:fa-car" as an icon and,
// without HTML labels, "&lt;" as "<".
const (
	wordJoiner = "#8288;"
	joined     = `\$:&`
)

// writeMermaidLines writes the inside of a quoted Mermaid label: lines
// joined by <br/>, fixed text as it stands, case text sanitized and
// escaped.
//
// Fixed text never holds a double quote, '#', '<', '>', '&', '%%', '$', a
// backtick or a colon followed by anything but a space. Case text keeps
// only letters, digits, spaces and .,'-()/_ as they are; every other
// character becomes its Mermaid entity code "#<decimal>;". Mermaid turns
// those codes into HTML character references after parsing, so they can
// neither end the string nor become markup; and since a raw ':' never
// precedes them without a space, Mermaid's style-line heuristic (which
// strips the ';' of "style...:...#...;") cannot match. A backslash, a
// dollar sign, a colon or an ampersand is followed by an invisible word
// joiner (see wordJoiner).
func writeMermaidLines(b *strings.Builder, lines []labelLine) {
	for i, l := range lines {
		if i > 0 {
			b.WriteString("<br/>")
		}
		b.WriteString(l.fixed)
		for _, r := range sanitize(l.user) {
			if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" .,'-()/_", r) {
				b.WriteRune(r)
				continue
			}
			b.WriteByte('#')
			b.WriteString(strconv.Itoa(int(r)))
			b.WriteByte(';')
			if strings.ContainsRune(joined, r) {
				b.WriteString(wordJoiner)
			}
		}
	}
}

// writeDOTLines writes a quoted DOT string: lines joined by \n, with '"',
// '\' and '&' escaped.
func writeDOTLines(b *strings.Builder, lines []labelLine) {
	b.WriteByte('"')
	for i, l := range lines {
		if i > 0 {
			b.WriteString(`\n`)
		}
		writeDOTText(b, l.fixed)
		writeDOTText(b, sanitize(l.user))
	}
	b.WriteByte('"')
}

func writeDOTText(b *strings.Builder, s string) {
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '&':
			b.WriteString("&amp;")
		default:
			b.WriteRune(r)
		}
	}
}

// dotNodeAttrs returns a node's attributes after its label.
func dotNodeAttrs(n diagramNode) []string {
	var a []string
	fill := "#ffffff"
	style := ""
	switch n.shape {
	case shapeMain:
		a = append(a, "shape=box", "peripheries=2")
		fill = "#dbeafe"
	case shapeCompany:
		a = append(a, "shape=box")
		fill = "#f1f5f9"
	case shapeIndividual:
		a = append(a, "shape=ellipse")
	case shapeMissing:
		a = append(a, "shape=box")
		style = "filled,dashed"
		fill = "#fee2e2"
	case shapeWarning:
		a = append(a, "shape=note")
		fill = "#fee2e2"
	}
	color, pen := "", ""
	switch {
	case n.owner:
		fill, color, pen = "#fde68a", "#b45309", "2"
	case n.possible:
		fill, color, style = "#fef3c7", "#b45309", "filled,dashed"
	}
	if n.loop {
		color, pen, style = "#dc2626", "2", "filled,dashed"
	}
	if style != "" {
		a = append(a, `style="`+style+`"`)
	}
	a = append(a, `fillcolor="`+fill+`"`)
	if color != "" {
		a = append(a, `color="`+color+`"`)
	}
	if pen != "" {
		a = append(a, "penwidth="+pen)
	}
	return a
}
