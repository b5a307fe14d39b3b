package report

import (
	"context"
	"math"
	"time"

	"pulse/internal/buyerset"
	"pulse/internal/day"
	"pulse/internal/model"
	"pulse/internal/store"
)

// Totals are the sales figures of a range of days; money in minor units of
// the app's currency.
//
//   - Revenue and Orders count every order on its purchase day, including
//     orders refunded since; Refunds and RefundsCount count refunds on the
//     refund's day, so a refund lowers the net revenue of the period it is
//     made in.
//   - Customers bought at least once in the range. NewCustomers placed
//     their first order ever (refunded or not) in it; ReturningCustomers
//     had ordered before it. Every customer who bought is one of the two.
//     This differs from daily_sales.new_customers, which counts customers
//     created on a day, whether or not they bought.
//   - Repeaters placed two or more orders in the range.
type Totals struct {
	Revenue, Refunds, Orders, RefundsCount      int64
	Customers, NewCustomers, ReturningCustomers int64
	Repeaters                                   int64
}

// NetRevenue is revenue less refunds.
func (t Totals) NetRevenue() int64 { return t.Revenue - t.Refunds }

// AverageOrderValue is revenue per order, rounded half up to a minor unit;
// false when there were no orders.
func (t Totals) AverageOrderValue() (int64, bool) {
	if t.Orders == 0 {
		return 0, false
	}
	return (t.Revenue*2 + t.Orders) / (2 * t.Orders), true
}

// RepeatPurchaseRate is the percentage of the range's customers who placed
// two or more orders in it, rounded to two decimals; false when nobody
// bought.
func (t Totals) RepeatPurchaseRate() (float64, bool) {
	if t.Customers == 0 {
		return 0, false
	}
	return Round2(100 * float64(t.Repeaters) / float64(t.Customers)), true
}

// Round2 rounds to two decimals, for percentages.
func Round2(x float64) float64 { return math.Round(x*100) / 100 }

// PctChange is the percentage change from prev to cur, rounded to two
// decimals; false when prev is zero. It is relative to the size of prev,
// so that its sign is the direction of the change even when prev is
// negative (net revenue after refunds larger than sales).
func PctChange(cur, prev float64) (float64, bool) {
	if prev == 0 {
		return 0, false
	}
	return Round2(100 * (cur - prev) / math.Abs(prev)), true
}

// Intervals are the bucket sizes of a sales series.
var Intervals = []string{"day", "week", "month"}

// Bucket is one point of a series: the days from Start to End, both
// included.
type Bucket struct {
	Start, End int64
	Totals
}

// Buckets cuts p into days, weeks starting on Monday, or calendar months;
// the first and last buckets are cut at p's ends.
func Buckets(p Period, interval string) []Bucket {
	var out []Bucket
	for start := p.From; start <= p.To; {
		end := start
		switch interval {
		case "week":
			end = start + 6 - mod(start+3, 7) // day 0 was a Thursday
		case "month":
			y, m, _ := day.Time(start).Date()
			end = day.Date(y, m+1, 1) - 1
		}
		end = min(end, p.To)
		out = append(out, Bucket{Start: start, End: end})
		start = end + 1
	}
	return out
}

func mod(a, n int64) int64 { return ((a % n) + n) % n }

// SalesParams are a sales report request as given.
type SalesParams struct {
	From, To, Interval, Compare, GroupBy string
}

// Sales is a sales report.
type Sales struct {
	Currency string
	Period   Period
	Interval string
	Totals   Totals
	Series   []Bucket
	// Previous is set when the request compared with the previous period.
	Previous *Previous
	// GroupBy and Groups are set for a breakdown by attribute.
	GroupBy *GroupBy
	Groups  []Group
}

// Previous is the period before the report's, of equal length.
type Previous struct {
	Period Period
	Totals Totals
}

// Sales computes an app's sales report. Money and order figures come from
// the daily sales rollup, distinct customers from the daily buyer sets; only
// a breakdown by attribute reads purchases.
func (s *Service) Sales(ctx context.Context, appID string, in SalesParams) (*Sales, error) {
	a, err := s.app(ctx, appID)
	if err != nil {
		return nil, err
	}
	loc := location(a)
	verr := &model.ValidationError{}
	p := ParsePeriod(verr, in.From, in.To, loc, s.now())
	interval := in.Interval
	if interval == "" {
		interval = "day"
	} else if !validInterval(interval) {
		verr.Add("interval", "must be day, week or month")
	}
	compare := in.Compare == "previous_period"
	if in.Compare != "" && !compare {
		verr.Add("compare", "must be previous_period")
	}
	var gb *GroupBy
	if in.GroupBy != "" {
		gb = ParseGroupBy(verr, in.GroupBy)
	}
	if err := verr.Err(); err != nil {
		return nil, err
	}
	if err := EnsureBuyers(ctx, s.db, a, loc); err != nil {
		return nil, err
	}
	out := &Sales{Currency: a.Currency, Period: p, Interval: interval}
	read := p
	if compare {
		read.From = p.Previous().From
	}
	days, err := s.readDays(ctx, appID, read)
	if err != nil {
		return nil, err
	}
	out.Series = Buckets(p, interval)
	if out.Totals, err = days.series(p, out.Series); err != nil {
		return nil, err
	}
	if compare {
		prev := p.Previous()
		out.Previous = &Previous{Period: prev}
		if out.Previous.Totals, err = days.totals(prev.From, prev.To); err != nil {
			return nil, err
		}
	}
	if gb != nil {
		out.GroupBy = gb
		if out.Groups, err = s.salesGroups(ctx, appID, loc, p, *gb); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func validInterval(s string) bool {
	for _, v := range Intervals {
		if s == v {
			return true
		}
	}
	return false
}

// EnsureBuyers rebuilds the app's buyer sets, with days in loc (its time
// zone), when they were built in another time zone, or never: the zone
// changed, or the data predates them. Everything that reads the sets calls
// it first.
func EnsureBuyers(ctx context.Context, db *store.DB, a model.App, loc *time.Location) error {
	ok, err := db.BuyersCurrent(ctx, a.ID, a.Timezone)
	if err != nil || ok {
		return err
	}
	return db.InTx(ctx, func(q *store.Queries) error {
		if err := q.LockApps(ctx, []string{a.ID}); err != nil {
			return err
		}
		if ok, err := q.BuyersCurrent(ctx, a.ID, a.Timezone); err != nil || ok {
			return err
		}
		return q.RebuildBuyers(ctx, a.ID, a.Timezone, loc)
	})
}

// dayData are the rollup rows of a range of days, indexed by day.
type dayData struct {
	from           int64
	sales          []store.DaySales // by day - from; zero where no row
	buyers         []store.BuyerDay // by day - from; nil Members where no row
	period, bucket buyerset.Union
}

func (s *Service) readDays(ctx context.Context, appID string, p Period) (*dayData, error) {
	sales, err := s.db.DailySales(ctx, appID, p.From, p.To)
	if err != nil {
		return nil, err
	}
	buyers, err := s.db.BuyerDays(ctx, appID, p.From, p.To, true)
	if err != nil {
		return nil, err
	}
	d := &dayData{from: p.From, sales: make([]store.DaySales, p.Days()), buyers: make([]store.BuyerDay, p.Days())}
	for _, r := range sales {
		d.sales[r.Day-p.From] = r
	}
	for _, r := range buyers {
		d.buyers[r.Day-p.From] = r
	}
	return d, nil
}

// sums adds up the figures that are plain sums of days.
func (d *dayData) sums(from, to int64) Totals {
	var t Totals
	for n := from; n <= to; n++ {
		s := d.sales[n-d.from]
		t.Revenue += s.Revenue
		t.Orders += s.Orders
		t.Refunds += s.Refunded
		t.RefundsCount += s.Refunds
		t.NewCustomers += d.buyers[n-d.from].FirstBuyers
	}
	return t
}

// totals are the figures of days from to to; distinct customers are the
// union of the days' buyer sets.
func (d *dayData) totals(from, to int64) (Totals, error) {
	t := d.sums(from, to)
	d.period.Reset()
	for n := from; n <= to; n++ {
		if err := d.period.AddDay(d.buyers[n-d.from].Members); err != nil {
			return t, err
		}
	}
	t.Customers, t.Repeaters = d.period.Buyers(), d.period.Repeaters()
	t.ReturningCustomers = t.Customers - t.NewCustomers
	return t, nil
}

// series fills in the buckets, which cut p, and returns p's totals. Each
// day's set is decoded once: a one-day bucket takes the day's stored
// counts, a longer one its own union, and the period is the merge of the
// buckets.
func (d *dayData) series(p Period, buckets []Bucket) (Totals, error) {
	d.period.Reset()
	for i := range buckets {
		b := &buckets[i]
		b.Totals = d.sums(b.Start, b.End)
		if b.Start == b.End {
			day := d.buyers[b.Start-d.from]
			b.Customers, b.Repeaters = day.Buyers, day.Repeaters
			if err := d.period.AddDay(day.Members); err != nil {
				return Totals{}, err
			}
		} else {
			d.bucket.Reset()
			for n := b.Start; n <= b.End; n++ {
				if err := d.bucket.AddDay(d.buyers[n-d.from].Members); err != nil {
					return Totals{}, err
				}
			}
			b.Customers, b.Repeaters = d.bucket.Buyers(), d.bucket.Repeaters()
			d.period.Merge(&d.bucket)
		}
		b.ReturningCustomers = b.Customers - b.NewCustomers
	}
	t := d.sums(p.From, p.To)
	t.Customers, t.Repeaters = d.period.Buyers(), d.period.Repeaters()
	t.ReturningCustomers = t.Customers - t.NewCustomers
	return t, nil
}
