package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"pulse/internal/server"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

const pw = "a long passphrase 42"

func login(c *client, email, password string) *response {
	c.h.t.Helper()
	r := c.do("POST", "/api/v1/auth/login", map[string]any{"email": email, "password": password})
	if r.status == http.StatusOK {
		c.csrf = r.str("csrf_token")
	}
	return r
}

func TestLogoutRevokesTheSessionOnTheServer(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		a := h.register("Anna", "anna@example.com")
		// Keep a copy of the cookie: the server must refuse it after logout
		// even when a client keeps sending it.
		stolen := a.http.Jar.Cookies(mustURL(t, h.srv.URL))
		if r := a.do("POST", "/api/v1/auth/logout", nil); r.status != http.StatusNoContent {
			t.Fatalf("logout: %d %s", r.status, r.body)
		}
		replay := h.anon()
		replay.http.Jar.SetCookies(mustURL(t, h.srv.URL), stolen)
		if r := replay.do("GET", "/api/v1/me", nil); r.status != http.StatusUnauthorized {
			t.Fatalf("/me with a logged-out cookie: %d, want 401", r.status)
		}
	})
}

func TestLoginRotatesTheSession(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		a := h.register("Anna", "anna@example.com")
		before := a.http.Jar.Cookies(mustURL(t, h.srv.URL))
		oldCSRF := a.csrf
		if r := login(a, "anna@example.com", pw); r.status != http.StatusOK {
			t.Fatalf("login: %d %s", r.status, r.body)
		}
		after := a.http.Jar.Cookies(mustURL(t, h.srv.URL))
		if before[0].Value == after[0].Value || oldCSRF == a.csrf {
			t.Fatal("login kept the session token or CSRF token it was sent with")
		}
		old := h.anon()
		old.http.Jar.SetCookies(mustURL(t, h.srv.URL), before)
		if r := old.do("GET", "/api/v1/me", nil); r.status != http.StatusUnauthorized {
			t.Fatalf("the pre-login session still works: %d", r.status)
		}
		if r := a.do("GET", "/api/v1/me", nil); r.status != http.StatusOK {
			t.Fatalf("the new session does not work: %d", r.status)
		}
	})
}

func TestSessionCookieAttributes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storetest.Open(t, store.SQLite))
	c := h.anon()
	r := c.do("POST", "/api/v1/auth/register", map[string]any{"name": "A", "email": "a@example.com", "password": pw})
	sc := r.header.Get("Set-Cookie")
	for _, want := range []string{"pulse_session=", "HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=2592000"} {
		if !strings.Contains(sc, want) {
			t.Errorf("Set-Cookie %q lacks %q", sc, want)
		}
	}
	if strings.Contains(sc, "Secure") || strings.Contains(sc, "__Host-") {
		t.Errorf("plain HTTP cookie is marked for TLS: %q", sc)
	}
	// Logout clears it.
	c.csrf = r.str("csrf_token")
	r = c.do("POST", "/api/v1/auth/logout", nil)
	if sc := r.header.Get("Set-Cookie"); !strings.Contains(sc, "Max-Age=0") {
		t.Errorf("logout Set-Cookie %q does not clear the cookie", sc)
	}
}

func TestSessionCookieUnderTLS(t *testing.T) {
	t.Parallel()
	check := func(t *testing.T, h *harness, header map[string]string) {
		t.Helper()
		c := h.anon()
		r := c.send(req{method: "POST", path: "/api/v1/auth/register", header: header,
			body: map[string]any{"name": "A", "email": "a" + strconv.Itoa(len(header)) + "@example.com", "password": pw}})
		if r.status != http.StatusCreated {
			t.Fatalf("register: %d %s", r.status, r.body)
		}
		sc := r.header.Get("Set-Cookie")
		if !strings.HasPrefix(sc, "__Host-pulse_session=") || !strings.Contains(sc, "Secure") ||
			strings.Contains(sc, "Domain=") || !strings.Contains(sc, "Path=/") {
			t.Fatalf("Set-Cookie under TLS = %q, want __Host- prefix, Secure, Path=/ and no Domain", sc)
		}
		// The plain-HTTP cookie name is not accepted over TLS.
		tok := strings.TrimPrefix(strings.SplitN(sc, ";", 2)[0], "__Host-pulse_session=")
		r = h.anon().send(req{method: "GET", path: "/api/v1/me", header: mergeHeader(header, "Cookie", "pulse_session="+tok)})
		if r.status != http.StatusUnauthorized {
			t.Fatalf("plain cookie name over TLS: %d, want 401", r.status)
		}
		r = h.anon().send(req{method: "GET", path: "/api/v1/me", header: mergeHeader(header, "Cookie", "__Host-pulse_session="+tok)})
		if r.status != http.StatusOK {
			t.Fatalf("__Host- cookie over TLS: %d, want 200", r.status)
		}
	}
	t.Run("direct TLS", func(t *testing.T) {
		check(t, newTLSHarness(t, storetest.Open(t, store.SQLite)), nil)
	})
	t.Run("TLS at a trusted proxy", func(t *testing.T) {
		h := newHarness(t, storetest.Open(t, store.SQLite), func(c *server.Config) { c.TrustProxy = true })
		check(t, h, map[string]string{"X-Forwarded-Proto": "https"})
	})
	t.Run("untrusted proxy header is ignored", func(t *testing.T) {
		h := newHarness(t, storetest.Open(t, store.SQLite))
		r := h.anon().send(req{method: "POST", path: "/api/v1/auth/register", header: map[string]string{"X-Forwarded-Proto": "https"},
			body: map[string]any{"name": "A", "email": "a@example.com", "password": pw}})
		if sc := r.header.Get("Set-Cookie"); !strings.HasPrefix(sc, "pulse_session=") {
			t.Fatalf("Set-Cookie = %q: a client-sent X-Forwarded-Proto must not count", sc)
		}
	})
}

func mergeHeader(h map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for hk, hv := range h {
		out[hk] = hv
	}
	return out
}

func TestSessionTimeouts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db, func(c *server.Config) {
			c.Auth.SessionIdle = 2 * time.Hour
			c.Auth.SessionMax = 10 * time.Hour
		})
		a := h.register("Anna", "anna@example.com")

		// Idle: used every 90 minutes the session lives past the idle limit...
		for range 4 {
			h.clock.Advance(90 * time.Minute)
			if r := a.do("GET", "/api/v1/me", nil); r.status != http.StatusOK {
				t.Fatalf("active session refused after %v idle: %d", 90*time.Minute, r.status)
			}
		}
		// ...but not past the absolute limit, however active it is.
		h.clock.Advance(90 * time.Minute) // 7.5 h
		if r := a.do("GET", "/api/v1/me", nil); r.status != http.StatusOK {
			t.Fatalf("session refused before its absolute limit: %d", r.status)
		}
		h.clock.Advance(90 * time.Minute) // 9 h
		a.do("GET", "/api/v1/me", nil)
		h.clock.Advance(61 * time.Minute) // 10 h 1 min
		if r := a.do("GET", "/api/v1/me", nil); r.status != http.StatusUnauthorized {
			t.Fatalf("session past its absolute limit: %d, want 401", r.status)
		}

		b := h.register("Boris", "boris@example.com")
		h.clock.Advance(2*time.Hour + time.Second)
		if r := b.do("GET", "/api/v1/me", nil); r.status != http.StatusUnauthorized {
			t.Fatalf("session idle past its limit: %d, want 401", r.status)
		}
		if r := login(b, "boris@example.com", pw); r.status != http.StatusOK {
			t.Fatalf("login after an idle timeout: %d", r.status)
		}
		if r := b.do("GET", "/api/v1/me", nil); r.status != http.StatusOK {
			t.Fatalf("fresh session: %d", r.status)
		}
		n, err := h.app.Auth.SweepSessions(t.Context())
		if err != nil || n != 2 {
			t.Fatalf("SweepSessions = %d, %v; want the 2 ended sessions", n, err)
		}
	})
}

func TestLoginThrottling(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		h.register("Anna", "anna@example.com")
		c := h.anon()
		for i := range 5 {
			if r := login(c, "anna@example.com", "wrong guess "+strconv.Itoa(i)); r.status != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d, want 401", i+1, r.status)
			}
		}
		// Locked: even the right password gets 429 now, with Retry-After.
		r := login(c, "ANNA@example.com", pw)
		if r.status != http.StatusTooManyRequests {
			t.Fatalf("after 5 failures: %d, want 429", r.status)
		}
		checkProblem(t, r)
		ra, err := strconv.Atoi(r.header.Get("Retry-After"))
		if err != nil || ra < 1 || ra > 60 {
			t.Fatalf("Retry-After = %q, want 1..60 seconds", r.header.Get("Retry-After"))
		}
		// Another account from the same address is not locked.
		h.register("Boris", "boris@example.com")
		if r := login(h.anon(), "boris@example.com", pw); r.status != http.StatusOK {
			t.Fatalf("other account: %d, want 200", r.status)
		}
		h.clock.Advance(time.Duration(ra) * time.Second)
		if r := login(c, "anna@example.com", pw); r.status != http.StatusOK {
			t.Fatalf("after Retry-After: %d, want 200", r.status)
		}

		// Per address: 20 failures over many emails lock the address out.
		for i := range 20 {
			if r := login(c, "guess"+strconv.Itoa(i)+"@example.com", "whatever1"); r.status != http.StatusUnauthorized {
				t.Fatalf("address failure %d: %d, want 401", i+1, r.status)
			}
		}
		if r := login(c, "boris@example.com", pw); r.status != http.StatusTooManyRequests {
			t.Fatalf("after 20 failures from one address: %d, want 429", r.status)
		}
	})
}

func TestRegisterSameEmailConcurrently(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		const n = 12
		statuses := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := h.anon().do("POST", "/api/v1/auth/register",
					map[string]any{"name": "Same", "email": "same@example.com", "password": pw})
				statuses[i] = r.status
			}()
		}
		wg.Wait()
		created, conflicts := 0, 0
		for _, s := range statuses {
			switch s {
			case http.StatusCreated:
				created++
			case http.StatusConflict:
				conflicts++
			}
		}
		if created != 1 || conflicts != n-1 {
			t.Fatalf("statuses %v: want one 201 and %d 409s", statuses, n-1)
		}
		// Exactly one account, with exactly one app: a losing registration
		// left nothing half-stored.
		var accounts, apps int
		mustScan(t, db, "SELECT count(*) FROM accounts", &accounts)
		mustScan(t, db, "SELECT count(*) FROM apps", &apps)
		if accounts != 1 || apps != 1 {
			t.Fatalf("%d accounts and %d apps stored, want 1 and 1", accounts, apps)
		}
	})
}

func TestRejectedRegistrationStoresNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		r := h.anon().do("POST", "/api/v1/auth/register", map[string]any{"name": "A", "email": "a@example.com", "password": pw,
			"app": map[string]any{"currency": "ZZZ"}})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", r.status)
		}
		for _, table := range []string{"accounts", "apps", "api_keys", "sessions"} {
			var n int
			mustScan(t, db, "SELECT count(*) FROM "+table, &n)
			if n != 0 {
				t.Errorf("%s has %d rows after a rejected registration", table, n)
			}
		}
	})
}
