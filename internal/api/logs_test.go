package api_test

import (
	"net/http"
	"strings"
	"testing"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

// TestLogsHoldNoSecrets runs every flow that handles a credential, with the
// logger at debug level, and then searches the whole log for the
// credentials themselves.
func TestLogsHoldNoSecrets(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storetest.Open(t, store.SQLite))
	const password = "unique-Passphrase-7731"
	c := h.anon()
	r := c.do("POST", "/api/v1/auth/register", map[string]any{"name": "Anna", "email": "anna@example.com", "password": password})
	if r.status != http.StatusCreated {
		t.Fatalf("register: %d", r.status)
	}
	secrets := map[string]string{
		"password":   password,
		"api key":    r.str("api_key.key"),
		"csrf token": r.str("csrf_token"),
	}
	c.csrf = r.str("csrf_token")
	appID := r.str("app.id")
	for _, ck := range c.http.Jar.Cookies(mustURL(t, h.srv.URL)) {
		secrets["session token"] = ck.Value
	}
	r = c.do("POST", "/api/v1/apps/"+appID+"/keys", map[string]any{"name": "second", "scope": "ingest"})
	secrets["second api key"] = r.str("key")
	connection(h, secrets["api key"])
	connection(h, secrets["second api key"])
	connection(h, secrets["api key"][:30]+"0000000000000000X") // malformed
	login(h.anon(), "anna@example.com", "wrong-"+password)
	r = login(h.anon(), "anna@example.com", password)
	secrets["csrf token after login"] = r.str("csrf_token")
	h.anon().do("POST", "/api/v1/auth/register", map[string]any{"name": "x", "email": "anna@example.com", "password": password})
	c.do("POST", "/api/v1/auth/logout", nil)

	logs := h.logs.String()
	if !strings.Contains(logs, "/api/v1/auth/login") {
		t.Fatalf("the log does not record requests at all; the test would prove nothing:\n%s", logs)
	}
	for what, s := range secrets {
		if s == "" {
			t.Fatalf("no %s captured", what)
		}
		if strings.Contains(logs, s) {
			t.Errorf("the log contains the %s", what)
		}
	}
	if strings.Contains(logs, "anna@example.com") {
		t.Errorf("the log contains an email address")
	}
}
