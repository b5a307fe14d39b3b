package web

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"pulse/internal/day"
	"pulse/internal/i18n"
	"pulse/internal/insight"
	"pulse/internal/model"
	"pulse/internal/money"
)

// forecastData is the forecast page.
type forecastData struct {
	Metrics, Intervals []string
	// Empty is set when the metric has no history at all, Short (the
	// sentence saying so) when it has too little for a forecast.
	Empty      bool
	Short      string
	Summary    string
	ComputedAt string
	// Model is the method in plain words, Tech its technical name.
	Model, Tech string
	Accuracy    forecastAccuracy
	Chart       bandChart
	ChartTitle  string
	ChartDesc   string
	// Actual names the bars in the legend, Ahead the forecast.
	Actual, Ahead string
	When          string
	Total         string
	Rows          []forecastRow
	AtRiskURL     string
	// Product is the product forecast, "" for the whole shop; ShopURL is
	// the same forecast for the whole shop.
	Product, ShopURL string
}

// forecastAccuracy is how well the method did on the app's own past data,
// in words. State is "beats" when it was more accurate than the simple
// method, "fallback" when the simple method is shown because the fitted
// model was not, "plain" when the method shown did not beat the simple
// one but stands (it is the simple one, or the last value, which is what
// the simple one repeats when a season is longer than the history), and
// "untested" when the history is too short to test.
type forecastAccuracy struct {
	State    string
	Text     string
	Coverage string
}

// forecastRow is one forecast period in the table.
type forecastRow struct {
	Key, When               string
	Value, Range80, Range95 string
}

// forecastUnits turns a forecast's values into the chart's whole units
// and formats them: minor units of the currency for revenue, hundredths
// for counts, which a forecast rarely gives whole.
type forecastUnits struct {
	v       *view
	isMoney bool
	scale   float64
}

func newForecastUnits(v *view, f *insight.Forecast) forecastUnits {
	u := forecastUnits{v: v, isMoney: f.Metric == "revenue", scale: countScale}
	if u.isMoney {
		exp, ok := money.Exponent(f.Currency)
		if !ok {
			exp = 2
		}
		u.scale = math.Pow10(exp)
	}
	return u
}

func (u forecastUnits) units(x float64) int64 { return int64(math.Round(x * u.scale)) }

// exact formats a value of the table or a tooltip: money to the minor
// unit, a count to two decimals, as the API gives them.
func (u forecastUnits) exact(n int64) string {
	if u.isMoney {
		return u.v.Money(n)
	}
	return i18n.Float(u.v.Lang, float64(n)/countScale, 2)
}

// axis formats a value of the axis, whose steps are round.
func (u forecastUnits) axis(n int64) string {
	if u.isMoney {
		return u.v.Money(n)
	}
	if n%countScale == 0 {
		return u.v.Int(n / countScale)
	}
	return i18n.Float(u.v.Lang, float64(n)/countScale, 1)
}

// minHistory is the least history the chart shows before the forecast, in
// periods: four weeks of days, a quarter of weeks, a year of months.
var minHistory = map[string]int{"day": 28, "week": 13, "month": 12}

// forecastPage shows the forecast that GET /api/v1/insights/forecast
// gives for the same metric, interval and horizon, drawn and in words.
func (h *Web) forecastPage(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Nav = "forecast"
	in := r.URL.Query()
	fq := insight.ForecastQuery{Metric: strings.TrimSpace(in.Get("metric")), Interval: strings.TrimSpace(in.Get("interval")),
		Horizon: strings.TrimSpace(in.Get("horizon")), Product: in.Get("product")}
	v.Form = url.Values{"metric": {fq.Metric}, "interval": {fq.Interval}, "horizon": {fq.Horizon}, "product": {fq.Product}}
	if fq.Metric == "" {
		v.Form.Set("metric", insight.Metrics[0])
	}
	if fq.Interval == "" {
		v.Form.Set("interval", insight.Intervals[0])
	}
	today := day.Of(h.now(), v.location())
	p, err := parseForecastForm(v, fq, today)
	if err != nil {
		return err
	}
	if len(v.Errors) > 0 {
		v.Alert = v.T("forecast.shown_default")
	}
	f, err := h.insights.ForecastFor(r.Context(), *v.App, p)
	var verr *model.ValidationError
	if errors.As(err, &verr) && p.Product != "" {
		// A product this app never sold: the shop's forecast instead.
		v.Alert, p.Product = v.T("forecast.err.product"), ""
		v.Form.Set("product", "")
		f, err = h.insights.ForecastFor(r.Context(), *v.App, p)
	}
	if err != nil {
		return err
	}
	v.Data = forecastPageData(v, f, p)
	h.render(w, insightsStatus(v), "forecast", v)
	return nil
}

// parseForecastForm checks the form; each invalid field gets its message
// and is left to its default, so that the page still shows a forecast.
func parseForecastForm(v *view, fq insight.ForecastQuery, today int64) (insight.ForecastParams, error) {
	for {
		p, err := insight.ParseForecast(fq, today)
		var verr *model.ValidationError
		if !errors.As(err, &verr) {
			return p, err
		}
		if v.Errors == nil {
			v.Errors = map[string]string{}
		}
		for _, fe := range verr.Errors {
			switch fe.Field {
			case "metric":
				v.Errors["metric"], fq.Metric = v.T("forecast.err.metric"), ""
			case "interval":
				v.Errors["interval"], fq.Interval = v.T("forecast.err.interval"), ""
			case "horizon":
				iv := fq.Interval
				if iv == "" {
					iv = insight.Intervals[0]
				}
				v.Errors["horizon"] = v.T("forecast.err.horizon", v.N("forecast.span."+iv, int64(insight.MaxHorizon(iv))))
				fq.Horizon = ""
			default:
				// Fields the form does not have cannot be fixed here.
				return p, err
			}
		}
	}
}

func forecastPageData(v *view, f *insight.Forecast, p insight.ForecastParams) *forecastData {
	d := &forecastData{Metrics: insight.Metrics, Intervals: insight.Intervals,
		Empty: f.Reason == "no_history", ComputedAt: v.DateTime(f.ComputedAt),
		AtRiskURL: appPath(v, "/forecast/at-risk"), When: v.T("forecast.col_" + f.Interval)}
	metric := v.T("forecast.metric." + f.Metric)
	ahead := v.N("forecast.span."+f.Interval, int64(p.Horizon))
	// The history ends with the last whole period, which may be before
	// the as-of date: a week or month still running is not counted yet.
	through := f.AsOf
	if n := len(f.History); n > 0 {
		through = f.History[n-1].End
	}
	d.Summary = v.T("forecast.summary", metric, v.T("forecast.per."+f.Interval), ahead, i18n.Date(v.Lang, day.Time(through)))
	if f.Product != "" {
		d.Product = f.ProductName
		shop := url.Values{"metric": {f.Metric}, "interval": {f.Interval}, "horizon": {strconv.Itoa(p.Horizon)}}
		d.ShopURL = appPath(v, "/forecast") + "?" + shop.Encode()
	}
	if d.Empty {
		return d
	}
	if f.Reason == "too_short" {
		need := v.N("forecast.span."+f.Interval, insight.MinPeriods)
		if len(f.History) == 0 {
			// Sales, but not one whole week or month yet.
			d.Short = v.T("forecast.too_short_partial."+f.Interval, need)
		} else {
			d.Short = v.T("forecast.too_short", v.N("forecast.span."+f.Interval, int64(len(f.History))), need)
		}
		return d
	}
	period := seasonalPeriod(f)
	d.Model, d.Tech = modelName(v, f, period), f.Model
	d.Accuracy = accuracyText(v, f, backtestPeriod(f, period))

	u := newForecastUnits(v, f)
	hist := f.History[max(0, len(f.History)-max(3*p.Horizon, minHistory[f.Interval])):]
	points := make([]chartPoint, len(hist))
	for i, pt := range hist {
		points[i] = chartPoint{From: pt.Start, To: pt.End, Value: u.units(pt.Value)}
	}
	future := make([]bandPoint, len(f.Points))
	var total int64
	for i, pt := range f.Points {
		bp := bandPoint{From: pt.Start, To: pt.End, Value: u.units(pt.Value), Lower80: u.units(pt.Lower80),
			Upper80: u.units(pt.Upper80), Lower95: u.units(pt.Lower95), Upper95: u.units(pt.Upper95)}
		future[i] = bp
		total += bp.Value
		d.Rows = append(d.Rows, forecastRow{Key: day.String(pt.Start), When: periodLabel(v, f.Interval, pt.Start, pt.End),
			Value:   u.exact(bp.Value),
			Range80: v.T("forecast.range", u.exact(bp.Lower80), u.exact(bp.Upper80)),
			Range95: v.T("forecast.range", u.exact(bp.Lower95), u.exact(bp.Upper95))})
	}
	d.Total = v.T("forecast.total", ahead, u.exact(total))
	d.Chart = newBandChart(points, future, bandLabels{
		Value: u.axis,
		Day: func(n int64) string {
			if f.Interval == "month" {
				return monthLabel(v, n)
			}
			return i18n.ShortDate(v.Lang, day.Time(n))
		},
		Actual: func(pt chartPoint) string {
			return v.T("forecast.chart.actual", periodLabel(v, f.Interval, pt.From, pt.To), u.exact(pt.Value))
		},
		Forecast: func(pt bandPoint) string {
			return v.T("forecast.chart.point", periodLabel(v, f.Interval, pt.From, pt.To), u.exact(pt.Value),
				u.exact(pt.Lower80), u.exact(pt.Upper80), u.exact(pt.Lower95), u.exact(pt.Upper95))
		},
	})
	d.ChartTitle = v.T("forecast.chart.title", metric, v.T("forecast.per."+f.Interval))
	d.Actual = v.N("forecast.legend.actual."+f.Interval, int64(len(hist)))
	d.Ahead = v.T("forecast.legend.forecast", ahead)
	d.ChartDesc = v.T("forecast.chart.desc", d.Actual, ahead)
	return d
}

// periodLabel names a period of the interval: a date, a week's dates, a
// month.
func periodLabel(v *view, interval string, start, end int64) string {
	switch interval {
	case "month":
		return monthLabel(v, start)
	case "week":
		return dateRange(v, start, end)
	}
	return i18n.Date(v.Lang, day.Time(start))
}

func monthLabel(v *view, d int64) string {
	t := day.Time(d)
	return v.T("insights.month."+strconv.Itoa(int(t.Month())), t.Year())
}

// defaultPeriods is the seasonal period of each interval, as the insight
// service forecasts it: a week of days, a year of weeks or of months.
var defaultPeriods = map[string]int{"day": 7, "week": 52, "month": 12}

// seasonalPeriod is the season the simple method repeats: the one the
// backtest compared with, else the interval's own.
func seasonalPeriod(f *insight.Forecast) int {
	if f.Accuracy != nil {
		return f.Accuracy.SeasonalPeriod
	}
	return defaultPeriods[f.Interval]
}

// backtestPeriod is the lag the backtest's simple method really
// repeated: the last value when even the latest origin's training data was
// no longer than a season, since a season cannot be repeated from less.
func backtestPeriod(f *insight.Forecast, period int) int {
	if a := f.Accuracy; a != nil && len(f.History)-a.Horizon <= period {
		return 1
	}
	return period
}

// baselineName says what the seasonal naive forecast does, as an action:
// "repeating the same weekday last week".
func baselineName(v *view, interval string, period int) string {
	switch {
	case period <= 1:
		return v.T("forecast.baseline.naive")
	case period == defaultPeriods[interval]:
		return v.T("forecast.baseline." + interval)
	}
	return v.T("forecast.baseline.lag", v.N("forecast.span."+interval, int64(period)))
}

// modelName says in plain words what the method shown does.
func modelName(v *view, f *insight.Forecast, period int) string {
	switch f.Kind {
	case "seasonal_naive":
		return v.T("forecast.model.simple", baselineName(v, f.Interval, period))
	case "naive":
		return v.T("forecast.model.simple", v.T("forecast.baseline.naive"))
	case "mean", "croston", "tsb":
		return v.T("forecast.model." + f.Kind)
	}
	name := etsName(v, f.Model, f.Interval)
	if strings.HasPrefix(f.Model, "MSTL+") {
		return v.T("forecast.model.mstl", name)
	}
	return name
}

// etsName reads an ETS model's name, "ETS(A,Ad,M)", and says what its
// trend and season are: the error term changes the intervals, not what
// the model describes.
func etsName(v *view, name, interval string) string {
	i, j := strings.Index(name, "ETS("), strings.LastIndex(name, ")")
	if i < 0 || j < i {
		return v.T("forecast.model.ets")
	}
	parts := strings.Split(name[i+4:j], ",")
	if len(parts) != 3 {
		return v.T("forecast.model.ets")
	}
	key := "forecast.model.ets." + parts[1] + "." + parts[2]
	if !v.msgs.Has(key) {
		return v.T("forecast.model.ets")
	}
	if parts[2] == "N" {
		return v.T(key)
	}
	return v.T(key, v.T("forecast.season."+interval))
}

// accuracyText tells the backtest's result in words: how far off the
// method was on average (sMAPE), whether it beat simply repeating the
// season (MASE against the seasonal naive's), and how often its 80% range
// held the actual value.
func accuracyText(v *view, f *insight.Forecast, period int) forecastAccuracy {
	a := f.Accuracy
	if a == nil {
		return forecastAccuracy{State: "untested", Text: v.T("forecast.acc.untested")}
	}
	base := baselineName(v, f.Interval, period)
	span := v.N("forecast.span."+f.Interval, int64(a.Horizon))
	origins := v.N("forecast.acc.origins", int64(a.Origins))
	// The figures are rounded as the API gives them first, so that the
	// page and the API never disagree in the last digit shown.
	m, bm := round4(a.MASE), round4(a.BaselineMASE)
	smape := percentPoints(v, round4(a.SMAPE))
	mase, baseMASE := i18n.Float(v.Lang, m, 2), i18n.Float(v.Lang, bm, 2)
	coverage := v.T("forecast.acc.coverage."+f.Interval, v.Pct(round4(a.Coverage80)))
	switch {
	case f.Fitted != f.Model:
		// The simple method's numbers are shown; the fitted model's sMAPE
		// and coverage describe a forecast that is not on the page.
		return forecastAccuracy{State: "fallback",
			Text: v.T("forecast.acc.fallback", base, f.Fitted, mase, baseMASE, span, origins)}
	case a.BeatsBaseline && bm > 0 && !math.IsInf(bm, 0):
		better := v.Pct(1 - m/bm)
		return forecastAccuracy{State: "beats", Coverage: coverage,
			Text: v.T("forecast.acc.beats", span, origins, smape, better, base, mase, baseMASE)}
	}
	return forecastAccuracy{State: "plain", Coverage: coverage,
		Text: v.T("forecast.acc.plain", span, origins, smape, mase)}
}

// percentPoints formats a number that is already a percentage, as Pct
// formats a fraction.
func percentPoints(v *view, x float64) string {
	s := i18n.Float(v.Lang, x, 1)
	if v.Lang == "ru" {
		return s + "\u00a0%"
	}
	return s + "%"
}
