package report_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"pulse/internal/model"
	"pulse/internal/report"
	"pulse/internal/rollup"
	"pulse/internal/store"
)

// The sales benchmarks run on a SQLite shop of PULSE_BENCH_PURCHASES
// purchases (default 10 million) by a tenth as many customers, spread
// evenly over 2024–2026, one in twenty refunded. Building it takes minutes,
// so it is kept in the temp directory and reused by later runs; delete the
// directory to build it again. Setup writes raw rows and rollups through
// store methods, then builds the buyer sets with RebuildBuyers, the same
// code that rebuilds them after a time zone change.

const benchApp = "app_bench"

var (
	benchOnce sync.Once
	benchDB   *store.DB
	benchErr  error
)

func benchSize() int {
	if n, err := strconv.Atoi(os.Getenv("PULSE_BENCH_PURCHASES")); err == nil && n > 0 {
		return n
	}
	return 10_000_000
}

func openBench(b *testing.B) *store.DB {
	b.Helper()
	benchOnce.Do(func() {
		n := benchSize()
		dir := filepath.Join(os.TempDir(), fmt.Sprintf("pulse-sales-bench-%d", n))
		path := filepath.Join(dir, "pulse.db")
		if _, err := os.Stat(filepath.Join(dir, "ready")); err != nil {
			os.RemoveAll(dir)
			start := time.Now()
			if benchErr = buildBench(path, n); benchErr != nil {
				return
			}
			b.Logf("built %d purchases in %s", n, time.Since(start).Round(time.Second))
			if benchErr = os.WriteFile(filepath.Join(dir, "ready"), nil, 0o600); benchErr != nil {
				return
			}
		}
		benchDB, benchErr = store.Open(context.Background(), path, store.Options{})
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDB
}

func buildBench(path string, n int) error {
	ctx := context.Background()
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	created := time.Date(2023, 12, 1, 0, 0, 0, 0, time.UTC)
	app := model.App{ID: benchApp, AccountID: "acct_bench", Name: "Bench", Currency: "USD", Timezone: "UTC",
		CreatedAt: created, UpdatedAt: created}
	err = db.InTx(ctx, func(q *store.Queries) error {
		if err := q.CreateAccount(ctx, model.Account{ID: app.AccountID, Name: "B", Email: "b@example.com",
			PasswordHash: "x", Lang: "en", CreatedAt: created}); err != nil {
			return err
		}
		return q.CreateApp(ctx, app)
	})
	if err != nil {
		return err
	}
	nCust := max(n/10, 1)
	countries := []string{"RU", "DE", "US", "FR", "BR"}
	for start := 0; start < nCust; start += 20_000 {
		var cs []*model.Customer
		for i := start; i < min(nCust, start+20_000); i++ {
			cs = append(cs, &model.Customer{AppID: benchApp, ID: fmt.Sprintf("u%07d", i), HasProfile: true,
				CreatedAt: created, UpdatedAt: created, Attributes: map[string]any{"country": countries[i%len(countries)]}})
		}
		if err := db.InBulkTx(ctx, func(q *store.Queries) error { return q.SaveCustomers(ctx, cs) }); err != nil {
			return err
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	span := int64(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).Sub(from))
	d := rollup.New(time.UTC)
	for start := 0; start < n; start += 50_000 {
		var ps []*model.Purchase
		for i := start; i < min(n, start+50_000); i++ {
			p := &model.Purchase{AppID: benchApp, ID: fmt.Sprintf("o%09d", i), CustomerID: fmt.Sprintf("u%07d", rng.IntN(nCust)),
				Currency: "USD", Status: model.StatusPaid, PurchasedAt: from.Add(time.Duration(rng.Int64N(span))).Truncate(time.Second)}
			for range 1 + rng.IntN(2) {
				k := rng.IntN(200)
				it := model.Item{ProductID: fmt.Sprintf("sku%03d", k), Name: fmt.Sprintf("Product %d", k),
					Quantity: 1 + rng.Int64N(2), Price: 500 + int64(k)*37}
				p.Items = append(p.Items, it)
				p.Amount += it.Quantity * it.Price
			}
			if rng.IntN(20) == 0 {
				at := p.PurchasedAt.Add(time.Duration(rng.Int64N(int64(14 * 24 * time.Hour))))
				p.Status, p.RefundedAt = model.StatusRefunded, &at
			}
			p.ReceivedAt = p.PurchasedAt
			d.Purchase(p)
			ps = append(ps, p)
		}
		if err := db.InBulkTx(ctx, func(q *store.Queries) error { return q.InsertPurchases(ctx, ps) }); err != nil {
			return err
		}
	}
	return db.InTx(ctx, func(q *store.Queries) error {
		if err := q.AddRollups(ctx, benchApp, d); err != nil {
			return err
		}
		var seen []store.ProductSeen
		for k := range 200 {
			seen = append(seen, store.ProductSeen{Product: fmt.Sprintf("sku%03d", k), Name: fmt.Sprintf("Product %d", k),
				Category: "cat", First: from, Last: from})
		}
		if err := q.SaveProducts(ctx, benchApp, seen); err != nil {
			return err
		}
		return q.RebuildBuyers(ctx, benchApp, "UTC", time.UTC)
	})
}

// runLatency calls fn b.N times and reports latency percentiles.
func runLatency(b *testing.B, fn func() error) {
	b.Helper()
	if err := fn(); err != nil { // warm the page cache once, outside the timing
		b.Fatal(err)
	}
	durs := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(durs)
	pct := func(p float64) float64 {
		return float64(durs[min(len(durs)-1, int(p*float64(len(durs))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

func benchService(b *testing.B) *report.Service {
	now := time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC)
	return report.New(openBench(b), func() time.Time { return now })
}

func benchSales(b *testing.B, p report.SalesParams) {
	s := benchService(b)
	runLatency(b, func() error {
		_, err := s.Sales(context.Background(), benchApp, p)
		return err
	})
}

// The target: sales for a year by day, every figure including the
// distinct-customer ones.
func BenchmarkSalesYearByDay(b *testing.B) {
	benchSales(b, report.SalesParams{From: "2026-01-01", To: "2026-12-31", Interval: "day"})
}

func BenchmarkSalesYearByDayCompare(b *testing.B) {
	benchSales(b, report.SalesParams{From: "2026-01-01", To: "2026-12-31", Interval: "day", Compare: "previous_period"})
}

func BenchmarkSalesYearByWeek(b *testing.B) {
	benchSales(b, report.SalesParams{From: "2026-01-01", To: "2026-12-31", Interval: "week"})
}

func BenchmarkSalesYearByMonth(b *testing.B) {
	benchSales(b, report.SalesParams{From: "2026-01-01", To: "2026-12-31", Interval: "month"})
}

// The money and order figures alone, as the daily_sales rollup gives them.
func BenchmarkDailySalesYear(b *testing.B) {
	db := openBench(b)
	runLatency(b, func() error {
		_, err := db.DailySales(context.Background(), benchApp, 20454, 20818)
		return err
	})
}

func BenchmarkProductsYear(b *testing.B) {
	s := benchService(b)
	runLatency(b, func() error {
		_, err := s.Products(context.Background(), benchApp, report.ProductsParams{From: "2026-01-01", To: "2026-12-31"})
		return err
	})
}

// These two read the period's purchases; run them with a small -benchtime.
func BenchmarkTopCustomersMonth(b *testing.B) {
	s := benchService(b)
	runLatency(b, func() error {
		_, err := s.TopCustomers(context.Background(), benchApp, report.CustomersParams{From: "2026-12-01", To: "2026-12-31"})
		return err
	})
}

func BenchmarkSalesMonthGroupByCountry(b *testing.B) {
	benchSales(b, report.SalesParams{From: "2026-12-01", To: "2026-12-31", GroupBy: "customer.country"})
}
