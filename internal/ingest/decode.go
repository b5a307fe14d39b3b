package ingest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"pulse/internal/httpx"
	"pulse/internal/model"
)

// Limits on request sizes.
const (
	MaxEventBytes  = 64 << 10
	MaxBatchBytes  = 5 << 20
	MaxBatchEvents = 1000
)

// DecodeCustomer strictly decodes and checks one "new customer" body.
func DecodeCustomer(body []byte, received time.Time) (Event, error) {
	var in CustomerInput
	if err := httpx.Unmarshal(body, &in); err != nil {
		return Event{Kind: KindCustomer}, err
	}
	return in.Check(received)
}

// DecodePurchase strictly decodes and checks one purchase body.
func DecodePurchase(body []byte, cur Currency, received time.Time) (Event, error) {
	var in PurchaseInput
	if err := httpx.Unmarshal(body, &in); err != nil {
		return Event{Kind: KindPurchase}, err
	}
	return in.Check(cur, received)
}

// BatchInput is the body of POST /api/v1/batch.
type BatchInput struct {
	Events *[]json.RawMessage `json:"events"`
}

// Item is one event of a batch: checked, or refused with Err, whose field
// paths start at the event ("events[3].amount").
type Item struct {
	Index int
	Event Event
	Err   error
}

type customerEvent struct {
	Type string `json:"type"`
	CustomerInput
}

type purchaseEvent struct {
	Type string `json:"type"`
	PurchaseInput
}

// DecodeBatch checks a decoded batch and each of its events. An error is
// about the whole batch (no events, too many); each event's own problem is
// in its Item.
func DecodeBatch(in BatchInput, cur Currency, received time.Time) ([]Item, error) {
	if in.Events == nil {
		return nil, model.Invalid("events", "is required: a list of events, each with \"type\": \"customer\" or \"purchase\"")
	}
	events := *in.Events
	if len(events) == 0 {
		return nil, model.Invalid("events", "must hold at least one event")
	}
	if len(events) > MaxBatchEvents {
		return nil, httpx.NewProblem(http.StatusRequestEntityTooLarge, "batch-too-large",
			fmt.Sprintf("a batch holds at most %d events, this one has %d; split it", MaxBatchEvents, len(events)))
	}
	items := make([]Item, len(events))
	for i, raw := range events {
		items[i] = decodeEvent(i, raw, cur, received)
	}
	return items, nil
}

func decodeEvent(i int, raw json.RawMessage, cur Currency, received time.Time) Item {
	prefix := fmt.Sprintf("events[%d]", i)
	it := Item{Index: i}
	if len(raw) > MaxEventBytes {
		it.Err = httpx.NewProblem(http.StatusRequestEntityTooLarge, "event-too-large",
			fmt.Sprintf("%s is %d bytes; one event may be at most %d", prefix, len(raw), MaxEventBytes))
		return it
	}
	var head struct {
		Type *string `json:"type"`
	}
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &head) != nil {
		it.Err = httpx.NewProblem(http.StatusBadRequest, "invalid-json",
			prefix+` must be a JSON object with "type": "customer" or "purchase"`)
		return it
	}
	var err error
	switch {
	case head.Type == nil:
		err = model.Invalid("type", `is required: "customer" or "purchase"`)
	case *head.Type == string(KindCustomer):
		var in customerEvent
		if err = httpx.Unmarshal(raw, &in); err == nil {
			it.Event, err = in.Check(received)
		}
		it.Event.Kind = KindCustomer
	case *head.Type == string(KindPurchase):
		var in purchaseEvent
		if err = httpx.Unmarshal(raw, &in); err == nil {
			it.Event, err = in.Check(cur, received)
		}
		it.Event.Kind = KindPurchase
	default:
		err = model.Invalid("type", `must be "customer" or "purchase", not %q`, *head.Type)
	}
	it.Err = Prefix(err, prefix)
	return it
}

// Prefix puts prefix before the field paths of a validation error or a
// problem, so that an event's errors name it within its batch.
func Prefix(err error, prefix string) error {
	switch e := err.(type) {
	case nil:
		return nil
	case *model.ValidationError:
		out := &model.ValidationError{Errors: make([]model.FieldError, len(e.Errors))}
		for i, f := range e.Errors {
			out.Errors[i] = model.FieldError{Field: prefix + "." + f.Field, Message: f.Message}
		}
		return out
	case *httpx.Problem:
		p := *e
		p.Errors = make([]httpx.FieldError, len(e.Errors))
		for i, f := range e.Errors {
			p.Errors[i] = httpx.FieldError{Field: prefix + "." + f.Field, Message: f.Message}
		}
		if len(p.Errors) > 0 {
			p.Detail = fmt.Sprintf("%s: %s", prefix, p.Detail)
		}
		return &p
	case *model.ConflictError:
		out := &model.ConflictError{Message: e.Message, Fields: make([]model.FieldError, len(e.Fields))}
		for i, f := range e.Fields {
			out.Fields[i] = model.FieldError{Field: prefix + "." + f.Field, Message: f.Message}
		}
		return out
	}
	return err
}
