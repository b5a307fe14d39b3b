package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"pulse/internal/model"
)

// BuyerDay is one day of an app's buyer rollup: Members is the encoded set
// of its buyers (package buyerset).
type BuyerDay struct {
	Day                            int64
	Buyers, Repeaters, FirstBuyers int64
	Members                        []byte
}

// BuyerDays returns the buyer rollup from day from to day to, both
// included, in day order; a day nobody bought on has no row. When only the
// counts are needed, withMembers false leaves the sets unread.
func (q *Queries) BuyerDays(ctx context.Context, appID string, from, to int64, withMembers bool) ([]BuyerDay, error) {
	cols := `day, buyers, repeaters, first_buyers, NULL`
	if withMembers {
		cols = `day, buyers, repeaters, first_buyers, members`
	}
	return queryAll(ctx, q, "store.BuyerDays", `SELECT `+cols+` FROM daily_buyers
		WHERE app_id = ? AND day >= ? AND day <= ? ORDER BY day`, []any{appID, from, to},
		func(row scanner) (BuyerDay, error) {
			var d BuyerDay
			err := row.Scan(&d.Day, &d.Buyers, &d.Repeaters, &d.FirstBuyers, &d.Members)
			return d, err
		})
}

// ProductBuyerDay is one product's buyers on one day.
type ProductBuyerDay struct {
	Product string
	Day     int64
	Members []byte
}

// ProductBuyerDays returns every product's buyer sets from day from to day
// to, both included, in key order (day, then product): sorting by product
// instead would copy every set through a temporary B-tree.
func (q *Queries) ProductBuyerDays(ctx context.Context, appID string, from, to int64) ([]ProductBuyerDay, error) {
	return queryAll(ctx, q, "store.ProductBuyerDays", `SELECT product, day, members FROM daily_product_buyers
		WHERE app_id = ? AND day >= ? AND day <= ? ORDER BY day, product`, []any{appID, from, to},
		func(row scanner) (ProductBuyerDay, error) {
			var d ProductBuyerDay
			err := row.Scan(&d.Product, &d.Day, &d.Members)
			return d, err
		})
}

// ProductSales are one product's totals over a range of days, from the
// daily product rollup, with its name and category as last sent.
type ProductSales struct {
	Product, Name, Category                   string
	Orders, Units, Revenue, Refunds, Refunded int64
}

// ProductTotals sums the daily product rollup from day from to day to, both
// included, per product.
func (q *Queries) ProductTotals(ctx context.Context, appID string, from, to int64) ([]ProductSales, error) {
	// Summing before the join looks each product's name up once, not
	// once per day.
	return queryAll(ctx, q, "store.ProductTotals", `SELECT t.product, COALESCE(p.name, ''), COALESCE(p.category, ''),
			t.orders, t.units, t.revenue, t.refunds, t.refunded
		FROM (SELECT product, SUM(orders) AS orders, SUM(units) AS units, SUM(revenue) AS revenue,
				SUM(refunds) AS refunds, SUM(refunded) AS refunded
			FROM daily_products WHERE app_id = ? AND day >= ? AND day <= ? GROUP BY product) t
		LEFT JOIN products p ON p.app_id = ? AND p.product = t.product
		ORDER BY t.product`, []any{appID, from, to, appID},
		func(row scanner) (ProductSales, error) {
			var p ProductSales
			err := row.Scan(&p.Product, &p.Name, &p.Category, &p.Orders, &p.Units, &p.Revenue, &p.Refunds, &p.Refunded)
			return p, err
		})
}

// TopCustomer is a customer's orders placed in a period.
type TopCustomer struct {
	ID, Name, Email string
	Erased          bool
	Orders, Revenue int64
	LastOrderAt     time.Time
}

// TopCustomers returns the customers with the most revenue from orders
// placed in [from, to), refunded or not, most first, ties by id. It reads
// the period's purchases: there is no rollup per customer and period.
func (q *Queries) TopCustomers(ctx context.Context, appID string, from, to time.Time, limit int) ([]TopCustomer, error) {
	return queryAll(ctx, q, "store.TopCustomers", `SELECT t.customer_id, c.name, c.email, c.erased_at IS NOT NULL,
			t.orders, t.revenue, t.last_at
		FROM (SELECT customer_id, COUNT(*) AS orders, SUM(amount) AS revenue, MAX(purchased_at) AS last_at
			FROM purchases WHERE app_id = ? AND purchased_at >= ? AND purchased_at < ?
			GROUP BY customer_id) t
		JOIN customers c ON c.app_id = ? AND c.id = t.customer_id
		ORDER BY t.revenue DESC, t.customer_id LIMIT ?`, []any{appID, micros(from), micros(to), appID, limit},
		func(row scanner) (TopCustomer, error) {
			var c TopCustomer
			var name, email sql.NullString
			var last int64
			err := row.Scan(&c.ID, &name, &email, &c.Erased, &c.Orders, &c.Revenue, &last)
			c.Name, c.Email, c.LastOrderAt = name.String, email.String, fromMicros(last)
			return c, err
		})
}

// Side says whose attributes a breakdown reads: the purchase's or its
// customer's.
type Side string

// The sides of a breakdown.
const (
	SidePurchase Side = "purchase"
	SideCustomer Side = "customer"
)

// GroupOrder is an order placed in a period, with the attributes of the
// chosen side, for breakdowns by attribute.
type GroupOrder struct {
	CustomerID   string
	At           time.Time
	Amount       int64
	Items        []model.Item
	Attributes   map[string]any
	FirstOrderAt time.Time // the customer's first order, in any period
}

// GroupRefund is a refund made in a period, with the attributes of the
// chosen side.
type GroupRefund struct {
	Amount     int64
	Attributes map[string]any
}

func sideColumn(side Side) string {
	if side == SideCustomer {
		return "c.attributes"
	}
	return "p.attributes"
}

// OrdersForGrouping returns the orders placed in [from, to), refunded or
// not. Breakdowns by an arbitrary attribute cannot be rolled up ahead, so
// they read the period's purchases through their time index.
func (q *Queries) OrdersForGrouping(ctx context.Context, appID string, from, to time.Time, side Side) ([]GroupOrder, error) {
	return queryAll(ctx, q, "store.OrdersForGrouping", `SELECT p.customer_id, p.purchased_at, p.amount, p.items,
			`+sideColumn(side)+`, COALESCE(c.first_order_at, p.purchased_at)
		FROM purchases p JOIN customers c ON c.app_id = p.app_id AND c.id = p.customer_id
		WHERE p.app_id = ? AND p.purchased_at >= ? AND p.purchased_at < ?`,
		[]any{appID, micros(from), micros(to)},
		func(row scanner) (GroupOrder, error) {
			var (
				o         GroupOrder
				at, first int64
				items     string
				attrs     sql.NullString
			)
			if err := row.Scan(&o.CustomerID, &at, &o.Amount, &items, &attrs, &first); err != nil {
				return o, err
			}
			o.At, o.FirstOrderAt = fromMicros(at), fromMicros(first)
			if err := json.Unmarshal([]byte(items), &o.Items); err != nil {
				return o, fmt.Errorf("items: %w", err)
			}
			var err error
			o.Attributes, err = unmarshalAttrs(attrs)
			return o, err
		})
}

// RefundsForGrouping returns the refunds made in [from, to).
func (q *Queries) RefundsForGrouping(ctx context.Context, appID string, from, to time.Time, side Side) ([]GroupRefund, error) {
	return queryAll(ctx, q, "store.RefundsForGrouping", `SELECT p.amount, `+sideColumn(side)+`
		FROM purchases p JOIN customers c ON c.app_id = p.app_id AND c.id = p.customer_id
		WHERE p.app_id = ? AND p.refunded_at >= ? AND p.refunded_at < ?`,
		[]any{appID, micros(from), micros(to)},
		func(row scanner) (GroupRefund, error) {
			var r GroupRefund
			var attrs sql.NullString
			if err := row.Scan(&r.Amount, &attrs); err != nil {
				return r, err
			}
			var err error
			r.Attributes, err = unmarshalAttrs(attrs)
			return r, err
		})
}
