package crm

import (
	"context"
	"fmt"

	"pulse/internal/model"
	"pulse/internal/store"
	"pulse/internal/token"
)

// Erase forgets a customer's personal data (the right to be forgotten):
// name, email, phone, attributes, notes, tags and its id. Its purchases and
// running totals stay, anonymised, so reports do not change; a later event
// with the same id starts a new customer. Erasing twice is
// model.ErrNotFound.
func (s *Service) Erase(ctx context.Context, appID, id string) error {
	if !plausibleID(id) {
		return fmt.Errorf("crm.Erase: %w", model.ErrNotFound)
	}
	return s.db.InTx(ctx, func(q *store.Queries) error {
		// The ingestion writer takes the same lock: it never applies an
		// event to this customer half-way through its erasure.
		if err := q.LockApps(ctx, []string{appID}); err != nil {
			return err
		}
		return q.EraseCustomer(ctx, appID, id, model.ErasedIDPrefix+token.Base62(24), s.now())
	})
}
