package store

import (
	"context"
	"database/sql"
	"fmt"
)

// FirstSalesDay is the earliest day up to day to on which an app has any
// daily_sales row (a sale, a refund or a new customer): the start of its
// history, so that the days before it are not read as days without sales.
// ok is false when the app has no such day.
func (q *Queries) FirstSalesDay(ctx context.Context, appID string, to int64) (first int64, ok bool, err error) {
	var d sql.NullInt64
	err = q.queryRow(ctx, `SELECT MIN(day) FROM daily_sales WHERE app_id = ? AND day <= ?`, appID, to).Scan(&d)
	if err != nil {
		return 0, false, fmt.Errorf("store.FirstSalesDay: %w", err)
	}
	return d.Int64, d.Valid, nil
}
