// Package server assembles Pulse's HTTP surface: the JSON API, health and
// metrics endpoints, and the middleware every request passes through.
package server

import (
	"log/slog"
	"net/http"

	"pulse/internal/api"
	"pulse/internal/metrics"
	"pulse/internal/store"
)

// New returns the handler for the whole site. The chain, outermost first:
// request id, access log and metrics, security headers, panic recovery,
// then the mux. Only the outermost layer replaces the request, so the
// pattern the mux records on it is visible to the log and metrics layer.
func New(log *slog.Logger, db *store.DB, m *metrics.Metrics, a *api.API) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /healthz", healthz())
	mux.Handle("GET /readyz", readyz(log, db))
	mux.Handle("GET /metrics", m.Handler())
	a.Register(mux)

	var h http.Handler = mux
	h = recoverPanics(log, h)
	h = securityHeaders(h)
	h = observe(log, m, h)
	h = withRequestID(h)
	return h
}
