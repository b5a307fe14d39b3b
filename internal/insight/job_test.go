package insight_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"pulse/internal/insight"
	"pulse/internal/model"
	"pulse/internal/rollup"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

// clock is a settable time for the job's debouncing.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var t0 = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

func newApp(t *testing.T, db *store.DB) model.App {
	t.Helper()
	ctx := context.Background()
	a := model.App{ID: "app_1", AccountID: "acct_1", Name: "Shop", Currency: "USD", Timezone: "UTC", CreatedAt: t0, UpdatedAt: t0}
	if err := db.CreateAccount(ctx, model.Account{ID: "acct_1", Name: "A", Email: "a@example.com", PasswordHash: "x",
		Lang: "en", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateApp(ctx, a); err != nil {
		t.Fatal(err)
	}
	return a
}

// buy stores one paid purchase per customer a day before t0, with its
// rollups, as the writer would.
func buy(t *testing.T, db *store.DB, customers ...string) {
	t.Helper()
	ctx := context.Background()
	d := rollup.New(time.UTC)
	var ps []*model.Purchase
	for _, c := range customers {
		at := t0.AddDate(0, 0, -1)
		p := &model.Purchase{AppID: "app_1", ID: fmt.Sprintf("o_%s_%d", c, time.Now().UnixNano()), CustomerID: c,
			Amount: 1000, Currency: "USD", Status: model.StatusPaid, PurchasedAt: at, ReceivedAt: at, Items: []model.Item{}}
		d.Purchase(p)
		ps = append(ps, p)
	}
	err := db.InTx(ctx, func(q *store.Queries) error {
		if err := q.InsertPurchases(ctx, ps); err != nil {
			return err
		}
		return q.AddRollups(ctx, "app_1", d)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// eventually polls cond for up to 10 seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for start := time.Now(); time.Since(start) < 10*time.Second; time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting until %s", what)
}

func scored(s *insight.Service, a model.App) int {
	if snap := s.Cached(a); snap != nil {
		return snap.Customers.Customers
	}
	return -1
}

// TestJobWaitsForIngestionToSettle: accepted events make the job
// recompute only once ingestion has been quiet for Quiet, or has gone on
// for MaxWait; Refresh recomputes at once; Forget drops the cache.
func TestJobWaitsForIngestionToSettle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newApp(t, db)
		clk := &clock{t: t0}
		s := insight.New(db, slog.New(slog.DiscardHandler), insight.Config{Quiet: 10 * time.Second,
			MaxWait: time.Minute, Tick: time.Millisecond, Now: clk.Now})
		s.Start()
		t.Cleanup(s.Close)
		ctx := context.Background()

		buy(t, db, "c1")
		snap, err := s.Current(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if snap.Customers.Customers != 1 {
			t.Fatalf("first computation scored %d customers, want 1", snap.Customers.Customers)
		}

		// New data, but ingestion has not paused for 10 s: the cache
		// stands.
		buy(t, db, "c2")
		s.Accepted(a.ID, 1)
		clk.Add(9 * time.Second)
		time.Sleep(50 * time.Millisecond) // many ticks
		if n := scored(s, a); n != 1 {
			t.Fatalf("recomputed before ingestion paused: %d customers", n)
		}
		clk.Add(2 * time.Second)
		eventually(t, "the job recomputes after the quiet period", func() bool { return scored(s, a) == 2 })

		// Steady traffic: an event every 5 s never leaves 10 s of quiet,
		// but a minute after the first one the job recomputes anyway.
		for i := range 13 {
			buy(t, db, fmt.Sprintf("steady%d", i))
			s.Accepted(a.ID, 1)
			clk.Add(5 * time.Second)
			time.Sleep(5 * time.Millisecond)
			if i < 11 {
				if n := scored(s, a); n != 2 {
					t.Fatalf("recomputed under steady traffic after %d s: %d customers", (i+1)*5, n)
				}
			}
		}
		eventually(t, "the job recomputes after MaxWait", func() bool { return scored(s, a) > 2 })

		// Refresh recomputes without waiting: everyone bought so far, 2 +
		// 13 + 1, is scored.
		buy(t, db, "c3")
		s.Refresh(a)
		eventually(t, "refresh recomputes", func() bool { return scored(s, a) == 16 })

		// Forget drops the cache at once: the next Cached starts over.
		s.Forget(a.ID)
		if snap := s.Cached(a); snap != nil {
			t.Errorf("Cached after Forget = %v, want nil until recomputed", snap)
		}
		eventually(t, "the forgotten app is computed again", func() bool { return scored(s, a) == 16 })

		// A new day is a new as-of date: the day-old snapshot is not served.
		old, _ := s.Current(ctx, a)
		clk.Add(24 * time.Hour)
		now, err := s.Current(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if now == old || now.Today != old.Today+1 {
			t.Errorf("after the day turned: snapshot of day %d, want %d", now.Today, old.Today+1)
		}
	})
}

// TestPastDatesAreKeptUntilNewData: a past date is computed on request
// and reused, and dropped when events arrive.
func TestPastDatesAreKeptUntilNewData(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newApp(t, db)
		s := insight.New(db, slog.New(slog.DiscardHandler), insight.Config{Now: func() time.Time { return t0 }})
		ctx := context.Background()
		buy(t, db, "c1")
		past := int64(20000)
		p1, err := s.At(ctx, a, past)
		if err != nil {
			t.Fatal(err)
		}
		if p2, _ := s.At(ctx, a, past); p2 != p1 {
			t.Error("a past date was computed again without new data")
		}
		s.Accepted(a.ID, 1)
		if p3, _ := s.At(ctx, a, past); p3 == p1 {
			t.Error("a past date was reused after new events")
		}
	})
}

// TestJobWaitsForEnoughNewData: on an app of 1,000 purchases a handful of
// new events is not worth a recompute until they make 0.5 % of the
// purchases scored, or an hour has passed.
func TestJobWaitsForEnoughNewData(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newApp(t, db)
		clk := &clock{t: t0}
		s := insight.New(db, slog.New(slog.DiscardHandler), insight.Config{Quiet: 10 * time.Second,
			Tick: time.Millisecond, Now: clk.Now})
		s.Start()
		t.Cleanup(s.Close)
		var many []string
		for i := range 1000 {
			many = append(many, fmt.Sprintf("c%d", i))
		}
		buy(t, db, many...)
		if _, err := s.Current(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		for i := range 4 {
			buy(t, db, fmt.Sprintf("new%d", i))
			s.Accepted(a.ID, 1)
		}
		clk.Add(time.Minute)
		time.Sleep(50 * time.Millisecond)
		if n := scored(s, a); n != 1000 {
			t.Fatalf("4 new events on 1,000 recomputed: %d customers", n)
		}
		buy(t, db, "new4")
		s.Accepted(a.ID, 1)
		clk.Add(11 * time.Second)
		eventually(t, "5 new events (0.5 %) recompute", func() bool { return scored(s, a) == 1005 })

		buy(t, db, "late")
		s.Accepted(a.ID, 1)
		clk.Add(59 * time.Minute)
		time.Sleep(50 * time.Millisecond)
		if n := scored(s, a); n != 1005 {
			t.Fatalf("1 new event recomputed before an hour: %d customers", n)
		}
		clk.Add(2 * time.Minute)
		eventually(t, "an hour-old snapshot takes in a single new event", func() bool { return scored(s, a) == 1006 })
	})
}
