package ingest_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"pulse/internal/ingest"
	"pulse/internal/model"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

// When the writer cannot keep up, requests beyond the queue are refused at
// once with a retry hint, and everything queued is still committed.
func TestWriterRefusesWhenTheQueueIsFull(t *testing.T) {
	t.Parallel()
	for name, cfg := range map[string]ingest.Config{
		"requests": {QueueSize: 1, MaxGroup: 1},
		"events":   {QueueSize: 100, QueuedEvents: 1, MaxGroup: 1},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testQueueFull(t, cfg)
		})
	}
}

func testQueueFull(t *testing.T, cfg ingest.Config) {
	db := storetest.Open(t, store.SQLite)
	app := benchApp(t, db)
	w := ingest.NewWriter(db, slog.New(slog.DiscardHandler), cfg)

	// Hold SQLite's only write connection, so the writer stalls on its
	// first transaction.
	release := storetest.HoldWriter(t, db)

	now := time.Now().UTC().Truncate(time.Microsecond)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		accepted []string
	)
	var busy error
	for i := 0; busy == nil && i < 10; i++ {
		ev, err := ingest.DecodeCustomer([]byte(`{"id": "u_`+string(rune('a'+i))+`"}`), now)
		if err != nil {
			t.Fatal(err)
		}
		errc := make(chan error, 1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := w.Submit(context.Background(), app.ID, now, []ingest.Event{ev}, nil)
			errc <- err
			if err == nil && res[0].Err == nil {
				mu.Lock()
				accepted = append(accepted, ev.Customer.ID)
				mu.Unlock()
			}
		}()
		select {
		case err := <-errc:
			busy = err
		case <-time.After(100 * time.Millisecond): // queued: waits for its commit
		}
	}
	var unavailable *model.UnavailableError
	if !errors.As(busy, &unavailable) || unavailable.RetryAfter <= 0 {
		t.Fatalf("with the writer stalled and the queue full, Submit returned %v; want an UnavailableError with a retry hint", busy)
	}
	release()
	wg.Wait()
	w.Close()
	var n int
	if err := storetest.Inspect(t, db).QueryRow(`SELECT COUNT(*) FROM customers`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(accepted) || n < 2 {
		t.Errorf("%d customers stored, %d acknowledged; want equal and at least 2 (one in the writer, one queued)", n, len(accepted))
	}
	// After Close, nothing is taken.
	ev, _ := ingest.DecodeCustomer([]byte(`{"id": "late"}`), now)
	if _, err := w.Submit(context.Background(), app.ID, now, []ingest.Event{ev}, nil); !errors.As(err, &unavailable) {
		t.Errorf("Submit after Close: %v, want UnavailableError", err)
	}
}
