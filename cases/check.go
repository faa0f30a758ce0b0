package cases

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dossierkit/dossier/validation"
)

// CheckType is the kind of verification a [Check] performs.
type CheckType string

// The nine check types.
const (
	CheckTypeIDVerification      CheckType = "id_verification"
	CheckTypeIDDocument          CheckType = "id_document"
	CheckTypeAML                 CheckType = "aml"
	CheckTypeCompanyMonitoring   CheckType = "company_monitoring"
	CheckTypeDocument            CheckType = "document"
	CheckTypeEKYC                CheckType = "ekyc"
	CheckTypeElectronicSignature CheckType = "electronic_signature"
	CheckTypeFraudDatabase       CheckType = "fraud_database"
	CheckTypeOnlineReputation    CheckType = "online_reputation"
)

// CheckTypes returns the nine check types; the slice is new on every call.
func CheckTypes() []CheckType {
	return []CheckType{
		CheckTypeIDVerification, CheckTypeIDDocument, CheckTypeAML,
		CheckTypeCompanyMonitoring, CheckTypeDocument, CheckTypeEKYC,
		CheckTypeElectronicSignature, CheckTypeFraudDatabase, CheckTypeOnlineReputation,
	}
}

// Valid reports whether t is one of the nine check types.
func (t CheckType) Valid() bool {
	switch t {
	case CheckTypeIDVerification, CheckTypeIDDocument, CheckTypeAML,
		CheckTypeCompanyMonitoring, CheckTypeDocument, CheckTypeEKYC,
		CheckTypeElectronicSignature, CheckTypeFraudDatabase, CheckTypeOnlineReputation:
		return true
	}
	return false
}

// UnmarshalText accepts only the nine wire names; anything else is a
// *validation.Error with code invalid_value.
func (t *CheckType) UnmarshalText(text []byte) error {
	v := CheckType(text)
	if !v.Valid() {
		return validation.New("", validation.CodeInvalidValue, fmt.Sprintf("unknown check type %q", string(text)))
	}
	*t = v
	return nil
}

// CheckStatus is where a [Check] stands.
type CheckStatus string

// The six check statuses.
const (
	// CheckStatusInProgress: waiting for the contact (to upload, to sign,
	// to verify their identity).
	CheckStatusInProgress CheckStatus = "in_progress"
	// CheckStatusProcessing: the system or a provider is working on it.
	CheckStatusProcessing CheckStatus = "processing"
	// CheckStatusNeedReview: waiting for the reviewer.
	CheckStatusNeedReview CheckStatus = "need_review"
	// CheckStatusApproved: decided, accepted.
	CheckStatusApproved CheckStatus = "approved"
	// CheckStatusRejected: decided, refused; the contact must provide it again.
	CheckStatusRejected CheckStatus = "rejected"
	// CheckStatusExpired: no longer valid; the contact must provide it again.
	CheckStatusExpired CheckStatus = "expired"
)

// CheckStatuses returns the six check statuses in the order of a check's
// life; the slice is new on every call.
func CheckStatuses() []CheckStatus {
	return []CheckStatus{
		CheckStatusInProgress, CheckStatusProcessing, CheckStatusNeedReview,
		CheckStatusApproved, CheckStatusRejected, CheckStatusExpired,
	}
}

// Valid reports whether s is one of the six check statuses.
func (s CheckStatus) Valid() bool {
	switch s {
	case CheckStatusInProgress, CheckStatusProcessing, CheckStatusNeedReview,
		CheckStatusApproved, CheckStatusRejected, CheckStatusExpired:
		return true
	}
	return false
}

// Decided reports whether s is approved or rejected: a reviewer's decision,
// which only an explicit override may change.
func (s CheckStatus) Decided() bool {
	return s == CheckStatusApproved || s == CheckStatusRejected
}

// UnmarshalText accepts only the six wire names; anything else is a
// *validation.Error with code invalid_value.
func (s *CheckStatus) UnmarshalText(text []byte) error {
	v := CheckStatus(text)
	if !v.Valid() {
		return validation.New("", validation.CodeInvalidValue, fmt.Sprintf("unknown check status %q", string(text)))
	}
	*s = v
	return nil
}

// Limits on the free-text fields of a check, in characters.
const (
	MaxCheckSubtypeLen = 100
	MaxCheckCommentLen = 1500
)

// ErrInvalidCheckTransition is matched (errors.Is) by every
// *CheckTransitionError: the check cannot move from its status to the
// requested one.
var ErrInvalidCheckTransition = errors.New("invalid check transition")

// ErrCheckOverrideRequired is matched (errors.Is), besides
// [ErrInvalidCheckTransition], by a *CheckTransitionError whose move would be
// allowed with an explicit override: the check is approved or rejected.
var ErrCheckOverrideRequired = errors.New("check is decided: override required")

// CheckTransitionError says which check move was refused and whether an
// override would allow it.
type CheckTransitionError struct {
	From, To CheckStatus
	// OverrideRequired is true when the move changes a decided check and
	// is allowed only with an override.
	OverrideRequired bool
}

// Error names the refused move.
func (e *CheckTransitionError) Error() string {
	if e.OverrideRequired {
		return fmt.Sprintf("invalid check transition from %s to %s: the check is decided, an override is required", e.From, e.To)
	}
	return fmt.Sprintf("invalid check transition from %s to %s", e.From, e.To)
}

// Is matches ErrInvalidCheckTransition, and ErrCheckOverrideRequired when
// OverrideRequired is set.
func (e *CheckTransitionError) Is(target error) bool {
	return target == ErrInvalidCheckTransition || (e.OverrideRequired && target == ErrCheckOverrideRequired)
}

// checkMoves is the transition table without override: from -> allowed to.
var checkMoves = map[CheckStatus][]CheckStatus{
	CheckStatusInProgress: {CheckStatusProcessing, CheckStatusNeedReview, CheckStatusExpired},
	CheckStatusProcessing: {CheckStatusInProgress, CheckStatusNeedReview, CheckStatusApproved, CheckStatusRejected, CheckStatusExpired},
	CheckStatusNeedReview: {CheckStatusInProgress, CheckStatusApproved, CheckStatusRejected, CheckStatusExpired},
	CheckStatusApproved:   {CheckStatusExpired},
	CheckStatusRejected:   {CheckStatusInProgress},
	CheckStatusExpired:    {CheckStatusInProgress},
}

// CheckTransition reports whether a check may move from one status to
// another. It returns nil when the move is allowed, a *validation.Error (path
// "status", code invalid_value) when to or from is not a check status, and a
// *CheckTransitionError otherwise.
//
// The moves allowed without override ("o" needs override, "." never):
//
//	from \ to    in_progress processing need_review approved rejected expired
//	in_progress  .           yes        yes         .        .        yes
//	processing   yes         .          yes         yes      yes      yes
//	need_review  yes         .          .           yes      yes      yes
//	approved     o           o          o           o        o        yes
//	rejected     yes         o          o           o        o        o
//	expired      yes         .          .           .        .        .
//
// In words: the contact's work (in_progress) goes to processing, to review, or
// expires; processing ends in review, in an automatic decision, back with the
// contact (a retry), or in expiry; a reviewer decides a check in need_review
// or sends it back to the contact. An approved check may expire (documents do).
// A rejected or expired check is recollected by moving it back to in_progress:
// that is the normal recollection path and needs no override. Every other move
// out of approved or rejected changes a decision and needs an override; with
// it a decided check may move to any status, including its own (a re-review
// that replaces the comment). Without a decision to change, override grants
// nothing: in_progress to approved is refused even with it, since a check is
// decided only after it was submitted.
func CheckTransition(from, to CheckStatus, override bool) error {
	var l validation.List
	if !from.Valid() {
		l.Addf("status", validation.CodeInvalidValue, "current check status %q is not a check status", from)
	}
	if !to.Valid() {
		l.Addf("status", validation.CodeInvalidValue, "%q is not a check status", to)
	}
	if err := l.Err(); err != nil {
		return err
	}
	for _, s := range checkMoves[from] {
		if s == to {
			return nil
		}
	}
	if from.Decided() {
		if override {
			return nil
		}
		return &CheckTransitionError{From: from, To: to, OverrideRequired: true}
	}
	return &CheckTransitionError{From: from, To: to}
}

// Check is one verification on a case or on one of its entities: an identity
// document, an AML screening, a signature... Its JSON form is snake_case and
// round-trips losslessly; zero times and empty strings are left out.
//
// A Check holds no reference types, so a plain copy is a deep copy.
type Check struct {
	// ID is a UUID v4 assigned on creation.
	ID string `json:"id"`
	// Type is one of the nine check types.
	Type CheckType `json:"type"`
	// Subtype refines Type (a document kind, a provider...); "" means none.
	Subtype string `json:"subtype,omitempty"`
	// Status is where the check stands; change it with Move, Review and
	// Expire so that the transition rules hold.
	Status CheckStatus `json:"status"`
	// CompanyID or IndividualID is the entity the check is on; both empty
	// means the check is on the case itself. At most one is set.
	CompanyID    string `json:"company_id,omitempty"`
	IndividualID string `json:"individual_id,omitempty"`
	// ReviewComment and ReviewedAt describe the latest review (approval or
	// rejection). They are kept when the check moves on, so a recollected
	// check still says why it was rejected.
	ReviewComment string    `json:"review_comment,omitempty"`
	ReviewedAt    time.Time `json:"reviewed_at,omitzero"`
	// ExpiredAt is when the check last expired.
	ExpiredAt time.Time `json:"expired_at,omitzero"`
	CreatedAt time.Time `json:"created_at"`
	// UpdatedAt is the time of the latest change.
	UpdatedAt time.Time `json:"updated_at"`
}

// Clone returns a copy of c. Check has no reference fields, so this is the
// plain copy; it exists so stores can treat every stored type alike.
func (c Check) Clone() Check { return c }

// OnCase reports whether c is on the case itself rather than on an entity.
func (c Check) OnCase() bool { return c.CompanyID == "" && c.IndividualID == "" }

// EntityID returns the id of the company or individual c is on, "" when it
// is on the case.
func (c Check) EntityID() string {
	if c.CompanyID != "" {
		return c.CompanyID
	}
	return c.IndividualID
}

// NewCheck is the input of [CreateCheck].
type NewCheck struct {
	Type    CheckType
	Subtype string
	// Status is the initial status: in_progress (the default when empty),
	// processing or need_review. A check is never created decided or
	// expired; it gets there through Review or Expire.
	Status CheckStatus
	// CompanyID or IndividualID names the entity the check is on; leave both
	// empty for a check on the case. The caller checks that the entity
	// exists.
	CompanyID    string
	IndividualID string
}

// Validate reports every problem of in at once in a *validation.Error, with
// the wire field names as paths.
func (in NewCheck) Validate() error {
	var l validation.List
	in.validate(&l)
	return l.Err()
}

func (in NewCheck) validate(l *validation.List) {
	if in.Type == "" {
		l.Add("type", validation.CodeRequired, "type is required")
	} else if !in.Type.Valid() {
		l.Addf("type", validation.CodeInvalidValue, "unknown check type %q", in.Type)
	}
	validateSubtype(l, in.Subtype)
	switch in.Status {
	case "", CheckStatusInProgress, CheckStatusProcessing, CheckStatusNeedReview:
	default:
		if in.Status.Valid() {
			l.Addf("status", validation.CodeNotAllowed, "a check is created in_progress, processing or need_review, not %s", in.Status)
		} else {
			l.Addf("status", validation.CodeInvalidValue, "unknown check status %q", in.Status)
		}
	}
	validateEntityRef(l, in.CompanyID, in.IndividualID)
}

// CreateCheck validates in and returns a new check with the given id,
// created and updated at now. Bad input is a *validation.Error listing every
// problem.
func CreateCheck(id string, in NewCheck, now time.Time) (Check, error) {
	var l validation.List
	if id == "" {
		l.Add("id", validation.CodeRequired, "id is required")
	}
	in.validate(&l)
	if now.IsZero() {
		l.Add("created_at", validation.CodeRequired, "creation time is required")
	}
	if err := l.Err(); err != nil {
		return Check{}, err
	}
	st := in.Status
	if st == "" {
		st = CheckStatusInProgress
	}
	return Check{
		ID:           id,
		Type:         in.Type,
		Subtype:      in.Subtype,
		Status:       st,
		CompanyID:    in.CompanyID,
		IndividualID: in.IndividualID,
		CreatedAt:    now,
		UpdatedAt:    now,
	}, nil
}

// MoveOptions tunes [Check.Move] and [Check.Expire].
type MoveOptions struct {
	// Override allows changing a decided (approved or rejected) check; see
	// [CheckTransition].
	Override bool
}

// Move changes the status of c to in_progress, processing, need_review or
// expired, following [CheckTransition]; approved and rejected are reached
// with [Check.Review], which records the decision. On error c is unchanged.
// Moving to expired sets ExpiredAt.
func (c *Check) Move(to CheckStatus, now time.Time, opts MoveOptions) error {
	if to.Decided() {
		return validation.New("status", validation.CodeNotAllowed,
			fmt.Sprintf("a check becomes %s only through a review", to))
	}
	if err := CheckTransition(c.Status, to, opts.Override); err != nil {
		return err
	}
	c.Status = to
	c.UpdatedAt = now
	if to == CheckStatusExpired {
		c.ExpiredAt = now
	}
	return nil
}

// Expire moves c to expired: Move(CheckStatusExpired, now, opts).
func (c *Check) Expire(now time.Time, opts MoveOptions) error {
	return c.Move(CheckStatusExpired, now, opts)
}

// CheckDecision is a reviewer's decision on a check, the input of
// [Check.Review].
type CheckDecision struct {
	// Status is approved or rejected.
	Status CheckStatus
	// Comment explains the decision; optional, at most MaxCheckCommentLen
	// characters. It replaces the previous review comment.
	Comment string
	// Override allows changing a decided check (see [CheckTransition]).
	Override bool
}

// Validate reports every problem of d at once in a *validation.Error.
func (d CheckDecision) Validate() error {
	var l validation.List
	switch {
	case d.Status == "":
		l.Add("status", validation.CodeRequired, "a decision status is required (approved or rejected)")
	case !d.Status.Decided():
		l.Addf("status", validation.CodeInvalidValue, "a decision is approved or rejected, not %q", d.Status)
	}
	validateComment(&l, "comment", d.Comment)
	return l.Err()
}

// Review records a decision on c: its status becomes d.Status and
// ReviewComment, ReviewedAt and UpdatedAt are set. The check must be in
// processing or need_review, or decided and d.Override set (see
// [CheckTransition]). On error c is unchanged.
func (c *Check) Review(d CheckDecision, now time.Time) error {
	if err := d.Validate(); err != nil {
		return err
	}
	if err := CheckTransition(c.Status, d.Status, d.Override); err != nil {
		return err
	}
	c.Status = d.Status
	c.ReviewComment = d.Comment
	c.ReviewedAt = now
	c.UpdatedAt = now
	return nil
}

// Validate reports every problem of a stored check at once: id, type and
// status present and known, subtype and comment within limits, at most one
// entity, created_at set and not after updated_at, and reviewed_at set on a
// decided check.
func (c Check) Validate() error {
	var l validation.List
	if c.ID == "" {
		l.Add("id", validation.CodeRequired, "id is required")
	}
	if !c.Type.Valid() {
		l.Addf("type", validation.CodeInvalidValue, "unknown check type %q", c.Type)
	}
	if !c.Status.Valid() {
		l.Addf("status", validation.CodeInvalidValue, "unknown check status %q", c.Status)
	}
	validateSubtype(&l, c.Subtype)
	validateEntityRef(&l, c.CompanyID, c.IndividualID)
	validateComment(&l, "review_comment", c.ReviewComment)
	if c.CreatedAt.IsZero() {
		l.Add("created_at", validation.CodeRequired, "created_at is required")
	}
	if c.UpdatedAt.Before(c.CreatedAt) {
		l.Add("updated_at", validation.CodeOutOfRange, "updated_at is before created_at")
	}
	if c.Status.Decided() && c.ReviewedAt.IsZero() {
		l.Addf("reviewed_at", validation.CodeRequired, "a %s check has a reviewed_at", c.Status)
	}
	if c.Status == CheckStatusExpired && c.ExpiredAt.IsZero() {
		l.Add("expired_at", validation.CodeRequired, "an expired check has an expired_at")
	}
	return l.Err()
}

func validateSubtype(l *validation.List, s string) {
	if s == "" {
		return
	}
	switch n := utf8.RuneCountInString(s); {
	case !utf8.ValidString(s):
		l.Add("subtype", validation.CodeInvalidFormat, "subtype is not valid UTF-8")
	case n > MaxCheckSubtypeLen:
		l.Addf("subtype", validation.CodeTooLong, "subtype has %d characters, at most %d allowed", n, MaxCheckSubtypeLen)
	case strings.TrimSpace(s) != s:
		l.Add("subtype", validation.CodeInvalidFormat, "subtype has leading or trailing white space")
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		l.Add("subtype", validation.CodeInvalidFormat, "subtype contains control characters")
	}
}

func validateComment(l *validation.List, path, s string) {
	switch n := utf8.RuneCountInString(s); {
	case !utf8.ValidString(s):
		l.Addf(path, validation.CodeInvalidFormat, "%s is not valid UTF-8", path)
	case n > MaxCheckCommentLen:
		l.Addf(path, validation.CodeTooLong, "%s has %d characters, at most %d allowed", path, n, MaxCheckCommentLen)
	}
}

func validateEntityRef(l *validation.List, companyID, individualID string) {
	if companyID != "" && individualID != "" {
		l.Add("individual_id", validation.CodeConflict, "a check is on one entity: company_id and individual_id are both set")
	}
}
