package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"pulse/internal/auth"
	"pulse/internal/password"
	"pulse/internal/server"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

func newServer(t *testing.T, db *store.DB) *httptest.Server {
	t.Helper()
	app := server.New(server.Config{KeyRate: 100, KeyBurst: 100, Auth: auth.DefaultConfig,
		Password: password.Params{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}},
		slog.New(slog.DiscardHandler), db)
	t.Cleanup(app.Close)
	srv := httptest.NewServer(app.Handler)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := newServer(t, db)
		if resp, body := get(t, srv.URL+"/healthz"); resp.StatusCode != 200 || !strings.Contains(body, `"ok"`) {
			t.Fatalf("/healthz = %d %s", resp.StatusCode, body)
		}
		if resp, body := get(t, srv.URL+"/readyz"); resp.StatusCode != 200 || !strings.Contains(body, `"ready"`) {
			t.Fatalf("/readyz = %d %s", resp.StatusCode, body)
		}
		db.Close()
		resp, body := get(t, srv.URL+"/readyz")
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(resp.Header.Get("Content-Type"), "problem+json") {
			t.Fatalf("/readyz with the database gone = %d %s, want a 503 problem", resp.StatusCode, body)
		}
		if resp, _ := get(t, srv.URL+"/healthz"); resp.StatusCode != 200 {
			t.Fatalf("/healthz must not depend on the database: %d", resp.StatusCode)
		}
	})
}

func TestReadinessWantsTheCurrentSchema(t *testing.T) {
	t.Parallel()
	db, err := store.Open(t.Context(), storetest.DSN(t, store.SQLite), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	srv := newServer(t, db)
	if resp, body := get(t, srv.URL+"/readyz"); resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "migrate") {
		t.Fatalf("/readyz on an unmigrated database = %d %s, want 503", resp.StatusCode, body)
	}
}

func TestMetricsCountRequestsByRoute(t *testing.T) {
	t.Parallel()
	srv := newServer(t, storetest.Open(t, store.SQLite))
	get(t, srv.URL+"/healthz")
	get(t, srv.URL+"/healthz")
	get(t, srv.URL+"/api/v1/me")
	get(t, srv.URL+"/api/v1/no/such/path/12345")
	_, body := get(t, srv.URL+"/metrics")
	for _, want := range []string{
		`pulse_http_requests_total{method="GET",route="GET /healthz",status="200"} 2`,
		`pulse_http_requests_total{method="GET",route="GET /api/v1/me",status="401"} 1`,
		`pulse_http_requests_total{method="GET",route="/api/",status="404"} 1`,
		`pulse_http_request_duration_seconds_bucket{method="GET",route="GET /healthz",le="+Inf"} 2`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, "12345") {
		t.Error("/metrics labels carry a raw path")
	}
}

func TestEveryResponseCarriesSecurityHeadersAndARequestID(t *testing.T) {
	t.Parallel()
	srv := newServer(t, storetest.Open(t, store.SQLite))
	for _, path := range []string{"/healthz", "/api/v1/me", "/api/v1/openapi.json", "/nowhere"} {
		resp, _ := get(t, srv.URL+path)
		for h, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"X-Frame-Options":        "DENY",
			"Referrer-Policy":        "no-referrer",
		} {
			if got := resp.Header.Get(h); got != want {
				t.Errorf("%s: %s = %q, want %q", path, h, got, want)
			}
		}
		if len(resp.Header.Get("X-Request-Id")) < 16 {
			t.Errorf("%s: no request id", path)
		}
	}
	resp, _ := get(t, srv.URL+"/api/v1/me")
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("API response Cache-Control = %q, want no-store", resp.Header.Get("Cache-Control"))
	}
}
