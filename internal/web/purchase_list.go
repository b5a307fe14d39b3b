package web

import (
	"net/http"
	"net/url"

	"pulse/internal/crm"
	"pulse/internal/model"
)

// purchaseListData is the purchase list page.
type purchaseListData struct {
	Rows     []purchaseRow
	Statuses []model.PurchaseStatus
	Filtered bool
	Pager    pager
}

// purchaseRow is a purchase with the name of its customer, when the
// customer has one and is not erased.
type purchaseRow struct {
	*model.Purchase
	CustomerName string
	Erased       bool
}

func (h *Web) purchaseList(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Nav = "purchases"
	in := r.URL.Query()
	filters := cloneValues(url.Values{
		"from": {in.Get("from")}, "to": {in.Get("to")}, "status": {in.Get("status")},
		"customer_id": {in.Get("customer_id")},
	})
	v.Form = filters
	data := &purchaseListData{Statuses: []model.PurchaseStatus{model.StatusPaid, model.StatusRefunded},
		Filtered: len(filters) > 0}
	v.Data = data

	cursor := in.Get("cursor")
	pg, err := h.crm.ListPurchases(r.Context(), v.App.ID, crm.PurchaseQuery{
		CustomerID: filters.Get("customer_id"), From: filters.Get("from"), To: filters.Get("to"),
		Status: filters.Get("status"), Page: crm.PageQuery{Cursor: cursor},
	})
	if crmErrors(v, err) {
		h.render(w, http.StatusBadRequest, "purchases", v)
		return nil
	}
	if err != nil {
		return err
	}
	if data.Rows, err = h.purchaseRows(r, v.App.ID, pg.Data); err != nil {
		return err
	}
	data.Pager = newPager(r.URL.EscapedPath(), filters, cursor, pg.NextCursor)
	h.render(w, http.StatusOK, "purchases", v)
	return nil
}

// purchaseRows adds the customers' names to a page of purchases.
func (h *Web) purchaseRows(r *http.Request, appID string, ps []*model.Purchase) ([]purchaseRow, error) {
	var ids []string
	seen := map[string]bool{}
	for _, p := range ps {
		if !model.IsErased(p.CustomerID) && !seen[p.CustomerID] {
			seen[p.CustomerID] = true
			ids = append(ids, p.CustomerID)
		}
	}
	customers, err := h.db.CustomersByIDs(r.Context(), appID, ids)
	if err != nil {
		return nil, err
	}
	rows := make([]purchaseRow, len(ps))
	for i, p := range ps {
		rows[i] = purchaseRow{Purchase: p, Erased: model.IsErased(p.CustomerID)}
		if c, ok := customers[p.CustomerID]; ok && !rows[i].Erased {
			rows[i].CustomerName = c.Name
		}
	}
	return rows, nil
}
