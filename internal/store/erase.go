package store

import (
	"context"
	"fmt"
	"time"
)

// EraseCustomer removes a customer's personal data: the row is kept under
// tombstone, an id no app id can equal, with its stats and created_at, and
// its purchases move to that id, so that every aggregate stays as it was,
// and so do its places in the audiences of marked recommendations.
// Its notes, tags and the log lines of its customer events are deleted. A
// missing or already erased customer is model.ErrNotFound. Call it in a
// transaction that holds the app's lock (LockApps), so the ingestion writer
// never works on the customer half-way through.
func (q *Queries) EraseCustomer(ctx context.Context, appID, id, tombstone string, at time.Time) error {
	res, err := q.exec(ctx, `UPDATE customers SET id = ?, name = NULL, email = NULL, phone = NULL,
		attributes = NULL, search = '', erased_at = ?, updated_at = ?
		WHERE app_id = ? AND id = ? AND erased_at IS NULL`, tombstone, micros(at), micros(at), appID, id)
	if err != nil {
		return fmt.Errorf("store.EraseCustomer: %w", err)
	}
	if err := mustAffect("store.EraseCustomer", res); err != nil {
		return err
	}
	steps := []struct {
		query string
		args  []any
	}{
		{`UPDATE purchases SET customer_id = ? WHERE app_id = ? AND customer_id = ?`, []any{tombstone, appID, id}},
		{`UPDATE recommendation_audience SET customer_id = ? WHERE app_id = ? AND customer_id = ?`, []any{tombstone, appID, id}},
		{`DELETE FROM notes WHERE app_id = ? AND customer_id = ?`, []any{appID, id}},
		{`DELETE FROM customer_tags WHERE app_id = ? AND customer_id = ?`, []any{appID, id}},
		{`DELETE FROM recent_events WHERE app_id = ? AND kind = 'customer' AND ref = ?`, []any{appID, id}},
	}
	for _, s := range steps {
		if _, err := q.exec(ctx, s.query, s.args...); err != nil {
			return fmt.Errorf("store.EraseCustomer: %w", err)
		}
	}
	return nil
}
