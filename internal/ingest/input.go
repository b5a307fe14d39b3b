// Package ingest accepts the events apps send, "new customer" and
// "purchase", alone or in batches: it decodes and checks them, then a single
// writer applies them to the store in grouped, durable transactions with the
// rollups and running totals that depend on them.
package ingest

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
)

// CustomerInput is the body of POST /api/v1/customers, and of a batch event
// of type "customer".
type CustomerInput struct {
	ID         *string        `json:"id"`
	Name       Opt[string]    `json:"name"`
	Email      Opt[string]    `json:"email"`
	Phone      Opt[string]    `json:"phone"`
	CreatedAt  *string        `json:"created_at"`
	Attributes map[string]any `json:"attributes"`
}

// PurchaseInput is the body of POST /api/v1/purchases, and of a batch event
// of type "purchase".
type PurchaseInput struct {
	ID          *string        `json:"id"`
	CustomerID  *string        `json:"customer_id"`
	Amount      Amount         `json:"amount"`
	Currency    *string        `json:"currency"`
	PurchasedAt *string        `json:"purchased_at"`
	Status      *string        `json:"status"`
	RefundedAt  *string        `json:"refunded_at"`
	Product     *string        `json:"product"`
	Items       []ItemInput    `json:"items"`
	Attributes  map[string]any `json:"attributes"`
}

// ItemInput is one line of a purchase.
type ItemInput struct {
	ProductID *string `json:"product_id"`
	Name      *string `json:"name"`
	Category  *string `json:"category"`
	Quantity  *int64  `json:"quantity"`
	Price     Amount  `json:"price"`
}

// Opt is a field that may be absent, null or set: on a known customer an
// absent field is left alone and null clears it.
type Opt[T any] struct {
	Set   bool // present in the JSON, null or not
	Null  bool
	Value T
}

// UnmarshalJSON is called for null too, which is what tells null from
// absent.
func (o *Opt[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	o.Null = string(b) == "null"
	if o.Null {
		var zero T
		o.Value = zero
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

// Amount is money as the request wrote it: a decimal string or a JSON
// number, kept as text so that it is parsed exactly, never through a float.
type Amount struct {
	Set  bool
	Text string
}

// JSONKind names what Amount accepts, for wrong-type errors.
func (Amount) JSONKind() string { return "a decimal string such as \"49.90\" or a number" }

var amountType = reflect.TypeFor[Amount]()

// UnmarshalJSON takes a string or a number; null is the same as absent.
func (a *Amount) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0:
	case string(b) == "null":
		*a = Amount{}
		return nil
	case b[0] == '"':
		s, err := strconv.Unquote(string(b))
		if err != nil {
			// Escapes strconv does not know (\/); let encoding/json decode.
			if err := json.Unmarshal(b, &s); err != nil {
				return err
			}
		}
		a.Set, a.Text = true, s
		return nil
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		a.Set, a.Text = true, string(bytes.TrimSpace(b))
		return nil
	}
	return &json.UnmarshalTypeError{Value: jsonValueKind(b), Type: amountType}
}

func jsonValueKind(b []byte) string {
	if len(b) == 0 {
		return "nothing"
	}
	switch b[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	}
	return "number"
}
