package api

import (
	"time"

	"pulse/internal/model"
)

// The API's JSON shapes. Domain types never go out as they are, so a field
// added to the domain is not published by accident.

type accountJSON struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Lang      string    `json:"lang"`
	CreatedAt time.Time `json:"created_at"`
}

func toAccount(a model.Account) accountJSON {
	return accountJSON{ID: a.ID, Name: a.Name, Email: a.Email, Lang: a.Lang, CreatedAt: a.CreatedAt}
}

type appJSON struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Currency     string    `json:"currency"`
	Timezone     string    `json:"timezone"`
	ResponseRate float64   `json:"response_rate"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func toApp(a model.App) appJSON {
	return appJSON{ID: a.ID, Name: a.Name, Currency: a.Currency, Timezone: a.Timezone,
		ResponseRate: a.ResponseRate, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

type keyJSON struct {
	ID    string `json:"id"`
	AppID string `json:"app_id"`
	Name  string `json:"name"`
	// Key is the full secret: present only in the response that created it.
	Key        string     `json:"key,omitempty"`
	Prefix     string     `json:"prefix"`
	Scope      string     `json:"scope"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

func toKey(k model.APIKey) keyJSON {
	return keyJSON{ID: k.ID, AppID: k.AppID, Name: k.Name, Prefix: k.Prefix, Scope: string(k.Scope),
		CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt}
}
