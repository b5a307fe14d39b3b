package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"pulse/internal/model"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

func TestBasketsArePaidPurchasesWithTheirDistinctProducts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		seedApps(t, db)
		end := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
		cam := model.Item{ProductID: "cam", Name: "Camera", Quantity: 1, Price: 50000}
		card := model.Item{ProductID: "card", Name: "Memory card", Quantity: 2, Price: 2000}
		// No product id: the name stands for the product.
		bag := model.Item{Name: "Camera bag", Quantity: 1, Price: 3000}
		buys := []struct {
			app, id, customer string
			at                time.Time
			refunded          time.Time // zero: not refunded
			items             []model.Item
		}{
			// The same product on two lines is one product of the basket.
			{"app_a", "p1", "u1", on2026(1, 10), time.Time{}, []model.Item{cam, card, card, bag}},
			{"app_a", "p2", "u1", on2026(1, 20), time.Time{}, []model.Item{card}},
			// Refunded after the end: it still stood then.
			{"app_a", "p3", "u2", on2026(1, 15), on2026(3, 1), []model.Item{bag, cam}},
			// Refunded before the end: never a basket.
			{"app_a", "p4", "u2", on2026(1, 5), on2026(1, 6), []model.Item{card}},
			// Exactly at the end: not before it.
			{"app_a", "p5", "u3", end, time.Time{}, []model.Item{cam}},
			// Another app's purchase.
			{"app_b", "b1", "u1", on2026(1, 10), time.Time{}, []model.Item{cam}},
			// An order without items is a basket without products.
			{"app_a", "p6", "u3", on2026(1, 25), time.Time{}, nil},
		}
		customers := map[string][]*model.Customer{}
		seen := map[string]bool{}
		var ps []*model.Purchase
		for _, b := range buys {
			if !seen[b.app+"/"+b.customer] {
				seen[b.app+"/"+b.customer] = true
				customers[b.app] = append(customers[b.app], &model.Customer{AppID: b.app, ID: b.customer, HasProfile: true, CreatedAt: t0, UpdatedAt: t0})
			}
			p := &model.Purchase{AppID: b.app, ID: b.id, CustomerID: b.customer, Amount: 100, Currency: "USD",
				Status: model.StatusPaid, PurchasedAt: b.at, Items: b.items, ReceivedAt: t0}
			if !b.refunded.IsZero() {
				p.Status, p.RefundedAt = model.StatusRefunded, &b.refunded
			}
			ps = append(ps, p)
		}
		for _, app := range []string{"app_a", "app_b"} {
			mustDo(t, db.SaveCustomers(ctx, customers[app]))
		}
		mustDo(t, db.InsertPurchases(ctx, ps))

		got, err := db.Baskets(ctx, "app_a", end)
		mustDo(t, err)
		slices.SortFunc(got, func(a, b store.Basket) int { return a.At.Compare(b.At) })
		want := []store.Basket{
			{"u1", on2026(1, 10), 100, []string{"cam", "card", "Camera bag"}},
			{"u2", on2026(1, 15), 100, []string{"Camera bag", "cam"}},
			{"u1", on2026(1, 20), 100, []string{"card"}},
			{"u3", on2026(1, 25), 100, []string{}},
		}
		if len(got) != len(want) {
			t.Fatalf("Baskets = %v, want %v", got, want)
		}
		for i := range want {
			g, w := got[i], want[i]
			if g.CustomerID != w.CustomerID || !g.At.Equal(w.At) || g.Amount != w.Amount || !slices.Equal(g.Products, w.Products) {
				t.Fatalf("basket %d = %+v, want %+v", i, g, w)
			}
		}
		// One string per product and customer, however many rows name it.
		if unsafe.StringData(got[0].Products[0]) != unsafe.StringData(got[1].Products[1]) {
			t.Error(`"cam" of two baskets is two strings, want one shared`)
		}
		if unsafe.StringData(got[0].CustomerID) != unsafe.StringData(got[2].CustomerID) {
			t.Error("u1 of two baskets is two strings, want one shared")
		}

		none, err := db.Baskets(ctx, "app_a", on2026(1, 1))
		mustDo(t, err)
		if len(none) != 0 {
			t.Errorf("Baskets before the first purchase = %v, want none", none)
		}
		other, err := db.Baskets(ctx, "app_b", end)
		mustDo(t, err)
		if len(other) != 1 || strings.Join(other[0].Products, ",") != "cam" {
			t.Errorf("app_b baskets = %+v, want its one camera", other)
		}
	})
}
