package web_test

import (
	"encoding/json"
	"fmt"
	"io"
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

// insightsNow is the clock of the cohorts, segments and trends tests:
// 10:00 UTC on Friday 2026-11-20, the clock of the API's trend tests, so
// that the same series give the same findings.
var insightsNow = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

func newInsightsSite(t *testing.T, db *store.DB) *site {
	t.Helper()
	app := server.New(server.Config{KeyRate: 1000, KeyBurst: 1000, Auth: auth.DefaultConfig, Password: cheapHash,
		Now: func() time.Time { return insightsNow }}, slog.New(slog.DiscardHandler), db)
	t.Cleanup(app.Close)
	srv := httptest.NewServer(app.Handler)
	t.Cleanup(srv.Close)
	return &site{t: t, db: db, srv: srv}
}

// apiGet reads the JSON API with an app's key, as an app would; the body
// comes back as the bytes sent.
func (s *site) apiGet(key, path string) (int, string, http.Header) {
	s.t.Helper()
	req, err := http.NewRequest("GET", s.srv.URL+path, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return resp.StatusCode, string(body), resp.Header
}

// apiJSON reads the JSON API into out, failing unless the answer is 200.
func (s *site) apiJSON(key, path string, out any) {
	s.t.Helper()
	st, body, _ := s.apiGet(key, path)
	if st != http.StatusOK {
		s.t.Fatalf("%s: %d %s", path, st, body)
	}
	if err := json.Unmarshal([]byte(body), out); err != nil {
		s.t.Fatalf("%s: %v", path, err)
	}
}

// buy is a purchase of a test: cents at a moment, refunded a day later
// when refunded is set.
type buy struct {
	customer string
	cents    int64
	at       string
	refunded bool
}

// sendBuys posts the purchases in batches, each with its own order id.
func sendBuys(t *testing.T, s *site, key string, buys []buy) {
	t.Helper()
	events := make([]map[string]any, len(buys))
	for i, b := range buys {
		at, err := time.Parse(time.RFC3339, b.at)
		if err != nil {
			t.Fatal(err)
		}
		e := map[string]any{"type": "purchase", "id": fmt.Sprintf("o%d", i), "customer_id": b.customer,
			"amount": fmt.Sprintf("%d.%02d", b.cents/100, b.cents%100), "purchased_at": b.at, "product": "Tea"}
		if b.refunded {
			e["status"], e["refunded_at"] = "refunded", at.Add(24*time.Hour).Format(time.RFC3339)
		}
		events[i] = e
	}
	for start := 0; start < len(events); start += 500 {
		body, _ := json.Marshal(map[string]any{"events": events[start:min(len(events), start+500)]})
		if st := s.send(key, "/api/v1/batch", string(body)); st != http.StatusOK {
			t.Fatalf("batch: status %d", st)
		}
	}
}

// cohortShop is the API's hand-checked cohort history, in an app on
// Moscow time. By Moscow month, refunds left out:
//
//	a  Sep (its 23:30 UTC Aug 31 purchase), Oct, Nov
//	b  Sep twice; its October purchase was refunded
//	c  Aug, Oct (22:00 UTC Sep 30)
//	d  Oct: its August purchase was refunded
//	f  Jul, Sep
//	g  Dec 2025
func cohortShop(t *testing.T, s *site, key string) {
	t.Helper()
	sendBuys(t, s, key, []buy{
		{"a", 1000, "2026-08-31T23:30:00Z", false},
		{"a", 2000, "2026-10-15T10:00:00Z", false},
		{"a", 500, "2026-11-02T10:00:00Z", false},
		{"b", 3000, "2026-09-10T10:00:00Z", false},
		{"b", 700, "2026-09-20T10:00:00Z", false},
		{"b", 4000, "2026-10-05T10:00:00Z", true},
		{"c", 5000, "2026-08-15T10:00:00Z", false},
		{"c", 1500, "2026-09-30T22:00:00Z", false},
		{"d", 9900, "2026-08-05T10:00:00Z", true},
		{"d", 1200, "2026-10-05T10:00:00Z", false},
		{"f", 800, "2026-07-20T10:00:00Z", false},
		{"f", 900, "2026-09-05T10:00:00Z", false},
		{"g", 100, "2025-12-01T10:00:00Z", false},
	})
}

// heatRow reads a cohort's row of the heat map: its customers and each
// cell's text and class.
func heatRow(t *testing.T, p page, cohort string) (customers string, cells []string) {
	t.Helper()
	m := regexp.MustCompile(`(?s)<tr data-test="cohort-` + cohort + `">(.*?)</tr>`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no row for cohort %s", cohort)
	}
	c := regexp.MustCompile(`<td class="num">([^<]*)</td>`).FindStringSubmatch(m[1])
	for _, cell := range regexp.MustCompile(`<td class="num heat (heat-[a-z0-9]+)"[^>]*>([^<]*)</td>`).FindAllStringSubmatch(m[1], -1) {
		cells = append(cells, cell[2]+" "+cell[1])
	}
	return c[1], cells
}

func TestCohortsPageHeatMap(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInsightsSite(t, db)
		b := s.registerInZone("cohorts@example.com", "Europe/Moscow")
		cohortShop(t, s, b.key)
		path := "/apps/" + b.appID + "/reports/cohorts?from=2026-08&to=2026-10"
		nbsp := "\u00a0"
		for _, c := range []struct {
			lang, query string
			rows        map[string][]string // customers, then each month's cell and class
			texts       []string
		}{
			{"en", "", map[string][]string{
				"2026-08": {"1", "100.0% heat-9", "0.0% heat-0", "100.0% heat-9", "0.0% heat-0"},
				"2026-09": {"2", "100.0% heat-9", "50.0% heat-5", "50.0% heat-5"},
				"2026-10": {"1", "100.0% heat-9", "0.0% heat-0"},
			}, []string{"Cohorts of Aug 2026 – Oct 2026", "Months since the first purchase"}},
			// Revenue: the largest month, $50.00, is the full colour.
			{"en", "&show=revenue", map[string][]string{
				"2026-08": {"1", "$50.00 heat-9", "$0.00 heat-0", "$15.00 heat-3", "$0.00 heat-0"},
				"2026-09": {"2", "$47.00 heat-9", "$20.00 heat-4", "$5.00 heat-1"},
				"2026-10": {"1", "$12.00 heat-2", "$0.00 heat-0"},
			}, []string{"Revenue from each cohort"}},
			{"ru", "", map[string][]string{
				"2026-09": {"2", "100,0" + nbsp + "% heat-9", "50,0" + nbsp + "% heat-5", "50,0" + nbsp + "% heat-5"},
			}, []string{"Когорты за период: авг. 2026 – окт. 2026", "Месяцев после первой покупки"}},
			{"ru", "&show=revenue", map[string][]string{
				"2026-09": {"2", "47,00" + nbsp + "$ heat-9", "20,00" + nbsp + "$ heat-4", "5,00" + nbsp + "$ heat-1"},
			}, nil},
		} {
			b.post("/lang", url.Values{"lang": {c.lang}, "back": {"/apps/" + b.appID}})
			p := b.get(path + c.query)
			if p.status != http.StatusOK {
				t.Fatalf("%s%s: status %d", c.lang, c.query, p.status)
			}
			for cohort, want := range c.rows {
				customers, cells := heatRow(t, p, cohort)
				if got := append([]string{customers}, cells...); strings.Join(got, "|") != strings.Join(want, "|") {
					t.Errorf("%s%s: cohort %s = %q, want %q", c.lang, c.query, cohort, got, want)
				}
			}
			text := spaceRe.ReplaceAllString(p.text(), " ")
			for _, w := range c.texts {
				if !strings.Contains(text, w) {
					t.Errorf("%s%s: page does not say %q", c.lang, c.query, w)
				}
			}
			if !strings.Contains(p.body, `href="/apps/`+b.appID+`/reports/segments"`) || !strings.Contains(p.body, `aria-current="page">`) {
				t.Errorf("%s: no report tabs", c.lang)
			}
		}
		b.post("/lang", url.Values{"lang": {"en"}, "back": {"/apps/" + b.appID}})

		// The same figures as the JSON API's: every cohort's size and
		// every month's retention.
		var api struct {
			Cohorts []struct {
				Cohort    string `json:"cohort"`
				Customers int64  `json:"customers"`
				Months    []struct {
					Retention *float64 `json:"retention"`
				} `json:"months"`
			} `json:"cohorts"`
		}
		s.apiJSON(b.key, "/api/v1/reports/cohorts", &api)
		p := b.get("/apps/" + b.appID + "/reports/cohorts")
		if len(api.Cohorts) != 12 || api.Cohorts[0].Cohort != "2025-12" {
			t.Fatalf("API cohorts: %+v", api.Cohorts)
		}
		for _, c := range api.Cohorts {
			customers, cells := heatRow(t, p, c.Cohort)
			if customers != fmt.Sprint(c.Customers) || len(cells) != len(c.Months) {
				t.Errorf("%s: page %s customers, %d months; API %d, %d", c.Cohort, customers, len(cells), c.Customers, len(c.Months))
				continue
			}
			for k, m := range c.Months {
				want := "— heat-none"
				if m.Retention != nil {
					want = fmt.Sprintf("%.1f%% heat-%d", *m.Retention*100, min(9, int(*m.Retention*10+1e-9)))
				}
				if cells[k] != want {
					t.Errorf("%s month %d: %q, want %q", c.Cohort, k, cells[k], want)
				}
			}
		}
		if v := p.csrf(); v == "" || !strings.Contains(p.body, `value="2025-12"`) || !strings.Contains(p.body, `value="2026-11"`) {
			t.Errorf("default period not in the picker")
		}
	})
}

func TestCohortsCSVMatchesAPI(t *testing.T) {
	t.Parallel()
	s := newInsightsSite(t, storetest.Open(t, store.SQLite))
	b := s.registerInZone("cohorts-csv@example.com", "Europe/Moscow")
	cohortShop(t, s, b.key)
	for _, c := range []struct{ page, api string }{
		{"?from=2026-08&to=2026-10", "?from=2026-08-01&to=2026-10-31"},
		{"", ""},
		{"?to=2026-09", "?to=2026-09-30"},
	} {
		p := b.get("/apps/" + b.appID + "/reports/cohorts" + c.page)
		csvLink := regexp.MustCompile(`href="([^"]+)" download data-test="csv"`).FindStringSubmatch(p.body)
		if csvLink == nil {
			t.Fatalf("%s: no CSV link", c.page)
		}
		got := b.get(strings.ReplaceAll(csvLink[1], "&amp;", "&"))
		st, want, header := s.apiGet(b.key, "/api/v1/reports/cohorts"+c.api+apiCSVQuery(c.api))
		if st != http.StatusOK || got.status != http.StatusOK {
			t.Fatalf("%s: page CSV %d, API %d %s", c.page, got.status, st, want)
		}
		if got.body != want || got.header.Get("Content-Disposition") != header.Get("Content-Disposition") ||
			got.header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Errorf("%s: CSV\n%s\nwant\n%s (%v)", c.page, got.body, want, got.header)
		}
	}
}

// apiCSVQuery is an API query asking for CSV.
func apiCSVQuery(q string) string {
	if q == "" {
		return "?format=csv"
	}
	return "&format=csv"
}

func TestCohortsBadMonths(t *testing.T) {
	t.Parallel()
	s := newInsightsSite(t, storetest.Open(t, store.SQLite))
	b := s.registerInZone("cohorts-bad@example.com", "UTC")
	for _, c := range []struct{ query, field, want string }{
		{"?from=2026-13&to=2026-10", "from", "Enter a month as YYYY-MM"},
		{"?from=August", "from", "Enter a month as YYYY-MM"},
		{"?to=2026-12", "to", "Must not be later than the current month, Nov 2026."},
		{"?from=2026-10&to=2026-08", "to", "Must not be earlier than the first month."},
		{"?from=2023-01&to=2026-10", "from", "at most 36 months"},
	} {
		for _, path := range []string{"/reports/cohorts", "/reports/cohorts.csv"} {
			p := b.get("/apps/" + b.appID + path + c.query)
			m := regexp.MustCompile(`<p class="error" id="e-` + c.field + `">([^<]*)</p>`).FindStringSubmatch(p.body)
			if p.status != http.StatusUnprocessableEntity || m == nil || !strings.Contains(m[1], c.want) {
				t.Errorf("%s%s: status %d, error %v, want %q next to %s", path, c.query, p.status, m, c.want, c.field)
			}
		}
	}
	b.post("/lang", url.Values{"lang": {"ru"}, "back": {"/apps/" + b.appID}})
	p := b.get("/apps/" + b.appID + "/reports/cohorts?to=2027-01")
	if !strings.Contains(p.text(), "Месяц не может быть позже текущего (нояб. 2026).") {
		t.Errorf("Russian error: %s", p.text())
	}
	// Nothing bought yet: an empty state, not an empty table.
	if !strings.Contains(b.get("/apps/"+b.appID+"/reports/cohorts").body, `data-test="cohorts-empty"`) {
		t.Errorf("no empty state")
	}
}

func TestCohortsOfAnotherAccountAreNotFound(t *testing.T) {
	t.Parallel()
	s := newInsightsSite(t, storetest.Open(t, store.SQLite))
	owner := s.registerInZone("owner@example.com", "UTC")
	other := s.registerInZone("other@example.com", "UTC")
	for _, path := range []string{"/reports/cohorts", "/reports/cohorts.csv", "/reports/segments", "/reports/segments.csv", "/trends"} {
		p := other.get("/apps/" + owner.appID + path)
		if p.status != http.StatusNotFound || strings.Contains(p.body, "text/csv") {
			t.Errorf("%s of another account: status %d", path, p.status)
		}
	}
}
