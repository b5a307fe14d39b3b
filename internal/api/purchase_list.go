package api

import (
	"net/http"

	"pulse/internal/crm"
	"pulse/internal/httpx"
	"pulse/internal/page"
)

// listPurchases is GET /api/v1/purchases.
func (a *API) listPurchases(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	pg, err := a.crm.ListPurchases(r.Context(), keyFrom(r.Context()).App.ID, crm.PurchaseQuery{
		CustomerID: q.Get("customer_id"), From: q.Get("from"), To: q.Get("to"), Status: q.Get("status"),
		Page: pageQuery(r),
	})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, page.Map(pg, toPurchase))
	return nil
}
