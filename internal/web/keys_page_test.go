package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

var (
	keyRowRe    = regexp.MustCompile(`data-test="key-row"`)
	revokeRe    = regexp.MustCompile(`/apps/app_[A-Za-z0-9]+/keys/(key_[A-Za-z0-9]+)/revoke`)
	keyPrefixRe = regexp.MustCompile(`pulse_[si]k_[A-Za-z0-9]{6}…`)
)

// keyStatus calls GET /api/v1/connection with key, as an app checking its
// connection would, and returns the status and the key prefix it reports.
func keyStatus(t *testing.T, s *site, key string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", s.srv.URL+"/api/v1/connection", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var out struct {
		Key struct{ Prefix string } `json:"key"`
	}
	_ = json.Unmarshal(body, &out)
	return resp.StatusCode, out.Key.Prefix
}

// firstKeyID is the id of the first revocable key on the app's keys page.
func firstKeyID(t *testing.T, b *browser) string {
	t.Helper()
	m := revokeRe.FindStringSubmatch(b.get("/apps/" + b.appID + "/keys").body)
	if m == nil {
		t.Fatal("the keys page has no revoke link")
	}
	return m[1]
}

// createKey submits the keys page's form and returns the page and the
// secret it shows.
func createKey(t *testing.T, b *browser, name, scope string) (page, string) {
	t.Helper()
	path := "/apps/" + b.appID + "/keys"
	b.get(path)
	p := b.post(path, url.Values{"name": {name}, "scope": {scope}})
	if p.status != http.StatusOK {
		t.Fatalf("creating key %q: %d: %s", name, p.status, p.text())
	}
	m := apiKeyRe.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("creating key %q: no key on the page", name)
	}
	return p, m[1] + m[2]
}

func TestKeyCreateShowsTheSecretOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		b := s.register("Anna", "anna@example.com")
		path := "/apps/" + b.appID + "/keys"

		p := b.get(path)
		if n := len(keyRowRe.FindAllString(p.body, -1)); n != 1 {
			t.Fatalf("keys page lists %d keys after registration, want 1", n)
		}
		if strings.Contains(p.body, b.key) {
			t.Fatal("the keys page shows the registration key's secret")
		}
		for _, want := range []string{b.key[:15] + "…", "Full access", "never", "Active", "Create a key"} {
			if !strings.Contains(p.text(), want) {
				t.Errorf("keys page lacks %q", want)
			}
		}

		cases := []struct{ name, scope, prefix, scopeText string }{
			{"Checkout", "ingest", "pulse_ik_", "Events only"},
			{"Reports server", "full", "pulse_sk_", "Full access"},
		}
		var secrets []string
		for _, c := range cases {
			p, secret := createKey(t, b, c.name, c.scope)
			if !strings.HasPrefix(secret, c.prefix) {
				t.Errorf("%s: secret %q, want prefix %s", c.name, secret, c.prefix)
			}
			if p.url.Path != path || strings.Contains(p.url.String(), secret) {
				t.Errorf("%s: the page with the secret is at %s", c.name, p.url)
			}
			if got := p.header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("%s: Cache-Control %q, want no-store", c.name, got)
			}
			for _, want := range []string{`data-copy="new-key"`, `data-copied="Copied"`, `readonly id="new-key"`} {
				if !strings.Contains(p.body, want) {
					t.Errorf("%s: the new key lacks %s", c.name, want)
				}
			}
			text := p.text()
			for _, want := range []string{"it will not be shown again", `API key “` + c.name + `”`, c.scopeText} {
				if !strings.Contains(text, want) {
					t.Errorf("%s: page lacks %q", c.name, want)
				}
			}
			if strings.Count(p.body, secret) != 1 {
				t.Errorf("%s: the secret appears %d times, want once", c.name, strings.Count(p.body, secret))
			}
			if inputValue(p, "name") != "" {
				t.Errorf("%s: the form keeps the name %q after success", c.name, inputValue(p, "name"))
			}
			st, prefix := keyStatus(t, s, secret)
			if st != http.StatusOK || prefix != secret[:15] {
				t.Errorf("%s: GET /api/v1/connection with the new key: %d, prefix %q", c.name, st, prefix)
			}
			secrets = append(secrets, secret)
		}

		p = b.get(path)
		if n := len(keyRowRe.FindAllString(p.body, -1)); n != 3 {
			t.Fatalf("keys page lists %d keys, want 3", n)
		}
		for _, secret := range secrets {
			if strings.Contains(p.body, secret) || strings.Contains(p.body, secret[:16]) {
				t.Errorf("the list shows more of %s than its prefix", secret[:15])
			}
			if !strings.Contains(p.body, secret[:15]+"…") {
				t.Errorf("the list lacks the prefix %s…", secret[:15])
			}
		}
		if strings.Contains(p.body, `data-test="api-key"`) {
			t.Error("a later visit shows a secret field")
		}
		if got := len(keyPrefixRe.FindAllString(p.text(), -1)); got != 3 {
			t.Errorf("%d prefixes on the page, want 3", got)
		}
		if strings.Count(p.text(), "never") != 1 {
			t.Errorf("want only the unused registration key marked never: %s", p.text())
		}

		b.post("/lang", url.Values{"lang": {"ru"}, "back": {path}})
		p = b.get(path)
		text := p.text()
		for _, want := range []string{"API-ключи", "Полный доступ", "Только события", "не использовался", "Действует", "Новый ключ", "Последнее использование"} {
			if !strings.Contains(text, want) {
				t.Errorf("Russian keys page lacks %q", want)
			}
		}
		if !regexp.MustCompile(`\d{1,2} (` + strings.Join(ruMonths[:], "|") + `) \d{4}, \d\d:\d\d`).MatchString(text) {
			t.Errorf("Russian keys page has no Russian date and time: %s", text)
		}
		_, secret := createKey(t, b, "Склад", "ingest")
		if st, _ := keyStatus(t, s, secret); st != http.StatusOK {
			t.Errorf("key created on the Russian page: %d", st)
		}
		if !strings.Contains(b.last.text(), "больше он показан не будет") {
			t.Error("Russian page lacks the one-time warning")
		}
	})
}

func TestKeyCreateErrorsStandNextToTheirFields(t *testing.T) {
	t.Parallel()
	s := newSite(t, storetest.Open(t, store.SQLite))
	b := s.register("Anna", "anna@example.com")
	path := "/apps/" + b.appID + "/keys"
	cases := []struct {
		name, field    string
		form           url.Values
		wantEN, wantRU string
	}{
		{"blank name", "name", url.Values{"name": {"  "}, "scope": {"full"}}, "must not be empty", "не может быть пустым"},
		{"long name", "name", url.Values{"name": {strings.Repeat("k", 101)}, "scope": {"full"}}, "must be at most 100 characters, got 101", "не длиннее 100 символов"},
		{"unknown scope", "scope", url.Values{"name": {"Admin"}, "scope": {"admin"}}, `must be "full" or "ingest", got "admin"`, "должно быть «full» или «ingest», а не «admin»"},
		{"no scope", "scope", url.Values{"name": {"Admin"}}, `is required: "full" (read and write) or "ingest" (send events only)`, "обязательное поле: «full» (чтение и запись) или «ingest» (только отправка событий)"},
	}
	for _, lang := range []string{"en", "ru"} {
		b.post("/lang", url.Values{"lang": {lang}, "back": {path}})
		for _, c := range cases {
			t.Run(lang+"/"+c.name, func(t *testing.T) {
				b.get(path)
				p := b.post(path, c.form)
				if p.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", p.status)
				}
				want := map[string]string{"en": c.wantEN, "ru": c.wantRU}[lang]
				if got := fieldError(p, c.field); !strings.Contains(got, want) {
					t.Errorf("message under %s = %q, want %q", c.field, got, want)
				}
				if strings.Contains(p.body, `data-test="api-key"`) {
					t.Error("an invalid form shows a key")
				}
				if n := len(keyRowRe.FindAllString(b.get(path).body, -1)); n != 1 {
					t.Errorf("an invalid key was stored: %d keys", n)
				}
			})
		}
	}
}

func TestKeyRevokeConfirmsThenLocksTheKeyOut(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		b := s.register("Anna", "anna@example.com")
		keys := "/apps/" + b.appID + "/keys"
		_, secret := createKey(t, b, "Old checkout", "ingest")
		if st, _ := keyStatus(t, s, secret); st != http.StatusOK {
			t.Fatalf("the new key before revocation: %d", st)
		}
		var id string
		for _, m := range revokeRe.FindAllStringSubmatch(b.get(keys).body, -1) {
			id = m[1] // the newest key is listed last
		}
		revoke := keys + "/" + id + "/revoke"

		p := b.get(revoke)
		if p.status != http.StatusOK {
			t.Fatalf("GET %s: %d", revoke, p.status)
		}
		text := p.text()
		for _, want := range []string{`Revoke the key “Old checkout” (` + secret[:15] + `…)?`, "401 Unauthorized immediately", "Cancel"} {
			if !strings.Contains(text, want) {
				t.Errorf("confirmation page lacks %q", want)
			}
		}
		if strings.Contains(p.body, `data-test="last-key"`) {
			t.Error("warns of the last key while another is active")
		}
		if st, _ := keyStatus(t, s, secret); st != http.StatusOK {
			t.Fatalf("showing the confirmation revoked the key: %d", st)
		}

		p = b.post(revoke, nil)
		if p.status != http.StatusOK || p.url.Path != keys || p.url.Query().Get("done") != "key_revoked" {
			t.Fatalf("revoking ended at %s with %d", p.url, p.status)
		}
		if !strings.Contains(p.text(), "The key has been revoked") {
			t.Error("no notice after revoking")
		}
		if !strings.Contains(p.text(), "Revoked ") || strings.Contains(p.body, revoke) {
			t.Error("the list does not show the key as revoked")
		}
		if st, _ := keyStatus(t, s, secret); st != http.StatusUnauthorized {
			t.Errorf("the revoked key: %d, want 401", st)
		}
		if st, _ := keyStatus(t, s, b.key); st != http.StatusOK {
			t.Errorf("the other key after revoking one: %d, want 200", st)
		}

		// A revoked key has nothing left to revoke.
		if p := b.get(revoke); p.status != http.StatusNotFound {
			t.Errorf("GET confirmation of a revoked key: %d, want 404", p.status)
		}
		b.get(keys)
		if p := b.post(revoke, nil); p.status != http.StatusNotFound {
			t.Errorf("revoking a revoked key: %d, want 404", p.status)
		}

		// The last active key: the page says nothing could send data after.
		b.post("/lang", url.Values{"lang": {"ru"}, "back": {keys}})
		last := keys + "/" + firstKeyID(t, b) + "/revoke"
		p = b.get(last)
		if !strings.Contains(p.body, `data-test="last-key"`) {
			t.Error("no warning before revoking the last active key")
		}
		for _, want := range []string{"Отозвать ключ «Default key» (" + b.key[:15] + "…)?", "401 Unauthorized", "единственный действующий ключ", "Отмена"} {
			if !strings.Contains(p.text(), want) {
				t.Errorf("Russian confirmation page lacks %q", want)
			}
		}
		p = b.post(last, nil)
		if !strings.Contains(p.text(), "Ключ отозван") || !strings.Contains(p.text(), "Отозван ") {
			t.Errorf("Russian keys page after revoking: %s", p.text())
		}
		if st, _ := keyStatus(t, s, b.key); st != http.StatusUnauthorized {
			t.Errorf("the registration key after revoking it: %d, want 401", st)
		}
	})
}

func TestKeyPagesOfAnotherAccountAreNotFound(t *testing.T) {
	t.Parallel()
	s := newSite(t, storetest.Open(t, store.SQLite))
	anna := s.register("Anna", "anna@example.com")
	boris := s.register("Boris", "boris@example.com")
	annaKey := firstKeyID(t, anna)
	borisKeys := "/apps/" + boris.appID + "/keys"
	cases := []struct {
		method, path string
	}{
		{"GET", "/apps/" + anna.appID + "/keys"},
		{"POST", "/apps/" + anna.appID + "/keys"},
		{"GET", "/apps/" + anna.appID + "/keys/" + annaKey + "/revoke"},
		{"POST", "/apps/" + anna.appID + "/keys/" + annaKey + "/revoke"},
		{"GET", borisKeys + "/" + annaKey + "/revoke"},
		{"POST", borisKeys + "/" + annaKey + "/revoke"},
		{"GET", borisKeys + "/key_unknown/revoke"},
		{"POST", borisKeys + "/key_unknown/revoke"},
		{"GET", "/apps/app_unknown/keys"},
	}
	for _, c := range cases {
		boris.get(borisKeys)
		var p page
		if c.method == "GET" {
			p = boris.get(c.path)
		} else {
			p = boris.post(c.path, url.Values{"name": {"Stolen"}, "scope": {"full"}})
		}
		if p.status != http.StatusNotFound {
			t.Errorf("%s %s: %d, want 404", c.method, c.path, p.status)
		}
		if !strings.Contains(p.text(), "belongs to another account") {
			t.Errorf("%s %s: not the not-found page", c.method, c.path)
		}
	}
	if st, _ := keyStatus(t, s, anna.key); st != http.StatusOK {
		t.Errorf("Anna's key after Boris's attempts: %d, want 200", st)
	}
	if n := len(keyRowRe.FindAllString(anna.get("/apps/"+anna.appID+"/keys").body, -1)); n != 1 {
		t.Errorf("Anna's app has %d keys, want 1", n)
	}
}
