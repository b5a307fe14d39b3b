package api_test

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"
	"time"

	"pulse/internal/demo"
	"pulse/internal/money"
)

// demoBuy is a demo purchase as the test sent it, with its lines merged by
// product: an order of a product is one order however many lines carry it.
type demoBuy struct {
	customer string
	date     time.Time // local purchase date, as midnight UTC
	amount   int64
	lines    map[string]demoLine
}

type demoLine struct{ units, amount int64 }

// demoTotals are one local date's totals, summed from the raw events.
type demoTotals struct {
	revenue, orders, newCustomers int64
}

// trendDemo is the demo history in the app's time zone, summed by date
// straight from the events sent.
type trendDemo struct {
	loc   *time.Location
	facts []purchaseFact
	buys  []demoBuy
	days  map[time.Time]*demoTotals
	// first is the earliest date with a sale, refund or new customer: the
	// first day the rollups know of.
	first time.Time
	// segments caches segment sizes by date: the pairwise RFM scoring is
	// quadratic in customers, and several cases ask for the same dates.
	segments map[time.Time]map[string]float64
}

// civil is t's local date in loc, as midnight UTC, so that dates can be
// stepped with AddDate whatever the zone's clock changes.
func civil(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func dateOf(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// readTrendDemo decodes the demo's customers and purchases, items
// included, and sums them by local date in loc.
func readTrendDemo(t *testing.T, h *demo.History, loc *time.Location) *trendDemo {
	t.Helper()
	td := &trendDemo{loc: loc, facts: demoFacts(t, h), days: map[time.Time]*demoTotals{}, segments: map[time.Time]map[string]float64{}}
	at := func(d time.Time) *demoTotals {
		if td.first.IsZero() || d.Before(td.first) {
			td.first = d
		}
		x := td.days[d]
		if x == nil {
			x = &demoTotals{}
			td.days[d] = x
		}
		return x
	}
	cents := func(s string) int64 {
		v, err := money.Parse(s, 2)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, raw := range h.Events {
		var ev struct {
			Type        string     `json:"type"`
			CustomerID  string     `json:"customer_id"`
			CreatedAt   time.Time  `json:"created_at"`
			Amount      string     `json:"amount"`
			PurchasedAt time.Time  `json:"purchased_at"`
			RefundedAt  *time.Time `json:"refunded_at"`
			Items       []struct {
				ProductID string `json:"product_id"`
				Quantity  int64  `json:"quantity"`
				Price     string `json:"price"`
			} `json:"items"`
		}
		if err := json.Unmarshal(raw, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Type == "customer" {
			at(civil(ev.CreatedAt, loc)).newCustomers++
			continue
		}
		b := demoBuy{customer: ev.CustomerID, date: civil(ev.PurchasedAt, loc), amount: cents(ev.Amount), lines: map[string]demoLine{}}
		for _, it := range ev.Items {
			l := b.lines[it.ProductID]
			l.units += it.Quantity
			l.amount += it.Quantity * cents(it.Price)
			b.lines[it.ProductID] = l
		}
		td.buys = append(td.buys, b)
		// Revenue and orders stay on the purchase date even when refunded;
		// the refund only makes its own date known to the rollups.
		x := at(b.date)
		x.revenue += b.amount
		x.orders++
		if ev.RefundedAt != nil {
			at(civil(*ev.RefundedAt, loc))
		}
	}
	if len(td.buys) != h.Purchases || len(td.facts) != h.Purchases {
		t.Fatalf("read %d purchases, the demo made %d", len(td.buys), h.Purchases)
	}
	return td
}

func (td *trendDemo) day(d time.Time) demoTotals {
	if x := td.days[d]; x != nil {
		return *x
	}
	return demoTotals{}
}

// week sums the seven dates from Monday start.
func (td *trendDemo) week(start time.Time) demoTotals {
	var w demoTotals
	for k := range 7 {
		x := td.day(start.AddDate(0, 0, k))
		w.revenue += x.revenue
		w.orders += x.orders
		w.newCustomers += x.newCustomers
	}
	return w
}

// repeatRate is the share of the week's distinct buyers with two or more
// orders in that week.
func (td *trendDemo) repeatRate(start time.Time) float64 {
	end := start.AddDate(0, 0, 7)
	orders := map[string]int{}
	for _, b := range td.buys {
		if !b.date.Before(start) && b.date.Before(end) {
			orders[b.customer]++
		}
	}
	repeat := 0
	for _, n := range orders {
		if n >= 2 {
			repeat++
		}
	}
	if len(orders) == 0 {
		return 0
	}
	return float64(repeat) / float64(len(orders))
}

// productPeriod is one product's orders and revenue over a range of dates.
type productPeriod struct{ orders, revenue int64 }

func (td *trendDemo) products(from, to time.Time) map[string]productPeriod {
	out := map[string]productPeriod{}
	for _, b := range td.buys {
		if b.date.Before(from) || b.date.After(to) {
			continue
		}
		for id, l := range b.lines {
			p := out[id]
			p.orders++
			p.revenue += l.amount
			out[id] = p
		}
	}
	return out
}

// lastSundayOn is the last Sunday on or before d.
func lastSundayOn(d time.Time) time.Time {
	return d.AddDate(0, 0, -int(d.Weekday()))
}

func isoDate(d time.Time) string { return d.Format(time.DateOnly) }

// sameMoney compares a decimal string with minor units, allowing tol units
// for values the code derives in floating point and rounds.
func sameMoney(t *testing.T, what string, got any, want float64, tol float64) {
	t.Helper()
	s, ok := got.(string)
	v, err := money.Parse(s, 2)
	if !ok || err != nil || math.Abs(float64(v)-want) > tol {
		t.Errorf("%s = %v, want %s", what, got, money.Format(int64(math.Round(want)), 2))
	}
}

func sameNumber(t *testing.T, what string, got any, want, tol float64) {
	t.Helper()
	if v, ok := got.(float64); !ok || math.Abs(v-want) > tol {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// trendCase is one as_of the demo is analysed at and what its findings
// must include.
type trendCase struct {
	query, asOf string
	last        time.Time // the last date the analysis may use
	// metricsUp are metric trends that must be found rising.
	metricsUp []string
	// productsUp are products that must be found rising.
	productsUp []string
	// spikes are metrics that must have an upward anomaly on a day of
	// Black Friday week 2025 (Tuesday 25 November to Cyber Monday).
	spikes []string
	// weekends are metrics whose weekday pattern must be found, peaking on
	// Saturday or Sunday.
	weekends []string
}

// checkTrendsOnDemo: the demo history in New York time, analysed as of today and as of past
// dates, gives trends whose every figure equals a sum over the raw events
// the demo sent, over the periods the rules define, and finds what the
// generator planted where its effect is large enough for the tests to see.
func checkTrendsOnDemo(t *testing.T, s *shop, h *demo.History, ny *time.Location) {
	td := readTrendDemo(t, h, ny)
	// The clock stands at 05:00 on Friday 2026-11-20 in New York: today
	// is in progress, so the analysis ends on Thursday.
	today := civil(s.h.clock.Now(), ny)
	checked := map[string]int{}
	// What each date must show follows from the generator (package
	// demo): sign-ups grow from 1× to 2× their early pace over the
	// history and demand rises through the autumn (monthLift), so the
	// half-years to mid-December 2025 and to November 2026 rise; Black
	// Friday week lifts demand 2.3× for seven days; weekends sell about
	// 35% more than mid-week; Wireless Earbuds Pro (sku-13) is launched
	// 55% of the way in (late December 2025) and ramps up over the next
	// ten weeks. The Smart Watch (sku-21, rising) and Wired Earbuds
	// (sku-9, declining) change their popularity too slowly for any
	// 28-day comparison of orders (a few percent a month, swamped by
	// the shop's own growth and season), so nothing is asserted of them;
	// the half-years ending in mid-February and the quarters holding
	// Black Friday and Christmas mix trend and season, so nothing is
	// asserted of their metric trends and weekday pattern either.
	for _, c := range []trendCase{
		{query: "", asOf: isoDate(today), last: today.AddDate(0, 0, -1),
			metricsUp: []string{"revenue", "orders"}, weekends: []string{"revenue", "orders"}},
		{query: "?as_of=" + isoDate(today), asOf: isoDate(today), last: today.AddDate(0, 0, -1),
			metricsUp: []string{"revenue", "orders"}, weekends: []string{"revenue", "orders"}},
		{query: "?as_of=2026-02-15", asOf: "2026-02-15", last: dateOf("2026-02-15"),
			productsUp: []string{"sku-13"}, spikes: []string{"orders"}},
		{query: "?as_of=2025-12-14", asOf: "2025-12-14", last: dateOf("2025-12-14"),
			metricsUp: []string{"revenue", "orders", "new_customers"}, spikes: []string{"revenue", "orders"}},
	} {
		t.Run(c.query, func(t *testing.T) {
			r := trendsOf(t, s, c.query+sepFor(c.query)+"lang=en", nil)
			if got := r.str("as_of"); got != c.asOf {
				t.Errorf("as_of = %s, want %s", got, c.asOf)
			}
			checkDemoMetricTrends(t, r, td, c.last)
			checkDemoProductTrends(t, r, td, c.last)
			checkDemoAnomalies(t, r, td, c.last)
			checkDemoSeasonality(t, r, td, c.last)
			checkDemoSegmentShifts(t, s, r, td, c.last)
			for _, kind := range []string{"metric_trend", "product_trend", "anomaly", "seasonality", "segment_shift"} {
				checked[kind] += len(findings(r, kind, ""))
			}
			checkPlanted(t, r, c)
		})
	}
	// The brute-force comparisons ran on real findings of every kind,
	// not on an empty list.
	for _, kind := range []string{"metric_trend", "product_trend", "anomaly", "seasonality", "segment_shift"} {
		if checked[kind] == 0 {
			t.Errorf("no %s finding on the demo to check", kind)
		}
	}
}

// checkPlanted asserts the findings c requires.
func checkPlanted(t *testing.T, r *response, c trendCase) {
	t.Helper()
	direction := func(kind, metric, subject string) string {
		for _, f := range findings(r, kind, metric) {
			if subject == "" || f["subject"] == subject {
				return fmt.Sprint(f["direction"])
			}
		}
		return "not found"
	}
	for _, m := range c.metricsUp {
		if d := direction("metric_trend", m, ""); d != "up" {
			t.Errorf("%s trend: %s, want up", m, d)
		}
	}
	for _, p := range c.productsUp {
		if d := direction("product_trend", "orders", p); d != "up" {
			t.Errorf("product %s: %s, want up", p, d)
		}
	}
	for _, m := range c.spikes {
		found := false
		for _, f := range findings(r, "anomaly", m) {
			at := f["period"].(map[string]any)["from"].(string)
			found = found || f["direction"] == "up" && at >= "2025-11-25" && at <= "2025-12-01"
		}
		if !found {
			t.Errorf("no %s spike in Black Friday week 2025", m)
		}
	}
	for _, m := range c.weekends {
		fs := findings(r, "seasonality", m)
		if len(fs) != 1 {
			t.Errorf("%s: %d weekday patterns, want 1", m, len(fs))
			continue
		}
		peak, best := "", math.Inf(-1)
		for _, x := range fs[0]["evidence"].([]any) {
			pt := x.(map[string]any)
			if v := pt["relative_pct"].(float64); v > best {
				peak, best = pt["weekday"].(string), v
			}
		}
		if peak != "saturday" && peak != "sunday" {
			t.Errorf("%s peaks on %s, want the weekend", m, peak)
		}
	}
}

func sepFor(q string) string {
	if q == "" {
		return "?"
	}
	return "&"
}

// checkDemoMetricTrends compares every weekly point of every metric trend
// with the week's sums, and the weeks with the complete Monday-to-Sunday
// weeks (up to 26) ending on or before the last day.
func checkDemoMetricTrends(t *testing.T, r *response, td *trendDemo, last time.Time) {
	t.Helper()
	end := lastSundayOn(last)
	weeks := min(26, int(end.Sub(td.first).Hours()/24+1)/7)
	from := end.AddDate(0, 0, 1-7*weeks)
	for _, f := range findings(r, "metric_trend", "") {
		metric := f["metric"].(string)
		if p := f["period"].(map[string]any); p["from"] != isoDate(from) || p["to"] != isoDate(end) {
			t.Errorf("%s: period %v, want %s..%s", metric, p, isoDate(from), isoDate(end))
		}
		ev := f["evidence"].([]any)
		if len(ev) != weeks {
			t.Errorf("%s: %d weekly points, want %d", metric, len(ev), weeks)
		}
		for i, x := range ev {
			pt := x.(map[string]any)
			start := from.AddDate(0, 0, 7*i)
			if pt["period_start"] != isoDate(start) {
				t.Errorf("%s point %d starts %v, want %s", metric, i, pt["period_start"], isoDate(start))
				continue
			}
			w := td.week(start)
			what := fmt.Sprintf("%s week of %s", metric, isoDate(start))
			switch metric {
			case "revenue":
				sameMoney(t, what, pt["value"], float64(w.revenue), 0)
			case "orders":
				sameNumber(t, what, pt["value"], float64(w.orders), 0)
			case "new_customers":
				sameNumber(t, what, pt["value"], float64(w.newCustomers), 0)
			case "aov":
				sameMoney(t, what, pt["value"], float64(w.revenue)/float64(w.orders), 0.5)
			case "repeat_rate":
				// A rate may be shown as a fraction or in percent; either
				// must be the brute-force share to the 4 decimals shown.
				rate := td.repeatRate(start)
				if v, ok := pt["value"].(float64); !ok || math.Abs(v-rate) > 0.00005 && math.Abs(v-100*rate) > 0.00005 {
					t.Errorf("%s = %v, want %.4f (or %.4f%%)", what, pt["value"], rate, 100*rate)
				}
			default:
				t.Errorf("unknown metric trend %q", metric)
			}
		}
	}
}

// checkDemoProductTrends compares each product trend's two periods, the 28
// days to the last day and the 28 before, with the product's orders and
// line revenue on those dates.
func checkDemoProductTrends(t *testing.T, r *response, td *trendDemo, last time.Time) {
	t.Helper()
	from, split := last.AddDate(0, 0, -55), last.AddDate(0, 0, -27)
	prev, cur := td.products(from, split.AddDate(0, 0, -1)), td.products(split, last)
	for _, f := range findings(r, "product_trend", "") {
		id := f["subject"].(string)
		if p := f["period"].(map[string]any); p["from"] != isoDate(from) || p["to"] != isoDate(last) {
			t.Errorf("%s: period %v", id, p)
		}
		ev := f["evidence"].([]any)
		if len(ev) != 2 {
			t.Fatalf("%s: evidence %v", id, ev)
		}
		for i, want := range []struct {
			from, to time.Time
			p        productPeriod
		}{{from, split.AddDate(0, 0, -1), prev[id]}, {split, last, cur[id]}} {
			pt := ev[i].(map[string]any)
			if pt["period_start"] != isoDate(want.from) || pt["period_end"] != isoDate(want.to) {
				t.Errorf("%s: period %d is %v..%v", id, i, pt["period_start"], pt["period_end"])
			}
			sameNumber(t, id+" orders", pt["value"], float64(want.p.orders), 0)
			sameMoney(t, id+" revenue", pt["revenue"], float64(want.p.revenue), 0)
		}
		if n := prev[id].orders + cur[id].orders; n < 10 {
			t.Errorf("%s tested on %d orders, fewer than the 10 the rule asks for", id, n)
		}
		if d := cur[id].orders - prev[id].orders; f["direction"] != map[bool]string{true: "up", false: "down"}[d > 0] {
			t.Errorf("%s: direction %v with orders %d then %d", id, f["direction"], prev[id].orders, cur[id].orders)
		}
	}
}

// checkDemoAnomalies compares every day an anomaly lists with that day's
// revenue or orders; the anomalous day itself lies within the last 90.
func checkDemoAnomalies(t *testing.T, r *response, td *trendDemo, last time.Time) {
	t.Helper()
	for _, f := range findings(r, "anomaly", "") {
		metric := f["metric"].(string)
		at := dateOf(f["period"].(map[string]any)["from"].(string))
		if at.After(last) || at.Before(last.AddDate(0, 0, -89)) {
			t.Errorf("%s anomaly on %s, outside the 90 days to %s", metric, isoDate(at), isoDate(last))
		}
		for _, x := range f["evidence"].([]any) {
			pt := x.(map[string]any)
			d := td.day(dateOf(pt["date"].(string)))
			what := fmt.Sprintf("%s on %s", metric, pt["date"])
			if metric == "revenue" {
				sameMoney(t, what, pt["value"], float64(d.revenue), 0)
			} else {
				sameNumber(t, what, pt["value"], float64(d.orders), 0)
			}
		}
	}
}

// checkDemoSeasonality compares each weekday's mean, and its difference
// from the mean day, over the complete weeks (up to 12) ending on or before
// the last day.
func checkDemoSeasonality(t *testing.T, r *response, td *trendDemo, last time.Time) {
	t.Helper()
	end := lastSundayOn(last)
	weeks := min(12, int(end.Sub(td.first).Hours()/24+1)/7)
	from := end.AddDate(0, 0, 1-7*weeks)
	for _, f := range findings(r, "seasonality", "") {
		metric := f["metric"].(string)
		if p := f["period"].(map[string]any); p["from"] != isoDate(from) || p["to"] != isoDate(end) {
			t.Errorf("%s: period %v, want %s..%s", metric, p, isoDate(from), isoDate(end))
		}
		var sums [7]float64
		total := 0.0
		for i := range 7 * weeks {
			d := td.day(from.AddDate(0, 0, i))
			v := float64(d.orders)
			if metric == "revenue" {
				v = float64(d.revenue)
			}
			sums[i%7] += v
			total += v
		}
		overall := total / float64(7*weeks)
		ev := f["evidence"].([]any)
		if len(ev) != 7 {
			t.Fatalf("%s: evidence %v", metric, ev)
		}
		for k, x := range ev {
			pt := x.(map[string]any)
			// from is a Monday.
			wd := from.AddDate(0, 0, k).Weekday()
			mean := sums[k] / float64(weeks)
			what := fmt.Sprintf("%s %s mean", metric, wd)
			if pt["weekday"] != map[time.Weekday]string{time.Monday: "monday", time.Tuesday: "tuesday",
				time.Wednesday: "wednesday", time.Thursday: "thursday", time.Friday: "friday",
				time.Saturday: "saturday", time.Sunday: "sunday"}[wd] {
				t.Errorf("%s: weekday %v", what, pt["weekday"])
			}
			if metric == "revenue" {
				sameMoney(t, what, pt["value"], mean, 0.5)
			} else {
				sameNumber(t, what, pt["value"], mean, 0.00005)
			}
			sameNumber(t, what+" relative", pt["relative_pct"], (mean-overall)/overall*100, 0.005)
		}
	}
}

// checkDemoSegmentShifts compares a shifted segment's sizes 28 days before
// the last day and on it with a brute-force RFM scoring of the purchases
// standing at each date, and with the segments report at those dates.
func checkDemoSegmentShifts(t *testing.T, s *shop, r *response, td *trendDemo, last time.Time) {
	t.Helper()
	fs := findings(r, "segment_shift", "")
	if len(fs) == 0 {
		return
	}
	before := last.AddDate(0, 0, -28)
	size := func(asOf time.Time) map[string]float64 {
		if out, ok := td.segments[asOf]; ok {
			return out
		}
		out := map[string]float64{}
		for _, c := range bruteRFM(td.facts, isoDate(asOf), td.loc) {
			out[c.segment]++
		}
		td.segments[asOf] = out
		return out
	}
	then, now := size(before), size(last)
	for _, f := range fs {
		seg := f["subject"].(string)
		if p := f["period"].(map[string]any); p["from"] != isoDate(before) || p["to"] != isoDate(last) {
			t.Errorf("%s: period %v", seg, p)
		}
		ev := f["evidence"].([]any)
		for i, want := range []struct {
			at time.Time
			n  float64
		}{{before, then[seg]}, {last, now[seg]}} {
			pt := ev[i].(map[string]any)
			if pt["date"] != isoDate(want.at) {
				t.Errorf("%s: point %d dated %v, want %s", seg, i, pt["date"], isoDate(want.at))
			}
			what := fmt.Sprintf("%s on %s", seg, isoDate(want.at))
			sameNumber(t, what, pt["value"], want.n, 0)
			sameNumber(t, what+" in the segments report", want.n, segmentCount(t, s, isoDate(want.at), seg), 0)
		}
		sameNumber(t, seg+" change", f["change_abs"], now[seg]-then[seg], 0)
	}
}
