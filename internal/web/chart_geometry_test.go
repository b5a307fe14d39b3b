package web

import (
	"math"
	"slices"
	"strconv"
	"testing"

	"pulse/internal/day"
)

// testLabels formats plainly, so that tests can read what the chart was
// asked to show.
var testLabels = chartLabels{
	Value: func(n int64) string { return strconv.FormatInt(n, 10) },
	Day:   func(d int64) string { return day.String(d) },
	Point: func(p chartPoint) string { return day.String(p.From) + "=" + strconv.FormatInt(p.Value, 10) },
}

func TestBucketDailyFillsGapsWithZeros(t *testing.T) {
	t.Parallel()
	from := day.Date(2026, 11, 1)
	got := bucket(from, from+4, map[int64]int64{from: 5, from + 3: 7, from + 9: 100, from - 1: 100})
	want := []chartPoint{{from, from, 5}, {from + 1, from + 1, 0}, {from + 2, from + 2, 0}, {from + 3, from + 3, 7}, {from + 4, from + 4, 0}}
	if !slices.Equal(got, want) {
		t.Errorf("bucket = %v, want %v", got, want)
	}
	if got := bucket(from, from-1, nil); got != nil {
		t.Errorf("empty range: %v, want nothing", got)
	}
}

func TestBucketByCalendarWeekOverLongPeriods(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name              string
		from, to          int64
		weeks             int
		firstTo, lastFrom string
	}{
		// 2025-11-26 is a Wednesday and 2026-11-25 too: a partial week at
		// each end and 51 full weeks between.
		{"365 days", day.Date(2025, 11, 26), day.Date(2026, 11, 25), 53, "2025-11-30", "2026-11-23"},
		// 121 days from a Monday: 17 full weeks and one day.
		{"121 days from a Monday", day.Date(2026, 1, 5), day.Date(2026, 5, 5), 18, "2026-01-11", "2026-05-04"},
		// Before 1970 the weekday arithmetic must not go negative.
		{"before 1970", day.Date(1969, 1, 1), day.Date(1969, 12, 31), 53, "1969-01-05", "1969-12-29"},
	} {
		values := map[int64]int64{}
		var total int64
		for d := c.from; d <= c.to; d++ {
			values[d] = d%13 - 4
			total += d%13 - 4
		}
		got := bucket(c.from, c.to, values)
		if len(got) != c.weeks {
			t.Fatalf("%s: %d buckets, want %d", c.name, len(got), c.weeks)
		}
		if got[0].From != c.from || day.String(got[0].To) != c.firstTo {
			t.Errorf("%s: first bucket %s..%s, want %s..%s", c.name, day.String(got[0].From), day.String(got[0].To), day.String(c.from), c.firstTo)
		}
		last := got[len(got)-1]
		if day.String(last.From) != c.lastFrom || last.To != c.to {
			t.Errorf("%s: last bucket %s..%s, want %s..%s", c.name, day.String(last.From), day.String(last.To), c.lastFrom, day.String(c.to))
		}
		var sum int64
		for i, p := range got {
			sum += p.Value
			if i > 0 && p.From != got[i-1].To+1 {
				t.Errorf("%s: bucket %d starts %s, not the day after the previous one", c.name, i, day.String(p.From))
			}
			if i > 0 && day.Time(p.From).Weekday().String() != "Monday" {
				t.Errorf("%s: bucket %d starts on %s", c.name, i, day.Time(p.From).Weekday())
			}
			if i < len(got)-1 && day.Time(p.To).Weekday().String() != "Sunday" {
				t.Errorf("%s: bucket %d ends on %s", c.name, i, day.Time(p.To).Weekday())
			}
		}
		if sum != total {
			t.Errorf("%s: buckets sum to %d, the days to %d", c.name, sum, total)
		}
	}
	if n := len(bucket(0, dailyChartMaxDays-1, nil)); n != dailyChartMaxDays {
		t.Errorf("%d days: %d bars, want one per day", dailyChartMaxDays, n)
	}
}

func TestChartBarsAreProportionalToValues(t *testing.T) {
	t.Parallel()
	points := []chartPoint{{1, 1, 1000}, {2, 2, 2500}, {3, 3, 0}, {4, 4, 4990}, {5, 5, 1}}
	c := newChart(points, testLabels)
	// 4990 over 4 steps is 1247.5: the step rounds up to 2000 and the axis
	// to 6000.
	if got, want := tickValues(c), []string{"0", "2000", "4000", "6000"}; !slices.Equal(got, want) {
		t.Fatalf("ticks %v, want %v", got, want)
	}
	if c.ZeroY != c.Bottom {
		t.Errorf("zero line at %v, want the plot's bottom %v", c.ZeroY, c.Bottom)
	}
	perUnit := (c.Bottom - c.Top) / 6000
	for i, b := range c.Bars {
		want := float64(points[i].Value) * perUnit
		if math.Abs(b.H-want) > 0.1 {
			t.Errorf("bar %d (%d): height %v, want %v", i, points[i].Value, b.H, want)
		}
		if math.Abs(b.Y+b.H-c.ZeroY) > 0.1 {
			t.Errorf("bar %d: stands on %v, want the zero line %v", i, b.Y+b.H, c.ZeroY)
		}
		if b.Negative || b.Title != day.String(points[i].From)+"="+strconv.FormatInt(points[i].Value, 10) {
			t.Errorf("bar %d: %+v", i, b)
		}
	}
	if c.Bars[2].H != 0 {
		t.Errorf("a zero is %v high", c.Bars[2].H)
	}
	if r := c.Bars[1].H / c.Bars[0].H; math.Abs(r-2.5) > 0.01 {
		t.Errorf("2500 is %.3f times as high as 1000, want 2.5", r)
	}
	// Bars share the plot's width evenly, inside it.
	slot := (c.Right - c.Left) / float64(len(points))
	for i, b := range c.Bars {
		if b.X < c.Left || b.X+b.W > c.Right+0.1 || math.Abs(b.X-(c.Left+float64(i)*slot+slot*chartGap/2)) > 0.1 {
			t.Errorf("bar %d at x=%v width %v, outside its slot of %v from %v", i, b.X, b.W, slot, c.Left)
		}
		if math.Abs(b.SlotX-(c.Left+float64(i)*slot)) > 0.1 || math.Abs(b.SlotW-slot) > 0.1 || b.X < b.SlotX || b.X+b.W > b.SlotX+b.SlotW+0.1 {
			t.Errorf("bar %d at x=%v width %v: slot x=%v width %v, want x=%v width %v around the bar", i, b.X, b.W, b.SlotX, b.SlotW, c.Left+float64(i)*slot, slot)
		}
	}
	if c.Left < 8+4*chartCharW {
		t.Errorf("left margin %v is too narrow for the label %q", c.Left, "6000")
	}
}

func TestChartNegativeValuesHangBelowZero(t *testing.T) {
	t.Parallel()
	c := newChart([]chartPoint{{1, 1, 300}, {2, 2, -150}}, testLabels)
	// A span of 450 over 4 steps is 112.5: steps of 200, from -200 to 400.
	if got, want := tickValues(c), []string{"-200", "0", "200", "400"}; !slices.Equal(got, want) {
		t.Fatalf("ticks %v, want %v", got, want)
	}
	up, down := c.Bars[0], c.Bars[1]
	if !down.Negative || up.Negative {
		t.Errorf("negative flags: %v, %v", up.Negative, down.Negative)
	}
	if down.Y != c.ZeroY || math.Abs(up.Y+up.H-c.ZeroY) > 0.1 {
		t.Errorf("bars %+v and %+v do not meet the zero line at %v", up, down, c.ZeroY)
	}
	if r := up.H / down.H; math.Abs(r-2) > 0.01 {
		t.Errorf("300 is %.3f times as high as -150, want 2", r)
	}
	if c.ZeroY <= c.Top || c.ZeroY >= c.Bottom {
		t.Errorf("zero line %v not inside the plot %v..%v", c.ZeroY, c.Top, c.Bottom)
	}
}

func TestChartOfZerosHasOneTickAndFlatBars(t *testing.T) {
	t.Parallel()
	c := newChart(bucket(10, 16, nil), testLabels)
	if got := tickValues(c); !slices.Equal(got, []string{"0"}) {
		t.Errorf("ticks %v, want only 0", got)
	}
	if c.ZeroY != c.Bottom || c.YTicks[0].Pos != c.Bottom {
		t.Errorf("zero line at %v, tick at %v, want the plot's bottom %v", c.ZeroY, c.YTicks[0].Pos, c.Bottom)
	}
	for _, b := range c.Bars {
		if b.H != 0 || math.IsNaN(b.Y) || b.Y != c.ZeroY {
			t.Errorf("bar %+v, want flat on the zero line %v", b, c.ZeroY)
		}
	}
	if len(newChart(nil, testLabels).Bars) != 0 {
		t.Error("bars without points")
	}
}

func TestChartDateLabelsAreSpacedUnderBars(t *testing.T) {
	t.Parallel()
	for _, n := range []int64{1, 7, 30, 90, 120} {
		c := newChart(bucket(100, 100+n-1, nil), testLabels)
		if len(c.XTicks) == 0 || len(c.XTicks) > chartMaxTicks {
			t.Errorf("%d bars: %d date labels, want 1..%d", n, len(c.XTicks), chartMaxTicks)
		}
		if c.XTicks[0].Label != day.String(100) {
			t.Errorf("%d bars: first label %q, want the first day", n, c.XTicks[0].Label)
		}
		for _, tk := range c.XTicks {
			if tk.Pos <= c.Left || tk.Pos >= c.Right {
				t.Errorf("%d bars: label at %v outside the plot", n, tk.Pos)
			}
		}
	}
}

func TestNiceStep(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		raw  float64
		want int64
	}{{0.3, 1}, {1, 1}, {1.5, 2}, {3, 5}, {7, 10}, {10, 10}, {11, 20}, {1000, 1000}, {1247.5, 2000}, {4000.1, 5000}, {6e9, 1e10}} {
		if got := niceStep(c.raw); got != c.want {
			t.Errorf("niceStep(%v) = %d, want %d", c.raw, got, c.want)
		}
	}
}

func tickValues(c chart) []string {
	out := make([]string, len(c.YTicks))
	for i, t := range c.YTicks {
		out[i] = t.Label
	}
	return out
}
