package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// AppStats are an app's running totals.
type AppStats struct {
	Customers   int64
	Purchases   int64
	LastEventAt *time.Time
}

// AppStats returns an app's running totals; an app that has received
// nothing yet has zero counts and no last event.
func (q *Queries) AppStats(ctx context.Context, appID string) (AppStats, error) {
	var (
		st   AppStats
		last sql.NullInt64
	)
	err := q.queryRow(ctx, `SELECT customers, purchases, last_event_at FROM app_stats WHERE app_id = ?`, appID).
		Scan(&st.Customers, &st.Purchases, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("store.AppStats: %w", err)
	}
	st.LastEventAt = fromNullMicros(last)
	return st, nil
}
