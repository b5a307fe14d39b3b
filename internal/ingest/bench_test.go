package ingest_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"pulse/internal/ingest"
	"pulse/internal/model"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

var usd = ingest.Currency{Code: "USD", Exp: 2}

func benchApp(b testing.TB, db *store.DB) model.App {
	b.Helper()
	now := time.Now().UTC().Truncate(time.Microsecond)
	app := model.App{ID: "app_bench", AccountID: "acct_bench", Name: "Bench", Currency: "USD", Timezone: "UTC", CreatedAt: now, UpdatedAt: now}
	err := db.InTx(context.Background(), func(q *store.Queries) error {
		if err := q.CreateAccount(context.Background(), model.Account{ID: app.AccountID, Name: "B", Email: "b@example.com",
			PasswordHash: "x", Lang: "en", CreatedAt: now}); err != nil {
			return err
		}
		return q.CreateApp(context.Background(), app)
	})
	if err != nil {
		b.Fatal(err)
	}
	return app
}

func purchaseBody(i int) []byte {
	return fmt.Appendf(nil, `{"id": "ord_%d", "customer_id": "u_%d", "amount": "%d.%02d", "product": "Product %d"}`,
		i, i%10000, 1+i%300, i%100, i%50)
}

// BenchmarkDecodePurchase measures strict decoding and checking of one
// purchase body.
func BenchmarkDecodePurchase(b *testing.B) {
	body := []byte(`{"id": "ord_1001", "customer_id": "u_42", "amount": "49.90", "currency": "USD",
		"purchased_at": "2026-11-20T10:00:00Z", "status": "paid",
		"items": [{"product_id": "sku-1", "name": "Pro plan", "category": "subscription", "quantity": 1, "price": "49.90"}],
		"attributes": {"channel": "ios", "coupon": "BF26"}}`)
	now := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ingest.DecodePurchase(body, usd, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriter measures the durable write path on SQLite: purchases
// submitted by concurrent requests of one event each, grouped by the
// writer into shared transactions.
func BenchmarkWriter(b *testing.B) {
	for _, clients := range []int{1, 64, 256} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			db := storetest.Open(b, store.SQLite)
			app := benchApp(b, db)
			w := ingest.NewWriter(db, slog.New(slog.DiscardHandler), ingest.Config{})
			defer w.Close()
			var next sync.Mutex
			n := 0
			take := func() int {
				next.Lock()
				defer next.Unlock()
				n++
				return n
			}
			b.ResetTimer()
			var wg sync.WaitGroup
			per := b.N / clients
			for range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range per {
						now := time.Now().UTC().Truncate(time.Microsecond)
						ev, err := ingest.DecodePurchase(purchaseBody(take()), usd, now)
						if err != nil {
							b.Error(err)
							return
						}
						res, err := w.Submit(context.Background(), app.ID, now, []ingest.Event{ev}, nil)
						if err != nil || res[0].Err != nil {
							b.Error(err, res)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(per*clients)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkWriterBatch measures back-filling on SQLite: batches of 1000
// purchases spread over a year, for 10,000 customers, from 4 clients.
func BenchmarkWriterBatch(b *testing.B) {
	db := storetest.Open(b, store.SQLite)
	app := benchApp(b, db)
	w := ingest.NewWriter(db, slog.New(slog.DiscardHandler), ingest.Config{})
	defer w.Close()
	year := time.Now().Add(-365 * 24 * time.Hour)
	var mu sync.Mutex
	n := 0
	batch := func() []ingest.Event {
		mu.Lock()
		defer mu.Unlock()
		now := time.Now().UTC().Truncate(time.Microsecond)
		evs := make([]ingest.Event, 0, 1000)
		for range 1000 {
			n++
			at := year.Add(time.Duration(n*7919%(365*24*3600)) * time.Second).Format(time.RFC3339)
			body := fmt.Appendf(nil, `{"id": "b_%d", "customer_id": "u_%d", "amount": "%d.%02d", "purchased_at": %q, "product": "Product %d"}`,
				n, n*31%10000, 1+n%300, n%100, at, n%50)
			ev, err := ingest.DecodePurchase(body, usd, now)
			if err != nil {
				b.Fatal(err)
			}
			evs = append(evs, ev)
		}
		return evs
	}
	b.ResetTimer()
	var wg sync.WaitGroup
	per := max(1, b.N/1000/4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range per {
				if _, err := w.Submit(context.Background(), app.ID, time.Now(), batch(), nil); err != nil {
					b.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(per*4*1000)/b.Elapsed().Seconds(), "events/s")
}
