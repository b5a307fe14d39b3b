package storetest

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"gonum.org/v1/gonum/stat/distuv"

	"pulse/internal/model"
	"pulse/internal/rollup"
	"pulse/internal/store"
)

// BenchApp is the id of the benchmark shop's app.
const BenchApp = "app_bench"

// A benchmark shop is a SQLite shop of n purchases by a tenth as many
// customers over 2024–2026, one in twenty refunded. Building a large one
// takes minutes, so it is kept in the temp directory and reused by later
// runs; delete the directory to build it again. Setup writes raw rows and
// rollups through store methods, then builds the buyer sets with
// RebuildBuyers, the same code that rebuilds them after a time zone
// change.
var (
	benchMu  sync.Mutex
	benchDBs = map[string]*store.DB{}
)

// BenchSize is PULSE_BENCH_PURCHASES, or def when it is not set.
func BenchSize(def int) int {
	if n, err := strconv.Atoi(os.Getenv("PULSE_BENCH_PURCHASES")); err == nil && n > 0 {
		return n
	}
	return def
}

// BenchShop opens the benchmark shop whose purchases pick their customer
// and time uniformly at random: sales volume is what the report
// benchmarks need.
func BenchShop(tb testing.TB, n int) *store.DB {
	tb.Helper()
	return openShop(tb, "pulse-sales-bench", n, uniformPurchases)
}

// LifetimeShop opens the benchmark shop whose customers behave as the
// customer models assume real ones do: each arrives at a random time,
// buys at a rate of its own, drops out for good after each purchase with a
// probability of its own, and spends around a level of its own (see
// lifetimePurchases).
func LifetimeShop(tb testing.TB, n int) *store.DB {
	tb.Helper()
	return openShop(tb, "pulse-lifetime-bench", n, lifetimePurchases)
}

// openShop opens a benchmark shop, building it first when the temp
// directory does not hold it yet. It stays open for the process:
// benchmarks of a package share it.
func openShop(tb testing.TB, name string, n int, gen purchaseGen) *store.DB {
	tb.Helper()
	benchMu.Lock()
	defer benchMu.Unlock()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("%s-%d", name, n))
	if db := benchDBs[dir]; db != nil {
		return db
	}
	path := filepath.Join(dir, "pulse.db")
	if _, err := os.Stat(filepath.Join(dir, "ready")); err != nil {
		os.RemoveAll(dir)
		start := time.Now()
		if err := buildBench(path, n, gen); err != nil {
			tb.Fatal(err)
		}
		tb.Logf("built %d purchases in %s", n, time.Since(start).Round(time.Second))
		if err := os.WriteFile(filepath.Join(dir, "ready"), nil, 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	benchDBs[dir] = db
	return db
}

// benchFrom and benchTo bound the shops' history.
var (
	benchFrom = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	benchTo   = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
)

// purchaseGen calls emit with n purchases by customers 0 to nCust−1, each
// with its customer index, time and price level (a multiplier of the
// catalogue prices).
type purchaseGen func(rng *rand.Rand, n, nCust int, emit func(cust int, at time.Time, level int64) error) error

// uniformPurchases picks every purchase's customer and time uniformly.
func uniformPurchases(rng *rand.Rand, n, nCust int, emit func(int, time.Time, int64) error) error {
	span := int64(benchTo.Sub(benchFrom))
	for range n {
		if err := emit(rng.IntN(nCust), benchFrom.Add(time.Duration(rng.Int64N(span))), 1); err != nil {
			return err
		}
	}
	return nil
}

// lifetimePurchases simulates customers as BG/NBD and Gamma-Gamma describe
// them, with parameters of a typical shop: a buying rate ~ Gamma(1.5, 4)
// per week (about one purchase in three weeks on average), a drop-out
// probability after each purchase ~ Beta(1, 8), and a price level ~
// Gamma(4, 1) rounded (about 4 on average). That makes a little over ten
// purchases a customer by the end of 2026; the customers take turns until
// n purchases are made.
func lifetimePurchases(rng *rand.Rand, n, nCust int, emit func(int, time.Time, int64) error) error {
	type life struct {
		next    time.Time
		rate, p float64 // purchases a day; drop-out chance
		level   int64
	}
	src := rand.NewPCG(3, 4)
	gamma := func(shape float64) float64 { return distuv.Gamma{Alpha: shape, Beta: 1, Src: src}.Rand() }
	span := int64(benchTo.Sub(benchFrom))
	var (
		lives []life
		made  int
	)
	for range nCust {
		x, y := gamma(1), gamma(8) // Beta(1, 8) = X/(X+Y)
		lives = append(lives, life{next: benchFrom.Add(time.Duration(rng.Int64N(span))), rate: gamma(1.5) / 4 / 7,
			p: x / (x + y), level: max(1, int64(math.Round(gamma(4))))})
	}
	for made < n {
		progress := false
		for c := range lives {
			l := &lives[c]
			if made == n || !l.next.Before(benchTo) {
				continue
			}
			if err := emit(c, l.next, l.level); err != nil {
				return err
			}
			made++
			progress = true
			if rng.Float64() < l.p {
				l.next = benchTo // dropped out
				continue
			}
			l.next = l.next.Add(time.Duration(rng.ExpFloat64() / l.rate * float64(24*time.Hour)))
		}
		if !progress {
			return fmt.Errorf("storetest: the simulated customers made only %d of %d purchases", made, n)
		}
	}
	return nil
}

func buildBench(path string, n int, gen purchaseGen) error {
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
	app := model.App{ID: BenchApp, AccountID: "acct_bench", Name: "Bench", Currency: "USD", Timezone: "UTC",
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
			cs = append(cs, &model.Customer{AppID: BenchApp, ID: fmt.Sprintf("u%07d", i), HasProfile: true,
				CreatedAt: created, UpdatedAt: created, Attributes: map[string]any{"country": countries[i%len(countries)]}})
		}
		if err := db.InBulkTx(ctx, func(q *store.Queries) error { return q.SaveCustomers(ctx, cs) }); err != nil {
			return err
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	d := rollup.New(time.UTC)
	var ps []*model.Purchase
	flush := func() error {
		err := db.InBulkTx(ctx, func(q *store.Queries) error { return q.InsertPurchases(ctx, ps) })
		ps = ps[:0]
		return err
	}
	// A customer is new on the day of its earliest purchase.
	first := make([]time.Time, nCust)
	seq := 0
	err = gen(rng, n, nCust, func(cust int, at time.Time, level int64) error {
		if first[cust].IsZero() || at.Before(first[cust]) {
			first[cust] = at
		}
		p := &model.Purchase{AppID: BenchApp, ID: fmt.Sprintf("o%09d", seq), CustomerID: fmt.Sprintf("u%07d", cust),
			Currency: "USD", Status: model.StatusPaid, PurchasedAt: at.Truncate(time.Second)}
		for range 1 + rng.IntN(2) {
			k := rng.IntN(200)
			it := model.Item{ProductID: fmt.Sprintf("sku%03d", k), Name: fmt.Sprintf("Product %d", k),
				Quantity: 1 + rng.Int64N(2), Price: (500 + int64(k)*37) * level}
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
		seq++
		if len(ps) == 50_000 {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	for _, at := range first {
		if !at.IsZero() {
			d.Customer(at, 1)
		}
	}
	return db.InTx(ctx, func(q *store.Queries) error {
		if err := q.AddRollups(ctx, BenchApp, d); err != nil {
			return err
		}
		var seen []store.ProductSeen
		for k := range 200 {
			seen = append(seen, store.ProductSeen{Product: fmt.Sprintf("sku%03d", k), Name: fmt.Sprintf("Product %d", k),
				Category: "cat", First: benchFrom, Last: benchFrom})
		}
		if err := q.SaveProducts(ctx, BenchApp, seen); err != nil {
			return err
		}
		return q.RebuildBuyers(ctx, BenchApp, "UTC", time.UTC)
	})
}
