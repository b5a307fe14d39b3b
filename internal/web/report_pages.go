package web

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"pulse/internal/day"
	"pulse/internal/i18n"
	"pulse/internal/model"
	"pulse/internal/report"
)

// The sales, products and top customers pages share a picker: a period
// (a preset or custom dates), and for some of them the series' interval,
// the comparison switch, a breakdown by attribute or the list's length.
// The report package checks every value; the pages only translate its
// verdict and put it next to the field.

// reportQuery is what a report page was asked for.
type reportQuery struct {
	// From and To are dates as typed, or the preset's.
	From, To string
	// Preset is the number of days of a preset period; 0 for custom dates.
	Preset   int64
	Interval string
	// Compare is on unless the form turned it off.
	Compare bool
	GroupBy string
	Limit   string
}

// compareOff is the value the comparison switch's hidden field sends
// alone when the box is unchecked: with no value at all, the page could
// not tell an unchecked box from a first visit, when comparing is on.
const compareOff = "none"

// readReportQuery reads the picker's fields; a page the form never sent
// shows the last 30 days, compared with the 30 before.
func readReportQuery(q url.Values, today int64) reportQuery {
	rq := reportQuery{From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")),
		Interval: strings.TrimSpace(q.Get("interval")), GroupBy: strings.TrimSpace(q.Get("group_by")),
		Limit: strings.TrimSpace(q.Get("limit"))}
	cmp := q["compare"]
	rq.Compare = len(cmp) == 0 || slices.Contains(cmp, "previous_period")
	if rq.From == "" && rq.To == "" {
		rq.Preset = defaultDays
		if n, err := strconv.ParseInt(q.Get("period"), 10, 64); err == nil && slices.Contains(presetDays, n) {
			rq.Preset = n
		}
		rq.From, rq.To = day.String(today-rq.Preset+1), day.String(today)
	}
	return rq
}

// fallback is the query shown while q's fields are being corrected: the
// default period with the choices that were valid.
func (rq reportQuery) fallback(v *view, today int64) reportQuery {
	out := reportQuery{Preset: defaultDays, From: day.String(today - defaultDays + 1), To: day.String(today), Compare: rq.Compare}
	if v.Errors["interval"] == "" {
		out.Interval = rq.Interval
	}
	if v.Errors["group_by"] == "" {
		out.GroupBy = rq.GroupBy
	}
	if v.Errors["limit"] == "" {
		out.Limit = rq.Limit
	}
	return out
}

// interval is the series' bucket: as chosen, else a day for a period a
// daily chart can show and a week for a longer one.
func (rq reportQuery) interval(today int64) string {
	if rq.Interval != "" {
		return rq.Interval
	}
	to, ok := parseDate(rq.To)
	if !ok {
		to = today
	}
	from, ok := parseDate(rq.From)
	if !ok {
		from = to - report.DefaultDays + 1
	}
	if weekly(to - from + 1) {
		return "week"
	}
	return "day"
}

func parseDate(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, false
	}
	return day.Date(t.Date()), true
}

// compareParam is the comparison as the API names it.
func (rq reportQuery) compareParam() string {
	if rq.Compare {
		return "previous_period"
	}
	return ""
}

// values is the query string of rq, for links that keep the page's
// choices; the period as given by base.
func (rq reportQuery) values(base url.Values, withInterval, withCompare bool) url.Values {
	q := url.Values{}
	for k, vs := range base {
		q[k] = vs
	}
	if withInterval && rq.Interval != "" {
		q.Set("interval", rq.Interval)
	}
	if withCompare && !rq.Compare {
		q.Set("compare", compareOff)
	}
	if rq.GroupBy != "" {
		q.Set("group_by", rq.GroupBy)
	}
	if rq.Limit != "" {
		q.Set("limit", rq.Limit)
	}
	return q
}

// reportPicker is the period picker and the other choices of a page.
type reportPicker struct {
	Action  string
	Presets []periodLink
	Custom  bool
	// Which of the optional fields the page has.
	Interval, Compare, GroupBy, Limit bool
	Intervals                         []option
	Limits                            []option
	CompareOn                         bool
}

type option struct {
	Value, Label string
	Selected     bool
}

// topLimits are the list lengths offered for the top customers.
var topLimits = []int{20, 50, 100}

// newPicker builds the picker of the page at path; rq is what is shown.
func newPicker(v *view, path string, rq reportQuery, shown reportQuery, interval string) reportPicker {
	p := reportPicker{Action: appPath(v, path), Custom: shown.Preset == 0, CompareOn: rq.Compare}
	for _, n := range presetDays {
		q := rq.values(url.Values{"period": {strconv.FormatInt(n, 10)}}, true, true)
		p.Presets = append(p.Presets, periodLink{Label: v.N("dashboard.last_days", n),
			URL: appPath(v, path) + "?" + q.Encode(), Current: n == shown.Preset})
	}
	for _, iv := range report.Intervals {
		p.Intervals = append(p.Intervals, option{Value: iv, Label: v.T("reports.interval." + iv), Selected: iv == interval})
	}
	limit := v.Value("limit")
	if limit == "" {
		limit = strconv.Itoa(report.DefaultTopCustomers)
	}
	for _, n := range topLimits {
		s := strconv.Itoa(n)
		p.Limits = append(p.Limits, option{Value: s, Label: v.Int(int64(n)), Selected: s == limit})
	}
	return p
}

// showForm puts rq's values in the picker's fields: as typed when one of
// them was invalid, so that it can be corrected, else the period shown.
func showForm(v *view, rq reportQuery, p report.Period, interval string) {
	if len(v.Errors) > 0 {
		v.Form = url.Values{"from": {rq.From}, "to": {rq.To}, "interval": {rq.Interval},
			"group_by": {rq.GroupBy}, "limit": {rq.Limit}}
		return
	}
	v.Form = url.Values{"from": {day.String(p.From)}, "to": {day.String(p.To)}, "interval": {interval},
		"group_by": {rq.GroupBy}, "limit": {rq.Limit}}
}

// reportErrors puts a report's validation errors next to the fields, in
// the page's language; false for any other error.
func reportErrors(v *view, err error) bool {
	var verr *model.ValidationError
	if !errors.As(err, &verr) {
		return false
	}
	v.Errors = map[string]string{}
	for _, fe := range verr.Errors {
		if _, seen := v.Errors[fe.Field]; !seen {
			v.Errors[fe.Field] = v.areaMessage("reports", fe.Message)
		}
	}
	return true
}

// periodName names a report's days.
func periodName(v *view, p report.Period) string { return dateRange(v, p.From, p.To) }

// reportChange tells how cur differs from prev, with the percentage the
// API gives for it.
func reportChange(v *view, cur, prev int64, curOK, prevOK bool, format func(int64) string) kpiChange {
	switch {
	case !curOK:
		return kpiChange{Dir: "flat", Text: "—", SR: v.T("dashboard.change.none_sr")}
	case !prevOK:
		return kpiChange{Dir: "up", Arrow: "▲", Text: v.T("dashboard.change.new"), SR: v.T("dashboard.change.up_sr")}
	}
	diff := cur - prev
	if diff == 0 {
		return kpiChange{Dir: "flat", Arrow: "=", Text: v.T("dashboard.change.same"), SR: v.T("dashboard.change.none_sr")}
	}
	c := kpiChange{Dir: "up", Arrow: "▲", SR: v.T("dashboard.change.up_sr")}
	if diff < 0 {
		c = kpiChange{Dir: "down", Arrow: "▼", SR: v.T("dashboard.change.down_sr")}
	}
	pct := v.T("dashboard.change.new")
	if p, ok := report.PctChange(float64(cur), float64(prev)); ok {
		pct = signedPct(v, p)
	}
	c.Text = v.T("dashboard.change.text", signed(format(diff), diff), pct)
	return c
}

// signedPct formats a percentage (12.5 for 12.5 %) with its sign.
func signedPct(v *view, p float64) string {
	s := i18n.Percent(v.Lang, p/100)
	if p > 0 {
		return "+" + s
	}
	return s
}
