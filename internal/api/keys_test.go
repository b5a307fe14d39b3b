package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"pulse/internal/server"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func mustScan(t *testing.T, db *store.DB, query string, dst ...any) {
	t.Helper()
	if err := storetest.Inspect(t, db).QueryRowContext(context.Background(), query).Scan(dst...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func connection(h *harness, key string) *response {
	return h.anon().send(req{method: "GET", path: "/api/v1/connection", bearer: key})
}

func TestRevokedKeyIsRefusedAtOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		a := h.register("Anna", "anna@example.com")
		r := a.do("POST", "/api/v1/apps/"+a.appID+"/keys", map[string]any{"name": "tmp", "scope": "ingest"})
		secret, id := r.str("key"), r.str("id")
		if r := connection(h, secret); r.status != http.StatusOK {
			t.Fatalf("new key: %d", r.status)
		}
		if r := a.do("DELETE", "/api/v1/apps/"+a.appID+"/keys/"+id, nil); r.status != http.StatusNoContent {
			t.Fatalf("revoke: %d", r.status)
		}
		if r := connection(h, secret); r.status != http.StatusUnauthorized {
			t.Fatalf("revoked key: %d, want 401 at once", r.status)
		}
		// Revoking again is harmless; the other key still works.
		if r := a.do("DELETE", "/api/v1/apps/"+a.appID+"/keys/"+id, nil); r.status != http.StatusNoContent {
			t.Fatalf("second revoke: %d", r.status)
		}
		if r := connection(h, a.key); r.status != http.StatusOK {
			t.Fatalf("untouched key: %d", r.status)
		}
	})
}

func TestKeyLastUsedAt(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		a := h.register("Anna", "anna@example.com")
		lastUsed := func() any {
			r := a.do("GET", "/api/v1/apps/"+a.appID+"/keys", nil)
			v, _ := r.field("data.0.last_used_at")
			return v
		}
		if v := lastUsed(); v != nil {
			t.Fatalf("unused key has last_used_at %v", v)
		}
		h.clock.Advance(time.Hour)
		connection(h, a.key)
		first := h.clock.Now().Format(time.RFC3339Nano)
		if v := lastUsed(); v != first {
			t.Fatalf("last_used_at = %v, want %s", v, first)
		}
		// Within a minute nothing is written; after it, the time moves.
		h.clock.Advance(30 * time.Second)
		connection(h, a.key)
		if v := lastUsed(); v != first {
			t.Fatalf("last_used_at moved within a minute: %v", v)
		}
		h.clock.Advance(time.Minute)
		connection(h, a.key)
		if v := lastUsed(); v != h.clock.Now().Format(time.RFC3339Nano) {
			t.Fatalf("last_used_at = %v, want %s", v, h.clock.Now().Format(time.RFC3339Nano))
		}
	})
}

func TestDeletingAnAppDeletesItsKeys(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		a := h.register("Anna", "anna@example.com")
		r := a.do("POST", "/api/v1/apps", map[string]any{"name": "Doomed"})
		doomed := r.str("id")
		r = a.do("POST", "/api/v1/apps/"+doomed+"/keys", map[string]any{"scope": "full"})
		key := r.str("key")
		if r := connection(h, key); r.status != http.StatusOK {
			t.Fatalf("key before delete: %d", r.status)
		}
		if r := a.do("DELETE", "/api/v1/apps/"+doomed, nil); r.status != http.StatusNoContent {
			t.Fatalf("delete: %d %s", r.status, r.body)
		}
		if r := a.do("GET", "/api/v1/apps/"+doomed, nil); r.status != http.StatusNotFound {
			t.Fatalf("deleted app: %d, want 404", r.status)
		}
		if r := connection(h, key); r.status != http.StatusUnauthorized {
			t.Fatalf("key of a deleted app: %d, want 401", r.status)
		}
		if r := a.do("DELETE", "/api/v1/apps/"+doomed, nil); r.status != http.StatusNotFound {
			t.Fatalf("deleting again: %d, want 404", r.status)
		}
		var keys int
		mustScan(t, db, "SELECT count(*) FROM api_keys WHERE app_id = '"+doomed+"'", &keys)
		if keys != 0 {
			t.Fatalf("%d keys of the deleted app remain", keys)
		}
		if r := connection(h, a.key); r.status != http.StatusOK {
			t.Fatalf("the first app's key: %d", r.status)
		}
	})
}

func TestKeyRateLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storetest.Open(t, store.SQLite), func(c *server.Config) { c.KeyRate, c.KeyBurst = 0.5, 3 })
	a := h.register("Anna", "anna@example.com")
	b := h.register("Boris", "boris@example.com")
	for i := range 3 {
		if r := connection(h, a.key); r.status != http.StatusOK {
			t.Fatalf("request %d within the burst: %d", i+1, r.status)
		}
	}
	r := connection(h, a.key)
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("over the burst: %d, want 429", r.status)
	}
	checkProblem(t, r)
	if ra, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || ra != 2 {
		t.Fatalf("Retry-After = %q, want 2 (one token at 0.5/s)", r.header.Get("Retry-After"))
	}
	// Limits are per key: B's key is unaffected.
	if r := connection(h, b.key); r.status != http.StatusOK {
		t.Fatalf("another key: %d", r.status)
	}
}

func TestMalformedKeysNeverReachTheDatabase(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	h := newHarness(t, db)
	a := h.register("Anna", "anna@example.com")
	db.Close() // any lookup from now on fails with a 500
	typo := a.key[:20] + flip(a.key[20]) + a.key[21:]
	for _, key := range []string{"pulse_sk_", "sk_live_abcdef", typo, a.key[:len(a.key)-1], strings.Repeat("x", 47)} {
		r := connection(h, key)
		if r.status != http.StatusUnauthorized {
			t.Errorf("key %q: %d, want 401 without a database lookup", key, r.status)
		}
	}
	if r := connection(h, a.key); r.status != http.StatusInternalServerError {
		t.Fatalf("a well-formed key must be looked up (and fail on the closed database): %d", r.status)
	}
}

// flip changes one base62 character into another.
func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}
