package web

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"pulse/internal/i18n"
	"pulse/internal/model"
)

// view is what every page template gets: who is looking, in which
// language, the app in view, and the page's own data.
type view struct {
	// Page is the template being rendered, marked on <body> so that tests
	// can tell which pages they have seen.
	Page    string
	Lang    string
	CSRF    string
	Account *model.Account
	Apps    []model.App
	App     *model.App
	// Nav names the navigation entry to mark as current.
	Nav string
	// Path is the page's own path and query, where the language switch
	// returns to.
	Path string
	// Form holds submitted values to show again, Errors the message for
	// each invalid field, and Alert a message for the whole form.
	Form   url.Values
	Errors map[string]string
	Alert  string
	// Notice confirms a completed action.
	Notice string
	Data   any

	msgs i18n.Catalogs
	loc  *time.Location
}

// T translates key.
func (v *view) T(key string, args ...any) string { return v.msgs.T(v.Lang, key, args...) }

// N translates key in the plural form for n.
func (v *view) N(key string, n int64) string { return v.msgs.N(v.Lang, key, n) }

// Int formats a whole number.
func (v *view) Int(n int64) string { return i18n.Int(v.Lang, n) }

// Money formats minor units of the app's currency, or of currency when
// given.
func (v *view) Money(minor int64, currency ...string) string {
	c := ""
	if len(currency) > 0 {
		c = currency[0]
	} else if v.App != nil {
		c = v.App.Currency
	}
	return i18n.Money(v.Lang, minor, c)
}

// Pct formats a fraction as a percentage.
func (v *view) Pct(f float64) string { return i18n.Percent(v.Lang, f) }

// Date formats a date in the app's time zone.
func (v *view) Date(t time.Time) string { return i18n.Date(v.Lang, t.In(v.location())) }

// DateTime formats a moment in the app's time zone.
func (v *view) DateTime(t time.Time) string { return i18n.DateTime(v.Lang, t, v.location()) }

// Value is a submitted form value to show again.
func (v *view) Value(field string) string { return v.Form.Get(field) }

// Err is the message for an invalid field, in the page's language.
func (v *view) Err(field string) string { return v.Errors[field] }

func (v *view) location() *time.Location {
	if v.loc == nil && v.App != nil {
		if loc, err := time.LoadLocation(v.App.Timezone); err == nil {
			v.loc = loc
		}
	}
	if v.loc == nil {
		v.loc = time.UTC
	}
	return v.loc
}

// fieldErrors turns a validation error into messages per field, translated
// when the catalog knows the domain's message. prefix maps the domain's
// field names to the form's when they differ ("app.name" to "name").
func (v *view) fieldErrors(err error, rename map[string]string) bool {
	var verr *model.ValidationError
	if !errors.As(err, &verr) {
		return false
	}
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	for _, fe := range verr.Errors {
		field := fe.Field
		if to, ok := rename[field]; ok {
			field = to
		}
		if _, seen := v.Errors[field]; !seen {
			v.Errors[field] = v.domainMessage(fe.Message)
		}
	}
	return true
}

// domainMessage translates a message from the domain's validators, which
// speak English. The catalog holds each message as "err.<message>"; one
// that carries numbers or quoted values ("must be at most 200 characters")
// is held with each of them as %s, and gets them back, numbers formatted
// for the language. A message the catalog does not hold is shown as it is.
func (v *view) domainMessage(msg string) string {
	if s, ok := v.catalogMessage("err.", msg); ok {
		return s
	}
	return msg
}

// areaMessage is domainMessage with an area's own wording first: a page
// may say a shared message its own way under "<area>.err.<message>".
func (v *view) areaMessage(area, msg string) string {
	if s, ok := v.catalogMessage(area+".err.", msg); ok {
		return s
	}
	return v.domainMessage(msg)
}

// catalogMessage looks msg up under prefix, as it is and then with its
// values as %s.
func (v *view) catalogMessage(prefix, msg string) (string, bool) {
	if key := prefix + msg; v.msgs.Has(key) {
		return v.T(key), true
	}
	var args []any
	pattern := valueRe.ReplaceAllStringFunc(msg, func(s string) string {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			args = append(args, v.Int(n))
		} else if q, err := strconv.Unquote(s); err == nil && v.Lang == "ru" {
			args = append(args, "«"+q+"»")
		} else {
			args = append(args, s)
		}
		return "%s"
	})
	if key := prefix + pattern; len(args) > 0 && v.msgs.Has(key) {
		return v.T(key, args...), true
	}
	return "", false
}

// valueRe matches the values a domain message quotes: numbers and quoted
// strings.
var valueRe = regexp.MustCompile(`[0-9]+|"(?:[^"\\]|\\.)*"`)

var funcs = template.FuncMap{
	// dict builds a map for a partial's arguments.
	"dict": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	},
	"pathEscape": url.PathEscape,
}

// render writes page with status. Rendering goes to a buffer first, so a
// template error becomes a clean 500 instead of half a page.
func (h *Web) render(w http.ResponseWriter, status int, page string, v *view) {
	t, ok := h.pages[page]
	if !ok {
		h.log.Error("web: no such page", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	v.Page = page
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		h.log.Error("web: render", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
