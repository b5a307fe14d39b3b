package store

import (
	"context"
	"fmt"
	"time"

	"pulse/internal/model"
	"pulse/internal/rollup"
)

// AddRollups adds an app's rollup deltas to the stored daily rows.
func (q *Queries) AddRollups(ctx context.Context, appID string, d *rollup.Deltas) error {
	sales := make([]any, 0, len(d.Sales)*8)
	for k, s := range d.Sales {
		sales = append(sales, appID, k, s.Orders, s.Revenue, s.Units, s.Refunds, s.Refunded, s.NewCustomers)
	}
	err := q.insertRows(ctx, "store.AddRollups",
		`INSERT INTO daily_sales (app_id, day, orders, revenue, units, refunds, refunded, new_customers)`,
		`ON CONFLICT (app_id, day) DO UPDATE SET orders = daily_sales.orders + excluded.orders,
			revenue = daily_sales.revenue + excluded.revenue, units = daily_sales.units + excluded.units,
			refunds = daily_sales.refunds + excluded.refunds, refunded = daily_sales.refunded + excluded.refunded,
			new_customers = daily_sales.new_customers + excluded.new_customers`, 8, sales)
	if err != nil {
		return err
	}
	products := make([]any, 0, len(d.Products)*8)
	for k, p := range d.Products {
		products = append(products, appID, k.Day, k.Product, p.Orders, p.Units, p.Revenue, p.Refunds, p.Refunded)
	}
	return q.insertRows(ctx, "store.AddRollups",
		`INSERT INTO daily_products (app_id, day, product, orders, units, revenue, refunds, refunded)`,
		`ON CONFLICT (app_id, day, product) DO UPDATE SET orders = daily_products.orders + excluded.orders,
			units = daily_products.units + excluded.units, revenue = daily_products.revenue + excluded.revenue,
			refunds = daily_products.refunds + excluded.refunds,
			refunded = daily_products.refunded + excluded.refunded`, 8, products)
}

// ProductSeen is a product as named on its latest sale.
type ProductSeen struct {
	Product, Name, Category string
	First, Last             time.Time
}

// SaveProducts records products' names and categories and widens the span
// in which they sold.
func (q *Queries) SaveProducts(ctx context.Context, appID string, ps []ProductSeen) error {
	args := make([]any, 0, len(ps)*6)
	for _, p := range ps {
		args = append(args, appID, p.Product, p.Name, p.Category, micros(p.First), micros(p.Last))
	}
	return q.insertRows(ctx, "store.SaveProducts",
		`INSERT INTO products (app_id, product, name, category, first_sold_at, last_sold_at)`,
		`ON CONFLICT (app_id, product) DO UPDATE SET
			name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE products.name END,
			category = CASE WHEN excluded.category <> '' THEN excluded.category ELSE products.category END,
			first_sold_at = CASE WHEN excluded.first_sold_at < products.first_sold_at
				THEN excluded.first_sold_at ELSE products.first_sold_at END,
			last_sold_at = CASE WHEN excluded.last_sold_at > products.last_sold_at
				THEN excluded.last_sold_at ELSE products.last_sold_at END`, 6, args)
}

// AddAppStats adds to an app's running totals and moves its last event
// time forward.
func (q *Queries) AddAppStats(ctx context.Context, appID string, customers, purchases int64, last time.Time) error {
	_, err := q.exec(ctx, `INSERT INTO app_stats (app_id, customers, purchases, last_event_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (app_id) DO UPDATE SET customers = app_stats.customers + excluded.customers,
			purchases = app_stats.purchases + excluded.purchases,
			last_event_at = CASE WHEN app_stats.last_event_at IS NULL OR excluded.last_event_at > app_stats.last_event_at
				THEN excluded.last_event_at ELSE app_stats.last_event_at END`,
		appID, customers, purchases, micros(last))
	if err != nil {
		return fmt.Errorf("store.AddAppStats: %w", err)
	}
	return nil
}

// RebuildRollups recomputes an app's daily rollups from its customers and
// purchases, bucketing days in loc: the app's time zone changed.
func (q *Queries) RebuildRollups(ctx context.Context, appID string, loc *time.Location) error {
	d := rollup.New(loc)
	rows, err := q.query(ctx, `SELECT created_at FROM customers WHERE app_id = ?`, appID)
	if err != nil {
		return fmt.Errorf("store.RebuildRollups: %w", err)
	}
	for rows.Next() {
		var created int64
		if err := rows.Scan(&created); err != nil {
			rows.Close()
			return fmt.Errorf("store.RebuildRollups: %w", err)
		}
		d.Customer(fromMicros(created), 1)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store.RebuildRollups: %w", err)
	}
	if rows, err = q.query(ctx, `SELECT `+purchaseColumns+` FROM purchases WHERE app_id = ?`, appID); err != nil {
		return fmt.Errorf("store.RebuildRollups: %w", err)
	}
	for rows.Next() {
		p, err := scanPurchase(rows)
		if err != nil {
			rows.Close()
			return fmt.Errorf("store.RebuildRollups: %w", err)
		}
		d.Purchase(p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store.RebuildRollups: %w", err)
	}
	for _, table := range []string{"daily_sales", "daily_products"} {
		if _, err := q.exec(ctx, `DELETE FROM `+table+` WHERE app_id = ?`, appID); err != nil {
			return fmt.Errorf("store.RebuildRollups: %w", err)
		}
	}
	return q.AddRollups(ctx, appID, d)
}

// LockApps serialises writers of the same apps across PostgreSQL
// connections and instances for the rest of the transaction; ids must be
// sorted so that two writers never wait on each other in a cycle. SQLite has
// one writer already.
func (q *Queries) LockApps(ctx context.Context, ids []string) error {
	if q.dialect != Postgres {
		return nil
	}
	for _, id := range ids {
		if _, err := q.exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended(?, 7))`, "app:"+id); err != nil {
			return fmt.Errorf("store.LockApps: %w", err)
		}
	}
	return nil
}

// AppsByIDs loads apps by id alone, for the ingestion writer, which acts
// for API keys rather than accounts.
func (q *Queries) AppsByIDs(ctx context.Context, ids []string) (map[string]model.App, error) {
	return byIDs(ctx, q, "store.AppsByIDs", `SELECT `+appColumns+` FROM apps WHERE`, nil, ids, scanApp, func(a model.App) string { return a.ID })
}
