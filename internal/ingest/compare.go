package ingest

import (
	"errors"
	"fmt"
	"reflect"
	"time"

	"pulse/internal/model"
	"pulse/internal/money"
)

// differences lists how a repeated purchase differs from the stored one, on
// the fields the request gave. paid to refunded is not a difference.
func differences(stored *model.Purchase, ev *PurchaseEvent, currency string) []model.FieldError {
	var out []model.FieldError
	add := func(field, stored string) {
		out = append(out, model.FieldError{Field: field, Message: "differs from the stored purchase, which has " + stored})
	}
	in := &ev.P
	if in.CustomerID != stored.CustomerID && !model.IsErased(stored.CustomerID) {
		add("customer_id", fmt.Sprintf("%q", stored.CustomerID))
	}
	if in.Amount != stored.Amount {
		add("amount", money.FormatCode(stored.Amount, currency))
	}
	if ev.Given.PurchasedAt && !in.PurchasedAt.Equal(stored.PurchasedAt) {
		add("purchased_at", stored.PurchasedAt.Format(time.RFC3339Nano))
	}
	if ev.Given.Status && in.Status == model.StatusPaid && stored.Status == model.StatusRefunded {
		out = append(out, model.FieldError{Field: "status",
			Message: "the purchase was refunded; a refund cannot be undone"})
	}
	if ev.Given.Items && !sameItems(in.Items, stored.Items) {
		add("items", fmt.Sprintf("%d item(s)", len(stored.Items)))
	}
	if ev.Given.Attributes && !sameAttrs(in.Attributes, stored.Attributes) {
		add("attributes", "other attributes")
	}
	return out
}

func sameItems(a, b []model.Item) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func sameAttrs(a, b map[string]any) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return reflect.DeepEqual(a, b)
}

// record keeps a log line for the app's connection page.
func (st *appState) record(w *Writer, ev *Event, r Result, received time.Time) {
	line := model.RecentEvent{
		Seq: w.nextSeq(received), Kind: string(ev.Kind), Ref: ev.Ref(), ReceivedAt: received,
	}
	switch {
	case r.Err != nil:
		line.Status, line.Detail = statusOf(r.Err), r.Err.Error()
		var conflict *model.ConflictError
		if errors.As(r.Err, &conflict) {
			line.Detail = conflict.Message
		}
	default:
		st.accepted = true
		if received.After(st.lastEvent) {
			st.lastEvent = received
		}
		line.Accepted = true
		line.Status = 200
		if r.Created {
			line.Status = 201
		}
		line.Detail = acceptedDetail(r, st.app.Currency)
	}
	st.log = append(st.log, line)
}

// statusOf is the HTTP status an event's refusal is reported with; the log
// keeps it so the connection page reads like the responses the app got.
func statusOf(err error) int {
	var conflict *model.ConflictError
	if errors.As(err, &conflict) {
		return 409
	}
	if errors.Is(err, model.ErrNotFound) {
		return 404
	}
	return 500
}

func acceptedDetail(r Result, currency string) string {
	if c := r.Customer; c != nil {
		if r.Created {
			return "new customer"
		}
		return "customer updated"
	}
	p := r.Purchase
	amount := money.FormatCode(p.Amount, currency) + " " + currency
	switch {
	case r.Created && p.Status == model.StatusRefunded:
		return "new purchase, refunded, " + amount
	case r.Created:
		return "new purchase, " + amount
	case p.Status == model.StatusRefunded:
		return "refunded or already refunded, " + amount
	}
	return "already received, nothing changed, " + amount
}
