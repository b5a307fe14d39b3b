package api_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

// The harness clock stands at 2026-11-20 10:00 UTC, a Friday; the shops
// here are in UTC, so the last complete day is Thursday 2026-11-19 and
// the last complete week ends on Sunday 2026-11-15.
var trendToday = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

// sale is one purchase of a synthetic series.
type sale struct {
	day     time.Time
	product string
	cents   int64
}

// plan describes a series day by day: the sales of day i (0 is the first
// day, days before trendToday).
type plan func(i int, d time.Time) []sale

// salesFor lists the sales of n days ending the day before trendToday.
func salesFor(n int, p plan) []sale {
	var out []sale
	for i := range n {
		d := trendToday.AddDate(0, 0, i-n)
		out = append(out, p(i, d)...)
	}
	return out
}

func repeat(d time.Time, n int, product string, cents func(k int) int64) []sale {
	out := make([]sale, n)
	for k := range out {
		out[k] = sale{day: d, product: product, cents: cents(k)}
	}
	return out
}

// trendShop is a shop of its own in db, for subtests sharing a database.
func trendShop(t *testing.T, db *store.DB, name string) *shop {
	t.Helper()
	h := newHarness(t, db)
	return &shop{h: h, c: h.register(name, name+"@example.com")}
}

// sendSales posts every sale as a purchase by a customer of its own, at
// noon of its day.
func sendSales(t *testing.T, s *shop, sales []sale) {
	t.Helper()
	events := make([]map[string]any, len(sales))
	for i, x := range sales {
		amount := fmt.Sprintf("%d.%02d", x.cents/100, x.cents%100)
		events[i] = map[string]any{"type": "purchase", "id": fmt.Sprintf("o_%d", i), "customer_id": fmt.Sprintf("c_%d", i),
			"amount": amount, "purchased_at": x.day.Add(12 * time.Hour).Format(time.RFC3339),
			"items": []map[string]any{{"product_id": x.product, "name": "Item " + x.product, "quantity": 1, "price": amount}}}
	}
	sendBatches(t, s, events)
}

// trendsOf fetches the trends and fails unless the answer is 200.
func trendsOf(t *testing.T, s *shop, query string, header map[string]string) *response {
	t.Helper()
	r := s.h.anon().send(req{method: "GET", path: "/api/v1/insights/trends" + query, bearer: s.c.key, header: header})
	if r.status != http.StatusOK {
		t.Fatalf("trends%s: %d %s", query, r.status, r.body)
	}
	return r
}

func findings(r *response, kind, metric string) []map[string]any {
	list, _ := r.field("findings")
	var out []map[string]any
	for _, f := range list.([]any) {
		m := f.(map[string]any)
		if m["kind"] == kind && (metric == "" || m["metric"] == metric) {
			out = append(out, m)
		}
	}
	return out
}

func skipReason(r *response, kind, metric string) string {
	list, _ := r.field("skipped")
	for _, s := range list.([]any) {
		m := s.(map[string]any)
		if m["kind"] == kind && m["metric"] == metric {
			return m["reason"].(string)
		}
	}
	return ""
}

// num reads a JSON number or decimal string.
func num(t *testing.T, v any) float64 {
	t.Helper()
	switch x := v.(type) {
	case float64:
		return x
	case string:
		f, err := strconv.ParseFloat(x, 64)
		if err == nil {
			return f
		}
	}
	t.Fatalf("not a number: %#v", v)
	return 0
}

// bruteDaily sums sales per date: revenue in currency units and orders.
func bruteDaily(sales []sale) (revenue, orders map[string]float64) {
	revenue, orders = map[string]float64{}, map[string]float64{}
	for _, x := range sales {
		d := x.day.Format(time.DateOnly)
		revenue[d] += float64(x.cents) / 100
		orders[d]++
	}
	return revenue, orders
}

// checkWeeklyEvidence compares a metric trend's weekly points with sums
// of the sales sent.
func checkWeeklyEvidence(t *testing.T, f map[string]any, daily map[string]float64) {
	t.Helper()
	for _, p := range f["evidence"].([]any) {
		pt := p.(map[string]any)
		start, _ := time.Parse(time.DateOnly, pt["period_start"].(string))
		if start.Weekday() != time.Monday {
			t.Errorf("week starts on %s, a %s", start.Format(time.DateOnly), start.Weekday())
		}
		want := 0.0
		for k := range 7 {
			want += daily[start.AddDate(0, 0, k).Format(time.DateOnly)]
		}
		if got := num(t, pt["value"]); math.Abs(got-want) > 0.005 {
			t.Errorf("%s week of %s: %v, want %v", f["metric"], pt["period_start"], got, want)
		}
	}
}

func TestTrendsPlantedLinearTrend(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, c := range []struct {
			name  string
			slope float64 // orders per day, per day
			dir   string
		}{{"rising", 0.1, "up"}, {"falling", -0.1, "down"}} {
			t.Run(c.name, func(t *testing.T) {
				s := trendShop(t, db, c.name)
				rng := rand.New(rand.NewPCG(7, 7))
				base := 10.0
				if c.slope < 0 {
					base = 28
				}
				sales := salesFor(190, func(i int, d time.Time) []sale {
					n := int(math.Round(base + c.slope*float64(i) + rng.Float64()*4 - 2))
					return repeat(d, n, "p1", func(int) int64 { return 2000 })
				})
				sendSales(t, s, sales)
				r := trendsOf(t, s, "", nil)
				revenue, orders := bruteDaily(sales)
				// Weekly orders grow by 7 days × slope × 7 days a week; every
				// order is 20.00.
				wantOrders := 49 * c.slope
				for _, m := range []struct {
					metric string
					slope  float64
					daily  map[string]float64
				}{{"orders", wantOrders, orders}, {"revenue", 20 * wantOrders, revenue}} {
					fs := findings(r, "metric_trend", m.metric)
					if len(fs) != 1 {
						t.Fatalf("%s: %d metric trends: %s", m.metric, len(fs), r.body)
					}
					f := fs[0]
					sig := f["significance"].(map[string]any)
					if f["direction"] != c.dir || sig["test"] != "mann_kendall_hamed_rao" || num(t, sig["adjusted_p_value"]) >= 0.05 {
						t.Errorf("%s: %v", m.metric, f)
					}
					if got := num(t, sig["sen_slope"]); math.Abs(got-m.slope) > 0.15*math.Abs(m.slope) {
						t.Errorf("%s: Sen slope %v per week, want about %v", m.metric, got, m.slope)
					}
					if p := f["period"].(map[string]any); p["to"] != "2026-11-15" || p["from"] != "2026-05-18" {
						t.Errorf("%s: period %v, want the 26 weeks to Sunday 2026-11-15", m.metric, p)
					}
					if n := len(f["evidence"].([]any)); n != 26 {
						t.Errorf("%s: %d weekly points, want 26", m.metric, n)
					}
					checkWeeklyEvidence(t, f, m.daily)
					if !strings.Contains(f["summary"].(string), "over 26 weeks") {
						t.Errorf("summary: %q", f["summary"])
					}
				}
				// Every order is the same: no trend in average order value.
				if fs := findings(r, "metric_trend", "aov"); len(fs) != 0 {
					t.Errorf("constant AOV called a trend: %v", fs)
				}
				// Every customer orders once: the repeat rate is 0 every week,
				// tested and no trend.
				if fs := findings(r, "metric_trend", "repeat_rate"); len(fs) != 0 {
					t.Errorf("constant repeat rate called a trend: %v", fs)
				}
				if reason := skipReason(r, "metric_trend", "repeat_rate"); reason != "" {
					t.Errorf("repeat_rate skipped: %q", reason)
				}
			})
		}
	})
}

// noisePlan is 8 to 12 orders a day of 10.00 to 30.00 each, drawn from
// seed, spread over three products.
func noisePlan(seed uint64) plan {
	rng := rand.New(rand.NewPCG(seed, 3))
	return func(i int, d time.Time) []sale {
		n := 8 + rng.IntN(5)
		out := make([]sale, n)
		for k := range out {
			out[k] = sale{day: d, product: fmt.Sprintf("p%d", rng.IntN(3)), cents: 1000 + rng.Int64N(2000)}
		}
		return out
	}
}

// Every test here has a 5% false-positive rate by design, so some noise
// series must come out "significant" or nearly: seed 3 is on the edge
// (weekly revenue falls with p = 0.0106 after three low weeks in October:
// adjusted p = 0.053 in the family of five metric tests, but 0.042 without
// the repeat rate, a constant 0 here where every order is by a new
// customer) and is left out, so that the test does not rest on the size of
// the family. The rate itself is measured over 400 series in package trend
// (TestNoiseFalsePositiveRate).
func TestTrendsPureNoiseFindsNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, seed := range []uint64{1, 2, 4, 5, 6} {
			t.Run(fmt.Sprint(seed), func(t *testing.T) {
				s := trendShop(t, db, fmt.Sprint("noise", seed))
				sendSales(t, s, salesFor(190, noisePlan(seed)))
				r := trendsOf(t, s, "", nil)
				for _, kind := range []string{"metric_trend", "anomaly", "seasonality"} {
					if fs := findings(r, kind, ""); len(fs) != 0 {
						t.Errorf("noise gave %d %s findings: %v", len(fs), kind, fs)
					}
				}
			})
		}
	})
}

func TestTrendsPlantedSpikeAndDrop(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newShop(t, db)
		rng := rand.New(rand.NewPCG(11, 11))
		spike, drop := "2026-10-21", "2026-11-19"
		sales := salesFor(120, func(i int, d time.Time) []sale {
			n := 18 + rng.IntN(5)
			switch d.Format(time.DateOnly) {
			case spike:
				n = 80
			case drop:
				n = 2
			}
			return repeat(d, n, "p1", func(int) int64 { return 1500 + rng.Int64N(1000) })
		})
		sendSales(t, s, sales)
		r := trendsOf(t, s, "", nil)
		revenue, orders := bruteDaily(sales)
		for _, m := range []struct {
			metric string
			daily  map[string]float64
		}{{"revenue", revenue}, {"orders", orders}} {
			fs := findings(r, "anomaly", m.metric)
			got := map[string]string{}
			for _, f := range fs {
				p := f["period"].(map[string]any)
				got[p["from"].(string)] = f["direction"].(string)
				sig := f["significance"].(map[string]any)
				if sig["test"] != "generalized_esd" || num(t, sig["statistic"]) <= num(t, sig["critical_value"]) ||
					math.Abs(num(t, sig["mad_score"])) <= 3.5 || num(t, sig["p_value"]) >= 0.05 {
					t.Errorf("%s anomaly on %s did not pass its tests: %v", m.metric, p["from"], sig)
				}
				for _, e := range f["evidence"].([]any) {
					pt := e.(map[string]any)
					if want := m.daily[pt["date"].(string)]; math.Abs(num(t, pt["value"])-want) > 0.005 {
						t.Errorf("%s on %s: %v, want %v", m.metric, pt["date"], pt["value"], want)
					}
				}
			}
			if len(fs) != 2 || got[spike] != "up" || got[drop] != "down" {
				t.Errorf("%s anomalies %v, want a spike on %s and a drop on %s: %s", m.metric, got, spike, drop, r.body)
			}
		}
		// Without the data after it, the drop does not exist yet.
		r = trendsOf(t, s, "?as_of=2026-11-01", nil)
		if v, _ := r.field("as_of"); v != "2026-11-01" {
			t.Errorf("as_of = %v", v)
		}
		for _, f := range findings(r, "anomaly", "") {
			if from := f["period"].(map[string]any)["from"]; from != spike {
				t.Errorf("as of 2026-11-01, an anomaly on %v", from)
			}
			for _, e := range f["evidence"].([]any) {
				if d := e.(map[string]any)["date"].(string); d > "2026-11-01" {
					t.Errorf("as of 2026-11-01, evidence from %s", d)
				}
			}
		}
		if len(findings(r, "anomaly", "revenue")) != 1 {
			t.Errorf("as of 2026-11-01: %s", r.body)
		}
	})
}

func TestTrendsWeekdayPattern(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newShop(t, db)
		rng := rand.New(rand.NewPCG(5, 5))
		// Monday first: Saturdays sell twice the usual, Tuesdays 60%.
		factor := map[time.Weekday]float64{time.Monday: 1, time.Tuesday: 0.6, time.Wednesday: 1, time.Thursday: 1,
			time.Friday: 1.2, time.Saturday: 2, time.Sunday: 1.3}
		sales := salesFor(100, func(i int, d time.Time) []sale {
			n := int(math.Round(10*factor[d.Weekday()] + rng.Float64()*4 - 2))
			return repeat(d, n, "p1", func(int) int64 { return 1000 })
		})
		sendSales(t, s, sales)
		r := trendsOf(t, s, "", nil)
		_, orders := bruteDaily(sales)
		fs := findings(r, "seasonality", "orders")
		if len(fs) != 1 {
			t.Fatalf("%d seasonality findings for orders: %s", len(fs), r.body)
		}
		f := fs[0]
		p := f["period"].(map[string]any)
		if p["from"] != "2026-08-24" || p["to"] != "2026-11-15" {
			t.Errorf("period %v, want the 12 weeks to 2026-11-15", p)
		}
		// Brute force: the mean of each weekday over those 12 weeks, and its
		// percentage against the mean day.
		from, _ := time.Parse(time.DateOnly, "2026-08-24")
		sums, total := make([]float64, 7), 0.0
		for i := range 84 {
			v := orders[from.AddDate(0, 0, i).Format(time.DateOnly)]
			sums[i%7] += v
			total += v
		}
		ev := f["evidence"].([]any)
		names := []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
		for k, e := range ev {
			pt := e.(map[string]any)
			mean, overall := sums[k]/12, total/84
			if pt["weekday"] != names[k] || math.Abs(num(t, pt["value"])-mean) > 1e-4 ||
				math.Abs(num(t, pt["relative_pct"])-(mean/overall-1)*100) > 0.01 {
				t.Errorf("weekday %d: %v, want mean %v, %.2f%%", k, pt, mean, (mean/overall-1)*100)
			}
		}
		sig := f["significance"].(map[string]any)
		if sig["test"] != "kruskal_wallis" || num(t, sig["p_value"]) >= 0.05 || num(t, sig["strength"]) < 0.3 {
			t.Errorf("significance %v", sig)
		}
		if !strings.Contains(f["summary"].(string), "Saturdays +") || !strings.Contains(f["summary"].(string), "Tuesdays −") {
			t.Errorf("summary %q", f["summary"])
		}
	})
}

func TestTrendsRisingAndDecliningProducts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newShop(t, db)
		// 56 days to 2026-11-19: the previous period is 09-25..10-22.
		sales := salesFor(56, func(i int, d time.Time) []sale {
			recent := i >= 28
			var out []sale
			out = append(out, repeat(d, 1+2*b2i(recent), "rising", func(int) int64 { return 500 })...)
			out = append(out, repeat(d, 3-2*b2i(recent), "declining", func(int) int64 { return 700 })...)
			out = append(out, repeat(d, 2, "steady", func(int) int64 { return 900 })...)
			if i%10 == 0 {
				out = append(out, sale{day: d, product: "rare", cents: 100})
			}
			return out
		})
		sendSales(t, s, sales)
		r := trendsOf(t, s, "", nil)
		got := map[string]map[string]any{}
		for _, f := range findings(r, "product_trend", "orders") {
			got[f["subject"].(string)] = f
		}
		if len(got) != 2 || got["rising"] == nil || got["declining"] == nil {
			t.Fatalf("product trends %v: %s", got, r.body)
		}
		for _, c := range []struct {
			product     string
			dir         string
			prev, cur   float64
			prevRevenue string
		}{{"rising", "up", 28, 84, "140.00"}, {"declining", "down", 84, 28, "588.00"}} {
			f := got[c.product]
			sig := f["significance"].(map[string]any)
			if f["direction"] != c.dir || num(t, sig["previous_orders"]) != c.prev || num(t, sig["current_orders"]) != c.cur ||
				num(t, f["change_abs"]) != c.cur-c.prev || num(t, sig["adjusted_p_value"]) >= 0.05 {
				t.Errorf("%s: %v", c.product, f)
			}
			if p := f["period"].(map[string]any); p["from"] != "2026-09-25" || p["to"] != "2026-11-19" {
				t.Errorf("%s: period %v", c.product, p)
			}
			ev := f["evidence"].([]any)
			if e := ev[0].(map[string]any); e["revenue"] != c.prevRevenue || e["period_end"] != "2026-10-22" {
				t.Errorf("%s: evidence %v", c.product, ev)
			}
			if !strings.Contains(f["summary"].(string), "“Item "+c.product+"”") {
				t.Errorf("summary %q", f["summary"])
			}
		}
		if want := 100 * (84.0 - 28) / 28; math.Abs(num(t, got["rising"]["change_pct"])-want) > 0.01 {
			t.Errorf("change_pct %v, want %v", got["rising"]["change_pct"], want)
		}
	})
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestTrendsTooLittleData(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newShop(t, db)
		r := trendsOf(t, s, "", nil)
		if reason := skipReason(r, "metric_trend", "revenue"); !strings.Contains(reason, "no sales") {
			t.Errorf("empty app: %s", r.body)
		}
		sendSales(t, s, salesFor(20, noisePlan(9)))
		r = trendsOf(t, s, "", nil)
		if list, _ := r.field("findings"); len(list.([]any)) != 0 {
			t.Errorf("findings on 20 days: %s", r.body)
		}
		for _, c := range []struct{ kind, metric, want string }{
			{"metric_trend", "revenue", "at least 8 complete weeks (Monday to Sunday) of data; there are 2"},
			{"metric_trend", "orders", "at least 8 complete weeks"},
			{"metric_trend", "new_customers", "at least 8 complete weeks"},
			{"metric_trend", "aov", "at least 8 complete weeks"},
			{"metric_trend", "repeat_rate", "at least 8 complete weeks (Monday to Sunday) of data; there are 2"},
			{"product_trend", "orders", "at least 56 days of data; there are 20"},
			{"anomaly", "revenue", "at least 28 days of data; there are 20"},
			{"anomaly", "orders", "at least 28 days"},
			{"seasonality", "revenue", "at least 4 complete weeks"},
			{"seasonality", "orders", "at least 4 complete weeks"},
			{"segment_shift", "customers", "at least 29 days of data; there are 20"},
		} {
			if reason := skipReason(r, c.kind, c.metric); !strings.Contains(reason, c.want) {
				t.Errorf("%s %s skipped for %q, want %q", c.kind, c.metric, reason, c.want)
			}
		}
		// Before the first sale there is nothing.
		r = trendsOf(t, s, "?as_of=2026-10-01", nil)
		if reason := skipReason(r, "anomaly", "orders"); !strings.Contains(reason, "no sales") {
			t.Errorf("as of a date before the data: %s", r.body)
		}
	})
}

func TestTrendsLanguage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newShop(t, db)
		rng := rand.New(rand.NewPCG(2, 2))
		sales := salesFor(60, func(i int, d time.Time) []sale {
			n := 18 + rng.IntN(5)
			if d.Format(time.DateOnly) == "2026-11-02" {
				n = 900
			}
			return repeat(d, n, "p1", func(int) int64 { return 1500 })
		})
		sendSales(t, s, sales)
		for _, c := range []struct {
			query  string
			header map[string]string
			want   string
		}{
			{"?lang=ru", nil, "Выручка 2 ноября 2026 составила 13\u00a0500,00\u00a0$ — намного выше ожидаемых"},
			{"", map[string]string{"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}, "Выручка 2 ноября 2026 составила 13\u00a0500,00\u00a0$"},
			{"", map[string]string{"Accept-Language": "de, en;q=0.4, ru;q=0.2"}, "Revenue on Nov 2, 2026 was $13,500.00, far above the expected"},
			{"?lang=en", map[string]string{"Accept-Language": "ru"}, "Revenue on Nov 2, 2026 was $13,500.00"},
		} {
			r := trendsOf(t, s, c.query, c.header)
			fs := findings(r, "anomaly", "revenue")
			if len(fs) != 1 || !strings.Contains(fs[0]["summary"].(string), c.want) {
				t.Errorf("%s %v: want a summary with %q: %s", c.query, c.header, c.want, r.body)
			}
		}
		// The 60 days start on Sunday 2026-09-20: as of 2026-10-20 there
		// are 4 complete weeks.
		r := trendsOf(t, s, "?lang=ru&as_of=2026-10-20", nil)
		if reason := skipReason(r, "metric_trend", "repeat_rate"); reason != "нужно не меньше 8 полных недель (с понедельника по воскресенье) данных; есть 4" {
			t.Errorf("Russian reason %q", reason)
		}
		if v, _ := r.field("currency"); v != "USD" {
			t.Errorf("currency %v", v)
		}
	})
}

func TestTrendsBadParameters(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newShop(t, db)
		for _, c := range []struct{ query, field string }{
			{"?as_of=2026-13-01", "as_of"},
			{"?as_of=yesterday", "as_of"},
			{"?as_of=2026-11-21", "as_of"},
			{"?lang=fr", "lang"},
		} {
			r := s.get("/api/v1/insights/trends" + c.query)
			if r.status != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d", c.query, r.status)
				continue
			}
			checkProblem(t, r)
			if f, _ := r.field("errors.0.field"); f != c.field {
				t.Errorf("%s: field %v, want %s", c.query, f, c.field)
			}
		}
		if r := s.get("/api/v1/insights/trends?as_of=2026-11-20"); r.status != http.StatusOK {
			t.Errorf("as_of today: %d %s", r.status, r.body)
		}
	})
}
