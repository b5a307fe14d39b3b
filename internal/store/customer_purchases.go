package store

import (
	"context"
)

// ErasedCustomers returns the ids of an app's erased customers: the
// tombstones their purchases carry.
func (q *Queries) ErasedCustomers(ctx context.Context, appID string) (map[string]bool, error) {
	tombs, err := queryAll(ctx, q, "store.ErasedCustomers", `SELECT id FROM customers WHERE app_id = ? AND erased_at IS NOT NULL`,
		[]any{appID}, func(row scanner) (string, error) {
			var s string
			return s, row.Scan(&s)
		})
	erased := make(map[string]bool, len(tombs))
	for _, s := range tombs {
		erased[s] = true
	}
	return erased, err
}
