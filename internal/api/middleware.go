package api

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"pulse/internal/auth"
	"pulse/internal/httpx"
	"pulse/internal/model"
)

type ctxKey int

const (
	sessionKey ctxKey = iota
	apiKeyKey
)

// sessionInfo is the logged-in user behind a request.
type sessionInfo struct {
	Session model.Session
	Account model.Account
	Token   string
}

func sessionFrom(ctx context.Context) sessionInfo {
	s, _ := ctx.Value(sessionKey).(sessionInfo)
	return s
}

func keyFrom(ctx context.Context) auth.Key {
	k, _ := ctx.Value(apiKeyKey).(auth.Key)
	return k
}

// public serves fn to anyone. Browsers' cross-site state-changing requests
// are refused (login CSRF); clients other than browsers are unaffected.
func (a *API) public(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := a.origin.Check(r); err != nil {
			a.fail(w, r, crossOrigin())
			return
		}
		if err := fn(w, r); err != nil {
			a.fail(w, r, err)
		}
	})
}

func crossOrigin() error {
	return httpx.NewProblem(http.StatusForbidden, "cross-origin",
		"cross-site requests that change state are refused; send the request from Pulse's own pages or from a non-browser client")
}

// session serves fn to a logged-in user only. Requests that change state
// must carry the session's CSRF token in X-CSRF-Token.
func (a *API) session(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := a.origin.Check(r); err != nil {
			a.fail(w, r, crossOrigin())
			return
		}
		tok := a.cookie.Token(r)
		sess, acct, err := a.auth.Session(r.Context(), tok)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if !safeMethod(r.Method) && !validCSRF(r, sess.CSRFToken) {
			a.fail(w, r, csrfProblem())
			return
		}
		ctx := context.WithValue(r.Context(), sessionKey, sessionInfo{Session: sess, Account: acct, Token: tok})
		if err := fn(w, r.WithContext(ctx)); err != nil {
			a.fail(w, r, err)
		}
	})
}

// validCSRF reports whether r carries the session's CSRF token.
func validCSRF(r *http.Request, want string) bool {
	got := r.Header.Get("X-CSRF-Token")
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func csrfProblem() error {
	return httpx.NewProblem(http.StatusForbidden, "csrf",
		"missing or wrong X-CSRF-Token header: send the csrf_token from login, register or /api/v1/me")
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// key serves fn to an app's API key of the needed scope: a full key may do
// anything, an ingest key only what needs ScopeIngest. Each key is rate
// limited.
func (a *API) key(need model.KeyScope, fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// RFC 9110: a 401 names the authentication scheme to use.
		unauthorized := func(err error) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="pulse"`)
			a.fail(w, r, err)
		}
		secret, ok := bearer(r)
		if !ok {
			unauthorized(&model.UnauthenticatedError{
				Reason: "send the app's API key in the header Authorization: Bearer <key>"})
			return
		}
		k, err := a.auth.Authenticate(r.Context(), secret)
		if err != nil {
			var unauth *model.UnauthenticatedError
			if errors.As(err, &unauth) {
				unauthorized(err)
			} else {
				a.fail(w, r, err)
			}
			return
		}
		if ok, wait := a.keyRate.Allow(k.Key.ID); !ok {
			a.fail(w, r, &model.ThrottledError{
				Message: "this API key is over its request rate; slow down or batch events", RetryAfter: wait})
			return
		}
		if need == model.ScopeFull && k.Key.Scope != model.ScopeFull {
			a.fail(w, r, httpx.NewProblem(http.StatusForbidden, "scope",
				"this is an ingest-only key: it may send events but not read data; use a full key"))
			return
		}
		if err := fn(w, r.WithContext(context.WithValue(r.Context(), apiKeyKey, k))); err != nil {
			a.fail(w, r, err)
		}
	})
}

func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, cred, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	cred = strings.TrimSpace(cred)
	return cred, cred != ""
}
