// Package narrative writes the plain-language summary of a period: what
// changed in sales and by how much, what drove it (products, segments, new
// and returning customers), what the forecast says, and the top three
// recommendations. Every sentence is built from computed figures, which
// the summary returns beside the text so that each number can be checked.
package narrative

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"

	"pulse/internal/day"
	"pulse/internal/insight"
	"pulse/internal/model"
	"pulse/internal/report"
	"pulse/internal/rfm"
)

// Service writes summaries from the reports and the insights.
type Service struct {
	reports  *report.Service
	insights *insight.Service
	now      func() time.Time
}

// New returns a Service; now is the clock, nil for the wall clock.
func New(reports *report.Service, insights *insight.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{reports: reports, insights: insights, now: now}
}

// Query is a summary request as the client wrote it: dates YYYY-MM-DD,
// empty when absent.
type Query struct {
	From, To string
	Lang     string // "en" or "ru", already checked
}

// Sections of a summary, in the order they are written.
const (
	TopicSales           = "sales"
	TopicDrivers         = "drivers"
	TopicCustomers       = "customers"
	TopicForecast        = "forecast"
	TopicRecommendations = "recommendations"
)

// ForecastDays is how far ahead the summary's forecast looks.
const ForecastDays = 30

// driversShown is how many products the drivers name each way.
const driversShown = 2

// Summary is a period's summary in one language.
type Summary struct {
	Lang     string
	Currency string
	Period   report.Period
	Previous report.Period
	Headline string
	Sections []Section
	Figures  Figures
	// Recommendations are the top new recommendations, at most three and
	// one of a kind.
	Recommendations []insight.Listed
}

// Section is one paragraph of a summary.
type Section struct {
	Topic, Text string
}

// Figures are the numbers the text states. Money is in minor units.
type Figures struct {
	Current, Previous report.Totals
	// RevenueChangePct is nil when the previous period sold nothing.
	RevenueChangePct *float64
	Gainers, Losers  []ProductChange
	Segments         []SegmentChange
	Forecast         *ForecastFigure
}

// ProductChange is a product's revenue in the period and the one before.
type ProductChange struct {
	Product, Name            string
	Revenue, PreviousRevenue int64
}

// Change is the product's revenue difference.
func (p ProductChange) Change() int64 { return p.Revenue - p.PreviousRevenue }

// SegmentChange is an RFM segment's size at the end of the previous
// period and at the end of this one.
type SegmentChange struct {
	Segment       rfm.Segment
	Before, After int64
}

// ForecastFigure is the revenue forecast for the ForecastDays after the
// period, beside the revenue of the period's last ForecastDays days, in
// major units; SMAPE is the method's backtest error in percent. Reason is
// set when there is no forecast (see insight.Forecast).
type ForecastFigure struct {
	From, To     int64
	Amount, Last float64
	Model        string
	SMAPE        *float64
	Reason       string
}

// Summary writes the summary of the period q names; the default period is
// the 30 days that end yesterday, the last complete day.
func (s *Service) Summary(ctx context.Context, app model.App, q Query) (*Summary, error) {
	loc := insight.Location(app)
	today := day.Of(s.now(), loc)
	to := q.To
	if to == "" {
		to = day.String(today - 1)
	}
	sales, err := s.reports.Sales(ctx, app.ID, report.SalesParams{From: q.From, To: to, Compare: "previous_period"})
	if err != nil {
		return nil, err
	}
	out := &Summary{Lang: q.Lang, Currency: app.Currency, Period: sales.Period, Previous: sales.Previous.Period}
	f := &out.Figures
	f.Current, f.Previous = sales.Totals, sales.Previous.Totals
	// Revenue is what was sold, refunds apart: the figure the products,
	// the forecasts and the sales report's revenue use.
	if v, ok := report.PctChange(float64(f.Current.Revenue), float64(f.Previous.Revenue)); ok {
		f.RevenueChangePct = &v
	}
	if err := s.drivers(ctx, app, out); err != nil {
		return nil, err
	}
	if err := s.segments(ctx, app, out); err != nil {
		return nil, err
	}
	if err := s.forecast(ctx, app, out, today); err != nil {
		return nil, err
	}
	// A period that ends yesterday or today gets today's recommendations,
	// already computed; an earlier one those of its last day.
	recsAsOf := today
	if out.Period.To < today-1 {
		recsAsOf = out.Period.To
	}
	list, err := s.insights.ListRecommendations(ctx, app, recsAsOf)
	if err != nil {
		return nil, err
	}
	out.Recommendations = list.Top(3)
	write(out)
	return out, nil
}

// drivers picks the products whose revenue rose and fell most.
func (s *Service) drivers(ctx context.Context, app model.App, out *Summary) error {
	p := out.Period
	rows, err := s.reports.Products(ctx, app.ID, report.ProductsParams{From: day.String(p.From), To: day.String(p.To)})
	if err != nil {
		return err
	}
	var changes []ProductChange
	for _, r := range rows.Products {
		name := r.Name
		if name == "" {
			name = r.Product
		}
		changes = append(changes, ProductChange{Product: r.Product, Name: name, Revenue: r.Revenue, PreviousRevenue: r.PreviousRevenue})
	}
	slices.SortFunc(changes, func(a, b ProductChange) int {
		return cmp.Or(cmp.Compare(b.Change(), a.Change()), cmp.Compare(a.Product, b.Product))
	})
	for _, c := range changes {
		if c.Change() > 0 && len(out.Figures.Gainers) < driversShown {
			out.Figures.Gainers = append(out.Figures.Gainers, c)
		}
	}
	for i := len(changes) - 1; i >= 0; i-- {
		if c := changes[i]; c.Change() < 0 && len(out.Figures.Losers) < driversShown {
			out.Figures.Losers = append(out.Figures.Losers, c)
		}
	}
	return nil
}

// segments compares the RFM segments at the end of the previous period
// with the end of this one and keeps the two that moved most.
func (s *Service) segments(ctx context.Context, app model.App, out *Summary) error {
	before, err := s.reports.SegmentsAt(ctx, app, nil, out.Previous.To)
	if err != nil {
		return err
	}
	after, err := s.reports.SegmentsAt(ctx, app, nil, out.Period.To)
	if err != nil {
		return err
	}
	var moves []SegmentChange
	for i, seg := range after.Segments {
		if b := before.Segments[i].Customers; b != seg.Customers {
			moves = append(moves, SegmentChange{Segment: seg.Segment, Before: b, After: seg.Customers})
		}
	}
	slices.SortStableFunc(moves, func(a, b SegmentChange) int {
		return cmp.Compare(abs(b.After-b.Before), abs(a.After-a.Before))
	})
	out.Figures.Segments = moves[:min(2, len(moves))]
	return nil
}

func abs(n int64) int64 { return max(n, -n) }

// forecast sums the daily revenue forecast over the ForecastDays after
// the period (or after yesterday, for a period that runs to today).
func (s *Service) forecast(ctx context.Context, app model.App, out *Summary, today int64) error {
	asOf := min(out.Period.To, today-1)
	fc, err := s.insights.ForecastFor(ctx, app, insight.ForecastParams{Metric: "revenue", Interval: "day",
		Horizon: ForecastDays, AsOf: asOf})
	if err != nil {
		return err
	}
	ff := &ForecastFigure{From: asOf + 1, To: asOf + ForecastDays, Model: fc.Model, Reason: fc.Reason}
	for _, p := range fc.Points {
		ff.Amount += p.Value
	}
	for _, h := range fc.History {
		if h.Start > asOf-ForecastDays {
			ff.Last += h.Value
		}
	}
	if fc.Accuracy != nil && !math.IsNaN(fc.Accuracy.SMAPE) {
		v := fc.Accuracy.SMAPE
		ff.SMAPE = &v
	}
	out.Figures.Forecast = ff
	return nil
}
