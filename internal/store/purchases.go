package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"pulse/internal/model"
)

const purchaseColumns = `app_id, id, customer_id, amount, currency, status, purchased_at, refunded_at,
	items, attributes, received_at`

func scanPurchase(row scanner) (*model.Purchase, error) {
	var (
		p                   model.Purchase
		status, items       string
		attrs               sql.NullString
		purchased, received int64
		refunded            sql.NullInt64
	)
	err := row.Scan(&p.AppID, &p.ID, &p.CustomerID, &p.Amount, &p.Currency, &status, &purchased, &refunded,
		&items, &attrs, &received)
	if err != nil {
		return nil, err
	}
	p.Status = model.PurchaseStatus(status)
	p.PurchasedAt, p.ReceivedAt = fromMicros(purchased), fromMicros(received)
	p.RefundedAt = fromNullMicros(refunded)
	if err := json.Unmarshal([]byte(items), &p.Items); err != nil {
		return nil, fmt.Errorf("purchase %q items: %w", p.ID, err)
	}
	if p.Attributes, err = unmarshalAttrs(attrs); err != nil {
		return nil, fmt.Errorf("purchase %q attributes: %w", p.ID, err)
	}
	return &p, nil
}

// PurchasesByIDs loads the app's purchases with the given ids; ids that do
// not exist are absent from the map.
func (q *Queries) PurchasesByIDs(ctx context.Context, appID string, ids []string) (map[string]*model.Purchase, error) {
	return byIDs(ctx, q, "store.PurchasesByIDs", `SELECT `+purchaseColumns+` FROM purchases WHERE app_id = ? AND`, []any{appID}, ids, scanPurchase, func(p *model.Purchase) string { return p.ID })
}

// InsertPurchases adds new purchases in multi-row statements.
func (q *Queries) InsertPurchases(ctx context.Context, ps []*model.Purchase) error {
	const width = 11
	args := make([]any, 0, len(ps)*width)
	for _, p := range ps {
		items, err := json.Marshal(p.Items)
		if err != nil {
			return fmt.Errorf("store.InsertPurchases: %w", err)
		}
		attrs, err := marshalAttrs(p.Attributes)
		if err != nil {
			return fmt.Errorf("store.InsertPurchases: %w", err)
		}
		args = append(args, p.AppID, p.ID, p.CustomerID, p.Amount, p.Currency, string(p.Status),
			micros(p.PurchasedAt), nullMicros(p.RefundedAt), string(items), attrs, micros(p.ReceivedAt))
	}
	return q.insertRows(ctx, "store.InsertPurchases",
		`INSERT INTO purchases (app_id, id, customer_id, amount, currency, status, purchased_at, refunded_at,
			items, attributes, received_at)`, "", width, args)
}

// RefundPurchase turns a stored paid purchase into a refund.
func (q *Queries) RefundPurchase(ctx context.Context, p *model.Purchase) error {
	res, err := q.exec(ctx, `UPDATE purchases SET status = 'refunded', refunded_at = ?
		WHERE app_id = ? AND id = ? AND status = 'paid'`, nullMicros(p.RefundedAt), p.AppID, p.ID)
	if err != nil {
		return fmt.Errorf("store.RefundPurchase: %w", err)
	}
	return mustAffect("store.RefundPurchase", res)
}
