package trend

import (
	"math"
	"math/rand/v2"
	"testing"

	"pulse/internal/model"
	"pulse/internal/store"
)

// analyse runs the analyses that need only daily totals and weekly buyer
// counts on synthetic days ending on last; buyers gives the week that
// starts on Monday start.
func analyse(t *testing.T, days []store.DaySales, last int64, buyers func(start int64) buyerWeek) *Result {
	t.Helper()
	res := &Result{}
	first := last - int64(len(days)) + 1
	a := &analysis{app: model.App{Currency: "USD"}, first: first, last: last, from: first, days: days, txt: texts("en"), res: res}
	a.buyerWeeks = func(starts []int64) ([]buyerWeek, error) {
		out := make([]buyerWeek, len(starts))
		for k, s := range starts {
			out[k] = buyers(s)
		}
		return out, nil
	}
	if err := a.metricTrends(); err != nil {
		t.Fatal(err)
	}
	a.anomalies()
	a.seasonality()
	return res
}

// buyersAt draws a week of about 200 buyers, each ordering again in the
// week with probability p(start).
func buyersAt(rng *rand.Rand, p func(start int64) float64) func(start int64) buyerWeek {
	return func(start int64) buyerWeek {
		w := buyerWeek{buyers: 180 + rng.Int64N(41)}
		for range w.buyers {
			if rng.Float64() < p(start) {
				w.repeaters++
			}
		}
		return w
	}
}

// series builds days from per-day orders and revenue functions.
func series(n int, last int64, orders func(i int) float64, revenue func(i int) float64) []store.DaySales {
	days := make([]store.DaySales, n)
	first := last - int64(n) + 1
	for i := range days {
		o := max(0, int64(math.Round(orders(i))))
		days[i] = store.DaySales{Day: first + int64(i), Orders: o, Revenue: max(0, int64(math.Round(revenue(i)))), NewCustomers: o / 3}
	}
	return days
}

func kinds(res *Result) map[string]int {
	m := map[string]int{}
	for _, f := range res.Findings {
		m[f.Kind]++
	}
	return m
}

// Over many independent noise series the rate of false findings stays at
// or under the levels the tests promise.
func TestNoiseFalsePositiveRate(t *testing.T) {
	t.Parallel()
	const runs = 400
	var trendRuns, anomalyRuns, seasonRuns int
	for seed := range uint64(runs) {
		rng := rand.New(rand.NewPCG(seed, 99))
		days := series(200, 20775, func(int) float64 { return 40 + rng.NormFloat64()*6 },
			func(int) float64 { return 200000 + rng.NormFloat64()*30000 })
		k := kinds(analyse(t, days, 20775, buyersAt(rng, func(int64) float64 { return 0.25 })))
		if k[KindMetric] > 0 {
			trendRuns++
		}
		if k[KindAnomaly] > 0 {
			anomalyRuns++
		}
		if k[KindSeasonality] > 0 {
			seasonRuns++
		}
	}
	t.Logf("noise: %d/%d runs with a metric trend, %d with an anomaly, %d with seasonality", trendRuns, runs, anomalyRuns, seasonRuns)
	// Metric trends are one family at 5%; anomalies are two series, each
	// with a generalized ESD test at 5%; seasonality also needs strength.
	// Allow for sampling error over 400 runs (binomial sd about 1.1%).
	if trendRuns > runs*7/100 || anomalyRuns > runs*12/100 || seasonRuns > runs*2/100 {
		t.Errorf("false findings on noise above the tests' levels")
	}
}

// A planted trend, spike and weekday pattern are all found in one series.
func TestPlantedFindings(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	const last = 20775 // 2026-11-18, a Wednesday
	factor := []float64{1, 0.7, 1, 1, 1.1, 1.8, 1.4}
	days := series(200, last, func(i int) float64 {
		d := int64(last - 199 + i)
		return (30 + 0.05*float64(i)) * factor[weekday(d)] * (1 + rng.NormFloat64()*0.05)
	}, func(i int) float64 { return 150000 + 500*float64(i) + rng.NormFloat64()*3000 })
	days[190].Revenue *= 3 // 2026-11-09
	// The share of buyers who order again in the week grows from 15% to
	// 35%.
	res := analyse(t, days, last, buyersAt(rng, func(start int64) float64 { return 0.15 + 0.2*float64(start-(last-199))/199 }))
	got := map[string]bool{}
	for _, f := range res.Findings {
		got[f.Kind+"/"+f.Metric+"/"+f.Direction] = true
		if f.Kind == KindAnomaly && f.Period.From != "2026-11-09" {
			t.Errorf("anomaly on %s", f.Period.From)
		}
	}
	for _, want := range []string{"metric_trend/revenue/up", "metric_trend/orders/up", "anomaly/revenue/up", "seasonality/orders/up", "metric_trend/repeat_rate/up"} {
		if !got[want] {
			t.Errorf("no %s in %v", want, got)
		}
	}
}
