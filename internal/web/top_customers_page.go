package web

import (
	"net/http"
	"net/url"

	"pulse/internal/day"
	"pulse/internal/report"
)

// topCustomersData is the top customers page.
type topCustomersData struct {
	Picker reportPicker
	Range  string
	Rows   []topCustomerRow
	CSVURL string
}

// topCustomerRow is a customer's line; an erased customer has no link,
// name or email.
type topCustomerRow struct {
	Rank                    int
	ID, Name, Email, URL    string
	Erased                  bool
	Orders, Revenue, LastAt string
}

func (h *Web) customersReport(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Nav = "reports"
	today := day.Of(h.now(), v.location())
	rq := readReportQuery(r.URL.Query(), today)
	rep, shown, err := h.topCustomers(r, v, rq, today)
	if err != nil {
		return err
	}
	showForm(v, rq, rep.Period, "")
	d := topCustomersPage(v, rep, shown)
	d.Picker = newPicker(v, "/reports/customers", rq, shown, "")
	d.Picker.Limit = true
	v.Data = d
	h.render(w, insightsStatus(v), "top_customers", v)
	return nil
}

// topCustomersCSV downloads the page's list, as the API's CSV does; with
// an invalid field it shows the page and its errors instead.
func (h *Web) topCustomersCSV(w http.ResponseWriter, r *http.Request, v *view) error {
	rq := readReportQuery(r.URL.Query(), day.Of(h.now(), v.location()))
	rep, err := h.report.TopCustomers(r.Context(), v.App.ID, topCustomersParams(rq))
	if reportErrors(v, err) {
		return h.customersReport(w, r, v)
	} else if err != nil {
		return err
	}
	return sendCSV(w, "customers.csv", rep.CSV)
}

func topCustomersParams(rq reportQuery) report.CustomersParams {
	return report.CustomersParams{From: rq.From, To: rq.To, Limit: rq.Limit}
}

// topCustomers computes the list asked for, or the default one while a
// field is being corrected.
func (h *Web) topCustomers(r *http.Request, v *view, rq reportQuery, today int64) (*report.TopCustomers, reportQuery, error) {
	if len(v.Errors) == 0 {
		rep, err := h.report.TopCustomers(r.Context(), v.App.ID, topCustomersParams(rq))
		if !reportErrors(v, err) {
			return rep, rq, err
		}
	}
	shown := rq.fallback(v, today)
	v.Alert = v.N("reports.shown_default", defaultDays)
	rep, err := h.report.TopCustomers(r.Context(), v.App.ID, topCustomersParams(shown))
	return rep, shown, err
}

func topCustomersPage(v *view, rep *report.TopCustomers, rq reportQuery) *topCustomersData {
	d := &topCustomersData{Range: periodName(v, rep.Period)}
	q := url.Values{"from": {day.String(rep.Period.From)}, "to": {day.String(rep.Period.To)}}
	if rq.Limit != "" {
		q.Set("limit", rq.Limit)
	}
	d.CSVURL = appPath(v, "/reports/customers.csv") + "?" + q.Encode()
	for i, c := range rep.Customers {
		row := topCustomerRow{Rank: i + 1, ID: c.ID, Name: c.Name, Email: c.Email, Erased: c.Erased,
			Orders: v.Int(c.Orders), Revenue: v.Money(c.Revenue), LastAt: v.DateTime(c.LastOrderAt)}
		if !c.Erased {
			row.URL = appPath(v, "/customers/"+url.PathEscape(c.ID))
		}
		d.Rows = append(d.Rows, row)
	}
	return d
}
