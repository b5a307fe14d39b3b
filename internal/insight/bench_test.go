package insight_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"pulse/internal/insight"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

// BenchmarkRecompute is an app's full recompute, as the background job runs
// it: read every purchase, fit BG/NBD and Gamma-Gamma, score and value
// every customer, and fit and backtest the nine default forecasts. It runs
// on storetest's lifetime shop of PULSE_BENCH_PURCHASES purchases (1
// million by default, by 100,000 customers), as of the last day of its
// history.
//
//	go test ./internal/insight -run '^$' -bench Recompute -benchtime 3x
func BenchmarkRecompute(b *testing.B) {
	benchRecompute(b, storetest.LifetimeShop(b, storetest.BenchSize(1_000_000)))
}

// BenchmarkRecomputeUniform is the same on the report benchmarks' shop,
// whose purchases pick a customer uniformly at random: nobody ever drops
// out and everybody buys at the same rate, which BG/NBD can only fit at
// the edge of its parameter space. It is the slow case of the fits.
func BenchmarkRecomputeUniform(b *testing.B) {
	benchRecompute(b, storetest.BenchShop(b, storetest.BenchSize(1_000_000)))
}

func benchRecompute(b *testing.B, db *store.DB) {
	ctx := context.Background()
	apps, err := db.AppsByIDs(ctx, []string{storetest.BenchApp})
	if err != nil {
		b.Fatal(err)
	}
	app := apps[storetest.BenchApp]
	now := time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC)
	s := insight.New(db, slog.New(slog.DiscardHandler), insight.Config{Now: func() time.Time { return now }})
	var snap *insight.Snapshot
	for b.Loop() {
		if snap, err = s.Build(ctx, app); err != nil {
			b.Fatal(err)
		}
	}
	cm := snap.Customers
	b.ReportMetric(float64(cm.Customers), "customers")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/recompute")
	b.Logf("%d customers, %d repeat; model %s, spend %s", cm.Customers, cm.Repeat, cm.Method, cm.Spend)
	for _, m := range insight.Metrics {
		for _, iv := range insight.Intervals {
			f, err := snap.Forecast(ctx, s, app, insight.ForecastParams{Metric: m, Interval: iv,
				Horizon: insight.DefaultHorizon(iv), AsOf: snap.Today - 1})
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("%s by %s: %d periods, %s (fitted %s)", m, iv, len(f.History), f.Model, f.Fitted)
		}
	}
}
