package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"pulse/internal/money"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

var (
	appRowRe     = regexp.MustCompile(`data-test="app-row"`)
	connectPathR = regexp.MustCompile(`^/apps/(app_[A-Za-z0-9]+)/connect$`)
	datalistRe   = regexp.MustCompile(`(?s)<datalist id="([a-z]+)">(.*?)</datalist>`)
	optionRe     = regexp.MustCompile(`<option value="([^"]+)">`)
)

// fieldError is the message shown under a form field, or "" without one.
func fieldError(p page, field string) string {
	m := regexp.MustCompile(`<p class="error" id="e-` + regexp.QuoteMeta(field) + `">([^<]*)</p>`).FindStringSubmatch(p.body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// inputValue is the value a page's form shows in the text field.
func inputValue(p page, field string) string {
	m := regexp.MustCompile(`id="f-` + regexp.QuoteMeta(field) + `"[^>]*? value="([^"]*)"`).FindStringSubmatch(p.body)
	if m == nil {
		return "<no field>"
	}
	return html.UnescapeString(m[1])
}

func TestAppCreateGoesToConnectAndListsTheApp(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		b := s.register("Anna", "anna@example.com")

		p := b.get("/apps")
		if p.status != http.StatusOK {
			t.Fatalf("GET /apps: %d", p.status)
		}
		if n := len(appRowRe.FindAllString(p.body, -1)); n != 1 {
			t.Fatalf("apps page lists %d apps after registration, want 1", n)
		}
		for _, want := range []string{
			`href="/apps/` + b.appID + `"`, `href="/apps/` + b.appID + `/connect"`, `href="/apps/` + b.appID + `/keys"`,
			`list="currencies"`, `list="timezones"`,
		} {
			if !strings.Contains(p.body, want) {
				t.Errorf("apps page lacks %s", want)
			}
		}
		for _, want := range []string{"My app", "USD", "UTC", "Create an app"} {
			if !strings.Contains(p.text(), want) {
				t.Errorf("apps page lacks %q", want)
			}
		}

		p = b.post("/apps", url.Values{"app_name": {"Tea shop"}, "currency": {"eur"}, "timezone": {"Europe/Moscow"}})
		m := connectPathR.FindStringSubmatch(p.url.Path)
		if p.status != http.StatusOK || m == nil {
			t.Fatalf("creating an app ended at %s with %d, want its connect page", p.url, p.status)
		}
		if m[1] == b.appID {
			t.Fatalf("went to the first app's connect page")
		}
		teaID := m[1]

		// Empty fields take the defaults.
		p = b.post("/apps", url.Values{"app_name": {""}, "currency": {""}, "timezone": {""}})
		if connectPathR.FindStringSubmatch(p.url.Path) == nil {
			t.Fatalf("creating an app with defaults ended at %s with %d", p.url, p.status)
		}

		p = b.get("/apps")
		if n := len(appRowRe.FindAllString(p.body, -1)); n != 3 {
			t.Fatalf("apps page lists %d apps, want 3", n)
		}
		text := p.text()
		for _, want := range []string{"Tea shop", "EUR", "Europe/Moscow"} {
			if !strings.Contains(text, want) {
				t.Errorf("apps page lacks the new app's %q", want)
			}
		}
		if n := strings.Count(p.body, `">My app</a></th>`); n != 2 {
			t.Errorf("%d apps with the default name, want 2", n)
		}
		if !strings.Contains(p.body, `href="/apps/`+teaID+`/keys"`) {
			t.Error("the new app has no link to its keys")
		}

		b.post("/lang", url.Values{"lang": {"ru"}, "back": {"/apps"}})
		p = b.get("/apps")
		text = p.text()
		for _, want := range []string{"Приложения", "Часовой пояс", "Новое приложение", "Подключение"} {
			if !strings.Contains(text, want) {
				t.Errorf("Russian apps page lacks %q", want)
			}
		}
		month := time.Now().In(time.UTC).Month()
		if !strings.Contains(text, " "+ruMonths[month-1]+" ") && !strings.Contains(text, " "+ruMonths[month%12]+" ") {
			t.Errorf("Russian apps page does not write the creation date with a Russian month: %s", text)
		}
	})
}

var ruMonths = [...]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"}

// The suggestions must all be accepted, or the form would offer an error.
func TestAppFormSuggestsValidCurrenciesAndZones(t *testing.T) {
	t.Parallel()
	s := newSite(t, storetest.Open(t, store.SQLite))
	b := s.register("Anna", "anna@example.com")
	p := b.get("/apps")
	lists := map[string][]string{}
	for _, m := range datalistRe.FindAllStringSubmatch(p.body, -1) {
		for _, o := range optionRe.FindAllStringSubmatch(m[2], -1) {
			lists[m[1]] = append(lists[m[1]], html.UnescapeString(o[1]))
		}
	}
	if len(lists["currencies"]) < 10 || len(lists["timezones"]) < 10 {
		t.Fatalf("datalists: %v", lists)
	}
	for _, c := range lists["currencies"] {
		if _, ok := money.NormalizeCode(c); !ok {
			t.Errorf("suggested currency %q is not accepted", c)
		}
	}
	for _, tz := range lists["timezones"] {
		if _, err := time.LoadLocation(tz); err != nil {
			t.Errorf("suggested time zone %q: %v", tz, err)
		}
	}
}

func TestAppCreateErrorsStandNextToTheirFields(t *testing.T) {
	t.Parallel()
	s := newSite(t, storetest.Open(t, store.SQLite))
	b := s.register("Anna", "anna@example.com")
	cases := []struct {
		name   string
		field  string
		value  string
		wantEN string
		wantRU string
	}{
		{"blank name", "app_name", "   ", "must not be empty", "не может быть пустым"},
		{"long name", "app_name", strings.Repeat("я", 101), "must be at most 100 characters, got 101", "не длиннее 100 символов"},
		{"line break in name", "app_name", "Tea\nshop", "must not contain control characters", "не может содержать управляющие символы"},
		{"unknown currency", "currency", "DOLLARS", "must be an ISO 4217 currency code such as USD, EUR or RUB", "должен быть код валюты ISO 4217"},
		{"unknown time zone", "timezone", "Mars/Olympus", `"Mars/Olympus" is not a known IANA time zone name`, "«Mars/Olympus» — неизвестный часовой пояс IANA"},
		{"Local time zone", "timezone", "Local", "must be an IANA time zone name such as UTC or Europe/Moscow", "должно быть имя часового пояса IANA"},
	}
	for _, lang := range []string{"en", "ru"} {
		b.post("/lang", url.Values{"lang": {lang}, "back": {"/apps"}})
		for _, c := range cases {
			t.Run(lang+"/"+c.name, func(t *testing.T) {
				form := url.Values{"app_name": {"Tea shop"}, "currency": {"EUR"}, "timezone": {"Europe/Moscow"}}
				form.Set(c.field, c.value)
				b.get("/apps")
				p := b.post("/apps", form)
				if p.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", p.status)
				}
				want := map[string]string{"en": c.wantEN, "ru": c.wantRU}[lang]
				if got := fieldError(p, c.field); !strings.Contains(got, want) {
					t.Errorf("message under %s = %q, want %q", c.field, got, want)
				}
				for _, f := range []string{"app_name", "currency", "timezone"} {
					if f != c.field && fieldError(p, f) != "" {
						t.Errorf("valid field %s shows %q", f, fieldError(p, f))
					}
				}
				if !strings.Contains(p.body, `id="f-`+c.field+`"`) || !strings.Contains(p.body, `aria-invalid="true"`) {
					t.Error("the invalid field is not marked")
				}
				if got := inputValue(p, c.field); got != c.value {
					t.Errorf("the form shows %q, not the submitted value", got)
				}
				if n := len(appRowRe.FindAllString(b.get("/apps").body, -1)); n != 1 {
					t.Errorf("an invalid app was stored: %d apps", n)
				}
			})
		}
	}
}

// Every form of this area refuses a post without the session's token, and
// does nothing.
func TestAppAndKeyFormsRefuseAMissingCSRFToken(t *testing.T) {
	t.Parallel()
	s := newSite(t, storetest.Open(t, store.SQLite))
	b := s.register("Anna", "anna@example.com")
	keyID := firstKeyID(t, b)
	keys := "/apps/" + b.appID + "/keys"
	cases := []struct {
		path string
		form url.Values
	}{
		{"/apps", url.Values{"app_name": {"Tea shop"}}},
		{keys, url.Values{"name": {"Checkout"}, "scope": {"ingest"}}},
		{keys + "/" + keyID + "/revoke", url.Values{}},
	}
	for _, c := range cases {
		for _, token := range []string{"", "not-the-token"} {
			b.get("/apps")
			c.form.Set("csrf_token", token)
			if p := b.post(c.path, c.form); p.status != http.StatusForbidden {
				t.Errorf("POST %s with token %q: %d, want 403", c.path, token, p.status)
			}
		}
	}
	if n := len(appRowRe.FindAllString(b.get("/apps").body, -1)); n != 1 {
		t.Errorf("%d apps after refused posts, want 1", n)
	}
	if n := len(keyRowRe.FindAllString(b.get(keys).body, -1)); n != 1 {
		t.Errorf("%d keys after refused posts, want 1", n)
	}
	if st, _ := keyStatus(t, s, b.key); st != http.StatusOK {
		t.Errorf("the key after a refused revocation: %d, want 200", st)
	}
}
