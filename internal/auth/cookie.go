package auth

import (
	"net/http"
	"time"

	"pulse/internal/httpx"
)

// Cookie names. Over TLS the __Host- prefix makes browsers insist on
// Secure, Path=/ and no Domain, so a sibling subdomain cannot plant one.
const (
	cookieName    = "pulse_session"
	tlsCookieName = "__Host-pulse_session"
)

// Cookie carries a session token in a browser cookie, for the JSON API and
// the web pages alike. TrustProxy makes X-Forwarded-Proto count when
// telling TLS apart.
type Cookie struct {
	TrustProxy bool
}

func (c Cookie) name(r *http.Request) string {
	if httpx.IsTLS(r, c.TrustProxy) {
		return tlsCookieName
	}
	return cookieName
}

// Token returns the session token the request carries, or "".
func (c Cookie) Token(r *http.Request) string {
	ck, err := r.Cookie(c.name(r))
	if err != nil {
		return ""
	}
	return ck.Value
}

// Set hands the browser a new session's token.
func (c Cookie) Set(w http.ResponseWriter, r *http.Request, ns NewSession) {
	http.SetCookie(w, &http.Cookie{
		Name:     c.name(r),
		Value:    ns.Token,
		Path:     "/",
		Expires:  ns.Session.ExpiresAt,
		MaxAge:   int(ns.Session.ExpiresAt.Sub(ns.Session.CreatedAt) / time.Second),
		HttpOnly: true,
		Secure:   httpx.IsTLS(r, c.TrustProxy),
		SameSite: http.SameSiteLaxMode,
	})
}

// Clear tells the browser to drop its session cookie.
func (c Cookie) Clear(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name:     c.name(r),
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   httpx.IsTLS(r, c.TrustProxy),
		SameSite: http.SameSiteLaxMode,
	})
}

// Replace sets the cookie of a new session and revokes the one the request
// came with, if any: a session id never survives a login. The cookie is set
// even when the revocation fails; that error is returned for the log.
func (c Cookie) Replace(w http.ResponseWriter, r *http.Request, s *Service, ns NewSession) error {
	var err error
	if old := c.Token(r); old != "" {
		err = s.Logout(r.Context(), old)
	}
	c.Set(w, r, ns)
	return err
}
