package store

import "context"

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
