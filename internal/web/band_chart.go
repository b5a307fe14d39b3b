package web

import (
	"math"
	"strconv"
	"strings"
)

// bandPoint is one forecast period: the days it covers, both included, its
// forecast and the bounds of its 80% and 95% prediction intervals, in the
// chart's whole units (minor units of money, hundredths of a count).
type bandPoint struct {
	From, To         int64
	Value            int64
	Lower80, Upper80 int64
	Lower95, Upper95 int64
}

// bandChart is a metric's recent history as bars, followed by its
// forecast: a line inside two shaded bands, the 95% interval under the
// 80% one. It shares the viewBox, the value axis and the bars of chart,
// so that the forecast reads like the other charts of the site.
type bandChart struct {
	plotFrame
	// Bars are the history; Slots the forecast's periods, each a column
	// whose tooltip gives the forecast and its intervals.
	Bars  []chartBar
	Slots []bandSlot
	// Band95 and Band80 are polygons ("x,y x,y …"): along the upper bound
	// from left to right, then back along the lower one. Line is the
	// forecast's polyline. All three are "" without a forecast.
	Band95, Band80, Line string
	// Split is where the forecast begins: the edge between the last bar
	// and the first forecast period.
	Split  float64
	XTicks []chartTick
}

// bandSlot is a forecast period's column.
type bandSlot struct {
	X, W  float64
	Title string
}

// bandLabels formats what the chart shows: values on the vertical axis,
// the first day of a period under it, and the tooltips of a bar and of a
// forecast period.
type bandLabels struct {
	Value    func(int64) string
	Day      func(int64) string
	Actual   func(chartPoint) string
	Forecast func(bandPoint) string
}

// newBandChart lays out history and future side by side, one column per
// period, over a value axis with round steps that takes in every bar and
// every interval bound, and zero.
func newBandChart(history []chartPoint, future []bandPoint, l bandLabels) bandChart {
	lo, hi := int64(0), int64(0)
	for _, p := range history {
		lo, hi = min(lo, p.Value), max(hi, p.Value)
	}
	for _, p := range future {
		lo, hi = min(lo, p.Lower95, p.Lower80, p.Value), max(hi, p.Upper95, p.Upper80, p.Value)
	}
	frame, y := newPlotFrame(lo, hi, l.Value)
	c := bandChart{plotFrame: frame}
	n := len(history) + len(future)
	if n == 0 {
		return c
	}
	slot := (c.Right - c.Left) / float64(n)
	every := (n + chartMaxTicks - 1) / chartMaxTicks
	tick := func(i int, from int64) {
		if i%every == 0 {
			c.XTicks = append(c.XTicks, chartTick{Pos: round1(c.Left + (float64(i)+0.5)*slot), Label: l.Day(from)})
		}
	}
	for i, p := range history {
		b := chartBar{X: round1(c.Left + float64(i)*slot + slot*chartGap/2), W: round1(slot * (1 - chartGap)),
			SlotX: round1(c.Left + float64(i)*slot), SlotW: round1(slot), Negative: p.Value < 0, Title: l.Actual(p)}
		top := y(p.Value)
		b.Y, b.H = min(top, c.ZeroY), round1(math.Abs(top-c.ZeroY))
		c.Bars = append(c.Bars, b)
		tick(i, p.From)
	}
	c.Split = round1(c.Left + float64(len(history))*slot)
	if len(future) == 0 {
		return c
	}
	// Each period's values stand at the middle of its column; a single
	// period is drawn across its whole column, or its bands would have no
	// width.
	var xs []float64
	var at []bandPoint
	for i, p := range future {
		k := len(history) + i
		c.Slots = append(c.Slots, bandSlot{X: round1(c.Left + float64(k)*slot), W: round1(slot), Title: l.Forecast(p)})
		tick(k, p.From)
		if len(future) == 1 {
			xs = append(xs, round1(c.Left+float64(k)*slot), round1(c.Left+float64(k+1)*slot))
			at = append(at, p, p)
			continue
		}
		xs = append(xs, round1(c.Left+(float64(k)+0.5)*slot))
		at = append(at, p)
	}
	band := func(upper, lower func(bandPoint) int64) string {
		pts := make([]string, 0, 2*len(xs))
		for i := range xs {
			pts = append(pts, coord(xs[i], y(upper(at[i]))))
		}
		for i := len(xs) - 1; i >= 0; i-- {
			pts = append(pts, coord(xs[i], y(lower(at[i]))))
		}
		return strings.Join(pts, " ")
	}
	c.Band95 = band(func(p bandPoint) int64 { return p.Upper95 }, func(p bandPoint) int64 { return p.Lower95 })
	c.Band80 = band(func(p bandPoint) int64 { return p.Upper80 }, func(p bandPoint) int64 { return p.Lower80 })
	line := make([]string, len(xs))
	for i := range xs {
		line[i] = coord(xs[i], y(at[i].Value))
	}
	c.Line = strings.Join(line, " ")
	return c
}

// coord writes a point of a polygon or polyline.
func coord(x, y float64) string {
	return strconv.FormatFloat(x, 'f', -1, 64) + "," + strconv.FormatFloat(y, 'f', -1, 64)
}
