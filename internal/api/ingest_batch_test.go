package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"pulse/internal/ingest"
	"pulse/internal/server"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

func TestBatch(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newShop(t, db)
		body := `{"events": [
			{"type": "customer", "id": "u_1", "name": "Anna"},
			{"type": "purchase", "id": "o_1", "customer_id": "u_1", "amount": "10.00", "purchased_at": "2026-11-01T10:00:00Z"},
			{"type": "purchase", "id": "o_1", "customer_id": "u_1", "amount": "10.00"},
			{"type": "purchase", "id": "o_2", "customer_id": "u_1", "amount": "1.001"},
			{"type": "purchase", "id": "o_1", "customer_id": "u_1", "amount": "11.00"},
			{"type": "refund", "id": "o_1"},
			{"id": "o_3"},
			"purchase",
			{"type": "customer", "id": "u_2", "emial": "x@example.com"},
			{"type": "purchase", "id": "o_1", "customer_id": "u_1", "amount": "10.00", "status": "refunded"},
			{"type": "customer", "id": "u_1", "email": "anna@example.com"}
		]}`
		r := s.post("/api/v1/batch", body)
		if r.status != 200 {
			t.Fatalf("batch: %d %s", r.status, r.body)
		}
		want := []struct {
			status int
			field  string
		}{
			{201, ""}, {201, ""}, {200, ""}, {422, "events[3].amount"}, {409, "events[4].amount"},
			{422, "events[5].type"}, {422, "events[6].type"}, {400, ""}, {422, "events[8].emial"}, {200, ""}, {200, ""},
		}
		checkFields(t, nil, "batch", r, map[string]any{"accepted": 5, "rejected": 6})
		for i, w := range want {
			checkFields(t, nil, fmt.Sprint("event ", i), r, map[string]any{
				fmt.Sprintf("results.%d.index", i): i, fmt.Sprintf("results.%d.status", i): w.status})
			if w.field != "" {
				checkFields(t, nil, fmt.Sprint("event ", i), r, map[string]any{
					fmt.Sprintf("results.%d.error.errors.0.field", i): w.field,
					fmt.Sprintf("results.%d.error.status", i):         w.status})
			}
		}
		// Events applied in order: the refund (event 9) came after the
		// purchase it refunds, and the email (event 10) landed.
		c := s.post("/api/v1/customers", `{"id": "u_1"}`)
		checkFields(t, nil, "customer", c, map[string]any{"email": "anna@example.com", "name": "Anna",
			"stats.orders": 0, "stats.refunds": 1, "stats.refunded": "10.00"})
		var purchases, customers int
		mustScan(t, db, `SELECT COUNT(*) FROM purchases`, &purchases)
		mustScan(t, db, `SELECT COUNT(*) FROM customers`, &customers)
		if purchases != 1 || customers != 1 {
			t.Errorf("stored %d purchases, %d customers; want 1 and 1 (nothing refused is stored)", purchases, customers)
		}
	})
}

func TestBatchLimits(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newShop(t, db)
		events := func(n int, size int) string {
			var b strings.Builder
			b.WriteString(`{"events": [`)
			for i := range n {
				if i > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, `{"type": "customer", "id": "u_%d", "name": "%s"}`, i, strings.Repeat("x", size))
			}
			b.WriteString("]}")
			return b.String()
		}
		cases := []struct {
			name       string
			body       string
			wantStatus int
		}{
			{"1000 events", events(1000, 1), 200},
			{"1001 events", events(1001, 1), 413},
			{"over 5 MiB", events(100, 60<<10), 413},
			{"no events field", `{}`, 422},
			{"empty list", `{"events": []}`, 422},
			{"events not a list", `{"events": {}}`, 400},
			{"unknown top-level field", `{"events": [], "extra": 1}`, 422},
			{"not JSON", `{"events": [`, 400},
		}
		for _, c := range cases {
			r := s.post("/api/v1/batch", c.body)
			if r.status != c.wantStatus {
				t.Errorf("%s: %d, want %d: %.300s", c.name, r.status, c.wantStatus, r.body)
			}
		}
		// One event over 64 KiB is refused alone.
		r := s.post("/api/v1/batch", `{"events": [{"type": "customer", "id": "big", "name": "`+strings.Repeat("x", 65<<10)+`"},
			{"type": "customer", "id": "small"}]}`)
		checkFields(t, nil, "big event", r, map[string]any{"accepted": 1, "results.0.status": 413, "results.1.status": 201})
		var n int
		mustScan(t, db, `SELECT COUNT(*) FROM customers`, &n)
		if n != 1001 {
			t.Errorf("%d customers stored, want 1000 from the first batch and 1 small", n)
		}
	})
}

// Fifty clients sending the same purchase at once store it once; distinct
// purchases sent at once all land.
func TestConcurrentPurchases(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newShop(t, db)
		statuses := make(chan int, 250)
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Add(2)
			go func() {
				defer wg.Done()
				r := s.post("/api/v1/purchases", `{"id": "same", "customer_id": "u_1", "amount": "9.99", "purchased_at": "2026-11-19T10:00:00Z"}`)
				statuses <- r.status
			}()
			go func() {
				defer wg.Done()
				for j := range 4 {
					r := s.post("/api/v1/purchases", fmt.Sprintf(`{"id": "o_%d_%d", "customer_id": "u_%d", "amount": "1"}`, i, j, i%7))
					if r.status != http.StatusCreated {
						t.Errorf("distinct purchase: %d %s", r.status, r.body)
					}
				}
			}()
		}
		wg.Wait()
		close(statuses)
		count := map[int]int{}
		for st := range statuses {
			count[st]++
		}
		if count[201] != 1 || count[200] != 49 {
			t.Errorf("same purchase 50 times: %v, want one 201 and 49 200", count)
		}
		var purchases, customers, orders, revenue int
		mustScan(t, db, `SELECT COUNT(*) FROM purchases`, &purchases)
		mustScan(t, db, `SELECT COUNT(*) FROM customers`, &customers)
		mustScan(t, db, `SELECT SUM(orders), SUM(revenue) FROM daily_sales`, &orders, &revenue)
		if purchases != 201 || customers != 7 || orders != 201 || revenue != 999+200*100 {
			t.Errorf("stored %d purchases, %d customers, rollup %d orders %d revenue; want 201, 7, 201, %d",
				purchases, customers, orders, revenue, 999+200*100)
		}
		r := connection(s.h, s.c.key)
		checkFields(t, nil, "connection", r, map[string]any{"purchases": 201, "customers": 7})
	})
}

// A full write queue answers 503 with Retry-After, and stores nothing of
// the refused request.
func TestIngestBusyIs503(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	s := newShop(t, db, func(c *server.Config) { c.Ingest = ingest.Config{QueueSize: 1, MaxGroup: 1} })
	// Use the key once first: its last_used_at write would otherwise wait
	// for the held connection too.
	connection(s.h, s.c.key)
	release := storetest.HoldWriter(t, db)
	var wg sync.WaitGroup
	var busy *response
	for i := 0; busy == nil && i < 10; i++ {
		got := make(chan *response, 1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			got <- s.post("/api/v1/customers", fmt.Sprintf(`{"id": "u_%d"}`, i))
		}()
		select {
		case r := <-got:
			busy = r
		case <-time.After(100 * time.Millisecond):
		}
	}
	release()
	wg.Wait()
	if busy == nil || busy.status != http.StatusServiceUnavailable || busy.header.Get("Retry-After") == "" {
		t.Fatalf("full queue: %+v, want 503 with Retry-After", busy)
	}
	checkProblem(t, busy)
}

// A wrong type inside a batch event is named by its path in the batch.
func TestBatchWrongTypePath(t *testing.T) {
	t.Parallel()
	s := newShop(t, storetest.Open(t, store.SQLite))
	r := s.post("/api/v1/batch", `{"events": [{"type": "purchase", "id": "o", "customer_id": "u", "amount": "2",
		"items": [{"name": "a", "price": "1"}, {"name": "b", "quantity": "1", "price": "1"}]},
		{"type": "customer", "id": "u", "attributes": [1]}]}`)
	checkFields(t, nil, "batch", r, map[string]any{
		"results.0.status": 400, "results.0.error.errors.0.field": "events[0].items[1].quantity",
		"results.1.status": 400, "results.1.error.errors.0.field": "events[1].attributes"})
}

// A repeated name refuses its own event only; in a single request, the
// request.
func TestRepeatedNames(t *testing.T) {
	t.Parallel()
	s := newShop(t, storetest.Open(t, store.SQLite))
	r := s.post("/api/v1/batch", `{"events": [{"type": "customer", "id": "a", "id": "b"}, {"type": "customer", "id": "c"}]}`)
	checkFields(t, nil, "batch", r, map[string]any{"accepted": 1, "results.0.status": 400,
		"results.0.error.errors.0.field": "events[0].id", "results.1.status": 201})
	r = s.post("/api/v1/purchases", `{"id": "o", "customer_id": "u", "amount": "1", "amount": "2"}`)
	checkFields(t, nil, "purchase", r, map[string]any{"status": 400, "errors.0.field": "amount"})
	r = s.post("/api/v1/batch", `{"events": [{"type": "customer", "id": "d"}], "events": []}`)
	checkFields(t, nil, "batch", r, map[string]any{"status": 400, "errors.0.field": "events"})
}
