package trend

import (
	"pulse/internal/day"
	"pulse/internal/stats"
)

const (
	// seasonWeeks is how many complete weeks the weekday pattern is
	// measured over: about a quarter, so an old pattern fades out.
	seasonWeeks = 12
	// minSeasonWeeks is the fewest complete weeks: four values per weekday
	// for the Kruskal–Wallis test and the decomposition.
	minSeasonWeeks = 4
	// MinStrength is the seasonal strength below which a significant
	// weekday pattern is too small against the day-to-day noise to report.
	MinStrength = 0.3
)

var weekdayNames = [7]string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// seasonality measures the weekday pattern of revenue and orders over the
// last complete weeks. The series is decomposed (stats.Decompose); the
// pattern is reported when the Kruskal–Wallis test finds the detrended
// values differ by weekday (alpha Alpha, 6 degrees of freedom) and the
// strength of seasonality, 1 − Var(R)/Var(S+R), is at least MinStrength.
// The evidence is the plain mean of each weekday relative to the mean day.
func (a *analysis) seasonality() {
	end := lastSunday(a.last)
	w := min(seasonWeeks, int((end-a.first+1)/7))
	if w < minSeasonWeeks {
		for _, m := range []string{"revenue", "orders"} {
			a.skip(KindSeasonality, m, a.txt.fewWeeks(minSeasonWeeks, max(w, 0)))
		}
		return
	}
	from := end - int64(7*w) + 1
	for _, m := range []struct {
		metric  string
		isMoney bool
		get     func(d int64) float64
	}{
		{"revenue", true, func(d int64) float64 { return float64(a.day(d).Revenue) }},
		{"orders", false, func(d int64) float64 { return float64(a.day(d).Orders) }},
	} {
		x := make([]float64, 7*w)
		for i := range x {
			x[i] = m.get(from + int64(i))
		}
		a.seasonalityIn(m.metric, m.isMoney, from, end, x)
	}
}

func (a *analysis) seasonalityIn(metric string, isMoney bool, from, end int64, x []float64) {
	d := stats.Decompose(x, 7)
	groups := make([][]float64, 7)
	means := make([]float64, 7)
	for i, v := range x {
		// from is a Monday, so index i falls on weekday i mod 7.
		groups[i%7] = append(groups[i%7], v-d.Trend[i])
		means[i%7] += v
	}
	overall := stats.Mean(x)
	h, p := stats.KruskalWallis(groups)
	strength := stats.SeasonalStrength(d)
	if p > Alpha || strength < MinStrength || overall <= 0 {
		return
	}
	peak, trough := 0, 0
	evidence := make([]Point, 7)
	for k := range means {
		means[k] /= float64(len(groups[k]))
		if means[k] > means[peak] {
			peak = k
		}
		if means[k] < means[trough] {
			trough = k
		}
		evidence[k] = Point{Weekday: weekdayNames[k], Value: a.value(means[k], isMoney), RelativePct: pct(overall, means[k])}
	}
	f := Finding{
		Kind: KindSeasonality, Metric: metric, Direction: "up",
		ChangePct: pct(overall, means[peak]), ChangeAbs: a.value(means[peak]-overall, isMoney),
		Period: Period{From: day.String(from), To: day.String(end)},
		Significance: Significance{
			Test: "kruskal_wallis", PValue: p, Statistic: round(h, 4), Alpha: Alpha, N: len(x), DF: 6,
			Strength: ptr(round(strength, 4)), MinStrength: ptr(MinStrength),
		},
		Evidence: evidence,
	}
	f.Summary = a.txt.seasonality(metric, peak, trough, *pct(overall, means[peak]), *pct(overall, means[trough]), strength)
	a.add(f)
}
