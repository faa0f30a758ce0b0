package bods

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/biter777/countries"

	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/validation"
)

// ExportOptions are what Export needs besides the graph.
type ExportOptions struct {
	// StatementDate is the date the statements declare, written as a
	// full date (YYYY-MM-DD). Required.
	StatementDate time.Time
	// Publisher, when it has a name or a URL, is written with
	// PublicationDate (the StatementDate when zero) and BODS version 0.4 in
	// every statement's publicationDetails.
	Publisher       Publisher
	PublicationDate time.Time
	// Ownership and Policy are how totals and beneficial owners are
	// computed (the workspace settings); the zero values are the defaults.
	Ownership ownership.Options
	Policy    ownership.Policy
}

// ErrNoMainCompany is returned by Export for a graph without a main
// company: a package declares the ownership of one subject.
var ErrNoMainCompany = relation.ErrNoMainCompany

// RecordID returns the recordId Export gives to the primary indirect
// relationship between a beneficial owner and the main company.
func RecordID(ownerID, mainCompanyID string) string { return ownerID + "/" + mainCompanyID }

// Export writes a case graph as a BODS 0.4 package about its main company
// (the declarationSubject of every statement):
//
//   - an entity record per company (registeredEntity when it has a
//     registration number, else legalEntity) and a person record per
//     individual (knownPerson), in graph order;
//   - a relationship record per relation, its interests direct: a
//     shareholding interest when the relation has the shareholder role or
//     a known ownership percentage, a votingRights interest when its
//     voting percentage is known, with the share exact, a band
//     (minimum or exclusiveMinimum, maximum or exclusiveMaximum), or none
//     when unknown; a seniorManagingOfficial interest for the
//     legal_representative role, its details holding the position;
//   - for every individual that is a beneficial owner under opts.Policy
//     (outcome yes) through other companies, a primary relationship to
//     the main company (recordId [RecordID]) with indirect shareholding
//     and votingRights interests carrying the computed totals, exact or
//     as a range (a total that is not a finite decimal, such as 200/3, as
//     exclusive bounds with SharePlaces decimals, so the bounds contain
//     it), beneficialOwnershipOrControl true on the interests whose test
//     passes, and componentRecords naming every relation on a walk from
//     the owner to the main company. Those relations are written with
//     isComponent true, and come before the primary relationships. An
//     owner holding only directly has no primary relationship: its
//     direct relation carries beneficialOwnershipOrControl.
//
// Record ids are the dossier ids. A statement id is the SHA-256 (hex) of
// the record id, the statement date and the record details, so exporting
// the same case twice gives the same ids, and a change gives new ones.
// A bad option (no statement date, an invalid policy, a publisher URL that
// is not absolute) is a *validation.Error; a graph without a main company is
// ErrNoMainCompany.
func Export(g relation.Graph, opts ExportOptions) (Package, error) {
	var l validation.List
	if opts.StatementDate.IsZero() {
		l.Add("statement_date", validation.CodeRequired, "the statement date is required")
	}
	l.Merge("policy", opts.Policy.Validate())
	if u := opts.Publisher.URL; u != "" {
		if parsed, err := url.Parse(u); err != nil || !parsed.IsAbs() {
			l.Add("publisher.url", validation.CodeInvalidFormat, "must be an absolute URL")
		}
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	main, ok := g.MainCompany()
	if !ok {
		return nil, ErrNoMainCompany
	}
	res, err := relation.Totals(g, opts.Ownership)
	if err != nil {
		return nil, fmt.Errorf("bods: totals: %w", err)
	}
	owners, err := res.BeneficialOwners(opts.Policy)
	if err != nil {
		return nil, err
	}
	date := opts.StatementDate.UTC().Format(time.DateOnly)
	var pub *PublicationDetails
	if opts.Publisher != (Publisher{}) {
		pd := opts.PublicationDate
		if pd.IsZero() {
			pd = opts.StatementDate
		}
		pub = &PublicationDetails{PublicationDate: pd.UTC().Format(time.DateOnly), BODSVersion: Version, Publisher: opts.Publisher}
	}

	// Beneficial owners: individuals whose test is yes.
	individual := make(map[string]bool, len(g.Individuals))
	for _, p := range g.Individuals {
		individual[p.ID] = true
	}
	type owner struct {
		a          ownership.Assessment
		components []int // indexes into g.Relations
	}
	var indirect []owner
	directOwner := map[int]ownership.Assessment{} // relation index -> its owner's assessment
	component := make([]bool, len(g.Relations))
	walks := newWalker(g, main.ID)
	for _, a := range owners {
		if !individual[a.ID] || a.Outcome() != ownership.Yes {
			continue
		}
		comps := walks.relations(a.ID)
		if len(comps) == 1 && g.Relations[comps[0]].From() == a.ID && g.Relations[comps[0]].ToCompanyID == main.ID {
			directOwner[comps[0]] = a
			continue
		}
		for _, i := range comps {
			component[i] = true
		}
		indirect = append(indirect, owner{a, comps})
	}

	var pkg Package
	add := func(recordID, typ string, details any) error {
		raw, err := json.Marshal(details)
		if err != nil {
			return err
		}
		s := Statement{
			StatementID: statementID(recordID, date, raw), StatementDate: date, DeclarationSubject: main.ID,
			RecordID: recordID, RecordType: typ, PublicationDetails: pub,
		}
		switch d := details.(type) {
		case *EntityRecord:
			s.Entity = d
		case *PersonRecord:
			s.Person = d
		case *RelationshipRecord:
			s.Relationship = d
		}
		pkg = append(pkg, s)
		return nil
	}
	for _, c := range g.Companies {
		if err := add(c.ID, RecordEntity, entityRecord(c)); err != nil {
			return nil, err
		}
	}
	for _, p := range g.Individuals {
		if err := add(p.ID, RecordPerson, personRecord(p)); err != nil {
			return nil, err
		}
	}
	for i, r := range g.Relations {
		rec := &RelationshipRecord{
			IsComponent:     component[i],
			Subject:         Party{RecordID: r.ToCompanyID},
			InterestedParty: Party{RecordID: r.From()},
			Interests:       directInterests(r),
		}
		if a, ok := directOwner[i]; ok {
			for k := range rec.Interests {
				switch rec.Interests[k].Type {
				case InterestShareholding:
					rec.Interests[k].BeneficialOwnershipOrControl = a.OwnershipTest == ownership.Yes
				case InterestVotingRights:
					rec.Interests[k].BeneficialOwnershipOrControl = a.VotingTest == ownership.Yes
				}
			}
		}
		if err := add(r.ID, RecordRelationship, rec); err != nil {
			return nil, err
		}
	}
	for _, o := range indirect {
		rec := &RelationshipRecord{
			Subject:         Party{RecordID: main.ID},
			InterestedParty: Party{RecordID: o.a.ID},
		}
		for _, c := range o.components {
			rec.ComponentRecords = append(rec.ComponentRecords, g.Relations[c].ID)
		}
		for _, x := range []struct {
			typ   string
			total ownership.Total
			test  ownership.Outcome
		}{
			{InterestShareholding, o.a.Ownership, o.a.OwnershipTest},
			{InterestVotingRights, o.a.Voting, o.a.VotingTest},
		} {
			share := shareOfTotal(x.total)
			if share == nil || (share.Exact == "0") {
				continue
			}
			rec.Interests = append(rec.Interests, Interest{
				Type: x.typ, DirectOrIndirect: Indirect, BeneficialOwnershipOrControl: x.test == ownership.Yes, Share: share,
			})
		}
		if err := add(RecordID(o.a.ID, main.ID), RecordRelationship, rec); err != nil {
			return nil, err
		}
	}
	return pkg, nil
}

// statementID derives a statement id from what the statement says.
func statementID(recordID, date string, details []byte) string {
	h := sha256.New()
	h.Write([]byte(recordID))
	h.Write([]byte{0})
	h.Write([]byte(date))
	h.Write([]byte{0})
	h.Write(details)
	return hex.EncodeToString(h.Sum(nil))
}

// directInterests are the interests of a relation (see Export).
func directInterests(r relation.Relation) []Interest {
	var out []Interest
	if r.HasRole(relation.RoleShareholder) || !r.OwnershipPercentage.IsUnknown() {
		out = append(out, Interest{Type: InterestShareholding, DirectOrIndirect: Direct, Share: shareOfPercent(r.OwnershipPercentage)})
	}
	if !r.VotingRightsPercentage.IsUnknown() {
		out = append(out, Interest{Type: InterestVotingRights, DirectOrIndirect: Direct, Share: shareOfPercent(r.VotingRightsPercentage)})
	}
	if r.HasRole(relation.RoleLegalRepresentative) {
		out = append(out, Interest{Type: interestSeniorManagingOfficial, DirectOrIndirect: Direct, Details: r.Position})
	}
	return out
}

// interestSeniorManagingOfficial is the interest a legal representative
// holds.
const interestSeniorManagingOfficial = "seniorManagingOfficial"

// walker finds the relations on the walks from an owner to the main
// company whose every relation may carry a stake (one that is not exactly 0
// for both interests).
type walker struct {
	g      relation.Graph
	main   string
	out    map[string][]int // relations by source
	toMain map[string]bool  // entities with such a walk to the main company
}

func newWalker(g relation.Graph, main string) *walker {
	w := &walker{g: g, main: main, out: map[string][]int{}}
	in := map[string][]int{}
	for i, r := range g.Relations {
		if carries(r) {
			w.out[r.From()] = append(w.out[r.From()], i)
			in[r.ToCompanyID] = append(in[r.ToCompanyID], i)
		}
	}
	w.toMain = w.reach(main, in, relation.Relation.From)
	return w
}

func carries(r relation.Relation) bool {
	for _, p := range []entity.Percentage{r.OwnershipPercentage, r.VotingRightsPercentage} {
		if d, ok := p.Decimal(); !ok || !d.IsZero() {
			return true
		}
	}
	return false
}

func (w *walker) reach(start string, next map[string][]int, end func(relation.Relation) string) map[string]bool {
	seen := map[string]bool{start: true}
	queue := []string{start}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, i := range next[v] {
			if u := end(w.g.Relations[i]); !seen[u] {
				seen[u] = true
				queue = append(queue, u)
			}
		}
	}
	return seen
}

// relations returns, in graph order, the indexes of the relations on the
// walks from owner to the main company.
func (w *walker) relations(owner string) []int {
	from := w.reach(owner, w.out, func(r relation.Relation) string { return r.ToCompanyID })
	var rels []int
	for v := range from {
		if v == w.main || !w.toMain[v] {
			continue
		}
		for _, i := range w.out[v] {
			if w.toMain[w.g.Relations[i].ToCompanyID] {
				rels = append(rels, i)
			}
		}
	}
	slices.Sort(rels)
	return rels
}

func entityRecord(c entity.Company) *EntityRecord {
	rec := &EntityRecord{EntityType: EntityType{Type: "legalEntity"}, Name: c.Name, FoundingDate: c.RegistrationDate}
	if c.RegistrationNumber != "" {
		rec.EntityType.Type = "registeredEntity"
		rec.Identifiers = []Identifier{{ID: c.RegistrationNumber, SchemeName: registrationScheme}}
	}
	if c.Country != "" {
		rec.Jurisdiction = &Jurisdiction{Name: countryName(c.Country), Code: c.Country}
	}
	return rec
}

// registrationScheme names the scheme of a company's registration number.
const registrationScheme = "Company register"

func personRecord(p entity.Individual) *PersonRecord {
	rec := &PersonRecord{PersonType: "knownPerson", BirthDate: p.BirthDate}
	if full := p.FullName(); full != "" {
		rec.Names = []Name{{Type: "legal", FullName: full, GivenName: p.FirstName, FamilyName: p.LastName}}
	}
	for _, n := range p.Nationalities {
		rec.Nationalities = append(rec.Nationalities, Country{Name: countryName(n), Code: n})
	}
	return rec
}

func countryName(code string) string {
	if c := countries.ByName(code); c != countries.Unknown {
		return c.String()
	}
	return code
}
