package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"pulse/internal/model"
	"pulse/internal/page"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

// buy is a purchase for the report tests; refunded is its refund time, or
// zero for a purchase that stands.
type buy struct {
	id, customer string
	amount       int64
	at, refunded time.Time
}

// seedBuys stores the purchases of one app with customers whose running
// totals are computed here, as the ingestion writer keeps them: orders,
// revenue and the purchase span over purchases that stand.
func seedBuys(t *testing.T, db *store.DB, appID string, buys []buy) {
	t.Helper()
	ctx := context.Background()
	cs := map[string]*model.Customer{}
	var ps []*model.Purchase
	for _, b := range buys {
		c := cs[b.customer]
		if c == nil {
			c = &model.Customer{AppID: appID, ID: b.customer, HasProfile: true, CreatedAt: t0, UpdatedAt: t0}
			cs[b.customer] = c
		}
		p := &model.Purchase{AppID: appID, ID: b.id, CustomerID: b.customer, Amount: b.amount, Currency: "USD",
			Status: model.StatusPaid, PurchasedAt: b.at, ReceivedAt: t0}
		if !b.refunded.IsZero() {
			p.Status, p.RefundedAt = model.StatusRefunded, &b.refunded
			c.Stats.Refunds++
			c.Stats.Refunded += b.amount
		} else {
			s := &c.Stats
			s.Orders++
			s.Revenue += b.amount
			at := b.at
			if s.FirstPurchaseAt == nil || at.Before(*s.FirstPurchaseAt) {
				s.FirstPurchaseAt = &at
			}
			if s.LastPurchaseAt == nil || at.After(*s.LastPurchaseAt) {
				s.LastPurchaseAt = &at
			}
		}
		ps = append(ps, p)
	}
	var list []*model.Customer
	for _, id := range slices.Sorted(func(yield func(string) bool) {
		for id := range cs {
			if !yield(id) {
				return
			}
		}
	}) {
		list = append(list, cs[id])
	}
	mustDo(t, db.SaveCustomers(ctx, list))
	mustDo(t, db.InsertPurchases(ctx, ps))
}

func seedApps(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	mustDo(t, db.CreateAccount(ctx, account("acct_1", "a@example.com")))
	mustDo(t, db.CreateApp(ctx, app("app_a", "acct_1", t0)))
	mustDo(t, db.CreateApp(ctx, app("app_b", "acct_1", t0)))
}

func on2026(m time.Month, d int) time.Time { return time.Date(2026, m, d, 12, 0, 0, 0, time.UTC) }

func sortRFM(rs []store.CustomerRFM) []store.CustomerRFM {
	slices.SortFunc(rs, func(a, b store.CustomerRFM) int { return a.LastPurchaseAt.Compare(b.LastPurchaseAt) })
	return rs
}

func TestCustomersRFMAsPurchasesStoodAtTheEnd(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		seedApps(t, db)
		feb1 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
		seedBuys(t, db, "app_a", []buy{
			{"p1", "u1", 1000, on2026(1, 10), time.Time{}},
			{"p2", "u1", 500, on2026(2, 10), time.Time{}},
			// Refunded after February 1: it still stood then.
			{"p3", "u2", 700, on2026(1, 20), on2026(3, 1)},
			{"p4", "u2", 300, on2026(2, 20), time.Time{}},
			// Refunded before February 1: it never counts.
			{"p5", "u3", 900, on2026(1, 5), on2026(1, 6)},
			// Exactly at the end: not before it.
			{"p6", "u4", 100, feb1, time.Time{}},
		})
		seedBuys(t, db, "app_b", []buy{{"b1", "x1", 5000, on2026(1, 15), time.Time{}}})

		now, err := db.CustomersRFM(ctx, "app_a")
		mustDo(t, err)
		want := []store.CustomerRFM{{feb1, 1, 100}, {on2026(2, 10), 2, 1500}, {on2026(2, 20), 1, 300}}
		if got := sortRFM(now); !equalRFM(got, want) {
			t.Errorf("CustomersRFM = %v, want %v", got, want)
		}
		all, err := db.CustomersRFMBetween(ctx, "app_a", time.Time{}, on2026(12, 31))
		mustDo(t, err)
		if got := sortRFM(all); !equalRFM(got, want) {
			t.Errorf("CustomersRFMBetween over everything = %v, want the running totals %v", got, want)
		}
		for _, c := range []struct {
			name      string
			from, end time.Time
			want      []store.CustomerRFM
		}{
			{"up to February 1", time.Time{}, feb1, []store.CustomerRFM{{on2026(1, 10), 1, 1000}, {on2026(1, 20), 1, 700}}},
			{"from January 15", on2026(1, 15), feb1, []store.CustomerRFM{{on2026(1, 20), 1, 700}}},
			{"after the refund", time.Time{}, on2026(3, 2), want},
		} {
			got, err := db.CustomersRFMBetween(ctx, "app_a", c.from, c.end)
			mustDo(t, err)
			if got = sortRFM(got); !equalRFM(got, c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}
	})
}

func equalRFM(a, b []store.CustomerRFM) bool {
	return slices.EqualFunc(a, b, func(x, y store.CustomerRFM) bool {
		return x.LastPurchaseAt.Equal(y.LastPurchaseAt) && x.Orders == y.Orders && x.Revenue == y.Revenue
	})
}

// The filter computes each score from its bounds, and keeps the cells it
// names; a score without a bound is reached by nobody.
func TestRFMFilterKeepsTheCellsOfItsScores(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		seedApps(t, db)
		seedBuys(t, db, "app_a", []buy{
			{"p1", "top", 9000, on2026(3, 1), time.Time{}},
			{"p2", "top", 1000, on2026(3, 2), time.Time{}},
			{"p3", "mid", 2000, on2026(2, 1), time.Time{}},
			{"p4", "low", 100, on2026(1, 1), time.Time{}},
			{"p5", "none", 100, on2026(1, 1), on2026(1, 2)},
		})
		seedBuys(t, db, "app_b", []buy{{"b1", "top_b", 9000, on2026(3, 2), time.Time{}}})
		ptr := func(v int64) *int64 { return &v }
		tp := func(t time.Time) *time.Time { return &t }
		f := store.RFMFilter{
			// Recency: March 1 or later scores 5, February 1 or later 3.
			LastFrom: [4]*time.Time{tp(on2026(2, 1)), tp(on2026(2, 1)), nil, tp(on2026(3, 1))},
			// Orders: 2 or more score 4; nobody scores 5.
			OrdersFrom: [4]*int64{ptr(2), ptr(2), ptr(2), nil},
			// Revenue: 20.00 or more scores 2, 100.00 or more 5.
			RevenueFrom: [4]*int64{ptr(2000), ptr(10000), ptr(10000), ptr(10000)},
		}
		for _, c := range []struct {
			cells [][3]int
			want  []string
		}{
			// Without bounds everyone scores 1 in each dimension.
			{[][3]int{{1, 1, 1}}, nil},
			{[][3]int{{5, 4, 5}}, []string{"top"}},
			{[][3]int{{3, 1, 2}, {1, 1, 1}}, []string{"low", "mid"}},
			{[][3]int{{5, 5, 5}, {2, 1, 1}}, []string{}},
			{nil, []string{}},
		} {
			f := f
			if c.want == nil {
				f = store.RFMFilter{}
				c.want = []string{"low", "mid", "top"}
			}
			f.Cells = c.cells
			got, err := db.ListCustomers(ctx, "app_a", store.CustomerFilter{RFM: &f, Sort: store.ByCreated, Page: page.Params{Limit: 10}})
			mustDo(t, err)
			ids := []string{}
			for _, cu := range got {
				ids = append(ids, cu.ID)
			}
			slices.Sort(ids)
			if !slices.Equal(ids, c.want) {
				t.Errorf("cells %v: %v, want %v", c.cells, ids, c.want)
			}
		}
	})
}
