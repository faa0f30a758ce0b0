package ownership

import (
	"errors"
	"fmt"

	"github.com/dossierkit/dossier/validation"
)

// Edge is a direct holding: From owns Ownership of To's capital and holds
// Voting of To's voting rights. Ids are opaque; the same id names the same
// node everywhere. An individual only ever appears as From.
type Edge struct {
	From      string  `json:"from"`
	To        string  `json:"to"`
	Ownership Percent `json:"ownership_percentage"`
	Voting    Percent `json:"voting_rights_percentage"`
}

// Interest selects which percentage of an [Edge] a computation follows.
type Interest uint8

const (
	// Ownership follows Edge.Ownership (share capital).
	Ownership Interest = iota
	// Voting follows Edge.Voting (voting rights), under Options.Voting.
	Voting
)

// String returns "ownership" or "voting_rights".
func (i Interest) String() string {
	switch i {
	case Ownership:
		return "ownership"
	case Voting:
		return "voting_rights"
	default:
		return fmt.Sprintf("Interest(%d)", uint8(i))
	}
}

func (i Interest) valid() bool { return i == Ownership || i == Voting }

// VotingMethod is how voting rights are attributed through intermediate
// companies.
type VotingMethod uint8

const (
	// Multiplicative multiplies the direct voting percentages along each
	// chain and adds the chains, exactly as for ownership (EU AMLR 2024/1624
	// Art. 52). It is the zero value and the default.
	Multiplicative VotingMethod = iota

	// ControlChain attributes control (AMLD4 Art. 3(6), UK PSC Sch. 1A
	// para 18): a holder of more than 50 % of an intermediate company's votes
	// (exactly 50 % is not control) is attributed that company's whole voting
	// interest, as if it held 100 % of it; a holding of 50 % or less in an
	// intermediate contributes nothing, because a non-controlling indirect
	// interest is not attributed under those rules. Direct holdings in the
	// root count at their face value, and a holder's interests through
	// several chains are added. An unknown percentage is "no control" for the
	// minimum and "control" for the maximum when the undeclared headroom
	// exceeds 50 %.
	ControlChain
)

// String returns "multiplicative" or "control_chain".
func (m VotingMethod) String() string {
	switch m {
	case Multiplicative:
		return "multiplicative"
	case ControlChain:
		return "control_chain"
	default:
		return fmt.Sprintf("VotingMethod(%d)", uint8(m))
	}
}

// DefaultMaxCycleSize is the default of Options.MaxCycleSize.
const DefaultMaxCycleSize = 500

// Options tunes [Compute]. The zero value is ready to use.
type Options struct {
	// Voting is the voting-rights method; the zero value is Multiplicative.
	Voting VotingMethod `json:"voting"`

	// VotingFromOwnership makes an edge whose Voting percentage is unknown
	// carry its Ownership percentage (exact, band or unknown) as voting
	// rights: one share, one vote. False (the zero value) keeps it unknown,
	// so that totals through it are ranges. An edge with a voting
	// percentage or band keeps it either way. Explanations then show the
	// ownership percentage as the step's declared voting percentage.
	VotingFromOwnership bool `json:"voting_from_ownership"`

	// MaxCycleSize bounds the number of members of one group of companies
	// that hold each other (a strongly connected component). Such a group is
	// solved as an exact rational linear system, whose cost grows with its
	// size; real cross-holdings have a handful of members. Zero means
	// DefaultMaxCycleSize. A larger group makes Compute fail with
	// ErrCycleTooLarge.
	MaxCycleSize int `json:"max_cycle_size"`
}

// CodeOverAllocated is the validation code of a company whose known direct
// stakes of one kind sum to more than 100 %.
const CodeOverAllocated validation.Code = "over_allocated"

// Errors returned (wrapped) by this package; match them with errors.Is.
var (
	// ErrCycleTooLarge: a group of mutually holding companies exceeds
	// Options.MaxCycleSize.
	ErrCycleTooLarge = errors.New("ownership: cross-holding group too large")

	// ErrUnknownNode: the id does not appear in any edge.
	ErrUnknownNode = errors.New("ownership: unknown node")

	// ErrRootNode: the operation is about holders of the root, and the root
	// is not its own holder.
	ErrRootNode = errors.New("ownership: the root is not a holder of itself")
)
