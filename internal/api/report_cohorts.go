package api

import (
	"net/http"

	"pulse/internal/day"
	"pulse/internal/httpx"
	"pulse/internal/money"
	"pulse/internal/report"
)

type cohortsJSON struct {
	Currency string       `json:"currency"`
	From     string       `json:"from"`
	To       string       `json:"to"`
	Cohorts  []cohortJSON `json:"cohorts"`
}

type cohortJSON struct {
	Cohort    string            `json:"cohort"`
	Customers int64             `json:"customers"`
	Months    []cohortMonthJSON `json:"months"`
}

type cohortMonthJSON struct {
	Month           int      `json:"month"`
	ActiveCustomers int64    `json:"active_customers"`
	Retention       *float64 `json:"retention"`
	Revenue         string   `json:"revenue"`
}

// reportCohorts is GET /api/v1/reports/cohorts.
func (a *API) reportCohorts(w http.ResponseWriter, r *http.Request) error {
	app := keyFrom(r.Context()).App
	q := r.URL.Query()
	rep, err := a.reports.Cohorts(r.Context(), app, report.CohortsQuery{From: q.Get("from"), To: q.Get("to")})
	if err != nil {
		return err
	}
	if wantsCSV(r) {
		header, rows := rep.CSV()
		return writeCSV(w, "cohorts.csv", header, rows)
	}
	out := cohortsJSON{Currency: rep.Currency, From: rep.From.String(), To: rep.To.String(), Cohorts: []cohortJSON{}}
	for _, c := range rep.Cohorts {
		cj := cohortJSON{Cohort: c.Month.String(), Customers: c.Customers, Months: make([]cohortMonthJSON, len(c.Months))}
		for i, m := range c.Months {
			cj.Months[i] = cohortMonthJSON{Month: m.Offset, ActiveCustomers: m.Active, Retention: m.Retention,
				Revenue: money.FormatCode(m.Revenue, rep.Currency)}
		}
		out.Cohorts = append(out.Cohorts, cj)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

type segmentsJSON struct {
	AsOf       string         `json:"as_of"`
	From       *string        `json:"from"`
	Currency   string         `json:"currency"`
	Customers  int64          `json:"customers"`
	Revenue    string         `json:"revenue"`
	Segments   []segmentJSON  `json:"segments"`
	Thresholds thresholdsJSON `json:"thresholds"`
}

type segmentJSON struct {
	Segment          string   `json:"segment"`
	Name             string   `json:"name"`
	Customers        int64    `json:"customers"`
	ShareOfCustomers *float64 `json:"share_of_customers"`
	Revenue          string   `json:"revenue"`
	ShareOfRevenue   *float64 `json:"share_of_revenue"`
	AvgRecencyDays   *float64 `json:"avg_recency_days"`
	AvgFrequency     *float64 `json:"avg_frequency"`
	AvgMonetary      *string  `json:"avg_monetary"`
}

// thresholdsJSON are the quintile cut points for scores 2, 3, 4 and 5, in
// that order: R is the most days since the last purchase that still
// scores s, F the fewest orders and M the least revenue that score s; null
// when no customer scores s.
type thresholdsJSON struct {
	R []*int64  `json:"r"`
	F []*int64  `json:"f"`
	M []*string `json:"m"`
}

// reportSegments is GET /api/v1/reports/segments.
func (a *API) reportSegments(w http.ResponseWriter, r *http.Request) error {
	app := keyFrom(r.Context()).App
	q := r.URL.Query()
	rep, err := a.reports.Segments(r.Context(), app, report.SegmentsQuery{AsOf: q.Get("as_of"), From: q.Get("from"), To: q.Get("to")})
	if err != nil {
		return err
	}
	if wantsCSV(r) {
		header, rows := rep.CSV()
		return writeCSV(w, "segments.csv", header, rows)
	}
	out := toSegments(rep)
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func toSegments(rep *report.Segments) segmentsJSON {
	cur := rep.Currency
	out := segmentsJSON{AsOf: day.String(rep.AsOf), Currency: cur, Customers: rep.Customers,
		Revenue: money.FormatCode(rep.Revenue, cur), Segments: make([]segmentJSON, len(rep.Segments))}
	if rep.From != nil {
		f := day.String(*rep.From)
		out.From = &f
	}
	for i, s := range rep.Segments {
		sj := segmentJSON{Segment: string(s.Segment), Name: s.Segment.Name(), Customers: s.Customers,
			ShareOfCustomers: s.ShareOfCustomers, Revenue: money.FormatCode(s.Revenue, cur),
			ShareOfRevenue: s.ShareOfRevenue, AvgRecencyDays: s.AvgRecencyDays, AvgFrequency: s.AvgFrequency}
		if s.AvgMonetary != nil {
			m := money.FormatCode(*s.AvgMonetary, cur)
			sj.AvgMonetary = &m
		}
		out.Segments[i] = sj
	}
	md := rep.Model
	for sc := 2; sc <= 5; sc++ {
		out.Thresholds.R = append(out.Thresholds.R, optCut(md.RecencyCut(sc)))
		out.Thresholds.F = append(out.Thresholds.F, optCut(md.F.At(sc)))
		var m *string
		if v, ok := md.M.At(sc); ok {
			s := money.FormatCode(v, cur)
			m = &s
		}
		out.Thresholds.M = append(out.Thresholds.M, m)
	}
	return out
}

func optCut(v int64, ok bool) *int64 {
	if !ok {
		return nil
	}
	return &v
}
