package model

import "time"

// Account is a CRM user: the person who registers, logs in and owns apps.
type Account struct {
	ID           string
	Name         string
	Email        string // normalised: trimmed and lower-cased
	PasswordHash string // argon2id in PHC string format; never leaves the server
	Lang         string
	CreatedAt    time.Time
}

// Session is a logged-in browser or client. Only the SHA-256 of its token is
// stored; the token itself lives in the user's cookie.
type Session struct {
	TokenHash  string
	AccountID  string
	CSRFToken  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // absolute limit, fixed at creation
	RevokedAt  *time.Time
}

// ErrEmailTaken is the conflict of registering an email that already has an
// account.
func ErrEmailTaken() error {
	return &ConflictError{
		Message: "an account with this email already exists",
		Fields:  []FieldError{{Field: "email", Message: "is already registered"}},
	}
}
