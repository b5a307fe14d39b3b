package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"pulse/internal/i18n"
	"pulse/internal/model"
	"pulse/internal/page"
)

// pageFunc serves one page; an error it returns is shown by fail.
type pageFunc func(w http.ResponseWriter, r *http.Request, v *view) error

// csp allows nothing but Pulse's own script, styles and images: no inline
// script can run even if some text slipped through unescaped.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// formLimit caps a submitted form.
const formLimit = 64 << 10

func pageHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	// Pages show account data and one-time keys: never cache them.
	h.Set("Cache-Control", "no-store")
}

// begin starts every page: its headers, a view in the visitor's language,
// and the refusal of cross-site form posts.
func (h *Web) begin(w http.ResponseWriter, r *http.Request) (*view, bool) {
	pageHeaders(w)
	v := &view{Lang: h.guestLang(r), msgs: h.msgs, Path: r.URL.RequestURI()}
	if err := h.origin.Check(r); err != nil {
		h.fail(w, r, v, errCrossOrigin)
		return v, false
	}
	return v, true
}

// readForm parses a posted form, capped at formLimit, into v.Form.
func (h *Web) readForm(w http.ResponseWriter, r *http.Request, v *view) bool {
	if r.Method != http.MethodPost {
		return true
	}
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, v, errBadForm)
		return false
	}
	v.Form = r.PostForm
	return true
}

// public serves pages anyone may see (log in, register). Cross-site form
// posts are refused, which stops login CSRF.
func (h *Web) public(fn pageFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, ok := h.begin(w, r)
		if !ok || !h.readForm(w, r, v) {
			return
		}
		if err := fn(w, r, v); err != nil {
			h.fail(w, r, v, err)
		}
	})
}

// guestLang is the language for someone not logged in: the one chosen with
// the switch, else the browser's preference, else English.
func (h *Web) guestLang(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && i18n.Supported(c.Value) {
		return c.Value
	}
	for part := range strings.SplitSeq(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if i18n.Supported(base) {
			return base
		}
	}
	return i18n.Langs[0]
}

// langCookie remembers the language of someone not logged in; an account
// keeps its own.
const langCookie = "pulse_lang"

// session serves pages for a logged-in user. Someone else is sent to log
// in and brought back afterwards. Forms must carry the session's CSRF
// token.
func (h *Web) session(fn pageFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, ok := h.begin(w, r)
		if !ok {
			return
		}
		sess, acct, err := h.auth.Session(r.Context(), h.cookie.Token(r))
		if err != nil {
			var unauth *model.UnauthenticatedError
			if errors.As(err, &unauth) {
				h.toLogin(w, r)
				return
			}
			h.fail(w, r, v, err)
			return
		}
		v.Account, v.CSRF, v.Lang = &acct, sess.CSRFToken, acct.Lang
		if !i18n.Supported(v.Lang) {
			v.Lang = i18n.Langs[0]
		}
		if !h.readForm(w, r, v) {
			return
		}
		if r.Method == http.MethodPost && !validToken(v.Form.Get("csrf_token"), sess.CSRFToken) {
			h.fail(w, r, v, errCSRF)
			return
		}
		list, err := h.apps.List(r.Context(), acct.ID, page.Params{Limit: page.MaxLimit})
		if err != nil {
			h.fail(w, r, v, err)
			return
		}
		v.Apps = list.Data
		if err := fn(w, r, v); err != nil {
			h.fail(w, r, v, err)
		}
	})
}

// inApp serves a page about one of the user's apps, named by {app_id};
// another account's app is not found.
func (h *Web) inApp(fn pageFunc) http.Handler {
	return h.session(func(w http.ResponseWriter, r *http.Request, v *view) error {
		app, err := h.apps.Get(r.Context(), v.Account.ID, r.PathValue("app_id"))
		if err != nil {
			return err
		}
		v.App = &app
		return fn(w, r, v)
	})
}

// validToken compares a submitted CSRF token with the session's in
// constant time.
func validToken(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (h *Web) toLogin(w http.ResponseWriter, r *http.Request) {
	target := "/login"
	if r.Method == http.MethodGet && r.URL.Path != "/" {
		target += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// safeNext returns next when it is a path on this site, else "/": a login
// link must not send the user elsewhere.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

// pageError is a failure shown as a whole page with a status.
type pageError struct {
	status int
	key    string
}

func (e *pageError) Error() string { return e.key }

var (
	errCrossOrigin = &pageError{http.StatusForbidden, "error.cross_origin"}
	errCSRF        = &pageError{http.StatusForbidden, "error.csrf"}
	errBadForm     = &pageError{http.StatusBadRequest, "error.bad_form"}
	errNotFound    = &pageError{http.StatusNotFound, "error.not_found"}
)

// fail shows err as an error page. Causes other than the expected ones are
// logged and never shown.
func (h *Web) fail(w http.ResponseWriter, r *http.Request, v *view, err error) {
	var (
		pe       *pageError
		unauth   *model.UnauthenticatedError
		throttle *model.ThrottledError
	)
	switch {
	case errors.As(err, &pe):
	case errors.Is(err, model.ErrNotFound):
		pe = errNotFound
	case errors.As(err, &unauth):
		h.toLogin(w, r)
		return
	case errors.As(err, &throttle):
		pe = &pageError{http.StatusTooManyRequests, "error.throttled"}
	default:
		h.log.Error("web: page failed", "path", r.URL.Path, "err", err)
		pe = &pageError{http.StatusInternalServerError, "error.internal"}
	}
	v.Data = pe.key
	h.render(w, pe.status, "error", v)
}
