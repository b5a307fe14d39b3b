package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"pulse/internal/page"
)

// TimelineOrder names the timeline's ordering in page cursors.
const TimelineOrder = "timeline"

// TimelineKind is what a timeline row records. Rows at the same instant
// follow this order, then their Ref.
type TimelineKind int

// The kinds of timeline row.
const (
	TimelineSignup   TimelineKind = iota // Ref is the customer's id
	TimelinePurchase                     // Ref is the purchase id
	TimelineRefund                       // Ref is the purchase id
	TimelineNote                         // Ref is the note id
)

// TimelineRow is one entry of a customer's history.
type TimelineRow struct {
	Kind TimelineKind
	At   time.Time
	Ref  string
}

// timelineSQL lists a customer's history: the signup once its profile
// arrived, each purchase when made and again when refunded, and each note.
const timelineSQL = `SELECT kind, at, ref FROM (
	SELECT 0 AS kind, created_at AS at, id AS ref FROM customers
		WHERE app_id = ? AND id = ? AND has_profile AND erased_at IS NULL
	UNION ALL SELECT 1, purchased_at, id FROM purchases WHERE app_id = ? AND customer_id = ?
	UNION ALL SELECT 2, refunded_at, id FROM purchases
		WHERE app_id = ? AND customer_id = ? AND status = 'refunded' AND refunded_at IS NOT NULL
	UNION ALL SELECT 3, created_at, id FROM notes WHERE app_id = ? AND customer_id = ?
) t`

// Timeline returns up to p.Limit+1 rows of a customer's history, oldest
// first, from after p.After.
func (q *Queries) Timeline(ctx context.Context, appID, customerID string, p page.Params) ([]TimelineRow, error) {
	query := timelineSQL
	args := []any{appID, customerID, appID, customerID, appID, customerID, appID, customerID}
	if p.After != nil {
		at, kind, ok := parseTimelineKey(p.After.Key)
		if !ok {
			return nil, badCursor()
		}
		query += ` WHERE (at, kind, ref) > (?, ?, ?)`
		args = append(args, at, kind, p.After.ID)
	}
	rows, err := q.query(ctx, query+` ORDER BY at, kind, ref LIMIT ?`, append(args, p.Limit+1)...)
	if err != nil {
		return nil, fmt.Errorf("store.Timeline: %w", err)
	}
	out, err := scanAll(rows, func(row scanner) (TimelineRow, error) {
		var (
			r  TimelineRow
			at int64
		)
		err := row.Scan(&r.Kind, &at, &r.Ref)
		r.At = fromMicros(at)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("store.Timeline: %w", err)
	}
	return out, nil
}

// TimelineCursor is the page cursor after r in Timeline order.
func TimelineCursor(r TimelineRow) page.Cursor {
	key := strconv.FormatInt(micros(r.At), 10) + ":" + strconv.Itoa(int(r.Kind))
	return page.Cursor{Sort: TimelineOrder, Key: key, ID: r.Ref}
}

func parseTimelineKey(key string) (int64, int, bool) {
	a, k, ok := strings.Cut(key, ":")
	at, err1 := strconv.ParseInt(a, 10, 64)
	kind, err2 := strconv.Atoi(k)
	return at, kind, ok && err1 == nil && err2 == nil
}
