package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

func TestRegisterShowsTheKeyOnceAndTheConnectionGoesLive(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		b := s.register("Anna", "anna@example.com")
		if !strings.HasPrefix(b.key, "pulse_sk_") {
			t.Fatalf("key on the page = %q", b.key)
		}
		p := b.last
		if got := p.header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("page with a key: Cache-Control %q, want no-store", got)
		}
		if strings.Contains(p.url.String(), b.key) {
			t.Error("the key is in the URL")
		}
		for _, want := range []string{`data-state="waiting"`, "curl -X POST " + s.srv.URL + "/api/v1/customers", "export PULSE_KEY='" + b.key + "'", `"amount": "49.90"`} {
			if !strings.Contains(p.body, want) && !strings.Contains(p.text(), want) {
				t.Errorf("connect page lacks %q", want)
			}
		}
		// The key works, and once an event is stored the page says so.
		if st := s.send(b.key, "/api/v1/customers", `{"id": "u1", "name": "Anna"}`); st != http.StatusCreated {
			t.Fatalf("customer with the shown key: %d", st)
		}
		s.send(b.key, "/api/v1/purchases", `{"id": "o1", "customer_id": "u1", "amount": "oops", "purchased_at": "2026-11-20T10:00:00Z", "product": "Tea"}`)
		p = b.get("/apps/" + b.appID + "/connect")
		if !strings.Contains(p.body, `data-state="connected"`) {
			t.Error("connect page does not say connected after an event")
		}
		if strings.Contains(p.body, b.key) {
			t.Error("the key is shown again on a later visit")
		}
		text := p.text()
		for _, want := range []string{"New customer", "u1", "o1", "amount"} {
			if !strings.Contains(text, want) {
				t.Errorf("connect page lacks %q among the last events", want)
			}
		}
	})
}

func TestRegisterErrorsStandNextToTheirFields(t *testing.T) {
	t.Parallel()
	s := newSite(t, storetest.Open(t, store.SQLite))
	s.register("Boris", "taken@example.com")
	cases := []struct {
		name      string
		form      url.Values
		lang      string
		field     string
		want      string
		unwanted  string
		keepValue string
	}{
		{"short password", url.Values{"name": {"Anna"}, "email": {"a@example.com"}, "password": {"short"}}, "en", "password", "at least 8 characters", "", "a@example.com"},
		{"bad email", url.Values{"name": {"Anna"}, "email": {"not-an-email"}, "password": {"a long passphrase 42"}}, "en", "email", "must be an email address", "", "Anna"},
		{"taken email", url.Values{"name": {"Anna"}, "email": {"taken@example.com"}, "password": {"a long passphrase 42"}}, "en", "email", "already exists", "", ""},
		{"bad currency", url.Values{"name": {"Anna"}, "email": {"c@example.com"}, "password": {"a long passphrase 42"}, "currency": {"XXQ"}}, "en", "currency", "ISO 4217", "", ""},
		{"russian", url.Values{"name": {""}, "email": {"d@example.com"}, "password": {"a long passphrase 42"}}, "ru", "name", "не может быть пустым", "must not", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := s.browser()
			if tc.lang != "en" {
				b.post("/lang", url.Values{"lang": {tc.lang}, "back": {"/register"}})
			}
			b.get("/register")
			p := b.post("/register", tc.form)
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", p.status)
			}
			errText := between(p.body, `id="e-`+tc.field+`"`, "</p>")
			if !strings.Contains(errText, tc.want) {
				t.Errorf("error next to %s = %q, want it to contain %q", tc.field, errText, tc.want)
			}
			if tc.unwanted != "" && strings.Contains(errText, tc.unwanted) {
				t.Errorf("error next to %s = %q is not translated", tc.field, errText)
			}
			if tc.keepValue != "" && !strings.Contains(p.body, `value="`+tc.keepValue+`"`) {
				t.Errorf("the form lost the entered value %q", tc.keepValue)
			}
			if strings.Contains(p.body, "a long passphrase 42") {
				t.Error("the password is sent back in the page")
			}
		})
	}
	// Nothing was stored for the refused registrations.
	for _, email := range []string{"a@example.com", "c@example.com", "d@example.com"} {
		if _, err := s.db.AccountByEmail(t.Context(), email); err == nil {
			t.Errorf("account %s stored after a refused registration", email)
		}
	}
}

// between returns the text of s from after start up to end.
func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	if j := strings.Index(s, end); j >= 0 {
		return s[:j]
	}
	return s
}

func TestLoginLogoutAndRedirects(t *testing.T) {
	t.Parallel()
	s := newSite(t, storetest.Open(t, store.SQLite))
	s.register("Anna", "anna@example.com")

	b := s.browser()
	p := b.get("/apps")
	if p.url.Path != "/login" || p.url.Query().Get("next") != "/apps" {
		t.Fatalf("anonymous /apps went to %s, want the login page with next=/apps", p.url)
	}
	p = b.post("/login", url.Values{"email": {"anna@example.com"}, "password": {"wrong password 1"}, "next": {"/apps"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(), "The email or password is incorrect") {
		t.Fatalf("wrong password: status %d, page %q", p.status, p.text())
	}
	p = b.post("/login", url.Values{"email": {""}, "password": {""}})
	if !strings.Contains(between(p.body, `id="e-email"`, "</p>"), "Required") {
		t.Errorf("empty email: no message next to the field")
	}
	p = b.post("/login", url.Values{"email": {"anna@example.com"}, "password": {"a long passphrase 42"}, "next": {"/apps"}})
	if p.status != http.StatusOK || p.url.Path != "/apps" {
		t.Fatalf("login went to %s (%d), want /apps", p.url, p.status)
	}
	// An offsite next is ignored.
	b2 := s.browser()
	b2.get("/login")
	p = b2.post("/login", url.Values{"email": {"anna@example.com"}, "password": {"a long passphrase 42"}, "next": {"//evil.example/x"}})
	if p.url.Host != strings.TrimPrefix(s.srv.URL, "http://") {
		t.Fatalf("login followed an offsite next to %s", p.url)
	}
	// Logging out needs the CSRF token, then revokes the session.
	if p := b.post("/logout", url.Values{"csrf_token": {"forged"}}); p.status != http.StatusForbidden {
		t.Fatalf("logout with a forged token: %d, want 403", p.status)
	}
	b.get("/apps")
	p = b.post("/logout", nil)
	if p.url.Path != "/login" {
		t.Fatalf("logout went to %s", p.url)
	}
	if p := b.get("/apps"); p.url.Path != "/login" {
		t.Fatalf("after logout /apps showed %s", p.url)
	}
}

func TestLanguageSwitchIsRememberedPerAccount(t *testing.T) {
	t.Parallel()
	s := newSite(t, storetest.Open(t, store.SQLite))
	b := s.register("Anna", "anna@example.com")
	p := b.get("/apps/" + b.appID + "/connect")
	if !strings.Contains(p.body, `<html lang="en">`) || !strings.Contains(p.text(), "Customers") {
		t.Fatal("the page is not in English at first")
	}
	p = b.post("/lang", url.Values{"lang": {"ru"}, "back": {"/apps/" + b.appID + "/connect"}})
	if p.url.Path != "/apps/"+b.appID+"/connect" || !strings.Contains(p.body, `<html lang="ru">`) || !strings.Contains(p.text(), "Подключите приложение") {
		t.Fatalf("after switching: %s, page not in Russian", p.url)
	}
	// Another browser of the same account, logged in afresh, gets Russian.
	b2 := s.browser()
	b2.get("/login")
	p = b2.post("/login", url.Values{"email": {"anna@example.com"}, "password": {"a long passphrase 42"}, "next": {"/apps/" + b.appID + "/connect"}})
	if !strings.Contains(p.body, `<html lang="ru">`) {
		t.Error("the language was not kept for the account")
	}
	if p := b.post("/lang", url.Values{"lang": {"de"}}); p.status != http.StatusBadRequest {
		t.Errorf("unknown language: %d, want 400", p.status)
	}
	if p := b.post("/lang", url.Values{"lang": {"en"}, "csrf_token": {"forged"}}); p.status != http.StatusForbidden {
		t.Errorf("language switch with a forged token: %d, want 403", p.status)
	}
}

func TestPagesCarrySecurityHeadersAndRefuseForeignApps(t *testing.T) {
	t.Parallel()
	s := newSite(t, storetest.Open(t, store.SQLite))
	a := s.register("Anna", "anna@example.com")
	b := s.register("Boris", "boris@example.com")
	for _, path := range []string{"/apps/" + a.appID, "/apps/" + a.appID + "/connect", "/apps/" + a.appID + "/customers", "/apps/" + a.appID + "/keys", "/apps/app_nonexistent/connect"} {
		p := b.get(path)
		if p.status != http.StatusNotFound {
			t.Errorf("%s by another account: %d, want 404", path, p.status)
		}
	}
	p := a.get("/apps/" + a.appID + "/connect")
	csp := p.header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	if strings.Contains(p.body, "<script>") || strings.Contains(p.body, " style=") {
		t.Error("a page has inline script or style, which the CSP blocks")
	}
	for h, want := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff"} {
		if got := p.header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	// A cross-site form post is refused before anything happens.
	req, _ := http.NewRequest("POST", s.srv.URL+"/login", strings.NewReader("email=a%40example.com&password=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site login post: %d, want 403", resp.StatusCode)
	}
	// Static files are served with their types.
	for path, typ := range map[string]string{"/static/app.js": "javascript", "/static/app.css": "text/css"} {
		resp, err := http.Get(s.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), typ) {
			t.Errorf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
}
