package api_test

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"testing"
	"time"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

// TestInsightRoutesAccess: the insight routes need a full key, and a key
// only ever sees its own app's customers.
func TestInsightRoutesAccess(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newCRMShop(t, db)
		for _, rt := range []struct{ method, path string }{
			{"GET", "/api/v1/insights/forecast"},
			{"GET", "/api/v1/insights/customers"},
			{"POST", "/api/v1/insights/refresh"},
		} {
			for as, want := range map[string]int{"key:ingest": 403, "": 401, "key:revoked": 401} {
				r := s.run(t, apiCase{method: rt.method, path: rt.path, as: as, wantStatus: want})
				if want == 403 && r.str("type") != "urn:pulse:problem:scope" {
					t.Errorf("%s %s with an ingest key: %s", rt.method, rt.path, r.body)
				}
			}
		}
		r := s.run(t, apiCase{method: "GET", path: "/api/v1/insights/customers", as: "key:B", wantStatus: 200})
		var ids []string
		data, _ := r.field("data")
		for _, row := range data.([]any) {
			ids = append(ids, row.(map[string]any)["customer_id"].(string))
		}
		if !slices.Equal(ids, []string{"boris"}) {
			t.Errorf("B's scored customers = %v, want [boris]", ids)
		}
		s.run(t, apiCase{method: "POST", path: "/api/v1/insights/refresh", as: "key:A", wantStatus: 202,
			want: map[string]any{"status": "computing"}})
	})
}

// TestCustomerInsightsFallBackOnLittleData: seven customers cannot fit
// BG/NBD; the answer says so and scores them by the labelled heuristic,
// and a customer's page shows the same scores as the list.
func TestCustomerInsightsFallBackOnLittleData(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newCRMShop(t, db)
		r := s.run(t, apiCase{method: "GET", path: "/api/v1/insights/customers?limit=500", as: "key:A", wantStatus: 200,
			want: map[string]any{"model.method": "heuristic", "model.reason": "too_little_data", "model.bg_nbd": nil,
				"model.spend": "average_order_value", "currency": "USD", "horizon_days": float64(365),
				"discount_rate": 0.1, "as_of": "2026-11-20"}})
		rows := map[string]map[string]any{}
		data, _ := r.field("data")
		for _, row := range data.([]any) {
			m := row.(map[string]any)
			rows[m["customer_id"].(string)] = m
		}
		// Customers without a paid purchase are not scored: pct, under
		// and back have none.
		for _, id := range []string{pct, under, back} {
			if _, ok := rows[id]; ok {
				t.Errorf("%s has no purchase but is scored", id)
			}
		}
		a := rows[anna]
		if a == nil {
			t.Fatalf("anna not scored: %s", r.body)
		}
		// anna's paid purchases: o1 (49.90), o2 (100.00), o4 (10.10); o3
		// was refunded before today.
		if a["orders"] != float64(3) || a["revenue"] != "160.00" || a["last_purchase_at"] != "2026-11-15T18:00:00Z" {
			t.Errorf("anna's history = %v", a)
		}
		// By the heuristic: gap = (Nov 15 − Nov 2) / 2 purchases = 6.5 days,
		// 5 days since the last one < the gap, so p_alive = 1, and she buys
		// 365 / 6.5 = 56.15 times a year at her average order of 53.33.
		if a["p_alive"] != 1.0 {
			t.Errorf("anna p_alive = %v, want 1", a["p_alive"])
		}
		if e := a["expected_purchases"].(float64); math.Abs(e-365/6.5) > 1e-3 {
			t.Errorf("anna expected_purchases = %v, want %.4f", e, 365/6.5)
		}
		if got, want := a["expected_revenue"].(string), fmt.Sprintf("%.2f", 365/6.5*160.0/3); got != want {
			t.Errorf("anna expected_revenue = %s, want %s", got, want)
		}
		d := s.run(t, apiCase{method: "GET", path: custPath(anna), as: "key:A", wantStatus: 200})
		for _, f := range []string{"p_alive", "expected_purchases", "expected_revenue", "clv", "segment", "at_risk"} {
			got, _ := d.field(f)
			if got != a[f] {
				t.Errorf("customer page %s = %v, list says %v", f, got, a[f])
			}
		}
		if v, _ := d.field("insights.method"); v != "heuristic" {
			t.Errorf("customer insights.method = %v", v)
		}
		if e, _ := d.field("expected_purchases_90d"); math.Abs(e.(float64)-90/6.5) > 1e-3 {
			t.Errorf("expected_purchases_90d = %v, want %.4f", e, 90/6.5)
		}
		// A customer with no paid purchase has no scores.
		p := s.run(t, apiCase{method: "GET", path: custPath(pct), as: "key:A", wantStatus: 200,
			want: map[string]any{"p_alive": nil, "clv": nil, "segment": nil, "insights.method": "heuristic"}})
		_ = p
	})
}

// TestCustomerInsightsBadParameters: every bad parameter is a 422 naming
// its field.
func TestCustomerInsightsBadParameters(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newCRMShop(t, db)
		for q, field := range map[string]string{
			"horizon_days=0": "horizon_days", "horizon_days=1096": "horizon_days", "horizon_days=x": "horizon_days",
			"discount_rate=2": "discount_rate", "discount_rate=-0.1": "discount_rate", "discount_rate=NaN": "discount_rate",
			"segment=vip": "segment", "at_risk=yes": "at_risk", "sort=name": "sort", "as_of=2026-11-21": "as_of",
			"as_of=20261101": "as_of", "limit=0": "limit", "cursor=garbage": "cursor",
		} {
			s.run(t, apiCase{name: q, method: "GET", path: "/api/v1/insights/customers?" + q, as: "key:A", wantStatus: 422,
				want: map[string]any{"errors.0.field": field}})
		}
		// A cursor made for one sort is refused with another.
		r := s.run(t, apiCase{method: "GET", path: "/api/v1/insights/customers?limit=1", as: "key:A", wantStatus: 200})
		next := r.str("next_cursor")
		s.run(t, apiCase{method: "GET", path: "/api/v1/insights/customers?sort=-p_alive&cursor=" + url.QueryEscape(next),
			as: "key:A", wantStatus: 422, want: map[string]any{"errors.0.field": "cursor"}})
	})
}

// churnShop is a shop with two years of history: steady buyers who keep
// buying about every two weeks, big spenders who bought a little more
// often but stopped four to eight weeks ago, customers who bought a few
// times in the first months and never again, and one-time buyers.
func churnShop(t *testing.T, db *store.DB) (*shop, []string, []string) {
	t.Helper()
	s := trendShop(t, db, "churn")
	var events []map[string]any
	var steady, gone []string
	start := trendToday.AddDate(-2, 0, 0)
	add := func(cust string, d time.Time, cents int64) {
		events = append(events, map[string]any{"type": "purchase", "id": fmt.Sprintf("o%d", len(events)),
			"customer_id": cust, "amount": fmt.Sprintf("%d.%02d", cents/100, cents%100),
			"purchased_at": d.Add(12 * time.Hour).Format(time.RFC3339)})
	}
	k := 0
	vary := func(base int64) int64 { // amounts vary from one purchase to the next
		k++
		return base + int64(k*37%900)
	}
	for i := range 60 {
		id := fmt.Sprintf("steady%02d", i)
		steady = append(steady, id)
		for d := start.AddDate(0, 0, i*5); d.Before(trendToday); d = d.AddDate(0, 0, 12+i%5) {
			add(id, d, vary(3000))
		}
	}
	for i := range 30 {
		id := fmt.Sprintf("gone%02d", i)
		gone = append(gone, id)
		stop := trendToday.AddDate(0, 0, -28-i)
		for d := start.AddDate(0, 0, i*3); d.Before(stop); d = d.AddDate(0, 0, 10+i%4) {
			add(id, d, vary(9000))
		}
	}
	// Customers who bought a few times and stopped long ago are what
	// shows the model that customers do drop out.
	for i := range 100 {
		d := start.AddDate(0, 0, i*2)
		for range 2 + i%6 {
			add(fmt.Sprintf("lapsed%03d", i), d, vary(2000))
			d = d.AddDate(0, 0, 15+i%10)
		}
	}
	for i := range 200 {
		add(fmt.Sprintf("once%03d", i), start.AddDate(0, 0, i*3), vary(2500))
	}
	sendBatches(t, s, events)
	return s, steady, gone
}

// TestCustomerInsightsAtRisk: the big spenders who stopped are at risk and
// the steady buyers are not; a segment filter lists the segment's
// customers as the segments report counts them; paging walks every
// customer once.
func TestCustomerInsightsAtRisk(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, steady, gone := churnShop(t, db)
		all := walkScores(t, s, url.Values{"limit": {"37"}})
		if len(all) != 390 {
			t.Fatalf("scored %d customers, want 390", len(all))
		}
		for i := 1; i < len(all); i++ {
			a, b := all[i-1], all[i]
			if clvOf(t, a) < clvOf(t, b) {
				t.Fatalf("default order is not by CLV descending: %v before %v", a, b)
			}
		}
		byID := map[string]map[string]any{}
		for _, m := range all {
			byID[m["customer_id"].(string)] = m
		}
		for _, id := range steady {
			if p := byID[id]["p_alive"].(float64); p < 0.5 {
				t.Errorf("steady buyer %s has p_alive %.3f", id, p)
			}
		}
		risk := walkScores(t, s, url.Values{"at_risk": {"true"}})
		var riskIDs []string
		for _, m := range risk {
			riskIDs = append(riskIDs, m["customer_id"].(string))
			if m["at_risk"] != true {
				t.Errorf("at-risk list row without at_risk: %v", m)
			}
			now, before := m["p_alive"].(float64), m["p_alive_30d_ago"].(float64)
			if now >= 0.8 || before-now < 0.1 {
				t.Errorf("%s on the at-risk list with p_alive %.3f, 30 days ago %.3f", m["customer_id"], now, before)
			}
		}
		found := 0
		for _, id := range gone {
			if slices.Contains(riskIDs, id) {
				found++
			}
		}
		for _, id := range steady {
			if slices.Contains(riskIDs, id) {
				t.Errorf("steady buyer %s is on the at-risk list", id)
			}
		}
		// Of the 30 who stopped four to eight weeks ago, those silent for
		// longest have fallen below 80 %; the most recent are still likely
		// to be between two purchases.
		if found < 12 {
			t.Errorf("%d of the 30 big spenders who stopped are at risk (%v), want at least 12", found, riskIDs)
		}
		for _, id := range gone {
			if m := byID[id]; m["p_alive"].(float64) < 0.8 && !slices.Contains(riskIDs, id) {
				t.Errorf("%s stopped, p_alive %.3f (30 days ago %.3f), is not at risk", id, m["p_alive"], m["p_alive_30d_ago"])
			}
		}

		seg := s.get("/api/v1/reports/segments")
		segs, _ := seg.field("segments")
		for _, x := range segs.([]any) {
			m := x.(map[string]any)
			id := m["segment"].(string)
			rows := walkScores(t, s, url.Values{"segment": {id}, "limit": {"500"}})
			if float64(len(rows)) != m["customers"].(float64) {
				t.Errorf("segment %s lists %d customers, the report counts %v", id, len(rows), m["customers"])
			}
			for _, r := range rows {
				if r["segment"] != id {
					t.Errorf("segment %s lists %v", id, r)
				}
			}
		}
	})
}

func clvOf(t *testing.T, m map[string]any) float64 {
	t.Helper()
	var f float64
	if _, err := fmt.Sscan(m["clv"].(string), &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// walkScores follows next_cursor through GET /insights/customers with q.
func walkScores(t *testing.T, s *shop, q url.Values) []map[string]any {
	t.Helper()
	var out []map[string]any
	seen := map[string]bool{}
	for {
		r := s.get("/api/v1/insights/customers?" + q.Encode())
		if r.status != 200 {
			t.Fatalf("insights/customers?%s: %d %s", q.Encode(), r.status, r.body)
		}
		data, _ := r.field("data")
		for _, row := range data.([]any) {
			m := row.(map[string]any)
			id := m["customer_id"].(string)
			if seen[id] {
				t.Fatalf("%s listed twice", id)
			}
			seen[id] = true
			out = append(out, m)
		}
		next, _ := r.field("next_cursor")
		if next == nil {
			return out
		}
		q.Set("cursor", next.(string))
	}
}
