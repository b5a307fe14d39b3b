package web

import (
	"net/http"
	"net/url"

	"pulse/internal/insight"
)

// audienceData is the page of a recommendation's audience: its customers,
// best prospects first, or its products.
type audienceData struct {
	Title     string
	Type      string
	Count     string
	Customers []audienceCustomer
	Products  []audienceProduct
	Pager     pager
	CSVURL    string
	BackURL   string
}

// audienceCustomer is one customer of an audience, with the scores that
// put them there.
type audienceCustomer struct {
	ID, Name, URL, Email     string
	Segment, PAlive, CLV     string
	Orders, Revenue, LastBuy string
}

type audienceProduct struct {
	ID, Name, ForecastURL string
}

// audiencePage lists the customers or products a recommendation is aimed
// at, a page at a time, as GET /api/v1/insights/recommendations/{id}/audience
// does; ?format=csv downloads all of them as the API's CSV does.
func (h *Web) audiencePage(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Nav = "assistant"
	id := r.PathValue("id")
	rec, ids, err := h.insights.Audience(r.Context(), *v.App, id)
	if err != nil {
		return err
	}
	in := r.URL.Query()
	if in.Get("format") == "csv" {
		return h.audienceCSV(w, r, v, rec, ids)
	}
	status := http.StatusOK
	filters := cloneValues(url.Values{"limit": {in.Get("limit")}})
	cursor := in.Get("cursor")
	from, to, next, err := insight.AudienceSlice(ids, id, filters.Get("limit"), cursor)
	if isInvalid(err) {
		// A cursor or a limit edited by hand: the first page instead.
		status, cursor, filters = http.StatusBadRequest, "", url.Values{}
		v.Alert = v.T("customers.cursor_invalid")
		from, to, next, err = insight.AudienceSlice(ids, id, "", "")
	}
	if err != nil {
		return err
	}
	base := recPath(v, id) + "/audience"
	imp := rec.Impact(insight.ResponseRate(*v.App))
	d := &audienceData{Title: rec.Text(v.Lang, v.App.Currency, imp).Title, Type: rec.AudienceType,
		Count: v.N("assistant.audience."+rec.AudienceType, int64(len(ids))), CSVURL: base + "?format=csv",
		BackURL: assistantPath(v) + "#rec-" + id, Pager: newPager(base, filters, cursor, next)}
	if rec.AudienceType == insight.AudienceProducts {
		names, err := h.db.ProductNames(r.Context(), v.App.ID)
		if err != nil {
			return err
		}
		for _, pid := range ids[from:to] {
			d.Products = append(d.Products, audienceProduct{ID: pid, Name: insight.ProductName(names, pid),
				ForecastURL: appPath(v, "/forecast") + "?" + url.Values{"product": {pid}}.Encode()})
		}
	} else if d.Customers, err = h.audienceCustomers(r, v, ids[from:to]); err != nil {
		return err
	}
	v.Data = d
	h.render(w, status, "audience", v)
	return nil
}

func (h *Web) audienceCustomers(r *http.Request, v *view, ids []string) ([]audienceCustomer, error) {
	members, err := h.insights.AudienceMembers(r.Context(), *v.App, ids)
	if err != nil {
		return nil, err
	}
	out := make([]audienceCustomer, len(members))
	for i, m := range members {
		c := m.Customer
		row := audienceCustomer{ID: c.ID, Name: c.ID, URL: customerPath(v.App.ID, c.ID), Email: c.Email,
			Segment: "—", PAlive: "—", CLV: "—", Orders: v.Int(c.Stats.Orders), Revenue: v.Money(c.Stats.Revenue), LastBuy: "—"}
		if c.Name != "" {
			row.Name = c.Name
		}
		if c.Stats.LastPurchaseAt != nil {
			row.LastBuy = v.Date(*c.Stats.LastPurchaseAt)
		}
		if m.Score != nil {
			row.Segment, row.PAlive, row.CLV = segmentName(v, m.Score.Segment), probabilityText(v, m.Score.PAlive), majorMoney(v, m.CLV)
		}
		out[i] = row
	}
	return out, nil
}

// audienceCSV is the whole audience as the API's CSV download.
func (h *Web) audienceCSV(w http.ResponseWriter, r *http.Request, v *view, rec *insight.Recommendation, ids []string) error {
	header, rows, err := h.insights.AudienceCSV(r.Context(), *v.App, rec, ids)
	if err != nil {
		return err
	}
	return sendCSV(w, "audience-"+rec.ID+".csv", func() ([]string, [][]string) { return header, rows })
}
