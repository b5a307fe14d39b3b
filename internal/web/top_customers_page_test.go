package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

// The list below is reportShop's, Nov 11 to 20: anna's two orders, the
// erased customer's, c/3 x's (Moscow's Nov 16) and bob's refunded one.
func TestTopCustomersPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInsightsSite(t, db)
		b := s.registerInZone("top@example.com", "Europe/Moscow")
		reportShop(t, s, b.key)
		path := "/apps/" + b.appID + "/reports/customers?" + reportPeriod
		for _, c := range []struct {
			lang string
			rows []string
		}{
			{"en", []string{
				"1 Anna Petrova anna anna@example.com 2 $100.00 Nov 18, 2026 13:00",
				"2 Erased customer 1 $70.00 Nov 19, 2026 13:00",
				"3 c/3 x c3@example.com 1 $50.00 Nov 16, 2026 02:30",
				"4 Bob Stone bob bob@example.com 1 $30.00 Nov 14, 2026 13:00",
			}},
			{"ru", []string{
				"1 Anna Petrova anna anna@example.com 2 100,00" + nbsp + "$ 18 ноября 2026, 13:00",
				"2 Удалённый клиент 1 70,00" + nbsp + "$ 19 ноября 2026, 13:00",
				"3 c/3 x c3@example.com 1 50,00" + nbsp + "$ 16 ноября 2026, 02:30",
				"4 Bob Stone bob bob@example.com 1 30,00" + nbsp + "$ 14 ноября 2026, 13:00",
			}},
		} {
			b.post("/lang", url.Values{"lang": {c.lang}, "back": {"/apps/" + b.appID}})
			p := b.get(path)
			if p.status != http.StatusOK {
				t.Fatalf("%s: status %d", c.lang, p.status)
			}
			var got []string
			for _, r := range regexp.MustCompile(`(?s)<tr data-test="customer-row">(.*?)</tr>`).FindAllStringSubmatch(p.body, -1) {
				got = append(got, squeeze(page{body: r[1]}.text()))
			}
			if strings.Join(got, "|") != strings.Join(c.rows, "|") {
				t.Errorf("%s\n got %q\nwant %q", c.lang, got, c.rows)
			}
			for _, link := range []string{"/customers/anna", "/customers/c%2F3%20x", "/customers/bob"} {
				if !strings.Contains(p.body, `href="/apps/`+b.appID+link+`"`) {
					t.Errorf("%s: no link to %s", c.lang, link)
				}
			}
			if strings.Contains(p.body, "gone") || strings.Contains(p.body, "Gone Person") {
				t.Errorf("%s: the erased customer's data is shown", c.lang)
			}
		}
		b.post("/lang", url.Values{"lang": {"en"}, "back": {"/apps/" + b.appID}})

		// The same list as the JSON API's.
		_, body, _ := s.apiGet(b.key, "/api/v1/reports/customers?"+reportPeriod)
		var api struct {
			Customers []struct {
				ID      *string `json:"id"`
				Erased  bool    `json:"erased"`
				Orders  int64   `json:"orders"`
				Revenue string  `json:"revenue"`
			} `json:"customers"`
		}
		if err := json.Unmarshal([]byte(body), &api); err != nil || len(api.Customers) != 4 {
			t.Fatalf("API: %v %s", err, body)
		}
		p := b.get(path)
		rows := regexp.MustCompile(`(?s)<tr data-test="customer-row">(.*?)</tr>`).FindAllStringSubmatch(p.body, -1)
		for i, a := range api.Customers {
			row := squeeze(page{body: rows[i][1]}.text())
			if !strings.Contains(row, " "+apiMoney(a.Revenue)+" ") || a.Erased != strings.Contains(row, "Erased customer") ||
				(a.ID != nil && !strings.Contains(row, *a.ID)) {
				t.Errorf("row %d %q, API %+v", i, row, a)
			}
		}

		// A shorter list.
		p = b.get(path + "&limit=20")
		if !strings.Contains(p.body, `<option value="20" selected>`) {
			t.Errorf("limit not selected")
		}
	})
}

func TestTopCustomersCSVMatchesAPI(t *testing.T) {
	t.Parallel()
	s := newInsightsSite(t, storetest.Open(t, store.SQLite))
	b := s.registerInZone("top-csv@example.com", "Europe/Moscow")
	reportShop(t, s, b.key)
	app := "/apps/" + b.appID + "/reports/customers"
	for _, c := range []struct{ page, api string }{
		{"?" + reportPeriod, "?" + reportPeriod + "&format=csv"},
		{"?" + reportPeriod + "&limit=50", "?" + reportPeriod + "&limit=50&format=csv"},
		{"", "?format=csv"},
	} {
		checkCSV(t, s, b, app+c.page, "/api/v1/reports/customers"+c.api)
	}
	other := s.registerInZone("top-empty@example.com", "UTC")
	if p := other.get("/apps/" + other.appID + "/reports/customers"); !strings.Contains(p.body, `data-test="customers-empty"`) {
		t.Errorf("no empty state")
	}
}
