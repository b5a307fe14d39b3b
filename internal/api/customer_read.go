package api

import (
	"net/http"
	"time"

	"pulse/internal/crm"
	"pulse/internal/httpx"
	"pulse/internal/model"
	"pulse/internal/page"
)

// pageQuery is ?limit= and ?cursor= as sent.
func pageQuery(r *http.Request) crm.PageQuery {
	q := r.URL.Query()
	return crm.PageQuery{Limit: q.Get("limit"), Cursor: q.Get("cursor")}
}

// listCustomers is GET /api/v1/customers.
func (a *API) listCustomers(w http.ResponseWriter, r *http.Request) error {
	k := keyFrom(r.Context())
	q := r.URL.Query()
	pg, err := a.crm.ListCustomers(r.Context(), k.App.ID, crm.CustomerQuery{
		Q: q.Get("q"), Tag: q.Get("tag"), Segment: q.Get("segment"), Sort: q.Get("sort"), Page: pageQuery(r),
	})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, page.Map(pg, func(c *model.Customer) customerJSON {
		return toCustomer(c, k.App.Currency)
	}))
	return nil
}

// getCustomer is GET /api/v1/customers/{id}. The id is the app's own,
// percent-encoded in the path when it holds a slash.
func (a *API) getCustomer(w http.ResponseWriter, r *http.Request) error {
	k := keyFrom(r.Context())
	c, err := a.crm.Customer(r.Context(), k.App.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := customerDetailJSON{customerJSON: toCustomer(c, k.App.Currency)}
	if snap := a.insights.Cached(k.App); snap != nil {
		out.addScores(snap.Customers, c.ID)
		if rs := snap.Recommendations(); rs != nil {
			out.addNextProducts(rs, c.ID)
		}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// customerPurchases is GET /api/v1/customers/{id}/purchases.
func (a *API) customerPurchases(w http.ResponseWriter, r *http.Request) error {
	k := keyFrom(r.Context())
	pg, err := a.crm.CustomerPurchases(r.Context(), k.App.ID, r.PathValue("id"), pageQuery(r))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, page.Map(pg, toPurchase))
	return nil
}

// timelineJSON is one entry of a customer's timeline: purchase is set for
// purchase and refund entries, note for notes, and both are null for the
// signup.
type timelineJSON struct {
	Type     string        `json:"type"`
	At       time.Time     `json:"at"`
	Purchase *purchaseJSON `json:"purchase"`
	Note     *noteJSON     `json:"note"`
}

// customerTimeline is GET /api/v1/customers/{id}/timeline.
func (a *API) customerTimeline(w http.ResponseWriter, r *http.Request) error {
	k := keyFrom(r.Context())
	pg, err := a.crm.Timeline(r.Context(), k.App.ID, r.PathValue("id"), pageQuery(r))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, page.Map(pg, func(e crm.Entry) timelineJSON {
		out := timelineJSON{Type: string(e.Type), At: e.At}
		if e.Purchase != nil {
			p := toPurchase(e.Purchase)
			out.Purchase = &p
		}
		if e.Note != nil {
			n := toNote(*e.Note)
			out.Note = &n
		}
		return out
	}))
	return nil
}
