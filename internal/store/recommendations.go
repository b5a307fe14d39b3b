package store

import (
	"context"
	"fmt"
	"time"
)

// RecommendationAction is a recommendation the user marked done or
// dismissed; Facts is the recommendation as it stood (JSON).
type RecommendationAction struct {
	ID, Status string
	ChangedAt  time.Time
	AsOf       int64
	Facts      []byte
}

// SetRecommendationAction records a mark, replacing an earlier one of the
// same recommendation, with the customers it was about.
func (q *Queries) SetRecommendationAction(ctx context.Context, appID string, a RecommendationAction, audience []string) error {
	const op = "store.SetRecommendationAction"
	if _, err := q.exec(ctx, `INSERT INTO recommendation_actions (app_id, id, status, changed_at, as_of, facts)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (app_id, id) DO UPDATE SET status = excluded.status, changed_at = excluded.changed_at,
			as_of = excluded.as_of, facts = excluded.facts`,
		appID, a.ID, a.Status, micros(a.ChangedAt), a.AsOf, string(a.Facts)); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if _, err := q.exec(ctx, `DELETE FROM recommendation_audience WHERE app_id = ? AND rec_id = ?`, appID, a.ID); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	args := make([]any, 0, 3*len(audience))
	for _, id := range audience {
		args = append(args, appID, a.ID, id)
	}
	return q.insertRows(ctx, op, `INSERT INTO recommendation_audience (app_id, rec_id, customer_id)`, "", 3, args)
}

// DeleteRecommendationAction forgets a mark; a missing one is not an error,
// since marking a recommendation new twice leaves it new.
func (q *Queries) DeleteRecommendationAction(ctx context.Context, appID, id string) error {
	for _, query := range []string{
		`DELETE FROM recommendation_audience WHERE app_id = ? AND rec_id = ?`,
		`DELETE FROM recommendation_actions WHERE app_id = ? AND id = ?`,
	} {
		if _, err := q.exec(ctx, query, appID, id); err != nil {
			return fmt.Errorf("store.DeleteRecommendationAction: %w", err)
		}
	}
	return nil
}

// RecommendationActions lists an app's marks, most recent first.
func (q *Queries) RecommendationActions(ctx context.Context, appID string) ([]RecommendationAction, error) {
	return queryAll(ctx, q, "store.RecommendationActions",
		`SELECT id, status, changed_at, as_of, facts FROM recommendation_actions WHERE app_id = ?
		ORDER BY changed_at DESC, id`, []any{appID},
		func(row scanner) (RecommendationAction, error) {
			var (
				a       RecommendationAction
				changed int64
				facts   string
			)
			err := row.Scan(&a.ID, &a.Status, &changed, &a.AsOf, &facts)
			a.ChangedAt, a.Facts = fromMicros(changed), []byte(facts)
			return a, err
		})
}

// AudienceOutcome is what a marked recommendation's customers did in a
// span of time: how many bought, their paid orders and revenue.
type AudienceOutcome struct {
	Customers, Buyers, Orders, Revenue int64
}

// RecommendationOutcome measures the customers of a marked recommendation
// over [from, to): purchases refunded before to do not count, as in the
// customer models.
func (q *Queries) RecommendationOutcome(ctx context.Context, appID, recID string, from, to time.Time) (AudienceOutcome, error) {
	const op = "store.RecommendationOutcome"
	var o AudienceOutcome
	if err := q.queryRow(ctx, `SELECT COUNT(*) FROM recommendation_audience WHERE app_id = ? AND rec_id = ?`,
		appID, recID).Scan(&o.Customers); err != nil {
		return o, fmt.Errorf("%s: %w", op, err)
	}
	err := q.queryRow(ctx, `SELECT COUNT(DISTINCT p.customer_id), COUNT(*), COALESCE(SUM(p.amount), 0)
		FROM recommendation_audience a JOIN purchases p ON p.app_id = a.app_id AND p.customer_id = a.customer_id
		WHERE a.app_id = ? AND a.rec_id = ? AND p.purchased_at >= ? AND p.purchased_at < ?
			AND (p.status = 'paid' OR p.refunded_at >= ?)`,
		appID, recID, micros(from), micros(to), micros(to)).Scan(&o.Buyers, &o.Orders, &o.Revenue)
	if err != nil {
		return o, fmt.Errorf("%s: %w", op, err)
	}
	return o, nil
}

// UpdateRecommendationAction changes a mark's status and time and keeps
// its audience; a missing mark is model.ErrNotFound.
func (q *Queries) UpdateRecommendationAction(ctx context.Context, appID string, a RecommendationAction) error {
	res, err := q.exec(ctx, `UPDATE recommendation_actions SET status = ?, changed_at = ? WHERE app_id = ? AND id = ?`,
		a.Status, micros(a.ChangedAt), appID, a.ID)
	if err != nil {
		return fmt.Errorf("store.UpdateRecommendationAction: %w", err)
	}
	return mustAffect("store.UpdateRecommendationAction", res)
}

// RecommendationAudience lists the customers of a marked recommendation,
// in id order. Erased customers are left out: their rows stay, under their
// tombstones, for the outcome's counts only.
func (q *Queries) RecommendationAudience(ctx context.Context, appID, recID string) ([]string, error) {
	return queryAll(ctx, q, "store.RecommendationAudience",
		`SELECT a.customer_id FROM recommendation_audience a WHERE a.app_id = ? AND a.rec_id = ?
			AND NOT EXISTS (SELECT 1 FROM customers c
				WHERE c.app_id = a.app_id AND c.id = a.customer_id AND c.erased_at IS NOT NULL)
		ORDER BY a.customer_id`,
		[]any{appID, recID}, func(row scanner) (string, error) {
			var s string
			return s, row.Scan(&s)
		})
}
