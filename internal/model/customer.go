package model

import (
	"strings"
	"time"
)

// ErasedIDPrefix starts the id of an erased customer: the row stays, under
// an opaque id no app id can equal (ids may not hold control characters), so
// that its purchases still count in every aggregate.
const ErasedIDPrefix = "\x01erased:"

// IsErased reports whether a stored customer id is an erased customer's.
func IsErased(customerID string) bool { return strings.HasPrefix(customerID, ErasedIDPrefix) }

// Customer is one of an app's users, keyed by the app's own id.
type Customer struct {
	AppID string
	ID    string
	Name  string // "" when not known
	Email string // normalised; "" when not known
	Phone string // E.164; "" when not known
	// Attributes are the app's own parameters: string, float64 or bool
	// values.
	Attributes map[string]any
	Tags       []string
	// HasProfile is false while the customer is known only from purchases
	// that arrived before its "new customer" event.
	HasProfile bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
	ErasedAt   *time.Time
	Stats      CustomerStats
	// BuyerNo and FirstOrderAt are the buyer rollups' bookkeeping: the
	// customer's number in the app's buyer sets (0 before the first order)
	// and the time of the earliest order, refunded or not.
	BuyerNo      int64
	FirstOrderAt *time.Time
}

// CustomerStats are a customer's running purchase totals. Refunded
// purchases are not orders: they are counted in Refunds and Refunded.
type CustomerStats struct {
	Orders          int64
	Revenue         int64 // minor units of the app's currency
	Refunds         int64
	Refunded        int64 // minor units
	FirstPurchaseAt *time.Time
	LastPurchaseAt  *time.Time
}

// AverageOrderValue is revenue per order in minor units, rounded half away
// from zero; zero without orders.
func (s CustomerStats) AverageOrderValue() int64 {
	if s.Orders == 0 {
		return 0
	}
	return (s.Revenue*2 + s.Orders) / (2 * s.Orders)
}

// NoteKind says what kind of interaction a note records.
type NoteKind string

// The kinds of note.
const (
	NoteNote    NoteKind = "note"
	NoteCall    NoteKind = "call"
	NoteEmail   NoteKind = "email"
	NoteMeeting NoteKind = "meeting"
)

// Valid reports whether k is a known kind.
func (k NoteKind) Valid() bool {
	switch k {
	case NoteNote, NoteCall, NoteEmail, NoteMeeting:
		return true
	}
	return false
}

// Note is something a CRM user recorded about a customer.
type Note struct {
	AppID      string
	ID         string
	CustomerID string
	Kind       NoteKind
	Text       string
	// Author is who wrote it: an account id, or "key:" and the API key id.
	Author    string
	CreatedAt time.Time
}
