package web

import (
	"net/http"
	"net/url"

	"pulse/internal/day"
	"pulse/internal/report"
)

// productsData is the products report page.
type productsData struct {
	Picker           reportPicker
	Range, PrevRange string
	Total            string
	Rows             []productRow
	GroupBy          string
	Groups           []productGroupRow
	CSVURL           string
}

// productRow is a product's line. Share is its share of revenue as text,
// ShareWidth the same as the length of its bar, out of 100.
type productRow struct {
	ID, Name, Category              string
	ForecastURL                     string
	Revenue, Refunds, Units, Orders string
	Customers, Share, PrevRevenue   string
	ShareWidth                      float64
	Change                          kpiChange
}

// productGroupRow is one attribute value of a product's sales.
type productGroupRow struct {
	Product, Value                    string
	Revenue, Units, Orders, Customers string
}

func (h *Web) productsReport(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Nav = "reports"
	today := day.Of(h.now(), v.location())
	rq := readReportQuery(r.URL.Query(), today)
	rep, shown, err := h.products(r, v, rq, today)
	if err != nil {
		return err
	}
	showForm(v, rq, rep.Period, "")
	d := productsPage(v, rep)
	d.Picker = newPicker(v, "/reports/products", rq, shown, "")
	d.Picker.GroupBy = true
	v.Data = d
	h.render(w, insightsStatus(v), "products", v)
	return nil
}

// productsCSV downloads the page's table, as the API's CSV does; with an
// invalid field it shows the page and its errors instead.
func (h *Web) productsCSV(w http.ResponseWriter, r *http.Request, v *view) error {
	rq := readReportQuery(r.URL.Query(), day.Of(h.now(), v.location()))
	rep, err := h.report.Products(r.Context(), v.App.ID, productsParams(rq))
	if reportErrors(v, err) {
		return h.productsReport(w, r, v)
	} else if err != nil {
		return err
	}
	return sendCSV(w, "products.csv", rep.CSV)
}

func productsParams(rq reportQuery) report.ProductsParams {
	return report.ProductsParams{From: rq.From, To: rq.To, GroupBy: rq.GroupBy}
}

// products computes the report asked for, or the default one while a
// field is being corrected.
func (h *Web) products(r *http.Request, v *view, rq reportQuery, today int64) (*report.Products, reportQuery, error) {
	if len(v.Errors) == 0 {
		rep, err := h.report.Products(r.Context(), v.App.ID, productsParams(rq))
		if !reportErrors(v, err) {
			return rep, rq, err
		}
	}
	shown := rq.fallback(v, today)
	v.Alert = v.N("reports.shown_default", defaultDays)
	rep, err := h.report.Products(r.Context(), v.App.ID, productsParams(shown))
	return rep, shown, err
}

func productsPage(v *view, rep *report.Products) *productsData {
	total := rep.TotalRevenue()
	d := &productsData{Range: periodName(v, rep.Period), PrevRange: periodName(v, rep.Previous), Total: v.Money(total)}
	q := url.Values{"from": {day.String(rep.Period.From)}, "to": {day.String(rep.Period.To)}}
	if rep.GroupBy != nil {
		d.GroupBy = rep.GroupBy.String()
		q.Set("group_by", d.GroupBy)
	}
	d.CSVURL = appPath(v, "/reports/products.csv") + "?" + q.Encode()
	money := func(n int64) string { return v.Money(n) }
	for _, p := range rep.Products {
		name := p.Name
		if name == "" {
			name = p.Product
		}
		row := productRow{ID: p.Product, Name: name, Category: p.Category, Revenue: v.Money(p.Revenue),
			Refunds: v.Money(p.Refunds), Units: v.Int(p.Units), Orders: v.Int(p.Orders), Customers: v.Int(p.Customers),
			Share: "—", PrevRevenue: v.Money(p.PreviousRevenue),
			ForecastURL: appPath(v, "/forecast") + "?" + url.Values{"product": {p.Product}, "metric": {"orders"}}.Encode(),
			Change:      reportChange(v, p.Revenue, p.PreviousRevenue, true, p.PreviousRevenue != 0 || p.Revenue == 0, money)}
		if s, ok := p.ShareOfRevenue(total); ok {
			row.Share, row.ShareWidth = v.Pct(s/100), round1(max(0, s))
		}
		d.Rows = append(d.Rows, row)
		for _, g := range p.Groups {
			value := g.Value
			if value == report.NoValue {
				value = v.T("reports.no_value")
			}
			d.Groups = append(d.Groups, productGroupRow{Product: name, Value: value, Revenue: v.Money(g.Revenue),
				Units: v.Int(g.Units), Orders: v.Int(g.Orders), Customers: v.Int(g.Customers)})
		}
	}
	return d
}
