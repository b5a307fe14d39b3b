package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"pulse/internal/httpx"
	"pulse/internal/store"
)

// healthz says the process is alive; it checks nothing else, so a slow
// database never gets a healthy process restarted.
func healthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
}

// readyz says whether this instance can serve: the database answers and its
// schema is the one this binary expects.
func readyz(log *slog.Logger, db *store.DB) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := db.Ping(ctx); err != nil {
			log.WarnContext(ctx, "readiness: database unreachable", "err", err)
			httpx.WriteProblem(w, httpx.NewProblem(http.StatusServiceUnavailable, "not-ready", "the database does not answer"))
			return
		}
		st, err := db.Status(ctx)
		if err != nil {
			log.WarnContext(ctx, "readiness: schema status", "err", err)
			httpx.WriteProblem(w, httpx.NewProblem(http.StatusServiceUnavailable, "not-ready", "the schema version cannot be read"))
			return
		}
		if st.Current != st.Latest {
			httpx.WriteProblem(w, httpx.NewProblem(http.StatusServiceUnavailable, "not-ready",
				"the database schema is not at this version's level; run pulse migrate"))
			return
		}
		httpx.WriteJSON(w, http.StatusOK, map[string]any{
			"status": "ready", "database": string(db.Dialect()), "schema_version": st.Current,
		})
	})
}
