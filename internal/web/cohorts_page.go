package web

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"pulse/internal/day"
	"pulse/internal/report"
)

// maxCohortMonths caps the cohorts of one page: a table three years deep is
// already more than a screen can compare.
const maxCohortMonths = 36

// heatLevels is the number of background classes of the heat map,
// heat-0 (palest) to heat-9.
const heatLevels = 10

// cohortsData is the cohorts page.
type cohortsData struct {
	Range string
	// Revenue is set when the cells show revenue rather than retention.
	Revenue                  bool
	RetentionURL, RevenueURL string
	CSVURL                   string
	// Offsets are the columns: months since the first purchase.
	Offsets []int
	Rows    []cohortRow
	// Empty is set when no cohort of the period has a customer.
	Empty bool
}

// cohortRow is one cohort of the heat map.
type cohortRow struct {
	Key, Month, Customers string
	Cells                 []heatCell
}

// heatCell is one month of a cohort. Class carries the colour, since the
// page may not set styles; a month still to come has no cell.
type heatCell struct {
	Text, Class, Title string
}

func (h *Web) cohortsReport(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Nav = "reports"
	from, to := h.cohortPeriod(v, r.URL.Query())
	rep, err := h.report.CohortsBetween(r.Context(), *v.App, from, to)
	if err != nil {
		return err
	}
	revenue := r.URL.Query().Get("show") == "revenue"
	v.Data = cohortsPage(v, rep, revenue)
	h.render(w, insightsStatus(v), "cohorts", v)
	return nil
}

// cohortsCSV downloads the cohorts of the page's period; with a bad
// period it shows the page and its errors instead.
func (h *Web) cohortsCSV(w http.ResponseWriter, r *http.Request, v *view) error {
	from, to := h.cohortPeriod(v, r.URL.Query())
	if len(v.Errors) > 0 {
		return h.cohortsReport(w, r, v)
	}
	rep, err := h.report.CohortsBetween(r.Context(), *v.App, from, to)
	if err != nil {
		return err
	}
	return sendCSV(w, "cohorts.csv", rep.CSV)
}

// cohortPeriod reads the months from and to (YYYY-MM, in the app's time
// zone): by default the twelve months to the current one; to alone moves
// them back, from alone runs them to the current month. Each problem is
// told next to its field and the default shown meanwhile.
func (h *Web) cohortPeriod(v *view, q url.Values) (from, to report.Month) {
	current := monthOfDay(day.Of(h.now(), v.location()))
	fromS, toS := strings.TrimSpace(q.Get("from")), strings.TrimSpace(q.Get("to"))
	v.Errors = map[string]string{}
	to, from = current, addMonths(current, 1-report.DefaultCohortMonths)
	var toOK, fromOK bool = true, true
	if toS != "" {
		to, toOK = parseMonth(v, "to", toS)
		if toOK && monthsBetween(current, to) > 0 {
			v.Errors["to"] = v.T("insights.err.month_future", v.monthName(current))
			toOK = false
		}
		from = addMonths(to, 1-report.DefaultCohortMonths)
	}
	if fromS != "" {
		from, fromOK = parseMonth(v, "from", fromS)
		if fromOK && monthsBetween(current, from) > 0 {
			v.Errors["from"] = v.T("insights.err.month_future", v.monthName(current))
			fromOK = false
		}
	}
	if fromOK && toOK {
		switch n := monthsBetween(from, to); {
		case n < 0:
			v.Errors["to"] = v.T("insights.err.reversed")
		case n >= maxCohortMonths:
			v.Errors["from"] = v.T("insights.err.too_long", maxCohortMonths)
		}
	}
	if len(v.Errors) > 0 {
		v.Form = url.Values{"from": {fromS}, "to": {toS}}
		return addMonths(current, 1-report.DefaultCohortMonths), current
	}
	v.Errors = nil
	v.Form = url.Values{"from": {from.String()}, "to": {to.String()}}
	return from, to
}

func parseMonth(v *view, field, s string) (report.Month, bool) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		v.Errors[field] = v.T("insights.err.month")
		return report.Month{}, false
	}
	return report.Month{Year: t.Year(), Month: t.Month()}, true
}

func monthOfDay(d int64) report.Month {
	y, m, _ := day.Time(d).Date()
	return report.Month{Year: y, Month: m}
}

func addMonths(m report.Month, n int) report.Month {
	t := time.Date(m.Year, m.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	return report.Month{Year: t.Year(), Month: t.Month()}
}

// monthsBetween is the number of months from a to b.
func monthsBetween(a, b report.Month) int {
	return (b.Year-a.Year)*12 + int(b.Month-a.Month)
}

// monthName is a month as the page names it: "Nov 2026", "нояб. 2026".
func (v *view) monthName(m report.Month) string {
	return v.T("insights.month."+strconv.Itoa(int(m.Month)), m.Year)
}

func cohortsPage(v *view, rep *report.Cohorts, revenue bool) *cohortsData {
	q := url.Values{"from": {rep.From.String()}, "to": {rep.To.String()}}
	base := appPath(v, "/reports/cohorts")
	d := &cohortsData{Revenue: revenue, Empty: true,
		RetentionURL: base + "?" + q.Encode(),
		CSVURL:       appPath(v, "/reports/cohorts.csv") + "?" + q.Encode()}
	q.Set("show", "revenue")
	d.RevenueURL = base + "?" + q.Encode()
	d.Range = v.T("insights.range", v.monthName(rep.From), v.monthName(rep.To))
	if rep.From == rep.To {
		d.Range = v.monthName(rep.From)
	}
	var top int64 // the largest month's revenue, the revenue map's full colour
	for _, c := range rep.Cohorts {
		for _, m := range c.Months {
			top = max(top, m.Revenue)
		}
	}
	for i, c := range rep.Cohorts {
		if i == 0 {
			for k := range c.Months {
				d.Offsets = append(d.Offsets, k)
			}
		}
		if c.Customers > 0 {
			d.Empty = false
		}
		row := cohortRow{Key: c.Month.String(), Month: v.monthName(c.Month), Customers: v.Int(c.Customers)}
		for _, m := range c.Months {
			row.Cells = append(row.Cells, cohortCell(v, c, m, revenue, top))
		}
		d.Rows = append(d.Rows, row)
	}
	return d
}

func cohortCell(v *view, c report.Cohort, m report.CohortMonth, revenue bool, top int64) heatCell {
	when := v.monthName(addMonths(c.Month, m.Offset))
	title := v.T("insights.cohorts.cell", v.Int(m.Active), v.Int(c.Customers), when, v.Money(m.Revenue))
	if revenue {
		f := 0.0
		if top > 0 {
			f = float64(m.Revenue) / float64(top)
		}
		return heatCell{Text: v.Money(m.Revenue), Class: heatClass(f), Title: title}
	}
	if m.Retention == nil {
		return heatCell{Text: "—", Class: "heat-none", Title: title}
	}
	return heatCell{Text: v.Pct(*m.Retention), Class: heatClass(*m.Retention), Title: title}
}

// heatClass is the background class of a fraction 0..1 of the map's
// scale: a tenth of the scale per level, the top level from 90 %.
func heatClass(f float64) string {
	n := int(math.Floor(f*heatLevels + 1e-9)) // 0.7 is 7 tenths, not 6.999…
	return "heat-" + strconv.Itoa(min(heatLevels-1, max(0, n)))
}
