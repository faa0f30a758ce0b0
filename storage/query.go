package storage

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/validation"
)

// Query selects, orders and pages the cases Store.Query returns. The zero
// Query lists every case by ascending creation time, DefaultPageSize at a
// time. Every filter that is set must hold (AND); within a list filter
// (Statuses, RiskLevels) any value may match (OR).
//
// The meaning of each filter is [Query.Matches] and the order is
// [Query.Compare]: adapters answer queries however they like (an index, SQL,
// a scan) but must return exactly the cases and the order these two define.
type Query struct {
	// Statuses keeps cases in one of these statuses.
	Statuses []cases.Status
	// Flags keeps cases that have all of these flags (the empty set keeps
	// every case).
	Flags cases.Flags
	// ContactHasActions and ReviewerHasActions, when set, keep cases whose
	// field has this value.
	ContactHasActions  *bool
	ReviewerHasActions *bool
	// RiskLevels keeps cases whose current risk has one of these levels; a
	// case without a current risk has level risk.LevelNotDefined.
	RiskLevels []risk.Level
	// NextReview keeps cases whose review has a next_review_at within the
	// range (both ends inclusive, either may be the zero Date for "no
	// bound"); a case without a next review date never matches a range
	// with a bound.
	NextReview DateRange
	// CreatedAt and UpdatedAt keep cases whose time is within the range.
	CreatedAt TimeRange
	UpdatedAt TimeRange
	// ExternalID keeps the case with exactly this external id.
	ExternalID string
	// NameContains keeps cases whose name contains this text, compared
	// case-insensitively (both lower-cased with strings.ToLower).
	NameContains string
	// TagsAll keeps cases that have every one of these tags (the Dotfile
	// API's array_contains), TagsNone cases that have none of them
	// (array_not_contains), and TagsAny cases that have at least one of
	// them (array_overlap); an empty list is no filter. Tags are compared
	// as stored in cases.Case.Tags: tag ids (the Workspace resolves the
	// labels a host gives to ids before querying the store).
	TagsAll, TagsNone, TagsAny []string
	// AssigneeID keeps the cases assigned to this user id; Unassigned
	// keeps the cases assigned to nobody. They cannot be combined.
	AssigneeID string
	Unassigned bool

	// Sort is the order of the results, ties broken by case id in the same
	// direction; Desc reverses it.
	Sort SortField
	Desc bool

	// After is the cursor of a previous page (Page.Next) of the same query:
	// the page starts after the case the cursor names, in the query's
	// order, so a cursor stays valid while other cases are created, changed
	// or deleted. Offset instead skips that many matching cases (page
	// numbers, as in the Dotfile API); it may not be combined with After.
	After  string
	Offset int
	// Limit is the page size (see PageSize).
	Limit int
	// Count asks for Page.Total, the number of matching cases.
	Count bool
}

// SortField names the field a Query orders by.
type SortField string

// The sort fields.
const (
	// SortCreatedAt orders by created_at (the default).
	SortCreatedAt SortField = "created_at"
	// SortUpdatedAt orders by updated_at.
	SortUpdatedAt SortField = "updated_at"
	// SortName orders by the lower-cased name, compared byte by byte.
	SortName SortField = "name"
	// SortNextReviewAt orders by next_review_at; cases without one come
	// after every date in ascending order.
	SortNextReviewAt SortField = "next_review_at"
)

// DateRange is an inclusive range of calendar dates; a zero end is
// unbounded.
type DateRange struct {
	From, To cases.Date
}

// IsZero reports whether r has no bound.
func (r DateRange) IsZero() bool { return r.From.IsZero() && r.To.IsZero() }

// Contains reports whether d is within r.
func (r DateRange) Contains(d cases.Date) bool {
	return (r.From.IsZero() || d.Compare(r.From) >= 0) && (r.To.IsZero() || d.Compare(r.To) <= 0)
}

// TimeRange is the half-open time range [From, To); a zero end is
// unbounded. "After t" (exclusive) is From t.Add(1ns), "at or before t" is
// To t.Add(1ns): stored times have nanosecond precision.
type TimeRange struct {
	From, To time.Time
}

// IsZero reports whether r has no bound.
func (r TimeRange) IsZero() bool { return r.From.IsZero() && r.To.IsZero() }

// Contains reports whether t is within r.
func (r TimeRange) Contains(t time.Time) bool {
	return (r.From.IsZero() || !t.Before(r.From)) && (r.To.IsZero() || t.Before(r.To))
}

// Page is one page of a Query.
type Page struct {
	// Cases are the matching cases of this page, in the query's order.
	Cases []cases.Case
	// Next is the cursor of the next page, "" after the last one.
	Next string
	// Total is the number of matching cases when Query.Count was set, -1
	// otherwise.
	Total int
	// Damaged lists the cases of this page's range whose stored data could
	// not be read; they are left out of Cases.
	Damaged []*DamagedError
}

// DamagedError reports a case whose stored data cannot be read (a corrupt
// record, say). Err is the adapter's own error, for logs.
type DamagedError struct {
	CaseID string
	Err    error
}

func (e *DamagedError) Error() string { return fmt.Sprintf("case %s is damaged: %v", e.CaseID, e.Err) }

// Unwrap returns the adapter's error.
func (e *DamagedError) Unwrap() error { return e.Err }

// Validate returns a *validation.Error listing every problem of q: unknown
// statuses, risk levels or sort field, a negative limit or offset, Offset
// with After, a malformed cursor, a range whose start is after its end, an
// empty tag, or AssigneeID with Unassigned.
func (q Query) Validate() error {
	var l validation.List
	for i, s := range q.Statuses {
		if !s.Valid() {
			l.Addf(validation.Index("statuses", i), validation.CodeInvalidValue, "unknown status %q", s)
		}
	}
	for i, lv := range q.RiskLevels {
		if !lv.Valid() {
			l.Addf(validation.Index("risk_levels", i), validation.CodeInvalidValue, "unknown risk level %q", lv)
		}
	}
	for _, f := range []struct {
		path string
		tags []string
	}{{"tags_all", q.TagsAll}, {"tags_none", q.TagsNone}, {"tags_any", q.TagsAny}} {
		for i, t := range f.tags {
			if t == "" {
				l.Add(validation.Index(f.path, i), validation.CodeRequired, "a tag must not be empty")
			}
		}
	}
	if q.AssigneeID != "" && q.Unassigned {
		l.Add("assignee_id", validation.CodeConflict, "a query cannot ask for an assignee and for unassigned cases")
	}
	switch q.Sort {
	case "", SortCreatedAt, SortUpdatedAt, SortName, SortNextReviewAt:
	default:
		l.Addf("sort", validation.CodeInvalidValue, "cannot sort by %q", q.Sort)
	}
	if q.Limit < 0 {
		l.Add("limit", validation.CodeOutOfRange, "limit must not be negative")
	}
	if q.Offset < 0 {
		l.Add("offset", validation.CodeOutOfRange, "offset must not be negative")
	}
	if q.Offset > 0 && q.After != "" {
		l.Add("offset", validation.CodeInvalidValue, "offset and a cursor cannot be combined")
	}
	if q.After != "" {
		if _, err := q.DecodeCursor(q.After); err != nil {
			l.Add("after", validation.CodeInvalidValue, "the cursor is not one of this query's")
		}
	}
	if !q.NextReview.From.IsZero() && !q.NextReview.To.IsZero() && q.NextReview.From.Compare(q.NextReview.To) > 0 {
		l.Add("next_review_at", validation.CodeOutOfRange, "the range starts after it ends")
	}
	for _, r := range []struct {
		path string
		r    TimeRange
	}{{"created_at", q.CreatedAt}, {"updated_at", q.UpdatedAt}} {
		if !r.r.From.IsZero() && !r.r.To.IsZero() && r.r.From.After(r.r.To) {
			l.Add(r.path, validation.CodeOutOfRange, "the range starts after it ends")
		}
	}
	return l.Err()
}

// Matches reports whether c passes every filter of q. It is the definition
// of the filters: every adapter must return exactly the cases it accepts.
// A case deleted without the permanent choice (cases.Case.DeletedAt set)
// never matches.
func (q Query) Matches(c *cases.Case) bool {
	if c.DeletedAt != nil {
		return false
	}
	if len(q.Statuses) > 0 && !slices.Contains(q.Statuses, c.Status) {
		return false
	}
	if !c.Flags.HasAll(q.Flags) {
		return false
	}
	if q.ContactHasActions != nil && c.ContactHasActions != *q.ContactHasActions {
		return false
	}
	if q.ReviewerHasActions != nil && c.ReviewerHasActions != *q.ReviewerHasActions {
		return false
	}
	if len(q.RiskLevels) > 0 && !slices.Contains(q.RiskLevels, RiskLevel(c)) {
		return false
	}
	if !q.NextReview.IsZero() {
		d, ok := NextReviewAt(c)
		if !ok || !q.NextReview.Contains(d) {
			return false
		}
	}
	if !q.CreatedAt.Contains(c.CreatedAt) || !q.UpdatedAt.Contains(c.UpdatedAt) {
		return false
	}
	if q.ExternalID != "" && c.ExternalID != q.ExternalID {
		return false
	}
	if q.NameContains != "" && !strings.Contains(strings.ToLower(c.Name), strings.ToLower(q.NameContains)) {
		return false
	}
	for _, t := range q.TagsAll {
		if !slices.Contains(c.Tags, t) {
			return false
		}
	}
	for _, t := range q.TagsNone {
		if slices.Contains(c.Tags, t) {
			return false
		}
	}
	if len(q.TagsAny) > 0 && !slices.ContainsFunc(q.TagsAny, func(t string) bool { return slices.Contains(c.Tags, t) }) {
		return false
	}
	if q.AssigneeID != "" && c.AssigneeID != q.AssigneeID {
		return false
	}
	if q.Unassigned && c.AssigneeID != "" {
		return false
	}
	return true
}

// RiskLevel is the level of c's current risk, risk.LevelNotDefined when it
// has none: the value Query.RiskLevels compares.
func RiskLevel(c *cases.Case) risk.Level {
	if c.Risk == nil || c.Risk.Level == "" {
		return risk.LevelNotDefined
	}
	return c.Risk.Level
}

// NextReviewAt is c's next review date, if it has one: the value
// Query.NextReview compares.
func NextReviewAt(c *cases.Case) (cases.Date, bool) {
	if c.Review == nil || c.Review.NextReviewAt == nil {
		return cases.Date{}, false
	}
	return *c.Review.NextReviewAt, true
}

// noNextReview is the sort key of a case without a next review date: it
// sorts after every "yyyy-mm-dd" key.
const noNextReview = "~"

// SortKey returns the key of c under q's sort field, a string whose byte
// order is the field's order (times as fixed-width UTC text, names
// lower-cased, dates as yyyy-mm-dd, no next review date as "~"). Adapters
// that keep an index or a column for sorting store this key.
func (q Query) SortKey(c *cases.Case) string {
	switch q.Sort {
	case SortUpdatedAt:
		return timeKey(c.UpdatedAt)
	case SortName:
		return strings.ToLower(c.Name)
	case SortNextReviewAt:
		if d, ok := NextReviewAt(c); ok {
			return d.String()
		}
		return noNextReview
	}
	return timeKey(c.CreatedAt)
}

func timeKey(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

// Compare orders two cases as q's results are ordered: by SortKey, then
// by case id, both reversed when q.Desc.
func (q Query) Compare(a, b *cases.Case) int {
	return q.compareKeys(q.SortKey(a), a.ID, q.SortKey(b), b.ID)
}

func (q Query) compareKeys(ka, ida, kb, idb string) int {
	c := cmp.Or(strings.Compare(ka, kb), strings.Compare(ida, idb))
	if q.Desc {
		return -c
	}
	return c
}

// Cursor is the position a page ends at: the sort key and id of its last
// case.
type Cursor struct {
	Sort SortField `json:"s"`
	Desc bool      `json:"d,omitempty"`
	Key  string    `json:"k"`
	ID   string    `json:"id"`
}

// CursorAfter returns the cursor of a page ending with c.
func (q Query) CursorAfter(c *cases.Case) string {
	b, _ := json.Marshal(Cursor{Sort: q.sortField(), Desc: q.Desc, Key: q.SortKey(c), ID: c.ID})
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor decodes a cursor made by CursorAfter for a query with the
// same sort field and direction.
func (q Query) DecodeCursor(s string) (Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, fmt.Errorf("storage: malformed cursor: %w", err)
	}
	var c Cursor
	if err := json.Unmarshal(b, &c); err != nil || c.ID == "" {
		return Cursor{}, fmt.Errorf("storage: malformed cursor")
	}
	if c.Sort != q.sortField() || c.Desc != q.Desc {
		return Cursor{}, fmt.Errorf("storage: the cursor belongs to another order")
	}
	return c, nil
}

// IsAfter reports whether c comes after the cursor in q's order: whether
// it belongs to the page that starts at the cursor.
func (q Query) IsAfter(cur Cursor, c *cases.Case) bool {
	return q.compareKeys(q.SortKey(c), c.ID, cur.Key, cur.ID) > 0
}

func (q Query) sortField() SortField {
	if q.Sort == "" {
		return SortCreatedAt
	}
	return q.Sort
}
