package insight

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"pulse/internal/day"
	"pulse/internal/forecast"
	"pulse/internal/model"
	"pulse/internal/money"
	"pulse/internal/store"
)

// Forecast is a metric's forecast with the history it was fitted on and
// how well the same method did on that history.
type Forecast struct {
	Metric, Interval, Currency string
	// Product is the product whose sales are forecast, with its last
	// known name; empty for the whole shop.
	Product, ProductName string
	AsOf                 int64 // the last day the history may include
	ComputedAt           time.Time
	// Model is the method whose numbers are in Points; Fitted is the model
	// automatic selection chose. They differ when Fitted lost to the
	// seasonal naive forecast in the backtest, and Points are the
	// baseline's then.
	Model, Kind, Fitted string
	History             []Point
	Points              []ForecastPoint
	Accuracy            *Accuracy // nil when the history is too short to test
	// Reason is "no_history" (nothing sold yet: a zero forecast),
	// "too_short" (fewer than MinPeriods whole periods, maybe none: no
	// forecast at all) or "too_short_to_test" (a forecast without a backtest); empty
	// otherwise.
	Reason string
}

// Point is one period's actual value.
type Point struct {
	Start, End int64 // day numbers, both included
	Value      float64
}

// ForecastPoint is one future period with its 80% and 95% intervals.
type ForecastPoint struct {
	Start, End                       int64
	Value, Lower80, Upper80, Lower95 float64
	Upper95                          float64
}

// Accuracy is a rolling-origin backtest of the fitted method against the
// seasonal naive forecast.
type Accuracy struct {
	// Origins are Step periods apart, the last Horizon periods before the
	// history's end.
	Origins, Horizon, Step  int
	MASE, SMAPE, Coverage80 float64
	BaselineMASE            float64
	BeatsBaseline           bool
	SeasonalPeriod          int
}

// maxProductLen is the longest product id ingestion accepts.
const maxProductLen = 128

// MinPeriods is the fewest whole periods a forecast is made from.
const MinPeriods = 3

// origins is how many forecast origins the backtest tries: enough for a
// stable average, few enough to refit in well under a second.
const origins = 5

// seasonality is the seasonal period and yearly period of each interval.
func seasonality(interval string) forecast.Options {
	switch interval {
	case "day":
		return forecast.Options{Period: 7, YearlyPeriod: 365, NonNegative: true}
	case "week":
		return forecast.Options{Period: 52, YearlyPeriod: 52, NonNegative: true}
	}
	return forecast.Options{Period: 12, YearlyPeriod: 12, NonNegative: true}
}

// ForecastParams is a forecast request, checked.
type ForecastParams struct {
	Metric, Interval string
	// Product narrows the forecast to one product's orders or revenue,
	// from the daily product rollup; such series are often intermittent,
	// and get Croston or TSB then.
	Product string
	Horizon int
	// AsOf is the last day the history may include: yesterday by default,
	// the last complete day.
	AsOf int64
}

// ForecastQuery is a forecast request as the client wrote it; empty
// fields are absent.
type ForecastQuery struct {
	Metric, Interval, Horizon, AsOf, Product string
}

// ParseForecast checks a forecast request; today is the app's local date.
func ParseForecast(q ForecastQuery, today int64) (ForecastParams, error) {
	verr := &model.ValidationError{}
	p := ForecastParams{Metric: q.Metric, Interval: q.Interval, AsOf: today - 1, Product: q.Product}
	if p.Metric == "" {
		p.Metric = "revenue"
	}
	switch {
	case !slices.Contains(Metrics, p.Metric):
		verr.Add("metric", "must be one of %s", strings.Join(Metrics, ", "))
	case p.Product != "" && p.Metric == "new_customers":
		verr.Add("metric", "must be revenue or orders for a product: customers are new to the shop, not to a product")
	}
	if len(p.Product) > maxProductLen {
		verr.Add("product", "must be at most %d bytes", maxProductLen)
	}
	if p.Interval == "" {
		p.Interval = "day"
	}
	if !slices.Contains(Intervals, p.Interval) {
		verr.Add("interval", "must be one of %s", strings.Join(Intervals, ", "))
		return p, verr.Err()
	}
	p.Horizon = DefaultHorizon(p.Interval)
	if q.Horizon != "" {
		n, err := strconv.Atoi(q.Horizon)
		if err != nil || n < 1 || n > MaxHorizon(p.Interval) {
			verr.Add("horizon", "must be a whole number from 1 to %d for interval %s", MaxHorizon(p.Interval), p.Interval)
		}
		p.Horizon = n
	}
	if q.AsOf != "" {
		p.AsOf = ParseAsOf(verr, q.AsOf, today)
	}
	return p, verr.Err()
}

// parseAsOf reads ?as_of=, a date no later than today.
func ParseAsOf(verr *model.ValidationError, s string, today int64) int64 {
	t, err := time.Parse(time.DateOnly, s)
	switch {
	case err != nil:
		verr.Add("as_of", "must be a date such as 2026-11-20")
	case day.Date(t.Date()) > today:
		verr.Add("as_of", "must not be after today (%s in the app's time zone)", day.String(today))
	default:
		return day.Date(t.Date())
	}
	return today
}

// computeForecast fits and backtests one series.
func (s *Service) computeForecast(ctx context.Context, appID, currency string, p ForecastParams) (*Forecast, error) {
	exp, ok := money.Exponent(currency)
	if !ok {
		exp = 2
	}
	// Enough days for lookback whole periods and the partial ones at
	// either end.
	from := p.AsOf - int64(lookback[p.Interval]+2)*map[string]int64{"day": 1, "week": 7, "month": 31}[p.Interval]
	out := &Forecast{Metric: p.Metric, Interval: p.Interval, Currency: currency, AsOf: p.AsOf, ComputedAt: s.now(),
		Product: p.Product}
	opts := seasonality(p.Interval)
	var (
		days []store.DaySales
		err  error
	)
	if p.Product == "" {
		days, err = s.db.DailySales(ctx, appID, from, p.AsOf)
	} else {
		var known bool
		if out.ProductName, known, err = s.db.ProductName(ctx, appID, p.Product); err == nil && !known {
			return nil, model.Invalid("product", "is not a product this app has sold (a product_id, or an item name for items without one)")
		}
		if err == nil {
			days, err = s.db.ProductDailySales(ctx, appID, p.Product, from, p.AsOf)
		}
		opts.Intermittent = true
	}
	if err != nil {
		return nil, err
	}
	ps, ys := buildSeries(days, p.Metric, p.Interval, exp, p.AsOf)
	for i, pr := range ps {
		out.History = append(out.History, Point{Start: pr.start, End: pr.end, Value: round(ys[i], exp)})
	}
	if len(ys) < MinPeriods && (len(ys) > 0 || sold(days, p.AsOf)) {
		// One or two periods give a level but no spread: any interval
		// would be made up, so there is no forecast yet.
		out.Model, out.Kind, out.Fitted, out.Reason = "None", "none", "None", "too_short"
		return out, nil
	}
	var res forecast.Result
	if len(ys) == 0 {
		// Nothing sold yet: the forecast is zero, and says why.
		res = forecast.Naive([]float64{0}, p.Horizon)
		out.Reason = "no_history"
	} else if res, err = forecast.Auto(ys, p.Horizon, opts); err != nil {
		return nil, fmt.Errorf("insight: forecast %s by %s: %w", p.Metric, p.Interval, err)
	}
	out.Model, out.Kind, out.Fitted = res.Model, res.Kind, res.Model
	if acc, err := forecast.Backtest(ys, p.Horizon, opts, origins); err == nil {
		m := 1
		if acc.Baseline != "Naive" {
			m = opts.Period
		}
		out.Accuracy = &Accuracy{Origins: acc.Origins, Horizon: acc.Horizon, Step: acc.Step, MASE: acc.MASE, SMAPE: acc.SMAPE,
			Coverage80: acc.Coverage80, BaselineMASE: acc.BaselineMASE, BeatsBaseline: acc.BeatsBaseline,
			SeasonalPeriod: m}
		if !acc.BeatsBaseline && res.Kind != "seasonal_naive" && res.Kind != "naive" {
			if m > 1 {
				res = forecast.SeasonalNaive(ys, p.Horizon, m)
			} else {
				res = forecast.Naive(ys, p.Horizon)
			}
			out.Model, out.Kind = res.Model, res.Kind
		}
	} else if out.Reason == "" {
		out.Reason = "too_short_to_test"
	}
	pr := lastComplete(p.AsOf, p.Interval)
	for i := range res.Mean {
		pr = next(pr, p.Interval)
		fp := ForecastPoint{Start: pr.start, End: pr.end, Value: res.Mean[i],
			Lower80: res.Lower80[i], Upper80: res.Upper80[i], Lower95: res.Lower95[i], Upper95: res.Upper95[i]}
		// Sales cannot go below zero: an interval of a symmetric model that
		// reaches below is cut at zero, as is a forecast of a falling trend.
		for _, v := range []*float64{&fp.Value, &fp.Lower80, &fp.Upper80, &fp.Lower95, &fp.Upper95} {
			*v = round(max(0, *v), exp)
		}
		out.Points = append(out.Points, fp)
	}
	return out, nil
}

// sold reports whether any day up to asOf has sales or new customers.
func sold(days []store.DaySales, asOf int64) bool {
	for _, d := range days {
		if d.Day <= asOf && (d.Orders != 0 || d.Revenue != 0 || d.NewCustomers != 0) {
			return true
		}
	}
	return false
}

// round rounds revenue to the currency's minor unit and counts to two
// decimals, which is as exact as a forecast deserves.
func round(v float64, exp int) float64 {
	e := math.Pow10(max(exp, 2))
	return math.Round(v*e) / e
}
