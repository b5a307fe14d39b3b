package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"pulse/internal/rollup"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

func TestDailySalesReadsInclusiveRangeOfOneApp(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustDo(t, db.CreateAccount(ctx, account("acct_1", "a@example.com")))
		mustDo(t, db.CreateApp(ctx, app("app_a", "acct_1", t0)))
		mustDo(t, db.CreateApp(ctx, app("app_b", "acct_1", t0)))

		a := rollup.New(time.UTC)
		a.Sales[100] = &rollup.Sales{Orders: 2, Revenue: 5000, Units: 3, NewCustomers: 1}
		a.Sales[101] = &rollup.Sales{Refunds: 1, Refunded: 1200}
		a.Sales[105] = &rollup.Sales{Orders: 1, Revenue: 700, Units: 1, Refunds: 1, Refunded: 700, NewCustomers: 2}
		a.Sales[106] = &rollup.Sales{Orders: 9, Revenue: 9}
		mustDo(t, db.AddRollups(ctx, "app_a", a))
		b := rollup.New(time.UTC)
		b.Sales[101] = &rollup.Sales{Orders: 5, Revenue: 100}
		mustDo(t, db.AddRollups(ctx, "app_b", b))
		// Rollups add up: a second delta for day 100 must be summed.
		more := rollup.New(time.UTC)
		more.Sales[100] = &rollup.Sales{Orders: 1, Revenue: 250, Units: 1}
		mustDo(t, db.AddRollups(ctx, "app_a", more))

		for _, c := range []struct {
			name     string
			from, to int64
			want     []store.DaySales
		}{
			{"both ends included", 100, 105, []store.DaySales{
				{Day: 100, Orders: 3, Revenue: 5250, Units: 4, NewCustomers: 1},
				{Day: 101, Refunds: 1, Refunded: 1200},
				{Day: 105, Orders: 1, Revenue: 700, Units: 1, Refunds: 1, Refunded: 700, NewCustomers: 2},
			}},
			{"one day", 101, 101, []store.DaySales{{Day: 101, Refunds: 1, Refunded: 1200}}},
			{"only gaps", 102, 104, nil},
			{"before any data", 0, 99, nil},
			{"reversed", 105, 100, nil},
		} {
			got, err := db.DailySales(ctx, "app_a", c.from, c.to)
			mustDo(t, err)
			if !slices.Equal(got, c.want) {
				t.Errorf("%s: DailySales(%d, %d) = %+v, want %+v", c.name, c.from, c.to, got, c.want)
			}
		}
		got, err := db.DailySales(ctx, "app_none", 0, 1000)
		mustDo(t, err)
		if len(got) != 0 {
			t.Errorf("unknown app: %+v, want no rows", got)
		}
	})
}
