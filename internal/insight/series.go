package insight

import (
	"math"

	"pulse/internal/day"
	"pulse/internal/store"
)

// Metrics are the series a forecast can be asked for.
var Metrics = []string{"revenue", "orders", "new_customers"}

// Intervals are the period lengths of a forecast.
var Intervals = []string{"day", "week", "month"}

// horizons are the default and the largest horizon of each interval, in
// periods: a month ahead by day, a quarter by week, half a year by month;
// at most a quarter, a year and two years.
var horizons = map[string]struct{ def, max int }{
	"day":   {30, 90},
	"week":  {13, 52},
	"month": {6, 24},
}

// DefaultHorizon and MaxHorizon are the horizon bounds of an interval.
func DefaultHorizon(interval string) int { return horizons[interval].def }
func MaxHorizon(interval string) int     { return horizons[interval].max }

// lookback bounds how much history a forecast fits: three years of days
// (enough for a yearly pattern on top of the weekly one), five of weeks,
// ten of months. Older data says little about next month and makes every
// refit slower.
var lookback = map[string]int{"day": 3 * 365, "week": 5 * 52, "month": 10 * 12}

// period is one bucket of a series, days start to end included.
type period struct{ start, end int64 }

// next is the period after p of the same interval.
func next(p period, interval string) period {
	s := p.end + 1
	return period{s, periodEnd(s, interval)}
}

// periodStart is the first day of the interval's period that holds d:
// d itself, its Monday, or the first of its month.
func periodStart(d int64, interval string) int64 {
	switch interval {
	case "week":
		return d - mod(d+3, 7) // day 0 was a Thursday
	case "month":
		y, m, _ := day.Time(d).Date()
		return day.Date(y, m, 1)
	}
	return d
}

// periodEnd is the last day of the period that starts on s.
func periodEnd(s int64, interval string) int64 {
	switch interval {
	case "week":
		return s + 6
	case "month":
		y, m, _ := day.Time(s).Date()
		return day.Date(y, m+1, 1) - 1
	}
	return s
}

func mod(a, n int64) int64 { return ((a % n) + n) % n }

// lastComplete is the last whole period that ends on or before asOf.
func lastComplete(asOf int64, interval string) period {
	s := periodStart(asOf, interval)
	if periodEnd(s, interval) > asOf {
		s = periodStart(s-1, interval)
	}
	return period{s, periodEnd(s, interval)}
}

// value is a day's figure of a metric: revenue in major units of a
// currency with exponent exp.
func value(d store.DaySales, metric string, exp int) float64 {
	switch metric {
	case "orders":
		return float64(d.Orders)
	case "new_customers":
		return float64(d.NewCustomers)
	}
	return float64(d.Revenue) / math.Pow10(exp)
}

// buildSeries sums days into the periods of an interval that end on or
// before asOf, from the first whole period from the first day with data,
// at most lookback periods. Days must be in day order. It returns no periods when
// no day before asOf has data.
func buildSeries(days []store.DaySales, metric, interval string, exp int, asOf int64) ([]period, []float64) {
	last := lastComplete(asOf, interval)
	first := int64(math.MaxInt64)
	for _, d := range days {
		if d.Day <= last.end && value(d, metric, exp) != 0 {
			first = d.Day
			break
		}
	}
	if first > last.end {
		return nil, nil
	}
	// A shop's first week or month is usually partial: it opened, or
	// started sending data, part way through. Counted as a whole period it
	// would read as a jump in sales.
	start := periodStart(first, interval)
	if start < first {
		start = periodEnd(start, interval) + 1
	}
	var ps []period
	for p := (period{start, periodEnd(start, interval)}); p.start <= last.start; p = next(p, interval) {
		ps = append(ps, p)
	}
	if n := lookback[interval]; len(ps) > n {
		ps = ps[len(ps)-n:]
	}
	vs := make([]float64, len(ps))
	i := 0
	for _, d := range days {
		for i < len(ps) && d.Day > ps[i].end {
			i++
		}
		if i == len(ps) {
			break
		}
		if d.Day >= ps[i].start {
			vs[i] += value(d, metric, exp)
		}
	}
	return ps, vs
}
