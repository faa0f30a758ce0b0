package bods

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// Version is the BODS version dossier writes and reads.
const Version = "0.4"

// The record types of a statement.
const (
	RecordEntity       = "entity"
	RecordPerson       = "person"
	RecordRelationship = "relationship"
)

// The interest types dossier represents; every other type of the
// interestType codelist is reported on import.
const (
	InterestShareholding = "shareholding"
	InterestVotingRights = "votingRights"
)

// The values of directOrIndirect.
const (
	Direct   = "direct"
	Indirect = "indirect"
)

// Statement is one BODS statement: a claim about an entity, a person or a
// relationship (its record) made at a date. Exactly one of Entity, Person
// and Relationship is set, matching RecordType; its JSON form puts it in
// recordDetails. Members dossier does not use are not kept.
type Statement struct {
	StatementID        string              `json:"statementId"`
	StatementDate      string              `json:"statementDate"`
	DeclarationSubject string              `json:"declarationSubject"`
	RecordID           string              `json:"recordId"`
	RecordType         string              `json:"recordType"`
	RecordStatus       string              `json:"recordStatus,omitempty"`
	PublicationDetails *PublicationDetails `json:"publicationDetails,omitempty"`

	Entity       *EntityRecord       `json:"-"`
	Person       *PersonRecord       `json:"-"`
	Relationship *RelationshipRecord `json:"-"`
}

// PublicationDetails says when, by whom and under which version a
// statement was published.
type PublicationDetails struct {
	PublicationDate string    `json:"publicationDate"`
	BODSVersion     string    `json:"bodsVersion"`
	Publisher       Publisher `json:"publisher"`
	License         string    `json:"license,omitempty"`
}

// Publisher names the organisation publishing statements (a name, a URL
// or both).
type Publisher struct {
	Name string `json:"name,omitempty"`
	URL  string `json:"url,omitempty"`
}

// EntityRecord is the recordDetails of an entity.
type EntityRecord struct {
	IsComponent  bool          `json:"isComponent"`
	EntityType   EntityType    `json:"entityType"`
	Name         string        `json:"name,omitempty"`
	Jurisdiction *Jurisdiction `json:"jurisdiction,omitempty"`
	Identifiers  []Identifier  `json:"identifiers,omitempty"`
	FoundingDate string        `json:"foundingDate,omitempty"`
	// UnspecifiedEntityDetails says why an anonymous or unknown entity is
	// not identified.
	UnspecifiedEntityDetails *Unspecified `json:"unspecifiedEntityDetails,omitempty"`
}

// EntityType is the form of an entity: registeredEntity, legalEntity,
// arrangement, anonymousEntity, unknownEntity, state or stateBody.
type EntityType struct {
	Type    string `json:"type"`
	Subtype string `json:"subtype,omitempty"`
	Details string `json:"details,omitempty"`
}

// Jurisdiction is where an entity is registered.
type Jurisdiction struct {
	Name string `json:"name"`
	Code string `json:"code,omitempty"`
}

// Identifier is an official identifier; Scheme or SchemeName is set.
type Identifier struct {
	ID         string `json:"id,omitempty"`
	Scheme     string `json:"scheme,omitempty"`
	SchemeName string `json:"schemeName,omitempty"`
}

// PersonRecord is the recordDetails of a natural person.
type PersonRecord struct {
	IsComponent bool `json:"isComponent"`
	// PersonType is knownPerson, anonymousPerson or unknownPerson.
	PersonType    string    `json:"personType"`
	Names         []Name    `json:"names,omitempty"`
	Nationalities []Country `json:"nationalities,omitempty"`
	BirthDate     string    `json:"birthDate,omitempty"`
	// UnspecifiedPersonDetails says why an anonymous or unknown person is
	// not identified.
	UnspecifiedPersonDetails *Unspecified `json:"unspecifiedPersonDetails,omitempty"`
}

// Name is one name of a person.
type Name struct {
	Type       string `json:"type,omitempty"`
	FullName   string `json:"fullName"`
	GivenName  string `json:"givenName,omitempty"`
	FamilyName string `json:"familyName,omitempty"`
}

// Country is a country by name and ISO 3166-1 alpha-2 code.
type Country struct {
	Name string `json:"name"`
	Code string `json:"code,omitempty"`
}

// Unspecified is an unspecified record: the reason a party is not named.
type Unspecified struct {
	Reason      string `json:"reason"`
	Description string `json:"description,omitempty"`
}

// RelationshipRecord is the recordDetails of a relationship: the interests
// InterestedParty holds in Subject.
type RelationshipRecord struct {
	IsComponent bool `json:"isComponent"`
	// ComponentRecords are the recordIds of the relationships an indirect
	// relationship goes through; they come before it in a package.
	ComponentRecords []string   `json:"componentRecords,omitempty"`
	Subject          Party      `json:"subject"`
	InterestedParty  Party      `json:"interestedParty"`
	Interests        []Interest `json:"interests,omitempty"`
}

// Party is the subject or interested party of a relationship: a recordId,
// or an unspecified record.
type Party struct {
	RecordID    string
	Unspecified *Unspecified
}

// MarshalJSON writes the recordId as a string, or the unspecified record.
func (p Party) MarshalJSON() ([]byte, error) {
	if p.Unspecified != nil {
		return json.Marshal(p.Unspecified)
	}
	return json.Marshal(p.RecordID)
}

// UnmarshalJSON reads a recordId string or an unspecified record object.
func (p *Party) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var u Unspecified
		if err := json.Unmarshal(b, &u); err != nil {
			return err
		}
		*p = Party{Unspecified: &u}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*p = Party{RecordID: s}
	return nil
}

// Interest is one interest held in the subject of a relationship.
type Interest struct {
	Type             string `json:"type"`
	DirectOrIndirect string `json:"directOrIndirect,omitempty"`
	// BeneficialOwnershipOrControl is true when the interest makes a
	// natural person a beneficial owner of the subject.
	BeneficialOwnershipOrControl bool   `json:"beneficialOwnershipOrControl"`
	Details                      string `json:"details,omitempty"`
	Share                        *Share `json:"share,omitempty"`
	StartDate                    string `json:"startDate,omitempty"`
	EndDate                      string `json:"endDate,omitempty"`
}

// Share is the percentage of an interest: Exact, or a band with at most
// one lower member (Minimum or ExclusiveMinimum) and at most one upper
// member (Maximum or ExclusiveMaximum). Values are JSON number texts.
type Share struct {
	Exact            json.Number `json:"exact,omitempty"`
	Minimum          json.Number `json:"minimum,omitempty"`
	ExclusiveMinimum json.Number `json:"exclusiveMinimum,omitempty"`
	Maximum          json.Number `json:"maximum,omitempty"`
	ExclusiveMaximum json.Number `json:"exclusiveMaximum,omitempty"`
}

// UnmarshalJSON reads a share, refusing a value that is not a JSON number
// (a string holding a number included, as the schema does).
func (s *Share) UnmarshalJSON(b []byte) error {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil {
		return err
	}
	var out Share
	for name, dst := range map[string]*json.Number{
		"exact": &out.Exact, "minimum": &out.Minimum, "exclusiveMinimum": &out.ExclusiveMinimum,
		"maximum": &out.Maximum, "exclusiveMaximum": &out.ExclusiveMaximum,
	} {
		raw, ok := members[name]
		if !ok {
			continue
		}
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) {
			return &json.UnmarshalTypeError{Value: "non-number", Field: "share." + name}
		}
		*dst = json.Number(raw)
	}
	*s = out
	return nil
}

// wireStatement is the JSON form of a Statement.
type wireStatement struct {
	StatementID        string              `json:"statementId"`
	StatementDate      string              `json:"statementDate"`
	DeclarationSubject string              `json:"declarationSubject"`
	RecordID           string              `json:"recordId"`
	RecordType         string              `json:"recordType"`
	RecordStatus       string              `json:"recordStatus,omitempty"`
	RecordDetails      json.RawMessage     `json:"recordDetails"`
	PublicationDetails *PublicationDetails `json:"publicationDetails,omitempty"`
}

// MarshalJSON writes the statement with its record in recordDetails.
func (s Statement) MarshalJSON() ([]byte, error) {
	var details any
	switch {
	case s.Entity != nil:
		details = s.Entity
	case s.Person != nil:
		details = s.Person
	case s.Relationship != nil:
		details = s.Relationship
	default:
		return nil, errors.New("bods: a statement needs an entity, a person or a relationship record")
	}
	raw, err := json.Marshal(details)
	if err != nil {
		return nil, err
	}
	return json.Marshal(wireStatement{
		StatementID: s.StatementID, StatementDate: s.StatementDate, DeclarationSubject: s.DeclarationSubject,
		RecordID: s.RecordID, RecordType: s.RecordType, RecordStatus: s.RecordStatus,
		RecordDetails: raw, PublicationDetails: s.PublicationDetails,
	})
}

// Package is a BODS package: statements in the order the standard asks
// (records before the relationships that name them, components before
// their primary relationship). Its JSON form is an array of statements.
type Package []Statement

// WriteJSONLines writes the statements as JSON Lines, one per line.
func (p Package) WriteJSONLines(w io.Writer) error {
	enc := json.NewEncoder(w)
	for _, s := range p {
		if err := enc.Encode(s); err != nil {
			return err
		}
	}
	return nil
}
