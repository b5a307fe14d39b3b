package api

import (
	"net/http"

	"pulse/internal/httpx"
)

type tagsRequest struct {
	Tags []string `json:"tags"`
}

// setTags is PUT /api/v1/customers/{id}/tags: the body is the whole new
// set, and the answer the customer with it.
func (a *API) setTags(w http.ResponseWriter, r *http.Request) error {
	var req tagsRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	k := keyFrom(r.Context())
	c, err := a.crm.SetTags(r.Context(), k.App.ID, r.PathValue("id"), req.Tags)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toCustomer(c, k.App.Currency))
	return nil
}
