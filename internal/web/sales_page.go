package web

import (
	"net/http"
	"net/url"

	"pulse/internal/day"
	"pulse/internal/i18n"
	"pulse/internal/report"
)

// salesData is the sales report page.
type salesData struct {
	Picker           reportPicker
	Range, PrevRange string
	Compare          bool
	Cards            []kpiCard
	Chart            chart
	ChartTitle       string
	ChartDesc        string
	// When names the series' buckets in the table's header.
	When    string
	Rows    []salesRow
	GroupBy string
	Groups  []salesRow
	CSVURL  string
}

// salesRow is a bucket of the series or a value of the breakdown.
type salesRow struct {
	Key, When                          string
	Revenue, Refunds, Net, Orders, AOV string
	Customers, New, Returning, Repeat  string
	Previous                           string
	NetNegative                        bool
}

func (h *Web) salesReport(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Nav = "reports"
	today := day.Of(h.now(), v.location())
	rq := readReportQuery(r.URL.Query(), today)
	rep, shown, err := h.sales(r, v, rq, today)
	if err != nil {
		return err
	}
	var prev *report.Sales
	if rep.Previous != nil {
		// The chart's line: the previous period cut into the same buckets.
		prev, err = h.report.Sales(r.Context(), v.App.ID, report.SalesParams{
			From: day.String(rep.Previous.Period.From), To: day.String(rep.Previous.Period.To), Interval: rep.Interval})
		if err != nil {
			return err
		}
	}
	showForm(v, rq, rep.Period, rep.Interval)
	d := salesPage(v, rep, prev)
	d.Picker = newPicker(v, "/reports", rq, shown, rep.Interval)
	d.Picker.Interval, d.Picker.Compare, d.Picker.GroupBy = true, true, true
	v.Data = d
	h.render(w, insightsStatus(v), "sales", v)
	return nil
}

// salesCSV downloads the page's series or breakdown, as the API's CSV
// does; with an invalid field it shows the page and its errors instead.
func (h *Web) salesCSV(w http.ResponseWriter, r *http.Request, v *view) error {
	today := day.Of(h.now(), v.location())
	rq := readReportQuery(r.URL.Query(), today)
	rep, err := h.report.Sales(r.Context(), v.App.ID, salesParams(rq, today))
	if reportErrors(v, err) {
		return h.salesReport(w, r, v)
	} else if err != nil {
		return err
	}
	return sendCSV(w, "sales.csv", rep.CSV)
}

func salesParams(rq reportQuery, today int64) report.SalesParams {
	return report.SalesParams{From: rq.From, To: rq.To, Interval: rq.interval(today),
		Compare: rq.compareParam(), GroupBy: rq.GroupBy}
}

// sales computes the report asked for, or, when a field is invalid, the
// default one with the error next to the field; shown is what was
// computed.
func (h *Web) sales(r *http.Request, v *view, rq reportQuery, today int64) (*report.Sales, reportQuery, error) {
	if len(v.Errors) == 0 {
		rep, err := h.report.Sales(r.Context(), v.App.ID, salesParams(rq, today))
		if !reportErrors(v, err) {
			return rep, rq, err
		}
	}
	shown := rq.fallback(v, today)
	v.Alert = v.N("reports.shown_default", defaultDays)
	rep, err := h.report.Sales(r.Context(), v.App.ID, salesParams(shown, today))
	return rep, shown, err
}

func salesPage(v *view, rep *report.Sales, prev *report.Sales) *salesData {
	d := &salesData{Range: periodName(v, rep.Period), Compare: rep.Previous != nil,
		When: v.T("reports.sales.col_" + rep.Interval)}
	q := url.Values{"from": {day.String(rep.Period.From)}, "to": {day.String(rep.Period.To)}, "interval": {rep.Interval}}
	if rep.Previous != nil {
		q.Set("compare", "previous_period")
		d.PrevRange = periodName(v, rep.Previous.Period)
	} else {
		q.Set("compare", compareOff)
	}
	if rep.GroupBy != nil {
		d.GroupBy = rep.GroupBy.String()
		q.Set("group_by", d.GroupBy)
	}
	d.CSVURL = appPath(v, "/reports/sales.csv") + "?" + q.Encode()
	var old *report.Totals
	if rep.Previous != nil {
		old = &rep.Previous.Totals
	}
	d.Cards = salesCards(v, rep.Totals, old)
	for i, b := range rep.Series {
		row := totalsRow(v, b.Totals)
		row.Key, row.When = day.String(b.Start), dateRange(v, b.Start, b.End)
		if prev != nil && i < len(prev.Series) {
			row.Previous = v.Money(prev.Series[i].NetRevenue())
		}
		d.Rows = append(d.Rows, row)
	}
	for _, g := range rep.Groups {
		row := totalsRow(v, g.Totals)
		row.Key, row.When = g.Value, g.Value
		if g.Value == report.NoValue {
			row.When = v.T("reports.no_value")
		}
		d.Groups = append(d.Groups, row)
	}
	salesChart(v, d, rep, prev)
	return d
}

func totalsRow(v *view, t report.Totals) salesRow {
	row := salesRow{Revenue: v.Money(t.Revenue), Refunds: v.Money(t.Refunds), Net: v.Money(t.NetRevenue()),
		Orders: v.Int(t.Orders), AOV: "—", Customers: v.Int(t.Customers), New: v.Int(t.NewCustomers),
		Returning: v.Int(t.ReturningCustomers), Repeat: "—", NetNegative: t.NetRevenue() < 0}
	if a, ok := t.AverageOrderValue(); ok {
		row.AOV = v.Money(a)
	}
	if r, ok := t.RepeatPurchaseRate(); ok {
		row.Repeat = v.Pct(r / 100)
	}
	return row
}

// salesCards are the period's figures; with old, each with its change.
func salesCards(v *view, cur report.Totals, old *report.Totals) []kpiCard {
	var prev report.Totals
	if old != nil {
		prev = *old
	}
	money := func(n int64) string { return v.Money(n) }
	count := func(n int64) string { return v.Int(n) }
	// The repeat rate is carried in hundredths of a percent, so that its
	// change is in percentage points.
	rate := func(n int64) string { return v.T("reports.pp", i18n.Float(v.Lang, float64(n)/100, 2)) }
	rateText := func(n int64, ok bool) string {
		if !ok {
			return "—"
		}
		return v.Pct(float64(n) / 10000)
	}
	aov := func(t report.Totals) (int64, bool) { return t.AverageOrderValue() }
	rep := func(t report.Totals) (int64, bool) {
		r, ok := t.RepeatPurchaseRate()
		return int64(r*100 + 0.5), ok
	}
	type figure struct {
		id     string
		get    func(report.Totals) (int64, bool)
		format func(int64) string
		text   func(int64, bool) string
		note   string
	}
	always := func(f func(report.Totals) int64) func(report.Totals) (int64, bool) {
		return func(t report.Totals) (int64, bool) { return f(t), true }
	}
	optMoney := func(n int64, ok bool) string {
		if !ok {
			return "—"
		}
		return v.Money(n)
	}
	figures := []figure{
		{"revenue", always(func(t report.Totals) int64 { return t.Revenue }), money, nil, v.N("reports.kpi.orders_note", cur.Orders)},
		{"refunds", always(func(t report.Totals) int64 { return t.Refunds }), money, nil, v.N("reports.kpi.refunds_note", cur.RefundsCount)},
		{"net_revenue", always(report.Totals.NetRevenue), money, nil, v.T("reports.kpi.net_revenue_note")},
		{"orders", always(func(t report.Totals) int64 { return t.Orders }), count, nil, ""},
		{"average_order_value", aov, money, optMoney, v.T("reports.kpi.average_order_value_note")},
		{"customers", always(func(t report.Totals) int64 { return t.Customers }), count, nil, ""},
		{"new_customers", always(func(t report.Totals) int64 { return t.NewCustomers }), count, nil, v.T("reports.kpi.new_customers_note")},
		{"returning_customers", always(func(t report.Totals) int64 { return t.ReturningCustomers }), count, nil, v.T("reports.kpi.returning_customers_note")},
		{"repeat_purchase_rate", rep, rate, rateText, v.T("reports.kpi.repeat_purchase_rate_note")},
	}
	cards := make([]kpiCard, len(figures))
	for i, f := range figures {
		text := f.text
		if text == nil {
			text = func(n int64, _ bool) string { return f.format(n) }
		}
		c, cOK := f.get(cur)
		p, pOK := f.get(prev)
		cards[i] = kpiCard{ID: f.id, Label: v.T("reports.kpi." + f.id), Value: text(c, cOK), Note: f.note}
		if old != nil {
			cards[i].Prev = text(p, pOK)
			cards[i].Change = reportChange(v, c, p, cOK, pOK, f.format)
			if f.id == "refunds" {
				// More refunds is bad news: its colour is the other way round.
				cards[i].Change.Dir = invertDir(cards[i].Change.Dir)
			}
		}
	}
	return cards
}

// salesChart charts net revenue per bucket, with the previous period's
// buckets as a line over them, the first bucket over the first.
func salesChart(v *view, d *salesData, rep *report.Sales, prev *report.Sales) {
	points := make([]chartPoint, len(rep.Series))
	var o chartOverlay
	var total int64
	for i, b := range rep.Series {
		points[i] = chartPoint{From: b.Start, To: b.End, Value: b.NetRevenue()}
		total += points[i].Value
		if prev != nil && i < len(prev.Series) {
			o.Line = append(o.Line, prev.Series[i].NetRevenue())
		}
	}
	index := map[int64]int{}
	for i, p := range points {
		index[p.From] = i
	}
	d.ChartTitle = v.T("reports.sales.chart_" + rep.Interval)
	d.Chart = newOverlaidChart(points, o, chartLabels{
		Value: func(n int64) string { return v.Money(n) },
		Day:   func(n int64) string { return i18n.ShortDate(v.Lang, day.Time(n)) },
		Point: func(p chartPoint) string {
			s := v.T("dashboard.chart.point", dateRange(v, p.From, p.To), v.Money(p.Value))
			if i := index[p.From]; i < len(o.Line) {
				s = v.T("reports.sales.point_previous", s, v.Money(o.Line[i]))
			}
			return s
		},
	})
	d.ChartDesc = v.T("reports.sales.chart_desc", d.Range, v.Money(total))
	if rep.Previous != nil {
		d.ChartDesc += " " + v.T("reports.sales.chart_desc_previous", d.PrevRange, v.Money(rep.Previous.Totals.NetRevenue()))
	}
}

// invertDir swaps the colours of a change.
func invertDir(dir string) string {
	switch dir {
	case "up":
		return "down"
	case "down":
		return "up"
	}
	return dir
}
