package web

import (
	"pulse/internal/day"
	"pulse/internal/i18n"
	"pulse/internal/insight"
)

// outlook is what the customer models expect of a customer. State is
// "computing" before the app's scores exist, "none" for a customer without
// a paid purchase to predict from, "erased" for an erased customer, whose
// scores are not shown, and "scored" otherwise.
type outlook struct {
	State                string
	PAlive               string
	Expected90, Expected string
	Revenue, CLV         string
	AtRisk               bool
	Note, Model          string
	AtRiskURL            string
}

// outlook reads a customer's scores from the app's cached snapshot; it
// never waits for the models, which the first view of a page starts.
func (h *Web) outlook(v *view, id string) outlook {
	snap := h.insights.Cached(*v.App)
	if snap == nil {
		return outlook{State: "computing"}
	}
	cm := snap.Customers
	c, ok := cm.Score(id)
	switch {
	case !ok:
		return outlook{State: "none"}
	case c.Erased:
		return outlook{State: "erased"}
	}
	year := cm.ValueOf(c, insight.DefaultHorizonDays, insight.DefaultDiscountRate)
	short := cm.ValueOf(c, insight.ShortHorizonDays, insight.DefaultDiscountRate)
	return outlook{State: "scored", PAlive: probabilityText(v, c.PAlive),
		Expected90: purchasesText(v, short.ExpectedPurchases), Expected: purchasesText(v, year.ExpectedPurchases),
		Revenue: majorMoney(v, year.ExpectedRevenue), CLV: majorMoney(v, year.CLV), AtRisk: c.AtRisk,
		Note: v.T("forecast.outlook.note", v.N("forecast.span.day", insight.DefaultHorizonDays),
			v.Pct(insight.DefaultDiscountRate), i18n.Date(v.Lang, day.Time(cm.AsOf))),
		Model: customerModelName(v, cm), AtRiskURL: appPath(v, "/forecast/at-risk")}
}
