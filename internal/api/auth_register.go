package api

import (
	"net/http"

	"pulse/internal/apps"
	"pulse/internal/auth"
	"pulse/internal/httpx"
)

type appInputJSON struct {
	Name     *string `json:"name"`
	Currency *string `json:"currency"`
	Timezone *string `json:"timezone"`
	// ResponseRate is the share of a recommendation's audience assumed to
	// respond.
	ResponseRate *float64 `json:"response_rate"`
}

func (in appInputJSON) input() apps.Input {
	return apps.Input{Name: in.Name, Currency: in.Currency, Timezone: in.Timezone, ResponseRate: in.ResponseRate}
}

type registerRequest struct {
	Name     *string       `json:"name"`
	Email    *string       `json:"email"`
	Password *string       `json:"password"`
	Lang     *string       `json:"lang"`
	App      *appInputJSON `json:"app"`
}

type registerResponse struct {
	Account   accountJSON `json:"account"`
	App       appJSON     `json:"app"`
	APIKey    keyJSON     `json:"api_key"`
	CSRFToken string      `json:"csrf_token"`
}

// register creates an account, its first app and key, and logs it in.
func (a *API) register(w http.ResponseWriter, r *http.Request) error {
	var req registerRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	in := auth.RegisterInput{Name: req.Name, Email: req.Email, Password: req.Password, Lang: req.Lang}
	if req.App != nil {
		in.App = req.App.input()
	}
	reg, err := a.auth.Register(r.Context(), in)
	if err != nil {
		return err
	}
	a.replaceSession(w, r, reg.Session)
	key := toKey(reg.Key)
	key.Key = reg.KeySecret
	httpx.WriteJSON(w, http.StatusCreated, registerResponse{
		Account:   toAccount(reg.Account),
		App:       toApp(reg.App),
		APIKey:    key,
		CSRFToken: reg.Session.Session.CSRFToken,
	})
	return nil
}

// replaceSession sets the cookie of a new session and revokes the one the
// request came with, if any: a session id never survives a login.
func (a *API) replaceSession(w http.ResponseWriter, r *http.Request, ns auth.NewSession) {
	if err := a.cookie.Replace(w, r, a.auth, ns); err != nil {
		a.log.WarnContext(r.Context(), "revoking the previous session failed", "err", err,
			"request_id", httpx.RequestID(r.Context()))
	}
}
