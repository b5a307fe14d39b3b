package ingest

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"pulse/internal/contact"
	"pulse/internal/model"
	"pulse/internal/money"
)

// Limits on what an event may hold.
const (
	MaxIDLen        = 128
	MaxNameLen      = 256
	MaxAttributes   = 50
	MaxAttrKeyLen   = 64
	MaxAttrValueLen = 1024
	MaxItems        = 1000
	MaxQuantity     = 1_000_000
	// futureSkew is how far ahead of the server's clock an event time may
	// be: clocks drift, but a purchase next week is a bug in the sender.
	futureSkew = 24 * time.Hour
)

var minTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

// Kind says what an event is.
type Kind string

// The kinds of event.
const (
	KindCustomer Kind = "customer"
	KindPurchase Kind = "purchase"
)

// Event is a checked event, ready for the writer.
type Event struct {
	Kind     Kind
	Customer CustomerEvent
	Purchase PurchaseEvent
}

// Ref is the event's own id, for logs and results.
func (e *Event) Ref() string {
	if e.Kind == KindCustomer {
		return e.Customer.ID
	}
	return e.Purchase.P.ID
}

// Field is an optional text field of a customer: Set with an empty Value
// clears it.
type Field struct {
	Set   bool
	Value string
}

// CustomerEvent is a checked "new customer" event. Absent fields are left
// alone on a known customer.
type CustomerEvent struct {
	ID                 string
	Name, Email, Phone Field
	CreatedAt          *time.Time
	// Attributes merge into the stored ones; a nil value removes that key.
	Attributes map[string]any
}

// PurchaseEvent is a checked purchase. Given records which optional fields
// the request held: a retry is compared with the stored purchase on those
// fields only, so a sender that lets purchased_at default can retry safely.
type PurchaseEvent struct {
	P     model.Purchase
	Given struct{ PurchasedAt, Status, Items, Attributes bool }
}

// Currency is what a purchase is checked against: the app's currency.
type Currency struct {
	Code string
	Exp  int
}

// Check turns the input into an event, or lists every invalid field.
// Received is when the request arrived: the default for created_at.
func (in *CustomerInput) Check(received time.Time) (Event, error) {
	verr := &model.ValidationError{}
	ev := Event{Kind: KindCustomer}
	c := &ev.Customer
	c.ID = checkID(verr, "id", in.ID)
	c.Name = optText(verr, "name", in.Name, func(s string) (string, string) {
		s = strings.TrimSpace(s)
		return s, textProblem(s, MaxNameLen)
	})
	c.Email = optText(verr, "email", in.Email, contact.Email)
	c.Phone = optText(verr, "phone", in.Phone, contact.Phone)
	if in.CreatedAt != nil {
		c.CreatedAt = checkTime(verr, "created_at", *in.CreatedAt, received)
	}
	c.Attributes = checkAttributes(verr, "attributes", in.Attributes)
	return ev, verr.Err()
}

// Check turns the input into an event for an app with currency cur, or
// lists every invalid field.
func (in *PurchaseInput) Check(cur Currency, received time.Time) (Event, error) {
	verr := &model.ValidationError{}
	ev := Event{Kind: KindPurchase}
	pe := &ev.Purchase
	p := &pe.P
	p.ID = checkID(verr, "id", in.ID)
	p.CustomerID = checkID(verr, "customer_id", in.CustomerID)
	p.Currency = cur.Code
	if in.Currency != nil {
		code, ok := money.NormalizeCode(*in.Currency)
		switch {
		case !ok:
			verr.Add("currency", "%q is not an ISO 4217 currency code", *in.Currency)
		case code != cur.Code:
			verr.Add("currency", "must be the app's currency, %s: amounts in other currencies cannot be added up; send them to an app in %s", cur.Code, code)
		}
	}
	if !in.Amount.Set {
		verr.Add("amount", "is required")
	} else if v, err := money.Parse(in.Amount.Text, cur.Exp); err != nil {
		verr.Add("amount", "%s", amountMessage(err, cur))
	} else {
		p.Amount = v
	}
	p.PurchasedAt = received
	if in.PurchasedAt != nil {
		pe.Given.PurchasedAt = true
		if t := checkTime(verr, "purchased_at", *in.PurchasedAt, received); t != nil {
			p.PurchasedAt = *t
		}
	}
	p.Status = model.StatusPaid
	if in.Status != nil {
		pe.Given.Status = true
		switch s := model.PurchaseStatus(*in.Status); s {
		case model.StatusPaid, model.StatusRefunded:
			p.Status = s
		default:
			verr.Add("status", `must be "paid" or "refunded"`)
		}
	}
	if in.RefundedAt != nil {
		if p.Status != model.StatusRefunded {
			verr.Add("refunded_at", `is only allowed with "status": "refunded"`)
		} else if t := checkTime(verr, "refunded_at", *in.RefundedAt, received); t != nil {
			if t.Before(p.PurchasedAt) {
				verr.Add("refunded_at", "must not be before purchased_at")
			}
			p.RefundedAt = t
		}
	}
	if p.Status == model.StatusRefunded && p.RefundedAt == nil {
		t := received
		if p.PurchasedAt.After(t) {
			t = p.PurchasedAt
		}
		p.RefundedAt = &t
	}
	checkItems(verr, in, cur, pe)
	if in.Attributes != nil {
		pe.Given.Attributes = true
		p.Attributes = checkAttributes(verr, "attributes", in.Attributes)
		for k, v := range p.Attributes {
			if v == nil {
				delete(p.Attributes, k)
			}
		}
	}
	p.ReceivedAt = received
	return ev, verr.Err()
}

func amountMessage(err error, cur Currency) string {
	msg := err.Error()
	if strings.Contains(msg, "decimal places") {
		return fmt.Sprintf("%s: %s has %d", msg, cur.Code, cur.Exp)
	}
	return msg
}

func checkItems(verr *model.ValidationError, in *PurchaseInput, cur Currency, pe *PurchaseEvent) {
	p := &pe.P
	switch {
	case in.Product != nil && in.Items != nil:
		verr.Add("product", "give either product or items, not both")
		return
	case in.Product != nil:
		pe.Given.Items = true
		name := strings.TrimSpace(*in.Product)
		if msg := textProblem(name, MaxNameLen); msg != "" {
			verr.Add("product", "%s", msg)
		} else if name == "" {
			verr.Add("product", "must not be empty")
		}
		p.Items = []model.Item{{Name: name, Quantity: 1, Price: p.Amount}}
		return
	case in.Items == nil:
		p.Items = []model.Item{}
		return
	}
	pe.Given.Items = true
	if len(in.Items) > MaxItems {
		verr.Add("items", "must have at most %d items", MaxItems)
		return
	}
	p.Items = make([]model.Item, len(in.Items))
	var sum int64
	sumOK := true
	for i, it := range in.Items {
		f := fmt.Sprintf("items[%d]", i)
		item := &p.Items[i]
		if it.ProductID != nil {
			item.ProductID = checkID(verr, f+".product_id", it.ProductID)
		}
		if it.Name != nil {
			item.Name = strings.TrimSpace(*it.Name)
			if msg := textProblem(item.Name, MaxNameLen); msg != "" {
				verr.Add(f+".name", "%s", msg)
			}
		}
		if item.ProductID == "" && item.Name == "" {
			verr.Add(f, "needs a product_id or a name")
		}
		if it.Category != nil {
			item.Category = strings.TrimSpace(*it.Category)
			if msg := textProblem(item.Category, MaxNameLen); msg != "" {
				verr.Add(f+".category", "%s", msg)
			}
		}
		item.Quantity = 1
		if it.Quantity != nil {
			item.Quantity = *it.Quantity
			if item.Quantity < 1 || item.Quantity > MaxQuantity {
				verr.Add(f+".quantity", "must be a whole number from 1 to %d", MaxQuantity)
				sumOK = false
			}
		}
		switch v, err := money.Parse(it.Price.Text, cur.Exp); {
		case !it.Price.Set:
			verr.Add(f+".price", "is required: the price of one unit")
			sumOK = false
		case err != nil:
			verr.Add(f+".price", "%s", amountMessage(err, cur))
			sumOK = false
		default:
			item.Price = v
			if sumOK && v > 0 && item.Quantity > (math.MaxInt64-sum)/v {
				verr.Add(f, "quantity × price is too large")
				sumOK = false
			} else if sumOK {
				sum += item.Quantity * v
			}
		}
	}
	if sumOK && in.Amount.Set && sum != p.Amount && len(verr.Errors) == 0 {
		verr.Add("items", "add up to %s (quantity × price) but amount is %s; they must be equal",
			money.Format(sum, cur.Exp), money.Format(p.Amount, cur.Exp))
	}
}

// checkID checks an app's id: required, 1–128 characters, no control
// characters and no surrounding spaces, because ids are matched exactly.
func checkID(verr *model.ValidationError, field string, s *string) string {
	if s == nil {
		verr.Add(field, "is required")
		return ""
	}
	id := *s
	n := utf8.RuneCountInString(id)
	switch {
	case n == 0:
		verr.Add(field, "must not be empty")
	case n > MaxIDLen:
		verr.Add(field, "must be at most %d characters, not %d", MaxIDLen, n)
	case strings.TrimSpace(id) != id:
		verr.Add(field, "must not start or end with spaces")
	case strings.ContainsFunc(id, unicode.IsControl):
		verr.Add(field, "must not contain control characters")
	}
	return id
}

// textProblem says what is wrong with free text, or "".
func textProblem(s string, maxLen int) string {
	if n := utf8.RuneCountInString(s); n > maxLen {
		return fmt.Sprintf("must be at most %d characters, not %d", maxLen, n)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\t' && r != '\n' }) {
		return "must not contain control characters"
	}
	return ""
}

// optText checks an optional text field with norm; null or "" clears it.
func optText(verr *model.ValidationError, field string, o Opt[string], norm func(string) (string, string)) Field {
	if !o.Set {
		return Field{}
	}
	if o.Null || strings.TrimSpace(o.Value) == "" {
		return Field{Set: true}
	}
	v, msg := norm(o.Value)
	if msg != "" {
		verr.Add(field, "%s", msg)
	}
	return Field{Set: true, Value: v}
}

// checkTime parses an RFC 3339 time, keeps it in UTC to the microsecond
// (what the database stores) and refuses times before 1970 or more than a
// day ahead of the server.
func checkTime(verr *model.ValidationError, field, s string, now time.Time) *time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		verr.Add(field, "must be an RFC 3339 time such as 2026-11-20T10:00:00Z")
		return nil
	}
	t = t.UTC().Truncate(time.Microsecond)
	switch {
	case t.Before(minTime):
		verr.Add(field, "must not be before 1970-01-01")
		return nil
	case t.After(now.Add(futureSkew)):
		verr.Add(field, "must not be more than a day in the future (the server's time is %s)", now.Format(time.RFC3339))
		return nil
	}
	return &t
}

// checkAttributes checks an app's own parameters: at most 50 keys of up to
// 64 characters, each a string (up to 1024 characters), number, boolean or
// null.
func checkAttributes(verr *model.ValidationError, field string, attrs map[string]any) map[string]any {
	if attrs == nil {
		return nil
	}
	if len(attrs) > MaxAttributes {
		verr.Add(field, "must have at most %d keys, not %d", MaxAttributes, len(attrs))
		return nil
	}
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		v := attrs[k]
		f := field + "." + k
		if n := utf8.RuneCountInString(k); n == 0 || n > MaxAttrKeyLen {
			verr.Add(f, "key must be 1 to %d characters", MaxAttrKeyLen)
			continue
		}
		if strings.ContainsFunc(k, unicode.IsControl) {
			verr.Add(f, "key must not contain control characters")
			continue
		}
		switch x := v.(type) {
		case nil, bool, float64:
		case string:
			if n := utf8.RuneCountInString(x); n > MaxAttrValueLen {
				verr.Add(f, "must be at most %d characters, not %d", MaxAttrValueLen, n)
			}
		default:
			verr.Add(f, "must be a string, number, boolean or null, not %s", kindName(v))
		}
	}
	return attrs
}

func kindName(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("%T", v)
}
