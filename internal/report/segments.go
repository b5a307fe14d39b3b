package report

import (
	"context"
	"time"

	"pulse/internal/day"
	"pulse/internal/model"
	"pulse/internal/rfm"
	"pulse/internal/store"
)

// SegmentsQuery is a segments request as the client wrote it: dates in the
// app's time zone, empty when absent. To is another name for AsOf, for
// clients that send every report the same from and to.
type SegmentsQuery struct {
	AsOf, From, To string
}

// Segments is the RFM segmentation of an app's customers as of a date.
type Segments struct {
	AsOf int64 // day number
	// From is the first day whose purchases count; nil for all history.
	From     *int64
	Currency string
	// Customers are those with at least one paid purchase that counts, and
	// Revenue is theirs, in minor units.
	Customers, Revenue int64
	// Segments holds every segment in rfm.Segments order, empty ones too.
	Segments []SegmentFigures
	Model    rfm.Model
}

// SegmentFigures are one segment's totals. Shares are fractions 0..1, nil
// when the whole is zero; averages are nil for an empty segment.
type SegmentFigures struct {
	Segment                          rfm.Segment
	Customers, Revenue               int64
	ShareOfCustomers, ShareOfRevenue *float64
	AvgRecencyDays, AvgFrequency     *float64
	AvgMonetary                      *int64 // minor units, rounded half away from zero
}

// Segments parses q and scores the app's customers.
func (s *Service) Segments(ctx context.Context, app model.App, q SegmentsQuery) (*Segments, error) {
	loc := location(app)
	today := day.Of(s.now(), loc)
	verr := &model.ValidationError{}
	asOf := today
	field, raw := "as_of", q.AsOf
	if raw == "" {
		field, raw = "to", q.To
	}
	if raw != "" {
		if n, ok := parseDate(raw); !ok {
			verr.Add(field, "must be a date such as 2026-11-20")
		} else if n > today {
			verr.Add(field, "must not be after today (%s in the app's time zone)", day.String(today))
		} else {
			asOf = n
		}
	}
	if q.AsOf != "" && q.To != "" && q.To != q.AsOf {
		verr.Add("to", "is another name for as_of: give one of them, or the same date in both")
	}
	var from *int64
	if q.From != "" {
		if n, ok := parseDate(q.From); !ok {
			verr.Add("from", "must be a date such as 2026-11-20")
		} else if n > asOf {
			verr.Add("from", "must not be after as_of")
		} else {
			from = &n
		}
	}
	if err := verr.Err(); err != nil {
		return nil, err
	}
	return s.SegmentsAt(ctx, app, from, asOf)
}

// SegmentsAt scores the app's customers on the purchases made from day
// from (nil: from the start) to the end of day asOf and not refunded by
// then; recency counts local dates up to asOf. For today over all history
// it reads the customers' running totals; otherwise it groups the
// purchases of the range by customer.
func (s *Service) SegmentsAt(ctx context.Context, app model.App, from *int64, asOf int64) (*Segments, error) {
	loc := location(app)
	var (
		rows []store.CustomerRFM
		err  error
	)
	if from == nil && asOf == day.Of(s.now(), loc) {
		rows, err = s.db.CustomersRFM(ctx, app.ID)
	} else {
		var start time.Time
		if from != nil {
			start = day.Start(*from, loc)
		}
		rows, err = s.db.CustomersRFMBetween(ctx, app.ID, start, day.Start(asOf+1, loc))
	}
	if err != nil {
		return nil, err
	}
	cs := rfm.FromTotals(rows, asOf, loc)
	md := rfm.Fit(cs)
	out := &Segments{AsOf: asOf, From: from, Currency: app.Currency, Customers: int64(len(cs)), Model: md}
	type sums struct{ customers, revenue, recency, orders int64 }
	by := map[rfm.Segment]*sums{}
	for _, seg := range rfm.Segments() {
		by[seg] = &sums{}
	}
	for _, c := range cs {
		x := by[md.Segment(c)]
		x.customers++
		x.revenue += c.Revenue
		x.recency += c.Recency
		x.orders += c.Orders
		out.Revenue += c.Revenue
	}
	for _, seg := range rfm.Segments() {
		x := by[seg]
		f := SegmentFigures{Segment: seg, Customers: x.customers, Revenue: x.revenue,
			ShareOfCustomers: fractionOf(x.customers, out.Customers), ShareOfRevenue: fractionOf(x.revenue, out.Revenue),
			AvgRecencyDays: fractionOf(x.recency, x.customers), AvgFrequency: fractionOf(x.orders, x.customers)}
		if x.customers > 0 {
			avg := roundedMean(x.revenue, x.customers)
			f.AvgMonetary = &avg
		}
		out.Segments = append(out.Segments, f)
	}
	return out, nil
}

// fractionOf is a/b, nil when b is zero.
func fractionOf(a, b int64) *float64 {
	if b == 0 {
		return nil
	}
	r := float64(a) / float64(b)
	return &r
}

// roundedMean is a/b for b > 0 rounded half away from zero.
func roundedMean(a, b int64) int64 {
	if a < 0 {
		return -roundedMean(-a, b)
	}
	return (2*a + b) / (2 * b)
}
