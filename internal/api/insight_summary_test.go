package api_test

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

// summaryLine is one item of a summary test order.
func summaryLine(product, price string, qty int) obj {
	return obj{"product_id": product, "name": "Product " + strings.ToUpper(product), "quantity": qty, "price": price}
}

// The summary of a small shop, every figure worked out by hand from the
// orders below. The period is 1–10 November 2026, the previous one 22–31
// October:
//
//	previous: c1 buys 2 × P1 at 10 (20) on 25 Oct; c2 buys P2 at 50 on 28 Oct.
//	current:  c1 buys P1 10 + P3 30 (40) on 3 Nov; c3, new, buys P2 50 on
//	          5 Nov and P3 30 on 7 Nov; c2 buys P2 50 on 8 Nov, refunded on 9 Nov.
//
// Revenue counts orders on their day, refunded or not: 170 against 70,
// +142.86 %; 4 orders against 2; average order 42.50 against 35.00;
// refunds 50. Buyers: c1, c2 (returning) and c3 (new); before, c1 and c2
// were both new. Products: P3 +60, P2 +50 (100 against 50), P1 −10.
func TestSummaryFiguresByHand(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newShop(t, db)
		loadBatch(t, s.h, s.c.key,
			purchaseEv("o1", "c1", "20.00", "2026-10-25T12:00:00Z", obj{"items": []obj{summaryLine("p1", "10.00", 2)}}),
			purchaseEv("o2", "c2", "50.00", "2026-10-28T12:00:00Z", obj{"items": []obj{summaryLine("p2", "50.00", 1)}}),
			purchaseEv("o3", "c1", "40.00", "2026-11-03T12:00:00Z", obj{"items": []obj{summaryLine("p1", "10.00", 1), summaryLine("p3", "30.00", 1)}}),
			purchaseEv("o4", "c3", "50.00", "2026-11-05T12:00:00Z", obj{"items": []obj{summaryLine("p2", "50.00", 1)}}),
			purchaseEv("o5", "c3", "30.00", "2026-11-07T12:00:00Z", obj{"items": []obj{summaryLine("p3", "30.00", 1)}}),
			purchaseEv("o6", "c2", "50.00", "2026-11-08T12:00:00Z", obj{"items": []obj{summaryLine("p2", "50.00", 1)},
				"status": "refunded", "refunded_at": "2026-11-09T12:00:00Z"}),
		)
		r := s.get("/api/v1/insights/summary?from=2026-11-01&to=2026-11-10&lang=en")
		if r.status != http.StatusOK {
			t.Fatalf("summary: %d %s", r.status, r.body)
		}
		for path, want := range map[string]any{
			"period.from": "2026-11-01", "period.to": "2026-11-10", "previous.from": "2026-10-22", "previous.to": "2026-10-31",
			"figures.revenue": "170.00", "figures.previous_revenue": "70.00", "figures.revenue_change_pct": 142.86,
			"figures.refunds": "50.00", "figures.orders": 4.0, "figures.previous_orders": 2.0,
			"figures.average_order_value": "42.50", "figures.previous_average_order_value": "35.00",
			"figures.customers": 3.0, "figures.new_customers": 1.0, "figures.returning_customers": 2.0,
			"figures.previous_new_customers": 2.0, "figures.previous_returning_customers": 0.0,
			"figures.gainers.0.product": "p3", "figures.gainers.0.change": "60.00", "figures.gainers.0.previous_revenue": "0.00",
			"figures.gainers.1.product": "p2", "figures.gainers.1.revenue": "100.00", "figures.gainers.1.change": "50.00",
			"figures.losers.0.product": "p1", "figures.losers.0.change": "-10.00",
			"headline": "Revenue up 142.9% to $170.00",
		} {
			if got, _ := r.field(path); got != want {
				t.Errorf("%s = %v, want %v", path, got, want)
			}
		}
		text := r.str("text")
		for _, want := range []string{
			"Revenue for Nov 1, 2026 – Nov 10, 2026 was $170.00, up 142.9% on the previous 10 days ($70.00).",
			"Orders: 4 (previously 2). Average order: $42.50 (previously $35.00). Refunds made in the period: $50.00.",
			"Most of the growth came from Product P3 (+$60.00) and Product P2 (+$50.00). The largest falls: Product P1 (−$10.00).",
			"3 customers bought: 1 new and 2 returning (previously 2 new and 0 returning).",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("text lacks %q:\n%s", want, text)
			}
		}

		// The segment moves are those of the segments report at the two
		// period ends, and the text states them.
		before := s.get("/api/v1/reports/segments?as_of=2026-10-31")
		after := s.get("/api/v1/reports/segments?as_of=2026-11-10")
		sizes := func(rr *response) map[string]float64 {
			out := map[string]float64{}
			segs, _ := rr.field("segments")
			for _, x := range segs.([]any) {
				m := x.(map[string]any)
				out[m["segment"].(string)] = m["customers"].(float64)
			}
			return out
		}
		b, a := sizes(before), sizes(after)
		moves, _ := r.field("figures.segments")
		if len(moves.([]any)) == 0 {
			t.Fatalf("no segment moves in %s", r.body)
		}
		for _, x := range moves.([]any) {
			m := x.(map[string]any)
			seg := m["segment"].(string)
			if m["before"] != b[seg] || m["after"] != a[seg] || b[seg] == a[seg] {
				t.Errorf("segment %s: %v → %v, the reports say %v → %v", seg, m["before"], m["after"], b[seg], a[seg])
			}
		}

		// The forecast is the daily revenue forecast as of the period's
		// end summed over 30 days; the last 30 days sold 240.
		fc := s.get("/api/v1/insights/forecast?metric=revenue&interval=day&horizon=30&as_of=2026-11-10")
		if fc.status != http.StatusOK {
			t.Fatalf("forecast: %d %s", fc.status, fc.body)
		}
		sum := 0.0
		points, _ := fc.field("forecast")
		for _, p := range points.([]any) {
			sum += p.(map[string]any)["value"].(float64)
		}
		got, _ := strconv.ParseFloat(r.str("figures.forecast.revenue"), 64)
		if math.Abs(got-sum) > 0.005 || len(points.([]any)) != 30 {
			t.Errorf("forecast revenue %v, the forecast's 30 points sum to %v", got, sum)
		}
		if v := r.str("figures.forecast.last_period_revenue"); v != "240.00" {
			t.Errorf("last 30 days' revenue = %s, want 240.00", v)
		}
		if r.str("figures.forecast.from") != "2026-11-11" || r.str("figures.forecast.to") != "2026-12-10" {
			t.Errorf("forecast span %s – %s", r.str("figures.forecast.from"), r.str("figures.forecast.to"))
		}

		ru := s.get("/api/v1/insights/summary?from=2026-11-01&to=2026-11-10&lang=ru")
		for _, want := range []string{"Выручка выросла на 142,9\u00a0%, до 170,00\u00a0$"} {
			if ru.str("headline") != want {
				t.Errorf("ru headline = %q, want %q", ru.str("headline"), want)
			}
		}
		if !strings.Contains(ru.str("text"), "Купили 3 клиента: новых — 1, вернувшихся — 2") {
			t.Errorf("ru text: %s", ru.str("text"))
		}
	})
}

func TestSummaryRejectsBadParameters(t *testing.T) {
	t.Parallel()
	s := newShop(t, storetest.Open(t, store.SQLite))
	for _, c := range []struct{ query, field string }{
		{"from=yesterday", "from"},
		{"to=2026-13-01", "to"},
		{"from=2026-11-10&to=2026-11-01", "to"},
		{"lang=de", "lang"},
		{"from=2000-01-01&to=2026-11-01", "from"},
	} {
		r := s.get("/api/v1/insights/summary?" + c.query)
		if r.status != http.StatusUnprocessableEntity || r.str("errors.0.field") != c.field {
			t.Errorf("%s: %d %s, want 422 naming %s", c.query, r.status, r.body, c.field)
		}
	}
	// No sales at all: a summary that says so, not an error.
	r := s.get("/api/v1/insights/summary?lang=en")
	if r.status != http.StatusOK || r.str("figures.revenue") != "0.00" || !strings.Contains(r.str("text"), "no sales to compare with") {
		t.Errorf("empty shop: %d %s", r.status, r.body)
	}
}
