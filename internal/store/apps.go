package store

import (
	"context"
	"fmt"
	"strconv"

	"pulse/internal/model"
	"pulse/internal/page"
)

// CreateApp inserts a.
func (q *Queries) CreateApp(ctx context.Context, a model.App) error {
	_, err := q.exec(ctx, `INSERT INTO apps (id, account_id, name, currency, timezone, response_rate, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.AccountID, a.Name, a.Currency, a.Timezone, a.ResponseRate, micros(a.CreatedAt), micros(a.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store.CreateApp: %w", err)
	}
	return nil
}

const appColumns = `id, account_id, name, currency, timezone, response_rate, created_at, updated_at`

func scanApp(row scanner) (model.App, error) {
	var (
		a                model.App
		created, updated int64
	)
	err := row.Scan(&a.ID, &a.AccountID, &a.Name, &a.Currency, &a.Timezone, &a.ResponseRate, &created, &updated)
	a.CreatedAt, a.UpdatedAt = fromMicros(created), fromMicros(updated)
	return a, err
}

// AppByID finds an app of the given account; another account's app is
// model.ErrNotFound, exactly as a missing one.
func (q *Queries) AppByID(ctx context.Context, accountID, appID string) (model.App, error) {
	a, err := scanApp(q.queryRow(ctx, `SELECT `+appColumns+` FROM apps WHERE id = ? AND account_id = ?`,
		appID, accountID))
	if err != nil {
		return a, notFound("store.AppByID", err)
	}
	return a, nil
}

// AppsByAccount lists an account's apps, oldest first, from after p.After,
// returning up to p.Limit+1 rows so the caller can tell whether more follow.
func (q *Queries) AppsByAccount(ctx context.Context, accountID string, p page.Params) ([]model.App, error) {
	return listByCreated(ctx, q, "store.AppsByAccount",
		`SELECT `+appColumns+` FROM apps WHERE account_id = ?`, accountID, p, scanApp)
}

// listByCreated runs base (a SELECT whose WHERE clause takes owner as its one
// argument) in (created_at, id) order from after p.After, and scans up to
// p.Limit+1 rows.
func listByCreated[T any](ctx context.Context, q *Queries, op, base, owner string, p page.Params,
	scan func(scanner) (T, error)) ([]T, error) {
	afterTS, afterID := int64(-1), ""
	if p.After != nil {
		ts, err := strconv.ParseInt(p.After.Key, 10, 64)
		if err != nil {
			return nil, model.Invalid("cursor", "is not a cursor returned by this API")
		}
		afterTS, afterID = ts, p.After.ID
	}
	rows, err := q.query(ctx, base+` AND (created_at > ? OR (created_at = ? AND id > ?))
		ORDER BY created_at, id LIMIT ?`, owner, afterTS, afterTS, afterID, p.Limit+1)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// AppCursor is the page cursor after app a in AppsByAccount order.
func AppCursor(a model.App) page.Cursor {
	return page.Cursor{Key: strconv.FormatInt(micros(a.CreatedAt), 10), ID: a.ID}
}

// UpdateApp saves a's name, time zone and response rate.
func (q *Queries) UpdateApp(ctx context.Context, a model.App) error {
	res, err := q.exec(ctx, `UPDATE apps SET name = ?, timezone = ?, response_rate = ?, updated_at = ?
		WHERE id = ? AND account_id = ?`,
		a.Name, a.Timezone, a.ResponseRate, micros(a.UpdatedAt), a.ID, a.AccountID)
	if err != nil {
		return fmt.Errorf("store.UpdateApp: %w", err)
	}
	return mustAffect("store.UpdateApp", res)
}

// DeleteApp deletes an app and, through the foreign keys, all its data.
func (q *Queries) DeleteApp(ctx context.Context, accountID, appID string) error {
	res, err := q.exec(ctx, `DELETE FROM apps WHERE id = ? AND account_id = ?`, appID, accountID)
	if err != nil {
		return fmt.Errorf("store.DeleteApp: %w", err)
	}
	return mustAffect("store.DeleteApp", res)
}

func mustAffect(op string, res interface{ RowsAffected() (int64, error) }) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", op, model.ErrNotFound)
	}
	return nil
}
