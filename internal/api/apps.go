package api

import (
	"net/http"

	"pulse/internal/httpx"
	"pulse/internal/model"
	"pulse/internal/page"
)

func (a *API) listApps(w http.ResponseWriter, r *http.Request) error {
	p, err := page.Parse(r.URL.Query().Get("limit"), r.URL.Query().Get("cursor"), "")
	if err != nil {
		return err
	}
	pg, err := a.apps.List(r.Context(), sessionFrom(r.Context()).Account.ID, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, page.Map(pg, func(a model.App) appJSON { return toApp(a) }))
	return nil
}

func (a *API) createApp(w http.ResponseWriter, r *http.Request) error {
	var req appInputJSON
	if err := decode(w, r, &req); err != nil {
		return err
	}
	app, err := a.apps.Create(r.Context(), sessionFrom(r.Context()).Account.ID, req.input())
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/apps/"+app.ID)
	httpx.WriteJSON(w, http.StatusCreated, toApp(app))
	return nil
}

func (a *API) getApp(w http.ResponseWriter, r *http.Request) error {
	app, err := a.apps.Get(r.Context(), sessionFrom(r.Context()).Account.ID, r.PathValue("app_id"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toApp(app))
	return nil
}

func (a *API) updateApp(w http.ResponseWriter, r *http.Request) error {
	var req appInputJSON
	if err := decode(w, r, &req); err != nil {
		return err
	}
	app, err := a.apps.Update(r.Context(), sessionFrom(r.Context()).Account.ID, r.PathValue("app_id"), req.input())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toApp(app))
	return nil
}

func (a *API) deleteApp(w http.ResponseWriter, r *http.Request) error {
	if err := a.apps.Delete(r.Context(), sessionFrom(r.Context()).Account.ID, r.PathValue("app_id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
