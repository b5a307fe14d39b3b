package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

// CohortActivity puts every purchase in the right month, boundaries
// included, over enough months for the nested CASE to be several levels
// deep, and agrees with a count made here.
func TestCohortActivityMatchesBruteForce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		seedApps(t, db)
		loc, _ := time.LoadLocation("Europe/Moscow")
		var starts []time.Time
		for i := range 38 {
			starts = append(starts, time.Date(2023, time.Month(1+i), 1, 0, 0, 0, 0, loc))
		}
		var buys []buy
		for i := range 400 {
			// Deterministic spread, with every seventh purchase exactly at
			// a month's first instant and some before the first month.
			at := starts[0].Add(time.Duration(i*i*7919%int(36*30*24)) * time.Hour).Add(-24 * time.Hour)
			if i%7 == 0 {
				at = starts[i%len(starts)]
			}
			b := buy{id: fmt.Sprintf("p%d", i), customer: fmt.Sprintf("u%d", i%53), amount: int64(100 + i), at: at}
			if i%11 == 0 {
				b.refunded = at.Add(time.Hour)
			}
			buys = append(buys, b)
		}
		seedBuys(t, db, "app_a", buys)
		seedBuys(t, db, "app_b", []buy{{"b1", "u1", 5000, starts[3], time.Time{}}})
		const cohorts = 30
		got, err := db.CohortActivity(ctx, "app_a", starts, cohorts)
		mustDo(t, err)

		index := func(at time.Time) int {
			for i := 0; i+1 < len(starts); i++ {
				if !at.Before(starts[i]) && at.Before(starts[i+1]) {
					return i
				}
			}
			return -1
		}
		first := map[string]time.Time{}
		for _, b := range buys {
			if f, ok := first[b.customer]; b.refunded.IsZero() && (!ok || b.at.Before(f)) {
				first[b.customer] = b.at
			}
		}
		type cell struct{ cohort, month int }
		active := map[cell]map[string]bool{}
		revenue := map[cell]int64{}
		for _, b := range buys {
			f, ok := first[b.customer]
			if !b.refunded.IsZero() || !ok {
				continue
			}
			c, m := index(f), index(b.at)
			if c < 0 || c >= cohorts || m < 0 {
				continue
			}
			k := cell{c, m}
			if active[k] == nil {
				active[k] = map[string]bool{}
			}
			active[k][b.customer] = true
			revenue[k] += b.amount
		}
		if len(active) < 100 {
			t.Fatalf("only %d cells: the data do not exercise the months", len(active))
		}
		if len(got) != len(active) {
			t.Errorf("%d cells, want %d", len(got), len(active))
		}
		for _, g := range got {
			k := cell{g.Cohort, g.Month}
			if g.Customers != int64(len(active[k])) || g.Revenue != revenue[k] {
				t.Errorf("cell %v = %d customers, %d; want %d, %d", k, g.Customers, g.Revenue, len(active[k]), revenue[k])
			}
		}
	})
}
