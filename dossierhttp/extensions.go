package dossierhttp

import (
	"net/http"
	"strconv"

	"github.com/dossierkit/dossier"
	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/validation"
)

// ownership answers the ownership report of a case (extension), in the
// one JSON form of dossier.OwnershipReport.
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
	h.writeJSON(rw, r, http.StatusOK, rep) // the JSON form documented on dossier.OwnershipReport
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
