package api

import (
	"net/http"
	"time"

	"pulse/internal/auth"
	"pulse/internal/httpx"
)

// Cookie names. Over TLS the __Host- prefix makes browsers insist on
// Secure, Path=/ and no Domain, so a sibling subdomain cannot plant one.
const (
	cookieName    = "pulse_session"
	tlsCookieName = "__Host-pulse_session"
)

func (a *API) cookieName(r *http.Request) string {
	if httpx.IsTLS(r, a.cfg.TrustProxy) {
		return tlsCookieName
	}
	return cookieName
}

// sessionToken returns the session token the request carries, or "".
func (a *API) sessionToken(r *http.Request) string {
	c, err := r.Cookie(a.cookieName(r))
	if err != nil {
		return ""
	}
	return c.Value
}

func (a *API) setSessionCookie(w http.ResponseWriter, r *http.Request, ns auth.NewSession) {
	http.SetCookie(w, &http.Cookie{
		Name:     a.cookieName(r),
		Value:    ns.Token,
		Path:     "/",
		Expires:  ns.Session.ExpiresAt,
		MaxAge:   int(ns.Session.ExpiresAt.Sub(ns.Session.CreatedAt) / time.Second),
		HttpOnly: true,
		Secure:   httpx.IsTLS(r, a.cfg.TrustProxy),
		SameSite: http.SameSiteLaxMode,
	})
}

func (a *API) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name:     a.cookieName(r),
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   httpx.IsTLS(r, a.cfg.TrustProxy),
		SameSite: http.SameSiteLaxMode,
	})
}
