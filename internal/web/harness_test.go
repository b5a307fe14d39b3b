package web_test

import (
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"pulse/internal/auth"
	"pulse/internal/password"
	"pulse/internal/server"
	"pulse/internal/store"
)

// cheapHash keeps registrations in these tests fast; the password package's
// own tests use the real cost.
var cheapHash = password.Params{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// site is a real Pulse server on a real database, reached over HTTP.
type site struct {
	t   *testing.T
	db  *store.DB
	srv *httptest.Server
}

func newSite(t *testing.T, db *store.DB) *site {
	t.Helper()
	app := server.New(server.Config{KeyRate: 1000, KeyBurst: 1000, Auth: auth.DefaultConfig, Password: cheapHash},
		slog.New(slog.DiscardHandler), db)
	t.Cleanup(app.Close)
	srv := httptest.NewServer(app.Handler)
	t.Cleanup(srv.Close)
	return &site{t: t, db: db, srv: srv}
}

// browser is one user agent: a cookie jar, following redirects, and the
// last page it saw, whose CSRF token the next form post carries.
type browser struct {
	s     *site
	http  *http.Client
	last  page
	key   string // the API key shown at registration
	appID string
}

// page is a response as a browser sees it, after redirects.
type page struct {
	status int
	body   string
	url    *url.URL
	header http.Header
}

func (s *site) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{s: s, http: &http.Client{Jar: jar}}
}

func (b *browser) do(req *http.Request) page {
	b.s.t.Helper()
	resp, err := b.http.Do(req)
	if err != nil {
		b.s.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.s.t.Fatal(err)
	}
	p := page{status: resp.StatusCode, body: string(body), url: resp.Request.URL, header: resp.Header}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		b.last = p
		checkPage(b.s.t, p)
		if m := pageRe.FindStringSubmatch(p.body); m != nil {
			seenPages.Store(m[1], true)
		}
	}
	return p
}

func (b *browser) get(path string) page {
	b.s.t.Helper()
	req, err := http.NewRequest("GET", b.s.srv.URL+path, nil)
	if err != nil {
		b.s.t.Fatal(err)
	}
	return b.do(req)
}

// post submits a form, with the CSRF token of the last page seen unless the
// form sets its own.
func (b *browser) post(path string, form url.Values) page {
	b.s.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, set := form["csrf_token"]; !set {
		if tok := b.last.csrf(); tok != "" {
			form.Set("csrf_token", tok)
		}
	}
	req, err := http.NewRequest("POST", b.s.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// seenPages collects the templates that tests have rendered.
var seenPages sync.Map

var (
	pageRe   = regexp.MustCompile(`<body data-page="([a-z_]+)">`)
	csrfRe   = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	apiKeyRe = regexp.MustCompile(`data-test="api-key"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*data-test="api-key"`)
	appIDRe  = regexp.MustCompile(`/apps/(app_[A-Za-z0-9]+)`)
)

func (p page) csrf() string {
	m := csrfRe.FindStringSubmatch(p.body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// text is the page's body with tags removed and entities decoded, for
// checks on what a reader sees.
func (p page) text() string {
	return html.UnescapeString(tagRe.ReplaceAllString(p.body, " "))
}

var tagRe = regexp.MustCompile(`<[^>]*>`)

// checkPage fails on signs of a broken template (a missing catalog key, a
// bad format verb) and on a form control without a label.
func checkPage(t *testing.T, p page) {
	t.Helper()
	for _, bad := range []string{"[[", "%!", "<no value>"} {
		if i := strings.Index(p.body, bad); i >= 0 {
			t.Errorf("%s: page shows %q: …%s…", p.url.Path, bad, p.body[max(0, i-80):min(len(p.body), i+80)])
		}
	}
	for _, tag := range controlRe.FindAllString(p.body, -1) {
		if typ := attrRe("type").FindStringSubmatch(tag); typ != nil && (typ[1] == "hidden" || typ[1] == "submit" || typ[1] == "button") {
			continue
		}
		if attrRe("aria-label").MatchString(tag) {
			continue
		}
		id := attrRe("id").FindStringSubmatch(tag)
		if id == nil || !strings.Contains(p.body, `<label for="`+id[1]+`"`) {
			t.Errorf("%s: form control without a label: %s", p.url.Path, tag)
		}
	}
}

var controlRe = regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)

func attrRe(name string) *regexp.Regexp {
	return regexp.MustCompile(`\s` + name + `="([^"]*)"`)
}

// register signs up through the form and returns the logged-in browser
// with the key its connection page showed.
func (s *site) register(name, email string) *browser {
	s.t.Helper()
	b := s.browser()
	b.get("/register")
	p := b.post("/register", url.Values{"name": {name}, "email": {email}, "password": {"a long passphrase 42"}})
	if p.status != http.StatusOK {
		s.t.Fatalf("register %s: status %d: %s", email, p.status, p.text())
	}
	m := apiKeyRe.FindStringSubmatch(p.body)
	if m == nil {
		s.t.Fatalf("register %s: no key on the page: %s", email, p.body)
	}
	b.key = m[1] + m[2]
	a := appIDRe.FindStringSubmatch(p.body)
	if a == nil {
		s.t.Fatalf("register %s: no app link on the page", email)
	}
	b.appID = a[1]
	return b
}

// send posts an event with an app's API key, as an app would.
func (s *site) send(key, path, body string) int {
	s.t.Helper()
	req, err := http.NewRequest("POST", s.srv.URL+path, strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
