package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"pulse/internal/model"
	"pulse/internal/page"
)

// PurchasesOrder names the purchase lists' ordering in page cursors.
const PurchasesOrder = "purchases:-purchased_at"

// PurchaseFilter selects purchases for a list. Zero fields select all.
type PurchaseFilter struct {
	CustomerID string
	From       *time.Time // purchased at or after
	Before     *time.Time // purchased strictly before
	Status     model.PurchaseStatus
	Page       page.Params
}

// ListPurchases returns up to f.Page.Limit+1 of an app's purchases, newest
// first (by purchase time, then id), from after f.Page.After.
func (q *Queries) ListPurchases(ctx context.Context, appID string, f PurchaseFilter) ([]*model.Purchase, error) {
	var b strings.Builder
	args := []any{appID}
	b.WriteString(`SELECT ` + purchaseColumns + ` FROM purchases WHERE app_id = ?`)
	add := func(cond string, v ...any) {
		b.WriteString(" AND " + cond)
		args = append(args, v...)
	}
	if f.CustomerID != "" {
		add(`customer_id = ?`, f.CustomerID)
	}
	if f.From != nil {
		add(`purchased_at >= ?`, micros(*f.From))
	}
	if f.Before != nil {
		add(`purchased_at < ?`, micros(*f.Before))
	}
	if f.Status != "" {
		add(`status = ?`, string(f.Status))
	}
	if after := f.Page.After; after != nil {
		ts, err := strconv.ParseInt(after.Key, 10, 64)
		if err != nil {
			return nil, badCursor()
		}
		add(`(purchased_at, id) < (?, ?)`, ts, after.ID)
	}
	b.WriteString(` ORDER BY purchased_at DESC, id DESC LIMIT ?`)
	return queryAll(ctx, q, "store.ListPurchases", b.String(), append(args, f.Page.Limit+1), scanPurchase)
}

// PurchaseCursor is the page cursor after p in ListPurchases order.
func PurchaseCursor(p *model.Purchase) page.Cursor {
	return page.Cursor{Sort: PurchasesOrder, Key: strconv.FormatInt(micros(p.PurchasedAt), 10), ID: p.ID}
}
