package api

import (
	"net/http"

	"pulse/internal/httpx"
	"pulse/internal/model"
)

type loginRequest struct {
	Email    *string `json:"email"`
	Password *string `json:"password"`
}

type loginResponse struct {
	Account   accountJSON `json:"account"`
	CSRFToken string      `json:"csrf_token"`
}

// login opens a session for an email and password.
func (a *API) login(w http.ResponseWriter, r *http.Request) error {
	var req loginRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	verr := &model.ValidationError{}
	if req.Email == nil {
		verr.Add("email", "is required")
	}
	if req.Password == nil {
		verr.Add("password", "is required")
	}
	if err := verr.Err(); err != nil {
		return err
	}
	acct, ns, err := a.auth.Login(r.Context(), *req.Email, *req.Password, httpx.ClientIP(r, a.cfg.TrustProxy))
	if err != nil {
		return err
	}
	a.replaceSession(w, r, ns)
	httpx.WriteJSON(w, http.StatusOK, loginResponse{Account: toAccount(acct), CSRFToken: ns.Session.CSRFToken})
	return nil
}

// logout revokes the request's session, if it has one, and clears the
// cookie. It needs the CSRF token when a live session is presented, so that
// another site cannot log a user out.
func (a *API) logout(w http.ResponseWriter, r *http.Request) error {
	tok := a.cookie.Token(r)
	if tok != "" {
		sess, _, err := a.auth.Session(r.Context(), tok)
		if err == nil && !validCSRF(r, sess.CSRFToken) {
			return csrfProblem()
		}
		if err := a.auth.Logout(r.Context(), tok); err != nil {
			return err
		}
	}
	a.cookie.Clear(w, r)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
