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

// The figures below are reportShop's, Nov 11 to 20 against Nov 1 to 10.
func TestProductsReportFigures(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInsightsSite(t, db)
		b := s.registerInZone("products@example.com", "Europe/Moscow")
		reportShop(t, s, b.key)
		path := "/apps/" + b.appID + "/reports/products?" + reportPeriod
		for _, c := range []struct {
			lang  string
			rows  map[string]string
			texts []string
		}{
			{"en", map[string]string{
				"product-teapot": "Teapot teapot ware Forecast $120.00 48.0% 2 2 2 $0.00 $0.00 Increase on the previous period: ▲ new",
				"product-cup":    "Cup cup ware Forecast $70.00 28.0% 2 2 2 $30.00 $20.00 Increase on the previous period: ▲ +$50.00 (+250.0%)",
				"product-tea":    "Tea tea food Forecast $60.00 24.0% 3 2 1 $0.00 $100.00 Decrease on the previous period: ▼ −$40.00 (−40.0%)",
			}, []string{"Products by revenue, $250.00 in total", "Nov 11, 2026 – Nov 20, 2026, compared with Nov 1, 2026 – Nov 10, 2026"}},
			{"ru", map[string]string{
				"product-cup": "Cup cup ware Прогноз 70,00" + nbsp + "$ 28,0" + nbsp + "% 2 2 2 30,00" + nbsp + "$ 20,00" + nbsp +
					"$ Рост по сравнению с предыдущим периодом: ▲ +50,00" + nbsp + "$ (+250,0" + nbsp + "%)",
			}, []string{"Товары по выручке, всего 250,00" + nbsp + "$", "11 ноября 2026 – 20 ноября 2026"}},
		} {
			b.post("/lang", url.Values{"lang": {c.lang}, "back": {"/apps/" + b.appID}})
			p := b.get(path)
			if p.status != http.StatusOK {
				t.Fatalf("%s: status %d", c.lang, p.status)
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
		}
		b.post("/lang", url.Values{"lang": {"en"}, "back": {"/apps/" + b.appID}})
		p := b.get(path)
		// Products in order of revenue, each with a bar as long as its share.
		order := regexp.MustCompile(`data-test="product-([a-z]+)"`).FindAllStringSubmatch(p.body, -1)
		if len(order) != 3 || order[0][1] != "teapot" || order[1][1] != "cup" || order[2][1] != "tea" {
			t.Errorf("product order: %v", order)
		}
		// Each product links to the forecast of its orders.
		if !strings.Contains(p.body, `href="/apps/`+b.appID+`/forecast?metric=orders&amp;product=teapot" data-test="forecast-link"`) {
			t.Errorf("no link to the teapot's forecast")
		}
		for _, w := range []string{"48", "28", "24"} {
			if !strings.Contains(p.body, `<rect width="`+w+`" height="8" fill="#2f6fde"/>`) {
				t.Errorf("no share bar of %s", w)
			}
		}

		// The same figures as the JSON API's.
		var api struct {
			Products []struct {
				Product, Revenue         string
				Units, Orders, Customers int64
				ShareOfRevenue           *float64 `json:"share_of_revenue"`
				PreviousRevenue          string   `json:"previous_revenue"`
			} `json:"products"`
		}
		s.apiJSON(b.key, "/api/v1/reports/products?"+reportPeriod, &api)
		if len(api.Products) != 3 {
			t.Fatalf("API products: %+v", api.Products)
		}
		for _, a := range api.Products {
			row := rowText(t, p, "product-"+a.Product)
			want := fmt.Sprintf("%s %.1f%% %d %d %d", apiMoney(a.Revenue), *a.ShareOfRevenue, a.Units, a.Orders, a.Customers)
			if !strings.Contains(row, want) || !strings.Contains(row, apiMoney(a.PreviousRevenue)) {
				t.Errorf("%s: row %q, API %q", a.Product, row, want)
			}
		}

		// A breakdown by the purchases' channel, per product.
		p = b.get(path + "&group_by=purchase.channel")
		var got []string
		for _, g := range regexp.MustCompile(`(?s)<tr data-test="group">(.*?)</tr>`).FindAllStringSubmatch(p.body, -1) {
			got = append(got, squeeze(page{body: g[1]}.text()))
		}
		want := []string{"Teapot ios $70.00 1 1 1", "Teapot web $50.00 1 1 1", "Cup ios $40.00 1 1 1",
			"Cup web $30.00 1 1 1", "Tea (no value) $40.00 2 1 1", "Tea ios $20.00 1 1 1"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("groups\n got %q\nwant %q", got, want)
		}
	})
}

func TestProductsCSVMatchesAPI(t *testing.T) {
	t.Parallel()
	s := newInsightsSite(t, storetest.Open(t, store.SQLite))
	b := s.registerInZone("products-csv@example.com", "Europe/Moscow")
	reportShop(t, s, b.key)
	app := "/apps/" + b.appID + "/reports/products"
	for _, c := range []struct{ page, api string }{
		{"?" + reportPeriod, "?" + reportPeriod + "&format=csv"},
		{"?" + reportPeriod + "&group_by=purchase.channel", "?" + reportPeriod + "&group_by=purchase.channel&format=csv"},
		{"?period=7", "?from=2026-11-14&to=2026-11-20&format=csv"},
		{"", "?format=csv"},
	} {
		checkCSV(t, s, b, app+c.page, "/api/v1/reports/products"+c.api)
	}
	// Nothing sold: an empty state, not an empty table.
	other := s.registerInZone("products-empty@example.com", "UTC")
	if p := other.get("/apps/" + other.appID + "/reports/products"); !strings.Contains(p.body, `data-test="products-empty"`) {
		t.Errorf("no empty state")
	}
}
