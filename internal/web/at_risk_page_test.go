package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"pulse/internal/i18n"
	"pulse/internal/money"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

// apiScores is the API's list of scored customers.
type apiScores struct {
	Model struct {
		Method string  `json:"method"`
		Spend  string  `json:"spend"`
		Reason *string `json:"reason"`
	} `json:"model"`
	Data []apiScore `json:"data"`
	Next *string    `json:"next_cursor"`
}

type apiScore struct {
	CustomerID        string   `json:"customer_id"`
	PAlive            *float64 `json:"p_alive"`
	PAlive30dAgo      *float64 `json:"p_alive_30d_ago"`
	ExpectedPurchases float64  `json:"expected_purchases"`
	ExpectedRevenue   string   `json:"expected_revenue"`
	CLV               string   `json:"clv"`
	Segment           string   `json:"segment"`
	AtRisk            bool     `json:"at_risk"`
	Revenue           string   `json:"revenue"`
}

// pct is a probability of the API as the English page writes it.
func pct(p *float64) string {
	if p == nil {
		return "—"
	}
	return i18n.Percent("en", *p)
}

// dollars is an API money string as the English page writes it.
func dollars(t *testing.T, s string) string {
	t.Helper()
	minor, err := money.Parse(s, 2)
	if err != nil {
		t.Fatalf("API money %q: %v", s, err)
	}
	return i18n.Money("en", minor, "USD")
}

var riskRowRe = regexp.MustCompile(`data-test="risk-([^"]+)"`)

// riskRows are the ids of the page's rows, in order.
func riskRows(p page) []string {
	var out []string
	for _, m := range riskRowRe.FindAllStringSubmatch(p.body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

func TestAtRiskPageListsTheLapsedBigSpenders(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInsightsSite(t, db)
		b := s.registerInZone("risk@example.com", "UTC")
		sendBuys(t, s, b.key, riskShopBuys())
		sendOK(t, s, b.key, "/api/v1/customers", obj{"id": "lapsed_0", "name": "Lena Lapsed"})

		var api apiScores
		s.apiJSON(b.key, "/api/v1/insights/customers?at_risk=true&limit=500", &api)
		if api.Model.Method != "bg_nbd" || api.Model.Spend != "gamma_gamma" {
			t.Fatalf("model %+v, want BG/NBD with Gamma-Gamma", api.Model)
		}
		p := b.get("/apps/" + b.appID + "/forecast/at-risk?limit=500")
		if p.status != http.StatusOK {
			t.Fatalf("status %d: %s", p.status, p.text())
		}
		rows := riskRows(p)
		if len(rows) != len(api.Data) {
			t.Fatalf("%d rows, the API lists %d", len(rows), len(api.Data))
		}
		listed := map[string]bool{}
		for i, c := range api.Data {
			listed[c.CustomerID] = true
			if rows[i] != c.CustomerID {
				t.Errorf("row %d is %s, the API's is %s", i, rows[i], c.CustomerID)
				continue
			}
			row := rowText(t, p, "risk-"+c.CustomerID)
			for _, want := range []string{pct(c.PAlive) + " " + pct(c.PAlive30dAgo), dollars(t, c.Revenue), dollars(t, c.CLV),
				i18n.Float("en", c.ExpectedPurchases, 2)} {
				if !strings.Contains(row, " "+want+" ") && !strings.HasSuffix(row, " "+want) {
					t.Errorf("%s: row %q does not show %q", c.CustomerID, row, want)
				}
			}
		}
		for i := range 8 {
			if id := "lapsed_" + string(rune('0'+i)); !listed[id] {
				t.Errorf("%s, who stopped buying 70 days ago, is not at risk", id)
			}
		}
		for _, id := range rows {
			if strings.HasPrefix(id, "steady_") {
				t.Errorf("%s, who still buys, is listed as at risk", id)
			}
		}
		text := squeeze(p.text())
		for _, w := range []string{"Lena Lapsed", "fell by at least 10 percentage points over the last 30 days, to below 80%",
			"BG/NBD for how likely and how often each customer buys, with Gamma-Gamma for how much they spend",
			"Scored as of Nov 20, 2026", "Loyal"} {
			if !strings.Contains(text, w) {
				t.Errorf("page does not say %q", w)
			}
		}
		if !strings.Contains(p.body, `href="/apps/`+b.appID+`/customers/lapsed_0" data-test="customer-link">Lena Lapsed</a>`) {
			t.Errorf("no link to lapsed_0's page")
		}

		// A page at a time, in the API's order, the filters kept.
		var got []string
		next := "/apps/" + b.appID + "/forecast/at-risk?limit=3"
		for pages := 0; next != ""; pages++ {
			if pages > len(api.Data) {
				t.Fatalf("the pages do not end")
			}
			p := b.get(next)
			got = append(got, riskRows(p)...)
			next = ""
			if m := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(p.body); m != nil {
				next = html.UnescapeString(m[1])
				if !strings.Contains(next, "limit=3") {
					t.Errorf("next link %s drops the limit", next)
				}
			}
		}
		if strings.Join(got, ",") != strings.Join(rows, ",") {
			t.Errorf("paged rows %v, want %v", got, rows)
		}
		if p := b.get("/apps/" + b.appID + "/forecast/at-risk?cursor=nonsense"); p.status != http.StatusBadRequest ||
			!strings.Contains(p.text(), "This page link is out of date") || len(riskRows(p)) == 0 {
			t.Errorf("bad cursor: status %d, %s", p.status, p.text())
		}

		b.post("/lang", url.Values{"lang": {"ru"}, "back": {"/apps/" + b.appID}})
		p = b.get("/apps/" + b.appID + "/forecast/at-risk")
		text = squeeze(p.text())
		for _, w := range []string{"Клиенты под угрозой ухода", "клиентов под угрозой ухода", "упал не меньше чем на 10 процентных пунктов",
			"Лояльные"} {
			if !strings.Contains(text, w) {
				t.Errorf("ru: page does not say %q", w)
			}
		}
	})
}

func TestCustomerPageOutlook(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInsightsSite(t, db)
		b := s.registerInZone("outlook@example.com", "UTC")
		sendBuys(t, s, b.key, riskShopBuys())
		sendOK(t, s, b.key, "/api/v1/customers", obj{"id": "browser", "name": "Just Looking"})
		path := "/apps/" + b.appID + "/customers/"

		// Nothing has asked for the scores yet: the page does not wait.
		p := b.get(path + "lapsed_0")
		if p.status != http.StatusOK || !strings.Contains(p.text(), "Being computed — refresh in a moment.") {
			t.Fatalf("before the scores: status %d: %s", p.status, section(t, p, "outlook", "</section>"))
		}
		var api apiScores
		s.apiJSON(b.key, "/api/v1/insights/customers?limit=500", &api)
		rows := map[string]apiScore{}
		for _, c := range api.Data {
			rows[c.CustomerID] = c
		}
		for _, id := range []string{"lapsed_0", "steady_3", "once_2"} {
			c, ok := rows[id]
			if !ok {
				t.Fatalf("the API does not list %s", id)
			}
			var detail struct {
				Expected90 *float64 `json:"expected_purchases_90d"`
			}
			s.apiJSON(b.key, "/api/v1/customers/"+id, &detail)
			if detail.Expected90 == nil {
				t.Fatalf("%s: the API gives no 90-day expectation", id)
			}
			p := b.get(path + id)
			want := map[string]string{"p_alive": pct(c.PAlive), "expected_90": i18n.Float("en", *detail.Expected90, 2),
				"expected": i18n.Float("en", c.ExpectedPurchases, 2), "revenue": dollars(t, c.ExpectedRevenue), "clv": dollars(t, c.CLV)}
			for k, w := range want {
				if got := section(t, p, "outlook-"+k, "</dd>"); got != w {
					t.Errorf("%s: %s is %q, the API's %q", id, k, got, w)
				}
			}
			if flagged := strings.Contains(p.body, `data-test="outlook-at-risk"`); flagged != c.AtRisk {
				t.Errorf("%s: at-risk flag %v, the API's %v", id, flagged, c.AtRisk)
			}
			if !strings.Contains(squeeze(p.text()), "Revenue and CLV look 365 days ahead; CLV discounts future revenue at 10.0% a year.") {
				t.Errorf("%s: no note on the horizon and discount", id)
			}
		}
		if p := b.get(path + "browser"); !strings.Contains(p.body, `data-test="outlook-none"`) ||
			!strings.Contains(p.text(), "There are no purchases to predict from yet.") {
			t.Errorf("a customer without purchases: %s", section(t, p, "outlook", "</section>"))
		}
		b.post("/lang", url.Values{"lang": {"ru"}, "back": {path + "lapsed_0"}})
		p = b.get(path + "lapsed_0")
		text := squeeze(p.text())
		for _, w := range []string{"Шанс, что клиент активен " + i18n.Percent("ru", *rows["lapsed_0"].PAlive),
			"Под угрозой ухода", "на 365 дней вперёд"} {
			if !strings.Contains(text, w) {
				t.Errorf("ru: page does not say %q", w)
			}
		}
	})
}
