package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"pulse/internal/model"
)

const customerColumns = `app_id, id, name, email, phone, attributes, has_profile, created_at, updated_at,
	erased_at, orders, revenue, refunds, refunded, first_purchase_at, last_purchase_at, buyer_no, first_order_at`

func scanCustomer(row scanner) (*model.Customer, error) {
	var (
		c                         model.Customer
		name, email, phone, attrs sql.NullString
		created, updated          int64
		erased, firstBuy, lastBuy sql.NullInt64
		buyerNo, firstOrder       sql.NullInt64
	)
	err := row.Scan(&c.AppID, &c.ID, &name, &email, &phone, &attrs, &c.HasProfile, &created, &updated,
		&erased, &c.Stats.Orders, &c.Stats.Revenue, &c.Stats.Refunds, &c.Stats.Refunded, &firstBuy, &lastBuy,
		&buyerNo, &firstOrder)
	if err != nil {
		return nil, err
	}
	c.Name, c.Email, c.Phone = name.String, email.String, phone.String
	c.CreatedAt, c.UpdatedAt = fromMicros(created), fromMicros(updated)
	c.ErasedAt = fromNullMicros(erased)
	c.Stats.FirstPurchaseAt, c.Stats.LastPurchaseAt = fromNullMicros(firstBuy), fromNullMicros(lastBuy)
	c.BuyerNo, c.FirstOrderAt = buyerNo.Int64, fromNullMicros(firstOrder)
	if c.Attributes, err = unmarshalAttrs(attrs); err != nil {
		return nil, fmt.Errorf("customer %q attributes: %w", c.ID, err)
	}
	return &c, nil
}

// CustomersByIDs loads the app's customers with the given ids; ids that do
// not exist are absent from the map.
func (q *Queries) CustomersByIDs(ctx context.Context, appID string, ids []string) (map[string]*model.Customer, error) {
	return byIDs(ctx, q, "store.CustomersByIDs", `SELECT `+customerColumns+` FROM customers WHERE app_id = ? AND`, []any{appID}, ids, scanCustomer, func(c *model.Customer) string { return c.ID })
}

// customerSearch is the lower-cased text a customer list query q matches:
// id, name, email and phone.
func customerSearch(c *model.Customer) string {
	if c.ErasedAt != nil {
		return ""
	}
	return strings.ToLower(strings.Join([]string{c.ID, c.Name, c.Email, c.Phone}, "\n"))
}

// SaveCustomers inserts or replaces customers, all of one app or several,
// in multi-row statements.
func (q *Queries) SaveCustomers(ctx context.Context, cs []*model.Customer) error {
	const width = 17
	args := make([]any, 0, len(cs)*width)
	for _, c := range cs {
		attrs, err := marshalAttrs(c.Attributes)
		if err != nil {
			return fmt.Errorf("store.SaveCustomers: %w", err)
		}
		args = append(args, c.AppID, c.ID, nullString(c.Name), nullString(c.Email), nullString(c.Phone),
			attrs, customerSearch(c), c.HasProfile, micros(c.CreatedAt), micros(c.UpdatedAt), nullMicros(c.ErasedAt),
			c.Stats.Orders, c.Stats.Revenue, c.Stats.Refunds, c.Stats.Refunded,
			nullMicros(c.Stats.FirstPurchaseAt), nullMicros(c.Stats.LastPurchaseAt))
	}
	return q.insertRows(ctx, "store.SaveCustomers",
		`INSERT INTO customers (app_id, id, name, email, phone, attributes, search, has_profile, created_at,
			updated_at, erased_at, orders, revenue, refunds, refunded, first_purchase_at, last_purchase_at)`,
		`ON CONFLICT (app_id, id) DO UPDATE SET name = excluded.name, email = excluded.email,
			phone = excluded.phone, attributes = excluded.attributes, search = excluded.search,
			has_profile = excluded.has_profile, created_at = excluded.created_at,
			updated_at = excluded.updated_at, erased_at = excluded.erased_at, orders = excluded.orders,
			revenue = excluded.revenue, refunds = excluded.refunds, refunded = excluded.refunded,
			first_purchase_at = excluded.first_purchase_at, last_purchase_at = excluded.last_purchase_at`,
		width, args)
}

// RecomputePurchaseSpan sets the first and last purchase times of the given
// customers from their paid purchases: needed when a refund removes the
// purchase that was the first or the last.
func (q *Queries) RecomputePurchaseSpan(ctx context.Context, appID string, ids []string) error {
	for _, id := range ids {
		_, err := q.exec(ctx, `UPDATE customers SET
			first_purchase_at = (SELECT MIN(purchased_at) FROM purchases p
				WHERE p.app_id = customers.app_id AND p.customer_id = customers.id AND p.status = 'paid'),
			last_purchase_at = (SELECT MAX(purchased_at) FROM purchases p
				WHERE p.app_id = customers.app_id AND p.customer_id = customers.id AND p.status = 'paid')
			WHERE app_id = ? AND id = ?`, appID, id)
		if err != nil {
			return fmt.Errorf("store.RecomputePurchaseSpan: %w", err)
		}
	}
	return nil
}

// SaveCustomerStats writes the purchase totals of customers that exist and
// whose profile did not change: on SQLite a narrow UPDATE is much cheaper
// than rewriting the row and its index entries; PostgreSQL gets the
// multi-row upsert.
func (q *Queries) SaveCustomerStats(ctx context.Context, cs []*model.Customer) error {
	if q.dialect != SQLite {
		return q.SaveCustomers(ctx, cs)
	}
	for _, c := range cs {
		s := c.Stats
		_, err := q.execPrepared(ctx, `UPDATE customers SET orders = ?, revenue = ?, refunds = ?, refunded = ?,
			first_purchase_at = ?, last_purchase_at = ? WHERE app_id = ? AND id = ?`,
			s.Orders, s.Revenue, s.Refunds, s.Refunded, nullMicros(s.FirstPurchaseAt), nullMicros(s.LastPurchaseAt),
			c.AppID, c.ID)
		if err != nil {
			return fmt.Errorf("store.SaveCustomerStats: %w", err)
		}
	}
	return nil
}
