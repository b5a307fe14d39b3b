package web

import (
	"errors"
	"math"
	"net/http"
	"net/url"

	"pulse/internal/day"
	"pulse/internal/i18n"
	"pulse/internal/insight"
	"pulse/internal/model"
)

// atRiskData is the list of valuable customers whose chance of buying
// again is falling.
type atRiskData struct {
	AsOf    string
	Model   string
	Summary string
	Rows    []atRiskRow
	Pager   pager
	// Horizon names the outlook's period in the column headers.
	Horizon string
}

// atRiskRow is one customer of the list, formatted.
type atRiskRow struct {
	ID, Name, URL, Segment   string
	Orders, Revenue, LastBuy string
	PAlive, PAliveBefore     string
	Expected, CLV            string
}

func (h *Web) atRiskPage(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Nav = "forecast"
	in := r.URL.Query()
	filters := cloneValues(url.Values{"limit": {in.Get("limit")}})
	cursor := in.Get("cursor")
	today := day.Of(h.now(), v.location())
	status := http.StatusOK
	pg, err := h.atRiskList(r, v, filters.Get("limit"), cursor, today)
	if isInvalid(err) {
		// A cursor or a limit edited by hand: the first page instead.
		status, cursor = http.StatusBadRequest, ""
		v.Alert = v.T("customers.cursor_invalid")
		filters = url.Values{}
		pg, err = h.atRiskList(r, v, "", "", today)
	}
	if err != nil {
		return err
	}
	cm := pg.Model
	d := &atRiskData{AsOf: i18n.Date(v.Lang, day.Time(cm.AsOf)), Model: customerModelName(v, cm),
		Summary: v.N("forecast.risk.summary", int64(pg.Totals.Customers)),
		Horizon: v.N("forecast.span.day", insight.DefaultHorizonDays),
		Pager:   newPager(r.URL.EscapedPath(), filters, cursor, pg.Next)}
	if pg.Totals.Customers > 0 {
		d.Summary = v.T("forecast.risk.summary_clv", d.Summary, majorMoney(v, pg.Totals.CLV))
	}
	ids := make([]string, len(pg.Rows))
	for i, row := range pg.Rows {
		ids[i] = row.ID
	}
	people, err := h.db.CustomersByIDs(r.Context(), v.App.ID, ids)
	if err != nil {
		return err
	}
	for _, row := range pg.Rows {
		ar := atRiskRow{ID: row.ID, Name: row.ID, URL: customerPath(v.App.ID, row.ID), Segment: segmentName(v, row.Segment),
			Orders: v.Int(row.Orders), Revenue: v.Money(row.Revenue), LastBuy: v.Date(row.LastPurchaseAt),
			PAlive: probabilityText(v, row.PAlive), PAliveBefore: probabilityText(v, row.PAliveBefore),
			Expected: purchasesText(v, row.ExpectedPurchases), CLV: majorMoney(v, row.CLV)}
		if c, ok := people[row.ID]; ok && c.Name != "" {
			ar.Name = c.Name
		}
		d.Rows = append(d.Rows, ar)
	}
	v.Data = d
	h.render(w, status, "at_risk", v)
	return nil
}

// atRiskList is one page of the at-risk customers, as the API lists them
// with ?at_risk=true.
func (h *Web) atRiskList(r *http.Request, v *view, limit, cursor string, today int64) (*insight.CustomerPage, error) {
	p, err := insight.ParseCustomers(insight.CustomerQuery{AtRisk: "true", Limit: limit, Cursor: cursor}, today)
	if err != nil {
		return nil, err
	}
	return h.insights.Customers(r.Context(), *v.App, p)
}

func isInvalid(err error) bool {
	var verr *model.ValidationError
	return errors.As(err, &verr)
}

// customerModelName says which model predicts the customers, and why a
// simpler one stands in when it does.
func customerModelName(v *view, cm *insight.CustomerModel) string {
	switch {
	case cm.Method == insight.MethodBGNBD && cm.Spend == insight.SpendGG:
		return v.T("forecast.cm.bg_gg")
	case cm.Method == insight.MethodBGNBD:
		return v.T("forecast.cm.bg_aov", v.T("forecast.cm.reason."+reasonKey(cm.Reason)))
	}
	return v.T("forecast.cm.heuristic", v.T("forecast.cm.reason."+reasonKey(cm.Reason)))
}

func reasonKey(reason string) string {
	if reason == "too_little_data" {
		return reason
	}
	return "fit_failed"
}

// round4 keeps four decimals, as the API gives probabilities and expected
// purchases, so that the page shows the same figures.
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// probabilityText is a probability as a percentage; the heuristic cannot
// always give one.
func probabilityText(v *view, p float64) string {
	if math.IsNaN(p) {
		return "—"
	}
	return v.Pct(round4(p))
}

// purchasesText is an expected number of purchases, to two decimals.
func purchasesText(v *view, n float64) string {
	return i18n.Float(v.Lang, round4(n), 2)
}

// majorMoney formats an estimate in major units of the app's currency,
// rounded to its minor unit as the API rounds it.
func majorMoney(v *view, x float64) string {
	return v.Money(newMoneyUnits(v).units(x))
}

// newMoneyUnits converts major units of the app's currency.
func newMoneyUnits(v *view) forecastUnits {
	return newForecastUnits(v, &insight.Forecast{Metric: "revenue", Currency: v.App.Currency})
}

// RiskRule states who is at risk, with the insight package's thresholds.
func (v *view) RiskRule() string {
	return v.T("forecast.risk.rule", int(math.Round(insight.RiskDrop*100)), insight.RiskWindow,
		int(math.Round(insight.RiskBelow*100)))
}
