package demo

import (
	"bytes"
	"encoding/json"
	"net/mail"
	"regexp"
	"slices"
	"testing"
	"time"
	"unicode"
)

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)

// TestGenerate decodes the default history once and runs every check on
// it: the format checks here, the realism checks in realism_test.go.
func TestGenerate(t *testing.T) {
	t.Parallel()
	h := Generate(Options{Seed: 1, End: defaultEnd})
	d := decodeHistory(t, h)
	for _, c := range append(formatChecks(d), realismChecks(d)...) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.check(t)
		})
	}
}

// formatChecks hold the history to what POST /api/v1/batch accepts and to
// its own consistency.
func formatChecks(d *dataset) []check {
	h := d.h
	created := map[string]time.Time{}
	for _, c := range d.customers {
		created[c.ID] = c.CreatedAt
	}
	return []check{
		{"summary matches events", func(t *testing.T) {
			var revenue, refunded int64
			refunds := 0
			for _, p := range d.purchases {
				if p.Status == "refunded" {
					refunds++
					refunded += minor(t, p.Amount, 2)
				} else {
					revenue += minor(t, p.Amount, 2)
				}
			}
			if h.Start != defaultEnd.AddDate(-2, 0, 0) || h.End != defaultEnd ||
				!within(h.Customers, 5000, 0.15) || !within(h.Purchases, 40000, 0.15) {
				t.Errorf("%v..%v with %d customers, %d purchases", h.Start, h.End, h.Customers, h.Purchases)
			}
			if h.Customers != len(d.customers) || h.Purchases != len(d.purchases) ||
				h.Refunds != refunds || h.Revenue != revenue || h.Refunded != refunded {
				t.Errorf("summary %d/%d/%d/%d/%d, events %d/%d/%d/%d/%d", h.Customers, h.Purchases,
					h.Refunds, h.Revenue, h.Refunded, len(d.customers), len(d.purchases), refunds, revenue, refunded)
			}
		}},
		{"customer fields", func(t *testing.T) {
			emails := map[string]bool{}
			for _, c := range d.customers {
				addr, err := mail.ParseAddress(c.Email)
				if err != nil || addr.Address != c.Email || emails[c.Email] {
					t.Fatalf("%s: bad or repeated email %q (%v)", c.ID, c.Email, err)
				}
				emails[c.Email] = true
				a := c.Attributes
				if c.Name == "" || !e164.MatchString(c.Phone) || a.Age == nil || *a.Age < 18 || *a.Age > 80 ||
					!slices.Contains([]string{"US", "GB", "DE", "RU", "FR", "CA"}, a.Country) ||
					!slices.Contains(channels, a.Channel) || a.Plan != nil && *a.Plan != "basic" && *a.Plan != "plus" {
					t.Fatalf("bad customer %+v", c)
				}
			}
		}},
		{"English and Russian names", func(t *testing.T) {
			cyrillic := 0
			for _, c := range d.customers {
				if unicode.In([]rune(c.Name)[0], unicode.Cyrillic) {
					cyrillic++
				}
			}
			if share := float64(cyrillic) / float64(len(d.customers)); share < 0.1 || share > 0.4 {
				t.Errorf("Cyrillic names are %.2f of all", share)
			}
		}},
		{"purchase fields and item sums", func(t *testing.T) {
			for _, p := range d.purchases {
				var sum int64
				for _, it := range p.Items {
					if it.ProductID == "" || it.Name == "" || it.Category == "" || it.Quantity < 1 {
						t.Fatalf("%s: bad item %+v", p.ID, it)
					}
					sum += int64(it.Quantity) * minor(t, it.Price, 2)
				}
				if len(p.Items) == 0 || sum != minor(t, p.Amount, 2) {
					t.Fatalf("%s: amount %s, items sum to %d", p.ID, p.Amount, sum)
				}
				if p.Currency != "USD" || !slices.Contains(platforms, p.Attributes.Channel) {
					t.Fatalf("%s: currency %q, channel %q", p.ID, p.Currency, p.Attributes.Channel)
				}
			}
		}},
		{"refunds", func(t *testing.T) {
			refunds := 0
			for _, p := range d.purchases {
				switch {
				case p.Status == "paid" && p.RefundedAt == nil:
				case p.Status == "refunded" && p.RefundedAt != nil:
					refunds++
					if !p.RefundedAt.After(p.PurchasedAt) || !p.RefundedAt.Before(h.End) ||
						p.RefundedAt.Sub(p.PurchasedAt) > 60*24*time.Hour {
						t.Fatalf("%s: refunded %v after purchase %v", p.ID, p.RefundedAt, p.PurchasedAt)
					}
				default:
					t.Fatalf("%s: status %q with refunded_at %v", p.ID, p.Status, p.RefundedAt)
				}
			}
			if rate := float64(refunds) / float64(len(d.purchases)); rate < 0.02 || rate > 0.045 {
				t.Errorf("refund rate %.3f", rate)
			}
		}},
		{"ids unique, times in order and in range", func(t *testing.T) {
			if len(created) != len(d.customers) {
				t.Errorf("%d customer ids for %d customers", len(created), len(d.customers))
			}
			ids := map[string]bool{}
			for _, p := range d.purchases {
				c, ok := created[p.CustomerID]
				if ids[p.ID] || !ok || !p.PurchasedAt.After(c) {
					t.Fatalf("%s: repeated, or customer %s unknown or created %v after %v", p.ID, p.CustomerID, c, p.PurchasedAt)
				}
				ids[p.ID] = true
			}
			start := defaultEnd.AddDate(-2, 0, 0)
			for i, at := range d.times {
				if at.Before(start) || !at.Before(defaultEnd) || i > 0 && at.Before(d.times[i-1]) {
					t.Fatalf("event %d at %v: out of range or order", i, at)
				}
			}
		}},
	}
}

func TestGenerateDeterministic(t *testing.T) {
	t.Parallel()
	tests := []Options{
		{Seed: 1, End: defaultEnd, Customers: 1000},
		{Seed: 42, End: defaultEnd, Years: 1, Customers: 300, Currency: "EUR"},
	}
	for _, o := range tests {
		a, b := Generate(o), Generate(o)
		if !sameEvents(a.Events, b.Events) {
			t.Errorf("%+v: two runs differ", o)
		}
		o.Seed++
		if c := Generate(o); sameEvents(a.Events, c.Events) {
			t.Errorf("%+v: another seed gives the same history", o)
		}
	}
}

// TestGenerateOptions checks that the size options are met within 15% and
// that amounts follow the currency's minor units.
func TestGenerateOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		opts       Options
		customers  int
		purchases  int
		currency   string
		digits     int
		firstEvent time.Time
	}{
		{"defaults", Options{Seed: 2, End: defaultEnd}, 5000, 40000, "USD", 2, defaultEnd.AddDate(-2, 0, 0)},
		{"small shop", Options{Seed: 4, End: defaultEnd, Years: 1, Customers: 800, TargetPurchases: 3000}, 800, 3000, "USD", 2, defaultEnd.AddDate(-1, 0, 0)},
		{"three years in yen", Options{Seed: 5, End: defaultEnd, Years: 3, Customers: 2000, Currency: "jpy"}, 2000, 16000, "JPY", 0, defaultEnd.AddDate(-3, 0, 0)},
		{"dinars", Options{Seed: 6, End: defaultEnd, Customers: 1000, TargetPurchases: 5000, Currency: "KWD"}, 1000, 5000, "KWD", 3, defaultEnd.AddDate(-2, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := decodeHistory(t, Generate(tt.opts))
			if !within(len(d.customers), tt.customers, 0.15) || !within(len(d.purchases), tt.purchases, 0.15) {
				t.Errorf("%d customers, %d purchases; want about %d, %d", len(d.customers), len(d.purchases), tt.customers, tt.purchases)
			}
			if d.times[0].Before(tt.firstEvent) || d.h.Currency != tt.currency {
				t.Errorf("first event %v, currency %q", d.times[0], d.h.Currency)
			}
			for _, p := range d.purchases {
				var sum int64
				for _, it := range p.Items {
					sum += int64(it.Quantity) * minor(t, it.Price, tt.digits)
				}
				if p.Currency != tt.currency || sum != minor(t, p.Amount, tt.digits) {
					t.Fatalf("%s: %s %s, items sum to %d", p.ID, p.Amount, p.Currency, sum)
				}
			}
		})
	}
}

func TestBatches(t *testing.T) {
	t.Parallel()
	h := Generate(Options{Seed: 9, End: defaultEnd, Customers: 1500})
	tests := []struct{ n, want int }{{1000, 1000}, {250, 250}, {1, 1}, {0, 1000}, {5000, 1000}}
	for _, tt := range tests {
		var all []json.RawMessage
		for i, body := range h.Batches(tt.n) {
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.DisallowUnknownFields()
			var b struct{ Events []json.RawMessage }
			if err := dec.Decode(&b); err != nil || len(body) > 5<<20 || len(b.Events) > tt.want ||
				len(b.Events) == 0 || (len(b.Events) < tt.want && len(all)+len(b.Events) < len(h.Events)) {
				t.Fatalf("Batches(%d)[%d]: %d events, %d bytes, %v", tt.n, i, len(b.Events), len(body), err)
			}
			all = append(all, b.Events...)
		}
		if !sameEvents(all, h.Events) {
			t.Errorf("Batches(%d) do not add up to the events in order", tt.n)
		}
	}
}

func TestAppendDecimal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		minor  int64
		digits int
		want   string
	}{
		{4990, 2, `"49.90"`}, {5, 2, `"0.05"`}, {100, 2, `"1.00"`}, {49, 0, `"49"`}, {7, 3, `"0.007"`}, {49900, 3, `"49.900"`},
	}
	for _, tt := range tests {
		if got := string(appendDecimal(nil, tt.minor, tt.digits)); got != tt.want {
			t.Errorf("appendDecimal(%d, %d) = %s, want %s", tt.minor, tt.digits, got, tt.want)
		}
	}
}

func sameEvents(a, b []json.RawMessage) bool {
	return slices.EqualFunc(a, b, func(x, y json.RawMessage) bool { return bytes.Equal(x, y) })
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		Generate(Options{Seed: 1, End: defaultEnd})
	}
}
