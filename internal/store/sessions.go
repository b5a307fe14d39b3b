package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"pulse/internal/model"
)

// CreateSession stores a new session.
func (q *Queries) CreateSession(ctx context.Context, s model.Session) error {
	_, err := q.exec(ctx, `INSERT INTO sessions
		(token_hash, account_id, csrf_token, created_at, last_seen_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`,
		s.TokenHash, s.AccountID, s.CSRFToken, micros(s.CreatedAt), micros(s.LastSeenAt), micros(s.ExpiresAt))
	if err != nil {
		return fmt.Errorf("store.CreateSession: %w", err)
	}
	return nil
}

// SessionByTokenHash finds a session, revoked and expired ones included: the
// caller decides what is still valid.
func (q *Queries) SessionByTokenHash(ctx context.Context, hash string) (model.Session, error) {
	var (
		s                      model.Session
		created, seen, expires int64
		revoked                sql.NullInt64
	)
	err := q.queryRow(ctx, `SELECT token_hash, account_id, csrf_token, created_at, last_seen_at, expires_at, revoked_at
		FROM sessions WHERE token_hash = ?`, hash).
		Scan(&s.TokenHash, &s.AccountID, &s.CSRFToken, &created, &seen, &expires, &revoked)
	if err != nil {
		return s, notFound("store.SessionByTokenHash", err)
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = fromMicros(created), fromMicros(seen), fromMicros(expires)
	s.RevokedAt = fromNullMicros(revoked)
	return s, nil
}

// TouchSession records activity on a session, which extends its idle timeout.
func (q *Queries) TouchSession(ctx context.Context, hash string, at time.Time) error {
	if _, err := q.exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at < ?`,
		micros(at), hash, micros(at)); err != nil {
		return fmt.Errorf("store.TouchSession: %w", err)
	}
	return nil
}

// RevokeSession ends a session; revoking it again changes nothing.
func (q *Queries) RevokeSession(ctx context.Context, hash string, at time.Time) error {
	if _, err := q.exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL`,
		micros(at), hash); err != nil {
		return fmt.Errorf("store.RevokeSession: %w", err)
	}
	return nil
}

// DeleteSessionsBefore removes sessions that ended before t, whether by
// expiry, idleness or revocation, and returns how many it removed.
func (q *Queries) DeleteSessionsBefore(ctx context.Context, t time.Time, idle time.Duration) (int64, error) {
	cut := micros(t)
	res, err := q.exec(ctx, `DELETE FROM sessions
		WHERE expires_at < ? OR last_seen_at < ? OR revoked_at < ?`,
		cut, micros(t.Add(-idle)), cut)
	if err != nil {
		return 0, fmt.Errorf("store.DeleteSessionsBefore: %w", err)
	}
	return res.RowsAffected()
}
