package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

var teaserRe = regexp.MustCompile(`data-test="recs-panel-item" data-id="([^"]+)"`)

// TestDashboardRecommendations: the dashboard never waits for the models:
// before they have run it says the recommendations are being computed,
// after that it lists the top three new ones in the API's order.
func TestDashboardRecommendations(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInsightsSite(t, db)
		b := s.registerInZone("panel@example.com", "UTC")
		sendBuys(t, s, b.key, riskShopBuys())
		dash := "/apps/" + b.appID
		p := b.get(dash)
		if p.status != http.StatusOK || !strings.Contains(p.body, `data-state="computing"`) ||
			!strings.Contains(section(t, p, "recs-panel-computing", "</p>"), "Being computed") {
			t.Fatalf("the first view: status %d, panel %s", p.status, section(t, p, "recs-panel", "</section>"))
		}

		var api apiRecList
		s.apiJSON(b.key, "/api/v1/insights/recommendations?status=new", &api)
		tests := []struct {
			lang, title, first string
		}{
			{"en", "Recommended now", "Win back 18 valuable customers who are slipping away $155.88 expected ($0.00 to $324.80) over 90 days"},
			{"ru", "Рекомендуем сейчас", "Верните 18 ценных клиентов, которые перестают покупать ожидается 155,88\u00a0$ (от 0,00\u00a0$ до 324,80\u00a0$) за 90 дней"},
		}
		for _, tt := range tests {
			b.post("/lang", url.Values{"lang": {tt.lang}, "back": {dash}})
			p := b.get(dash)
			var ids []string
			for _, m := range teaserRe.FindAllStringSubmatch(p.body, -1) {
				ids = append(ids, html.UnescapeString(m[1]))
			}
			// The API's best new ones, one of a kind.
			var want []string
			kinds := map[string]bool{}
			for _, r := range api.Recommendations {
				if r.Status == "new" && !kinds[r.Kind] && len(want) < 3 {
					kinds[r.Kind] = true
					want = append(want, r.ID)
				}
			}
			if strings.Join(ids, ",") != strings.Join(want, ",") || len(ids) != 2 {
				t.Fatalf("%s: the panel lists %v, the API's top new ones are %v", tt.lang, ids, want)
			}
			panel := section(t, p, "recs-panel", "</section>")
			if !strings.HasPrefix(panel, tt.title) || !strings.Contains(panel, tt.first) {
				t.Errorf("%s: panel %q lacks %q", tt.lang, panel, tt.first)
			}
			if !strings.Contains(p.body, `href="/apps/`+b.appID+`/assistant#rec-win_back"`) {
				t.Errorf("%s: no link to the win-back card", tt.lang)
			}
		}

		b.get(assistantURL(b))
		b.post(assistantURL(b)+"/recommendations/win_back/status", url.Values{"status": {"done"}})
		p = b.get(dash)
		if m := teaserRe.FindAllStringSubmatch(p.body, -1); len(m) != 1 || m[0][1] != "second_purchase" {
			t.Errorf("after win_back is done the panel lists %v", m)
		}
	})
}

// TestCustomerNextProducts: a customer who bought only the green tea is
// offered the tea cup, which 25 of the tea's 30 buyers bought; a quarter
// of the 100 customers did, a lift of (25/30)/(25/100) = 3.33.
func TestCustomerNextProducts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInsightsSite(t, db)
		b := s.registerInZone("next@example.com", "UTC")
		pairShop(t, s, b.key)
		path := "/apps/" + b.appID + "/customers/a00"
		if p := b.get(path); !strings.Contains(section(t, p, "next-products", "</section>"), "Being computed") {
			t.Errorf("before the models ran: %s", section(t, p, "next-products", "</section>"))
		}
		var api apiRecList
		s.apiJSON(b.key, "/api/v1/insights/recommendations", &api)
		for _, tt := range []struct{ lang, row string }{
			{"en", "Tea cup Green tea 83.3% 3.3×"},
			{"ru", "Tea cup Green tea 83,3\u00a0% 3,3×"},
		} {
			b.post("/lang", url.Values{"lang": {tt.lang}, "back": {path}})
			p := b.get(path)
			if n := strings.Count(p.body, `data-test="next-product"`); n != 1 {
				t.Fatalf("%s: %d next products, want 1", tt.lang, n)
			}
			if got := rowText(t, p, "next-product"); got != tt.row {
				t.Errorf("%s: row %q, want %q", tt.lang, got, tt.row)
			}
			if !strings.Contains(p.body, `href="/apps/`+b.appID+`/forecast?product=cup"`) {
				t.Errorf("%s: the product does not link to its forecast", tt.lang)
			}
		}
		b.post("/lang", url.Values{"lang": {"en"}, "back": {path}})
		// p00 bought both; honey is bought with neither.
		p := b.get("/apps/" + b.appID + "/customers/p00")
		if !strings.Contains(p.body, `data-test="next-products" data-state="none"`) ||
			!strings.Contains(p.text(), "No suggestion") {
			t.Errorf("a customer with nothing to suggest: %s", section(t, p, "next-products", "</section>"))
		}
	})
}
