package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// CustomerRFM is what a customer is scored on: the time of the last paid
// purchase, the number of paid orders and their revenue in minor units.
type CustomerRFM struct {
	LastPurchaseAt time.Time
	Orders         int64
	Revenue        int64
}

func scanCustomerRFM(row scanner) (CustomerRFM, error) {
	var (
		c    CustomerRFM
		last int64
	)
	err := row.Scan(&last, &c.Orders, &c.Revenue)
	c.LastPurchaseAt = fromMicros(last)
	return c, err
}

// CustomersRFM returns, for each of an app's customers with a paid
// purchase, erased ones included, its running totals: every purchase
// received so far, refunded ones left out. It reads one narrow row per
// customer and no purchases.
func (q *Queries) CustomersRFM(ctx context.Context, appID string) ([]CustomerRFM, error) {
	return queryAll(ctx, q, "store.CustomersRFM",
		`SELECT last_purchase_at, orders, revenue FROM customers WHERE app_id = ? AND orders > 0`,
		[]any{appID}, scanCustomerRFM)
}

// CustomersRFMBetween is CustomersRFM as the purchases stood at end
// (exclusive): it counts purchases made in [from, end) that were not
// refunded before end, so a purchase refunded later still counts. A zero
// from means from the beginning. It groups the purchases of the range by
// customer in one query.
func (q *Queries) CustomersRFMBetween(ctx context.Context, appID string, from, end time.Time) ([]CustomerRFM, error) {
	query, args := rfmBetween("", appID, from, end)
	return queryAll(ctx, q, "store.CustomersRFMBetween", query, args, scanCustomerRFM)
}

// CustomerRFMOf is a customer's CustomerRFM with the customer's id.
type CustomerRFMOf struct {
	CustomerID string
	CustomerRFM
}

// CustomersRFMOfBetween is CustomersRFMBetween with each customer's id,
// for comparing where the same customers stood at two dates.
func (q *Queries) CustomersRFMOfBetween(ctx context.Context, appID string, from, end time.Time) ([]CustomerRFMOf, error) {
	query, args := rfmBetween("customer_id || '', ", appID, from, end)
	return queryAll(ctx, q, "store.CustomersRFMOfBetween", query, args, func(row scanner) (CustomerRFMOf, error) {
		var (
			c    CustomerRFMOf
			last int64
		)
		err := row.Scan(&c.CustomerID, &last, &c.Orders, &c.Revenue)
		c.LastPurchaseAt = fromMicros(last)
		return c, err
	})
}

// rfmBetween is the grouped query of CustomersRFMBetween, selecting the
// columns in extra before the totals.
func rfmBetween(extra, appID string, from, end time.Time) (string, []any) {
	args := []any{appID, micros(end), micros(end)}
	since := ""
	if !from.IsZero() {
		since = " AND +purchased_at >= ?"
		args = append(args, micros(from))
	}
	// Grouping by an expression rather than the column keeps SQLite off
	// the purchases_customer index: walking it gives the groups in order
	// but costs a seek into the table for every purchase, several times
	// slower on a large app than reading the app's rows in key order and
	// sorting them. PostgreSQL plans the same either way.
	return `SELECT ` + extra + `MAX(purchased_at), COUNT(*), SUM(amount) FROM purchases
		WHERE app_id = ? AND +purchased_at < ? AND (status = 'paid' OR refunded_at >= ?)` + since + `
		GROUP BY customer_id || ''`, args
}

// RFMFilter selects the customers of a segment from their running totals:
// each score is the highest s whose bound the value reaches, 1 when none,
// and a customer is kept when its score triple is one of Cells.
type RFMFilter struct {
	// LastFrom[s-2] is the earliest last purchase that scores at least s
	// on recency; nil when no customer scores s.
	LastFrom [4]*time.Time
	// OrdersFrom and RevenueFrom are the least orders and revenue that
	// score at least s; nil when no customer scores s.
	OrdersFrom, RevenueFrom [4]*int64
	// Cells are the (r, f, m) score triples of the segment.
	Cells [][3]int
}

// where is the filter's condition on customers with its arguments. The
// scores are computed by CASE expressions over the stored totals, so the
// list keeps its index order and cursors.
func (f *RFMFilter) where() (string, []any) {
	var args []any
	score := func(col string, bounds [4]*int64) string {
		if bounds[0] == nil {
			// Nobody scores above 1: equal values all round.
			return "1"
		}
		var b strings.Builder
		b.WriteString("(CASE")
		for s := 5; s >= 2; s-- {
			if bounds[s-2] != nil {
				fmt.Fprintf(&b, " WHEN %s >= ? THEN %d", col, s)
				args = append(args, *bounds[s-2])
			}
		}
		b.WriteString(" ELSE 1 END)")
		return b.String()
	}
	var last [4]*int64
	for i, t := range f.LastFrom {
		if t != nil {
			us := micros(*t)
			last[i] = &us
		}
	}
	codes := make([]string, len(f.Cells))
	for i, c := range f.Cells {
		codes[i] = strconv.Itoa(c[0]*100 + c[1]*10 + c[2])
	}
	if len(codes) == 0 {
		return "1 = 0", nil
	}
	expr := score("last_purchase_at", last) + " * 100 + " + score("orders", f.OrdersFrom) + " * 10 + " +
		score("revenue", f.RevenueFrom)
	return "orders > 0 AND " + expr + " IN (" + strings.Join(codes, ", ") + ")", args
}
