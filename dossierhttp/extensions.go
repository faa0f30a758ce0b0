package dossierhttp

import (
	"math/big"
	"net/http"
	"strconv"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/ownership"
	"github.com/dossierkit/dossier/validation"
)

// totalJSON is an exact computed percentage: exact is a fraction such as
// "200/3" (null unless the total is known), min and max bound a total that
// is a range (max null when unbounded), display is the value rounded to two
// decimals for people.
type totalJSON struct {
	Exact        *string `json:"exact"`
	Min          *string `json:"min"`
	Max          *string `json:"max"`
	MinExclusive bool    `json:"min_exclusive"`
	MaxExclusive bool    `json:"max_exclusive"`
	ClosedLoop   bool    `json:"closed_loop"`
	Display      string  `json:"display"`
}

func ratString(r *big.Rat) *string {
	if r == nil {
		return nil
	}
	s := r.RatString()
	return &s
}

func totalOf(t ownership.Total) totalJSON {
	return totalJSON{Exact: ratString(t.Exact()), Min: ratString(t.Min()), Max: ratString(t.Max()),
		MinExclusive: t.MinExclusive(), MaxExclusive: t.MaxExclusive(), ClosedLoop: t.ClosedLoop(), Display: t.Format(2)}
}

type holderJSON struct {
	ID           string    `json:"id"`
	Ultimate     bool      `json:"ultimate"`
	Ownership    totalJSON `json:"ownership"`
	VotingRights totalJSON `json:"voting_rights"`
}

type ownerJSON struct {
	holderJSON
	OwnershipTest    string `json:"ownership_test"`
	VotingRightsTest string `json:"voting_rights_test"`
}

type discrepancyJSON struct {
	ID         string    `json:"id"`
	Interest   string    `json:"interest"`
	Declared   string    `json:"declared"`
	Computed   totalJSON `json:"computed"`
	Difference *string   `json:"difference"`
}

type ownershipJSON struct {
	MainCompanyID    *string           `json:"main_company_id"`
	Holders          []holderJSON      `json:"holders"`
	BeneficialOwners []ownerJSON       `json:"beneficial_owners"`
	Discrepancies    []discrepancyJSON `json:"discrepancies"`
}

// ownership answers the ownership report of a case (extension).
func (h *Handler) ownership(rw http.ResponseWriter, r *http.Request) {
	id, err := h.caseID(r, "id")
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	rep, err := h.w.Ownership(r.Context(), id)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	out := ownershipJSON{Holders: []holderJSON{}, BeneficialOwners: []ownerJSON{}, Discrepancies: []discrepancyJSON{}}
	if rep.Result != nil {
		main := rep.MainCompanyID
		out.MainCompanyID = &main
		for _, hid := range rep.Result.Holders() {
			o, _ := rep.Result.Total(hid, ownership.Ownership)
			v, _ := rep.Result.Total(hid, ownership.Voting)
			out.Holders = append(out.Holders, holderJSON{ID: hid, Ultimate: rep.Result.IsUltimate(hid),
				Ownership: totalOf(o), VotingRights: totalOf(v)})
		}
	}
	for _, a := range rep.BeneficialOwners {
		out.BeneficialOwners = append(out.BeneficialOwners, ownerJSON{
			holderJSON:    holderJSON{ID: a.ID, Ultimate: a.Ultimate, Ownership: totalOf(a.Ownership), VotingRights: totalOf(a.Voting)},
			OwnershipTest: a.OwnershipTest.String(), VotingRightsTest: a.VotingTest.String()})
	}
	for _, d := range rep.Discrepancies {
		out.Discrepancies = append(out.Discrepancies, discrepancyJSON{ID: d.ID, Interest: d.Interest.String(),
			Declared: d.Declared.String(), Computed: totalOf(d.Computed), Difference: ratString(d.Difference)})
	}
	h.writeJSON(rw, r, http.StatusOK, out)
}

// eventsBody is the answer of the event routes: the events in order and
// the cursor of the next page (null after the last one).
type eventsBody struct {
	Data []event.Event `json:"data"`
	Next *string       `json:"next"`
}

// readAfterLimit reads the after (a sequence number) and limit (1 to
// MaxLimit) of an event route.
func readAfterLimit(r *http.Request) (uint64, int, error) {
	if err := checkQuery(r, map[string]bool{"after": true, "limit": true}); err != nil {
		return 0, 0, err
	}
	var l validation.List
	var after uint64
	limit := DefaultLimit
	if v := r.URL.Query().Get("after"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			l.Add("after", validation.CodeInvalidValue, "after is the next cursor of a previous page")
		}
		after = n
	}
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxLimit {
			l.Addf("limit", validation.CodeOutOfRange, "limit is a whole number from 1 to %d", MaxLimit)
		}
		limit = n
	}
	return after, limit, l.Err()
}

func eventsPage(evs []event.Event, limit int) eventsBody {
	if evs == nil {
		evs = []event.Event{}
	}
	body := eventsBody{Data: evs}
	if len(evs) == limit {
		next := strconv.FormatUint(evs[len(evs)-1].Seq, 10)
		body.Next = &next
	}
	return body
}

// caseEvents answers a page of a case's audit trail (extension): the
// events of the case in commit order, each naming its actor and, for
// updates, the changed fields with their previous and next values.
func (h *Handler) caseEvents(rw http.ResponseWriter, r *http.Request) {
	after, limit, err := readAfterLimit(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	id := r.PathValue("id")
	if c, err := h.w.GetCase(r.Context(), id); err == nil {
		id = c.ID
	} else if !isNotFound(err) {
		h.fail(rw, r, err)
		return
	}
	// A deleted case's trail stays readable by its id.
	evs, err := h.w.EventPage(r.Context(), id, after, limit)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	if len(evs) == 0 && after == 0 {
		h.fail(rw, r, dossier.ErrNotFound)
		return
	}
	h.writeJSON(rw, r, http.StatusOK, eventsPage(evs, limit))
}

// outbox answers a page of the events not yet acknowledged, of every case,
// in commit order (extension): what the webhook worker delivers.
func (h *Handler) outbox(rw http.ResponseWriter, r *http.Request) {
	after, limit, err := readAfterLimit(r)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	evs, err := h.w.PendingEvents(r.Context(), after, limit)
	if err != nil {
		h.fail(rw, r, err)
		return
	}
	h.writeJSON(rw, r, http.StatusOK, eventsPage(evs, limit))
}

func isNotFound(err error) bool { return dossier.HTTPStatus(err) == http.StatusNotFound }
