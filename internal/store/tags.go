package store

import (
	"context"
	"fmt"
	"slices"
)

// TagsOf returns the tags of the given customers of an app, each list in
// byte order so that both databases give the same answer whatever their
// collation. Customers without tags are absent from the map.
func (q *Queries) TagsOf(ctx context.Context, appID string, ids []string) (map[string][]string, error) {
	out := map[string][]string{}
	err := inChunks(ids, func(chunk []any, marks string) error {
		rows, err := q.query(ctx, `SELECT customer_id, tag FROM customer_tags
			WHERE app_id = ? AND customer_id IN (`+marks+`)`, append([]any{appID}, chunk...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, tag string
			if err := rows.Scan(&id, &tag); err != nil {
				return err
			}
			out[id] = append(out[id], tag)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store.TagsOf: %w", err)
	}
	for _, tags := range out {
		slices.Sort(tags)
	}
	return out, nil
}

// ReplaceTags makes tags, which must hold no duplicates, the customer's
// whole set of tags.
func (q *Queries) ReplaceTags(ctx context.Context, appID, customerID string, tags []string) error {
	if _, err := q.exec(ctx, `DELETE FROM customer_tags WHERE app_id = ? AND customer_id = ?`,
		appID, customerID); err != nil {
		return fmt.Errorf("store.ReplaceTags: %w", err)
	}
	args := make([]any, 0, len(tags)*3)
	for _, t := range tags {
		args = append(args, appID, customerID, t)
	}
	return q.insertRows(ctx, "store.ReplaceTags", `INSERT INTO customer_tags (app_id, customer_id, tag)`, "", 3, args)
}
