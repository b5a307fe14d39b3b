package store

import (
	"context"
	"database/sql"
	"fmt"
)

// DaySales are an app's totals for one day from the daily rollups; Day
// numbers the local date in the app's time zone (package day).
type DaySales struct {
	Day          int64
	Orders       int64
	Revenue      int64
	Units        int64
	Refunds      int64
	Refunded     int64
	NewCustomers int64
}

// DailySales returns an app's daily totals from day from to day to, both
// included, in day order. Days without sales, refunds or new customers have
// no row: callers treat a missing day as zeros.
func (q *Queries) DailySales(ctx context.Context, appID string, from, to int64) ([]DaySales, error) {
	return queryAll(ctx, q, "store.DailySales",
		`SELECT day, orders, revenue, units, refunds, refunded, new_customers FROM daily_sales
		WHERE app_id = ? AND day >= ? AND day <= ? ORDER BY day`,
		[]any{appID, from, to}, scanDaySales)
}

func scanDaySales(row scanner) (DaySales, error) {
	var d DaySales
	err := row.Scan(&d.Day, &d.Orders, &d.Revenue, &d.Units, &d.Refunds, &d.Refunded, &d.NewCustomers)
	return d, err
}

// ProductDailySales returns one product's daily orders, units and revenue
// (with refunds) from day from to day to, both included, in day order,
// from the daily_products rollup; NewCustomers is zero. Days without sales
// have no row.
func (q *Queries) ProductDailySales(ctx context.Context, appID, product string, from, to int64) ([]DaySales, error) {
	return queryAll(ctx, q, "store.ProductDailySales",
		`SELECT day, orders, revenue, units, refunds, refunded, 0 FROM daily_products
		WHERE app_id = ? AND day >= ? AND day <= ? AND product = ? ORDER BY day`,
		[]any{appID, from, to, product}, scanDaySales)
}

// ProductName returns a product's last known name, and false when the app
// has never sold it.
func (q *Queries) ProductName(ctx context.Context, appID, product string) (string, bool, error) {
	var name string
	err := q.queryRow(ctx, `SELECT name FROM products WHERE app_id = ? AND product = ?`, appID, product).Scan(&name)
	if err == sql.ErrNoRows {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("store.ProductName: %w", err)
	}
	return name, true, nil
}

// ProductNames maps each of an app's products to its last known name.
func (q *Queries) ProductNames(ctx context.Context, appID string) (map[string]string, error) {
	type row struct{ product, name string }
	rows, err := queryAll(ctx, q, "store.ProductNames", `SELECT product, name FROM products WHERE app_id = ?`,
		[]any{appID}, func(sc scanner) (row, error) {
			var r row
			return r, sc.Scan(&r.product, &r.name)
		})
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.product] = r.name
	}
	return out, err
}
