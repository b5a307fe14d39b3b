// Package server assembles Pulse: it wires the services to the database
// and builds the HTTP surface (the web pages, the JSON API, health and
// metrics endpoints)
// with the middleware every request passes through.
package server

import (
	"log/slog"
	"net/http"
	"time"

	"pulse/internal/api"
	"pulse/internal/apps"
	"pulse/internal/assistant"
	"pulse/internal/auth"
	"pulse/internal/ingest"
	"pulse/internal/insight"
	"pulse/internal/metrics"
	"pulse/internal/password"
	"pulse/internal/store"
	"pulse/internal/web"
)

// Config is what the server needs beyond the database.
type Config struct {
	// TrustProxy makes X-Forwarded-For and X-Forwarded-Proto count.
	TrustProxy bool
	// KeyRate and KeyBurst limit requests per API key.
	KeyRate  float64
	KeyBurst int
	// Auth sets session lifetimes and login throttling.
	Auth auth.Config
	// Password sets the argon2id cost.
	Password password.Params
	// Now is the clock; nil means the wall clock. Tests move it.
	Now func() time.Time
	// Ingest tunes the event writer.
	Ingest ingest.Config
	// Insight tunes when forecasts and customer scores are recomputed.
	Insight insight.Config
	// Assistant is the LLM client for questions in natural language; nil
	// when none is configured.
	Assistant *assistant.Client
}

// App is a wired Pulse instance: its services and its HTTP handler.
type App struct {
	Auth     *auth.Service
	Apps     *apps.Service
	Metrics  *metrics.Metrics
	Writer   *ingest.Writer
	Insights *insight.Service
	Handler  http.Handler
}

// Close stops the event writer after committing what it holds, then the
// insight job. Call it after the HTTP server has stopped taking requests.
func (a *App) Close() {
	a.Writer.Close()
	a.Insights.Close()
}

// New wires the services on db and builds the handler for the whole site.
// The middleware chain, outermost first: request id, access log and
// metrics, security headers, panic recovery, then the mux. Only the
// outermost layer replaces the request, so the pattern the mux records on
// it is visible to the log and metrics layer.
func New(cfg Config, log *slog.Logger, db *store.DB) *App {
	authCfg := cfg.Auth
	authCfg.Now = cfg.Now
	app := &App{
		Auth:    auth.New(db, password.NewHasher(cfg.Password), authCfg),
		Apps:    apps.New(db, cfg.Now),
		Metrics: metrics.New(),
		Writer:  ingest.NewWriter(db, log, cfg.Ingest),
	}
	insightCfg := cfg.Insight
	insightCfg.Now = cfg.Now
	app.Insights = insight.New(db, log, insightCfg)
	app.Writer.OnCommit(app.Insights.Accepted)
	app.Insights.Start()
	app.Apps.OnChange(app.Auth.ForgetApp)
	a := api.New(api.Config{TrustProxy: cfg.TrustProxy, KeyRate: cfg.KeyRate, KeyBurst: cfg.KeyBurst, Now: cfg.Now,
		Assistant: cfg.Assistant},
		log, db, app.Auth, app.Apps, app.Writer, app.Insights)

	webCfg := web.Config{TrustProxy: cfg.TrustProxy, Now: cfg.Now}
	if cfg.Assistant != nil {
		// The pages' chat box asks what the API's endpoint asks.
		webCfg.Ask = a.Ask
	}
	pages, err := web.New(webCfg, log, db, app.Auth, app.Apps, app.Insights)
	if err != nil {
		// The templates and catalogs are embedded in the binary: a broken
		// one is a bug that every test of the server reports.
		panic(err)
	}

	mux := http.NewServeMux()
	mux.Handle("GET /healthz", healthz())
	mux.Handle("GET /readyz", readyz(log, db))
	mux.Handle("GET /metrics", app.Metrics.Handler())
	a.Register(mux)
	pages.Register(mux)

	var h http.Handler = mux
	h = recoverPanics(log, h)
	h = securityHeaders(h)
	h = observe(log, app.Metrics, h)
	h = withRequestID(h)
	app.Handler = h
	return app
}
