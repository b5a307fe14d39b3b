package ingest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"pulse/internal/contact"
	"pulse/internal/httpx"
	"pulse/internal/ingest"
	"pulse/internal/model"
	"pulse/internal/money"
)

// The decoders below face bodies from any client on the internet. The
// fuzz targets check what the writer and the API adapter rely on: no panic,
// errors only of the two types the adapter maps, and accepted events that
// are internally consistent. Seed corpora are in testdata/fuzz.

func FuzzDecodeCustomer(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := ingest.DecodeCustomer(body, decodeNow)
		if ev.Kind != ingest.KindCustomer {
			t.Fatalf("Kind = %q; want customer", ev.Kind)
		}
		if err != nil {
			checkFuzzError(t, err, "")
			return
		}
		checkAcceptedCustomer(t, ev.Customer)
	})
}

func FuzzDecodePurchase(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte, currency byte) {
		// One byte of input picks the app's currency, so that both two
		// and zero fraction digits are explored.
		cur := curUSD
		if currency&1 == 1 {
			cur = curJPY
		}
		ev, err := ingest.DecodePurchase(body, cur, decodeNow)
		if ev.Kind != ingest.KindPurchase {
			t.Fatalf("Kind = %q; want purchase", ev.Kind)
		}
		if err != nil {
			checkFuzzError(t, err, "")
			return
		}
		checkAcceptedPurchase(t, ev.Purchase, cur)
	})
}

func FuzzDecodeBatch(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		var in ingest.BatchInput
		if err := httpx.UnmarshalOuter(body, &in); err != nil {
			if _, ok := err.(*httpx.Problem); !ok {
				t.Fatalf("httpx.UnmarshalOuter returned %T: %v", err, err)
			}
			checkFuzzError(t, err, "")
			return
		}
		items, err := ingest.DecodeBatch(in, curUSD, decodeNow)
		if err != nil {
			if items != nil {
				t.Fatalf("got %d items with batch error %v", len(items), err)
			}
			checkFuzzError(t, err, "")
			if in.Events != nil && len(*in.Events) > 0 && len(*in.Events) <= ingest.MaxBatchEvents {
				t.Fatalf("batch of %d events refused as a whole: %v", len(*in.Events), err)
			}
			return
		}
		if in.Events == nil || len(items) != len(*in.Events) {
			t.Fatalf("got %d items for %v events", len(items), in.Events)
		}
		for i, it := range items {
			if it.Index != i {
				t.Fatalf("items[%d].Index = %d", i, it.Index)
			}
			if it.Err != nil {
				checkFuzzError(t, it.Err, fmt.Sprintf("events[%d].", i))
				continue
			}
			switch it.Event.Kind {
			case ingest.KindCustomer:
				checkAcceptedCustomer(t, it.Event.Customer)
			case ingest.KindPurchase:
				checkAcceptedPurchase(t, it.Event.Purchase, curUSD)
			default:
				t.Fatalf("events[%d] accepted with kind %q", i, it.Event.Kind)
			}
		}
	})
}

// checkFuzzError checks that err is one of the two types the API adapter
// turns into a response, and that every field it names starts with prefix.
func checkFuzzError(t *testing.T, err error, prefix string) {
	t.Helper()
	switch e := err.(type) {
	case *model.ValidationError:
		if len(e.Errors) == 0 {
			t.Fatalf("validation error without fields: %v", err)
		}
		for _, f := range e.Errors {
			if f.Field == "" || f.Message == "" {
				t.Fatalf("validation error with an empty field or message: %q", e.Errors)
			}
			if !strings.HasPrefix(f.Field, prefix) || f.Field == prefix {
				t.Fatalf("field %q does not name a field under %q", f.Field, prefix)
			}
		}
	case *httpx.Problem:
		switch e.Status {
		case 400, 413, 422:
		default:
			t.Fatalf("problem with status %d: %v", e.Status, err)
		}
		for _, f := range e.Errors {
			if !strings.HasPrefix(f.Field, prefix) {
				t.Fatalf("problem field %q does not start with %q", f.Field, prefix)
			}
		}
	default:
		t.Fatalf("error of type %T: %v", err, err)
	}
}

func checkFuzzID(t *testing.T, name, id string) {
	t.Helper()
	n := utf8.RuneCountInString(id)
	if n == 0 || n > ingest.MaxIDLen || strings.TrimSpace(id) != id ||
		strings.ContainsFunc(id, unicode.IsControl) || !utf8.ValidString(id) {
		t.Fatalf("accepted %s %q (%d runes)", name, id, n)
	}
}

// checkFuzzTime checks an accepted event time: what the database stores,
// within the window the checks promise.
func checkFuzzTime(t *testing.T, name string, tm time.Time) {
	t.Helper()
	if tm.Location() != time.UTC || !tm.Equal(tm.Truncate(time.Microsecond)) ||
		tm.Before(time.Unix(0, 0)) || tm.After(decodeNow.Add(24*time.Hour)) {
		t.Fatalf("accepted %s %v", name, tm)
	}
}

func checkFuzzText(t *testing.T, name, s string, maxLen int) {
	t.Helper()
	if strings.TrimSpace(s) != s || utf8.RuneCountInString(s) > maxLen || !utf8.ValidString(s) ||
		strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\t' && r != '\n' }) {
		t.Fatalf("accepted %s %q", name, s)
	}
}

func checkAcceptedCustomer(t *testing.T, c ingest.CustomerEvent) {
	t.Helper()
	checkFuzzID(t, "customer id", c.ID)
	checkFuzzText(t, "name", c.Name.Value, ingest.MaxNameLen)
	// Normalising an accepted value again must change nothing, or a
	// retry would look like an edit.
	if c.Email.Value != "" {
		if again, msg := contact.Email(c.Email.Value); again != c.Email.Value || msg != "" {
			t.Fatalf("accepted email %q normalises again to %q (%s)", c.Email.Value, again, msg)
		}
	}
	if c.Phone.Value != "" {
		if again, msg := contact.Phone(c.Phone.Value); again != c.Phone.Value || msg != "" {
			t.Fatalf("accepted phone %q normalises again to %q (%s)", c.Phone.Value, again, msg)
		}
	}
	for _, f := range []ingest.Field{c.Name, c.Email, c.Phone} {
		if f.Value != "" && !f.Set {
			t.Fatalf("field with a value but not set: %+v", c)
		}
	}
	if c.CreatedAt != nil {
		checkFuzzTime(t, "created_at", *c.CreatedAt)
	}
	checkFuzzAttributes(t, c.Attributes)
}

func checkFuzzAttributes(t *testing.T, attrs map[string]any) {
	t.Helper()
	if len(attrs) > ingest.MaxAttributes {
		t.Fatalf("accepted %d attributes", len(attrs))
	}
	for k, v := range attrs {
		if n := utf8.RuneCountInString(k); n == 0 || n > ingest.MaxAttrKeyLen {
			t.Fatalf("accepted attribute key %q", k)
		}
		switch x := v.(type) {
		case nil, bool, float64:
		case string:
			if utf8.RuneCountInString(x) > ingest.MaxAttrValueLen {
				t.Fatalf("accepted attribute %q of %d runes", k, utf8.RuneCountInString(x))
			}
		default:
			t.Fatalf("accepted attribute %q of type %T", k, v)
		}
	}
}

func checkAcceptedPurchase(t *testing.T, pe ingest.PurchaseEvent, cur ingest.Currency) {
	t.Helper()
	p := pe.P
	checkFuzzID(t, "purchase id", p.ID)
	checkFuzzID(t, "customer_id", p.CustomerID)
	if p.Amount < 0 || p.Amount > money.MaxMinor {
		t.Fatalf("accepted amount %d", p.Amount)
	}
	if p.Currency != cur.Code {
		t.Fatalf("currency %q; want the app's %q", p.Currency, cur.Code)
	}
	checkFuzzTime(t, "purchased_at", p.PurchasedAt)
	if !p.ReceivedAt.Equal(decodeNow) {
		t.Fatalf("ReceivedAt = %v", p.ReceivedAt)
	}
	switch p.Status {
	case model.StatusPaid:
		if p.RefundedAt != nil {
			t.Fatalf("paid purchase refunded at %v", p.RefundedAt)
		}
	case model.StatusRefunded:
		if p.RefundedAt == nil {
			t.Fatal("refund without refunded_at")
		}
		if p.RefundedAt.Before(p.PurchasedAt) {
			t.Fatalf("refunded at %v, before purchased at %v", p.RefundedAt, p.PurchasedAt)
		}
		if p.RefundedAt.Location() != time.UTC || !p.RefundedAt.Equal(p.RefundedAt.Truncate(time.Microsecond)) {
			t.Fatalf("refunded_at %v not in UTC microseconds", p.RefundedAt)
		}
	default:
		t.Fatalf("status %q", p.Status)
	}
	if p.Items == nil {
		t.Fatal("Items is nil")
	}
	if !pe.Given.Items && len(p.Items) > 0 {
		t.Fatalf("%d items without items given", len(p.Items))
	}
	if len(p.Items) > ingest.MaxItems {
		t.Fatalf("accepted %d items", len(p.Items))
	}
	var sum int64
	for i, it := range p.Items {
		if it.Quantity < 1 || it.Quantity > ingest.MaxQuantity || it.Price < 0 || it.Price > money.MaxMinor {
			t.Fatalf("items[%d] = %+v", i, it)
		}
		if it.ProductID == "" && it.Name == "" {
			t.Fatalf("items[%d] has neither product_id nor name", i)
		}
		if it.ProductID != "" {
			checkFuzzID(t, "product_id", it.ProductID)
		}
		checkFuzzText(t, "item name", it.Name, ingest.MaxNameLen)
		checkFuzzText(t, "item category", it.Category, ingest.MaxNameLen)
		// Checked before multiplying: a wrapped int64 could look small.
		if it.Price > 0 && it.Quantity > (money.MaxMinor-sum)/it.Price {
			t.Fatalf("items add up past MaxMinor: %+v", p.Items)
		}
		sum += it.Quantity * it.Price
	}
	if pe.Given.Items && sum != p.Amount {
		t.Fatalf("items add up to %d; amount is %d", sum, p.Amount)
	}
	checkFuzzAttributes(t, p.Attributes)
	for k, v := range p.Attributes {
		if v == nil {
			t.Fatalf("purchase attribute %q kept with a null value", k)
		}
	}
}
