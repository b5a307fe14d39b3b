package demo

import (
	"fmt"
	"sort"
	"time"
)

// promotion is a recurring sale: demand rises inside the window and some
// orders carry its coupon with a discount on every item.
type promotion struct {
	Name     string
	Coupon   string
	From, To time.Time // To is exclusive
	Lift     float64   // demand multiplier inside the window
	Discount int       // percent off unit prices
	Share    float64   // share of orders in the window that use the coupon
}

// promotionsIn lists the concrete sale windows of every year the history
// touches. Black Friday runs from the Tuesday before to Cyber Monday.
func promotionsIn(start, end time.Time) []promotion {
	var ps []promotion
	for y := start.Year(); y <= end.Year(); y++ {
		day := func(m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
		bf := blackFriday(y)
		ps = append(ps,
			promotion{"Spring sale", "SPRING15", day(time.March, 20), day(time.March, 27), 1.45, 15, 0.55},
			promotion{"Summer sale", "SUMMER20", day(time.July, 10), day(time.July, 17), 1.6, 20, 0.6},
			promotion{"Back to school", "BTS10", day(time.August, 25), day(time.September, 1), 1.3, 10, 0.45},
			promotion{"Black Friday", fmt.Sprintf("BF%02d", y%100), bf.AddDate(0, 0, -3), bf.AddDate(0, 0, 4), 2.3, 25, 0.7},
		)
	}
	kept := ps[:0]
	for _, p := range ps {
		if p.To.After(start) && p.From.Before(end) {
			kept = append(kept, p)
		}
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].From.Before(kept[j].From) })
	return kept
}

// blackFriday is the day after the fourth Thursday of November.
func blackFriday(year int) time.Time {
	nov1 := time.Date(year, time.November, 1, 0, 0, 0, 0, time.UTC)
	firstThu := 1 + (int(time.Thursday)-int(nov1.Weekday())+7)%7
	return nov1.AddDate(0, 0, firstThu-1+21+1)
}

var (
	// monthLift shapes the year: a slow January, a November–December peak.
	monthLift = [12]float64{0.85, 0.85, 0.95, 0.95, 1, 0.95, 1, 1, 1, 1.05, 1.25, 1.55}
	// weekdayLift starts on Sunday; people shop more at weekends.
	weekdayLift = [7]float64{1.3, 0.95, 0.92, 0.95, 1, 1.05, 1.35}
	// hourLift is in UTC, where most of the shop's customers are awake in
	// the evening.
	hourLift = [24]float64{0.5, 0.35, 0.25, 0.2, 0.2, 0.25, 0.4, 0.6, 0.8, 0.95, 1.05, 1.1,
		1.15, 1.15, 1.15, 1.2, 1.3, 1.4, 1.55, 1.65, 1.6, 1.4, 1.05, 0.75}
)

// calendar is the shop's relative demand on an hourly grid. Purchases run
// on "demand time", so a constant purchase rate in demand time becomes a
// seasonal one in clock time.
type calendar struct {
	start, end time.Time
	promos     []promotion
	demand     []float64 // per hour cell, mean 1
	cum        []float64 // demand accumulated before each cell, in hours
}

func newCalendar(start, end time.Time) *calendar {
	c := &calendar{start: start, end: end, promos: promotionsIn(start, end)}
	cells := int((end.Sub(start) + time.Hour - 1) / time.Hour)
	c.demand = make([]float64, cells)
	total, length := 0.0, 0.0
	for h := range c.demand {
		t := start.Add(time.Duration(h) * time.Hour)
		d := monthLift[t.Month()-1] * weekdayLift[t.Weekday()] * hourLift[t.Hour()]
		if t.Month() == time.December && t.Day() >= 22 {
			d *= 0.6 // past the last shipping day before Christmas
		}
		if p := c.promoAt(t); p != nil {
			d *= p.Lift
		}
		c.demand[h] = d
		total += d * c.cellLen(h)
		length += c.cellLen(h)
	}
	c.cum = make([]float64, cells+1)
	for h, d := range c.demand {
		c.demand[h] = d * length / total
		c.cum[h+1] = c.cum[h] + c.demand[h]*c.cellLen(h)
	}
	return c
}

// cellLen is the length of an hour cell in hours; the last one may be cut
// short by an end that is not on the hour.
func (c *calendar) cellLen(h int) float64 {
	from := c.start.Add(time.Duration(h) * time.Hour)
	if rest := c.end.Sub(from); rest < time.Hour {
		return rest.Hours()
	}
	return 1
}

func (c *calendar) promoAt(t time.Time) *promotion {
	for i := range c.promos {
		if !t.Before(c.promos[i].From) && t.Before(c.promos[i].To) {
			return &c.promos[i]
		}
	}
	return nil
}

// demandAt converts clock time to demand time (hours).
func (c *calendar) demandAt(t time.Time) float64 {
	if !t.Before(c.end) {
		return c.cum[len(c.cum)-1]
	}
	off := t.Sub(c.start).Hours()
	h := int(off)
	return c.cum[h] + (off-float64(h))*c.demand[h]
}

// timeAt converts demand time back to clock time; ok is false past the end.
func (c *calendar) timeAt(u float64) (time.Time, bool) {
	if u >= c.cum[len(c.cum)-1] {
		return time.Time{}, false
	}
	// The last cell starting at or before u; cum[0] is 0, so there is one.
	h := sort.SearchFloat64s(c.cum, u)
	if c.cum[h] > u {
		h--
	}
	hours := float64(h) + (u-c.cum[h])/c.demand[h]
	t := c.start.Add(time.Duration(hours * float64(time.Hour)))
	return t, t.Before(c.end)
}

// position is how far through the history t lies, from 0 to 1.
func (c *calendar) position(t time.Time) float64 {
	return float64(t.Sub(c.start)) / float64(c.end.Sub(c.start))
}
