package demo

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The event shapes as the server reads them: decoding with
// DisallowUnknownFields fails on any field the contract does not name.
type (
	customerRecord struct {
		Type       string    `json:"type"`
		ID         string    `json:"id"`
		Name       string    `json:"name"`
		Email      string    `json:"email"`
		Phone      string    `json:"phone"`
		CreatedAt  time.Time `json:"created_at"`
		Attributes struct {
			Country string   `json:"country"`
			Channel string   `json:"channel"`
			Plan    *string  `json:"plan"`
			Age     *float64 `json:"age"`
		} `json:"attributes"`
	}
	purchaseRecord struct {
		Type        string     `json:"type"`
		ID          string     `json:"id"`
		CustomerID  string     `json:"customer_id"`
		Amount      string     `json:"amount"`
		Currency    string     `json:"currency"`
		PurchasedAt time.Time  `json:"purchased_at"`
		Status      string     `json:"status"`
		RefundedAt  *time.Time `json:"refunded_at"`
		Items       []struct {
			ProductID string `json:"product_id"`
			Name      string `json:"name"`
			Category  string `json:"category"`
			Quantity  int    `json:"quantity"`
			Price     string `json:"price"`
		} `json:"items"`
		Attributes struct {
			Channel string  `json:"channel"`
			Coupon  *string `json:"coupon"`
		} `json:"attributes"`
	}
)

// check is one named assertion on a decoded history.
type check struct {
	name  string
	check func(t *testing.T)
}

// dataset is a decoded history, with the times of its events in order.
type dataset struct {
	h         *History
	customers []customerRecord
	purchases []purchaseRecord
	times     []time.Time
}

var defaultEnd = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

func decodeHistory(t *testing.T, h *History) *dataset {
	t.Helper()
	d := &dataset{h: h}
	for i, raw := range h.Events {
		var head struct{ Type string }
		if err := json.Unmarshal(raw, &head); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		switch head.Type {
		case "customer":
			var c customerRecord
			if err := dec.Decode(&c); err != nil {
				t.Fatalf("customer event %d: %v\n%s", i, err, raw)
			}
			d.customers = append(d.customers, c)
			d.times = append(d.times, c.CreatedAt)
		case "purchase":
			var p purchaseRecord
			if err := dec.Decode(&p); err != nil {
				t.Fatalf("purchase event %d: %v\n%s", i, err, raw)
			}
			d.purchases = append(d.purchases, p)
			d.times = append(d.times, p.PurchasedAt)
		default:
			t.Fatalf("event %d has type %q", i, head.Type)
		}
	}
	return d
}

// minor parses a decimal with exactly digits fraction digits.
func minor(t *testing.T, s string, digits int) int64 {
	t.Helper()
	whole, frac, found := strings.Cut(s, ".")
	if digits == 0 && found || digits > 0 && len(frac) != digits {
		t.Fatalf("%q does not have %d fraction digits", s, digits)
	}
	v, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || v <= 0 {
		t.Fatalf("bad amount %q: %v", s, err)
	}
	return v
}

// ordersBetween counts purchases in [from, to).
func (d *dataset) ordersBetween(from, to time.Time) int {
	n := 0
	for _, p := range d.purchases {
		if !p.PurchasedAt.Before(from) && p.PurchasedAt.Before(to) {
			n++
		}
	}
	return n
}

// perDay is the daily order rate in [from, to).
func (d *dataset) perDay(from, to time.Time) float64 {
	return float64(d.ordersBetween(from, to)) / to.Sub(from).Hours() * 24
}

// lift is how much more often two products share an order than chance.
func (d *dataset) lift(a, b string) float64 {
	var na, nb, nab float64
	for _, p := range d.purchases {
		var hasA, hasB bool
		for _, it := range p.Items {
			hasA = hasA || it.ProductID == a
			hasB = hasB || it.ProductID == b
		}
		if hasA {
			na++
		}
		if hasB {
			nb++
		}
		if hasA && hasB {
			nab++
		}
	}
	n := float64(len(d.purchases))
	if na == 0 || nb == 0 {
		return math.NaN()
	}
	return nab * n / (na * nb)
}

// unitShare is a product's share of units sold in [from, to).
func (d *dataset) unitShare(sku string, from, to time.Time) float64 {
	var mine, all int
	for _, p := range d.purchases {
		if p.PurchasedAt.Before(from) || !p.PurchasedAt.Before(to) {
			continue
		}
		for _, it := range p.Items {
			all += it.Quantity
			if it.ProductID == sku {
				mine += it.Quantity
			}
		}
	}
	return float64(mine) / float64(all)
}

func within(got, want int, tol float64) bool {
	return math.Abs(float64(got-want)) <= tol*float64(want)
}
