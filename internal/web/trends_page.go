package web

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"pulse/internal/day"
	"pulse/internal/i18n"
	"pulse/internal/money"
	"pulse/internal/rfm"
	"pulse/internal/stats"
	"pulse/internal/trend"
)

// trendsData is the trends page.
type trendsData struct {
	// Through is the last day analysed; Partial is set when that is the
	// day before the date asked for, today, which is not over yet.
	Through string
	Partial bool
	Cards   []trendCard
	Skipped []trendSkip
}

// trendCard is one finding with its evidence drawn.
type trendCard struct {
	ID, Kind, KindLabel, Subject string
	Direction, Arrow             string
	Summary, Period, Sig         string
	Chart                        chart
	ChartTitle                   string
	Rows                         []chartRow
}

// trendSkip is an analysis not run, with its reason.
type trendSkip struct {
	Kind, Metric, Reason string
}

func (h *Web) trendsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Nav = "trends"
	today := day.Of(h.now(), v.location())
	asOf := asOfDay(v, r.URL.Query().Get("as_of"), today)
	res, err := h.trend.Find(r.Context(), trend.Request{App: *v.App, AsOf: asOf, Today: today, Lang: v.Lang})
	if err != nil {
		return err
	}
	last := min(asOf, today-1)
	d := &trendsData{Through: i18n.Date(v.Lang, day.Time(last)), Partial: last < asOf}
	for i, f := range res.Findings {
		d.Cards = append(d.Cards, trendCardOf(v, i, f))
	}
	for _, s := range res.Skipped {
		d.Skipped = append(d.Skipped, trendSkip{Kind: v.T("insights.kind." + s.Kind),
			Metric: v.T("insights.metric." + s.Metric), Reason: s.Reason})
	}
	v.Data = d
	h.render(w, insightsStatus(v), "trends", v)
	return nil
}

func trendCardOf(v *view, i int, f trend.Finding) trendCard {
	c := trendCard{ID: "finding-" + strconv.Itoa(i), Kind: f.Kind, KindLabel: v.T("insights.kind." + f.Kind),
		Subject: v.T("insights.metric." + f.Metric), Direction: f.Direction, Arrow: "▲",
		Summary: f.Summary, Sig: significance(v, f.Significance),
		ChartTitle: v.T("insights.chart." + f.Kind)}
	if f.Direction == "down" {
		c.Arrow = "▼"
	}
	switch {
	case f.Kind == trend.KindSegment && f.Subject != nil:
		c.Subject = segmentName(v, rfm.Segment(*f.Subject))
	case f.Subject != nil:
		c.Subject = *f.Subject
	}
	from, to := findingDay(f.Period.From), findingDay(f.Period.To)
	c.Period = dateRange(v, from, to)
	c.Chart, c.Rows = evidenceChart(v, f)
	return c
}

// findingDay reads a date the trend service wrote.
func findingDay(s string) int64 {
	t, _ := time.Parse(time.DateOnly, s)
	return day.Date(t.Date())
}

// significance tells the test a finding passed: its p-value, the
// adjusted one that was compared with the level when the finding was one
// of a family, and the test's name.
func significance(v *view, s trend.Significance) string {
	test := v.T("insights.test." + s.Test)
	if s.AdjustedP != nil {
		return v.T("insights.sig.adjusted", pValue(v, s.PValue), test, pValue(v, *s.AdjustedP))
	}
	return v.T("insights.sig.plain", pValue(v, s.PValue), test)
}

func pValue(v *view, p float64) string {
	if p < 0.001 {
		return "p < " + i18n.Float(v.Lang, 0.001, 3)
	}
	return "p = " + i18n.Float(v.Lang, p, 3)
}

// countScale keeps counts in hundredths on a chart, whose values are whole
// numbers: a weekday's mean of orders is rarely whole.
const countScale = 100

// evidence is a finding's points as chart values: minor units of money,
// or hundredths of a count.
type evidence struct {
	isMoney bool
	exp     int
}

func (e *evidence) value(x any) int64 {
	switch n := x.(type) {
	case string:
		e.isMoney = true
		m, _ := money.Parse(n, e.exp)
		return m
	case float64:
		return int64(math.Round(n * countScale))
	case int64:
		return n * countScale
	case int:
		return int64(n) * countScale
	}
	return 0
}

func (e *evidence) format(v *view, n int64) string {
	if e.isMoney {
		return v.Money(n)
	}
	if n%countScale == 0 {
		return v.Int(n / countScale)
	}
	return i18n.Float(v.Lang, float64(n)/countScale, 1)
}

// evidenceChart draws a finding's evidence: the weeks of a metric trend
// with Sen's line through them, the days around an anomaly with the values
// expected and the day itself marked, the seven weekdays of a weekly
// pattern, and the two periods or dates a product or segment is compared
// on.
func evidenceChart(v *view, f trend.Finding) (chart, []chartRow) {
	exp, ok := money.Exponent(v.App.Currency)
	if !ok {
		exp = 2
	}
	e := &evidence{exp: exp}
	points := make([]chartPoint, len(f.Evidence))
	var o chartOverlay
	when := func(p chartPoint) string { return dateRange(v, p.From, p.To) }
	label := func(d int64) string { return i18n.ShortDate(v.Lang, day.Time(d)) }
	for i, pt := range f.Evidence {
		p := chartPoint{Value: e.value(pt.Value)}
		switch {
		case pt.Weekday != "":
			p.From, p.To = int64(i), int64(i)
		case pt.Date != "":
			p.From = findingDay(pt.Date)
			p.To = p.From
		case pt.PeriodEnd != "":
			p.From, p.To = findingDay(pt.PeriodStart), findingDay(pt.PeriodEnd)
		default: // a week
			p.From = findingDay(pt.PeriodStart)
			p.To = p.From + 6
		}
		if f.Kind == trend.KindAnomaly {
			o.Line = append(o.Line, e.value(pt.Expected))
			o.Marked = append(o.Marked, pt.Date == f.Period.From)
		}
		points[i] = p
	}
	switch f.Kind {
	case trend.KindSeasonality:
		when = func(p chartPoint) string { return v.T("insights.weekday." + strconv.FormatInt(p.From, 10)) }
		label = func(d int64) string { return v.T("insights.wd." + strconv.FormatInt(d, 10)) }
	case trend.KindMetric:
		o.Line = senLine(points)
	}
	c := newOverlaidChart(points, o, chartLabels{
		Value: func(n int64) string { return e.format(v, n) },
		Day:   label,
		Point: func(p chartPoint) string { return v.T("insights.chart.point", when(p), e.format(v, p.Value)) },
	})
	rows := make([]chartRow, len(points))
	for i, p := range points {
		rows[i] = chartRow{When: when(p), Value: e.format(v, p.Value)}
	}
	return c, rows
}

// senLine is the trend the Mann–Kendall test fitted through the weekly
// values: Sen's slope through the median, as package stats computes it.
func senLine(points []chartPoint) []int64 {
	x := make([]float64, len(points))
	for i, p := range points {
		x[i] = float64(p.Value)
	}
	slope, intercept := stats.SenSlope(x)
	out := make([]int64, len(x))
	for i := range x {
		out[i] = int64(math.Round(intercept + slope*float64(i)))
	}
	return out
}
