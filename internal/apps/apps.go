// Package apps manages an account's apps and their API keys.
package apps

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
	_ "time/tzdata" // time zone names must resolve on machines without a zoneinfo database
	"unicode"
	"unicode/utf8"

	"pulse/internal/apikey"
	"pulse/internal/model"
	"pulse/internal/money"
	"pulse/internal/page"
	"pulse/internal/store"
	"pulse/internal/token"
)

// Defaults for a new app, as API.md states them.
const (
	DefaultName     = "My app"
	DefaultCurrency = "USD"
	DefaultTimezone = "UTC"
	maxNameLen      = 100
	// DefaultResponseRate is the share of an audience assumed to respond
	// to a recommendation: one in ten, a common planning figure for a
	// campaign to existing customers, which each app can replace with its
	// own experience.
	DefaultResponseRate = 0.1
	minResponseRate     = 0.001
)

// Service creates, changes and deletes apps and keys. Every method takes the
// acting account and confines itself to that account's apps.
type Service struct {
	db      *store.DB
	now     func() time.Time
	changed func(appID string)
}

// New returns a Service. now may be nil for the wall clock.
func New(db *store.DB, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{
		db:      db,
		now:     func() time.Time { return now().UTC().Truncate(time.Microsecond) },
		changed: func(string) {},
	}
}

// OnChange registers fn to be called after an app is changed or deleted or
// one of its keys revoked, so that caches of apps and keys can drop it.
func (s *Service) OnChange(fn func(appID string)) { s.changed = fn }

// Input is what a client sends to create or change an app. Nil fields are
// absent: defaults apply on create, and nothing changes on update.
type Input struct {
	Name     *string
	Currency *string
	Timezone *string
	// ResponseRate is a share between 0.001 and 1.
	ResponseRate *float64
}

// NewApp validates in and builds an app for the account, with defaults for
// absent fields. prefix is put before field names in errors ("app." when the
// app is part of a registration).
func NewApp(accountID string, in Input, prefix string, now time.Time) (model.App, error) {
	verr := &model.ValidationError{}
	a := model.App{
		ID:           token.ID("app"),
		AccountID:    accountID,
		Name:         DefaultName,
		Currency:     DefaultCurrency,
		Timezone:     DefaultTimezone,
		ResponseRate: DefaultResponseRate,
		CreatedAt:    now,
		UpdatedAt:    now,
	}
	if in.Name != nil {
		a.Name = CheckName(verr, prefix+"name", *in.Name)
	}
	if in.Currency != nil {
		c, ok := money.NormalizeCode(*in.Currency)
		if !ok {
			verr.Add(prefix+"currency", "must be an ISO 4217 currency code such as USD, EUR or RUB")
		}
		a.Currency = c
	}
	if in.Timezone != nil {
		a.Timezone = checkTimezone(verr, prefix+"timezone", *in.Timezone)
	}
	if in.ResponseRate != nil {
		a.ResponseRate = checkResponseRate(verr, prefix+"response_rate", *in.ResponseRate)
	}
	return a, verr.Err()
}

// CheckName trims s and checks it is a usable display name (of an account,
// app or key), adding any problem to verr under field.
func CheckName(verr *model.ValidationError, field, s string) string {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case !utf8.ValidString(s):
		verr.Add(field, "must be valid UTF-8 text")
	case n == 0:
		verr.Add(field, "must not be empty")
	case n > maxNameLen:
		verr.Add(field, "must be at most %d characters, got %d", maxNameLen, n)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		verr.Add(field, "must not contain control characters such as line breaks")
	}
	return s
}

func checkTimezone(verr *model.ValidationError, field, tz string) string {
	tz = strings.TrimSpace(tz)
	if tz == "" || tz == "Local" {
		verr.Add(field, "must be an IANA time zone name such as UTC or Europe/Moscow")
		return tz
	}
	if _, err := time.LoadLocation(tz); err != nil {
		verr.Add(field, "%q is not a known IANA time zone name (for example UTC, Europe/Moscow, America/New_York)", tz)
	}
	return tz
}

// checkResponseRate checks a response rate, a share of an audience.
func checkResponseRate(verr *model.ValidationError, field string, r float64) float64 {
	if math.IsNaN(r) || r < minResponseRate || r > 1 {
		verr.Add(field, "must be a share between %g and 1, such as 0.1 for 10 %%", minResponseRate)
	}
	return r
}

// Create makes a new app for the account.
func (s *Service) Create(ctx context.Context, accountID string, in Input) (model.App, error) {
	a, err := NewApp(accountID, in, "", s.now())
	if err != nil {
		return a, err
	}
	if err := s.db.CreateApp(ctx, a); err != nil {
		return a, err
	}
	return a, nil
}

// Get returns one of the account's apps.
func (s *Service) Get(ctx context.Context, accountID, appID string) (model.App, error) {
	return s.db.AppByID(ctx, accountID, appID)
}

// List returns a page of the account's apps, oldest first.
func (s *Service) List(ctx context.Context, accountID string, p page.Params) (page.Page[model.App], error) {
	rows, err := s.db.AppsByAccount(ctx, accountID, p)
	if err != nil {
		return page.Page[model.App]{}, err
	}
	return page.Slice(rows, p.Limit, store.AppCursor), nil
}

// Update renames an app or changes its time zone. The currency cannot
// change: amounts are stored in its minor units.
func (s *Service) Update(ctx context.Context, accountID, appID string, in Input) (model.App, error) {
	verr := &model.ValidationError{}
	var a model.App
	err := s.db.InTx(ctx, func(q *store.Queries) error {
		var err error
		if a, err = q.AppByID(ctx, accountID, appID); err != nil {
			return err
		}
		oldTZ := a.Timezone
		if in.Name != nil {
			a.Name = CheckName(verr, "name", *in.Name)
		}
		if in.Timezone != nil {
			a.Timezone = checkTimezone(verr, "timezone", *in.Timezone)
		}
		if in.ResponseRate != nil {
			a.ResponseRate = checkResponseRate(verr, "response_rate", *in.ResponseRate)
		}
		if in.Currency != nil {
			if c, _ := money.NormalizeCode(*in.Currency); c != a.Currency {
				verr.Add("currency", "cannot be changed after the app is created (amounts are stored in %s); create a new app instead", a.Currency)
			}
		}
		if err := verr.Err(); err != nil {
			return err
		}
		a.UpdatedAt = s.now()
		if err := q.UpdateApp(ctx, a); err != nil {
			return err
		}
		if a.Timezone == oldTZ {
			return nil
		}
		// Rollups bucket days in the app's time zone: rebuild them in the
		// same transaction, with the app's writers locked out.
		if err := q.LockApps(ctx, []string{a.ID}); err != nil {
			return err
		}
		loc, err := time.LoadLocation(a.Timezone)
		if err != nil {
			return err
		}
		return q.RebuildRollups(ctx, a.ID, loc)
	})
	if err == nil {
		s.changed(appID)
	}
	return a, err
}

// Delete removes an app with all its data and keys.
func (s *Service) Delete(ctx context.Context, accountID, appID string) error {
	err := s.db.InTx(ctx, func(q *store.Queries) error {
		if err := q.LockApps(ctx, []string{appID}); err != nil {
			return err
		}
		return q.DeleteApp(ctx, accountID, appID)
	})
	if err == nil {
		s.changed(appID)
	}
	return err
}

// NewKey builds a key for an app and returns it with its secret, which is
// never stored and must be shown to the user at once.
func NewKey(appID, name string, scope model.KeyScope, now time.Time) (model.APIKey, string) {
	k := apikey.New(scope)
	return model.APIKey{
		ID:         token.ID("key"),
		AppID:      appID,
		Name:       name,
		Scope:      scope,
		Prefix:     k.Prefix(),
		SecretHash: k.Hash(),
		CreatedAt:  now,
	}, k.Secret
}

// KeyInput is what a client sends to create a key.
type KeyInput struct {
	Name  *string
	Scope *string
}

// CreateKey makes a new key for one of the account's apps.
func (s *Service) CreateKey(ctx context.Context, accountID, appID string, in KeyInput) (model.APIKey, string, error) {
	verr := &model.ValidationError{}
	name := "API key"
	if in.Name != nil {
		name = CheckName(verr, "name", *in.Name)
	}
	var scope model.KeyScope
	switch {
	case in.Scope == nil:
		verr.Add("scope", `is required: "full" (read and write) or "ingest" (send events only)`)
	case !model.KeyScope(*in.Scope).Valid():
		verr.Add("scope", `must be "full" or "ingest", got %q`, *in.Scope)
	default:
		scope = model.KeyScope(*in.Scope)
	}
	if _, err := s.db.AppByID(ctx, accountID, appID); err != nil {
		return model.APIKey{}, "", err
	}
	if err := verr.Err(); err != nil {
		return model.APIKey{}, "", err
	}
	k, secret := NewKey(appID, name, scope, s.now())
	if err := s.db.CreateKey(ctx, k); err != nil {
		return model.APIKey{}, "", err
	}
	return k, secret, nil
}

// ListKeys returns a page of an app's keys, revoked ones included.
func (s *Service) ListKeys(ctx context.Context, accountID, appID string, p page.Params) (page.Page[model.APIKey], error) {
	if _, err := s.db.AppByID(ctx, accountID, appID); err != nil {
		return page.Page[model.APIKey]{}, err
	}
	rows, err := s.db.KeysByApp(ctx, appID, p)
	if err != nil {
		return page.Page[model.APIKey]{}, err
	}
	return page.Slice(rows, p.Limit, store.KeyCursor), nil
}

// RevokeKey revokes one of an app's keys; from then on it authenticates
// nothing.
func (s *Service) RevokeKey(ctx context.Context, accountID, appID, keyID string) error {
	if _, err := s.db.AppByID(ctx, accountID, appID); err != nil {
		return err
	}
	if err := s.db.RevokeKey(ctx, appID, keyID, s.now()); err != nil {
		return fmt.Errorf("apps.RevokeKey: %w", err)
	}
	s.changed(appID)
	return nil
}
