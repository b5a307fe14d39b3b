package trend

import (
	"math"

	"pulse/internal/day"
	"pulse/internal/stats"
)

const (
	// anomalyDays is how far back anomalies are looked for.
	anomalyDays = 90
	// minAnomalyDays is four weeks: the decomposition needs several
	// weeks to tell a weekday's usual level from an unusual day.
	minAnomalyDays = 28
	// madThreshold is Iglewicz and Hoaglin's cut-off for the modified
	// z-score.
	madThreshold = 3.5
	// maxOutlierShare bounds the outliers the ESD test looks for. A
	// week-long promotion puts seven high days in 90: with a bound of 5 %
	// (four days) the other three inflate the spread and hide all seven.
	// The test's false-alarm rate stays alpha whatever the bound.
	maxOutlierShare = 0.10
)

// anomalies looks for days whose revenue or orders stand out from the
// series' trend and weekday pattern. Each series of the last anomalyDays
// days is decomposed with medians (stats.Decompose); a day is an anomaly
// when its residual has a modified z-score above madThreshold and the
// generalized ESD test on the residuals (alpha Alpha, up to maxOutlierShare
// of the days as outliers) confirms it. The first screen is robust but has
// no error rate; the second has one but is sensitive to the spread; a day
// must pass both.
func (a *analysis) anomalies() {
	from := max(a.first, a.last-anomalyDays+1)
	n := int(a.last - from + 1)
	if n < minAnomalyDays {
		for _, m := range []string{"revenue", "orders"} {
			a.skip(KindAnomaly, m, a.txt.fewDays(minAnomalyDays, n))
		}
		return
	}
	for _, m := range []struct {
		metric  string
		isMoney bool
		get     func(d int64) float64
	}{
		{"revenue", true, func(d int64) float64 { return float64(a.day(d).Revenue) }},
		{"orders", false, func(d int64) float64 { return float64(a.day(d).Orders) }},
	} {
		x := make([]float64, n)
		for i := range x {
			x[i] = m.get(from + int64(i))
		}
		a.anomaliesIn(m.metric, m.isMoney, from, x)
	}
}

func (a *analysis) anomaliesIn(metric string, isMoney bool, from int64, x []float64) {
	d := stats.Decompose(x, 7)
	z := stats.ModifiedZ(d.Residual)
	esd := stats.GeneralizedESD(d.Residual, max(1, int(float64(len(x))*maxOutlierShare)), Alpha)
	for _, step := range esd.Steps[:esd.Outliers] {
		i := step.Index
		if math.Abs(z[i]) <= madThreshold {
			continue
		}
		expected := max(0, d.Trend[i]+d.Seasonal[i])
		date := day.String(from + int64(i))
		var evidence []Point
		for j := max(0, i-7); j <= min(len(x)-1, i+7); j++ {
			evidence = append(evidence, Point{Date: day.String(from + int64(j)), Value: a.value(x[j], isMoney),
				Expected: a.value(max(0, d.Trend[j]+d.Seasonal[j]), isMoney)})
		}
		f := Finding{
			Kind: KindAnomaly, Metric: metric, Direction: direction(d.Residual[i]),
			ChangePct: pct(expected, x[i]), ChangeAbs: a.value(x[i]-expected, isMoney),
			Period: Period{From: date, To: date},
			Significance: Significance{
				Test: "generalized_esd", PValue: step.P, Statistic: round(step.R, 4), Alpha: Alpha, N: len(x),
				CriticalValue: ptr(round(step.Lambda, 4)), MADScore: ptr(round(z[i], 4)),
			},
			Evidence: evidence,
		}
		f.Summary = a.txt.anomaly(a, metric, isMoney, from+int64(i), x[i], expected, f.ChangePct)
		a.add(f)
	}
}
