package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"pulse/internal/model"
)

// Basket is one paid purchase as the product models see it: who bought,
// when (in UTC), how much in minor units, and the distinct products of its
// items, in the order they first appear.
type Basket struct {
	CustomerID string
	At         time.Time
	Amount     int64
	Products   []string
}

// Baskets returns an app's purchases made before end that were not refunded
// before end, with their products, in no
// particular order. A product is model.Item.Product: the app's product id,
// or the name when it sends none. An erased customer's baskets are there
// under the tombstone id, as they are in every other aggregate.
//
// Every customer id and product is one string shared by all the rows that
// name it: a whole history is held at once, and a million copies of the
// same few thousand products would be most of its size.
func (q *Queries) Baskets(ctx context.Context, appID string, end time.Time) ([]Basket, error) {
	const op = "store.Baskets"
	// The unary plus keeps SQLite off the purchases_time index: through it,
	// every purchase would be a seek into the table for the columns the
	// index lacks, three times slower on a million purchases than reading
	// the app's rows in primary-key order and dropping the later ones.
	rows, err := q.query(ctx, `SELECT customer_id, purchased_at, amount, items FROM purchases
		WHERE app_id = ? AND +purchased_at < ? AND (status = 'paid' OR refunded_at >= ?)`,
		appID, micros(end), micros(end))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	defer rows.Close()
	strs := map[string]string{}
	intern := func(s string) string {
		if v, ok := strs[s]; ok {
			return v
		}
		strs[s] = s
		return s
	}
	var (
		out    []Basket
		id     []byte
		items  []byte
		at     int64
		amount int64
		lines  []basketItem
		names  []string
	)
	for rows.Next() {
		if err := rows.Scan(&id, &at, &amount, &items); err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		var ok bool
		if names, ok = scanItemProducts(items, names[:0]); !ok {
			// Zeroed, not only cut to length 0: decoding into a reused
			// element keeps the fields the new line leaves out, such as a
			// product id.
			clear(lines[:cap(lines)])
			lines = lines[:0]
			if err := json.Unmarshal(items, &lines); err != nil {
				return nil, fmt.Errorf("%s: items: %w", op, err)
			}
			names = names[:0]
			for _, it := range lines {
				names = append(names, model.Item{ProductID: it.ProductID, Name: it.Name}.Product())
			}
		}
		customer, known := strs[string(id)]
		if !known {
			customer = intern(string(id))
		}
		b := Basket{CustomerID: customer, At: fromMicros(at), Amount: amount, Products: make([]string, 0, len(names))}
		for _, p := range names {
			if !slices.Contains(b.Products, p) {
				b.Products = append(b.Products, intern(p))
			}
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// basketItem holds only the fields of a stored model.Item that name its
// product: decoding the rest of every line of a whole history is wasted.
type basketItem struct {
	ProductID string `json:"product_id"`
	Name      string `json:"name"`
}
