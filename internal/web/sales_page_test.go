package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

// reportShop is the sales, products and top customers tests' shop, on
// Moscow time (UTC+3), with the clock at insightsNow (Nov 20). The period
// they show is Nov 11 to 20, compared with Nov 1 to 10. By Moscow date:
//
//	Nov  3  o7 bob      $20  cup                      web
//	Nov  5  o1 anna    $100  tea ×2                   web
//	Nov 12  o2 anna     $60  tea $20, cup $40         ios
//	Nov 14  o3 bob      $30  cup, refunded on Nov 15  web
//	Nov 16  o4 "c/3 x"  $50  teapot, sent as 23:30 UTC on Nov 15
//	Nov 18  o5 anna     $40  tea ×2 at $20            no channel
//	Nov 19  o6 gone     $70  teapot                   ios; gone is erased
//
// Nov 11–20: 5 orders, $250 revenue, $30 refunded, $220 net, $50 a
// order; anna, bob, c/3 x and gone bought, c/3 x and gone for the first
// time; anna twice, so a repeat rate of 25 %. Nov 1–10: 2 orders, $120,
// anna and bob, both new.
func reportShop(t *testing.T, s *site, key string) {
	t.Helper()
	for _, ev := range []struct{ path, body string }{
		{"/api/v1/customers", `{"id": "anna", "name": "Anna Petrova", "email": "anna@example.com", "attributes": {"country": "RU"}}`},
		{"/api/v1/customers", `{"id": "bob", "name": "Bob Stone", "email": "bob@example.com", "attributes": {"country": "US"}}`},
		{"/api/v1/customers", `{"id": "c/3 x", "email": "c3@example.com"}`},
		{"/api/v1/customers", `{"id": "gone", "name": "Gone Person", "email": "gone@example.com"}`},
		{"/api/v1/purchases", `{"id": "o7", "customer_id": "bob", "amount": "20.00", "purchased_at": "2026-11-03T10:00:00Z",
			"items": [{"product_id": "cup", "name": "Cup", "category": "ware", "quantity": 1, "price": "20.00"}], "attributes": {"channel": "web"}}`},
		{"/api/v1/purchases", `{"id": "o1", "customer_id": "anna", "amount": "100.00", "purchased_at": "2026-11-05T10:00:00Z",
			"items": [{"product_id": "tea", "name": "Tea", "category": "food", "quantity": 2, "price": "50.00"}], "attributes": {"channel": "web"}}`},
		{"/api/v1/purchases", `{"id": "o2", "customer_id": "anna", "amount": "60.00", "purchased_at": "2026-11-12T10:00:00Z",
			"items": [{"product_id": "tea", "name": "Tea", "category": "food", "quantity": 1, "price": "20.00"},
			{"product_id": "cup", "name": "Cup", "category": "ware", "quantity": 1, "price": "40.00"}], "attributes": {"channel": "ios"}}`},
		{"/api/v1/purchases", `{"id": "o3", "customer_id": "bob", "amount": "30.00", "purchased_at": "2026-11-14T10:00:00Z",
			"status": "refunded", "refunded_at": "2026-11-15T09:00:00Z",
			"items": [{"product_id": "cup", "name": "Cup", "category": "ware", "quantity": 1, "price": "30.00"}], "attributes": {"channel": "web"}}`},
		{"/api/v1/purchases", `{"id": "o4", "customer_id": "c/3 x", "amount": "50.00", "purchased_at": "2026-11-15T23:30:00Z",
			"items": [{"product_id": "teapot", "name": "Teapot", "category": "ware", "quantity": 1, "price": "50.00"}], "attributes": {"channel": "web"}}`},
		{"/api/v1/purchases", `{"id": "o5", "customer_id": "anna", "amount": "40.00", "purchased_at": "2026-11-18T10:00:00Z",
			"items": [{"product_id": "tea", "name": "Tea", "category": "food", "quantity": 2, "price": "20.00"}]}`},
		{"/api/v1/purchases", `{"id": "o6", "customer_id": "gone", "amount": "70.00", "purchased_at": "2026-11-19T10:00:00Z",
			"items": [{"product_id": "teapot", "name": "Teapot", "category": "ware", "quantity": 1, "price": "70.00"}], "attributes": {"channel": "ios"}}`},
	} {
		if st := s.send(key, ev.path, ev.body); st != http.StatusCreated && st != http.StatusOK {
			t.Fatalf("%s %s: status %d", ev.path, ev.body, st)
		}
	}
	req, err := http.NewRequest("DELETE", s.srv.URL+"/api/v1/customers/gone", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Fatalf("erase: status %d", resp.StatusCode)
	}
}

const reportPeriod = "from=2026-11-11&to=2026-11-20"

// nbsp is the no-break space of Russian numbers.
const nbsp = "\u00a0"

// kpi is the reader's text of a key figure's card.
func kpi(t *testing.T, p page, id string) string {
	t.Helper()
	return section(t, p, "kpi-"+id, "</li>")
}

// rowText is the reader's text of the table row marked data-test=name.
func rowText(t *testing.T, p page, name string) string {
	t.Helper()
	return section(t, p, name, "</tr>")
}

// apiMoney is an API money string as the English page writes dollars.
func apiMoney(s string) string {
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		return "−$" + rest
	}
	return "$" + s
}

func TestSalesReportFigures(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInsightsSite(t, db)
		b := s.registerInZone("sales@example.com", "Europe/Moscow")
		reportShop(t, s, b.key)
		path := "/apps/" + b.appID + "/reports?" + reportPeriod + "&group_by=purchase.channel"
		for _, c := range []struct {
			lang  string
			kpis  map[string]string
			rows  map[string]string
			texts []string
		}{
			{"en", map[string]string{
				"revenue":              "Revenue $250.00 Increase on the previous period: ▲ +$130.00 (+108.3%) Previous period: $120.00 From 5 orders, refunded ones included",
				"refunds":              "Refunds $30.00 Increase on the previous period: ▲ +$30.00 (new) Previous period: $0.00 1 refund made in the period",
				"net_revenue":          "Net revenue $220.00 Increase on the previous period: ▲ +$100.00 (+83.3%) Previous period: $120.00 Revenue less the refunds made in the period",
				"orders":               "Orders 5 Increase on the previous period: ▲ +3 (+150.0%) Previous period: 2",
				"average_order_value":  "Average order value $50.00 Decrease on the previous period: ▼ −$10.00 (−16.7%) Previous period: $60.00 Revenue divided by orders",
				"customers":            "Customers who bought 4 Increase on the previous period: ▲ +2 (+100.0%) Previous period: 2",
				"new_customers":        "New customers 2 Compared with the previous period: = no change Previous period: 2 Placed their first order ever in the period",
				"returning_customers":  "Returning customers 2 Increase on the previous period: ▲ +2 (new) Previous period: 0 Had ordered before the period",
				"repeat_purchase_rate": "Repeat purchase rate 25.0% Increase on the previous period: ▲ +25.00 pp (new) Previous period: 0.0% Share of the customers who placed two or more orders in the period",
			}, map[string]string{
				// The refund lowers Nov 15; the purchase at 23:30 UTC on
				// Nov 15 is Moscow's Nov 16.
				"bucket-2026-11-15": "Nov 15, 2026 $0.00 $30.00 −$30.00 $100.00 0 — 0 0 0",
				"bucket-2026-11-16": "Nov 16, 2026 $50.00 $0.00 $50.00 $0.00 1 $50.00 1 1 0",
				"bucket-2026-11-12": "Nov 12, 2026 $60.00 $0.00 $60.00 $0.00 1 $60.00 1 0 1",
			}, []string{"Nov 11, 2026 – Nov 20, 2026, compared with Nov 1, 2026 – Nov 10, 2026", "Breakdown by purchase.channel"}},
			{"ru", map[string]string{
				"net_revenue":          "Чистая выручка 220,00" + nbsp + "$ Рост по сравнению с предыдущим периодом: ▲ +100,00" + nbsp + "$ (+83,3" + nbsp + "%) Предыдущий период: 120,00" + nbsp + "$ Выручка за вычетом возвратов, сделанных за период",
				"repeat_purchase_rate": "Доля повторных покупок 25,0" + nbsp + "% Рост по сравнению с предыдущим периодом: ▲ +25,00 п. п. (впервые) Предыдущий период: 0,0" + nbsp + "% Доля покупателей, сделавших за период два заказа и больше",
			}, map[string]string{
				"bucket-2026-11-15": "15 ноября 2026 0,00" + nbsp + "$ 30,00" + nbsp + "$ −30,00" + nbsp + "$ 100,00" + nbsp + "$ 0 — 0 0 0",
			}, []string{"Разбивка по purchase.channel", "(нет значения)", "Чистая выручка по дням"}},
		} {
			b.post("/lang", url.Values{"lang": {c.lang}, "back": {"/apps/" + b.appID}})
			p := b.get(path)
			if p.status != http.StatusOK {
				t.Fatalf("%s: status %d: %s", c.lang, p.status, p.text())
			}
			for id, want := range c.kpis {
				if got := kpi(t, p, id); got != want {
					t.Errorf("%s: %s card\n got %q\nwant %q", c.lang, id, got, want)
				}
			}
			for id, want := range c.rows {
				if got := rowText(t, p, id); got != want {
					t.Errorf("%s: %s\n got %q\nwant %q", c.lang, id, got, want)
				}
			}
			text := squeeze(p.text())
			for _, w := range c.texts {
				if !strings.Contains(text, w) {
					t.Errorf("%s: page does not say %q", c.lang, w)
				}
			}
			if !strings.Contains(p.body, `data-test="chart-previous"`) || !strings.Contains(p.body, `aria-current="page">`) {
				t.Errorf("%s: no previous period line or no report tabs", c.lang)
			}
		}
		b.post("/lang", url.Values{"lang": {"en"}, "back": {"/apps/" + b.appID}})
		p := b.get(path)

		// The breakdown: ios $130, web $80 less the $30 refund, no channel $40.
		groups := regexp.MustCompile(`(?s)<tr data-test="group">(.*?)</tr>`).FindAllStringSubmatch(p.body, -1)
		var got []string
		for _, g := range groups {
			got = append(got, squeeze(page{body: g[1]}.text()))
		}
		want := []string{
			"ios $130.00 $0.00 $130.00 2 $65.00 2 1 1 0.0%",
			"web $80.00 $30.00 $50.00 2 $40.00 2 1 1 0.0%",
			"(no value) $40.00 $0.00 $40.00 1 $40.00 1 0 1 0.0%",
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("groups\n got %q\nwant %q", got, want)
		}

		// The same figures as the JSON API's.
		var api struct {
			Totals   map[string]any `json:"totals"`
			Previous struct {
				Totals map[string]any `json:"totals"`
			} `json:"previous"`
			Series []map[string]any `json:"series"`
		}
		s.apiJSON(b.key, "/api/v1/reports/sales?"+reportPeriod+"&compare=previous_period", &api)
		for _, f := range []struct{ id, key string }{
			{"revenue", "revenue"}, {"refunds", "refunds"}, {"net_revenue", "net_revenue"}, {"average_order_value", "average_order_value"},
			{"orders", "orders"}, {"customers", "customers"}, {"new_customers", "new_customers"}, {"returning_customers", "returning_customers"},
		} {
			var want, prev string
			switch v := api.Totals[f.key].(type) {
			case string:
				want, prev = apiMoney(v), apiMoney(api.Previous.Totals[f.key].(string))
			case float64:
				want, prev = fmt.Sprint(v), fmt.Sprint(api.Previous.Totals[f.key].(float64))
			}
			card := kpi(t, p, f.id)
			if !strings.Contains(card, " "+want+" ") || !strings.Contains(card, "Previous period: "+prev) {
				t.Errorf("%s card %q, API %s (previous %s)", f.id, card, want, prev)
			}
		}
		if len(api.Series) != 10 {
			t.Fatalf("API series: %d buckets", len(api.Series))
		}
		for _, bk := range api.Series {
			row := rowText(t, p, "bucket-"+bk["period_start"].(string))
			if !strings.Contains(row, " "+apiMoney(bk["net_revenue"].(string))+" ") {
				t.Errorf("%s: row %q, API net %s", bk["period_start"], row, bk["net_revenue"])
			}
		}
	})
}

func TestSalesReportIntervalsAndComparison(t *testing.T) {
	t.Parallel()
	s := newInsightsSite(t, storetest.Open(t, store.SQLite))
	b := s.registerInZone("sales-weeks@example.com", "Europe/Moscow")
	reportShop(t, s, b.key)
	base := "/apps/" + b.appID + "/reports?"

	// By week, the weeks cut at the period's ends, with the previous
	// period's weeks beside them by position.
	p := b.get(base + reportPeriod + "&interval=week")
	for id, want := range map[string]string{
		"bucket-2026-11-11": "Nov 11, 2026 – Nov 15, 2026 $90.00 $30.00 $60.00 $0.00 2 $45.00 2 0 2",
		"bucket-2026-11-16": "Nov 16, 2026 – Nov 20, 2026 $160.00 $0.00 $160.00 $120.00 3 $53.33 3 2 1",
	} {
		if got := rowText(t, p, id); got != want {
			t.Errorf("%s\n got %q\nwant %q", id, got, want)
		}
	}
	if !strings.Contains(p.body, `<option value="week" selected>`) {
		t.Errorf("interval not selected in the picker")
	}

	// Without the comparison: figures only, no line.
	p = b.get(base + reportPeriod + "&compare=none")
	if card := kpi(t, p, "net_revenue"); card != "Net revenue $220.00 Revenue less the refunds made in the period" {
		t.Errorf("card without comparison: %q", card)
	}
	if strings.Contains(p.body, `data-test="chart-previous"`) || strings.Contains(p.body, `id="f-compare" type="checkbox" name="compare" value="previous_period" checked`) {
		t.Errorf("comparison shown though switched off")
	}
	// The form sends both of the switch's fields when it is on.
	p = b.get(base + reportPeriod + "&compare=none&compare=previous_period")
	if !strings.Contains(p.body, `data-test="chart-previous"`) {
		t.Errorf("comparison not shown though switched on")
	}

	// A preset is a period ending today; a long one is charted by week.
	p = b.get(base + "period=365")
	if !strings.Contains(p.body, `<option value="week" selected>`) || !strings.Contains(p.text(), "Nov 21, 2025 – Nov 20, 2026") {
		t.Errorf("last 365 days: %s", section(t, p, "period", "</p>"))
	}
	p = b.get(base)
	if !strings.Contains(p.text(), "Oct 22, 2026 – Nov 20, 2026") || !strings.Contains(p.body, `aria-current="true">Last 30 days`) {
		t.Errorf("default period: %s", section(t, p, "period", "</p>"))
	}
}

// csvLink follows a page's CSV link.
func csvLink(t *testing.T, b *browser, p page) page {
	t.Helper()
	m := regexp.MustCompile(`href="([^"]+)" download data-test="csv"`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("%s: no CSV link", p.url)
	}
	return b.get(strings.ReplaceAll(m[1], "&amp;", "&"))
}

// checkCSV compares a page's download with the API's CSV for the same
// request, byte for byte.
func checkCSV(t *testing.T, s *site, b *browser, pagePath, apiPath string) {
	t.Helper()
	got := csvLink(t, b, b.get(pagePath))
	st, want, header := s.apiGet(b.key, apiPath)
	if st != http.StatusOK || got.status != http.StatusOK {
		t.Fatalf("%s: page CSV %d, API %d %s", pagePath, got.status, st, want)
	}
	if got.body != want || got.header.Get("Content-Disposition") != header.Get("Content-Disposition") ||
		got.header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Errorf("%s: CSV\n%s\nwant\n%s (%v)", pagePath, got.body, want, got.header)
	}
	if strings.Count(want, "\n") < 2 {
		t.Errorf("%s: CSV has no rows: %s", apiPath, want)
	}
}

func TestSalesCSVMatchesAPI(t *testing.T) {
	t.Parallel()
	s := newInsightsSite(t, storetest.Open(t, store.SQLite))
	b := s.registerInZone("sales-csv@example.com", "Europe/Moscow")
	reportShop(t, s, b.key)
	app := "/apps/" + b.appID + "/reports"
	for _, c := range []struct{ page, api string }{
		{"?" + reportPeriod, "?" + reportPeriod + "&interval=day&compare=previous_period&format=csv"},
		{"?" + reportPeriod + "&interval=week&compare=none", "?" + reportPeriod + "&interval=week&format=csv"},
		{"?from=2026-09-01&to=2026-11-20&interval=month", "?from=2026-09-01&to=2026-11-20&interval=month&format=csv"},
		{"?" + reportPeriod + "&group_by=purchase.channel", "?" + reportPeriod + "&group_by=purchase.channel&format=csv"},
		{"?" + reportPeriod + "&group_by=customer.country", "?" + reportPeriod + "&group_by=customer.country&format=csv"},
		{"", "?format=csv"},
	} {
		checkCSV(t, s, b, app+c.page, "/api/v1/reports/sales"+c.api)
	}
}

func TestReportsBadInput(t *testing.T) {
	t.Parallel()
	s := newInsightsSite(t, storetest.Open(t, store.SQLite))
	b := s.registerInZone("reports-bad@example.com", "UTC")
	for _, c := range []struct{ path, query, field, want string }{
		{"/reports", "?from=2026-13-01&to=2026-11-10", "from", "Enter a date as YYYY-MM-DD"},
		{"/reports", "?from=2026-11-10&to=yesterday", "to", "Enter a date as YYYY-MM-DD"},
		{"/reports", "?from=2026-11-10&to=2026-11-01", "to", "Must not be earlier than the start date."},
		{"/reports", "?from=2000-01-01&to=2026-11-01", "from", "at most 3,660 days"},
		{"/reports", "?interval=hour", "interval", "Choose day, week or month."},
		{"/reports", "?group_by=country", "group_by", "Enter customer.<name> or purchase.<name>"},
		{"/reports", "?group_by=purchase.", "group_by", "Enter customer.<name> or purchase.<name>"},
		{"/reports/sales.csv", "?interval=year", "interval", "Choose day, week or month."},
		{"/reports/products", "?from=2026-11-10&to=2026-11-01", "to", "Must not be earlier than the start date."},
		{"/reports/products", "?group_by=order.channel", "group_by", "Enter customer.<name> or purchase.<name>"},
		{"/reports/products.csv", "?from=11/01/2026", "from", "Enter a date as YYYY-MM-DD"},
		{"/reports/customers", "?limit=0", "limit", "Choose a number from 1 to 500."},
		{"/reports/customers", "?to=2026-02-30", "to", "Enter a date as YYYY-MM-DD"},
		{"/reports/customers.csv", "?limit=many", "limit", "Choose a number from 1 to 500."},
	} {
		p := b.get("/apps/" + b.appID + c.path + c.query)
		m := regexp.MustCompile(`<p class="error" id="e-` + c.field + `">([^<]*)</p>`).FindStringSubmatch(p.body)
		if p.status != http.StatusUnprocessableEntity || m == nil || !strings.Contains(htmlText(m[1]), c.want) {
			t.Errorf("%s%s: status %d, error %v, want %q next to %s", c.path, c.query, p.status, m, c.want, c.field)
		}
		if !strings.Contains(p.text(), "These settings cannot be used; below are the last 30 days instead.") {
			t.Errorf("%s%s: no notice of the default period", c.path, c.query)
		}
	}
	// The invalid value stays in its field, to be corrected.
	p := b.get("/apps/" + b.appID + "/reports?from=2026-11-10&to=2026-11-01&group_by=purchase.channel")
	if !strings.Contains(p.body, `value="2026-11-01"`) || !strings.Contains(p.body, `value="purchase.channel"`) {
		t.Errorf("typed values not shown again")
	}
	b.post("/lang", url.Values{"lang": {"ru"}, "back": {"/apps/" + b.appID}})
	p = b.get("/apps/" + b.appID + "/reports?from=2026-11-10&to=2026-11-01")
	if text := p.text(); !strings.Contains(text, "Дата окончания не может быть раньше даты начала.") ||
		!strings.Contains(text, "С этими параметрами отчёт построить нельзя; ниже — последние 30 дней.") {
		t.Errorf("Russian errors: %s", squeeze(text))
	}
}

// htmlText decodes a fragment's entities.
func htmlText(s string) string { return page{body: s}.text() }

func TestReportsOfAnotherAccountAreNotFound(t *testing.T) {
	t.Parallel()
	s := newInsightsSite(t, storetest.Open(t, store.SQLite))
	owner := s.registerInZone("reports-owner@example.com", "UTC")
	other := s.registerInZone("reports-other@example.com", "UTC")
	for _, path := range []string{"/reports", "/reports/sales.csv", "/reports/products", "/reports/products.csv",
		"/reports/customers", "/reports/customers.csv"} {
		p := other.get("/apps/" + owner.appID + path)
		if p.status != http.StatusNotFound || strings.Contains(p.header.Get("Content-Type"), "text/csv") {
			t.Errorf("%s of another account: status %d", path, p.status)
		}
		if p := owner.get("/apps/" + owner.appID + path); p.status != http.StatusOK {
			t.Errorf("%s of the owner: status %d", path, p.status)
		}
	}
}
