package api

import (
	"time"

	"pulse/internal/model"
	"pulse/internal/money"
)

// customerJSON is a customer as the API shows it. Money is a decimal string
// in the app's currency.
type customerJSON struct {
	ID         *string        `json:"id"`
	Name       *string        `json:"name"`
	Email      *string        `json:"email"`
	Phone      *string        `json:"phone"`
	Attributes map[string]any `json:"attributes"`
	Tags       []string       `json:"tags"`
	// ProfileReceived is false while the customer is known only from
	// purchases that arrived before its "new customer" event.
	ProfileReceived bool              `json:"profile_received"`
	CreatedAt       time.Time         `json:"created_at"`
	UpdatedAt       time.Time         `json:"updated_at"`
	Stats           customerStatsJSON `json:"stats"`
}

type customerStatsJSON struct {
	Orders            int64      `json:"orders"`
	Revenue           string     `json:"revenue"`
	Refunds           int64      `json:"refunds"`
	Refunded          string     `json:"refunded"`
	AverageOrderValue string     `json:"average_order_value"`
	Currency          string     `json:"currency"`
	FirstPurchaseAt   *time.Time `json:"first_purchase_at"`
	LastPurchaseAt    *time.Time `json:"last_purchase_at"`
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// customerID is the id an app knows a customer by; erased customers have
// none.
func customerID(id string) *string {
	if model.IsErased(id) {
		return nil
	}
	return &id
}

func toCustomer(c *model.Customer, currency string) customerJSON {
	attrs := c.Attributes
	if attrs == nil {
		attrs = map[string]any{}
	}
	tags := c.Tags
	if tags == nil {
		tags = []string{}
	}
	s := c.Stats
	return customerJSON{
		ID: customerID(c.ID), Name: optString(c.Name), Email: optString(c.Email), Phone: optString(c.Phone),
		Attributes: attrs, Tags: tags, ProfileReceived: c.HasProfile,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		Stats: customerStatsJSON{
			Orders: s.Orders, Revenue: money.FormatCode(s.Revenue, currency),
			Refunds: s.Refunds, Refunded: money.FormatCode(s.Refunded, currency),
			AverageOrderValue: money.FormatCode(s.AverageOrderValue(), currency), Currency: currency,
			FirstPurchaseAt: s.FirstPurchaseAt, LastPurchaseAt: s.LastPurchaseAt,
		},
	}
}

type purchaseJSON struct {
	ID          string         `json:"id"`
	CustomerID  *string        `json:"customer_id"`
	Amount      string         `json:"amount"`
	Currency    string         `json:"currency"`
	Status      string         `json:"status"`
	PurchasedAt time.Time      `json:"purchased_at"`
	RefundedAt  *time.Time     `json:"refunded_at"`
	Items       []itemJSON     `json:"items"`
	Attributes  map[string]any `json:"attributes"`
	ReceivedAt  time.Time      `json:"received_at"`
}

type itemJSON struct {
	ProductID *string `json:"product_id"`
	Name      *string `json:"name"`
	Category  *string `json:"category"`
	Quantity  int64   `json:"quantity"`
	Price     string  `json:"price"`
}

func toPurchase(p *model.Purchase) purchaseJSON {
	items := make([]itemJSON, len(p.Items))
	for i, it := range p.Items {
		items[i] = itemJSON{ProductID: optString(it.ProductID), Name: optString(it.Name),
			Category: optString(it.Category), Quantity: it.Quantity, Price: money.FormatCode(it.Price, p.Currency)}
	}
	attrs := p.Attributes
	if attrs == nil {
		attrs = map[string]any{}
	}
	return purchaseJSON{
		ID: p.ID, CustomerID: customerID(p.CustomerID), Amount: money.FormatCode(p.Amount, p.Currency),
		Currency: p.Currency, Status: string(p.Status), PurchasedAt: p.PurchasedAt, RefundedAt: p.RefundedAt,
		Items: items, Attributes: attrs, ReceivedAt: p.ReceivedAt,
	}
}
