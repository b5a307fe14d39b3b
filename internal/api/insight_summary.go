package api

import (
	"net/http"
	"strings"

	"pulse/internal/day"
	"pulse/internal/httpx"
	"pulse/internal/model"
	"pulse/internal/money"
	"pulse/internal/narrative"
	"pulse/internal/report"
)

type periodJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
}

func toPeriodJSON(p report.Period) periodJSON {
	return periodJSON{From: day.String(p.From), To: day.String(p.To)}
}

type productChangeJSON struct {
	Product         string `json:"product"`
	Name            string `json:"name"`
	Revenue         string `json:"revenue"`
	PreviousRevenue string `json:"previous_revenue"`
	Change          string `json:"change"`
}

type segmentChangeJSON struct {
	Segment string `json:"segment"`
	Before  int64  `json:"before"`
	After   int64  `json:"after"`
}

type summaryForecastJSON struct {
	From              string   `json:"from"`
	To                string   `json:"to"`
	Revenue           *string  `json:"revenue"`
	LastPeriodRevenue string   `json:"last_period_revenue"`
	Model             string   `json:"model"`
	SMAPE             *float64 `json:"smape"`
	Reason            *string  `json:"reason"`
}

type summaryFiguresJSON struct {
	Revenue                   string              `json:"revenue"`
	PreviousRevenue           string              `json:"previous_revenue"`
	RevenueChangePct          *float64            `json:"revenue_change_pct"`
	Refunds                   string              `json:"refunds"`
	Orders                    int64               `json:"orders"`
	PreviousOrders            int64               `json:"previous_orders"`
	AverageOrderValue         *string             `json:"average_order_value"`
	PreviousAverageOrderValue *string             `json:"previous_average_order_value"`
	Customers                 int64               `json:"customers"`
	NewCustomers              int64               `json:"new_customers"`
	ReturningCustomers        int64               `json:"returning_customers"`
	PreviousNewCustomers      int64               `json:"previous_new_customers"`
	PreviousReturning         int64               `json:"previous_returning_customers"`
	Gainers                   []productChangeJSON `json:"gainers"`
	Losers                    []productChangeJSON `json:"losers"`
	Segments                  []segmentChangeJSON `json:"segments"`
	Forecast                  summaryForecastJSON `json:"forecast"`
}

type summarySectionJSON struct {
	Topic string `json:"topic"`
	Text  string `json:"text"`
}

type summaryJSON struct {
	Lang            string               `json:"lang"`
	Currency        string               `json:"currency"`
	Period          periodJSON           `json:"period"`
	Previous        periodJSON           `json:"previous"`
	Headline        string               `json:"headline"`
	Text            string               `json:"text"`
	Sections        []summarySectionJSON `json:"sections"`
	Figures         summaryFiguresJSON   `json:"figures"`
	Recommendations []recommendationJSON `json:"recommendations"`
}

// insightSummary is GET /api/v1/insights/summary?lang=&from=&to=: the
// period's summary in plain language (default: the 30 days to yesterday),
// with the figures it states.
func (a *API) insightSummary(w http.ResponseWriter, r *http.Request) error {
	app := keyFrom(r.Context()).App
	verr := &model.ValidationError{}
	lang := requestLang(r, verr)
	if err := verr.Err(); err != nil {
		return err
	}
	q := r.URL.Query()
	s, err := a.summary.Summary(r.Context(), app, narrative.Query{From: q.Get("from"), To: q.Get("to"), Lang: lang})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toSummary(s))
	return nil
}

func toSummary(s *narrative.Summary) summaryJSON {
	cur := s.Currency
	m := func(minor int64) string { return money.FormatCode(minor, cur) }
	f := &s.Figures
	out := summaryJSON{Lang: s.Lang, Currency: cur, Period: toPeriodJSON(s.Period), Previous: toPeriodJSON(s.Previous),
		Headline: s.Headline, Sections: []summarySectionJSON{}, Recommendations: []recommendationJSON{},
		Figures: summaryFiguresJSON{Revenue: m(f.Current.Revenue), PreviousRevenue: m(f.Previous.Revenue),
			RevenueChangePct: f.RevenueChangePct, Refunds: m(f.Current.Refunds), Orders: f.Current.Orders,
			PreviousOrders: f.Previous.Orders, Customers: f.Current.Customers, NewCustomers: f.Current.NewCustomers,
			ReturningCustomers: f.Current.ReturningCustomers, PreviousNewCustomers: f.Previous.NewCustomers,
			PreviousReturning: f.Previous.ReturningCustomers, Gainers: toProductChanges(f.Gainers, cur),
			Losers: toProductChanges(f.Losers, cur), Segments: []segmentChangeJSON{}}}
	if v, ok := f.Current.AverageOrderValue(); ok {
		s := m(v)
		out.Figures.AverageOrderValue = &s
	}
	if v, ok := f.Previous.AverageOrderValue(); ok {
		s := m(v)
		out.Figures.PreviousAverageOrderValue = &s
	}
	for _, sg := range f.Segments {
		out.Figures.Segments = append(out.Figures.Segments, segmentChangeJSON{Segment: string(sg.Segment), Before: sg.Before, After: sg.After})
	}
	if ff := f.Forecast; ff != nil {
		fj := summaryForecastJSON{From: day.String(ff.From), To: day.String(ff.To), LastPeriodRevenue: majorMoney(ff.Last, cur),
			Model: ff.Model, SMAPE: ff.SMAPE}
		if ff.Reason != "too_short" {
			v := majorMoney(ff.Amount, cur)
			fj.Revenue = &v
		}
		if ff.Reason != "" {
			fj.Reason = &ff.Reason
		}
		out.Figures.Forecast = fj
	}
	texts := make([]string, 0, len(s.Sections))
	for _, sec := range s.Sections {
		out.Sections = append(out.Sections, summarySectionJSON{Topic: sec.Topic, Text: sec.Text})
		texts = append(texts, sec.Text)
	}
	out.Text = strings.Join(texts, "\n\n")
	for i := range s.Recommendations {
		out.Recommendations = append(out.Recommendations, toRecommendation(&s.Recommendations[i], cur, s.Lang))
	}
	return out
}

func toProductChanges(ps []narrative.ProductChange, cur string) []productChangeJSON {
	out := make([]productChangeJSON, len(ps))
	for i, p := range ps {
		out[i] = productChangeJSON{Product: p.Product, Name: p.Name, Revenue: money.FormatCode(p.Revenue, cur),
			PreviousRevenue: money.FormatCode(p.PreviousRevenue, cur), Change: money.FormatCode(p.Change(), cur)}
	}
	return out
}
