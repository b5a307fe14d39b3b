package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

var memberRe = regexp.MustCompile(`data-test="member-([^"]+)"`)

// members are the ids of an audience page's rows, in order.
func members(p page) []string {
	var out []string
	for _, m := range memberRe.FindAllStringSubmatch(p.body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// TestAudiencePageOfCustomers: the win-back audience, a page at a time,
// in the API's order, each customer linked to their page; the download
// is the API's CSV.
func TestAudiencePageOfCustomers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInsightsSite(t, db)
		b := s.registerInZone("audience@example.com", "UTC")
		sendBuys(t, s, b.key, riskShopBuys())
		sendOK(t, s, b.key, "/api/v1/customers", obj{"id": "lapsed_0", "name": "Lena Lapsed", "email": "lena@example.com"})
		var api struct {
			Count int `json:"count"`
			Data  []struct {
				CustomerID string `json:"customer_id"`
			} `json:"data"`
		}
		s.apiJSON(b.key, "/api/v1/insights/recommendations/win_back/audience?limit=500", &api)
		var want []string
		for _, c := range api.Data {
			want = append(want, c.CustomerID)
		}
		if api.Count != 18 || len(want) != 18 {
			t.Fatalf("the API's audience: %d of %d", len(want), api.Count)
		}

		base := assistantURL(b) + "/recommendations/win_back/audience"
		var got []string
		next := base + "?limit=5"
		for pages := 0; next != ""; pages++ {
			if pages > 5 {
				t.Fatal("the pages do not end")
			}
			p := b.get(next)
			if p.status != http.StatusOK {
				t.Fatalf("%s: status %d", next, p.status)
			}
			if got := field(t, p.body, "audience-count"); got != "18 customers" {
				t.Errorf("count %q, want 18 customers", got)
			}
			got = append(got, members(p)...)
			next = ""
			if m := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(p.body); m != nil {
				next = html.UnescapeString(m[1])
			}
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("paged members %v, the API's %v", got, want)
		}

		p := b.get(base)
		if !strings.Contains(p.body, `href="/apps/`+b.appID+`/customers/lapsed_0" data-test="customer-link">Lena Lapsed</a>`) {
			t.Error("no link to Lena's page")
		}
		if row := rowText(t, p, "member-lapsed_0"); !strings.Contains(row, "lena@example.com") || !strings.Contains(row, "$2,550.00") {
			t.Errorf("Lena's row %q lacks her email or her 17 orders of $150.00", row)
		}
		if field(t, p.body, "audience-rec") != "Win back 18 valuable customers who are slipping away" {
			t.Errorf("the page does not name the recommendation")
		}

		bad := b.get(base + "?cursor=nonsense")
		if bad.status != http.StatusBadRequest || !strings.Contains(bad.text(), "This page link is out of date") ||
			len(members(bad)) != 18 {
			t.Errorf("bad cursor: status %d, %d rows", bad.status, len(members(bad)))
		}

		st, apiCSV, _ := s.apiGet(b.key, "/api/v1/insights/recommendations/win_back/audience?format=csv")
		csv := b.get(base + "?format=csv")
		if st != http.StatusOK || csv.status != http.StatusOK || csv.body != apiCSV {
			t.Errorf("the page's CSV (%d) differs from the API's (%d):\n%s\n---\n%s", csv.status, st, csv.body, apiCSV)
		}
		if cd := csv.header.Get("Content-Disposition"); cd != `attachment; filename=audience-win_back.csv` {
			t.Errorf("Content-Disposition %q", cd)
		}
		if lines := strings.Count(csv.body, "\n"); lines != 19 {
			t.Errorf("the CSV has %d lines, want a header and 18 customers", lines)
		}

		b.post("/lang", url.Values{"lang": {"ru"}, "back": {base}})
		if got := field(t, b.get(base).body, "audience-count"); got != "18 клиентов" {
			t.Errorf("ru: count %q", got)
		}
	})
}

// TestAudiencePageOfProducts: a bundle is aimed at its two products; once
// done, its card sets the cup's orders since against as many days before.
func TestAudiencePageOfProducts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clk := &clock{now: insightsNow}
		s := newAssistantSite(t, db, clk, nil)
		b := s.registerInZone("bundle@example.com", "UTC")
		pairShop(t, s, b.key)
		var api apiRecList
		s.apiJSON(b.key, "/api/v1/insights/recommendations", &api)
		id := ""
		for _, r := range api.Recommendations {
			if r.Kind == "bundle" {
				id = r.ID
			}
		}
		if id == "" {
			t.Fatalf("no bundle among %+v", api.Recommendations)
		}
		base := assistantURL(b) + "/recommendations/" + id + "/audience"
		p := b.get(base)
		if p.status != http.StatusOK || strings.Join(members(p), ",") != "tea,cup" {
			t.Fatalf("status %d, members %v, want tea,cup", p.status, members(p))
		}
		if got := field(t, p.body, "audience-count"); got != "2 products" {
			t.Errorf("count %q", got)
		}
		for _, want := range []string{"Green tea", "Tea cup", `href="/apps/` + b.appID + `/forecast?product=cup"`} {
			if !strings.Contains(p.body, want) {
				t.Errorf("the page lacks %s", want)
			}
		}
		st, apiCSV, _ := s.apiGet(b.key, "/api/v1/insights/recommendations/"+id+"/audience?format=csv")
		if csv := b.get(base + "?format=csv"); st != http.StatusOK || csv.body != apiCSV ||
			csv.body != "product,name\ntea,Green tea\ncup,Tea cup\n" {
			t.Errorf("CSV %q, the API's %q", csv.body, apiCSV)
		}
		c := card(t, b.get(assistantURL(b)), id)
		if got := field(t, c, "rec-audience"); got != "2 products" {
			t.Errorf("the bundle's card counts %q", got)
		}
		ev := squeeze(section(t, page{body: c}, "rec-evidence", "</table>"))
		// 25 of the 30 orders with tea have the cup, a quarter of all 100
		// orders do: a lift of (25/30)/(25/100) = 3.33.
		for _, want := range []string{"Products Green tea + Tea cup", "Orders with both 25", "Share of all orders with both 25.0%",
			"Orders with Green tea that also have Tea cup 83.3%", "3.3×", "p < 0.001",
			"Orders with the first but not the second, last 90 days 5", "Product revenue per order $8.00"} {
			if !strings.Contains(ev, want) {
				t.Errorf("the bundle's evidence %q lacks %q", ev, want)
			}
		}

		// Marked done at 10:00 on Nov 20; a cup sold at noon. A day later
		// the two days since the mark have one order of it, the two days
		// before none.
		b.post(assistantURL(b)+"/recommendations/"+id+"/status", url.Values{"status": {"done"}})
		clk.add(24 * time.Hour)
		cup := purchaseEv("cup_after", "h00", "8.00", "2026-11-20T12:00:00Z")
		cup["items"] = []obj{{"product_id": "cup", "name": "Tea cup", "quantity": 1, "price": "8.00"}}
		sendOK(t, s, b.key, "/api/v1/purchases", cup)
		p = b.get(assistantURL(b) + "?status=done")
		outcome := squeeze(section(t, page{body: card(t, p, id)}, "rec-outcome", "</dl>"))
		for _, want := range []string{"Since Nov 20, 2026 (1 day)", "Orders of the product, as many days before → since 0 → 1",
			"Its revenue, as many days before → since $0.00 → $8.00"} {
			if !strings.Contains(outcome, want) {
				t.Errorf("the bundle's outcome %q lacks %q", outcome, want)
			}
		}
	})
}
