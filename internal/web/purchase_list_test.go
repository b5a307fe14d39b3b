package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

// setTimezone changes the app's time zone through the account API, with
// the browser's session.
func setTimezone(t *testing.T, b *browser, tz string) {
	t.Helper()
	req, err := http.NewRequest("PATCH", b.s.srv.URL+"/api/v1/apps/"+b.appID, strings.NewReader(`{"timezone":"`+tz+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", b.get("/apps/"+b.appID+"/purchases").csrf())
	resp, err := b.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("setting the time zone: status %d", resp.StatusCode)
	}
}

var purchaseIDRe = regexp.MustCompile(`<tr data-test="purchase-row">\s*<td><time[^>]*>[^<]*</time></td>\s*<td><code>([^<]*)</code>`)

func purchaseIDs(p page) []string {
	var out []string
	for _, m := range purchaseIDRe.FindAllStringSubmatch(p.body, -1) {
		out = append(out, m[1])
	}
	return out
}

// seedPurchases loads purchases around midnight in Moscow: p2 is made on
// November 20 in UTC but on the 21st in Moscow.
func seedPurchases(t *testing.T, s *site, b *browser) {
	t.Helper()
	sendOK(t, s, b.key, "/api/v1/customers", customerEv(annaID, "Anna Petrova", "anna@example.com", "2026-11-01T00:00:00Z"))
	p1 := purchaseEv("p1", annaID, "49.90", "2026-11-20T10:00:00Z")
	p1["items"] = []obj{{"name": "Pro plan", "quantity": 1, "price": "29.90"}, {"product_id": "sku-2", "quantity": 2, "price": "10.00"}}
	sendOK(t, s, b.key, "/api/v1/purchases", p1)
	p2 := purchaseEv("p2", ivanID, "1234.50", "2026-11-20T22:30:00Z")
	p2["product"] = "Team plan"
	sendOK(t, s, b.key, "/api/v1/purchases", p2)
	sendOK(t, s, b.key, "/api/v1/purchases", purchaseEv("p3", annaID, "5.00", "2026-11-22T09:00:00Z"))
	p4 := purchaseEv("p4", annaID, "7.00", "2026-11-19T09:00:00Z")
	sendOK(t, s, b.key, "/api/v1/purchases", p4)
	p4["status"] = "refunded"
	sendOK(t, s, b.key, "/api/v1/purchases", p4)
}

func TestPurchaseListFilters(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		b := s.register("Owner", "owner@example.com")
		seedPurchases(t, s, b)
		setTimezone(t, b, "Europe/Moscow")
		base := "/apps/" + b.appID + "/purchases"

		tests := []struct {
			query string
			want  []string
		}{
			{"", []string{"p3", "p2", "p1", "p4"}},
			{"?from=2026-11-21&to=2026-11-21", []string{"p2"}},
			{"?from=2026-11-20&to=2026-11-20", []string{"p1"}},
			{"?from=2026-11-20", []string{"p3", "p2", "p1"}},
			{"?to=2026-11-19", []string{"p4"}},
			{"?status=refunded", []string{"p4"}},
			{"?status=paid", []string{"p3", "p2", "p1"}},
			{"?status=", []string{"p3", "p2", "p1", "p4"}},
			{"?customer_id=" + url.QueryEscape(ivanID), []string{"p2"}},
			{"?customer_id=anna&status=paid&from=2026-11-21", []string{"p3"}},
		}
		for _, tt := range tests {
			p := b.get(base + tt.query)
			if p.status != http.StatusOK {
				t.Fatalf("%s: status %d", tt.query, p.status)
			}
			if got := purchaseIDs(p); !slices.Equal(got, tt.want) {
				t.Errorf("%s: %q, want %q", tt.query, got, tt.want)
			}
		}

		p := b.get(base + "?customer_id=nobody")
		if !strings.Contains(p.body, `data-test="purchases-no-match"`) {
			t.Errorf("no purchases for the filter, but no message: %s", p.text())
		}

		// The columns, in the app's time zone, in both languages.
		for _, tt := range []struct {
			lang  string
			texts []string
		}{
			{"en", []string{"Nov 21, 2026 01:30", "$1,234.50", "Team plan × 1", "Pro plan × 1", "sku-2 × 2", "$49.90",
				"Anna Petrova", ivanID, "Refunded", "Paid", "Europe/Moscow"}},
			{"ru", []string{"21 ноября 2026, 01:30", "1\u00a0234,50\u00a0$", "49,90\u00a0$", "Возвращена", "Оплачена"}},
		} {
			b.post("/lang", url.Values{"lang": {tt.lang}, "back": {base}})
			text := b.get(base).text()
			for _, want := range tt.texts {
				if !strings.Contains(text, want) {
					t.Errorf("%s: the list lacks %q", tt.lang, want)
				}
			}
		}
		p = b.get(base)
		for _, link := range []string{"/customers/anna", "/customers/" + url.PathEscape(ivanID)} {
			if !strings.Contains(p.body, `href="/apps/`+b.appID+link+`"`) {
				t.Errorf("no customer link %s", link)
			}
		}
	})
}

func TestPurchaseListBadInput(t *testing.T) {
	t.Parallel()
	s := newSite(t, storetest.Open(t, store.SQLite))
	b := s.register("Owner", "owner@example.com")
	base := "/apps/" + b.appID + "/purchases"
	tests := []struct {
		query, field, want string
	}{
		{"?from=yesterday", "from", "must be a date such as 2026-11-20"},
		{"?from=2026-11-21&to=2026-11-20", "to", "must not be before the start date"},
		{"?status=lost", "status", "choose one of the statuses"},
		{"?customer_id=" + strings.Repeat("c", 129), "customer_id", "must be at most 128 characters"},
	}
	for _, tt := range tests {
		p := b.get(base + tt.query)
		if p.status != http.StatusBadRequest || !errorNextTo(p, tt.field, tt.want) {
			t.Errorf("%s: status %d, no %q next to %s: %s", tt.query, p.status, tt.want, tt.field, p.text())
		}
	}
	if p := b.get(base + "?cursor=xyz"); p.status != http.StatusBadRequest || !strings.Contains(p.text(), "out of date") {
		t.Errorf("a bad cursor: %d", p.status)
	}
	p := b.get(base)
	if !strings.Contains(p.body, `data-test="purchases-empty"`) || !strings.Contains(p.body, `href="/apps/`+b.appID+`/connect"`) {
		t.Errorf("an app without purchases: %s", p.text())
	}
}

func TestPurchaseListPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		b := s.register("Owner", "owner@example.com")
		for i := range 53 {
			ev := purchaseEv(fmt.Sprintf("o%02d", i), "buyer", "1.00", fmt.Sprintf("2026-11-01T10:%02d:00Z", i))
			sendOK(t, s, b.key, "/api/v1/purchases", ev)
		}
		sendOK(t, s, b.key, "/api/v1/purchases", purchaseEv("x", "someone else", "1.00", "2026-11-01T12:00:00Z"))

		p := b.get("/apps/" + b.appID + "/purchases?customer_id=buyer&status=paid")
		first := purchaseIDs(p)
		if len(first) != 50 || first[0] != "o52" || first[49] != "o03" {
			t.Fatalf("first page: %d rows %q…", len(first), first[:min(3, len(first))])
		}
		next := pageLink(t, p, "next-page")
		u, _ := url.Parse(next)
		if q := u.Query(); q.Get("customer_id") != "buyer" || q.Get("status") != "paid" || q.Get("cursor") == "" {
			t.Errorf("next page link %q does not keep the filters", next)
		}
		p = b.get(next)
		if got := purchaseIDs(p); !slices.Equal(got, []string{"o02", "o01", "o00"}) {
			t.Errorf("second page: %q", got)
		}
		if got := pageLink(t, p, "first-page"); got != "/apps/"+b.appID+"/purchases?customer_id=buyer&status=paid" {
			t.Errorf("first page link %q", got)
		}
	})
}
