package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"pulse/internal/assistant"
	"pulse/internal/auth"
	"pulse/internal/config"
	"pulse/internal/password"
	"pulse/internal/server"
	"pulse/internal/store"
	"pulse/internal/version"
)

// serverGCPercent is the collector's target for the server when GOGC is
// not set. Its live heap is small (tens of megabytes) and nearly everything
// it allocates is garbage by the end of a request: collecting when the heap
// has grown by 400 % rather than 100 % cuts the collector's share of the
// CPU to about a third, which measured 5–8 % more single events per second
// (docs/BENCHMARKS.md), for at most a few hundred megabytes.
const serverGCPercent = 400

// serve runs the web server until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, env Env, args []string) error {
	cfg, log, db, err := start(ctx, "serve", env, args)
	if err != nil {
		return err
	}
	defer db.Close()
	if env.Getenv("GOGC") == "" {
		debug.SetGCPercent(serverGCPercent)
	}

	authCfg := auth.DefaultConfig
	authCfg.SessionIdle, authCfg.SessionMax = cfg.SessionIdle, cfg.SessionMax
	var llm *assistant.Client
	if l := cfg.LLM; l.URL != "" {
		if llm, err = assistant.New(assistant.Config{URL: l.URL, Model: l.Model, APIKey: l.APIKey, Timeout: l.Timeout}); err != nil {
			return err
		}
		log.Info("assistant questions go to an LLM", "model", l.Model, "timeout", l.Timeout.String())
	}
	app := server.New(server.Config{
		TrustProxy: cfg.TrustProxy,
		KeyRate:    cfg.KeyRate,
		KeyBurst:   cfg.KeyBurst,
		Auth:       authCfg,
		Password:   password.DefaultParams,
		Assistant:  llm,
	}, log, db)
	// Runs before db.Close: the writer commits what it holds first.
	defer app.Close()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           app.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
		srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	// Tests start serve on port 0 and read the real address from this line.
	fmt.Fprintf(env.Stdout, "Pulse is listening on %s://%s (%s, %s)\n", scheme, ln.Addr(), db.Dialect(), version.Version)
	log.Info("serving", "addr", ln.Addr().String(), "database", string(db.Dialect()), "version", version.Version)

	go sweepSessions(ctx, log, app.Auth)
	errc := make(chan error, 1)
	go func() {
		if cfg.TLSCert != "" {
			errc <- srv.ServeTLS(ln, cfg.TLSCert, cfg.TLSKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// start is what serving and loading have in common: the command's
// settings, its logger and the migrated database.
func start(ctx context.Context, cmd string, env Env, args []string) (config.Config, *slog.Logger, *store.DB, error) {
	cfg, err := loadConfig(cmd, env, args)
	if err != nil {
		return cfg, nil, nil, err
	}
	log := NewLogger(cfg, env.Stderr)
	db, err := openMigrated(ctx, cfg, log)
	return cfg, log, db, err
}

// openMigrated opens the database and brings its schema up to date, or,
// with --migrate=false, refuses a schema that is behind.
func openMigrated(ctx context.Context, cfg config.Config, log *slog.Logger) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.DB, store.Options{})
	if err != nil {
		return nil, err
	}
	st, err := db.Status(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	switch {
	case st.Ahead():
		db.Close()
		return nil, fmt.Errorf("the database schema is at version %d, newer than this binary's %d: upgrade Pulse", st.Current, st.Latest)
	case st.Behind() && !cfg.Migrate:
		db.Close()
		return nil, fmt.Errorf("the database schema is at version %d but this binary needs %d: run pulse migrate, or serve with --migrate", st.Current, st.Latest)
	case st.Behind():
		n, err := db.Migrate(ctx)
		if err != nil {
			db.Close()
			return nil, err
		}
		log.Info("applied migrations", "count", n, "schema_version", st.Latest)
	}
	return db, nil
}

// sweepSessions deletes dead sessions every hour.
func sweepSessions(ctx context.Context, log *slog.Logger, a *auth.Service) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := a.SweepSessions(ctx); err != nil {
				log.Warn("sweeping sessions failed", "err", err)
			} else if n > 0 {
				log.Info("swept ended sessions", "count", n)
			}
		}
	}
}
