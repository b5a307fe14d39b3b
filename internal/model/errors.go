// Package model holds the domain types shared by every layer and the typed
// errors the domain returns. It imports only the standard library.
package model

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrNotFound means the thing asked for does not exist or belongs to another
// tenant; the two cases are deliberately indistinguishable to the caller.
var ErrNotFound = errors.New("not found")

// ErrUnauthenticated means the request carries no valid credentials.
var ErrUnauthenticated = errors.New("unauthenticated")

// ErrForbidden means the credentials are valid but not allowed to do this.
var ErrForbidden = errors.New("forbidden")

// FieldError names one invalid field of a request and why it is invalid.
// Field uses the request's own JSON path, for example "purchases[3].amount".
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError lists every invalid field of a request.
type ValidationError struct {
	Errors []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Errors))
	for i, f := range e.Errors {
		parts[i] = f.Field + ": " + f.Message
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Add records one more invalid field.
func (e *ValidationError) Add(field, format string, args ...any) {
	e.Errors = append(e.Errors, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns e as an error when it holds at least one field, otherwise nil,
// so that validators can collect problems and return e.Err() at the end.
func (e *ValidationError) Err() error {
	if e == nil || len(e.Errors) == 0 {
		return nil
	}
	return e
}

// Invalid is a shorthand for a ValidationError about a single field.
func Invalid(field, format string, args ...any) error {
	v := &ValidationError{}
	v.Add(field, format, args...)
	return v
}

// ConflictError means the request clashes with existing state, for example a
// duplicate email. Fields names what clashes.
type ConflictError struct {
	Message string
	Fields  []FieldError
}

func (e *ConflictError) Error() string { return "conflict: " + e.Message }

// ThrottledError means the caller must wait before trying again.
type ThrottledError struct {
	Message    string
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string { return "throttled: " + e.Message }

// UnauthenticatedError is ErrUnauthenticated with a reason that is safe to
// show the caller (for example "the API key has been revoked").
type UnauthenticatedError struct {
	Reason string
}

func (e *UnauthenticatedError) Error() string { return "unauthenticated: " + e.Reason }

// Unwrap lets errors.Is(err, ErrUnauthenticated) match.
func (e *UnauthenticatedError) Unwrap() error { return ErrUnauthenticated }

// UnavailableError means the server cannot take the request now but will
// soon, for example when its write queue is full.
type UnavailableError struct {
	Reason     string
	RetryAfter time.Duration
}

func (e *UnavailableError) Error() string { return "unavailable: " + e.Reason }
