package web_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"pulse/internal/i18n"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

// apiForecast is the API's forecast, which the page must show.
type apiForecast struct {
	Metric      string  `json:"metric"`
	Interval    string  `json:"interval"`
	Model       string  `json:"model"`
	ModelKind   string  `json:"model_kind"`
	FittedModel string  `json:"fitted_model"`
	Reason      *string `json:"reason"`
	History     []struct {
		PeriodStart string  `json:"period_start"`
		Value       float64 `json:"value"`
	} `json:"history"`
	Forecast []struct {
		PeriodStart string  `json:"period_start"`
		Value       float64 `json:"value"`
		Lower80     float64 `json:"lower_80"`
		Upper80     float64 `json:"upper_80"`
		Lower95     float64 `json:"lower_95"`
		Upper95     float64 `json:"upper_95"`
	} `json:"forecast"`
	Accuracy *struct {
		Origins       int     `json:"origins"`
		Horizon       int     `json:"horizon"`
		MASE          float64 `json:"mase"`
		SMAPE         float64 `json:"smape"`
		Coverage80    float64 `json:"coverage_80"`
		BaselineMASE  float64 `json:"baseline_mase"`
		BeatsBaseline bool    `json:"beats_baseline"`
	} `json:"accuracy"`
}

// weeklySales is 120 days of sales before insightsNow with a weekly
// pattern and noise, each order by a new customer.
func weeklySales() []buy {
	rng := rand.New(rand.NewPCG(3, 8))
	factor := map[time.Weekday]float64{time.Monday: 1, time.Tuesday: 0.8, time.Wednesday: 1, time.Thursday: 1.1,
		time.Friday: 1.3, time.Saturday: 1.8, time.Sunday: 1.4}
	return salesDays(120, func(i int, d time.Time) int {
		return int(math.Round(8*factor[d.Weekday()] + rng.Float64()*4 - 2))
	}, func() int64 { return 1000 + rng.Int64N(3000) })
}

// forecastValue is a forecast figure as the page writes it, computed here
// apart from the page: money to the cent, counts to two decimals.
func forecastValue(lang, metric string, x float64) string {
	if metric == "revenue" {
		return i18n.Money(lang, int64(math.Round(x*100)), "USD")
	}
	return i18n.Float(lang, x, 2)
}

// wantState is the accuracy wording the API's figures call for.
func wantState(f apiForecast) string {
	switch {
	case f.Accuracy == nil:
		return "untested"
	case f.FittedModel != f.Model:
		return "fallback"
	case f.Accuracy.BeatsBaseline:
		return "beats"
	}
	return "plain"
}

var (
	accuracyRe = regexp.MustCompile(`data-test="accuracy" data-state="([a-z]+)">([^<]*)<`)
	polygonRe  = regexp.MustCompile(`<(?:polygon|polyline) class="[^"]*" points="([^"]+)"[^>]*data-test="(band-95|band-80|forecast-line)"`)
)

// svgPoints reads "x,y x,y …".
func svgPoints(t *testing.T, s string) [][2]float64 {
	t.Helper()
	var out [][2]float64
	for _, f := range strings.Fields(s) {
		xs, ys, ok := strings.Cut(f, ",")
		x, err1 := strconv.ParseFloat(xs, 64)
		y, err2 := strconv.ParseFloat(ys, 64)
		if !ok || err1 != nil || err2 != nil {
			t.Fatalf("bad point %q", f)
		}
		out = append(out, [2]float64{x, y})
	}
	return out
}

// yRange is the span of a polygon's vertices at x: from its top (the
// smaller y) to its bottom.
func yRange(pts [][2]float64, x float64) (top, bottom float64, ok bool) {
	top, bottom = math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		if p[0] == x {
			top, bottom, ok = min(top, p[1]), max(bottom, p[1]), true
		}
	}
	return top, bottom, ok
}

// checkBands checks that at every point of the forecast line the 95% band
// holds the 80% band, which holds the line, and that the 95% band has
// some height somewhere.
func checkBands(t *testing.T, name string, p page) {
	t.Helper()
	shapes := map[string][][2]float64{}
	for _, m := range polygonRe.FindAllStringSubmatch(p.body, -1) {
		shapes[m[2]] = svgPoints(t, m[1])
	}
	line, b80, b95 := shapes["forecast-line"], shapes["band-80"], shapes["band-95"]
	if len(line) == 0 || len(b80) != 2*len(line) || len(b95) != 2*len(line) {
		t.Fatalf("%s: line of %d points, bands of %d and %d", name, len(line), len(b80), len(b95))
	}
	wide := false
	for _, pt := range line {
		t80, bot80, ok80 := yRange(b80, pt[0])
		t95, bot95, ok95 := yRange(b95, pt[0])
		if !ok80 || !ok95 || t95 > t80 || t80 > pt[1] || pt[1] > bot80 || bot80 > bot95 {
			t.Errorf("%s: at x=%v line y=%v, 80%% band %v..%v, 95%% band %v..%v", name, pt[0], pt[1], t80, bot80, t95, bot95)
		}
		wide = wide || bot95-t95 > 1
	}
	if !wide {
		t.Errorf("%s: the 95%% band has no height anywhere", name)
	}
}

func TestForecastPageMatchesTheAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInsightsSite(t, db)
		b := s.registerInZone("forecast@example.com", "UTC")
		sendBuys(t, s, b.key, weeklySales())
		states := map[string]bool{}
		for _, metric := range []string{"revenue", "orders", "new_customers"} {
			for _, q := range []string{"interval=day", "interval=week", "interval=month", "interval=day&horizon=7"} {
				query := "metric=" + metric + "&" + q
				p := b.get("/apps/" + b.appID + "/forecast?" + query)
				if p.status != http.StatusOK {
					t.Fatalf("%s: status %d: %s", query, p.status, p.text())
				}
				var api apiForecast
				s.apiJSON(b.key, "/api/v1/insights/forecast?"+query, &api)
				if api.Reason != nil && *api.Reason == "no_history" || len(api.Forecast) == 0 {
					t.Fatalf("%s: the API has no forecast: %+v", query, api)
				}
				checkBands(t, query, p)
				rows := regexp.MustCompile(`data-test="point-([0-9-]+)"`).FindAllStringSubmatch(p.body, -1)
				if len(rows) != len(api.Forecast) {
					t.Fatalf("%s: %d rows, the API has %d points", query, len(rows), len(api.Forecast))
				}
				for i, pt := range api.Forecast {
					if rows[i][1] != pt.PeriodStart {
						t.Errorf("%s: row %d is %s, the API's point starts %s", query, i, rows[i][1], pt.PeriodStart)
					}
					f := func(x float64) string { return forecastValue("en", metric, x) }
					want := fmt.Sprintf("%s %s – %s %s – %s", f(pt.Value), f(pt.Lower80), f(pt.Upper80), f(pt.Lower95), f(pt.Upper95))
					if got := rowText(t, p, "point-"+pt.PeriodStart); !strings.HasSuffix(got, " "+want) {
						t.Errorf("%s: row %s\n got %q\nwant …%q", query, pt.PeriodStart, got, want)
					}
				}
				m := accuracyRe.FindStringSubmatch(p.body)
				if m == nil {
					t.Fatalf("%s: no accuracy", query)
				}
				state, text := m[1], squeeze(m[2])
				states[state] = true
				if want := wantState(api); state != want {
					t.Errorf("%s: accuracy %s, want %s: %s", query, state, want, text)
				}
				checkAccuracyText(t, query, api, state, text)
				if !strings.Contains(p.body, "<code>"+api.Model+"</code>") {
					t.Errorf("%s: the model %s is not named", query, api.Model)
				}
			}
		}
		if !states["untested"] || !(states["beats"] || states["fallback"] || states["plain"]) {
			t.Errorf("accuracy wordings seen: %v; want the untested one and a tested one", states)
		}
	})
}

// checkAccuracyText checks the figures the wording gives against the
// API's.
func checkAccuracyText(t *testing.T, name string, api apiForecast, state, text string) {
	t.Helper()
	a := api.Accuracy
	var want []string
	switch state {
	case "untested":
		want = []string{"too short to test"}
	case "beats":
		want = []string{fmt.Sprintf("off by %.1f%% on average (sMAPE)", a.SMAPE),
			fmt.Sprintf("%.1f%% more accurate than simply", 100*(1-a.MASE/a.BaselineMASE)),
			fmt.Sprintf("(MASE %.2f vs %.2f; lower is better)", a.MASE, a.BaselineMASE),
			fmt.Sprintf("The 80%% range contained the actual value in %.1f%% of the tested", 100*a.Coverage80),
			fmt.Sprintf("from %d earlier dates", a.Origins)}
	case "fallback":
		want = []string{"The simple method is shown because the model fitted to your data (" + api.FittedModel + ") was not more accurate",
			fmt.Sprintf("MASE %.2f against %.2f for simply", a.MASE, a.BaselineMASE)}
	case "plain":
		want = []string{fmt.Sprintf("off by %.1f%% on average (sMAPE; MASE %.2f)", a.SMAPE, a.MASE)}
	}
	if api.Interval == "day" && state != "untested" {
		want = append(want, "simply repeating the same weekday last week")
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s: accuracy does not say %q: %s", name, w, text)
		}
	}
}

func TestForecastPageFieldErrors(t *testing.T) {
	t.Parallel()
	s := newInsightsSite(t, storetest.Open(t, store.SQLite))
	b := s.registerInZone("badform@example.com", "UTC")
	sendBuys(t, s, b.key, weeklySales()[:300])
	for _, c := range []struct {
		lang, query string
		errs        map[string]string
	}{
		{"en", "metric=foo&horizon=0", map[string]string{"metric": "Choose revenue, orders or new customers.",
			"horizon": "Enter a whole number from 1, at most 90 days ahead."}},
		{"en", "interval=year", map[string]string{"interval": "Choose day, week or month."}},
		{"en", "interval=month&horizon=25", map[string]string{"horizon": "Enter a whole number from 1, at most 24 months ahead."}},
		{"ru", "metric=foo&interval=week&horizon=x", map[string]string{"metric": "Выберите выручку, заказы или новых клиентов.",
			"horizon": "Введите целое число от 1, не больше чем на 52 недели вперёд."}},
	} {
		b.post("/lang", url.Values{"lang": {c.lang}, "back": {"/apps/" + b.appID}})
		p := b.get("/apps/" + b.appID + "/forecast?" + c.query)
		if p.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", c.query, p.status)
		}
		for field, msg := range c.errs {
			if !strings.Contains(p.body, `<p class="error" id="e-`+field+`">`+msg+`</p>`) ||
				!strings.Contains(p.body, `aria-describedby="e-`+field+`"`) {
				t.Errorf("%s: no error %q next to %s", c.query, msg, field)
			}
		}
		// The page still forecasts, with the defaults for the bad fields.
		if !strings.Contains(p.body, `data-test="forecast-chart"`) || !strings.Contains(p.body, `role="alert"`) {
			t.Errorf("%s: no chart or no alert: %s", c.query, p.text())
		}
	}
}

func TestForecastPageInRussian(t *testing.T) {
	t.Parallel()
	s := newInsightsSite(t, storetest.Open(t, store.SQLite))
	b := s.registerInZone("ru-forecast@example.com", "UTC")
	sendBuys(t, s, b.key, weeklySales())
	b.post("/lang", url.Values{"lang": {"ru"}, "back": {"/apps/" + b.appID}})
	for _, q := range []string{"metric=revenue&interval=day", "metric=orders&interval=week", "metric=new_customers&interval=month"} {
		p := b.get("/apps/" + b.appID + "/forecast?" + q)
		if p.status != http.StatusOK {
			t.Fatalf("%s: status %d", q, p.status)
		}
		var api apiForecast
		s.apiJSON(b.key, "/api/v1/insights/forecast?"+q, &api)
		pt := api.Forecast[0]
		want := forecastValue("ru", api.Metric, pt.Value) + " " + forecastValue("ru", api.Metric, pt.Lower80) + " – " +
			forecastValue("ru", api.Metric, pt.Upper80)
		if got := rowText(t, p, "point-"+pt.PeriodStart); !strings.Contains(got, want) {
			t.Errorf("%s: first row %q, want %q in it", q, got, want)
		}
		text := squeeze(p.text())
		for _, w := range []string{"Прогноз", "Клиенты под угрозой ухода"} {
			if !strings.Contains(text, w) {
				t.Errorf("%s: page does not say %q", q, w)
			}
		}
	}
	p := b.get("/apps/" + b.appID + "/forecast")
	text := squeeze(p.text())
	for _, w := range []string{"Выручка по дням на 30 дней вперёд, по продажам по 19 ноября 2026 включительно.",
		"при прогнозе на 30 дней вперёд с 5 более ранних дат", "повторить значение того же дня прошлой недели"} {
		if !strings.Contains(text, w) {
			t.Errorf("ru default: page does not say %q: %s", w, text)
		}
	}
}

func TestForecastPageWithoutSales(t *testing.T) {
	t.Parallel()
	s := newInsightsSite(t, storetest.Open(t, store.SQLite))
	b := s.registerInZone("nosales@example.com", "UTC")
	for _, lang := range []string{"en", "ru"} {
		b.post("/lang", url.Values{"lang": {lang}, "back": {"/apps/" + b.appID}})
		for _, metric := range []string{"revenue", "orders", "new_customers"} {
			p := b.get("/apps/" + b.appID + "/forecast?metric=" + metric)
			if p.status != http.StatusOK || !strings.Contains(p.body, `data-test="forecast-empty"`) ||
				!strings.Contains(p.body, `href="/apps/`+b.appID+`/connect"`) || strings.Contains(p.body, "<polygon") {
				t.Errorf("%s %s: status %d, not the empty state: %s", lang, metric, p.status, p.text())
			}
		}
		p := b.get("/apps/" + b.appID + "/forecast/at-risk")
		if p.status != http.StatusOK || !strings.Contains(p.body, `data-test="at-risk-empty"`) {
			t.Errorf("%s: at-risk list of an empty shop: %d %s", lang, p.status, p.text())
		}
	}
	p := b.get("/apps/" + b.appID + "/forecast")
	if !strings.Contains(p.body, `href="/apps/`+b.appID+`/forecast" aria-current="page"`) {
		t.Errorf("the navigation does not mark the forecast")
	}
}

// TestForecastPageTooShort: with one whole week of sales and no whole
// month, the forecasts by week and month say how much history there is and
// how much they need, in both languages, and draw nothing; by day there
// is a forecast.
func TestForecastPageTooShort(t *testing.T) {
	t.Parallel()
	s := newInsightsSite(t, storetest.Open(t, store.SQLite))
	b := s.registerInZone("short@example.com", "UTC")
	// insightsNow, Friday Nov 20, is in a running week; sales over the 12
	// days before it, from Sunday Nov 8, fill the week of Nov 9 to 15.
	sendBuys(t, s, b.key, salesDays(12, func(int, time.Time) int { return 5 }, func() int64 { return 2500 }))
	for _, c := range []struct{ lang, interval, want string }{
		{"en", "week", "Only 1 week of sales so far: a forecast needs at least 3 weeks"},
		{"ru", "week", "Пока продажи есть только за 1 неделю, а для прогноза нужно хотя бы 3 недели"},
		{"en", "month", "Your sales so far do not fill a whole calendar month yet: a forecast needs at least 3 months"},
		{"ru", "month", "Ваши продажи пока не заполняют ни одного целого календарного месяца, а для прогноза нужно хотя бы 3 месяца"},
	} {
		b.post("/lang", url.Values{"lang": {c.lang}, "back": {"/apps/" + b.appID}})
		p := b.get("/apps/" + b.appID + "/forecast?interval=" + c.interval)
		if p.status != http.StatusOK || !strings.Contains(p.body, `data-test="forecast-short"`) ||
			!strings.Contains(squeeze(p.text()), c.want) || strings.Contains(p.body, "<polygon") {
			t.Errorf("%s by %s: %d %s", c.lang, c.interval, p.status, squeeze(p.text()))
		}
	}
	if p := b.get("/apps/" + b.appID + "/forecast"); !strings.Contains(p.body, "<polygon") {
		t.Errorf("12 days by day drew no forecast: %s", squeeze(p.text()))
	}
}

// TestForecastPageOfAProduct: the products report's link opens the
// forecast of one product's orders, which is the API's; the form keeps
// the product; a product the app never sold gives the shop's forecast
// with a word why.
func TestForecastPageOfAProduct(t *testing.T) {
	t.Parallel()
	s := newInsightsSite(t, storetest.Open(t, store.SQLite))
	b := s.registerInZone("product-forecast@example.com", "UTC")
	sendBuys(t, s, b.key, weeklySales()) // every purchase is of "Tea"
	p := b.get("/apps/" + b.appID + "/forecast?metric=orders&product=Tea")
	if p.status != http.StatusOK || !strings.Contains(squeeze(p.text()), "Sales of one product: Tea.") ||
		!strings.Contains(p.body, `<input type="hidden" name="product" value="Tea">`) {
		t.Fatalf("product forecast page: %d %s", p.status, squeeze(p.text()))
	}
	var api apiForecast
	s.apiJSON(b.key, "/api/v1/insights/forecast?metric=orders&product=Tea", &api)
	if len(api.Forecast) == 0 {
		t.Fatalf("the API has no product forecast: %+v", api)
	}
	for _, pt := range api.Forecast {
		f := func(x float64) string { return forecastValue("en", "orders", x) }
		want := fmt.Sprintf("%s %s – %s %s – %s", f(pt.Value), f(pt.Lower80), f(pt.Upper80), f(pt.Lower95), f(pt.Upper95))
		if got := rowText(t, p, "point-"+pt.PeriodStart); !strings.HasSuffix(got, " "+want) {
			t.Errorf("row %s\n got %q\nwant …%q", pt.PeriodStart, got, want)
		}
	}
	p = b.get("/apps/" + b.appID + "/forecast?metric=orders&product=Coffee")
	if p.status != http.StatusOK || !strings.Contains(p.text(), "This app has not sold that product") ||
		strings.Contains(p.body, `data-test="forecast-product"`) || !strings.Contains(p.body, "<polygon") {
		t.Errorf("unknown product: %d %s", p.status, squeeze(p.text()))
	}
}
