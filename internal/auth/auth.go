// Package auth registers accounts, logs them in and out, keeps their
// sessions, and authenticates API keys.
package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"pulse/internal/apps"
	"pulse/internal/contact"
	"pulse/internal/model"
	"pulse/internal/password"
	"pulse/internal/ratelimit"
	"pulse/internal/store"
	"pulse/internal/token"
)

// Config sets session lifetimes and login throttling.
type Config struct {
	// SessionIdle ends a session not used for this long.
	SessionIdle time.Duration
	// SessionMax ends a session this long after login, used or not.
	SessionMax time.Duration
	// Failed logins allowed per account and per client address in a burst,
	// and how fast the allowance comes back (failures per minute).
	AccountBurst, AddressBurst         int
	AccountPerMinute, AddressPerMinute float64
	// Now is the clock; nil means the wall clock.
	Now func() time.Time
}

// DefaultConfig is what `pulse serve` uses unless told otherwise.
var DefaultConfig = Config{
	SessionIdle:      72 * time.Hour,
	SessionMax:       30 * 24 * time.Hour,
	AccountBurst:     5,
	AccountPerMinute: 1,
	AddressBurst:     20,
	AddressPerMinute: 10,
}

// Service is the account and session authority.
type Service struct {
	db        *store.DB
	hasher    *password.Hasher
	cfg       Config
	now       func() time.Time
	byAccount *ratelimit.Limiter
	byAddress *ratelimit.Limiter
	keys      keyCache
}

// New returns a Service.
func New(db *store.DB, hasher *password.Hasher, cfg Config) *Service {
	now := clock(cfg.Now)
	return &Service{
		db:        db,
		hasher:    hasher,
		cfg:       cfg,
		now:       now,
		byAccount: ratelimit.New(cfg.AccountPerMinute/60, cfg.AccountBurst, now),
		byAddress: ratelimit.New(cfg.AddressPerMinute/60, cfg.AddressBurst, now),
	}
}

// clock returns now, or the wall clock, in UTC and truncated to the
// microsecond precision the database keeps, so that what a response shows
// equals what a later read returns.
func clock(now func() time.Time) func() time.Time {
	if now == nil {
		now = time.Now
	}
	return func() time.Time { return now().UTC().Truncate(time.Microsecond) }
}

// NewSession is a session just created, with the token for the cookie.
type NewSession struct {
	Token   string
	Session model.Session
}

func (s *Service) newSession(accountID string) NewSession {
	now := s.now()
	tok := token.Secret()
	return NewSession{Token: tok, Session: model.Session{
		TokenHash:  token.Hash(tok),
		AccountID:  accountID,
		CSRFToken:  token.Secret(),
		CreatedAt:  now,
		LastSeenAt: now,
		ExpiresAt:  now.Add(s.cfg.SessionMax),
	}}
}

// RegisterInput is what a new user sends.
type RegisterInput struct {
	Name     *string
	Email    *string
	Password *string
	Lang     *string
	App      apps.Input
}

// Registration is everything registration creates.
type Registration struct {
	Account   model.Account
	App       model.App
	Key       model.APIKey
	KeySecret string
	Session   NewSession
}

// Langs are the interface languages an account can choose.
var Langs = map[string]bool{"en": true, "ru": true}

// Register creates an account with its first app, that app's first full
// key and a logged-in session, all in one transaction.
func (s *Service) Register(ctx context.Context, in RegisterInput) (Registration, error) {
	verr := &model.ValidationError{}
	var reg Registration
	a := model.Account{ID: token.ID("acct"), Lang: "en", CreatedAt: s.now()}
	if in.Name == nil {
		verr.Add("name", "is required")
	} else {
		a.Name = apps.CheckName(verr, "name", *in.Name)
	}
	if in.Email == nil {
		verr.Add("email", "is required")
	} else if email, msg := NormalizeEmail(*in.Email); msg != "" {
		verr.Add("email", "%s", msg)
	} else {
		a.Email = email
	}
	if in.Password == nil {
		verr.Add("password", "is required")
	} else if why := password.Weakness(*in.Password, a.Email, a.Name); why != "" {
		verr.Add("password", "%s", why)
	}
	if in.Lang != nil {
		if !Langs[*in.Lang] {
			verr.Add("lang", `must be "en" or "ru"`)
		}
		a.Lang = *in.Lang
	}
	app, err := apps.NewApp(a.ID, in.App, "app.", s.now())
	var appErr *model.ValidationError
	if errors.As(err, &appErr) {
		verr.Errors = append(verr.Errors, appErr.Errors...)
	}
	if err := verr.Err(); err != nil {
		return reg, err
	}
	// Fail fast on a taken email before spending a hash on it; the unique
	// index still decides a race.
	if _, err := s.db.AccountByEmail(ctx, a.Email); err == nil {
		return reg, model.ErrEmailTaken()
	} else if !errors.Is(err, model.ErrNotFound) {
		return reg, err
	}
	if a.PasswordHash, err = s.hasher.Hash(ctx, *in.Password); err != nil {
		return reg, err
	}
	key, secret := apps.NewKey(app.ID, "Default key", model.ScopeFull, s.now())
	sess := s.newSession(a.ID)
	err = s.db.InTx(ctx, func(q *store.Queries) error {
		if err := q.CreateAccount(ctx, a); err != nil {
			return err
		}
		if err := q.CreateApp(ctx, app); err != nil {
			return err
		}
		if err := q.CreateKey(ctx, key); err != nil {
			return err
		}
		return q.CreateSession(ctx, sess.Session)
	})
	if err != nil {
		return reg, err
	}
	a.PasswordHash = ""
	return Registration{Account: a, App: app, Key: key, KeySecret: secret, Session: sess}, nil
}

// NormalizeEmail trims and lower-cases an email address and checks it. It
// returns the reason when the address is not acceptable.
func NormalizeEmail(s string) (string, string) { return contact.Email(s) }

// ErrBadCredentials is the one answer for an unknown email and a wrong
// password, so that login does not reveal which emails are registered.
var ErrBadCredentials = &model.UnauthenticatedError{Reason: "the email or password is incorrect"}

// Login checks an email and password from a client at address and opens a
// new session. Repeated failures for one account or from one address are
// throttled with *model.ThrottledError before any password is checked.
func (s *Service) Login(ctx context.Context, email, pw, address string) (model.Account, NewSession, error) {
	email, _ = NormalizeEmail(email)
	acctKey, addrKey := "email:"+email, "addr:"+address
	for _, c := range []struct {
		l   *ratelimit.Limiter
		key string
	}{{s.byAccount, acctKey}, {s.byAddress, addrKey}} {
		if ok, wait := c.l.Check(c.key); !ok {
			return model.Account{}, NewSession{}, &model.ThrottledError{
				Message:    "too many failed logins; wait before trying again",
				RetryAfter: wait,
			}
		}
	}
	a, err := s.db.AccountByEmail(ctx, email)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return a, NewSession{}, err
	}
	// Verify even when there is no such account (against a dummy hash), so
	// both failures take the same time.
	ok, err := s.hasher.Verify(ctx, pw, a.PasswordHash)
	if err != nil {
		return a, NewSession{}, fmt.Errorf("auth.Login: %w", err)
	}
	if !ok {
		s.byAccount.Allow(acctKey)
		s.byAddress.Allow(addrKey)
		return model.Account{}, NewSession{}, ErrBadCredentials
	}
	s.byAccount.Reset(acctKey)
	sess := s.newSession(a.ID)
	if err := s.db.CreateSession(ctx, sess.Session); err != nil {
		return a, NewSession{}, err
	}
	a.PasswordHash = ""
	return a, sess, nil
}

// Logout revokes the session behind tok. An unknown token is not an error:
// the caller is logged out either way.
func (s *Service) Logout(ctx context.Context, tok string) error {
	if tok == "" {
		return nil
	}
	return s.db.RevokeSession(ctx, token.Hash(tok), s.now())
}

// ErrSessionEnded is returned for a session that expired, idled out or was
// revoked.
var ErrSessionEnded = &model.UnauthenticatedError{Reason: "the session has ended; log in again"}

// ErrNoSession is returned when no session token was presented.
var ErrNoSession = &model.UnauthenticatedError{Reason: "log in first: this needs a session"}

// touchEvery limits how often a session's last-seen time is written: once a
// minute is precise enough for an idle timeout counted in hours.
const touchEvery = time.Minute

// Session returns the live session behind tok and its account.
func (s *Service) Session(ctx context.Context, tok string) (model.Session, model.Account, error) {
	if tok == "" {
		return model.Session{}, model.Account{}, ErrNoSession
	}
	sess, err := s.db.SessionByTokenHash(ctx, token.Hash(tok))
	if errors.Is(err, model.ErrNotFound) {
		return sess, model.Account{}, ErrSessionEnded
	}
	if err != nil {
		return sess, model.Account{}, err
	}
	now := s.now()
	if sess.RevokedAt != nil || !now.Before(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) >= s.cfg.SessionIdle {
		return sess, model.Account{}, ErrSessionEnded
	}
	a, err := s.db.AccountByID(ctx, sess.AccountID)
	if err != nil {
		return sess, a, err
	}
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		if err := s.db.TouchSession(ctx, sess.TokenHash, now); err != nil {
			return sess, a, err
		}
		sess.LastSeenAt = now
	}
	a.PasswordHash = ""
	return sess, a, nil
}

// SweepSessions deletes sessions that can no longer be used.
func (s *Service) SweepSessions(ctx context.Context) (int64, error) {
	return s.db.DeleteSessionsBefore(ctx, s.now(), s.cfg.SessionIdle)
}
