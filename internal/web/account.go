package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"pulse/internal/apps"
	"pulse/internal/auth"
	"pulse/internal/httpx"
	"pulse/internal/i18n"
	"pulse/internal/model"
)

// home sends a logged-in user to their first app.
func (h *Web) home(w http.ResponseWriter, r *http.Request, v *view) error {
	if len(v.Apps) == 0 {
		http.Redirect(w, r, "/apps", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/apps/"+v.Apps[0].ID, http.StatusSeeOther)
	return nil
}

// loggedIn reports whether the request already has a live session.
func (h *Web) loggedIn(ctx context.Context, r *http.Request) bool {
	_, _, err := h.auth.Session(ctx, h.cookie.Token(r))
	return err == nil
}

func (h *Web) registerForm(w http.ResponseWriter, r *http.Request, v *view) error {
	if h.loggedIn(r.Context(), r) {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	h.render(w, http.StatusOK, "register", v)
	return nil
}

// register creates the account, its first app and key, and shows the
// connection page with the key right away: it is shown this once, and
// never travels in a URL.
func (h *Web) register(w http.ResponseWriter, r *http.Request, v *view) error {
	name, email, pw := v.Value("name"), v.Value("email"), v.Value("password")
	lang := v.Lang
	reg, err := h.auth.Register(r.Context(), auth.RegisterInput{
		Name: &name, Email: &email, Password: &pw, Lang: &lang,
		App: optionalApp(v),
	})
	var conflict *model.ConflictError
	switch {
	case errors.As(err, &conflict):
		v.Errors = map[string]string{"email": v.T("register.email_taken")}
	case v.fieldErrors(err, map[string]string{"app.name": "app_name", "app.currency": "currency", "app.timezone": "timezone"}):
	case err != nil:
		return err
	}
	if err != nil {
		v.Form.Del("password")
		h.render(w, http.StatusUnprocessableEntity, "register", v)
		return nil
	}
	if err := h.cookie.Replace(w, r, h.auth, reg.Session); err != nil {
		h.log.WarnContext(r.Context(), "revoking the previous session failed", "err", err,
			"request_id", httpx.RequestID(r.Context()))
	}
	v.Account, v.CSRF, v.App, v.Apps = &reg.Account, reg.Session.Session.CSRFToken, &reg.App, []model.App{reg.App}
	v.Form = nil
	return h.showConnect(w, r, v, &newKey{Key: reg.Key, Secret: reg.KeySecret})
}

// optionalApp reads the app fields of the registration form; empty ones
// take the defaults.
func optionalApp(v *view) (in apps.Input) {
	for field, dst := range map[string]**string{"app_name": &in.Name, "currency": &in.Currency, "timezone": &in.Timezone} {
		if s := v.Value(field); s != "" {
			*dst = &s
		}
	}
	return in
}

func (h *Web) loginForm(w http.ResponseWriter, r *http.Request, v *view) error {
	if h.loggedIn(r.Context(), r) {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	v.Form = map[string][]string{"next": {r.URL.Query().Get("next")}}
	h.render(w, http.StatusOK, "login", v)
	return nil
}

func (h *Web) login(w http.ResponseWriter, r *http.Request, v *view) error {
	email, pw := v.Value("email"), v.Value("password")
	v.Errors = map[string]string{}
	if email == "" {
		v.Errors["email"] = v.T("form.required")
	}
	if pw == "" {
		v.Errors["password"] = v.T("form.required")
	}
	if len(v.Errors) == 0 {
		_, ns, err := h.auth.Login(r.Context(), email, pw, httpx.ClientIP(r, h.cfg.TrustProxy))
		var (
			unauth   *model.UnauthenticatedError
			throttle *model.ThrottledError
		)
		switch {
		case err == nil:
			if err := h.cookie.Replace(w, r, h.auth, ns); err != nil {
				h.log.WarnContext(r.Context(), "revoking the previous session failed", "err", err,
					"request_id", httpx.RequestID(r.Context()))
			}
			http.Redirect(w, r, safeNext(v.Value("next")), http.StatusSeeOther)
			return nil
		case errors.As(err, &throttle):
			v.Alert = v.T("login.throttled", int(throttle.RetryAfter.Round(time.Second)/time.Second))
		case errors.As(err, &unauth):
			v.Alert = v.T("login.bad_credentials")
		default:
			return err
		}
	}
	v.Form.Del("password")
	h.render(w, http.StatusUnprocessableEntity, "login", v)
	return nil
}

func (h *Web) logout(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := h.auth.Logout(r.Context(), h.cookie.Token(r)); err != nil {
		return err
	}
	h.cookie.Clear(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// switchLang changes the language: for the account when logged in, and in a
// cookie either way, so the login page keeps it after logout.
func (h *Web) switchLang(w http.ResponseWriter, r *http.Request, v *view) error {
	lang := v.Value("lang")
	if !i18n.Supported(lang) {
		return errBadForm
	}
	if sess, acct, err := h.auth.Session(r.Context(), h.cookie.Token(r)); err == nil {
		if !validToken(v.Value("csrf_token"), sess.CSRFToken) {
			return errCSRF
		}
		if err := h.db.SetAccountLang(r.Context(), acct.ID, lang); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{
		Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: httpx.IsTLS(r, h.cfg.TrustProxy), SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, safeNext(v.Value("back")), http.StatusSeeOther)
	return nil
}
