package api_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

// fixture is the state the table tests run against: two accounts, each
// with an app and a full key, plus an ingest key and a revoked key of A's.
type fixture struct {
	h                  *harness
	a, b               *client
	ingestKey, revoked string
	extraAppA          string
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	h := newHarness(t, db)
	// The clock moves between steps so that lists have a definite order.
	f := &fixture{h: h, a: h.register("Anna", "anna@example.com")}
	h.clock.Advance(time.Second)
	f.b = h.register("Boris", "boris@example.com")
	h.clock.Advance(time.Second)
	r := f.a.do("POST", "/api/v1/apps/"+f.a.appID+"/keys", map[string]any{"name": "mobile", "scope": "ingest"})
	f.ingestKey = r.str("key")
	h.clock.Advance(time.Second)
	r = f.a.do("POST", "/api/v1/apps/"+f.a.appID+"/keys", map[string]any{"name": "old", "scope": "full"})
	f.revoked = r.str("key")
	h.clock.Advance(time.Second)
	if r := f.a.do("DELETE", "/api/v1/apps/"+f.a.appID+"/keys/"+r.str("id"), nil); r.status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	h.clock.Advance(time.Second)
	r = f.a.do("POST", "/api/v1/apps", map[string]any{"name": "Second shop"})
	f.extraAppA = r.str("id")
	return f
}

// expand replaces {appA}, {appB}, {keyIdA}, {keyIdB}, {extraAppA} in paths.
func (f *fixture) expand(s string) string {
	return strings.NewReplacer(
		"{appA}", f.a.appID, "{appB}", f.b.appID,
		"{keyIdA}", f.a.keyID, "{keyIdB}", f.b.keyID,
		"{extraAppA}", f.extraAppA,
	).Replace(s)
}

// apiCase is one row: who sends what, and what must come back. as is
// "" (no credentials), "A" or "B" (that account's browser session with its
// CSRF token), "A-nocsrf" (session, no token), or "key:X" for a bearer
// key, where X is "A", "B", "ingest", "revoked" or a literal key.
type apiCase struct {
	name       string
	method     string
	path       string
	body       any
	as         string
	header     map[string]string
	wantStatus int
	// want maps dotted JSON paths to expected values; a value "~re" is a
	// regular expression the string must match, and nil means absent or
	// null.
	want map[string]any
}

func (f *fixture) run(t *testing.T, c apiCase) *response {
	t.Helper()
	q := req{method: c.method, path: f.expand(c.path), body: c.body, header: c.header}
	var cl *client
	switch c.as {
	case "":
		cl = f.h.anon()
	case "A":
		cl = f.a
	case "B":
		cl = f.b
	case "A-nocsrf":
		cl, q.noCSRF = f.a, true
	default:
		cl = f.h.anon()
		switch k := strings.TrimPrefix(c.as, "key:"); k {
		case "A":
			q.bearer = f.a.key
		case "B":
			q.bearer = f.b.key
		case "ingest":
			q.bearer = f.ingestKey
		case "revoked":
			q.bearer = f.revoked
		default:
			q.bearer = k
		}
	}
	r := cl.send(q)
	if r.status != c.wantStatus {
		t.Fatalf("status = %d, want %d; body: %s", r.status, c.wantStatus, r.body)
	}
	if r.status >= 400 {
		checkProblem(t, r)
	}
	for path, want := range c.want {
		if s, ok := want.(string); ok {
			want = f.expand(s)
		}
		got, ok := r.field(path)
		switch w := want.(type) {
		case nil:
			if ok && got != nil {
				t.Errorf("%s = %v, want it absent or null", path, got)
			}
		case string:
			if strings.HasPrefix(w, "~") {
				s, _ := got.(string)
				if !regexp.MustCompile(w[1:]).MatchString(s) {
					t.Errorf("%s = %q, want a match for %s", path, s, w[1:])
				}
				continue
			}
			if got != w {
				t.Errorf("%s = %v, want %q; body: %s", path, got, w, r.body)
			}
		case int:
			if got != float64(w) {
				t.Errorf("%s = %v, want %d", path, got, w)
			}
		default:
			if fmt.Sprint(got) != fmt.Sprint(w) {
				t.Errorf("%s = %v, want %v", path, got, w)
			}
		}
	}
	return r
}

const keyRE = `~^pulse_sk_[0-9A-Za-z]{38}$`

func TestAccountsAndSessionsTable(t *testing.T) {
	t.Parallel()
	big := `{"name":"x","email":"big@example.com","password":"` + strings.Repeat("p", 70<<10) + `"}`
	cases := []apiCase{
		{name: "register with defaults", method: "POST", path: "/api/v1/auth/register",
			body:       map[string]any{"name": "  Vera  ", "email": " Vera@Example.COM ", "password": "correct horse battery"},
			wantStatus: 201, want: map[string]any{
				"account.name": "Vera", "account.email": "vera@example.com", "account.lang": "en",
				"app.name": "My app", "app.currency": "USD", "app.timezone": "UTC",
				"api_key.key": keyRE, "api_key.scope": "full", "api_key.name": "Default key",
				"api_key.prefix": `~^pulse_sk_[0-9A-Za-z]{6}$`, "csrf_token": `~^[A-Za-z0-9_-]{43}$`,
				"account.password_hash": nil, "account.password": nil,
			}},
		{name: "register with app settings and unicode", method: "POST", path: "/api/v1/auth/register",
			body: map[string]any{"name": "Анна Петрова 🌟", "email": "anna.p@пример.рф", "password": "пароль-надёжный-1",
				"lang": "ru", "app": map[string]any{"name": "Магазин", "currency": "rub", "timezone": "Europe/Moscow"}},
			wantStatus: 201, want: map[string]any{
				"account.name": "Анна Петрова 🌟", "account.lang": "ru", "account.email": "anna.p@пример.рф",
				"app.name": "Магазин", "app.currency": "RUB", "app.timezone": "Europe/Moscow",
			}},
		{name: "register duplicate email in other case", method: "POST", path: "/api/v1/auth/register",
			body:       map[string]any{"name": "Other", "email": "ANNA@example.com", "password": "correct horse battery"},
			wantStatus: 409, want: map[string]any{"errors.0.field": "email", "type": "urn:pulse:problem:conflict"}},
		{name: "register common password", method: "POST", path: "/api/v1/auth/register",
			body:       map[string]any{"name": "W", "email": "w1@example.com", "password": "Password"},
			wantStatus: 422, want: map[string]any{"errors.0.field": "password", "errors.0.message": "~commonly used"}},
		{name: "register short password", method: "POST", path: "/api/v1/auth/register",
			body:       map[string]any{"name": "W", "email": "w2@example.com", "password": "x7#kQ"},
			wantStatus: 422, want: map[string]any{"errors.0.field": "password", "errors.0.message": "~at least 8"}},
		{name: "register password equal to email", method: "POST", path: "/api/v1/auth/register",
			body:       map[string]any{"name": "W", "email": "w3@example.com", "password": "w3@example.com"},
			wantStatus: 422, want: map[string]any{"errors.0.field": "password"}},
		{name: "register empty object names every required field", method: "POST", path: "/api/v1/auth/register",
			body: map[string]any{}, wantStatus: 422, want: map[string]any{
				"errors.0.field": "name", "errors.1.field": "email", "errors.2.field": "password", "errors.3": nil,
				"type": "urn:pulse:problem:validation"}},
		{name: "register bad email", method: "POST", path: "/api/v1/auth/register",
			body:       map[string]any{"name": "W", "email": "not-an-email", "password": "correct horse battery"},
			wantStatus: 422, want: map[string]any{"errors.0.field": "email"}},
		{name: "register email with display name", method: "POST", path: "/api/v1/auth/register",
			body:       map[string]any{"name": "W", "email": "W <w@example.com>", "password": "correct horse battery"},
			wantStatus: 422, want: map[string]any{"errors.0.field": "email"}},
		{name: "register bad app currency and time zone", method: "POST", path: "/api/v1/auth/register",
			body: map[string]any{"name": "W", "email": "w4@example.com", "password": "correct horse battery",
				"app": map[string]any{"currency": "XYZ", "timezone": "Mars/Olympus"}},
			wantStatus: 422, want: map[string]any{"errors.0.field": "app.currency", "errors.1.field": "app.timezone"}},
		{name: "register name with a line break", method: "POST", path: "/api/v1/auth/register",
			body:       map[string]any{"name": "a\nb", "email": "w5@example.com", "password": "correct horse battery"},
			wantStatus: 422, want: map[string]any{"errors.0.field": "name"}},
		{name: "register unknown language", method: "POST", path: "/api/v1/auth/register",
			body:       map[string]any{"name": "W", "email": "w6@example.com", "password": "correct horse battery", "lang": "de"},
			wantStatus: 422, want: map[string]any{"errors.0.field": "lang"}},
		{name: "register unknown field", method: "POST", path: "/api/v1/auth/register",
			body:       `{"name":"W","emial":"w7@example.com","password":"correct horse battery"}`,
			wantStatus: 422, want: map[string]any{"errors.0.field": "emial", "type": "urn:pulse:problem:unknown-field"}},
		{name: "register unknown nested field", method: "POST", path: "/api/v1/auth/register",
			body:       `{"name":"W","email":"w8@example.com","password":"correct horse battery","app":{"colour":"red"}}`,
			wantStatus: 422, want: map[string]any{"errors.0.field": "app.colour"}},
		{name: "register not JSON", method: "POST", path: "/api/v1/auth/register",
			body: "name=W&email=w9@example.com", wantStatus: 400, want: map[string]any{"type": "urn:pulse:problem:invalid-json"}},
		{name: "register wrong type", method: "POST", path: "/api/v1/auth/register",
			body: `{"name":5,"email":"w10@example.com","password":"correct horse battery"}`, wantStatus: 400,
			want: map[string]any{"errors.0.field": "name", "errors.0.message": "~must be a string"}},
		{name: "register array body", method: "POST", path: "/api/v1/auth/register", body: `[]`, wantStatus: 400},
		{name: "register empty body", method: "POST", path: "/api/v1/auth/register", body: ``, wantStatus: 400},
		{name: "register body over 64 KiB", method: "POST", path: "/api/v1/auth/register", body: big, wantStatus: 413,
			want: map[string]any{"type": "urn:pulse:problem:body-too-large"}},

		{name: "login", method: "POST", path: "/api/v1/auth/login",
			body:       map[string]any{"email": "Anna@Example.com", "password": "a long passphrase 42"},
			wantStatus: 200, want: map[string]any{"account.email": "anna@example.com", "csrf_token": `~.{43}`}},
		{name: "login wrong password", method: "POST", path: "/api/v1/auth/login",
			body:       map[string]any{"email": "boris@example.com", "password": "wrong passphrase"},
			wantStatus: 401, want: map[string]any{"detail": "the email or password is incorrect"}},
		{name: "login unknown email gets the same answer", method: "POST", path: "/api/v1/auth/login",
			body:       map[string]any{"email": "nobody@example.com", "password": "a long passphrase 42"},
			wantStatus: 401, want: map[string]any{"detail": "the email or password is incorrect"}},
		{name: "login missing password", method: "POST", path: "/api/v1/auth/login",
			body: map[string]any{"email": "anna@example.com"}, wantStatus: 422, want: map[string]any{"errors.0.field": "password"}},
		{name: "login bad JSON", method: "POST", path: "/api/v1/auth/login", body: `{"email":`, wantStatus: 400},
		{name: "login cross-site from a browser", method: "POST", path: "/api/v1/auth/login",
			body:   map[string]any{"email": "anna@example.com", "password": "a long passphrase 42"},
			header: map[string]string{"Sec-Fetch-Site": "cross-site"}, wantStatus: 403,
			want: map[string]any{"type": "urn:pulse:problem:cross-origin"}},

		{name: "me", method: "GET", path: "/api/v1/me", as: "A", wantStatus: 200, want: map[string]any{
			"account.email": "anna@example.com", "apps.0.id": "{appA}", "apps.1.name": "Second shop", "apps.2": nil,
			"csrf_token": `~.{43}`}},
		{name: "me without a session", method: "GET", path: "/api/v1/me", wantStatus: 401},
		{name: "me with a forged cookie", method: "GET", path: "/api/v1/me",
			header: map[string]string{"Cookie": "pulse_session=forged"}, wantStatus: 401},
		{name: "me with a wrong method", method: "PUT", path: "/api/v1/me", as: "A", wantStatus: 405},
		{name: "unknown API path", method: "GET", path: "/api/v1/nothing-here", wantStatus: 404},
		{name: "logout without a session", method: "POST", path: "/api/v1/auth/logout", wantStatus: 204},
		{name: "logout without the CSRF token", method: "POST", path: "/api/v1/auth/logout", as: "A-nocsrf", wantStatus: 403,
			want: map[string]any{"type": "urn:pulse:problem:csrf"}},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) { f.run(t, c) })
		}
	})
}

func TestAppsAndKeysTable(t *testing.T) {
	t.Parallel()
	cases := []apiCase{
		{name: "list apps", method: "GET", path: "/api/v1/apps", as: "A", wantStatus: 200,
			want: map[string]any{"data.0.id": "{appA}", "data.1.id": "{extraAppA}", "data.2": nil, "next_cursor": nil}},
		{name: "list apps, one per page", method: "GET", path: "/api/v1/apps?limit=1", as: "A", wantStatus: 200,
			want: map[string]any{"data.0.id": "{appA}", "data.1": nil, "next_cursor": `~.+`}},
		{name: "list apps, limit 0", method: "GET", path: "/api/v1/apps?limit=0", as: "A", wantStatus: 422,
			want: map[string]any{"errors.0.field": "limit"}},
		{name: "list apps, limit 501", method: "GET", path: "/api/v1/apps?limit=501", as: "A", wantStatus: 422,
			want: map[string]any{"errors.0.field": "limit"}},
		{name: "list apps, garbage cursor", method: "GET", path: "/api/v1/apps?cursor=%21%21", as: "A", wantStatus: 422,
			want: map[string]any{"errors.0.field": "cursor"}},
		{name: "list apps without a session", method: "GET", path: "/api/v1/apps", wantStatus: 401},
		{name: "B lists only B's apps", method: "GET", path: "/api/v1/apps", as: "B", wantStatus: 200,
			want: map[string]any{"data.0.id": "{appB}", "data.1": nil}},

		{name: "create app", method: "POST", path: "/api/v1/apps", as: "A",
			body:       map[string]any{"name": "Tokyo store", "currency": "JPY", "timezone": "Asia/Tokyo"},
			wantStatus: 201, want: map[string]any{"id": `~^app_[0-9A-Za-z]{20}$`, "name": "Tokyo store", "currency": "JPY", "timezone": "Asia/Tokyo"}},
		{name: "create app with defaults", method: "POST", path: "/api/v1/apps", as: "A", body: map[string]any{},
			wantStatus: 201, want: map[string]any{"name": "My app", "currency": "USD", "timezone": "UTC"}},
		{name: "create app without CSRF token", method: "POST", path: "/api/v1/apps", as: "A-nocsrf",
			body: map[string]any{"name": "x"}, wantStatus: 403, want: map[string]any{"type": "urn:pulse:problem:csrf"}},
		{name: "create app without a session", method: "POST", path: "/api/v1/apps", body: map[string]any{"name": "x"}, wantStatus: 401},
		{name: "create app, every field wrong", method: "POST", path: "/api/v1/apps", as: "A",
			body:       map[string]any{"name": "", "currency": "dollars", "timezone": "Local"},
			wantStatus: 422, want: map[string]any{"errors.0.field": "name", "errors.1.field": "currency", "errors.2.field": "timezone"}},
		{name: "create app, name too long", method: "POST", path: "/api/v1/apps", as: "A",
			body: map[string]any{"name": strings.Repeat("я", 101)}, wantStatus: 422, want: map[string]any{"errors.0.message": "~at most 100"}},
		{name: "create app, currency not a string", method: "POST", path: "/api/v1/apps", as: "A",
			body: `{"currency": 840}`, wantStatus: 400, want: map[string]any{"errors.0.field": "currency"}},
		{name: "create app, unknown field", method: "POST", path: "/api/v1/apps", as: "A",
			body: `{"nam": "x"}`, wantStatus: 422, want: map[string]any{"errors.0.field": "nam"}},

		{name: "get app", method: "GET", path: "/api/v1/apps/{appA}", as: "A", wantStatus: 200,
			want: map[string]any{"id": "{appA}", "currency": "USD"}},
		{name: "B cannot get A's app", method: "GET", path: "/api/v1/apps/{appA}", as: "B", wantStatus: 404},
		{name: "get unknown app", method: "GET", path: "/api/v1/apps/app_doesnotexist", as: "A", wantStatus: 404},
		{name: "B cannot rename A's app", method: "PATCH", path: "/api/v1/apps/{appA}", as: "B",
			body: map[string]any{"name": "mine now"}, wantStatus: 404},
		{name: "B cannot delete A's app", method: "DELETE", path: "/api/v1/apps/{appA}", as: "B", wantStatus: 404},
		{name: "rename and move app", method: "PATCH", path: "/api/v1/apps/{extraAppA}", as: "A",
			body:       map[string]any{"name": "Renamed", "timezone": "America/New_York"},
			wantStatus: 200, want: map[string]any{"name": "Renamed", "timezone": "America/New_York", "currency": "USD"}},
		{name: "currency cannot change", method: "PATCH", path: "/api/v1/apps/{extraAppA}", as: "A",
			body: map[string]any{"currency": "EUR"}, wantStatus: 422, want: map[string]any{"errors.0.field": "currency"}},
		{name: "patch with a bad time zone", method: "PATCH", path: "/api/v1/apps/{extraAppA}", as: "A",
			body: map[string]any{"timezone": "Europe/Atlantis"}, wantStatus: 422, want: map[string]any{"errors.0.field": "timezone"}},
		{name: "patch without CSRF token", method: "PATCH", path: "/api/v1/apps/{extraAppA}", as: "A-nocsrf",
			body: map[string]any{"name": "x"}, wantStatus: 403},

		{name: "list keys never shows secrets", method: "GET", path: "/api/v1/apps/{appA}/keys", as: "A", wantStatus: 200,
			want: map[string]any{"data.0.id": "{keyIdA}", "data.0.key": nil, "data.0.secret_hash": nil,
				"data.0.prefix": `~^pulse_sk_`, "data.1.scope": "ingest", "data.2.revoked_at": `~^2026-`, "data.3": nil}},
		{name: "list keys, paged", method: "GET", path: "/api/v1/apps/{appA}/keys?limit=2", as: "A", wantStatus: 200,
			want: map[string]any{"data.1.scope": "ingest", "data.2": nil, "next_cursor": `~.+`}},
		{name: "B cannot list A's keys", method: "GET", path: "/api/v1/apps/{appA}/keys", as: "B", wantStatus: 404},
		{name: "create ingest key", method: "POST", path: "/api/v1/apps/{appA}/keys", as: "A",
			body:       map[string]any{"name": "iOS app", "scope": "ingest"},
			wantStatus: 201, want: map[string]any{"key": `~^pulse_ik_[0-9A-Za-z]{38}$`, "prefix": `~^pulse_ik_`, "scope": "ingest", "name": "iOS app"}},
		{name: "create key without scope", method: "POST", path: "/api/v1/apps/{appA}/keys", as: "A",
			body: map[string]any{"name": "x"}, wantStatus: 422, want: map[string]any{"errors.0.field": "scope"}},
		{name: "create key with unknown scope", method: "POST", path: "/api/v1/apps/{appA}/keys", as: "A",
			body: map[string]any{"scope": "admin"}, wantStatus: 422, want: map[string]any{"errors.0.field": "scope"}},
		{name: "B cannot create a key for A's app", method: "POST", path: "/api/v1/apps/{appA}/keys", as: "B",
			body: map[string]any{"scope": "full"}, wantStatus: 404},
		{name: "B cannot revoke A's key", method: "DELETE", path: "/api/v1/apps/{appA}/keys/{keyIdA}", as: "B", wantStatus: 404},
		{name: "B cannot revoke A's key through B's app", method: "DELETE", path: "/api/v1/apps/{appB}/keys/{keyIdA}", as: "B", wantStatus: 404},
		{name: "revoke unknown key", method: "DELETE", path: "/api/v1/apps/{appA}/keys/key_nope", as: "A", wantStatus: 404},

		{name: "connection with a full key", method: "GET", path: "/api/v1/connection", as: "key:A", wantStatus: 200,
			want: map[string]any{"status": "connected", "app.id": "{appA}", "app.currency": "USD", "app.timezone": "UTC",
				"key.id": "{keyIdA}", "key.scope": "full", "key.prefix": `~^pulse_sk_`,
				"customers": 0, "purchases": 0, "last_event_at": nil}},
		{name: "connection with an ingest key", method: "GET", path: "/api/v1/connection", as: "key:ingest", wantStatus: 200,
			want: map[string]any{"key.scope": "ingest", "app.id": "{appA}"}},
		{name: "connection of B's key names B's app", method: "GET", path: "/api/v1/connection", as: "key:B", wantStatus: 200,
			want: map[string]any{"app.id": "{appB}"}},
		{name: "connection without a key", method: "GET", path: "/api/v1/connection", wantStatus: 401},
		{name: "connection with a revoked key", method: "GET", path: "/api/v1/connection", as: "key:revoked", wantStatus: 401,
			want: map[string]any{"detail": "the API key has been revoked"}},
		{name: "connection with a malformed key", method: "GET", path: "/api/v1/connection", as: "key:pulse_sk_short", wantStatus: 401,
			want: map[string]any{"detail": "~malformed"}},
		{name: "connection with a bad checksum", method: "GET", path: "/api/v1/connection",
			as: "key:pulse_sk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA000000", wantStatus: 401, want: map[string]any{"detail": "~checksum"}},
		{name: "connection with a session instead of a key", method: "GET", path: "/api/v1/connection", as: "A", wantStatus: 401},
		{name: "connection with Basic auth", method: "GET", path: "/api/v1/connection",
			header: map[string]string{"Authorization": "Basic dXNlcjpwYXNz"}, wantStatus: 401},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := f.run(t, c)
				if r.status == 401 && strings.HasPrefix(c.path, "/api/v1/connection") && c.as != "A" {
					if got := r.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
						t.Errorf("401 without WWW-Authenticate: Bearer (got %q)", got)
					}
				}
			})
		}
	})
}
