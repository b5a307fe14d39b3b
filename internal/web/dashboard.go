package web

import (
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"pulse/internal/day"
	"pulse/internal/i18n"
	"pulse/internal/store"
)

// period is a range of days (package day), both ends included.
type period struct{ From, To int64 }

func (p period) days() int64 { return p.To - p.From + 1 }

// previous is the period of the same length just before p, which p's
// figures are compared with.
func (p period) previous() period {
	n := p.days()
	return period{From: p.From - n, To: p.From - 1}
}

// presetDays are the periods offered as links, each ending today.
var presetDays = []int64{7, 30, 90, 365}

const defaultDays = 30

// maxRangeYears caps a custom period: the chart and the rollup query stay
// small, and longer spans belong in reports.
const maxRangeYears = 3

// dashboardData is what the dashboard template shows.
type dashboardData struct {
	// Empty is set while the app has received nothing: the page then only
	// points to the connection instructions.
	Empty      bool
	ConnectURL string
	Presets    []periodLink
	Custom     bool
	// Range and PrevRange name the period shown and the one it is
	// compared with.
	Range, PrevRange string
	Cards            []kpiCard
	Chart            chart
	ChartTitle       string
	ChartDesc        string
	Weekly           bool
	Rows             []chartRow
	// Recs are the top new recommendations, from the cached snapshot.
	Recs recsPanel
}

type periodLink struct {
	Label   string
	URL     string
	Current bool
}

// kpiCard is one key figure with its change on the previous period.
type kpiCard struct {
	ID     string
	Label  string
	Value  string
	Note   string
	Prev   string
	Change kpiChange
}

// kpiChange is a change told three ways: a direction for the colour, an
// arrow for the eye, and words for screen readers.
type kpiChange struct {
	Dir   string // "up", "down" or "flat"
	Arrow string
	Text  string
	SR    string
}

// chartRow is one bar of the chart as a table row, for screen readers.
type chartRow struct {
	When  string
	Value string
}

// totals are a period's sums of the daily rollups.
type totals struct {
	Orders, Revenue, Refunds, Refunded, NewCustomers int64
}

// net is revenue after refunds: what the period actually brought in.
func (t totals) net() int64 { return t.Revenue - t.Refunded }

// aov is the average order value, rounded to a minor unit; ok is false
// without orders.
func (t totals) aov() (int64, bool) {
	if t.Orders == 0 {
		return 0, false
	}
	return int64(math.Round(float64(t.Revenue) / float64(t.Orders))), true
}

// sumDays adds up the rows that fall in p.
func sumDays(rows []store.DaySales, p period) totals {
	var t totals
	for _, r := range rows {
		if r.Day < p.From || r.Day > p.To {
			continue
		}
		t.Orders += r.Orders
		t.Revenue += r.Revenue
		t.Refunds += r.Refunds
		t.Refunded += r.Refunded
		t.NewCustomers += r.NewCustomers
	}
	return t
}

// dashboard shows an app's key figures for a period against the period
// before, and its net revenue over time. Everything comes from the daily
// rollups, so the page costs the same for ten orders as for ten million.
func (h *Web) dashboard(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Nav = "dashboard"
	data := &dashboardData{ConnectURL: "/apps/" + url.PathEscape(v.App.ID) + "/connect"}
	v.Data = data
	stats, err := h.db.AppStats(r.Context(), v.App.ID)
	if err != nil {
		return err
	}
	if stats.Customers == 0 && stats.Purchases == 0 {
		data.Empty = true
		h.render(w, http.StatusOK, "dashboard", v)
		return nil
	}

	today := day.Of(h.now(), v.location())
	p, preset := choosePeriod(v, r.URL.Query(), today)
	data.Custom = preset == 0
	base := "/apps/" + url.PathEscape(v.App.ID)
	for _, n := range presetDays {
		data.Presets = append(data.Presets, periodLink{
			Label: v.N("dashboard.last_days", n), URL: base + "?period=" + strconv.FormatInt(n, 10), Current: n == preset,
		})
	}
	prev := p.previous()
	data.Range, data.PrevRange = dateRange(v, p.From, p.To), dateRange(v, prev.From, prev.To)

	rows, err := h.db.DailySales(r.Context(), v.App.ID, prev.From, p.To)
	if err != nil {
		return err
	}
	cur, old := sumDays(rows, p), sumDays(rows, prev)
	data.Cards = kpiCards(v, cur, old)
	fillChart(v, data, p, rows)
	if data.Recs, err = h.recsPanel(r.Context(), v); err != nil {
		return err
	}

	status := http.StatusOK
	if len(v.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	h.render(w, status, "dashboard", v)
	return nil
}

// choosePeriod reads the period from the query: a custom from–to range of
// dates in the app's time zone, else one of the presets, else the
// default. An invalid custom range is explained next to its fields and the
// default period shown meanwhile. preset is 0 for a custom range. The
// custom range's fields show the period chosen, ready to be adjusted.
func choosePeriod(v *view, q url.Values, today int64) (p period, preset int64) {
	v.Form = url.Values{"from": {q.Get("from")}, "to": {q.Get("to")}}
	if strings.TrimSpace(q.Get("from")) != "" || strings.TrimSpace(q.Get("to")) != "" {
		if p, ok := customPeriod(v, q.Get("from"), q.Get("to"), today); ok {
			return p, 0
		}
		preset = defaultDays
		v.Alert = v.N("dashboard.err.shown_default", preset)
	} else {
		preset = defaultDays
		if n, err := strconv.ParseInt(q.Get("period"), 10, 64); err == nil && slices.Contains(presetDays, n) {
			preset = n
		}
		v.Form.Set("from", day.String(today-preset+1))
		v.Form.Set("to", day.String(today))
	}
	return period{From: today - preset + 1, To: today}, preset
}

// customPeriod checks a from–to range typed by the user; each problem is
// reported on the field that has to change.
func customPeriod(v *view, fromS, toS string, today int64) (period, bool) {
	v.Errors = map[string]string{}
	from, fromOK := parseDay(v, "from", fromS)
	to, toOK := parseDay(v, "to", toS)
	if fromOK && from > today {
		v.Errors["from"] = v.T("dashboard.err.future", i18n.Date(v.Lang, day.Time(today)))
		fromOK = false
	}
	if toOK && to > today {
		v.Errors["to"] = v.T("dashboard.err.future", i18n.Date(v.Lang, day.Time(today)))
		toOK = false
	}
	if fromOK && toOK {
		y, m, d := day.Time(to).AddDate(-maxRangeYears, 0, 1).Date()
		switch {
		case to < from:
			v.Errors["to"] = v.T("dashboard.err.reversed")
		case from < day.Date(y, m, d):
			v.Errors["from"] = v.T("dashboard.err.too_long", maxRangeYears)
		}
	}
	if len(v.Errors) > 0 {
		return period{}, false
	}
	return period{From: from, To: to}, true
}

func parseDay(v *view, field, s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		v.Errors[field] = v.T("form.required")
		return 0, false
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		v.Errors[field] = v.T("dashboard.err.date")
		return 0, false
	}
	return day.Date(t.Date()), true
}

// dateRange names the days from to to, both included.
func dateRange(v *view, from, to int64) string {
	if from == to {
		return i18n.Date(v.Lang, day.Time(from))
	}
	return v.T("dashboard.range", i18n.Date(v.Lang, day.Time(from)), i18n.Date(v.Lang, day.Time(to)))
}

func kpiCards(v *view, cur, old totals) []kpiCard {
	money := func(n int64) string { return v.Money(n) }
	count := func(n int64) string { return v.Int(n) }
	curAOV, curOK := cur.aov()
	oldAOV, oldOK := old.aov()
	aovText := func(n int64, ok bool) string {
		if !ok {
			return "—"
		}
		return v.Money(n)
	}
	return []kpiCard{
		{
			ID: "net_revenue", Label: v.T("dashboard.kpi.net_revenue"), Value: money(cur.net()),
			Note: v.T("dashboard.kpi.net_revenue_note", v.Money(cur.Revenue), v.Money(cur.Refunded)),
			Prev: money(old.net()), Change: reportChange(v, cur.net(), old.net(), true, true, money),
		},
		{
			ID: "orders", Label: v.T("dashboard.kpi.orders"), Value: count(cur.Orders),
			Note: v.N("dashboard.kpi.refunds", cur.Refunds),
			Prev: count(old.Orders), Change: reportChange(v, cur.Orders, old.Orders, true, true, count),
		},
		{
			ID: "aov", Label: v.T("dashboard.kpi.aov"), Value: aovText(curAOV, curOK),
			Note: v.T("dashboard.kpi.aov_note"),
			Prev: aovText(oldAOV, oldOK), Change: reportChange(v, curAOV, oldAOV, curOK, oldOK, money),
		},
		{
			ID: "new_customers", Label: v.T("dashboard.kpi.new_customers"), Value: count(cur.NewCustomers),
			Prev: count(old.NewCustomers), Change: reportChange(v, cur.NewCustomers, old.NewCustomers, true, true, count),
		},
	}
}

// signed puts a plus sign before a formatted positive number; the
// formatters already write negative ones with a minus sign.
func signed(s string, n int64) string {
	if n > 0 {
		return "+" + s
	}
	return s
}

// fillChart charts net revenue over p, per day or per week.
func fillChart(v *view, data *dashboardData, p period, rows []store.DaySales) {
	values := map[int64]int64{}
	for _, r := range rows {
		if r.Day >= p.From {
			values[r.Day] = r.Revenue - r.Refunded
		}
	}
	points := bucket(p.From, p.To, values)
	data.Weekly = weekly(p.days())
	when := func(pt chartPoint) string { return dateRange(v, pt.From, pt.To) }
	data.Chart = newChart(points, chartLabels{
		Value: func(n int64) string { return v.Money(n) },
		Day:   func(d int64) string { return i18n.ShortDate(v.Lang, day.Time(d)) },
		Point: func(pt chartPoint) string { return v.T("dashboard.chart.point", when(pt), v.Money(pt.Value)) },
	})
	data.ChartTitle = v.T("dashboard.chart.title_days")
	if data.Weekly {
		data.ChartTitle = v.T("dashboard.chart.title_weeks")
	}
	var total int64
	best := -1
	for i, pt := range points {
		total += pt.Value
		if best < 0 || pt.Value > points[best].Value {
			best = i
		}
		data.Rows = append(data.Rows, chartRow{When: when(pt), Value: v.Money(pt.Value)})
	}
	switch {
	case best < 0 || points[best].Value <= 0:
		data.ChartDesc = v.T("dashboard.chart.desc_none", data.Range, v.Money(total))
	case data.Weekly:
		data.ChartDesc = v.T("dashboard.chart.desc_weeks", data.Range, v.Money(total),
			v.Money(points[best].Value), when(points[best]))
	default:
		data.ChartDesc = v.T("dashboard.chart.desc_days", data.Range, v.Money(total),
			v.Money(points[best].Value), when(points[best]))
	}
}
