package api_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

// order is one purchase of 10.00 by a named customer.
type order struct {
	customer string
	at       time.Time
}

// sendOrders posts the orders as purchases, in the order given.
func sendOrders(t *testing.T, s *shop, orders []order) {
	t.Helper()
	events := make([]map[string]any, len(orders))
	for i, o := range orders {
		events[i] = map[string]any{"type": "purchase", "id": fmt.Sprintf("o_%d", i), "customer_id": o.customer,
			"amount": "10.00", "purchased_at": o.at.Format(time.RFC3339),
			"items": []map[string]any{{"product_id": "p1", "name": "Item", "quantity": 1, "price": "10.00"}}}
	}
	sendBatches(t, s, events)
}

// repeatFirstWeek is the Monday that starts the 26 complete weeks to
// Sunday 2026-11-15, the last one before the harness's today.
var repeatFirstWeek = time.Date(2026, 5, 18, 0, 0, 0, 0, time.UTC)

// repeatWeeks plans weeks of orders from repeatFirstWeek on: in week k,
// customers c0 to c(buyers−1) order once and the first repeaters of them
// order again. The same customers come back every week, so a rate that
// counted orders across weeks would be wrong. A repeater's second order is
// on the same day for even customers and on another day of the week for
// odd ones; one first order in three is at 23:30 UTC, which is the next
// day in Moscow and, on a Sunday, the next week.
func repeatWeeks(weeks int, buyers, repeaters func(k int) int) []order {
	var out []order
	for k := range weeks {
		monday := repeatFirstWeek.AddDate(0, 0, 7*k)
		for j := range buyers(k) {
			c := fmt.Sprintf("c%d", j)
			first := monday.AddDate(0, 0, j%7).Add(12 * time.Hour)
			if j%3 == 0 {
				first = first.Add(11*time.Hour + 30*time.Minute)
			}
			out = append(out, order{customer: c, at: first})
			if j >= repeaters(k) {
				continue
			}
			second := monday.AddDate(0, 0, j%7).Add(18 * time.Hour)
			if j%2 == 1 {
				second = monday.AddDate(0, 0, (j+3)%7).Add(9 * time.Hour)
			}
			out = append(out, order{customer: c, at: second})
		}
	}
	return out
}

// bruteRepeatRates is, for each local Monday-to-Sunday week in loc (by its
// Monday's date), the percentage of the week's distinct customers who
// ordered twice or more in it, counted from the orders sent.
func bruteRepeatRates(orders []order, loc *time.Location) map[string]float64 {
	counts := map[string]map[string]int{}
	for _, o := range orders {
		y, m, d := o.at.In(loc).Date()
		date := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		week := date.AddDate(0, 0, -(int(date.Weekday())+6)%7).Format(time.DateOnly)
		if counts[week] == nil {
			counts[week] = map[string]int{}
		}
		counts[week][o.customer]++
	}
	rates := map[string]float64{}
	for week, byCustomer := range counts {
		twice := 0
		for _, n := range byCustomer {
			if n >= 2 {
				twice++
			}
		}
		rates[week] = 100 * float64(twice) / float64(len(byCustomer))
	}
	return rates
}

// checkRepeatFinding checks a repeat_rate finding against the brute-force
// weekly rates: its weeks are the complete weeks from first to last, each
// point the rate of its week to the four decimals shown.
func checkRepeatFinding(t *testing.T, f map[string]any, want map[string]float64, first, last string, weeks int) {
	t.Helper()
	if p := f["period"].(map[string]any); p["from"] != first || p["to"] != last {
		t.Errorf("period %v, want %s..%s", p, first, last)
	}
	ev := f["evidence"].([]any)
	if len(ev) != weeks {
		t.Errorf("%d weekly points, want %d", len(ev), weeks)
	}
	for _, x := range ev {
		pt := x.(map[string]any)
		start := pt["period_start"].(string)
		w, ok := want[start]
		if !ok || start < first || start > last {
			t.Errorf("a point for the week of %s, which had no orders or is out of the period", start)
			continue
		}
		if got, ok := pt["value"].(float64); !ok || math.Abs(got-w) > 0.00005+1e-9 {
			t.Errorf("week of %s: repeat rate %v, want %.4f", start, pt["value"], w)
		}
	}
	sig := f["significance"].(map[string]any)
	if sig["test"] != "mann_kendall_hamed_rao" || num(t, sig["adjusted_p_value"]) > 0.05 || num(t, sig["n"]) != float64(weeks) {
		t.Errorf("significance %v", sig)
	}
	// change_abs is Sen's line from the first week to the last, in
	// percentage points: a number, not a money string. Both are rounded
	// to 4 decimals.
	abs, ok := f["change_abs"].(float64)
	if !ok || math.Abs(abs-num(t, sig["sen_slope"])*float64(weeks-1)) > 0.00005*float64(weeks)+1e-9 {
		t.Errorf("change_abs %#v, want sen_slope %v × %d weeks", f["change_abs"], sig["sen_slope"], weeks-1)
	}
}

// A repeat-purchase rate planted to rise is found, with every weekly point
// equal to the rate counted from the orders sent, in the app's time zone
// and again after the zone changes; a constant rate is no trend, and a
// history too short is skipped with the rule it failed.
func TestTrendsPlantedRepeatRate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Run("rising", func(t *testing.T) {
			s := trendShop(t, db, "repeat")
			// 40 buyers a week; the repeaters grow from 4 (10%) to 29
			// (72.5%), one more each week.
			orders := repeatWeeks(26, func(int) int { return 40 }, func(k int) int { return 4 + k })
			sendOrders(t, s, orders)
			utc := bruteRepeatRates(orders, time.UTC)

			r := trendsOf(t, s, "", nil)
			fs := findings(r, "metric_trend", "repeat_rate")
			if len(fs) != 1 || fs[0]["direction"] != "up" {
				t.Fatalf("want one rising repeat_rate trend: %s", r.body)
			}
			f := fs[0]
			checkRepeatFinding(t, f, utc, "2026-05-18", "2026-11-15", 26)
			// One more repeater of 40 buyers a week: 2.5 points a week, from
			// 10% to 72.5%, 625% more.
			if got := num(t, f["significance"].(map[string]any)["sen_slope"]); got != 2.5 {
				t.Errorf("Sen slope %v points a week, want 2.5", got)
			}
			if f["change_abs"] != 62.5 || f["change_pct"] != 625.0 {
				t.Errorf("change_abs %v, change_pct %v; want 62.5 and 625", f["change_abs"], f["change_pct"])
			}
			if sum := f["summary"].(string); !strings.HasPrefix(sum, "Weekly repeat purchase rate rose from about 10.0% to 72.5% over 26 weeks (+625.0%, p < 0.001).") {
				t.Errorf("summary %q", sum)
			}
			ru := findings(trendsOf(t, s, "?lang=ru", nil), "metric_trend", "repeat_rate")
			if len(ru) != 1 || !strings.HasPrefix(ru[0]["summary"].(string),
				"Доля повторных покупок за неделю выросла примерно с 10,0\u00a0% до 72,5\u00a0% за 26 недель (+625,0\u00a0%, p < 0,001).") {
				t.Errorf("Russian summary: %v", ru)
			}

			// As of an earlier date, only the weeks complete by then count.
			r = trendsOf(t, s, "?as_of=2026-08-31", nil)
			if fs := findings(r, "metric_trend", "repeat_rate"); len(fs) != 1 {
				t.Errorf("as of 2026-08-31: %s", r.body)
			} else {
				checkRepeatFinding(t, fs[0], utc, "2026-05-18", "2026-08-30", 15)
			}
			r = trendsOf(t, s, "?as_of=2026-06-30", nil)
			if reason := skipReason(r, "metric_trend", "repeat_rate"); !strings.Contains(reason,
				"needs at least 8 complete weeks (Monday to Sunday) of data; there are 6") {
				t.Errorf("as of 2026-06-30: repeat_rate skipped for %q: %s", reason, r.body)
			}

			// In Moscow the late orders move to the next day, some to the
			// next week: the buyer sets are rebuilt for the new zone.
			moscow := setTimezone(t, s, "Europe/Moscow")
			msk := bruteRepeatRates(orders, moscow)
			differ := false
			for week, rate := range msk {
				differ = differ || rate != utc[week]
			}
			if !differ {
				t.Fatal("the plan gives the same weekly rates in Moscow as in UTC")
			}
			r = trendsOf(t, s, "", nil)
			if fs := findings(r, "metric_trend", "repeat_rate"); len(fs) != 1 || fs[0]["direction"] != "up" {
				t.Errorf("in Moscow: %s", r.body)
			} else {
				checkRepeatFinding(t, fs[0], msk, "2026-05-18", "2026-11-15", 26)
			}
		})

		t.Run("constant", func(t *testing.T) {
			s := trendShop(t, db, "steady")
			// 20 to 36 buyers a week, always a quarter of them twice.
			buyers := func(k int) int { return 20 + 4*(k%5) }
			orders := repeatWeeks(26, buyers, func(k int) int { return buyers(k) / 4 })
			sendOrders(t, s, orders)
			r := trendsOf(t, s, "", nil)
			if fs := findings(r, "metric_trend", "repeat_rate"); len(fs) != 0 {
				t.Errorf("a constant repeat rate called a trend: %v", fs)
			}
			if reason := skipReason(r, "metric_trend", "repeat_rate"); reason != "" {
				t.Errorf("repeat_rate skipped: %q", reason)
			}
			for week, rate := range bruteRepeatRates(orders, time.UTC) {
				if rate != 25 {
					t.Fatalf("the plan's week of %s has a repeat rate of %v%%", week, rate)
				}
			}
		})
	})
}
