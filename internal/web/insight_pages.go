package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"pulse/internal/day"
	"pulse/internal/httpx"
	"pulse/internal/i18n"
	"pulse/internal/rfm"
)

// The pages of issue #5's analyses share their date checks, their
// downloads and the names of the RFM segments.

// insightsStatus is the status of an analysis page: 422 when a field of
// its picker was invalid and the default shown instead.
func insightsStatus(v *view) int {
	if len(v.Errors) > 0 {
		return http.StatusUnprocessableEntity
	}
	return http.StatusOK
}

// asOfDay reads the date field of the segments and trends pages: a date in
// the app's time zone, not after today; today when empty. An invalid one is
// explained next to the field and today used meanwhile. The field shows
// the date used, ready to be changed.
func asOfDay(v *view, raw string, today int64) int64 {
	raw = strings.TrimSpace(raw)
	v.Form = url.Values{"as_of": {raw}}
	if raw == "" {
		v.Form.Set("as_of", day.String(today))
		return today
	}
	t, err := time.Parse(time.DateOnly, raw)
	switch {
	case err != nil:
		v.Errors = map[string]string{"as_of": v.T("insights.err.date")}
	case day.Date(t.Date()) > today:
		v.Errors = map[string]string{"as_of": v.T("insights.err.future", i18n.Date(v.Lang, day.Time(today)))}
	default:
		return day.Date(t.Date())
	}
	return today
}

// sendCSV writes a page's table as the same download the API gives.
func sendCSV(w http.ResponseWriter, filename string, table func() ([]string, [][]string)) error {
	header, rows := table()
	return httpx.WriteCSV(w, filename, header, rows)
}

// segmentName is a segment's name in the page's language; the Russian
// names are those of the trend summaries.
func segmentName(v *view, s rfm.Segment) string {
	return v.T("insights.seg." + string(s) + ".name")
}

// appPath is the path of the app's page below /apps/{id}.
func appPath(v *view, rest string) string {
	return "/apps/" + url.PathEscape(v.App.ID) + rest
}
