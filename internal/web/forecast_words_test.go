package web

import (
	"strconv"
	"strings"
	"testing"

	"pulse/internal/day"
	"pulse/internal/i18n"
	"pulse/internal/insight"
	"pulse/internal/model"
)

func testView(t *testing.T, lang string) *view {
	t.Helper()
	msgs, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return &view{Lang: lang, msgs: msgs, App: &model.App{ID: "app_x", Currency: "USD", Timezone: "UTC"}}
}

func TestAccuracyWording(t *testing.T) {
	t.Parallel()
	acc := func(mase, base float64, beats bool, period int) *insight.Accuracy {
		return &insight.Accuracy{Origins: 5, Horizon: 30, MASE: mase, SMAPE: 12.34, Coverage80: 0.8,
			BaselineMASE: base, BeatsBaseline: beats, SeasonalPeriod: period}
	}
	for _, c := range []struct {
		name, lang string
		f          insight.Forecast
		history    int
		state      string
		want       []string
	}{
		{"beats by day", "en", insight.Forecast{Interval: "day", Model: "ETS(A,Ad,A)", Fitted: "ETS(A,Ad,A)", Kind: "ets",
			Accuracy: acc(0.77, 1, true, 7)}, 120, "beats", []string{
			"Tested on your own past data: forecasting 30 days ahead from 5 earlier dates, this method was off by 12.3% on average (sMAPE) and was 23.0% more accurate than simply repeating the same weekday last week (MASE 0.77 vs 1.00; lower is better).",
			"The 80% range contained the actual value in 80.0% of the tested days."}},
		{"fallback by month", "en", insight.Forecast{Interval: "month", Model: "Seasonal naive", Fitted: "ETS(M,A,M)", Kind: "seasonal_naive",
			Accuracy: acc(1.2, 0.9, false, 12)}, 60, "fallback", []string{
			"The simple method is shown because the model fitted to your data (ETS(M,A,M)) was not more accurate: tested on your own past data, forecasting 30 months ahead from 5 earlier dates, it scored MASE 1.20 against 0.90 for simply repeating the same month last year (lower is better)."}},
		{"seasonal naive chosen by week, no year of data", "en", insight.Forecast{Interval: "week", Model: "Naive", Fitted: "Naive", Kind: "naive",
			Accuracy: acc(1.1, 1.1, false, 1)}, 60, "plain", []string{"this method was off by 12.3% on average (sMAPE; MASE 1.10)"}},
		{"a season longer than the history tested on", "en", insight.Forecast{Interval: "week", Model: "ETS(A,N,N)", Fitted: "ETS(A,N,N)",
			Kind: "ets", Accuracy: &insight.Accuracy{Origins: 5, Horizon: 13, MASE: 0.9, SMAPE: 10, Coverage80: 0.7,
				BaselineMASE: 1, BeatsBaseline: true, SeasonalPeriod: 52}}, 43, "beats",
			[]string{"10.0% more accurate than simply repeating the last value (MASE 0.90 vs 1.00"}},
		{"untested", "en", insight.Forecast{Interval: "day", Model: "Mean", Fitted: "Mean", Kind: "mean"}, 5, "untested",
			[]string{"too short to test"}},
		{"beats by week in Russian", "ru", insight.Forecast{Interval: "week", Model: "MSTL+ETS(A,N,N)", Fitted: "MSTL+ETS(A,N,N)", Kind: "mstl",
			Accuracy: &insight.Accuracy{Origins: 3, Horizon: 13, MASE: 0.5, SMAPE: 8, Coverage80: 0.75, BaselineMASE: 0.8,
				BeatsBaseline: true, SeasonalPeriod: 52}}, 70, "beats", []string{
			"при прогнозе на 13 недель вперёд с 3 более ранних дат этот метод ошибался в среднем на 8,0\u00a0% (sMAPE) и был на 37,5\u00a0% точнее, чем если просто повторить значение той же недели прошлого года (MASE 0,50 против 0,80; чем меньше, тем лучше).",
			"Диапазон 80\u00a0% содержал фактическое значение в 75,0\u00a0% проверенных недель."}},
		{"a lag that is not the interval's season", "ru", insight.Forecast{Interval: "day", Model: "Seasonal naive", Fitted: "ETS(A,N,N)",
			Kind: "seasonal_naive", Accuracy: acc(1, 0.9, false, 365)}, 800, "fallback", []string{"если просто повторить значение 365 дней назад"}},
	} {
		v := testView(t, c.lang)
		c.f.History = make([]insight.Point, c.history)
		a := accuracyText(v, &c.f, backtestPeriod(&c.f, seasonalPeriod(&c.f)))
		if a.State != c.state {
			t.Errorf("%s: state %s, want %s", c.name, a.State, c.state)
		}
		got := a.Text + " " + a.Coverage
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s:\n got %q\nwant %q in it", c.name, got, w)
			}
		}
		if c.state == "fallback" && a.Coverage != "" {
			t.Errorf("%s: the coverage of a model not shown is given: %q", c.name, a.Coverage)
		}
	}
}

func TestModelNames(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		lang, model, kind, interval string
		period                      int
		want                        string
	}{
		{"en", "ETS(A,Ad,A)", "ets", "day", 7, "Exponential smoothing with a damped trend and a weekly pattern"},
		{"en", "ETS(M,N,M)", "ets", "month", 12, "Exponential smoothing with a yearly pattern that grows and shrinks with sales"},
		{"en", "ETS(A,N,N)", "ets", "week", 52, "Exponential smoothing of the level, with no trend or pattern"},
		{"en", "MSTL+ETS(A,A,A)", "mstl", "day", 7, "Exponential smoothing with a trend and a weekly pattern, after taking out the yearly pattern"},
		{"en", "ETS(A,Md,N)", "ets", "day", 7, "Exponential smoothing"},
		{"en", "Seasonal naive", "seasonal_naive", "day", 7, "Simple method: repeating the same weekday last week"},
		{"en", "Seasonal naive", "seasonal_naive", "week", 52, "Simple method: repeating the same week last year"},
		{"en", "Naive", "naive", "month", 1, "Simple method: repeating the last value"},
		{"en", "Croston", "croston", "day", 7, "Croston's method for irregular sales"},
		{"ru", "ETS(A,Ad,A)", "ets", "day", 7, "Экспоненциальное сглаживание с затухающим трендом и недельной сезонностью"},
		{"ru", "MSTL+ETS(A,N,N)", "mstl", "week", 52, "Экспоненциальное сглаживание уровня, без тренда и сезонности после выделения годовой сезонности"},
		{"ru", "TSB", "tsb", "day", 7, "Метод TSB для нерегулярных продаж"},
	} {
		v := testView(t, c.lang)
		if got := modelName(v, &insight.Forecast{Model: c.model, Kind: c.kind, Interval: c.interval}, c.period); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.lang, c.model, got, c.want)
		}
	}
}

func TestBandChartGeometry(t *testing.T) {
	t.Parallel()
	d := day.Date(2026, 11, 1)
	labels := bandLabels{
		Value:    func(n int64) string { return strconv.FormatInt(n, 10) },
		Day:      day.String,
		Actual:   func(p chartPoint) string { return "actual " + day.String(p.From) },
		Forecast: func(p bandPoint) string { return "forecast " + day.String(p.From) },
	}
	history := []chartPoint{{d, d, 100}, {d + 1, d + 1, 300}, {d + 2, d + 2, 200}}
	future := []bandPoint{
		{From: d + 3, To: d + 3, Value: 200, Lower80: 150, Upper80: 250, Lower95: 100, Upper95: 400},
		{From: d + 4, To: d + 4, Value: 220, Lower80: 140, Upper80: 300, Lower95: 0, Upper95: 500},
	}
	c := newBandChart(history, future, labels)
	if len(c.Bars) != 3 || len(c.Slots) != 2 {
		t.Fatalf("%d bars and %d slots", len(c.Bars), len(c.Slots))
	}
	// The axis reaches the highest bound, 500, and the top of the plot
	// is at most that.
	if c.YTicks[0].Pos != c.Bottom || c.YTicks[len(c.YTicks)-1].Pos > c.Top+0.1 {
		t.Errorf("ticks %v in a plot from %v to %v", c.YTicks, c.Top, c.Bottom)
	}
	slot := (c.Right - c.Left) / 5
	if c.Split != round1(c.Left+3*slot) || c.Slots[0].X != c.Split {
		t.Errorf("forecast starts at %v, first slot at %v, want %v", c.Split, c.Slots[0].X, round1(c.Left+3*slot))
	}
	if n := len(strings.Fields(c.Band95)); n != 4 || len(strings.Fields(c.Band80)) != 4 || len(strings.Fields(c.Line)) != 2 {
		t.Errorf("band95 %q, band80 %q, line %q", c.Band95, c.Band80, c.Line)
	}
	if c.Slots[1].Title != "forecast 2026-11-05" || c.Bars[0].Title != "actual 2026-11-01" {
		t.Errorf("titles %q, %q", c.Slots[1].Title, c.Bars[0].Title)
	}
	// One period ahead: its bands span its column.
	one := newBandChart(history, future[:1], labels)
	pts := strings.Fields(one.Band80)
	if len(pts) != 4 || !strings.HasPrefix(pts[0], coordX(one.Split)) || !strings.HasPrefix(pts[1], coordX(one.Right)) {
		t.Errorf("one period: band %q, split %v, right %v", one.Band80, one.Split, one.Right)
	}
	if empty := newBandChart(nil, nil, labels); empty.Line != "" || empty.Band95 != "" || len(empty.Bars) != 0 {
		t.Errorf("nothing to draw: %+v", empty)
	}
}

func coordX(x float64) string { return strings.Split(coord(x, 0), ",")[0] + "," }
