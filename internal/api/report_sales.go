package api

import (
	"net/http"
	"time"

	"pulse/internal/day"
	"pulse/internal/httpx"
	"pulse/internal/money"
	"pulse/internal/report"
)

// salesTotalsJSON are a range's sales figures. Money is a decimal string in the
// report's currency; a figure with no meaning (an average of no orders) is
// null.
type salesTotalsJSON struct {
	Revenue            string   `json:"revenue"`
	Refunds            string   `json:"refunds"`
	NetRevenue         string   `json:"net_revenue"`
	Orders             int64    `json:"orders"`
	RefundsCount       int64    `json:"refunds_count"`
	AverageOrderValue  *string  `json:"average_order_value"`
	Customers          int64    `json:"customers"`
	NewCustomers       int64    `json:"new_customers"`
	ReturningCustomers int64    `json:"returning_customers"`
	RepeatPurchaseRate *float64 `json:"repeat_purchase_rate"`
}

type salesBucketJSON struct {
	PeriodStart string `json:"period_start"`
	PeriodEnd   string `json:"period_end"`
	salesTotalsJSON
}

type salesGroupJSON struct {
	Value string `json:"value"`
	salesTotalsJSON
}

type salesPreviousJSON struct {
	From   string          `json:"from"`
	To     string          `json:"to"`
	Totals salesTotalsJSON `json:"totals"`
}

// salesChangeJSON is a figure's change against the previous period: abs in the
// figure's own unit (a decimal string for money, percentage points for the
// repeat rate), pct null when the previous value is zero or missing.
type salesChangeJSON struct {
	Abs any      `json:"abs"`
	Pct *float64 `json:"pct"`
}

type salesJSON struct {
	Currency string                     `json:"currency"`
	From     string                     `json:"from"`
	To       string                     `json:"to"`
	Interval string                     `json:"interval"`
	Totals   salesTotalsJSON            `json:"totals"`
	Series   []salesBucketJSON          `json:"series"`
	Previous *salesPreviousJSON         `json:"previous,omitempty"`
	Change   map[string]salesChangeJSON `json:"change,omitempty"`
	GroupBy  *string                    `json:"group_by,omitempty"`
	Groups   []salesGroupJSON           `json:"groups,omitempty"`
}

func toSalesTotals(t report.Totals, cur string) salesTotalsJSON {
	out := salesTotalsJSON{
		Revenue: money.FormatCode(t.Revenue, cur), Refunds: money.FormatCode(t.Refunds, cur),
		NetRevenue: money.FormatCode(t.NetRevenue(), cur), Orders: t.Orders, RefundsCount: t.RefundsCount,
		Customers: t.Customers, NewCustomers: t.NewCustomers, ReturningCustomers: t.ReturningCustomers,
	}
	if v, ok := t.AverageOrderValue(); ok {
		s := money.FormatCode(v, cur)
		out.AverageOrderValue = &s
	}
	if v, ok := t.RepeatPurchaseRate(); ok {
		out.RepeatPurchaseRate = &v
	}
	return out
}

func salesPct(cur, prev float64) *float64 {
	if v, ok := report.PctChange(cur, prev); ok {
		return &v
	}
	return nil
}

// changes compares every figure of cur with prev.
func salesChanges(cur, prev report.Totals, c string) map[string]salesChangeJSON {
	moneyChange := func(a, b int64) salesChangeJSON {
		return salesChangeJSON{Abs: money.FormatCode(a-b, c), Pct: salesPct(float64(a), float64(b))}
	}
	count := func(a, b int64) salesChangeJSON {
		return salesChangeJSON{Abs: a - b, Pct: salesPct(float64(a), float64(b))}
	}
	out := map[string]salesChangeJSON{
		"revenue":             moneyChange(cur.Revenue, prev.Revenue),
		"refunds":             moneyChange(cur.Refunds, prev.Refunds),
		"net_revenue":         moneyChange(cur.NetRevenue(), prev.NetRevenue()),
		"orders":              count(cur.Orders, prev.Orders),
		"refunds_count":       count(cur.RefundsCount, prev.RefundsCount),
		"customers":           count(cur.Customers, prev.Customers),
		"new_customers":       count(cur.NewCustomers, prev.NewCustomers),
		"returning_customers": count(cur.ReturningCustomers, prev.ReturningCustomers),
	}
	ch := salesChangeJSON{}
	if a, ok := cur.AverageOrderValue(); ok {
		if b, ok := prev.AverageOrderValue(); ok {
			ch = moneyChange(a, b)
		}
	}
	out["average_order_value"] = ch
	ch = salesChangeJSON{}
	if a, ok := cur.RepeatPurchaseRate(); ok {
		if b, ok := prev.RepeatPurchaseRate(); ok {
			ch = salesChangeJSON{Abs: report.Round2(a - b), Pct: salesPct(a, b)}
		}
	}
	out["repeat_purchase_rate"] = ch
	return out
}

// reportSales is GET /api/v1/reports/sales.
func (a *API) reportSales(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	rep, err := a.reports.Sales(r.Context(), keyFrom(r.Context()).App.ID, report.SalesParams{
		From: q.Get("from"), To: q.Get("to"), Interval: q.Get("interval"),
		Compare: q.Get("compare"), GroupBy: q.Get("group_by"),
	})
	if err != nil {
		return err
	}
	if wantsCSV(r) {
		header, rows := rep.CSV()
		return writeCSV(w, "sales.csv", header, rows)
	}
	httpx.WriteJSON(w, http.StatusOK, toSales(rep))
	return nil
}

func toSales(rep *report.Sales) salesJSON {
	c := rep.Currency
	out := salesJSON{Currency: c, From: day.String(rep.Period.From), To: day.String(rep.Period.To),
		Interval: rep.Interval, Totals: toSalesTotals(rep.Totals, c), Series: make([]salesBucketJSON, len(rep.Series))}
	for i, b := range rep.Series {
		out.Series[i] = salesBucketJSON{PeriodStart: day.String(b.Start), PeriodEnd: day.String(b.End), salesTotalsJSON: toSalesTotals(b.Totals, c)}
	}
	if p := rep.Previous; p != nil {
		out.Previous = &salesPreviousJSON{From: day.String(p.Period.From), To: day.String(p.Period.To), Totals: toSalesTotals(p.Totals, c)}
		out.Change = salesChanges(rep.Totals, p.Totals, c)
	}
	if rep.GroupBy != nil {
		gb := rep.GroupBy.String()
		out.GroupBy = &gb
		out.Groups = make([]salesGroupJSON, len(rep.Groups))
		for i, g := range rep.Groups {
			out.Groups[i] = salesGroupJSON{Value: g.Value, salesTotalsJSON: toSalesTotals(g.Totals, c)}
		}
	}
	return out
}

type productGroupJSON struct {
	Value     string `json:"value"`
	Revenue   string `json:"revenue"`
	Units     int64  `json:"units"`
	Orders    int64  `json:"orders"`
	Customers int64  `json:"customers"`
}

type productJSON struct {
	Product         string             `json:"product"`
	Name            string             `json:"name"`
	Category        string             `json:"category"`
	Revenue         string             `json:"revenue"`
	Refunds         string             `json:"refunds"`
	Units           int64              `json:"units"`
	Orders          int64              `json:"orders"`
	Customers       int64              `json:"customers"`
	ShareOfRevenue  *float64           `json:"share_of_revenue"`
	PreviousRevenue string             `json:"previous_revenue"`
	Change          salesChangeJSON    `json:"change"`
	Groups          []productGroupJSON `json:"groups,omitempty"`
}

type productsJSON struct {
	Currency string          `json:"currency"`
	From     string          `json:"from"`
	To       string          `json:"to"`
	Previous salesPeriodJSON `json:"previous"`
	GroupBy  *string         `json:"group_by,omitempty"`
	Products []productJSON   `json:"products"`
}

type salesPeriodJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
}

func toProducts(rep *report.Products) productsJSON {
	c := rep.Currency
	total := rep.TotalRevenue()
	out := productsJSON{Currency: c, From: day.String(rep.Period.From), To: day.String(rep.Period.To),
		Previous: salesPeriodJSON{day.String(rep.Previous.From), day.String(rep.Previous.To)},
		Products: make([]productJSON, len(rep.Products))}
	if rep.GroupBy != nil {
		gb := rep.GroupBy.String()
		out.GroupBy = &gb
	}
	for i, p := range rep.Products {
		j := productJSON{Product: p.Product, Name: p.Name, Category: p.Category,
			Revenue: money.FormatCode(p.Revenue, c), Refunds: money.FormatCode(p.Refunds, c),
			Units: p.Units, Orders: p.Orders, Customers: p.Customers,
			PreviousRevenue: money.FormatCode(p.PreviousRevenue, c),
			Change: salesChangeJSON{Abs: money.FormatCode(p.Revenue-p.PreviousRevenue, c),
				Pct: salesPct(float64(p.Revenue), float64(p.PreviousRevenue))}}
		if v, ok := p.ShareOfRevenue(total); ok {
			j.ShareOfRevenue = &v
		}
		for _, g := range p.Groups {
			j.Groups = append(j.Groups, productGroupJSON{Value: g.Value, Revenue: money.FormatCode(g.Revenue, c),
				Units: g.Units, Orders: g.Orders, Customers: g.Customers})
		}
		if rep.GroupBy != nil && j.Groups == nil {
			j.Groups = []productGroupJSON{}
		}
		out.Products[i] = j
	}
	return out
}

// reportProducts is GET /api/v1/reports/products.
func (a *API) reportProducts(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	rep, err := a.reports.Products(r.Context(), keyFrom(r.Context()).App.ID, report.ProductsParams{
		From: q.Get("from"), To: q.Get("to"), GroupBy: q.Get("group_by"),
	})
	if err != nil {
		return err
	}
	if wantsCSV(r) {
		header, rows := rep.CSV()
		return writeCSV(w, "products.csv", header, rows)
	}
	httpx.WriteJSON(w, http.StatusOK, toProducts(rep))
	return nil
}

type topCustomerJSON struct {
	ID             *string   `json:"id"`
	Name           *string   `json:"name"`
	Email          *string   `json:"email"`
	Erased         bool      `json:"erased"`
	Orders         int64     `json:"orders"`
	Revenue        string    `json:"revenue"`
	LastPurchaseAt time.Time `json:"last_purchase_at"`
}

type topCustomersJSON struct {
	Currency  string            `json:"currency"`
	From      string            `json:"from"`
	To        string            `json:"to"`
	Customers []topCustomerJSON `json:"customers"`
}

// reportCustomers is GET /api/v1/reports/customers.
func (a *API) reportCustomers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	rep, err := a.reports.TopCustomers(r.Context(), keyFrom(r.Context()).App.ID, report.CustomersParams{
		From: q.Get("from"), To: q.Get("to"), Limit: q.Get("limit"),
	})
	if err != nil {
		return err
	}
	if wantsCSV(r) {
		header, rows := rep.CSV()
		return writeCSV(w, "customers.csv", header, rows)
	}
	c := rep.Currency
	out := topCustomersJSON{Currency: c, From: day.String(rep.Period.From), To: day.String(rep.Period.To),
		Customers: make([]topCustomerJSON, len(rep.Customers))}
	for i, tc := range rep.Customers {
		out.Customers[i] = topCustomerJSON{ID: optString(tc.ID), Name: optString(tc.Name), Email: optString(tc.Email),
			Erased: tc.Erased, Orders: tc.Orders, Revenue: money.FormatCode(tc.Revenue, c), LastPurchaseAt: tc.LastOrderAt}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}
