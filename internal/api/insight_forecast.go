package api

import (
	"net/http"
	"time"

	"pulse/internal/day"
	"pulse/internal/httpx"
	"pulse/internal/insight"
)

type forecastPointJSON struct {
	PeriodStart string   `json:"period_start"`
	PeriodEnd   string   `json:"period_end"`
	Value       float64  `json:"value"`
	Lower80     *float64 `json:"lower_80,omitempty"`
	Upper80     *float64 `json:"upper_80,omitempty"`
	Lower95     *float64 `json:"lower_95,omitempty"`
	Upper95     *float64 `json:"upper_95,omitempty"`
}

type forecastAccuracyJSON struct {
	Method         string  `json:"method"`
	Origins        int     `json:"origins"`
	Horizon        int     `json:"horizon"`
	Step           int     `json:"step"`
	MASE           float64 `json:"mase"`
	SMAPE          float64 `json:"smape"`
	Coverage80     float64 `json:"coverage_80"`
	Baseline       string  `json:"baseline"`
	BaselineMASE   float64 `json:"baseline_mase"`
	BeatsBaseline  bool    `json:"beats_baseline"`
	SeasonalPeriod int     `json:"seasonal_period"`
}

type forecastProductJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type forecastJSON struct {
	Metric      string                `json:"metric"`
	Product     *forecastProductJSON  `json:"product"`
	Interval    string                `json:"interval"`
	Currency    *string               `json:"currency"`
	AsOf        string                `json:"as_of"`
	Horizon     int                   `json:"horizon"`
	ComputedAt  time.Time             `json:"computed_at"`
	Model       string                `json:"model"`
	ModelKind   string                `json:"model_kind"`
	FittedModel string                `json:"fitted_model"`
	Reason      *string               `json:"reason"`
	History     []forecastPointJSON   `json:"history"`
	Forecast    []forecastPointJSON   `json:"forecast"`
	Accuracy    *forecastAccuracyJSON `json:"accuracy"`
}

// insightForecast is GET /api/v1/insights/forecast.
func (a *API) insightForecast(w http.ResponseWriter, r *http.Request) error {
	app := keyFrom(r.Context()).App
	q := r.URL.Query()
	p, err := insight.ParseForecast(insight.ForecastQuery{Metric: q.Get("metric"), Interval: q.Get("interval"),
		Horizon: q.Get("horizon"), AsOf: q.Get("as_of"), Product: q.Get("product")}, day.Of(a.now(), insight.Location(app)))
	if err != nil {
		return err
	}
	f, err := a.insights.ForecastFor(r.Context(), app, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toForecast(f, p.Horizon))
	return nil
}

func toForecast(f *insight.Forecast, horizon int) forecastJSON {
	out := forecastJSON{Metric: f.Metric, Interval: f.Interval, AsOf: day.String(f.AsOf), Horizon: horizon,
		ComputedAt: f.ComputedAt, Model: f.Model, ModelKind: f.Kind, FittedModel: f.Fitted,
		History: make([]forecastPointJSON, len(f.History)), Forecast: make([]forecastPointJSON, len(f.Points))}
	if f.Metric == "revenue" {
		out.Currency = &f.Currency
	}
	if f.Product != "" {
		out.Product = &forecastProductJSON{ID: f.Product, Name: f.ProductName}
	}
	if f.Reason != "" {
		out.Reason = &f.Reason
	}
	for i, p := range f.History {
		out.History[i] = forecastPointJSON{PeriodStart: day.String(p.Start), PeriodEnd: day.String(p.End), Value: p.Value}
	}
	for i, p := range f.Points {
		out.Forecast[i] = forecastPointJSON{PeriodStart: day.String(p.Start), PeriodEnd: day.String(p.End), Value: p.Value,
			Lower80: &p.Lower80, Upper80: &p.Upper80, Lower95: &p.Lower95, Upper95: &p.Upper95}
	}
	if ac := f.Accuracy; ac != nil {
		baseline := "seasonal_naive"
		if ac.SeasonalPeriod == 1 {
			baseline = "naive"
		}
		out.Accuracy = &forecastAccuracyJSON{Method: "rolling_origin", Origins: ac.Origins, Horizon: ac.Horizon, Step: ac.Step,
			MASE: round4(ac.MASE), SMAPE: round4(ac.SMAPE), Coverage80: round4(ac.Coverage80), Baseline: baseline,
			BaselineMASE: round4(ac.BaselineMASE), BeatsBaseline: ac.BeatsBaseline, SeasonalPeriod: ac.SeasonalPeriod}
	}
	return out
}
