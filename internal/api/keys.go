package api

import (
	"net/http"

	"pulse/internal/apps"
	"pulse/internal/httpx"
	"pulse/internal/model"
	"pulse/internal/page"
)

func (a *API) listKeys(w http.ResponseWriter, r *http.Request) error {
	p, err := page.Parse(r.URL.Query().Get("limit"), r.URL.Query().Get("cursor"), "")
	if err != nil {
		return err
	}
	pg, err := a.apps.ListKeys(r.Context(), sessionFrom(r.Context()).Account.ID, r.PathValue("app_id"), p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, page.Map(pg, func(k model.APIKey) keyJSON { return toKey(k) }))
	return nil
}

type keyRequest struct {
	Name  *string `json:"name"`
	Scope *string `json:"scope"`
}

func (a *API) createKey(w http.ResponseWriter, r *http.Request) error {
	var req keyRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	k, secret, err := a.apps.CreateKey(r.Context(), sessionFrom(r.Context()).Account.ID, r.PathValue("app_id"),
		apps.KeyInput{Name: req.Name, Scope: req.Scope})
	if err != nil {
		return err
	}
	out := toKey(k)
	out.Key = secret
	httpx.WriteJSON(w, http.StatusCreated, out)
	return nil
}

func (a *API) revokeKey(w http.ResponseWriter, r *http.Request) error {
	err := a.apps.RevokeKey(r.Context(), sessionFrom(r.Context()).Account.ID,
		r.PathValue("app_id"), r.PathValue("key_id"))
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
