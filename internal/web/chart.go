package web

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// chartPoint is one bar of a chart: the days it covers, both included, and
// its value in minor units of the app's currency.
type chartPoint struct {
	From, To int64
	Value    int64
}

// chartOverlay is what a chart may draw over its bars, each slice nil or
// one entry per point: a line through the values Line (a fitted trend, the
// values expected), and bars singled out (the day an anomaly was found on).
type chartOverlay struct {
	Line   []int64
	Marked []bool
}

// dailyChartMaxDays is the longest period charted a bar per day; longer
// ones get a bar per week, or the bars would be thinner than a line on a
// phone.
const dailyChartMaxDays = 120

// weekly reports whether a period of n days is charted per week.
func weekly(n int64) bool { return n > dailyChartMaxDays }

// bucket turns values per day into the chart's points for the days from to
// to: one per day, or, for a long period, one per calendar week (Monday to
// Sunday) cut at the period's ends, so that every bar is a real week a
// reader can name. A day missing from values counts as zero.
func bucket(from, to int64, values map[int64]int64) []chartPoint {
	if to < from {
		return nil
	}
	if !weekly(to - from + 1) {
		out := make([]chartPoint, 0, to-from+1)
		for d := from; d <= to; d++ {
			out = append(out, chartPoint{From: d, To: d, Value: values[d]})
		}
		return out
	}
	var out []chartPoint
	for start := from; start <= to; {
		end := min(to, start+6-weekdayFromMonday(start))
		p := chartPoint{From: start, To: end}
		for d := start; d <= end; d++ {
			p.Value += values[d]
		}
		out = append(out, p)
		start = end + 1
	}
	return out
}

// weekdayFromMonday is 0 for a Monday and 6 for a Sunday; day 0,
// 1970-01-01, was a Thursday.
func weekdayFromMonday(d int64) int64 {
	return ((d+3)%7 + 7) % 7
}

// plotFrame is what every chart of the site shares: the SVG viewBox, the
// plot area in its coordinates and the value axis with its grid lines.
// Pages scale a chart to their width, so the geometry is fixed here and
// only the labels depend on the reader's language.
type plotFrame struct {
	Width, Height            float64
	Left, Right, Top, Bottom float64 // the plot area
	ZeroY                    float64 // where the value 0 is
	FontSize                 float64
	YTicks                   []chartTick
}

// PlotHeight is the height of the plot area.
func (f plotFrame) PlotHeight() float64 { return round1(f.Bottom - f.Top) }

// newPlotFrame lays out a value axis with round steps over lo to hi,
// always including zero, leaving room on the left for its widest label,
// and returns the frame with the y coordinate of a value.
func newPlotFrame(lo, hi int64, label func(int64) string) (plotFrame, func(int64) float64) {
	f := plotFrame{Width: chartWidth, Height: chartHeight, FontSize: chartFont,
		Top: chartPadTop, Right: chartWidth - chartPadRight, Bottom: chartHeight - chartXAxis}
	ticks := axisTicks(min(lo, 0), max(hi, 0))
	axisLo, axisHi := ticks[0], ticks[len(ticks)-1]
	widest := 0
	for _, t := range ticks {
		widest = max(widest, utf8.RuneCountInString(label(t)))
	}
	f.Left = round1(8 + float64(widest)*chartCharW)
	span := float64(axisHi - axisLo)
	y := func(v int64) float64 {
		if span == 0 {
			// Nothing but zeros: the zero line is the plot's floor.
			return f.Bottom
		}
		return round1(f.Top + float64(axisHi-v)/span*(f.Bottom-f.Top))
	}
	f.ZeroY = y(0)
	for _, t := range ticks {
		f.YTicks = append(f.YTicks, chartTick{Pos: y(t), Label: label(t)})
	}
	return f, y
}

// chart is a bar chart laid out in the coordinates of its SVG viewBox.
type chart struct {
	plotFrame
	Bars   []chartBar
	XTicks []chartTick
	// Line is the polyline of the points' Line values, "x,y x,y …" through
	// the middle of their bars; "" when no point has one.
	Line string
}

// chartBar is one bar; a negative value (a day with more refunds than
// sales) hangs below the zero line. Its slot is the full-height column it
// stands in, where a pointer shows the bar's tooltip even when the bar is
// too small to point at.
type chartBar struct {
	X, Y, W, H   float64
	SlotX, SlotW float64
	Negative     bool
	Marked       bool
	Title        string
}

// chartTick is an axis label at a position along its axis.
type chartTick struct {
	Pos   float64
	Label string
}

// chartLabels formats what the chart shows: values on the vertical axis,
// the first day of a bar under it, and the tooltip of a bar.
type chartLabels struct {
	Value func(int64) string
	Day   func(int64) string
	Point func(chartPoint) string
}

// The viewBox: 420 units wide so that 11-unit text is still about 9 px on a
// 375 px phone screen once the page's margins are taken off.
const (
	chartWidth    = 420
	chartHeight   = 220
	chartFont     = 11
	chartPadTop   = 8
	chartPadRight = 8
	chartXAxis    = 22 // room for the date labels under the bars
	chartCharW    = 6.4
	chartGap      = 0.2 // of each bar's slot, left empty between bars
	chartMaxTicks = 6   // date labels under the bars
	chartYSteps   = 4   // intervals on the value axis, roughly
)

// newChart lays out points as bars over a value axis with round steps that
// always includes zero.
func newChart(points []chartPoint, l chartLabels) chart {
	return newOverlaidChart(points, chartOverlay{}, l)
}

// newOverlaidChart is newChart with o drawn over the bars; the value axis
// takes the line's values in too.
func newOverlaidChart(points []chartPoint, o chartOverlay, l chartLabels) chart {
	lo, hi := int64(0), int64(0)
	for _, p := range points {
		lo, hi = min(lo, p.Value), max(hi, p.Value)
	}
	for _, v := range o.Line {
		lo, hi = min(lo, v), max(hi, v)
	}
	frame, y := newPlotFrame(lo, hi, l.Value)
	c := chart{plotFrame: frame}
	if len(points) == 0 {
		return c
	}
	slot := (c.Right - c.Left) / float64(len(points))
	every := (len(points) + chartMaxTicks - 1) / chartMaxTicks
	for i, p := range points {
		b := chartBar{X: round1(c.Left + float64(i)*slot + slot*chartGap/2), W: round1(slot * (1 - chartGap)),
			SlotX: round1(c.Left + float64(i)*slot), SlotW: round1(slot),
			Negative: p.Value < 0, Marked: i < len(o.Marked) && o.Marked[i], Title: l.Point(p)}
		top := y(p.Value)
		b.Y, b.H = min(top, c.ZeroY), round1(math.Abs(top-c.ZeroY))
		c.Bars = append(c.Bars, b)
		if i%every == 0 {
			c.XTicks = append(c.XTicks, chartTick{Pos: round1(c.Left + (float64(i)+0.5)*slot), Label: l.Day(p.From)})
		}
		if i < len(o.Line) {
			if c.Line != "" {
				c.Line += " "
			}
			c.Line += strconv.FormatFloat(round1(c.Left+(float64(i)+0.5)*slot), 'f', -1, 64) + "," +
				strconv.FormatFloat(y(o.Line[i]), 'f', -1, 64)
		}
	}
	return c
}

// axisTicks returns the values of the value axis's grid lines: multiples of
// a round step (1, 2 or 5 times a power of ten) from at or below lo to at
// or above hi, always including zero. With nothing but zeros there is one.
func axisTicks(lo, hi int64) []int64 {
	if lo == hi {
		return []int64{lo}
	}
	step := niceStep(float64(hi-lo) / chartYSteps)
	first, last := floorDiv(lo, step)*step, -floorDiv(-hi, step)*step
	var out []int64
	for t := first; t <= last; t += step {
		out = append(out, t)
	}
	return out
}

// niceStep is the smallest of 1, 2, 5 times a power of ten not below raw,
// and at least 1 (a minor unit cannot be split).
func niceStep(raw float64) int64 {
	if raw <= 1 {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw {
			return int64(math.Round(m * mag))
		}
	}
	return int64(math.Round(10 * mag))
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// round1 keeps a coordinate to a tenth of a unit: finer than any screen
// shows, and a shorter page.
func round1(x float64) float64 { return math.Round(x*10) / 10 }
