package report_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"pulse/internal/report"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

// The sales benchmarks run on storetest's benchmark shop of
// PULSE_BENCH_PURCHASES purchases, 10 million by default.
const benchApp = storetest.BenchApp

func openBench(b *testing.B) *store.DB {
	b.Helper()
	return storetest.BenchShop(b, storetest.BenchSize(10_000_000))
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
