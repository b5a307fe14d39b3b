package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"pulse/internal/auth"
	"pulse/internal/password"
	"pulse/internal/server"
	"pulse/internal/store"
)

// cheapHash keeps the many registrations in these tests fast; the password
// package's own tests use the real cost.
var cheapHash = password.Params{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// clock is a settable time source shared by the server under test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// syncBuffer collects log output written from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness is a real Pulse server on a real database, reached over HTTP.
type harness struct {
	t     *testing.T
	db    *store.DB
	app   *server.App
	srv   *httptest.Server
	clock *clock
	logs  *syncBuffer
}

type option func(*server.Config)

func newHarness(t *testing.T, db *store.DB, opts ...option) *harness {
	t.Helper()
	return startHarness(t, db, false, opts...)
}

func newTLSHarness(t *testing.T, db *store.DB, opts ...option) *harness {
	t.Helper()
	return startHarness(t, db, true, opts...)
}

func startHarness(t *testing.T, db *store.DB, tls bool, opts ...option) *harness {
	t.Helper()
	h := &harness{t: t, db: db, clock: &clock{t: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)}, logs: &syncBuffer{}}
	cfg := server.Config{
		KeyRate:  1000,
		KeyBurst: 1000,
		Auth:     auth.DefaultConfig,
		Password: cheapHash,
		Now:      h.clock.Now,
	}
	for _, o := range opts {
		o(&cfg)
	}
	log := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.app = server.New(cfg, log, db)
	t.Cleanup(h.app.Close)
	if tls {
		h.srv = httptest.NewTLSServer(h.app.Handler)
	} else {
		h.srv = httptest.NewServer(h.app.Handler)
	}
	t.Cleanup(h.srv.Close)
	return h
}

// client is one browser: a cookie jar and the CSRF token it was given.
type client struct {
	h     *harness
	http  *http.Client
	csrf  string
	acct  string
	appID string
	key   string
	keyID string
	email string
}

func (h *harness) newClient() *client {
	jar, _ := cookiejar.New(nil)
	c := h.srv.Client()
	return &client{h: h, http: &http.Client{Jar: jar, Transport: c.Transport}}
}

// register signs up a new account through the API and returns its browser.
func (h *harness) register(name, email string) *client {
	h.t.Helper()
	c := h.newClient()
	r := c.do("POST", "/api/v1/auth/register", map[string]any{"name": name, "email": email, "password": "a long passphrase 42"})
	if r.status != http.StatusCreated {
		h.t.Fatalf("register %s: status %d: %s", email, r.status, r.body)
	}
	c.csrf = r.str("csrf_token")
	c.acct, c.appID = r.str("account.id"), r.str("app.id")
	c.key, c.keyID = r.str("api_key.key"), r.str("api_key.id")
	c.email = email
	return c
}

// response is what came back, with its JSON body parsed when there is one.
type response struct {
	t      *testing.T
	status int
	header http.Header
	body   []byte
	json   any
}

// field follows a dotted path ("errors.0.field") into the JSON body.
func (r *response) field(path string) (any, bool) {
	var v any = r.json
	for _, part := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[part]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func (r *response) str(path string) string {
	r.t.Helper()
	v, ok := r.field(path)
	s, isStr := v.(string)
	if !ok || !isStr {
		r.t.Fatalf("response has no string at %q: %s", path, r.body)
	}
	return s
}

// req is one request. body is sent as is when it is a string or []byte and
// as JSON otherwise.
type req struct {
	method, path string
	body         any
	noCSRF       bool
	bearer       string
	header       map[string]string
}

func (c *client) do(method, path string, body any) *response {
	c.h.t.Helper()
	return c.send(req{method: method, path: path, body: body})
}

func (c *client) send(q req) *response {
	c.h.t.Helper()
	var rd io.Reader
	switch b := q.body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.h.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	hr, err := http.NewRequest(q.method, c.h.srv.URL+q.path, rd)
	if err != nil {
		c.h.t.Fatal(err)
	}
	if rd != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if c.csrf != "" && !q.noCSRF {
		hr.Header.Set("X-CSRF-Token", c.csrf)
	}
	if q.bearer != "" {
		hr.Header.Set("Authorization", "Bearer "+q.bearer)
	}
	for k, v := range q.header {
		hr.Header.Set(k, v)
	}
	resp, err := c.http.Do(hr)
	if err != nil {
		c.h.t.Fatal(err)
	}
	defer resp.Body.Close()
	out := &response{t: c.h.t, status: resp.StatusCode, header: resp.Header}
	out.body, _ = io.ReadAll(resp.Body)
	if len(out.body) > 0 && strings.Contains(resp.Header.Get("Content-Type"), "json") {
		if err := json.Unmarshal(out.body, &out.json); err != nil {
			c.h.t.Fatalf("%s %s: response is not JSON: %v: %s", q.method, q.path, err, out.body)
		}
	}
	return out
}

// anon is a client with no session.
func (h *harness) anon() *client { return h.newClient() }

// checkProblem asserts the RFC 9457 shape every error response must have.
func checkProblem(t *testing.T, r *response) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("error response Content-Type = %q, want application/problem+json", ct)
	}
	if st, _ := r.field("status"); st != float64(r.status) {
		t.Errorf("problem status = %v, want %d", st, r.status)
	}
	for _, f := range []string{"type", "title", "detail", "request_id"} {
		if v, _ := r.field(f); v == "" || v == nil {
			t.Errorf("problem has no %s: %s", f, r.body)
		}
	}
	if ty, _ := r.field("type"); !strings.HasPrefix(ty.(string), "urn:pulse:problem:") {
		t.Errorf("problem type = %v", ty)
	}
}
