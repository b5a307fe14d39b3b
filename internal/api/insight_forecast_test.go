package api_test

import (
	"math"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

// weeklyPlan sells more at the weekend and a little more each week, with
// every day's amounts different, for n days before trendToday.
func weeklyPlan(n int) []sale {
	return salesFor(n, func(i int, d time.Time) []sale {
		orders := 10 + i/14
		switch d.Weekday() {
		case time.Friday:
			orders += 6
		case time.Saturday:
			orders += 12
		case time.Sunday:
			orders += 9
		}
		return repeat(d, orders, "p1", func(k int) int64 { return 1500 + int64((i*37+k*91)%700) })
	})
}

// forecastOf fetches a forecast and fails unless the answer is 200.
func forecastOf(t *testing.T, s *shop, q url.Values) *response {
	t.Helper()
	r := s.get("/api/v1/insights/forecast?" + q.Encode())
	if r.status != 200 {
		t.Fatalf("forecast?%s: %d %s", q.Encode(), r.status, r.body)
	}
	return r
}

type bucketWant struct {
	start, end string
	value      float64
}

// bruteBuckets sums the sales of every whole period of an interval, from
// the first whole one to the last one that ends by lastDay.
func bruteBuckets(sales []sale, metric, interval string, lastDay time.Time) []bucketWant {
	first := sales[0].day
	for _, x := range sales {
		if x.day.Before(first) {
			first = x.day
		}
	}
	start := first
	switch interval {
	case "week":
		for start.Weekday() != time.Monday {
			start = start.AddDate(0, 0, 1)
		}
	case "month":
		if start.Day() != 1 {
			start = time.Date(start.Year(), start.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		}
	}
	var out []bucketWant
	for {
		end := start
		switch interval {
		case "week":
			end = start.AddDate(0, 0, 6)
		case "month":
			end = start.AddDate(0, 1, -1)
		}
		if end.After(lastDay) {
			return out
		}
		b := bucketWant{start: start.Format(time.DateOnly), end: end.Format(time.DateOnly)}
		for _, x := range sales {
			if !x.day.Before(start) && !x.day.After(end) {
				if metric == "revenue" {
					b.value += float64(x.cents) / 100
				} else {
					b.value++ // each sale is its own order and its own new customer
				}
			}
		}
		b.value = math.Round(b.value*100) / 100
		out = append(out, b)
		start = end.AddDate(0, 0, 1)
	}
}

// TestForecastHistoryAndShape: the history a forecast rests on is the
// app's own sales summed per whole period (checked against the sales
// sent), the forecast starts the period after and has the horizon's
// length, and its intervals nest: 95% around 80% around the forecast.
func TestForecastHistoryAndShape(t *testing.T) {
	t.Parallel()
	sales := weeklyPlan(150)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := trendShop(t, db, "fc")
		sendSales(t, s, sales)
		yesterday := trendToday.AddDate(0, 0, -1)
		for _, c := range []struct {
			metric, interval string
			firstForecast    string
			horizon          int
		}{
			{"revenue", "day", "2026-11-20", 30},
			{"orders", "day", "2026-11-20", 30},
			{"new_customers", "day", "2026-11-20", 30},
			{"revenue", "week", "2026-11-16", 13},
			{"orders", "week", "2026-11-16", 13},
			{"revenue", "month", "2026-11-01", 6},
		} {
			t.Run(c.metric+"/"+c.interval, func(t *testing.T) {
				r := forecastOf(t, s, url.Values{"metric": {c.metric}, "interval": {c.interval}})
				want := bruteBuckets(sales, c.metric, c.interval, yesterday)
				hist, _ := r.field("history")
				h := hist.([]any)
				if len(h) != len(want) {
					t.Fatalf("history has %d periods, want %d", len(h), len(want))
				}
				for i, w := range want {
					m := h[i].(map[string]any)
					if m["period_start"] != w.start || m["period_end"] != w.end || math.Abs(m["value"].(float64)-w.value) > 0.005 {
						t.Fatalf("history[%d] = %v, want %+v", i, m, w)
					}
				}
				fc, _ := r.field("forecast")
				f := fc.([]any)
				if len(f) != c.horizon {
					t.Fatalf("%d forecast periods, want %d", len(f), c.horizon)
				}
				if got := f[0].(map[string]any)["period_start"]; got != c.firstForecast {
					t.Errorf("forecast starts %v, want %s", got, c.firstForecast)
				}
				for i, x := range f {
					m := x.(map[string]any)
					l95, l80, v, u80, u95 := m["lower_95"].(float64), m["lower_80"].(float64), m["value"].(float64),
						m["upper_80"].(float64), m["upper_95"].(float64)
					if !(0 <= l95 && l95 <= l80 && l80 <= v && v <= u80 && u80 <= u95) {
						t.Errorf("forecast[%d] intervals do not nest: %v", i, m)
					}
				}
				cur, _ := r.field("currency")
				if (c.metric == "revenue") != (cur == "USD") {
					t.Errorf("currency = %v for %s", cur, c.metric)
				}
				if r.str("model") == "" || r.str("fitted_model") == "" {
					t.Errorf("model not named: %.300s", r.body)
				}
			})
		}
	})
}

// TestForecastFollowsTheWeek: on a strong weekly pattern the daily
// forecast's first week has its shape, and the backtest tells how it did
// against the seasonal naive forecast: when the model lost there, the
// baseline is what is shown.
func TestForecastFollowsTheWeek(t *testing.T) {
	t.Parallel()
	sales := weeklyPlan(150)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := trendShop(t, db, "wk")
		sendSales(t, s, sales)
		r := forecastOf(t, s, url.Values{"metric": {"orders"}})
		fc, _ := r.field("forecast")
		// Planted: 16 + 6 on Friday, +12 on Saturday, +9 on Sunday (the
		// trend adds one order every two weeks, 20 weeks in).
		byDay := map[time.Weekday]float64{}
		for _, x := range fc.([]any)[:7] {
			m := x.(map[string]any)
			d, _ := time.Parse(time.DateOnly, m["period_start"].(string))
			byDay[d.Weekday()] = m["value"].(float64)
		}
		if !(byDay[time.Saturday] > byDay[time.Sunday] && byDay[time.Sunday] > byDay[time.Friday] &&
			byDay[time.Friday] > byDay[time.Wednesday]) {
			t.Errorf("first week's forecast lost the weekly pattern: %v", byDay)
		}
		if math.Abs(byDay[time.Wednesday]-20.6) > 2.5 {
			t.Errorf("Wednesday forecast %.2f, planted about 20.6", byDay[time.Wednesday])
		}
		acc, _ := r.field("accuracy")
		a, ok := acc.(map[string]any)
		if !ok {
			t.Fatalf("no accuracy: %.400s", r.body)
		}
		if a["method"] != "rolling_origin" || a["baseline"] != "seasonal_naive" || a["origins"].(float64) < 1 ||
			a["seasonal_period"] != float64(7) {
			t.Errorf("accuracy = %v", a)
		}
		beats := a["beats_baseline"].(bool)
		if beats != (a["mase"].(float64) < a["baseline_mase"].(float64)) {
			t.Errorf("beats_baseline %v disagrees with MASE %v vs %v", beats, a["mase"], a["baseline_mase"])
		}
		if shown := r.str("model_kind"); !beats && shown != "seasonal_naive" {
			t.Errorf("the model lost to the baseline but %s is shown", shown)
		}
		// The baseline's MASE, recomputed from the history the answer
		// gives: at each origin, the last week before it repeated over
		// the horizon, its mean absolute error scaled by the training
		// part's mean absolute change from a week before. The earliest
		// origin here trains on 12 days.
		hist, _ := r.field("history")
		var y []float64
		for _, x := range hist.([]any) {
			y = append(y, x.(map[string]any)["value"].(float64))
		}
		k, step, h := int(a["origins"].(float64)), int(a["step"].(float64)), int(a["horizon"].(float64))
		var sum float64
		for i := range k {
			end := len(y) - h - i*step
			train, test := y[:end], y[end:end+h]
			var mae float64
			meanChange := func(lag int) float64 {
				var s float64
				for t := lag; t < len(train); t++ {
					s += math.Abs(train[t] - train[t-lag])
				}
				return s / float64(len(train)-lag)
			}
			// A training part with the same week every time has no weekly
			// change: then the day-to-day change is the scale.
			scale := meanChange(7)
			if scale == 0 {
				scale = meanChange(1)
			}
			for j, v := range test {
				mae += math.Abs(v - train[len(train)-7+j%7])
			}
			sum += mae / float64(h) / scale
		}
		if want := sum / float64(k); math.Abs(a["baseline_mase"].(float64)-want) > 1e-3 {
			t.Errorf("baseline_mase = %v, recomputed %.4f (%d origins %d apart)", a["baseline_mase"], want, k, step)
		}
		t.Logf("orders by day: %s (fitted %s), MASE %.3f vs seasonal naive %.3f", r.str("model"), r.str("fitted_model"),
			a["mase"], a["baseline_mase"])
	})
}

// TestForecastAsOfAndParameters: as_of ends the history on that day;
// horizon sets the length; bad parameters are 422s naming the field; an
// app without sales gets a labelled zero forecast.
func TestForecastAsOfAndParameters(t *testing.T) {
	t.Parallel()
	sales := weeklyPlan(150)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		empty := trendShop(t, db, "empty")
		r := forecastOf(t, empty, url.Values{})
		if r.str("reason") != "no_history" {
			t.Errorf("empty shop reason = %v", r.str("reason"))
		}
		if h, _ := r.field("history"); len(h.([]any)) != 0 {
			t.Errorf("empty shop history = %v", h)
		}

		// Sales from Wednesday Nov 4 make one whole week (Nov 9 to 15):
		// too little for a forecast by week, enough by day.
		short := trendShop(t, db, "short")
		sendSales(t, short, weeklyPlan(16))
		r = forecastOf(t, short, url.Values{"interval": {"week"}})
		if r.str("reason") != "too_short" || r.str("model") != "None" {
			t.Errorf("one week of history: reason %q, model %q", r.str("reason"), r.str("model"))
		}
		if f, _ := r.field("forecast"); len(f.([]any)) != 0 {
			t.Errorf("one week of history gave a forecast: %v", f)
		}
		if h, _ := r.field("history"); len(h.([]any)) != 1 {
			t.Errorf("one week of history: history %v", h)
		}
		if r = forecastOf(t, short, url.Values{}); len(r.body) == 0 || r.str("model") == "None" {
			t.Errorf("16 days by day: %.200s", r.body)
		}

		s := trendShop(t, db, "asof")
		sendSales(t, s, sales)
		r = forecastOf(t, s, url.Values{"as_of": {"2026-10-01"}, "horizon": {"7"}})
		hist, _ := r.field("history")
		h := hist.([]any)
		if last := h[len(h)-1].(map[string]any)["period_start"]; last != "2026-10-01" {
			t.Errorf("history ends %v, want 2026-10-01", last)
		}
		fc, _ := r.field("forecast")
		if f := fc.([]any); len(f) != 7 || f[0].(map[string]any)["period_start"] != "2026-10-02" {
			t.Errorf("forecast from as_of 2026-10-01 = %v", f)
		}
		for q, field := range map[string]string{
			"metric=profit": "metric", "interval=year": "interval", "horizon=0": "horizon", "horizon=91": "horizon",
			"interval=week&horizon=53": "horizon", "horizon=x": "horizon", "as_of=2026-11-21": "as_of", "as_of=yesterday": "as_of",
		} {
			r := s.get("/api/v1/insights/forecast?" + q)
			if r.status != 422 {
				t.Errorf("%s: %d %s", q, r.status, r.body)
				continue
			}
			if got := r.str("errors.0.field"); got != field {
				t.Errorf("%s: error on %s, want %s", q, got, field)
			}
		}
	})
}

// TestForecastOfAProduct: a product's forecast rests on its own daily
// sales (checked against the sales sent); a product sold on few days gets
// Croston or TSB, a product sold daily gets ETS; an unknown product and
// new customers of a product are 422s.
func TestForecastOfAProduct(t *testing.T) {
	t.Parallel()
	sales := salesFor(150, func(i int, d time.Time) []sale {
		out := repeat(d, 8+i%3, "daily", func(k int) int64 { return 1200 + int64(k*40) })
		if i%6 == 0 { // about one day in six
			out = append(out, sale{day: d, product: "rare", cents: 9900})
		}
		return out
	})
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := trendShop(t, db, "products")
		sendSales(t, s, sales)
		for _, c := range []struct {
			product, metric string
			kinds           []string
		}{
			{"rare", "orders", []string{"croston", "tsb"}},
			{"rare", "revenue", []string{"croston", "tsb"}},
			{"daily", "orders", []string{"ets", "seasonal_naive", "naive"}},
		} {
			r := forecastOf(t, s, url.Values{"product": {c.product}, "metric": {c.metric}})
			if id, _ := r.field("product.id"); id != c.product {
				t.Errorf("%s: product = %v", c.product, id)
			}
			if name, _ := r.field("product.name"); name != "Item "+c.product {
				t.Errorf("%s: product name = %v", c.product, name)
			}
			if k := r.str("model_kind"); !slices.Contains(c.kinds, k) {
				t.Errorf("%s %s: model %s (%s), want one of %v", c.product, c.metric, r.str("model"), k, c.kinds)
			}
			var mine []sale
			for _, x := range sales {
				if x.product == c.product {
					mine = append(mine, x)
				}
			}
			want := bruteBuckets(mine, c.metric, "day", trendToday.AddDate(0, 0, -1))
			hist, _ := r.field("history")
			h := hist.([]any)
			if len(h) != len(want) {
				t.Fatalf("%s: %d days of history, want %d", c.product, len(h), len(want))
			}
			for i, w := range want {
				if m := h[i].(map[string]any); m["period_start"] != w.start || math.Abs(m["value"].(float64)-w.value) > 0.005 {
					t.Fatalf("%s %s history[%d] = %v, want %+v", c.product, c.metric, i, m, w)
				}
			}
			fc, _ := r.field("forecast")
			for _, x := range fc.([]any) {
				if v := x.(map[string]any)["value"].(float64); v < 0 {
					t.Errorf("%s: negative forecast %v", c.product, v)
				}
			}
		}
		for q, field := range map[string]string{
			"product=nothing":                     "product",
			"product=rare&metric=new_customers":   "metric",
			"product=" + strings.Repeat("x", 129): "product",
		} {
			r := s.get("/api/v1/insights/forecast?" + q)
			if r.status != 422 || r.str("errors.0.field") != field {
				t.Errorf("%.40s: %d %s", q, r.status, r.body)
			}
		}
		if r := forecastOf(t, s, url.Values{}); r.json.(map[string]any)["product"] != nil {
			t.Errorf("the shop's forecast names a product: %.200s", r.body)
		}
	})
}
