package store

import (
	"context"
	"fmt"
	"time"
)

// PaidPurchase is a purchase as the customer models see it: who, when (in
// UTC) and how much, in minor units.
type PaidPurchase struct {
	CustomerID string
	At         time.Time
	Amount     int64
}

// PaidPurchases returns an app's purchases made before end that were not
// refunded before end, as CustomersRFMBetween counts them, in no particular
// order, and the ids of the app's erased customers (the tombstones their
// purchases carry). Each customer id is one string shared by that
// customer's rows: an app's whole history is held at once, and a million
// copies of the same few thousand ids would double its size.
//
// The unary plus keeps SQLite off the purchases_time index: through it,
// every purchase would be a seek into the table for the columns the index
// lacks, three times slower on a million purchases than reading the app's
// rows in primary-key order and dropping the later ones.
func (q *Queries) PaidPurchases(ctx context.Context, appID string, end time.Time) ([]PaidPurchase, map[string]bool, error) {
	const op = "store.PaidPurchases"
	rows, err := q.query(ctx, `SELECT customer_id, purchased_at, amount FROM purchases
		WHERE app_id = ? AND +purchased_at < ? AND (status = 'paid' OR refunded_at >= ?)`,
		appID, micros(end), micros(end))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", op, err)
	}
	defer rows.Close()
	ids := map[string]string{}
	var (
		out    []PaidPurchase
		id     []byte
		at     int64
		amount int64
	)
	for rows.Next() {
		if err := rows.Scan(&id, &at, &amount); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", op, err)
		}
		s, ok := ids[string(id)]
		if !ok {
			s = string(id)
			ids[s] = s
		}
		out = append(out, PaidPurchase{CustomerID: s, At: fromMicros(at), Amount: amount})
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", op, err)
	}
	erased := map[string]bool{}
	tombs, err := queryAll(ctx, q, op, `SELECT id FROM customers WHERE app_id = ? AND erased_at IS NOT NULL`,
		[]any{appID}, func(row scanner) (string, error) {
			var s string
			return s, row.Scan(&s)
		})
	for _, s := range tombs {
		erased[s] = true
	}
	return out, erased, err
}
