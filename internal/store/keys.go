package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"pulse/internal/model"
	"pulse/internal/page"
)

// CreateKey inserts k.
func (q *Queries) CreateKey(ctx context.Context, k model.APIKey) error {
	_, err := q.exec(ctx, `INSERT INTO api_keys (app_id, id, name, scope, prefix, secret_hash, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		k.AppID, k.ID, k.Name, string(k.Scope), k.Prefix, k.SecretHash, micros(k.CreatedAt))
	if err != nil {
		return fmt.Errorf("store.CreateKey: %w", err)
	}
	return nil
}

const keyColumns = `app_id, id, name, scope, prefix, secret_hash, created_at, last_used_at, revoked_at`

func scanKey(row scanner) (model.APIKey, error) {
	var (
		k             model.APIKey
		scope         string
		created       int64
		used, revoked sql.NullInt64
	)
	err := row.Scan(&k.AppID, &k.ID, &k.Name, &scope, &k.Prefix, &k.SecretHash, &created, &used, &revoked)
	k.Scope = model.KeyScope(scope)
	k.CreatedAt = fromMicros(created)
	k.LastUsedAt, k.RevokedAt = fromNullMicros(used), fromNullMicros(revoked)
	return k, err
}

// KeyBySecretHash finds a key, revoked ones included, by the SHA-256 of its
// secret, together with its app.
func (q *Queries) KeyBySecretHash(ctx context.Context, hash string) (model.APIKey, model.App, error) {
	var (
		k             model.APIKey
		a             model.App
		scope         string
		created       int64
		used, revoked sql.NullInt64
		aCreated, aUp int64
	)
	err := q.queryRow(ctx, `SELECT k.app_id, k.id, k.name, k.scope, k.prefix, k.secret_hash,
			k.created_at, k.last_used_at, k.revoked_at,
			a.account_id, a.name, a.currency, a.timezone, a.response_rate, a.created_at, a.updated_at
		FROM api_keys k JOIN apps a ON a.id = k.app_id
		WHERE k.secret_hash = ?`, hash).
		Scan(&k.AppID, &k.ID, &k.Name, &scope, &k.Prefix, &k.SecretHash, &created, &used, &revoked,
			&a.AccountID, &a.Name, &a.Currency, &a.Timezone, &a.ResponseRate, &aCreated, &aUp)
	if err != nil {
		return k, a, notFound("store.KeyBySecretHash", err)
	}
	k.Scope = model.KeyScope(scope)
	k.CreatedAt = fromMicros(created)
	k.LastUsedAt, k.RevokedAt = fromNullMicros(used), fromNullMicros(revoked)
	a.ID = k.AppID
	a.CreatedAt, a.UpdatedAt = fromMicros(aCreated), fromMicros(aUp)
	return k, a, nil
}

// KeysByApp lists an app's keys, oldest first, revoked ones included,
// returning up to p.Limit+1 rows.
func (q *Queries) KeysByApp(ctx context.Context, appID string, p page.Params) ([]model.APIKey, error) {
	return listByCreated(ctx, q, "store.KeysByApp",
		`SELECT `+keyColumns+` FROM api_keys WHERE app_id = ?`, appID, p, scanKey)
}

// KeyCursor is the page cursor after key k in KeysByApp order.
func KeyCursor(k model.APIKey) page.Cursor {
	return page.Cursor{Key: strconv.FormatInt(micros(k.CreatedAt), 10), ID: k.ID}
}

// RevokeKey revokes a key of the app. Revoking a revoked key keeps its
// first revocation time and is not an error.
func (q *Queries) RevokeKey(ctx context.Context, appID, keyID string, at time.Time) error {
	res, err := q.exec(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE app_id = ? AND id = ?`,
		micros(at), appID, keyID)
	if err != nil {
		return fmt.Errorf("store.RevokeKey: %w", err)
	}
	return mustAffect("store.RevokeKey", res)
}

// TouchKey records that a key was used at t. To keep authentication cheap
// the caller only calls it when the stored time is stale.
func (q *Queries) TouchKey(ctx context.Context, appID, keyID string, t time.Time) error {
	if _, err := q.exec(ctx, `UPDATE api_keys SET last_used_at = ? WHERE app_id = ? AND id = ?
		AND (last_used_at IS NULL OR last_used_at < ?)`,
		micros(t), appID, keyID, micros(t)); err != nil {
		return fmt.Errorf("store.TouchKey: %w", err)
	}
	return nil
}
