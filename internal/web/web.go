// Package web is Pulse's interface in the browser: server-rendered pages
// for everything a CRM user does, in English and Russian, working without
// JavaScript where it can and enhanced by a small script where it helps
// (copy buttons, live connection status, confirmations).
package web

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"pulse/internal/apps"
	"pulse/internal/assistant"
	"pulse/internal/auth"
	"pulse/internal/crm"
	"pulse/internal/i18n"
	"pulse/internal/insight"
	"pulse/internal/model"
	"pulse/internal/narrative"
	"pulse/internal/report"
	"pulse/internal/store"
	"pulse/internal/trend"
)

//go:embed templates static
var files embed.FS

// Config holds the web interface's settings.
type Config struct {
	// TrustProxy makes X-Forwarded-For and X-Forwarded-Proto count.
	TrustProxy bool
	// Now is the clock; nil means the wall clock.
	Now func() time.Time
	// Ask answers a question about an app in natural language, texts in
	// lang (see api.API.Ask); nil when no LLM service is configured, and
	// the assistant page says how to configure one.
	Ask func(ctx context.Context, app model.App, lang, question string) (*assistant.Answer, error)
}

// Web serves the HTML pages and their static files.
type Web struct {
	cfg    Config
	log    *slog.Logger
	db     *store.DB
	auth   *auth.Service
	apps   *apps.Service
	crm    *crm.Service
	report *report.Service
	trend  *trend.Service
	// insights serves forecasts and customer scores, shared with the API
	// so that both show the same cached figures.
	insights *insight.Service
	// summary writes the assistant page's summary of a period.
	summary *narrative.Service
	msgs    i18n.Catalogs
	pages   map[string]*template.Template
	static  http.Handler
	origin  *http.CrossOriginProtection
	cookie  auth.Cookie
	now     func() time.Time
}

// New parses every template and loads the catalogs; an error here is a
// bug in the embedded files, found at start-up rather than on a page view.
func New(cfg Config, log *slog.Logger, db *store.DB, authSvc *auth.Service, appSvc *apps.Service,
	insights *insight.Service) (*Web, error) {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	msgs, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	static, err := fs.Sub(files, "static")
	if err != nil {
		return nil, err
	}
	reports := report.New(db, now)
	return &Web{
		cfg: cfg, log: log, db: db, auth: authSvc, apps: appSvc,
		crm:      crm.New(db, now),
		report:   reports,
		trend:    trend.New(db),
		insights: insights,
		summary:  narrative.New(reports, insights, now),
		msgs:     msgs,
		pages:    pages,
		static:   http.StripPrefix("/static/", http.FileServerFS(static)),
		origin:   http.NewCrossOriginProtection(),
		cookie:   auth.Cookie{TrustProxy: cfg.TrustProxy},
		now:      func() time.Time { return now().UTC().Truncate(time.Microsecond) },
	}, nil
}

// parsePages builds one template set per page: the layout, the shared
// partials and the page itself, which defines "title" and "content".
func parsePages() (map[string]*template.Template, error) {
	partials, err := fs.Glob(files, "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".html")
		if base == "layout" {
			continue
		}
		set := append([]string{"templates/layout.html"}, partials...)
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(files, append(set, name)...)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		pages[base] = t
	}
	return pages, nil
}

// PageNames lists the pages, for tests that render each one.
func (h *Web) PageNames() []string {
	out := make([]string, 0, len(h.pages))
	for name := range h.pages {
		out = append(out, name)
	}
	return out
}
