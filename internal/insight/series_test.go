package insight

import (
	"testing"

	"time"

	"pulse/internal/day"
	"pulse/internal/store"
)

func d(y int, m time.Month, dd int) int64 { return day.Date(y, m, dd) }

func TestLastComplete(t *testing.T) {
	for _, c := range []struct {
		asOf       int64
		interval   string
		start, end int64
	}{
		{d(2026, 11, 19), "day", d(2026, 11, 19), d(2026, 11, 19)},
		// Thursday: the running week is not complete, the one before is.
		{d(2026, 11, 19), "week", d(2026, 11, 9), d(2026, 11, 15)},
		// A Sunday completes its week.
		{d(2026, 11, 15), "week", d(2026, 11, 9), d(2026, 11, 15)},
		{d(2026, 11, 19), "month", d(2026, 10, 1), d(2026, 10, 31)},
		{d(2026, 11, 30), "month", d(2026, 11, 1), d(2026, 11, 30)},
		{d(2024, 3, 1), "month", d(2024, 2, 1), d(2024, 2, 29)},
	} {
		p := lastComplete(c.asOf, c.interval)
		if p.start != c.start || p.end != c.end {
			t.Errorf("lastComplete(%s, %s) = %s..%s, want %s..%s", day.String(c.asOf), c.interval,
				day.String(p.start), day.String(p.end), day.String(c.start), day.String(c.end))
		}
	}
}

// TestBuildSeries sums days into whole periods, from the first whole one
// after the first sale to the last one complete by as_of, with money in
// major units, against sums written out by hand.
func TestBuildSeries(t *testing.T) {
	// Sales from Wednesday 2026-10-07; days without a row are zero.
	days := []store.DaySales{
		{Day: d(2026, 10, 7), Orders: 2, Revenue: 1050, NewCustomers: 1},
		{Day: d(2026, 10, 12), Orders: 1, Revenue: 200},
		{Day: d(2026, 10, 18), Orders: 3, Revenue: 333, NewCustomers: 2},
		{Day: d(2026, 10, 19), Orders: 4, Revenue: 1},
		{Day: d(2026, 11, 2), Orders: 5, Revenue: 99999},
	}
	asOf := d(2026, 11, 4)
	for _, c := range []struct {
		metric, interval string
		starts           []int64
		values           []float64
	}{
		// The week of the first sale (from Monday Oct 5) is partial and left
		// out; the week of Nov 2 is not over by Nov 4.
		{"revenue", "week", []int64{d(2026, 10, 12), d(2026, 10, 19), d(2026, 10, 26)}, []float64{5.33, 0.01, 0}},
		{"orders", "week", []int64{d(2026, 10, 12), d(2026, 10, 19), d(2026, 10, 26)}, []float64{4, 4, 0}},
		{"new_customers", "day", nil, nil},
		// October is partial (from the 7th): no whole month yet.
		{"orders", "month", nil, nil},
	} {
		ps, vs := buildSeries(days, c.metric, c.interval, 2, asOf)
		if c.starts == nil {
			continue
		}
		if len(ps) != len(c.starts) {
			t.Fatalf("%s by %s: %d periods, want %d", c.metric, c.interval, len(ps), len(c.starts))
		}
		for i := range ps {
			if ps[i].start != c.starts[i] || vs[i] != c.values[i] {
				t.Errorf("%s by %s [%d] = %s %v, want %s %v", c.metric, c.interval, i, day.String(ps[i].start), vs[i],
					day.String(c.starts[i]), c.values[i])
			}
		}
	}
	// By day: Oct 7 to Nov 4 inclusive, 29 days, the sales on their days.
	ps, vs := buildSeries(days, "new_customers", "day", 2, asOf)
	if len(ps) != 29 || ps[0].start != d(2026, 10, 7) || vs[0] != 1 || vs[11] != 2 || vs[28] != 0 {
		t.Errorf("new customers by day = %d periods from %s: %v", len(ps), day.String(ps[0].start), vs)
	}
	if ps, _ := buildSeries(days, "orders", "month", 2, asOf); len(ps) != 0 {
		t.Errorf("orders by month: %d periods, want none (October is partial)", len(ps))
	}
	// No sale by as_of: no series.
	if ps, _ := buildSeries(days, "orders", "day", 2, d(2026, 10, 6)); ps != nil {
		t.Errorf("series before the first sale: %v", ps)
	}
	// At most lookback periods, the latest ones.
	var long []store.DaySales
	for i := range 2000 {
		long = append(long, store.DaySales{Day: d(2020, 1, 1) + int64(i), Orders: int64(i)})
	}
	ps, vs = buildSeries(long, "orders", "day", 2, d(2020, 1, 1)+1999)
	if len(ps) != lookback["day"] || vs[len(vs)-1] != 1999 {
		t.Errorf("long series: %d periods ending %v", len(ps), vs[len(vs)-1])
	}
}
