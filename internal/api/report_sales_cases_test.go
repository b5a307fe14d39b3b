package api_test

import (
	"net/http"
	"reflect"
	"testing"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

// The hand-made shop of the sales report tests, in Moscow (UTC+3): ann's
// first order is at 23:30 UTC on 9 November, which is 10 November there;
// bob bought in the previous period, and his 2 November order is refunded
// on 12 November.
func newMoscowShop(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	f := newFixture(t, db)
	if r := f.a.do("PATCH", "/api/v1/apps/"+f.a.appID, obj{"timezone": "Europe/Moscow"}); r.status != 200 {
		t.Fatalf("time zone: %d %s", r.status, r.body)
	}
	p3 := purchaseEv("p3", "bob", "30.00", "2026-11-02T12:00:00Z", obj{"product": "Pro"})
	loadBatch(t, f.h, f.a.key,
		customerEv("ann", obj{"name": "Ann", "email": "ann@example.com", "attributes": obj{"country": "RU"}}),
		customerEv("bob", obj{"name": "Bob", "email": "bob@example.com", "attributes": obj{"country": "DE"}}),
		purchaseEv("p1", "ann", "10.00", "2026-11-09T23:30:00Z", obj{"product": "Book", "attributes": obj{"channel": "web"}}),
		purchaseEv("p2", "ann", "20.00", "2026-11-10T10:00:00Z", obj{"product": "Book"}),
		p3, purchaseEv("p4", "bob", "5.00", "2026-10-30T12:00:00Z", obj{"product": "Pen"}),
		refundEv(p3, "2026-11-12T09:00:00Z"),
	)
	loadBatch(t, f.h, f.b.key, purchaseEv("x1", "ann", "999.00", "2026-11-10T10:00:00Z", obj{"product": "Book"}))
	return f
}

func totals(revenue, refunds, net string, orders, refundsCount float64, aov any,
	customers, newC, returning float64, repeat any) map[string]any {
	return map[string]any{"revenue": revenue, "refunds": refunds, "net_revenue": net, "orders": orders,
		"refunds_count": refundsCount, "average_order_value": aov, "customers": customers, "new_customers": newC,
		"returning_customers": returning, "repeat_purchase_rate": repeat}
}

var zeroTotals = totals("0.00", "0.00", "0.00", 0, 0, nil, 0, 0, 0, nil)

func TestSalesReportHandCases(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newMoscowShop(t, db)
		get := func(path string) *response {
			t.Helper()
			r := keyReq(f.h, f.a.key, "GET", path, nil)
			if r.status != 200 {
				t.Fatalf("GET %s: %d %s", path, r.status, r.body)
			}
			return r
		}
		r := get("/api/v1/reports/sales?from=2026-11-02&to=2026-11-15&interval=week&compare=previous_period")
		sameTotals(t, "totals", r.json.(map[string]any)["totals"], totals("60.00", "30.00", "30.00", 3, 1, "20.00", 2, 1, 1, 50.0))
		week1, _ := r.field("series.0")
		week2, _ := r.field("series.1")
		sameTotals(t, "week 1", week1, totals("30.00", "0.00", "30.00", 1, 0, "30.00", 1, 0, 1, 0.0))
		sameTotals(t, "week 2", week2, totals("30.00", "30.00", "0.00", 2, 1, "15.00", 1, 1, 0, 100.0))
		prev, _ := r.field("previous.totals")
		sameTotals(t, "previous", prev, totals("5.00", "0.00", "5.00", 1, 0, "5.00", 1, 1, 0, 0.0))
		if r.str("previous.from") != "2026-10-19" || r.str("previous.to") != "2026-11-01" || r.str("currency") != "USD" {
			t.Errorf("previous period or currency: %s", r.body)
		}
		change, _ := r.field("change")
		wantChange := map[string]any{
			"revenue": map[string]any{"abs": "55.00", "pct": 1100.0}, "refunds": map[string]any{"abs": "30.00", "pct": nil},
			"customers": map[string]any{"abs": 1.0, "pct": 100.0}, "new_customers": map[string]any{"abs": 0.0, "pct": 0.0},
			"average_order_value":  map[string]any{"abs": "15.00", "pct": 300.0},
			"repeat_purchase_rate": map[string]any{"abs": 50.0, "pct": nil},
		}
		for k, w := range wantChange {
			if g := change.(map[string]any)[k]; !reflect.DeepEqual(g, w) {
				t.Errorf("change %s = %v, want %v", k, g, w)
			}
		}

		// 23:30 UTC on the 9th is the 10th in Moscow.
		r = get("/api/v1/reports/sales?from=2026-11-09&to=2026-11-10&interval=day")
		d9, _ := r.field("series.0")
		d10, _ := r.field("series.1")
		sameTotals(t, "9 Nov", d9, zeroTotals)
		sameTotals(t, "10 Nov", d10, totals("30.00", "0.00", "30.00", 2, 0, "15.00", 1, 1, 0, 100.0))

		// Buckets are cut at the period's ends.
		r = get("/api/v1/reports/sales?from=2026-10-29&to=2026-11-03&interval=week")
		if s, _ := r.field("series"); len(s.([]any)) != 2 || r.str("series.0.period_start") != "2026-10-29" ||
			r.str("series.0.period_end") != "2026-11-01" || r.str("series.1.period_start") != "2026-11-02" ||
			r.str("series.1.period_end") != "2026-11-03" {
			t.Errorf("week buckets: %s", r.body)
		}
		r = get("/api/v1/reports/sales?from=2026-10-20&to=2026-11-15&interval=month")
		m1, _ := r.field("series.0")
		m2, _ := r.field("series.1")
		if r.str("series.0.period_end") != "2026-10-31" || r.str("series.1.period_start") != "2026-11-01" {
			t.Errorf("month buckets: %s", r.body)
		}
		sameTotals(t, "October", m1, totals("5.00", "0.00", "5.00", 1, 0, "5.00", 1, 1, 0, 0.0))
		sameTotals(t, "November", m2, totals("60.00", "30.00", "30.00", 3, 1, "20.00", 2, 1, 1, 50.0))

		groups := func(path string) map[string]any {
			t.Helper()
			out := map[string]any{}
			gs, _ := get(path).field("groups")
			for _, g := range gs.([]any) {
				out[g.(map[string]any)["value"].(string)] = g
			}
			return out
		}
		g := groups("/api/v1/reports/sales?from=2026-11-02&to=2026-11-15&group_by=purchase.channel")
		sameTotals(t, "channel web", g["web"], totals("10.00", "0.00", "10.00", 1, 0, "10.00", 1, 1, 0, 0.0))
		sameTotals(t, "channel none", g["(none)"], totals("50.00", "30.00", "20.00", 2, 1, "25.00", 2, 1, 1, 0.0))
		g = groups("/api/v1/reports/sales?from=2026-11-02&to=2026-11-15&group_by=customer.country")
		sameTotals(t, "country RU", g["RU"], totals("30.00", "0.00", "30.00", 2, 0, "15.00", 1, 1, 0, 100.0))
		sameTotals(t, "country DE", g["DE"], totals("30.00", "30.00", "0.00", 1, 1, "30.00", 1, 0, 1, 0.0))

		r = get("/api/v1/reports/products?from=2026-11-02&to=2026-11-15&group_by=customer.country")
		want := []map[string]any{
			{"product": "Book", "revenue": "30.00", "refunds": "0.00", "units": 1.0 * 2, "orders": 2.0, "customers": 1.0,
				"share_of_revenue": 50.0, "previous_revenue": "0.00"},
			{"product": "Pro", "revenue": "30.00", "refunds": "30.00", "units": 1.0, "orders": 1.0, "customers": 1.0,
				"share_of_revenue": 50.0, "previous_revenue": "0.00"},
			{"product": "Pen", "revenue": "0.00", "refunds": "0.00", "units": 0.0, "orders": 0.0, "customers": 0.0,
				"share_of_revenue": 0.0, "previous_revenue": "5.00"},
		}
		ps, _ := r.field("products")
		for i, w := range want {
			got := ps.([]any)[i].(map[string]any)
			for k, v := range w {
				if !reflect.DeepEqual(got[k], v) {
					t.Errorf("product %d %s = %v, want %v", i, k, got[k], v)
				}
			}
		}
		if g := r.str("products.0.groups.0.value"); g != "RU" {
			t.Errorf("Book by country: %s", r.body)
		}
		if c, _ := r.field("products.2.change.pct"); c != -100.0 {
			t.Errorf("Pen change = %v", c)
		}

		// An erased customer keeps counting, without personal data.
		if r := keyReq(f.h, f.a.key, "DELETE", "/api/v1/customers/bob", nil); r.status != http.StatusNoContent {
			t.Fatalf("erase: %d %s", r.status, r.body)
		}
		r = get("/api/v1/reports/customers?from=2026-10-01&to=2026-11-15")
		cs, _ := r.field("customers")
		if len(cs.([]any)) != 2 {
			t.Fatalf("top customers: %s", r.body)
		}
		bob := cs.([]any)[0].(map[string]any)
		if bob["id"] != nil || bob["name"] != nil || bob["email"] != nil || bob["erased"] != true || bob["revenue"] != "35.00" || bob["orders"] != 2.0 {
			t.Errorf("erased customer: %v", bob)
		}
		if ann := cs.([]any)[1].(map[string]any); ann["id"] != "ann" || ann["name"] != "Ann" || ann["revenue"] != "30.00" ||
			ann["last_purchase_at"] != "2026-11-10T10:00:00Z" {
			t.Errorf("ann: %v", ann)
		}
		r = get("/api/v1/reports/sales?from=2026-11-02&to=2026-11-15")
		sameTotals(t, "after erasure", r.json.(map[string]any)["totals"], totals("60.00", "30.00", "30.00", 3, 1, "20.00", 2, 1, 1, 50.0))
	})
}
