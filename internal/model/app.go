package model

import "time"

// App is one product connected to Pulse. All customer and purchase data
// belongs to exactly one app, and every query is confined to it.
type App struct {
	ID        string
	AccountID string
	Name      string
	Currency  string // ISO 4217 code, fixed at creation
	Timezone  string // IANA name; reports bucket days in it
	// ResponseRate is the share of a recommendation's audience assumed
	// to respond when its money impact is stated.
	ResponseRate float64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// KeyScope says what an API key may do.
type KeyScope string

const (
	// ScopeFull keys read and write the app's data.
	ScopeFull KeyScope = "full"
	// ScopeIngest keys may only send events; read endpoints refuse them.
	ScopeIngest KeyScope = "ingest"
)

// Valid reports whether s is a known scope.
func (s KeyScope) Valid() bool { return s == ScopeFull || s == ScopeIngest }

// APIKey is a credential an app uses to talk to Pulse. Only the SHA-256 of
// the secret is stored; Prefix is kept so people can tell keys apart.
type APIKey struct {
	ID         string
	AppID      string
	Name       string
	Scope      KeyScope
	Prefix     string
	SecretHash string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Connection is what an app sees when it checks that its key works.
type Connection struct {
	App         App
	Key         APIKey
	LastEventAt *time.Time
	Customers   int64
	Purchases   int64
}
