// Package trend finds what changed in an app's sales, from the daily
// rollups only: trends in weekly metrics, rising and declining products,
// anomalous days, and the weekly pattern of sales. Every finding has passed
// a significance test; an analysis the data is too short for is listed as
// skipped with the rule it failed, instead of being guessed at.
//
// Days are the app's local dates (package day). The analysis never reads a
// day after the one it is asked about, so a result for a past date is what
// it would have been on that date.
package trend

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"net/url"
	"slices"

	"pulse/internal/day"
	"pulse/internal/model"
	"pulse/internal/money"
	"pulse/internal/store"
)

// Alpha is the significance level of every test, and the false discovery
// rate where a family of tests is corrected with Benjamini–Hochberg.
const Alpha = 0.05

// Kinds of finding.
const (
	KindMetric      = "metric_trend"
	KindProduct     = "product_trend"
	KindAnomaly     = "anomaly"
	KindSeasonality = "seasonality"
	KindSegment     = "segment_shift"
)

// Service finds trends in the database's rollups.
type Service struct{ db *store.DB }

// New returns a Service.
func New(db *store.DB) *Service { return &Service{db: db} }

// Request says what to analyse.
type Request struct {
	App model.App
	// AsOf is the last day the analysis may use; Today is the app's current
	// local day. Today is still in progress, so when AsOf is Today the
	// analysis ends the day before: a half-day would look like a drop.
	AsOf, Today int64
	// Lang is "en" or "ru", the language of summaries and reasons.
	Lang string
}

// Result is what was found.
type Result struct {
	AsOf     string    `json:"as_of"`
	Currency string    `json:"currency"`
	Findings []Finding `json:"findings"`
	Skipped  []Skip    `json:"skipped"`
}

// Finding is one significant change.
type Finding struct {
	ID     string `json:"id"`
	Kind   string `json:"kind"`
	Metric string `json:"metric"`
	// Subject is the product a product trend is about; nil otherwise.
	Subject   *string  `json:"subject"`
	Direction string   `json:"direction"`
	ChangePct *float64 `json:"change_pct"`
	// ChangeAbs is a decimal string in the app's currency for money
	// metrics and a number otherwise: percentage points for a rate.
	ChangeAbs    any          `json:"change_abs"`
	Period       Period       `json:"period"`
	Significance Significance `json:"significance"`
	Evidence     []Point      `json:"evidence"`
	Summary      string       `json:"summary"`
}

// Period is an inclusive range of dates (YYYY-MM-DD).
type Period struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Significance is the test a finding passed. Test, PValue, Statistic and
// Alpha are always set; the other fields belong to particular tests.
type Significance struct {
	Test      string  `json:"test"`
	PValue    float64 `json:"p_value"`
	Statistic float64 `json:"statistic"`
	Alpha     float64 `json:"alpha"`
	// AdjustedP is the Benjamini–Hochberg adjusted p-value, for findings
	// tested as a family; it is what is compared with Alpha.
	AdjustedP *float64 `json:"adjusted_p_value,omitempty"`
	N         int      `json:"n,omitempty"`
	// Mann-Kendall: Z is the normal score of S (the statistic), Tau
	// Kendall's tau, VarianceCorrection the Hamed–Rao factor, SenSlope the
	// change per week (a decimal string for money metrics).
	Z                  *float64 `json:"z,omitempty"`
	Tau                *float64 `json:"tau,omitempty"`
	VarianceCorrection *float64 `json:"variance_correction,omitempty"`
	SenSlope           any      `json:"sen_slope,omitempty"`
	// Generalized ESD: the statistic is R, compared with CriticalValue;
	// MADScore is the modified z-score that flagged the day.
	CriticalValue *float64 `json:"critical_value,omitempty"`
	MADScore      *float64 `json:"mad_score,omitempty"`
	// Segment shifts: customers who joined and left the segment.
	Joined *int64 `json:"joined,omitempty"`
	Left   *int64 `json:"left,omitempty"`
	// Product trends: orders in each period.
	PreviousOrders *int64 `json:"previous_orders,omitempty"`
	CurrentOrders  *int64 `json:"current_orders,omitempty"`
	// Seasonality: the statistic is Kruskal–Wallis H with DF degrees of
	// freedom; Strength is 1 − Var(R)/Var(S+R), compared with MinStrength.
	DF          int      `json:"df,omitempty"`
	Strength    *float64 `json:"strength,omitempty"`
	MinStrength *float64 `json:"min_strength,omitempty"`
}

// Point is one value behind a finding: a week (PeriodStart), a day (Date),
// a weekday (Weekday) or a period (PeriodStart and PeriodEnd). Value and
// Expected are decimal strings for money and numbers otherwise.
type Point struct {
	PeriodStart string   `json:"period_start,omitempty"`
	PeriodEnd   string   `json:"period_end,omitempty"`
	Date        string   `json:"date,omitempty"`
	Weekday     string   `json:"weekday,omitempty"`
	Value       any      `json:"value"`
	Expected    any      `json:"expected,omitempty"`
	RelativePct *float64 `json:"relative_pct,omitempty"`
	Revenue     string   `json:"revenue,omitempty"`
}

// Skip is an analysis that was not run, and why.
type Skip struct {
	Kind   string `json:"kind"`
	Metric string `json:"metric"`
	Reason string `json:"reason"`
}

// Find runs every analysis for req.
func (s *Service) Find(ctx context.Context, req Request) (*Result, error) {
	last := min(req.AsOf, req.Today-1)
	res := &Result{AsOf: day.String(req.AsOf), Currency: req.App.Currency, Findings: []Finding{}, Skipped: []Skip{}}
	a := &analysis{ctx: ctx, db: s.db, app: req.App, last: last, txt: texts(req.Lang), res: res}
	first, ok, err := s.db.FirstSalesDay(ctx, req.App.ID, last)
	if err != nil {
		return nil, fmt.Errorf("trend.Find: %w", err)
	}
	if !ok {
		for _, k := range allAnalyses {
			a.skip(k.kind, k.metric, a.txt.noData())
		}
		return res, nil
	}
	a.first = first
	from := max(first, last-maxWeeks*7-7)
	days, err := s.db.DailySales(ctx, req.App.ID, from, last)
	if err != nil {
		return nil, fmt.Errorf("trend.Find: %w", err)
	}
	a.days = dense(days, from, last)
	a.from = from
	a.buyerWeeks = a.storedBuyerWeeks
	if err := a.metricTrends(); err != nil {
		return nil, fmt.Errorf("trend.Find: %w", err)
	}
	if err := a.productTrends(); err != nil {
		return nil, fmt.Errorf("trend.Find: %w", err)
	}
	a.anomalies()
	a.seasonality()
	if err := a.segmentShifts(); err != nil {
		return nil, fmt.Errorf("trend.Find: %w", err)
	}
	return res, nil
}

// allAnalyses are the (kind, metric) pairs Find reports on.
var allAnalyses = []struct{ kind, metric string }{
	{KindMetric, "revenue"}, {KindMetric, "orders"}, {KindMetric, "new_customers"}, {KindMetric, "aov"},
	{KindMetric, "repeat_rate"}, {KindProduct, "orders"}, {KindAnomaly, "revenue"}, {KindAnomaly, "orders"},
	{KindSeasonality, "revenue"}, {KindSeasonality, "orders"}, {KindSegment, "customers"},
}

// analysis is one run of Find.
type analysis struct {
	ctx         context.Context
	db          *store.DB
	app         model.App
	first, last int64
	// days are the daily totals from day from to last, one per day.
	from int64
	days []store.DaySales
	// buyerWeeks counts the buyers of the weeks starting on the given
	// Mondays, which the daily totals cannot: distinct buyers do not add
	// up over days.
	buyerWeeks func(starts []int64) ([]buyerWeek, error)
	txt        *text
	res        *Result
}

func (a *analysis) skip(kind, metric, reason string) {
	a.res.Skipped = append(a.res.Skipped, Skip{Kind: kind, Metric: metric, Reason: reason})
}

// addInOrder adds findings by increasing key (an adjusted p-value): the
// most certain first.
func (a *analysis) addInOrder(found []Finding, key []float64) {
	idx := make([]int, len(found))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(x, y int) int { return cmp.Compare(key[x], key[y]) })
	for _, i := range idx {
		a.add(found[i])
	}
}

func (a *analysis) add(f Finding) {
	subject := ""
	if f.Subject != nil {
		subject = *f.Subject
	}
	f.ID = fmt.Sprintf("%s:%s:%s:%s..%s", f.Kind, f.Metric, url.PathEscape(subject), f.Period.From, f.Period.To)
	a.res.Findings = append(a.res.Findings, f)
}

// day returns the totals of day d, zeros outside the loaded range.
func (a *analysis) day(d int64) store.DaySales {
	if d < a.from || d > a.last {
		return store.DaySales{Day: d}
	}
	return a.days[d-a.from]
}

// dense spreads rollup rows over every day from from to to, missing days
// as zeros.
func dense(rows []store.DaySales, from, to int64) []store.DaySales {
	out := make([]store.DaySales, to-from+1)
	for i := range out {
		out[i].Day = from + int64(i)
	}
	for _, r := range rows {
		out[r.Day-from] = r
	}
	return out
}

// weekday is 0 for Monday to 6 for Sunday; day 0 (1970-01-01) was a
// Thursday.
func weekday(d int64) int { return int(((d+3)%7 + 7) % 7) }

// lastSunday is the last day of the last complete Monday-to-Sunday week
// ending on or before d.
func lastSunday(d int64) int64 { return d - int64((weekday(d)+1)%7) }

// moneyValue formats minor units (rounded) as a decimal string in the
// app's currency.
func (a *analysis) moneyValue(minor float64) string {
	return money.FormatCode(int64(math.Round(minor)), a.app.Currency)
}

// value is v as a finding shows it: a decimal string for money, a number
// rounded to 4 decimals otherwise.
func (a *analysis) value(v float64, isMoney bool) any {
	if isMoney {
		return a.moneyValue(v)
	}
	return round(v, 4)
}

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

func ptr[T any](v T) *T { return &v }

// pct is the percentage change from before to after, nil when before is
// not positive (a change from nothing has no percentage).
func pct(before, after float64) *float64 {
	if before <= 0 {
		return nil
	}
	return ptr(round((after-before)/before*100, 2))
}

func direction(v float64) string {
	if v < 0 {
		return "down"
	}
	return "up"
}
