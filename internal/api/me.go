package api

import (
	"net/http"

	"pulse/internal/httpx"
	"pulse/internal/model"
	"pulse/internal/page"
)

type meResponse struct {
	Account   accountJSON `json:"account"`
	Apps      []appJSON   `json:"apps"`
	CSRFToken string      `json:"csrf_token"`
}

// maxMeApps bounds the apps listed inline in /me; /apps pages through all.
const maxMeApps = page.MaxLimit

// me returns the logged-in account, its apps and the CSRF token.
func (a *API) me(w http.ResponseWriter, r *http.Request) error {
	s := sessionFrom(r.Context())
	pg, err := a.apps.List(r.Context(), s.Account.ID, page.Params{Limit: maxMeApps})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, meResponse{
		Account:   toAccount(s.Account),
		Apps:      page.Map(pg, func(a model.App) appJSON { return toApp(a) }).Data,
		CSRFToken: s.Session.CSRFToken,
	})
	return nil
}
