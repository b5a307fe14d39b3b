package store

import (
	"context"
	"fmt"

	"pulse/internal/model"
)

// RecentKept is how many accepted and how many rejected events are kept per
// app.
const RecentKept = 100

// AddRecentEvents records events an app sent and drops all but the newest
// RecentKept accepted and RecentKept rejected ones. A seq already taken (two
// instances writing in the same microsecond) loses that log line, never an
// event.
func (q *Queries) AddRecentEvents(ctx context.Context, appID string, evs []model.RecentEvent) error {
	if len(evs) == 0 {
		return nil
	}
	args := make([]any, 0, len(evs)*8)
	var acc, rej bool
	for _, e := range evs {
		args = append(args, appID, e.Seq, e.Accepted, e.Kind, e.Ref, e.Status, e.Detail, micros(e.ReceivedAt))
		acc = acc || e.Accepted
		rej = rej || !e.Accepted
	}
	err := q.insertRows(ctx, "store.AddRecentEvents",
		`INSERT INTO recent_events (app_id, seq, accepted, kind, ref, status, detail, received_at)`,
		`ON CONFLICT (app_id, accepted, seq) DO NOTHING`, 8, args)
	if err != nil {
		return err
	}
	for _, accepted := range []bool{true, false} {
		if (accepted && !acc) || (!accepted && !rej) {
			continue
		}
		_, err := q.exec(ctx, `DELETE FROM recent_events WHERE app_id = ? AND accepted = ? AND seq <
			(SELECT seq FROM recent_events WHERE app_id = ? AND accepted = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
			appID, accepted, appID, accepted, RecentKept-1)
		if err != nil {
			return fmt.Errorf("store.AddRecentEvents: trim: %w", err)
		}
	}
	return nil
}

// RecentEvents returns an app's kept events of one kind, accepted or
// rejected, newest first.
func (q *Queries) RecentEvents(ctx context.Context, appID string, accepted bool, limit int) ([]model.RecentEvent, error) {
	rows, err := q.query(ctx, `SELECT seq, accepted, kind, ref, status, detail, received_at FROM recent_events
		WHERE app_id = ? AND accepted = ? ORDER BY seq DESC LIMIT ?`, appID, accepted, limit)
	if err != nil {
		return nil, fmt.Errorf("store.RecentEvents: %w", err)
	}
	defer rows.Close()
	var out []model.RecentEvent
	for rows.Next() {
		var (
			e  model.RecentEvent
			at int64
		)
		if err := rows.Scan(&e.Seq, &e.Accepted, &e.Kind, &e.Ref, &e.Status, &e.Detail, &at); err != nil {
			return nil, fmt.Errorf("store.RecentEvents: %w", err)
		}
		e.ReceivedAt = fromMicros(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store.RecentEvents: %w", err)
	}
	return out, nil
}
