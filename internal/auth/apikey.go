package auth

import (
	"context"
	"errors"
	"sync"
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

// keyCacheTTL is how long a key found in the database is trusted without
// asking again. Changes made through this instance drop it at once
// (ForgetApp); another instance sharing a PostgreSQL database sees a
// revocation within this time.
const keyCacheTTL = 5 * time.Second

// keyCache holds recently authenticated keys by secret hash: an app sending
// thousands of events a second would otherwise cost a query per event.
type keyCache struct {
	mu sync.Mutex
	m  map[string]cachedKey
}

type cachedKey struct {
	key   Key
	until time.Time
}

func (c *keyCache) get(hash string, now time.Time) (Key, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[hash]
	if !ok || now.After(e.until) {
		return Key{}, false
	}
	return e.key, true
}

func (c *keyCache) put(hash string, k Key, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 10000 {
		c.m = map[string]cachedKey{}
	}
	c.m[hash] = cachedKey{key: k, until: now.Add(keyCacheTTL)}
}

// ForgetApp drops an app's keys from the cache: call it when the app
// changes, is deleted or loses a key.
func (s *Service) ForgetApp(appID string) {
	s.keys.mu.Lock()
	defer s.keys.mu.Unlock()
	for h, e := range s.keys.m {
		if e.key.App.ID == appID {
			delete(s.keys.m, h)
		}
	}
}

// Authenticate checks a bearer secret. A malformed key or one with a bad
// checksum is refused without touching the database.
func (s *Service) Authenticate(ctx context.Context, secret string) (Key, error) {
	k, err := apikey.Parse(secret)
	if err != nil {
		return Key{}, &model.UnauthenticatedError{Reason: err.Error()}
	}
	hash := k.Hash()
	now := s.now()
	if key, ok := s.keys.get(hash, now); ok && (key.Key.LastUsedAt != nil && now.Sub(*key.Key.LastUsedAt) < keyTouchEvery) {
		return key, nil
	}
	stored, app, err := s.db.KeyBySecretHash(ctx, hash)
	if errors.Is(err, model.ErrNotFound) {
		return Key{}, &model.UnauthenticatedError{Reason: "the API key is not known"}
	}
	if err != nil {
		return Key{}, err
	}
	if stored.RevokedAt != nil {
		return Key{}, &model.UnauthenticatedError{Reason: "the API key has been revoked"}
	}
	if stored.LastUsedAt == nil || now.Sub(*stored.LastUsedAt) >= keyTouchEvery {
		if err := s.db.TouchKey(ctx, stored.AppID, stored.ID, now); err != nil {
			return Key{}, err
		}
		stored.LastUsedAt = &now
	}
	key := Key{Key: stored, App: app}
	s.keys.put(hash, key, now)
	return key, nil
}
