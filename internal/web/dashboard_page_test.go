package web_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"pulse/internal/auth"
	"pulse/internal/server"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

// dashboardNow is the dashboard tests' clock: 23:45 on 24 November in UTC,
// already 02:45 on 25 November in Moscow, so "today" differs between the
// two.
var dashboardNow = time.Date(2026, 11, 24, 23, 45, 0, 0, time.UTC)

// newDashboardSite is a site whose clock stands still at dashboardNow, so
// that "the last 30 days" are known days.
func newDashboardSite(t *testing.T, db *store.DB) *site {
	t.Helper()
	app := server.New(server.Config{KeyRate: 1000, KeyBurst: 1000, Auth: auth.DefaultConfig, Password: cheapHash,
		Now: func() time.Time { return dashboardNow }}, slog.New(slog.DiscardHandler), db)
	t.Cleanup(app.Close)
	srv := httptest.NewServer(app.Handler)
	t.Cleanup(srv.Close)
	return &site{t: t, db: db, srv: srv}
}

// registerInZone signs up through the form with the first app in time
// zone tz.
func (s *site) registerInZone(email, tz string) *browser {
	s.t.Helper()
	b := s.browser()
	b.get("/register")
	p := b.post("/register", url.Values{"name": {"Vera"}, "email": {email}, "password": {"a long passphrase 42"}, "timezone": {tz}})
	m, a := apiKeyRe.FindStringSubmatch(p.body), appIDRe.FindStringSubmatch(p.body)
	if p.status != http.StatusOK || m == nil || a == nil {
		s.t.Fatalf("register %s in %s: status %d: %s", email, tz, p.status, p.text())
	}
	b.key, b.appID = m[1]+m[2], a[1]
	return b
}

// seedShop sends the events the dashboard tests count, to an app in
// Europe/Moscow (UTC+3). By Moscow date:
//
//	Oct  5  customer u3
//	Oct 10  o4 $80 (u3)
//	Oct 27  o5 $20 (u3), sent as 21:30 UTC on Oct 26
//	Nov  1  customer u1
//	Nov 10  o3 $30 (u1), refunded on Nov 12
//	Nov 20  o1 $100 (u1)
//	Nov 25  customer u2 and o2 $50 (u2), sent as 22:00 and 23:30 UTC on Nov 24
func seedShop(t *testing.T, s *site, key string) {
	t.Helper()
	for _, ev := range []struct{ path, body string }{
		{"/api/v1/customers", `{"id": "u3", "created_at": "2026-10-05T10:00:00Z"}`},
		{"/api/v1/customers", `{"id": "u1", "created_at": "2026-11-01T10:00:00Z"}`},
		{"/api/v1/customers", `{"id": "u2", "created_at": "2026-11-24T22:00:00Z"}`},
		{"/api/v1/purchases", `{"id": "o4", "customer_id": "u3", "amount": "80.00", "purchased_at": "2026-10-10T12:00:00Z", "product": "Tea"}`},
		{"/api/v1/purchases", `{"id": "o5", "customer_id": "u3", "amount": "20.00", "purchased_at": "2026-10-26T21:30:00Z", "product": "Tea"}`},
		{"/api/v1/purchases", `{"id": "o3", "customer_id": "u1", "amount": "30.00", "purchased_at": "2026-11-10T12:00:00Z",
			"status": "refunded", "refunded_at": "2026-11-12T09:00:00Z", "product": "Cup"}`},
		{"/api/v1/purchases", `{"id": "o1", "customer_id": "u1", "amount": "100.00", "purchased_at": "2026-11-20T10:00:00Z", "product": "Teapot"}`},
		{"/api/v1/purchases", `{"id": "o2", "customer_id": "u2", "amount": "50.00", "purchased_at": "2026-11-24T23:30:00Z", "product": "Tea"}`},
	} {
		if st := s.send(key, ev.path, ev.body); st != http.StatusCreated {
			t.Fatalf("%s %s: status %d", ev.path, ev.body, st)
		}
	}
}

var spaceRe = regexp.MustCompile(`[ \t\r\n]+`)

// squeeze collapses runs of white space (not the no-break spaces that
// Russian numbers use) to one space.
func squeeze(s string) string { return strings.TrimSpace(spaceRe.ReplaceAllString(s, " ")) }

// section is the reader's text of the element marked data-test=name, up to
// the closing tag end.
func section(t *testing.T, p page, name, end string) string {
	t.Helper()
	i := strings.Index(p.body, `data-test="`+name+`"`)
	if i < 0 {
		t.Fatalf("%s: no %s on the page", p.url, name)
	}
	j := strings.Index(p.body[i:], end)
	if j < 0 {
		t.Fatalf("%s: %s does not end", p.url, name)
	}
	return squeeze(page{body: p.body[strings.LastIndex(p.body[:i], "<") : i+j]}.text())
}

// The figures below are computed by hand from seedShop's events.
func TestDashboardFiguresInTheAppsTimeZone(t *testing.T) {
	t.Parallel()
	// By Moscow date, the last 30 days are Oct 27 to Nov 25: o5, o3, o1
	// and o2 are sold (4 orders, $200), o3 refunded ($30), u1 and u2 are
	// new. The 30 days before, Sep 27 to Oct 26, have o4 ($80) and u3.
	// Net revenue $170 against $80: +$90, +112.5 %. Average order $50
	// against $80: -$30, -37.5 %.
	//
	// The last 7 days, Nov 19 to 25, have o1 and o2 ($150) and u2; the 7
	// before have only the refund of o3: net -$30, no orders.
	type figures struct{ net, netChange, netNote, orders, ordersChange, ordersNote, aov, aovChange, aovPrev, newCust, newChange string }
	const nb = "\u00a0"
	cases := []struct {
		name, lang, query string
		period            string
		want              figures
	}{
		{"30 days", "en", "", "Oct 27, 2026 – Nov 25, 2026, compared with Sep 27, 2026 – Oct 26, 2026", figures{
			"$170.00", "Increase on the previous period: ▲ +$90.00 (+112.5%)", "Sales $200.00, refunds $30.00",
			"4", "Increase on the previous period: ▲ +3 (+300.0%)", "1 refund in the period",
			"$50.00", "Decrease on the previous period: ▼ −$30.00 (−37.5%)", "Previous period: $80.00",
			"2", "Increase on the previous period: ▲ +1 (+100.0%)"}},
		{"30 days in Russian", "ru", "?period=30", "27 октября 2026 – 25 ноября 2026 в сравнении с периодом 27 сентября 2026 – 26 октября 2026", figures{
			"170,00" + nb + "$", "Рост по сравнению с предыдущим периодом: ▲ +90,00" + nb + "$ (+112,5" + nb + "%)", "Продажи 200,00" + nb + "$, возвраты 30,00" + nb + "$",
			"4", "Рост по сравнению с предыдущим периодом: ▲ +3 (+300,0" + nb + "%)", "1 возврат за период",
			"50,00" + nb + "$", "Снижение по сравнению с предыдущим периодом: ▼ −30,00" + nb + "$ (−37,5" + nb + "%)", "Предыдущий период: 80,00" + nb + "$",
			"2", "Рост по сравнению с предыдущим периодом: ▲ +1 (+100,0" + nb + "%)"}},
		{"7 days", "en", "?period=7", "Nov 19, 2026 – Nov 25, 2026, compared with Nov 12, 2026 – Nov 18, 2026", figures{
			"$150.00", "Increase on the previous period: ▲ +$180.00 (+600.0%)", "Sales $150.00, refunds $0.00",
			"2", "Increase on the previous period: ▲ +2 (new)", "0 refunds in the period",
			"$75.00", "Increase on the previous period: ▲ new", "Previous period: —",
			"1", "Increase on the previous period: ▲ +1 (new)"}},
		{"7 days in Russian", "ru", "?period=7", "19 ноября 2026 – 25 ноября 2026 в сравнении с периодом 12 ноября 2026 – 18 ноября 2026", figures{
			"150,00" + nb + "$", "Рост по сравнению с предыдущим периодом: ▲ +180,00" + nb + "$ (+600,0" + nb + "%)", "Продажи 150,00" + nb + "$, возвраты 0,00" + nb + "$",
			"2", "Рост по сравнению с предыдущим периодом: ▲ +2 (впервые)", "0 возвратов за период",
			"75,00" + nb + "$", "Рост по сравнению с предыдущим периодом: ▲ впервые", "Предыдущий период: —",
			"1", "Рост по сравнению с предыдущим периодом: ▲ +1 (впервые)"}},
		// Nov 10 to 12: o3 sold and refunded, nothing the three days before.
		{"custom range", "en", "?from=2026-11-10&to=2026-11-12", "Nov 10, 2026 – Nov 12, 2026, compared with Nov 7, 2026 – Nov 9, 2026", figures{
			"$0.00", "Compared with the previous period: = no change", "Sales $30.00, refunds $30.00",
			"1", "Increase on the previous period: ▲ +1 (new)", "1 refund in the period",
			"$30.00", "Increase on the previous period: ▲ new", "Previous period: —",
			"0", "Compared with the previous period: = no change"}},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newDashboardSite(t, db)
		b := s.registerInZone("vera@example.com", "Europe/Moscow")
		seedShop(t, s, b.key)
		lang := "en"
		for _, c := range cases {
			path := "/apps/" + b.appID + c.query
			var p page
			if c.lang != lang {
				p = b.post("/lang", url.Values{"lang": {c.lang}, "back": {path}})
				lang = c.lang
			} else {
				p = b.get(path)
			}
			if p.status != http.StatusOK || p.url.Path != "/apps/"+b.appID {
				t.Fatalf("%s: status %d at %s", c.name, p.status, p.url)
			}
			if got := section(t, p, "period", "</p>"); got != c.period {
				t.Errorf("%s: period %q, want %q", c.name, got, c.period)
			}
			checks := []struct{ card, want string }{
				{"kpi-net_revenue", c.want.net}, {"kpi-net_revenue", c.want.netChange}, {"kpi-net_revenue", c.want.netNote},
				{"kpi-orders", c.want.ordersChange}, {"kpi-orders", c.want.ordersNote},
				{"kpi-aov", c.want.aov}, {"kpi-aov", c.want.aovChange}, {"kpi-aov", c.want.aovPrev},
				{"kpi-new_customers", c.want.newChange},
			}
			for _, ck := range checks {
				if got := section(t, p, ck.card, "</li>"); !strings.Contains(got, ck.want) {
					t.Errorf("%s: %s shows %q, want it to contain %q", c.name, ck.card, got, ck.want)
				}
			}
			for card, value := range map[string]string{"kpi-orders": c.want.orders, "kpi-new_customers": c.want.newCust, "kpi-net_revenue": c.want.net, "kpi-aov": c.want.aov} {
				if !strings.Contains(p.body, `<p class="kpi-value">`+value+`</p>`) || !strings.Contains(section(t, p, card, "</li>"), " "+value+" ") {
					t.Errorf("%s: %s value is not %q: %s", c.name, card, value, section(t, p, card, "</li>"))
				}
			}
		}
	})
}

func TestDashboardChartAndItsTable(t *testing.T) {
	t.Parallel()
	s := newDashboardSite(t, storetest.Open(t, store.SQLite))
	b := s.registerInZone("chart@example.com", "Europe/Moscow")
	seedShop(t, s, b.key)

	p := b.get("/apps/" + b.appID)
	if strings.Contains(p.body, " style=") || strings.Contains(p.body, "<style") {
		t.Error("the dashboard uses inline styles, which the Content-Security-Policy blocks")
	}
	if got := strings.Count(p.body, `<rect class="bar`); got != 30 {
		t.Errorf("30 days: %d bars, want one a day", got)
	}
	table := section(t, p, "chart-table", "</table>")
	for _, want := range []string{
		"Net revenue by day: Oct 27, 2026 – Nov 25, 2026 Day Net revenue Oct 27, 2026 $20.00 Oct 28, 2026 $0.00",
		"Nov 10, 2026 $30.00 Nov 11, 2026 $0.00 Nov 12, 2026 −$30.00",
		"Nov 20, 2026 $100.00", "Nov 24, 2026 $0.00 Nov 25, 2026 $50.00",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("chart table lacks %q: %s", want, table)
		}
	}
	chart := section(t, p, "chart", "</svg>")
	for _, want := range []string{
		"Net revenue per day for Oct 27, 2026 – Nov 25, 2026: $170.00 in total; the highest was $100.00 on Nov 20, 2026.",
		"Nov 20, 2026: $100.00", "Nov 12, 2026: −$30.00", // tooltips
		"Oct 27", "$0.00", "$100.00", "−$50.00", // axes
	} {
		if !strings.Contains(chart, want) {
			t.Errorf("chart lacks %q: %s", want, chart)
		}
	}
	for _, want := range []string{`viewBox="0 0 420 220"`, `role="img"`, `aria-describedby="chart-desc"`, `class="bar negative"`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("chart lacks %s", want)
		}
	}

	// A year is charted by calendar week: Wednesday Nov 26, 2025 to Sunday,
	// 51 weeks from Monday Dec 1, and Monday Nov 23 to today.
	p = b.get("/apps/" + b.appID + "?period=365")
	if got := strings.Count(p.body, `<rect class="bar`); got != 53 {
		t.Errorf("365 days: %d bars, want 53 weeks", got)
	}
	table = section(t, p, "chart-table", "</table>")
	for _, want := range []string{
		"Net revenue by week: Nov 26, 2025 – Nov 25, 2026 Week Net revenue Nov 26, 2025 – Nov 30, 2025 $0.00 Dec 1, 2025 – Dec 7, 2025 $0.00",
		"Oct 5, 2026 – Oct 11, 2026 $80.00", "Oct 26, 2026 – Nov 1, 2026 $20.00", "Nov 9, 2026 – Nov 15, 2026 $0.00",
		"Nov 16, 2026 – Nov 22, 2026 $100.00 Nov 23, 2026 – Nov 25, 2026 $50.00",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("weekly table lacks %q: %s", want, table)
		}
	}
	if chart := section(t, p, "chart", "</svg>"); !strings.Contains(chart, "the highest was $100.00 in the week Nov 16, 2026 – Nov 22, 2026.") {
		t.Errorf("weekly chart summary: %s", chart)
	}

	p = b.post("/lang", url.Values{"lang": {"ru"}, "back": {"/apps/" + b.appID + "?period=7"}})
	chart = section(t, p, "chart", "</svg>")
	for _, want := range []string{
		"Чистая выручка по дням за период 19 ноября 2026 – 25 ноября 2026: всего 150,00\u00a0$, больше всего — 100,00\u00a0$, 20 ноября 2026.",
		"19.11", "21.11", "25.11", "100,00\u00a0$",
	} {
		if !strings.Contains(chart, want) {
			t.Errorf("Russian chart lacks %q: %s", want, chart)
		}
	}
}

func TestDashboardPeriodPicker(t *testing.T) {
	t.Parallel()
	s := newDashboardSite(t, storetest.Open(t, store.SQLite))
	b := s.registerInZone("picker@example.com", "Europe/Moscow")
	seedShop(t, s, b.key)
	base := "/apps/" + b.appID

	// The default and an unknown period are the last 30 days, with the
	// custom fields filled in with them.
	for _, q := range []string{"", "?period=12", "?period=abc"} {
		p := b.get(base + q)
		if p.status != http.StatusOK {
			t.Fatalf("%q: status %d", q, p.status)
		}
		for _, want := range []string{`<a href="` + base + `?period=30" aria-current="true">Last 30 days</a>`,
			`<a href="` + base + `?period=7">Last 7 days</a>`, `<a href="` + base + `?period=365">Last 365 days</a>`,
			`name="from" type="date" value="2026-10-27"`, `name="to" type="date" value="2026-11-25"`} {
			if !strings.Contains(p.body, want) {
				t.Errorf("%q: page lacks %s", q, want)
			}
		}
	}
	p := b.get(base + "?period=90")
	if !strings.Contains(p.body, `?period=90" aria-current="true"`) || !strings.Contains(p.body, `name="from" type="date" value="2026-08-28"`) {
		t.Error("90 days are not marked as chosen")
	}

	// Exactly three years is allowed; a day more is not.
	p = b.get(base + "?from=2023-11-25&to=2026-11-24")
	if p.status != http.StatusOK || !strings.Contains(section(t, p, "period", "</p>"), "Nov 25, 2023 – Nov 24, 2026") {
		t.Errorf("three years: status %d, %s", p.status, section(t, p, "period", "</p>"))
	}
	if strings.Contains(p.body, `aria-current="true"`) {
		t.Error("a preset is marked although the period is custom")
	}

	bad := []struct {
		name, lang, from, to, field, msg string
	}{
		{"not a date", "en", "2026-13-01", "2026-11-12", "from", "Enter a date as YYYY-MM-DD, such as 2026-11-01."},
		{"words", "en", "2026-11-01", "yesterday", "to", "Enter a date as YYYY-MM-DD, such as 2026-11-01."},
		{"reversed", "en", "2026-11-12", "2026-11-10", "to", "Must not be earlier than the start date."},
		{"over three years", "en", "2023-11-24", "2026-11-24", "from", "The period can be at most 3 years long; choose a later start date."},
		// Today is Nov 25 in Moscow though it is still Nov 24 in UTC.
		{"future", "en", "2026-11-20", "2026-11-26", "to", "Must not be later than today, Nov 25, 2026."},
		{"only the end", "en", "", "2026-11-10", "from", "Required"},
		{"reversed in Russian", "ru", "2026-11-12", "2026-11-10", "to", "Не раньше начальной даты."},
		{"future in Russian", "ru", "2026-11-26", "2026-11-26", "from", "Не позже сегодняшнего дня, 25 ноября 2026."},
	}
	lang := "en"
	for _, c := range bad {
		path := base + "?" + url.Values{"from": {c.from}, "to": {c.to}}.Encode()
		if c.lang != lang {
			b.post("/lang", url.Values{"lang": {c.lang}, "back": {path}})
			lang = c.lang
		}
		p := b.get(path)
		if p.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", c.name, p.status)
		}
		got := ""
		if m := regexp.MustCompile(`id="e-` + c.field + `">([^<]*)<`).FindStringSubmatch(p.body); m != nil {
			got = m[1]
		}
		if got != c.msg {
			t.Errorf("%s: message next to %s is %q, want %q", c.name, c.field, got, c.msg)
		}
		if !strings.Contains(p.body, `name="to" type="date" value="`+c.to+`"`) {
			t.Errorf("%s: the typed end date is not shown again", c.name)
		}
		// The page still shows figures, for the default period, and says so.
		want := map[string]string{"en": "below are the last 30 days instead", "ru": "ниже — последние 30 дней"}[c.lang]
		if !strings.Contains(p.text(), want) || !strings.Contains(p.body, `data-test="kpi-orders"`) {
			t.Errorf("%s: no figures for the default period with a note saying so", c.name)
		}
	}
}

func TestDashboardWithoutDataPointsToConnect(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newDashboardSite(t, db)
		b := s.registerInZone("empty@example.com", "UTC")
		for _, lang := range []string{"en", "ru"} {
			path := "/apps/" + b.appID
			p := b.post("/lang", url.Values{"lang": {lang}, "back": {path}})
			if p.status != http.StatusOK || p.url.Path != path {
				t.Fatalf("%s: status %d at %s", lang, p.status, p.url)
			}
			empty := section(t, p, "dashboard-empty", "</div>")
			want := map[string]string{"en": "Connect your app", "ru": "Подключить приложение"}[lang]
			if !strings.Contains(empty, want) || !strings.Contains(p.body, `href="/apps/`+b.appID+`/connect">`+want) {
				t.Errorf("%s: empty state %q lacks a link %q to the connect page", lang, empty, want)
			}
			if strings.Contains(p.body, "<svg") || strings.Contains(p.body, "kpi-") {
				t.Errorf("%s: figures shown for an app without data", lang)
			}
		}
		// A customer alone is data: the dashboard appears.
		if st := s.send(b.key, "/api/v1/customers", `{"id": "u1", "created_at": "2026-11-20T10:00:00Z"}`); st != http.StatusCreated {
			t.Fatalf("customer: %d", st)
		}
		p := b.get("/apps/" + b.appID)
		if strings.Contains(p.body, "dashboard-empty") {
			t.Error("still empty after a customer arrived")
		}
		if got := section(t, p, "kpi-new_customers", "</li>"); !strings.Contains(got, "Новые клиенты 1 ") {
			t.Errorf("new customers card: %q", got)
		}
	})
}

func TestDashboardOfAnotherAccountIsNotFound(t *testing.T) {
	t.Parallel()
	s := newDashboardSite(t, storetest.Open(t, store.SQLite))
	owner := s.registerInZone("owner@example.com", "UTC")
	seedShop(t, s, owner.key)
	other := s.registerInZone("other@example.com", "UTC")
	for _, path := range []string{"/apps/" + owner.appID, "/apps/" + owner.appID + "?period=7", "/apps/app_doesnotexist"} {
		p := other.get(path)
		if p.status != http.StatusNotFound || strings.Contains(p.body, "kpi-") {
			t.Errorf("%s for another account: status %d", path, p.status)
		}
	}
	// Logged out, the dashboard sends to the login page and back.
	p := s.browser().get("/apps/" + owner.appID + "?period=7")
	if p.url.Path != "/login" || p.url.Query().Get("next") != "/apps/"+owner.appID+"?period=7" {
		t.Errorf("logged out: landed on %s", p.url)
	}
}
