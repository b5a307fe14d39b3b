package model

import "time"

// PurchaseStatus is paid or refunded. A paid purchase may become a refund;
// a refund never becomes paid again.
type PurchaseStatus string

// The purchase statuses.
const (
	StatusPaid     PurchaseStatus = "paid"
	StatusRefunded PurchaseStatus = "refunded"
)

// Purchase is one order, keyed by the app's order id.
type Purchase struct {
	AppID       string
	ID          string
	CustomerID  string
	Amount      int64 // minor units of Currency
	Currency    string
	Status      PurchaseStatus
	PurchasedAt time.Time
	RefundedAt  *time.Time
	Items       []Item
	Attributes  map[string]any
	ReceivedAt  time.Time
}

// Item is one line of a purchase.
type Item struct {
	ProductID string `json:"product_id,omitempty"`
	Name      string `json:"name,omitempty"`
	Category  string `json:"category,omitempty"`
	Quantity  int64  `json:"quantity"`
	Price     int64  `json:"price"` // unit price, minor units
}

// Product is the key a line is counted under in product reports: the app's
// product id, or the name when the app sends none.
func (it Item) Product() string {
	if it.ProductID != "" {
		return it.ProductID
	}
	return it.Name
}

// RecentEvent is one event an app sent, as kept for its connection page.
type RecentEvent struct {
	Seq        int64
	Accepted   bool
	Kind       string // "customer" or "purchase"
	Ref        string // the event's id, when it had a readable one
	Status     int
	Detail     string // what was stored, or why the event was refused
	ReceivedAt time.Time
}
