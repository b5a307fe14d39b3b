// Package demo makes up a deterministic two-year history of a gadget shop
// (customers, purchases, refunds) in the batch-event format of the API, so
// that a fresh demo account has something in every report, trend, forecast
// and recommendation.
package demo

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"time"

	"pulse/internal/money"
)

// Options shape the history. Zero values take the defaults.
type Options struct {
	Seed int64
	// End is where the history stops (exclusive); it is used in UTC and cut
	// to the second. The zero time means now, the one input that makes the
	// output differ between runs.
	End time.Time
	// Years of history, default 2.
	Years int
	// Customers to sign up, default 5000.
	Customers int
	// TargetPurchases is the expected number of purchases, default eight per
	// customer (40000 for the default 5000). The outcome is random and lands
	// within a few percent of it.
	TargetPurchases int
	// Currency is an ISO 4217 code, default USD; an unknown code falls back
	// to USD. Prices are the same numbers in every currency.
	Currency string
}

// History is the generated data, ready to send.
type History struct {
	// Events are batch events in time order: customers at sign-up,
	// purchases at purchase time. A refunded purchase is one event with
	// status "refunded" and its refunded_at.
	Events []json.RawMessage
	// Start and End bound every timestamp: Start <= t < End.
	Start, End time.Time
	Currency   string
	Customers  int
	// Purchases counts every purchase event, refunded ones included.
	Purchases int
	Refunds   int
	// Revenue is the sum of purchases that stand (refunds excluded), in
	// minor units of Currency; Refunded is the sum of refunded ones.
	Revenue, Refunded int64
}

// Batch limits of POST /api/v1/batch.
const (
	maxBatchEvents = 1000
	maxBatchBytes  = 5 << 20
)

func (o Options) withDefaults() Options {
	if o.Years <= 0 {
		o.Years = 2
	}
	if o.Customers <= 0 {
		o.Customers = 5000
	}
	if o.TargetPurchases <= 0 {
		o.TargetPurchases = 8 * o.Customers
	}
	if o.End.IsZero() {
		o.End = time.Now()
	}
	o.End = o.End.UTC().Truncate(time.Second)
	code, ok := money.NormalizeCode(o.Currency)
	if !ok {
		code = "USD"
	}
	o.Currency = code
	return o
}

// Generate builds the history. The same Options give the same bytes.
func Generate(o Options) *History {
	o = o.withDefaults()
	r := rand.New(rand.NewPCG(uint64(o.Seed), 0x70756c7365))
	start := o.End.AddDate(-o.Years, 0, 0)
	cal := newCalendar(start, o.End)
	digits, _ := money.Exponent(o.Currency)

	fav := rand.New(rand.NewPCG(uint64(o.Seed), 0x666176))
	cs := newCustomers(r, fav, cal, o.Customers)
	s := &shop{r: r, cal: cal, shelf: newShelf(max(1, o.Years*52)), minor: minorUnits(digits)}
	orders := s.simulate(cs, o.TargetPurchases)

	h := &History{Start: start, End: o.End, Currency: o.Currency}
	h.write(cs, orders, digits)
	return h
}

// write encodes the customers and orders as events in one time order and
// sums them up.
func (h *History) write(cs []customer, orders []order, digits int) {
	h.Customers, h.Purchases = len(cs), len(orders)
	// All events share one buffer, which saves an allocation per event.
	buf := make([]byte, 0, 300*len(cs)+450*len(orders))
	ends := make([]int, 0, len(cs)+len(orders))
	// Both lists are in time order; a customer goes before a purchase made
	// in the same second so the purchase finds its customer.
	ci := 0
	for oi := range orders {
		for ci < len(cs) && !cs[ci].Created.After(orders[oi].At) {
			buf = appendCustomer(buf, ci, &cs[ci])
			ends = append(ends, len(buf))
			ci++
		}
		buf = appendPurchase(buf, oi, &orders[oi], h.Currency, digits)
		ends = append(ends, len(buf))
		if orders[oi].Refunded.IsZero() {
			h.Revenue += orders[oi].Amount
		} else {
			h.Refunds++
			h.Refunded += orders[oi].Amount
		}
	}
	for ; ci < len(cs); ci++ {
		buf = appendCustomer(buf, ci, &cs[ci])
		ends = append(ends, len(buf))
	}
	h.Events = make([]json.RawMessage, len(ends))
	from := 0
	for i, to := range ends {
		// The capacity limit keeps an append to one event off the next.
		h.Events[i] = buf[from:to:to]
		from = to
	}
}

// Batches returns request bodies for POST /api/v1/batch, {"events":[...]},
// each with at most n events (n outside 1..1000 means 1000) and at most
// 5 MiB, keeping the time order across batches.
func (h *History) Batches(n int) [][]byte {
	if n <= 0 || n > maxBatchEvents {
		n = maxBatchEvents
	}
	const head, tail = `{"events":[`, `]}`
	var out [][]byte
	var buf bytes.Buffer
	count := 0
	flush := func() {
		if count > 0 {
			buf.WriteString(tail)
			out = append(out, bytes.Clone(buf.Bytes()))
		}
		buf.Reset()
		count = 0
	}
	for _, e := range h.Events {
		if count == n || buf.Len()+1+len(e)+len(tail) > maxBatchBytes {
			flush()
		}
		if count == 0 {
			buf.WriteString(head)
		} else {
			buf.WriteByte(',')
		}
		buf.Write(e)
		count++
	}
	flush()
	return out
}
