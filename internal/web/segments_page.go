package web

import (
	"net/http"
	"net/url"

	"pulse/internal/day"
	"pulse/internal/i18n"
	"pulse/internal/report"
	"pulse/internal/rfm"
)

// segmentsData is the RFM segments page.
type segmentsData struct {
	AsOf string
	// Today is set when the segments are today's, the ones the customer
	// list filters by.
	Today              bool
	Customers, Revenue string
	Empty              bool
	CSVURL             string
	Tiles              []segmentTile
	Rows               []segmentRow
	Thresholds         []thresholdRow
}

// segmentTile is a segment on the R × FM map; its class places it there.
type segmentTile struct {
	ID, Name, About            string
	Customers, Share, RevShare string
	URL                        string
}

// segmentRow is a segment's line in the table.
type segmentRow struct {
	ID, Name, About, Action               string
	Customers, Share, Revenue, RevShare   string
	AvgRecency, AvgFrequency, AvgMonetary string
	URL                                   string
}

// thresholdRow says in words what a score takes in each dimension.
type thresholdRow struct {
	Score   int
	R, F, M string
}

func (h *Web) segmentsReport(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Nav = "reports"
	today := day.Of(h.now(), v.location())
	asOf := asOfDay(v, r.URL.Query().Get("as_of"), today)
	rep, err := h.report.SegmentsAt(r.Context(), *v.App, nil, asOf)
	if err != nil {
		return err
	}
	v.Data = segmentsPage(v, rep, today)
	h.render(w, insightsStatus(v), "segments", v)
	return nil
}

// segmentsCSV downloads the segments as of the page's date; with a bad
// date it shows the page and its error instead.
func (h *Web) segmentsCSV(w http.ResponseWriter, r *http.Request, v *view) error {
	today := day.Of(h.now(), v.location())
	asOf := asOfDay(v, r.URL.Query().Get("as_of"), today)
	if len(v.Errors) > 0 {
		return h.segmentsReport(w, r, v)
	}
	rep, err := h.report.SegmentsAt(r.Context(), *v.App, nil, asOf)
	if err != nil {
		return err
	}
	return sendCSV(w, "segments.csv", rep.CSV)
}

func segmentsPage(v *view, rep *report.Segments, today int64) *segmentsData {
	d := &segmentsData{AsOf: i18n.Date(v.Lang, day.Time(rep.AsOf)), Today: rep.AsOf == today,
		Customers: v.N("insights.customers_count", rep.Customers), Revenue: v.Money(rep.Revenue), Empty: rep.Customers == 0,
		CSVURL: appPath(v, "/reports/segments.csv") + "?" + url.Values{"as_of": {day.String(rep.AsOf)}}.Encode()}
	pct := func(f *float64) string {
		if f == nil {
			return "—"
		}
		return v.Pct(*f)
	}
	for _, s := range rep.Segments {
		id := string(s.Segment)
		link := appPath(v, "/customers") + "?" + url.Values{"segment": {id}}.Encode()
		name, about := segmentName(v, s.Segment), v.T("insights.seg."+id+".about")
		d.Tiles = append(d.Tiles, segmentTile{ID: id, Name: name, About: about,
			Customers: v.N("insights.customers_count", s.Customers), Share: pct(s.ShareOfCustomers),
			RevShare: pct(s.ShareOfRevenue), URL: link})
		row := segmentRow{ID: id, Name: name, About: about, Action: v.T("insights.seg." + id + ".action"),
			Customers: v.Int(s.Customers), Share: pct(s.ShareOfCustomers), Revenue: v.Money(s.Revenue),
			RevShare: pct(s.ShareOfRevenue), AvgRecency: "—", AvgFrequency: "—", AvgMonetary: "—", URL: link}
		if s.AvgRecencyDays != nil {
			row.AvgRecency = i18n.Float(v.Lang, *s.AvgRecencyDays, 1)
		}
		if s.AvgFrequency != nil {
			row.AvgFrequency = i18n.Float(v.Lang, *s.AvgFrequency, 1)
		}
		if s.AvgMonetary != nil {
			row.AvgMonetary = v.Money(*s.AvgMonetary)
		}
		d.Rows = append(d.Rows, row)
	}
	d.Thresholds = thresholds(v, rep.Model)
	return d
}

// thresholds tells the cut points of scores 5 down to 2; score 1 is
// everything below them.
func thresholds(v *view, md rfm.Model) []thresholdRow {
	none := v.T("insights.seg.cut_none")
	var out []thresholdRow
	for sc := 5; sc >= 2; sc-- {
		row := thresholdRow{Score: sc, R: none, F: none, M: none}
		if days, ok := md.RecencyCut(sc); ok {
			row.R = v.T("insights.seg.cut_today")
			if days > 0 {
				row.R = v.N("insights.seg.cut_r", days)
			}
		}
		if n, ok := md.F.At(sc); ok {
			row.F = v.N("insights.seg.cut_f", n)
		}
		if m, ok := md.M.At(sc); ok {
			row.M = v.T("insights.seg.cut_m", v.Money(m))
		}
		out = append(out, row)
	}
	return out
}
