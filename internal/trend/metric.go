package trend

import (
	"pulse/internal/day"
	"pulse/internal/stats"
)

const (
	// maxWeeks is how many complete weeks the metric trends look back: half
	// a year, long enough for the test to have power, short enough to
	// describe the business as it is now.
	maxWeeks = 26
	// minWeeks is the shortest series the Mann-Kendall test is run on:
	// below 8 points its normal approximation is poor and even a perfectly
	// monotonic series barely reaches significance after the
	// autocorrelation correction.
	minWeeks = 8
)

// weekly is one metric's series of weekly values.
type weekly struct {
	metric  string
	isMoney bool
	// isPercent marks a rate in percent, whose changes are in percentage
	// points.
	isPercent bool
	starts    []int64 // each week's Monday
	values    []float64
}

// metricTrends tests weekly revenue, orders, new customers, average order
// value and repeat-purchase rate over the last complete weeks for a
// monotonic trend with the Hamed–Rao corrected Mann-Kendall test, the five
// p-values adjusted together with Benjamini–Hochberg: the metrics share
// their data, and five tests at 5% would call a trend in one of them on
// pure noise more than one time in five.
func (a *analysis) metricTrends() error {
	end := lastSunday(a.last)
	n := min(maxWeeks, int((end-a.first+1)/7))
	if n < minWeeks {
		for _, k := range allAnalyses {
			if k.kind == KindMetric {
				a.skip(KindMetric, k.metric, a.txt.fewWeeks(minWeeks, n))
			}
		}
		return nil
	}
	rate, err := a.repeatSeries(end, n)
	if err != nil {
		return err
	}
	series := append(a.weeklySeries(end, n), rate)
	var (
		tested []weekly
		tests  []stats.MannKendall
		ps     []float64
	)
	for _, s := range series {
		if len(s.values) < minWeeks {
			a.skip(KindMetric, s.metric, a.txt.fewWeeksWithOrders(minWeeks, len(s.values)))
			continue
		}
		mk := stats.HamedRao(s.values, Alpha)
		tested, tests, ps = append(tested, s), append(tests, mk), append(ps, mk.P)
	}
	q := stats.BenjaminiHochberg(ps)
	for i, s := range tested {
		mk := tests[i]
		// A significant S with a zero median slope (many equal values) has
		// no size to report, and a slope against S no direction.
		if q[i] > Alpha || mk.Slope == 0 || (mk.S > 0) != (mk.Slope > 0) {
			continue
		}
		a.add(a.metricFinding(s, mk, q[i]))
	}
	return nil
}

// weeklySeries sums the n complete weeks ending on Sunday end. Average
// order value leaves out weeks without orders, where it is undefined; its
// Sen slope is then per week with orders, which differs from per calendar
// week only when some weeks had none.
func (a *analysis) weeklySeries(end int64, n int) []weekly {
	rev := weekly{metric: "revenue", isMoney: true}
	ord := weekly{metric: "orders"}
	cust := weekly{metric: "new_customers"}
	aov := weekly{metric: "aov", isMoney: true}
	for k := range n {
		start := end - int64(7*(n-k)) + 1
		var r, o, c float64
		for d := start; d < start+7; d++ {
			x := a.day(d)
			r += float64(x.Revenue)
			o += float64(x.Orders)
			c += float64(x.NewCustomers)
		}
		for _, s := range []*weekly{&rev, &ord, &cust} {
			s.starts = append(s.starts, start)
		}
		rev.values, ord.values, cust.values = append(rev.values, r), append(ord.values, o), append(cust.values, c)
		if o > 0 {
			aov.starts, aov.values = append(aov.starts, start), append(aov.values, r/o)
		}
	}
	return []weekly{rev, ord, cust, aov}
}

func (a *analysis) metricFinding(s weekly, mk stats.MannKendall, q float64) Finding {
	n := len(s.values)
	from, to := s.starts[0], s.starts[n-1]+6
	start := mk.Intercept
	end := mk.Intercept + mk.Slope*float64(n-1)
	evidence := make([]Point, n)
	for i, v := range s.values {
		evidence[i] = Point{PeriodStart: day.String(s.starts[i]), Value: a.value(v, s.isMoney)}
	}
	f := Finding{
		Kind: KindMetric, Metric: s.metric, Direction: direction(mk.Slope),
		ChangePct: pct(start, end), ChangeAbs: a.value(end-start, s.isMoney),
		Period: Period{From: day.String(from), To: day.String(to)},
		Significance: Significance{
			Test: "mann_kendall_hamed_rao", PValue: mk.P, AdjustedP: ptr(q), Statistic: mk.S, Alpha: Alpha, N: n,
			Z: ptr(round(mk.Z, 4)), Tau: ptr(round(mk.Tau, 4)), VarianceCorrection: ptr(round(mk.Correction, 4)),
			SenSlope: a.value(mk.Slope, s.isMoney),
		},
		Evidence: evidence,
	}
	f.Summary = a.txt.metricTrend(a, s, n, start, end, q)
	return f
}
