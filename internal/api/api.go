// Package api is Pulse's JSON API under /api/v1: the handlers, the
// authentication middleware for sessions and API keys, and the mapping of
// domain errors to RFC 9457 problems.
package api

import (
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"pulse/internal/apps"
	"pulse/internal/assistant"
	"pulse/internal/auth"
	"pulse/internal/crm"
	"pulse/internal/ingest"
	"pulse/internal/insight"
	"pulse/internal/narrative"
	"pulse/internal/ratelimit"
	"pulse/internal/report"
	"pulse/internal/store"
)

// Config holds the API's settings.
type Config struct {
	// TrustProxy makes X-Forwarded-For and X-Forwarded-Proto count: set it
	// only behind a reverse proxy that overwrites them.
	TrustProxy bool
	// KeyRate and KeyBurst limit requests per API key (per second, and the
	// burst above that rate).
	KeyRate  float64
	KeyBurst int
	// Now is the clock; nil means the wall clock.
	Now func() time.Time
	// Assistant answers questions in natural language; nil when no LLM
	// service is configured, and the endpoint says how to configure one.
	Assistant *assistant.Client
}

// API serves /api/v1.
type API struct {
	cfg      Config
	log      *slog.Logger
	db       *store.DB
	auth     *auth.Service
	apps     *apps.Service
	keyRate  *ratelimit.Limiter
	origin   *http.CrossOriginProtection
	writer   *ingest.Writer
	crm      *crm.Service
	now      func() time.Time
	cookie   auth.Cookie
	reports  *report.Service
	insights *insight.Service
	summary  *narrative.Service
	// decoding holds a slot per batch being decoded (see decodeBatch).
	decoding chan struct{}
}

// New returns the API.
func New(cfg Config, log *slog.Logger, db *store.DB, authSvc *auth.Service, appSvc *apps.Service,
	writer *ingest.Writer, insights *insight.Service) *API {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	clock := func() time.Time { return now().UTC().Truncate(time.Microsecond) }
	return &API{
		writer:   writer,
		insights: insights,
		decoding: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)-1)),
		crm:      crm.New(db, now),
		reports:  report.New(db, now),
		summary:  narrative.New(report.New(db, now), insights, now),
		now:      clock,
		cfg:      cfg,
		log:      log,
		db:       db,
		auth:     authSvc,
		apps:     appSvc,
		keyRate:  ratelimit.New(cfg.KeyRate, cfg.KeyBurst, clock),
		origin:   http.NewCrossOriginProtection(),
		cookie:   auth.Cookie{TrustProxy: cfg.TrustProxy},
	}
}

// bodyLimit caps a JSON request body that is not an event batch.
const bodyLimit = 64 << 10
