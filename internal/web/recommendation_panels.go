package web

import (
	"context"
	"net/url"

	"pulse/internal/model"
)

// The dashboard and the customer page show recommendations beside their
// own data. Both read the app's cached recommendations and never wait for
// them: until they are computed, the panels say so.

// Panel states.
const (
	panelComputing = "computing"
	panelNone      = "none"
	panelReady     = "ready"
)

// dashboardRecsShown is how many new recommendations the dashboard lists.
const dashboardRecsShown = 3

// recsPanel is the dashboard's panel of the top new recommendations.
type recsPanel struct {
	State string
	Items []recTeaser
	URL   string
}

// recTeaser is a recommendation in one line: what to do and what it may
// bring, linked to its card.
type recTeaser struct {
	ID, Title, Impact, URL string
}

// recsPanel lists the top new recommendations of the app's cached
// snapshot of today; the page never waits for one to be computed.
func (h *Web) recsPanel(ctx context.Context, v *view) (recsPanel, error) {
	p := recsPanel{State: panelComputing, URL: assistantPath(v)}
	list, err := h.insights.CachedRecommendations(ctx, *v.App)
	if err != nil || list == nil {
		return p, err
	}
	top := list.Top(dashboardRecsShown)
	for i := range top {
		l := &top[i]
		p.Items = append(p.Items, recTeaser{ID: l.ID, Title: l.Text(v.Lang, v.App.Currency, l.Impact).Title,
			Impact: v.T("assistant.panel.impact", minorMoney(v, l.Impact.Amount), minorMoney(v, l.Impact.Low),
				minorMoney(v, l.Impact.High), v.N("assistant.days", int64(l.Impact.HorizonDays))),
			URL: assistantPath(v) + "#rec-" + l.ID})
	}
	p.State = panelReady
	if len(p.Items) == 0 {
		p.State = panelNone
	}
	return p, nil
}

// nextProducts are the products a customer is likeliest to buy next.
type nextProducts struct {
	State string
	Items []nextProduct
}

// nextProduct is one suggestion: the product, the customer's product it
// goes with, the share of that product's buyers who bought it too, and how
// many times likelier they are to than customers overall.
type nextProduct struct {
	Name, URL, Because, Confidence, Lift string
}

// nextProductsShown is how many suggestions the customer page lists.
const nextProductsShown = 5

// nextProducts reads a customer's suggestions from the app's cached
// recommendations.
func (h *Web) nextProducts(v *view, c *model.Customer) nextProducts {
	snap := h.insights.Cached(*v.App)
	if snap == nil || snap.Recommendations() == nil {
		return nextProducts{State: panelComputing}
	}
	var out nextProducts
	for _, s := range snap.Recommendations().NextProducts(c.ID, nextProductsShown) {
		out.Items = append(out.Items, nextProduct{Name: s.Name, Because: s.BecauseName,
			URL:        appPath(v, "/forecast") + "?" + url.Values{"product": {s.Product}}.Encode(),
			Confidence: v.Pct(round4(s.Confidence)), Lift: times(v, s.Lift)})
	}
	out.State = panelReady
	if len(out.Items) == 0 {
		out.State = panelNone
	}
	return out
}
