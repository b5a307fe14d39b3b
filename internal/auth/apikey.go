package auth

import (
	"context"
	"errors"
	"time"

	"pulse/internal/apikey"
	"pulse/internal/model"
)

// Key is an authenticated API key with the app it belongs to.
type Key struct {
	Key model.APIKey
	App model.App
}

// keyTouchEvery limits last_used_at writes to one a minute per key, so that
// authenticating a stream of events costs reads only.
const keyTouchEvery = time.Minute

// Authenticate checks a bearer secret. A malformed key or one with a bad
// checksum is refused without touching the database.
func (s *Service) Authenticate(ctx context.Context, secret string) (Key, error) {
	k, err := apikey.Parse(secret)
	if err != nil {
		return Key{}, &model.UnauthenticatedError{Reason: err.Error()}
	}
	stored, app, err := s.db.KeyBySecretHash(ctx, k.Hash())
	if errors.Is(err, model.ErrNotFound) {
		return Key{}, &model.UnauthenticatedError{Reason: "the API key is not known"}
	}
	if err != nil {
		return Key{}, err
	}
	if stored.RevokedAt != nil {
		return Key{}, &model.UnauthenticatedError{Reason: "the API key has been revoked"}
	}
	now := s.now()
	if stored.LastUsedAt == nil || now.Sub(*stored.LastUsedAt) >= keyTouchEvery {
		if err := s.db.TouchKey(ctx, stored.AppID, stored.ID, now); err != nil {
			return Key{}, err
		}
		stored.LastUsedAt = &now
	}
	return Key{Key: stored, App: app}, nil
}
