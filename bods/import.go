package bods

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/dossierkit/dossier/entity"
	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/relation"
	"github.com/dossierkit/dossier/validation"
)

// MaxPackageSize is the largest package Import reads, in bytes.
const MaxPackageSize = 256 << 20

// ImportOptions are what Import needs besides the package.
type ImportOptions struct {
	// MainRecordID is the recordId of the entity that becomes the main
	// company; empty means the declarationSubject of the statements
	// (which must then all name the same one).
	MainRecordID string
	// NewID returns a new id for each company, individual and relation.
	// Required.
	NewID func() string
	// Now is stamped as created_at and updated_at.
	Now time.Time
	// Ownership is how the totals that indirect relationships are checked
	// against are computed (the workspace's voting method).
	Ownership ownership.Options
}

// Imported is what Import read: a case graph ready to be stored, and the
// report of what the graph does not hold.
type Imported struct {
	// Graph holds the companies, individuals and relations, with new ids.
	Graph relation.Graph
	// MainCompanyID is the id of the main company in Graph.
	MainCompanyID string
	// RecordIDs maps the recordId of every record turned into a company, an
	// individual or a relation to its new id.
	RecordIDs map[string]string
	// Report lists what was not turned into the graph, and the declared
	// indirect shares that disagree with the computed totals.
	Report Report
}

// Report is what an import could not represent, never silently dropped.
type Report struct {
	// Skipped lists the statements, or parts of them, that are not in the
	// graph, each with its reason.
	Skipped []Skipped
	// Linked lists the ids of the entities the package connects to nothing
	// that reaches the main company: each was linked to the main company
	// by a relation with unknown percentages and no roles, as creating an
	// entity without relations does.
	Linked []string
	// Disagreements lists the indirect interests whose declared share
	// cannot be the computed total (see ownership.Discrepancy: the share
	// and the computed range widened by 0.01 on each side do not meet).
	Disagreements []Disagreement
	// Checked counts the indirect interests checked against the totals.
	Checked int
}

// Reason says why part of a package is not in the graph.
type Reason string

// The reasons of Skipped.
const (
	// ReasonArrangement: an entity of type arrangement (a trust, a
	// nomination): dossier holds companies.
	ReasonArrangement Reason = "arrangement"
	// ReasonAnonymousEntity and ReasonUnknownEntity: an entity whose
	// identity is withheld or unknown.
	ReasonAnonymousEntity Reason = "anonymous_entity"
	ReasonUnknownEntity   Reason = "unknown_entity"
	// ReasonAnonymousPerson and ReasonUnknownPerson: a person whose
	// identity is withheld or unknown.
	ReasonAnonymousPerson Reason = "anonymous_person"
	ReasonUnknownPerson   Reason = "unknown_person"
	// ReasonUnspecifiedParty: a relationship whose subject or interested
	// party is an unspecified record.
	ReasonUnspecifiedParty Reason = "unspecified_party"
	// ReasonMissingParty: a relationship naming a record that is not in
	// the package, was skipped, or is not an entity where an entity is
	// needed.
	ReasonMissingParty Reason = "missing_party"
	// ReasonClosedRecord: the latest statement of the record closes it.
	ReasonClosedRecord Reason = "closed_record"
	// ReasonSuperseded: a later statement of the same record replaces this
	// one.
	ReasonSuperseded Reason = "superseded"
	// ReasonOtherInterest: an interest of a type other than shareholding,
	// votingRights and seniorManagingOfficial.
	ReasonOtherInterest Reason = "other_interest"
	// ReasonEndedInterest: an interest with an end date.
	ReasonEndedInterest Reason = "ended_interest"
	// ReasonDuplicateInterest: a second current interest of the same type
	// in one relationship; the first is kept.
	ReasonDuplicateInterest Reason = "duplicate_interest"
	// ReasonDuplicateRelationship: a second relationship between the same
	// interested party and subject; the first is kept.
	ReasonDuplicateRelationship Reason = "duplicate_relationship"
	// ReasonWidenedShare: a share with more than two decimals, kept as the
	// band of two-decimal bounds around it (33.333 as (33.33, 33.34)).
	ReasonWidenedShare Reason = "widened_share"
)

// Skipped is one statement, or one interest of it, not in the graph.
type Skipped struct {
	StatementID string
	RecordID    string
	Reason      Reason
	// Interest is the index of the interest in the relationship, or -1
	// when the whole statement is concerned.
	Interest int
	// Detail says more (the entity type, the interest type...).
	Detail string
}

// Disagreement is a declared indirect share that cannot be the computed
// total.
type Disagreement struct {
	StatementID string
	RecordID    string
	Interest    int // index in the relationship's interests
	// PartyID and SubjectID are the new ids of the interested party and
	// the subject.
	PartyID, SubjectID string
	Kind               ownership.Interest
	Declared           ownership.Percent
	Computed           ownership.Total
}

// parsed is one statement as read.
type parsed struct {
	index int // position in the package
	s     Statement
	// shares are the shares of the relationship's interests, read.
	shares []ownership.Percent
}

// Import reads a BODS 0.4 package, a JSON array of statements or JSON
// Lines (one statement per line), into a new case graph: entities become
// companies (the main company is opts.MainRecordID or the declared
// subject), persons become individuals, and direct relationships become
// relations with their shares (shareholding: ownership, votingRights:
// voting rights, exact or a band; no share is unknown), the shareholder
// role for a shareholding interest whose share is not exactly 0, and
// legal_representative for a seniorManagingOfficial one (its details give
// the position). Interests
// whose directOrIndirect is absent or unknown count as direct.
//
// A record's latest statement in package order is the one read; the
// earlier ones are reported as superseded. Indirect interests are not
// turned into relations: each is checked against the total computed from
// the direct ones, and a disagreement is reported. Everything else the
// graph cannot hold is reported in the Report with its statement id (see
// Reason); an entity left unconnected is linked to the main company.
//
// A package that is not BODS (malformed JSON, a statement without its
// required members, a share breaking the standard's rules, two statements
// with one id, one record with two types, no main company) or whose data
// dossier refuses (a name too long, stakes over 100 %) is a
// *validation.Error whose paths point into the package:
// "statements[3].recordDetails.interests[0].share.exclusiveMinimum". On
// error nothing is returned.
func Import(r io.Reader, opts ImportOptions) (*Imported, error) {
	if opts.NewID == nil {
		return nil, errors.New("bods: Import needs ImportOptions.NewID")
	}
	stmts, err := parse(r)
	if err != nil {
		return nil, err
	}
	return build(stmts, opts)
}

// parse reads and checks the statements.
func parse(r io.Reader) ([]parsed, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxPackageSize+1))
	if err != nil {
		return nil, fmt.Errorf("bods: read the package: %w", err)
	}
	if len(data) > MaxPackageSize {
		return nil, validation.New("statements", validation.CodeTooLong, fmt.Sprintf("a package may have at most %d bytes", MaxPackageSize))
	}
	var raws []json.RawMessage
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		if err := json.Unmarshal(trimmed, &raws); err != nil {
			return nil, validation.New("statements", validation.CodeInvalidFormat, "the package is not a JSON array of statements: "+jsonProblem(err))
		}
	} else {
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, MaxPackageSize)
		line := 0
		for sc.Scan() {
			line++
			b := bytes.TrimSpace(sc.Bytes())
			if len(b) == 0 {
				continue
			}
			if !json.Valid(b) {
				return nil, validation.New(validation.Index("statements", len(raws)), validation.CodeInvalidFormat,
					fmt.Sprintf("line %d is not a JSON statement", line))
			}
			raws = append(raws, append(json.RawMessage(nil), b...))
		}
		if err := sc.Err(); err != nil {
			return nil, validation.New("statements", validation.CodeInvalidFormat, "the package is not JSON Lines")
		}
	}
	if len(raws) == 0 {
		return nil, validation.New("statements", validation.CodeRequired, "the package has no statement")
	}
	var l validation.List
	out := make([]parsed, 0, len(raws))
	ids := make(map[string]int, len(raws))
	types := make(map[string]string, len(raws))
	for i, raw := range raws {
		path := validation.Index("statements", i)
		p, ok := parseStatement(&l, path, raw)
		if !ok {
			continue
		}
		p.index = i
		if first, dup := ids[p.s.StatementID]; dup {
			l.Addf(validation.Join(path, "statementId"), validation.CodeDuplicate, "statements[%d] has the same statementId", first)
			continue
		}
		ids[p.s.StatementID] = i
		if t, seen := types[p.s.RecordID]; seen && t != p.s.RecordType {
			l.Addf(validation.Join(path, "recordType"), validation.CodeConflict, "record %q was a %s in an earlier statement", p.s.RecordID, t)
			continue
		}
		types[p.s.RecordID] = p.s.RecordType
		out = append(out, p)
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// jsonProblem describes a JSON syntax error without Go type names.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("a JSON %s where another type is expected", te.Value)
	}
	return "invalid JSON"
}

// parseStatement decodes and checks one statement.
func parseStatement(l *validation.List, path string, raw json.RawMessage) (parsed, bool) {
	var w wireStatement
	if err := json.Unmarshal(raw, &w); err != nil {
		l.Add(path, validation.CodeInvalidType, "a statement is a JSON object with string members statementId, statementDate, declarationSubject, recordId, recordType and an object recordDetails: "+jsonProblem(err))
		return parsed{}, false
	}
	n := l.Len()
	for _, m := range []struct{ name, v string }{
		{"statementId", w.StatementID}, {"statementDate", w.StatementDate}, {"declarationSubject", w.DeclarationSubject}, {"recordId", w.RecordID},
	} {
		if m.v == "" {
			l.Add(validation.Join(path, m.name), validation.CodeRequired, m.name+" is required")
		}
	}
	if w.StatementID != "" && (len(w.StatementID) < 32 || len(w.StatementID) > 64) {
		l.Add(validation.Join(path, "statementId"), validation.CodeInvalidFormat, "a statementId has 32 to 64 characters")
	}
	switch w.RecordStatus {
	case "", "new", "updated", "closed":
	default:
		l.Addf(validation.Join(path, "recordStatus"), validation.CodeInvalidValue, "must be new, updated or closed")
	}
	dpath := validation.Join(path, "recordDetails")
	details := bytes.TrimSpace(w.RecordDetails)
	if len(details) == 0 || details[0] != '{' {
		l.Add(dpath, validation.CodeRequired, "recordDetails is a required object")
		return parsed{}, false
	}
	p := parsed{s: Statement{
		StatementID: w.StatementID, StatementDate: w.StatementDate, DeclarationSubject: w.DeclarationSubject,
		RecordID: w.RecordID, RecordType: w.RecordType, RecordStatus: w.RecordStatus, PublicationDetails: w.PublicationDetails,
	}}
	decode := func(v any) bool {
		if err := json.Unmarshal(details, v); err != nil {
			l.Add(dpath, validation.CodeInvalidType, "the record details do not match the "+w.RecordType+" record: "+jsonProblem(err))
			return false
		}
		return true
	}
	switch w.RecordType {
	case RecordEntity:
		var e EntityRecord
		if decode(&e) {
			if e.EntityType.Type == "" {
				l.Add(validation.Join(dpath, "entityType.type"), validation.CodeRequired, "an entity has an entityType")
			}
			p.s.Entity = &e
		}
	case RecordPerson:
		var pr PersonRecord
		if decode(&pr) {
			if pr.PersonType == "" {
				l.Add(validation.Join(dpath, "personType"), validation.CodeRequired, "a person has a personType")
			}
			p.s.Person = &pr
		}
	case RecordRelationship:
		var rr RelationshipRecord
		if decode(&rr) {
			for _, m := range []struct {
				name string
				p    Party
			}{{"subject", rr.Subject}, {"interestedParty", rr.InterestedParty}} {
				if m.p.RecordID == "" && (m.p.Unspecified == nil || m.p.Unspecified.Reason == "") {
					l.Add(validation.Join(dpath, m.name), validation.CodeRequired, m.name+" is a recordId or an unspecified record with a reason")
				}
			}
			if rr.IsComponent && len(rr.ComponentRecords) > 0 {
				l.Add(validation.Join(dpath, "componentRecords"), validation.CodeConflict, "a component relationship has no components")
			}
			for k, in := range rr.Interests {
				ipath := validation.Index(validation.Join(dpath, "interests"), k)
				if in.Type == "" {
					l.Add(validation.Join(ipath, "type"), validation.CodeRequired, "an interest has a type")
				}
				switch in.DirectOrIndirect {
				case "", Direct, Indirect, "unknown":
				default:
					l.Add(validation.Join(ipath, "directOrIndirect"), validation.CodeInvalidValue, "must be direct, indirect or unknown")
				}
				share, _ := readShare(l, validation.Join(ipath, "share"), in.Share)
				p.shares = append(p.shares, share)
			}
			p.s.Relationship = &rr
		}
	case "":
		l.Add(validation.Join(path, "recordType"), validation.CodeRequired, "recordType is required")
	default:
		l.Add(validation.Join(path, "recordType"), validation.CodeInvalidValue, "must be entity, person or relationship")
	}
	return p, l.Len() == n
}

// builder turns the latest statements into a graph.
type builder struct {
	opts    ImportOptions
	out     *Imported
	kind    map[string]string // recordId -> kind of what it became: "company", "individual"
	pathOf  map[string]string // new id -> path of its statement
	skipped func(p parsed, interest int, reason Reason, detail string)
}

func build(stmts []parsed, opts ImportOptions) (*Imported, error) {
	out := &Imported{RecordIDs: map[string]string{}}
	b := &builder{opts: opts, out: out, kind: map[string]string{}, pathOf: map[string]string{}}
	b.skipped = func(p parsed, interest int, reason Reason, detail string) {
		out.Report.Skipped = append(out.Report.Skipped, Skipped{StatementID: p.s.StatementID, RecordID: p.s.RecordID, Reason: reason, Interest: interest, Detail: detail})
	}
	// The latest statement of each record, in package order.
	latest := make(map[string]int, len(stmts))
	for i, p := range stmts {
		if j, ok := latest[p.s.RecordID]; ok {
			b.skipped(stmts[j], -1, ReasonSuperseded, "replaced by statement "+p.s.StatementID)
		}
		latest[p.s.RecordID] = i
	}
	var current []parsed
	for i, p := range stmts {
		if latest[p.s.RecordID] != i {
			continue
		}
		if p.s.RecordStatus == "closed" {
			b.skipped(p, -1, ReasonClosedRecord, "")
			continue
		}
		current = append(current, p)
	}

	var l validation.List
	mainRecord, mainPath := b.mainRecord(&l, stmts)
	for _, p := range current {
		switch {
		case p.s.Entity != nil:
			b.addCompany(&l, p, p.s.RecordID == mainRecord)
		case p.s.Person != nil:
			b.addIndividual(&l, p)
		}
	}
	if mainRecord != "" && l.Len() == 0 {
		if id, ok := out.RecordIDs[mainRecord]; !ok || b.kind[mainRecord] != "company" {
			l.Addf(mainPath, relation.CodeNoMainCompany, "the main company %q is not an entity the package identifies", mainRecord)
		} else {
			out.MainCompanyID = id
		}
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	// Relationships.
	type check struct {
		p        parsed
		interest int
		kind     ownership.Interest
	}
	var checks []check
	pairs := map[[2]string]bool{}
	for _, p := range current {
		rr := p.s.Relationship
		if rr == nil {
			continue
		}
		subject, party, ok := b.parties(p)
		if !ok {
			continue
		}
		rel := relation.Relation{ID: b.opts.NewID(), ToCompanyID: subject, CreatedAt: opts.Now, UpdatedAt: opts.Now}
		if b.kind[rr.InterestedParty.RecordID] == "company" {
			rel.FromCompanyID = party
		} else {
			rel.FromIndividualID = party
		}
		direct := len(rr.Interests) == 0
		seen := map[string]bool{}
		for k, in := range rr.Interests {
			if in.EndDate != "" {
				b.skipped(p, k, ReasonEndedInterest, in.Type+" ended "+in.EndDate)
				continue
			}
			kind := ownership.Ownership
			switch in.Type {
			case InterestShareholding:
			case InterestVotingRights:
				kind = ownership.Voting
			case interestSeniorManagingOfficial:
				if in.DirectOrIndirect == Indirect {
					b.skipped(p, k, ReasonOtherInterest, "indirect "+in.Type)
					continue
				}
				direct = true
				if !rel.HasRole(relation.RoleLegalRepresentative) {
					rel.Roles = append(rel.Roles, relation.RoleLegalRepresentative)
					rel.Position = in.Details
				}
				continue
			default:
				b.skipped(p, k, ReasonOtherInterest, in.Type)
				continue
			}
			if in.DirectOrIndirect == Indirect {
				checks = append(checks, check{p, k, kind})
				continue
			}
			direct = true
			if seen[in.Type] {
				b.skipped(p, k, ReasonDuplicateInterest, in.Type)
				continue
			}
			seen[in.Type] = true
			share, widened := twoPlaces(p.shares[k])
			if widened {
				b.skipped(p, k, ReasonWidenedShare, p.shares[k].String()+" kept as "+share.String())
			}
			if kind == ownership.Ownership {
				rel.OwnershipPercentage = share
				if d, ok := share.Decimal(); (!ok || !d.IsZero()) && !rel.HasRole(relation.RoleShareholder) {
					rel.Roles = append([]relation.Role{relation.RoleShareholder}, rel.Roles...)
				}
			} else {
				rel.VotingRightsPercentage = share
			}
		}
		if !direct {
			continue
		}
		key := [2]string{party, subject}
		if pairs[key] {
			b.skipped(p, -1, ReasonDuplicateRelationship, "")
			continue
		}
		pairs[key] = true
		if rel.Roles == nil {
			rel.Roles = []relation.Role{}
		}
		b.pathOf[rel.ID] = validation.Index("statements", p.index)
		out.RecordIDs[p.s.RecordID] = rel.ID
		out.Graph.Relations = append(out.Graph.Relations, rel)
	}
	b.linkOrphans()
	if err := b.check(); err != nil {
		return nil, err
	}
	if len(checks) > 0 {
		results := map[string]*ownership.Result{}
		for _, c := range checks {
			rr := c.p.s.Relationship
			subject, party := out.RecordIDs[rr.Subject.RecordID], out.RecordIDs[rr.InterestedParty.RecordID]
			res, ok := results[subject]
			if !ok {
				var err error
				if res, err = ownership.Compute(subject, out.Graph.Edges(), opts.Ownership); err != nil {
					return nil, fmt.Errorf("bods: totals: %w", err)
				}
				results[subject] = res
			}
			out.Report.Checked++
			declared := c.p.shares[c.interest]
			d, err := res.Compare(party, c.kind, declared)
			if err != nil && !errors.Is(err, ownership.ErrUnknownNode) {
				return nil, fmt.Errorf("bods: check an indirect interest: %w", err)
			}
			if err != nil || d.Differs {
				out.Report.Disagreements = append(out.Report.Disagreements, Disagreement{
					StatementID: c.p.s.StatementID, RecordID: c.p.s.RecordID, Interest: c.interest,
					PartyID: party, SubjectID: subject, Kind: c.kind, Declared: declared, Computed: d.Computed,
				})
			}
		}
	}
	return out, nil
}

// mainRecord returns the recordId of the main company and the path to
// blame when it is wrong.
func (b *builder) mainRecord(l *validation.List, stmts []parsed) (string, string) {
	if b.opts.MainRecordID != "" {
		return b.opts.MainRecordID, "main_record_id"
	}
	subject := stmts[0].s.DeclarationSubject
	for _, p := range stmts[1:] {
		if p.s.DeclarationSubject != subject {
			l.Addf(validation.Join(validation.Index("statements", p.index), "declarationSubject"), validation.CodeConflict,
				"the statements declare about %q and %q: choose the main company", subject, p.s.DeclarationSubject)
			return "", ""
		}
	}
	return subject, validation.Join(validation.Index("statements", stmts[0].index), "declarationSubject")
}

func (b *builder) addCompany(l *validation.List, p parsed, main bool) {
	e := p.s.Entity
	switch e.EntityType.Type {
	case "registeredEntity", "legalEntity", "state", "stateBody":
	case "arrangement":
		b.skipped(p, -1, ReasonArrangement, e.EntityType.Subtype)
		return
	case "anonymousEntity":
		b.skipped(p, -1, ReasonAnonymousEntity, unspecifiedReason(e.UnspecifiedEntityDetails))
		return
	case "unknownEntity":
		b.skipped(p, -1, ReasonUnknownEntity, unspecifiedReason(e.UnspecifiedEntityDetails))
		return
	default:
		l.Addf(validation.Join(validation.Index("statements", p.index), "recordDetails.entityType.type"), validation.CodeInvalidValue, "%q is not an entity type", e.EntityType.Type)
		return
	}
	in := entity.CompanyInput{Type: entity.CompanyAffiliated, Name: e.Name, Status: entity.StatusNotReported}
	if main {
		in.Type = entity.CompanyMain
	}
	if e.Jurisdiction != nil && len(e.Jurisdiction.Code) == 2 {
		in.Country = strings.ToUpper(e.Jurisdiction.Code)
	}
	if len(e.Identifiers) > 0 {
		in.RegistrationNumber = e.Identifiers[0].ID
	}
	if len(e.FoundingDate) == len(time.DateOnly) {
		in.RegistrationDate = e.FoundingDate
	}
	id := b.opts.NewID()
	c, err := entity.NewCompany(id, in, b.opts.Now)
	if err != nil {
		l.Merge(validation.Join(validation.Index("statements", p.index), "recordDetails"), err)
		return
	}
	b.add(p, id, "company")
	b.out.Graph.Companies = append(b.out.Graph.Companies, c)
}

func (b *builder) addIndividual(l *validation.List, p parsed) {
	pr := p.s.Person
	switch pr.PersonType {
	case "knownPerson":
	case "anonymousPerson":
		b.skipped(p, -1, ReasonAnonymousPerson, unspecifiedReason(pr.UnspecifiedPersonDetails))
		return
	case "unknownPerson":
		b.skipped(p, -1, ReasonUnknownPerson, unspecifiedReason(pr.UnspecifiedPersonDetails))
		return
	default:
		l.Addf(validation.Join(validation.Index("statements", p.index), "recordDetails.personType"), validation.CodeInvalidValue, "%q is not a person type", pr.PersonType)
		return
	}
	var in entity.IndividualInput
	if n, ok := personName(pr.Names); ok {
		in.FirstName, in.LastName = n.GivenName, n.FamilyName
		if in.FirstName == "" && in.LastName == "" {
			full := strings.Fields(n.FullName)
			if len(full) > 0 {
				in.LastName = full[len(full)-1]
				in.FirstName = strings.Join(full[:len(full)-1], " ")
			}
		}
	}
	for _, c := range pr.Nationalities {
		if len(c.Code) == 2 && !slices.Contains(in.Nationalities, strings.ToUpper(c.Code)) {
			in.Nationalities = append(in.Nationalities, strings.ToUpper(c.Code))
		}
	}
	if len(pr.BirthDate) == len(time.DateOnly) {
		in.BirthDate = pr.BirthDate
	}
	id := b.opts.NewID()
	ind, err := entity.NewIndividual(id, in, b.opts.Now)
	if err != nil {
		l.Merge(validation.Join(validation.Index("statements", p.index), "recordDetails"), err)
		return
	}
	b.add(p, id, "individual")
	b.out.Graph.Individuals = append(b.out.Graph.Individuals, ind)
}

func (b *builder) add(p parsed, id, kind string) {
	b.out.RecordIDs[p.s.RecordID] = id
	b.kind[p.s.RecordID] = kind
	b.pathOf[id] = validation.Index("statements", p.index)
}

// personName picks the legal name, or the first.
func personName(names []Name) (Name, bool) {
	for _, n := range names {
		if n.Type == "legal" {
			return n, true
		}
	}
	if len(names) > 0 {
		return names[0], true
	}
	return Name{}, false
}

func unspecifiedReason(u *Unspecified) string {
	if u == nil {
		return ""
	}
	return u.Reason
}

// parties resolves the subject and interested party of a relationship, or
// reports why it cannot.
func (b *builder) parties(p parsed) (subject, party string, ok bool) {
	rr := p.s.Relationship
	if rr.Subject.Unspecified != nil || rr.InterestedParty.Unspecified != nil {
		reason := ""
		if rr.Subject.Unspecified != nil {
			reason = "subject: " + rr.Subject.Unspecified.Reason
		} else {
			reason = "interested party: " + rr.InterestedParty.Unspecified.Reason
		}
		b.skipped(p, -1, ReasonUnspecifiedParty, reason)
		return "", "", false
	}
	if b.kind[rr.Subject.RecordID] != "company" {
		b.skipped(p, -1, ReasonMissingParty, "subject "+rr.Subject.RecordID+" is not an entity of the graph")
		return "", "", false
	}
	if b.kind[rr.InterestedParty.RecordID] == "" {
		b.skipped(p, -1, ReasonMissingParty, "interested party "+rr.InterestedParty.RecordID+" is not in the graph")
		return "", "", false
	}
	subject, party = b.out.RecordIDs[rr.Subject.RecordID], b.out.RecordIDs[rr.InterestedParty.RecordID]
	if subject == party {
		b.skipped(p, -1, ReasonMissingParty, "an entity cannot hold itself")
		return "", "", false
	}
	return subject, party, true
}

// linkOrphans links each group of entities the relations leave apart from
// the main company to it, through the group's first company without an
// outgoing relation (or its first entity).
func (b *builder) linkOrphans() {
	g := &b.out.Graph
	for {
		orphans := relation.Orphans(*g)
		if len(orphans) == 0 {
			return
		}
		isOrphan := map[string]bool{}
		for _, id := range orphans {
			isOrphan[id] = true
		}
		holds := map[string]bool{}
		for _, r := range g.Relations {
			holds[r.From()] = true
		}
		pick := orphans[0]
		for _, id := range orphans {
			if _, isCompany := g.Company(id); isCompany && !holds[id] {
				pick = id
				break
			}
		}
		rel := relation.Relation{ID: b.opts.NewID(), ToCompanyID: b.out.MainCompanyID, Roles: []relation.Role{}, CreatedAt: b.opts.Now, UpdatedAt: b.opts.Now}
		if _, isCompany := g.Company(pick); isCompany {
			rel.FromCompanyID = pick
		} else {
			rel.FromIndividualID = pick
		}
		g.Relations = append(g.Relations, rel)
		b.out.Report.Linked = append(b.out.Report.Linked, pick)
	}
}

// check runs the graph rules and points their problems at the statements.
func (b *builder) check() error {
	err := relation.Check(b.out.Graph)
	if err == nil {
		return nil
	}
	var verr *validation.Error
	if !errors.As(err, &verr) {
		return fmt.Errorf("bods: the package's graph: %w", err)
	}
	g := b.out.Graph
	var l validation.List
	for _, p := range verr.Problems {
		path := p.Path
		for _, x := range []struct {
			list string
			id   func(i int) string
		}{
			{"companies", func(i int) string { return g.Companies[i].ID }},
			{"individuals", func(i int) string { return g.Individuals[i].ID }},
			{"relations", func(i int) string { return g.Relations[i].ID }},
		} {
			var i int
			var rest string
			if n, _ := fmt.Sscanf(path, x.list+"[%d]", &i); n == 1 {
				rest = path[strings.Index(path, "]")+1:]
				if sp, ok := b.pathOf[x.id(i)]; ok {
					path = sp + ".recordDetails" + rest
				}
				break
			}
		}
		l.Add(path, p.Code, p.Message)
	}
	return l.Err()
}
