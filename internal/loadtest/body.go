package loadtest

import (
	mrand "math/rand/v2"
	"strconv"
	"sync/atomic"
	"time"
)

// customerPool is how many customers purchases are spread over. Their ids
// do not depend on the run, so repeated runs add purchases to the same
// customers, as a shop's traffic does, rather than growing the customer base
// by the pool size each time.
const customerPool = 10000

// signupShare is one in how many batch events is a new customer rather than
// a purchase.
const signupShare = 10

var products = [...]string{
	"Espresso beans 1kg", "Filter coffee 500g", "Green tea", "Earl Grey", "Oolong tea",
	"French press", "Pour-over kettle", "Burr grinder", "Milk frother", "Travel mug",
	"Ceramic cup", "Glass teapot", "Paper filters", "Descaler", "Cold brew bottle",
	"Running shoes", "Trail shoes", "Sports socks", "Rain jacket", "Fleece hoodie",
	"Yoga mat", "Water bottle", "Gym bag", "Resistance bands", "Foam roller",
	"Pro plan", "Team plan", "Starter plan", "Extra storage", "Priority support",
	"Notebook A5", "Fountain pen", "Ink cartridges", "Desk lamp", "Monitor stand",
	"USB-C cable", "Wireless mouse", "Keyboard", "Laptop sleeve", "Webcam",
	"Headphones", "Phone case", "Power bank", "Smart plug", "LED bulb",
	"Gift card 25", "Gift card 50", "Gift wrap", "Sample box", "Loyalty box",
}

var (
	firstNames = [...]string{"Anna", "Ivan", "Maria", "Oleg", "Elena", "Dmitry", "Sofia", "Pavel",
		"Emma", "Liam", "Olivia", "Noah", "Mia", "Lucas", "Chloe", "Hugo"}
	lastNames = [...]string{"Petrova", "Ivanov", "Smith", "Jones", "Garcia", "Muller", "Rossi",
		"Dubois", "Novak", "Kowalski", "Silva", "Tanaka", "Kim", "Nielsen", "Brown", "Moreau"}
	plans     = [...]string{"free", "pro", "team"}
	countries = [...]string{"US", "DE", "FR", "RU", "GB", "BR", "JP", "PL", "ES", "IT"}
)

// generator builds request bodies for one worker. It appends into the
// caller's buffer rather than formatting, since on a shared machine every
// cycle it spends is taken from the server under test. All the strings it
// writes are plain ASCII without quotes or backslashes, so they need no
// JSON escaping.
type generator struct {
	rng    *mrand.Rand
	prefix string // "lt_<run id>_": makes ids unique across runs
	// seq numbers events across all of a run's workers, as one shop's
	// order and customer numbers come from one sequence.
	seq   *atomic.Uint64
	now   time.Time
	mode  Mode
	batch int
}

func newGenerator(runID string, seq *atomic.Uint64, now time.Time, mode Mode, batch int) *generator {
	return &generator{rng: newRand(), prefix: runID + "_", seq: seq, now: now, mode: mode, batch: batch}
}

// next appends the body of the next request to b.
func (g *generator) next(b []byte) []byte {
	switch g.mode {
	case ModeCustomers:
		return g.customer(b, false)
	case ModeBatch:
		b = append(b, `{"events":[`...)
		for i := range g.batch {
			if i > 0 {
				b = append(b, ',')
			}
			if g.rng.IntN(signupShare) == 0 {
				b = g.customer(b, true)
			} else {
				b = g.purchase(b, true)
			}
		}
		return append(b, "]}"...)
	}
	return g.purchase(b, false)
}

// id appends an id unique to this run and event: kind 'p' for a purchase,
// 'c' for a customer.
func (g *generator) id(b []byte, kind byte) []byte {
	b = append(b, g.prefix...)
	b = append(b, kind)
	// Zero-padded, so that the ids sort as they were issued, like a shop's
	// order numbers.
	var digits [20]byte
	n := strconv.AppendUint(digits[:0], g.seq.Add(1), 10)
	for range idDigits - len(n) {
		b = append(b, '0')
	}
	return append(b, n...)
}

// historyStep is the time between back-filled purchases: a year holds 3
// million of them.
const historyStep = 10 * time.Second

// idDigits is the width ids are padded to.
const idDigits = 12

func (g *generator) purchase(b []byte, typed bool) []byte {
	if typed {
		b = append(b, `{"type":"purchase","id":"`...)
	} else {
		b = append(b, `{"id":"`...)
	}
	b = g.id(b, 'p')
	b = append(b, `","customer_id":"lt_cust_`...)
	b = strconv.AppendInt(b, int64(g.rng.IntN(customerPool)), 10)
	cents := 100 + g.rng.IntN(49900) // 1.00 to 499.99
	b = append(b, `","amount":"`...)
	b = strconv.AppendInt(b, int64(cents/100), 10)
	b = append(b, '.', byte('0'+cents/10%10), byte('0'+cents%10))
	b = append(b, `","purchased_at":"`...)
	// Single events are purchases happening now, sent as they happen;
	// batches back-fill the past year in order, as an import walking its
	// history does: a purchase every historyStep from a year ago.
	at := time.Now().UTC()
	if typed {
		at = g.now.Add(-365*24*time.Hour + time.Duration(g.seq.Load())*historyStep)
	}
	b = at.Truncate(time.Second).AppendFormat(b, time.RFC3339)
	b = append(b, `","product":"`...)
	b = append(b, products[g.rng.IntN(len(products))]...)
	return append(b, `"}`...)
}

func (g *generator) customer(b []byte, typed bool) []byte {
	if typed {
		b = append(b, `{"type":"customer","id":"`...)
	} else {
		b = append(b, `{"id":"`...)
	}
	idStart := len(b)
	b = g.id(b, 'c')
	idEnd := len(b)
	first, last := firstNames[g.rng.IntN(len(firstNames))], lastNames[g.rng.IntN(len(lastNames))]
	b = append(b, `","name":"`...)
	b = append(b, first...)
	b = append(b, ' ')
	b = append(b, last...)
	b = append(b, `","email":"`...)
	b = appendLower(b, first)
	b = append(b, '.')
	b = appendLower(b, last)
	// The id in the address keeps every generated customer's email distinct,
	// as real sign-ups are.
	b = append(b, '.')
	b = append(b, b[idStart:idEnd]...)
	b = append(b, `@example.com","attributes":{"plan":"`...)
	b = append(b, plans[g.rng.IntN(len(plans))]...)
	b = append(b, `","country":"`...)
	b = append(b, countries[g.rng.IntN(len(countries))]...)
	b = append(b, `","age":`...)
	b = strconv.AppendInt(b, int64(18+g.rng.IntN(60)), 10)
	return append(b, "}}"...)
}

// appendLower appends s with ASCII letters lower-cased.
func appendLower(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}
