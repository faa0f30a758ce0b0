package cases_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/dossierkit/dossier/cases"
)

// The flags of one case through a full collection. The case has two checks:
// an identity document on its director and a document on its company. The
// first_collect_completed latch is carried from one stage to the next, as
// the Workspace does with the case's stored flags.
func ExampleComputeFlags() {
	stages := []struct {
		name     string
		statuses []cases.CheckStatus
	}{
		{"first collect", []cases.CheckStatus{cases.CheckStatusInProgress, cases.CheckStatusInProgress}},
		{"submitted", []cases.CheckStatus{cases.CheckStatusNeedReview, cases.CheckStatusProcessing}},
		{"one rejected", []cases.CheckStatus{cases.CheckStatusApproved, cases.CheckStatusRejected}},
		{"recollecting", []cases.CheckStatus{cases.CheckStatusApproved, cases.CheckStatusInProgress}},
		{"resubmitted", []cases.CheckStatus{cases.CheckStatusApproved, cases.CheckStatusNeedReview}},
		{"all approved", []cases.CheckStatus{cases.CheckStatusApproved, cases.CheckStatusApproved}},
		{"one expired", []cases.CheckStatus{cases.CheckStatusExpired, cases.CheckStatusApproved}},
	}
	completed := false
	for _, s := range stages {
		st := cases.ComputeFlags(s.statuses, completed)
		completed = st.Flags.Has(cases.FlagFirstCollectCompleted)
		flags, _ := json.Marshal(st.Flags)
		fmt.Printf("%-13s contact=%-5v reviewer=%-5v flags=%s\n", s.name, st.ContactHasActions, st.ReviewerHasActions, flags)
	}
	// Output:
	// first collect contact=true  reviewer=false flags=["for_first_collect"]
	// submitted     contact=false reviewer=true  flags=["for_review","first_collect_completed"]
	// one rejected  contact=true  reviewer=false flags=["for_recollection","first_collect_completed"]
	// recollecting  contact=true  reviewer=false flags=["first_collect_completed"]
	// resubmitted   contact=false reviewer=true  flags=["for_review","first_collect_completed"]
	// all approved  contact=false reviewer=false flags=["all_checks_approved","first_collect_completed"]
	// one expired   contact=true  reviewer=false flags=["for_recollection","first_collect_completed"]
}

// Flags is a set with a fixed wire order, whatever order it is built in.
func ExampleFlags() {
	fs := cases.NewFlags(cases.FlagFirstCollectCompleted, cases.FlagForRecollection)
	b, _ := json.Marshal(fs)
	fmt.Println(string(b))
	fmt.Println(fs.Has(cases.FlagForReview), fs.Len())

	var in cases.Flags
	err := json.Unmarshal([]byte(`["for_review","for_reviews"]`), &in)
	fmt.Println(err)
	// Output:
	// ["for_recollection","first_collect_completed"]
	// false 2
	// invalid input: [1]: unknown flag "for_reviews", expected one of all_checks_approved, for_review, for_first_collect, for_recollection, first_collect_completed (invalid_value)
}

// A check moves through its statuses; a decided check changes only with an
// explicit override.
func ExampleCheck_Review() {
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	c, _ := cases.CreateCheck("chk-1", cases.NewCheck{Type: cases.CheckTypeIDDocument, IndividualID: "ind-1"}, now)
	fmt.Println(c.Status)

	_ = c.Move(cases.CheckStatusNeedReview, now.Add(time.Hour), cases.MoveOptions{})
	_ = c.Review(cases.CheckDecision{Status: cases.CheckStatusRejected, Comment: "photo is blurred"}, now.Add(2*time.Hour))
	fmt.Println(c.Status, c.ReviewComment)

	err := c.Review(cases.CheckDecision{Status: cases.CheckStatusApproved}, now.Add(3*time.Hour))
	fmt.Println(err)

	_ = c.Move(cases.CheckStatusInProgress, now.Add(4*time.Hour), cases.MoveOptions{}) // recollection
	fmt.Println(c.Status)
	// Output:
	// in_progress
	// rejected photo is blurred
	// invalid check transition from rejected to approved: the check is decided, an override is required
	// in_progress
}
