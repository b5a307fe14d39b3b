package api_test

import (
	"fmt"
	"net/url"
	"testing"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

func TestPurchaseList(t *testing.T) {
	t.Parallel()
	// The app counts days in Tokyo (UTC+9): 2026-11-10 there is
	// 2026-11-09T15:00Z up to 2026-11-10T15:00Z.
	buys := []obj{
		purchaseEv("p1", "u1", "1.00", "2026-11-09T14:59:59.999999Z", nil),
		purchaseEv("p2", "u2", "2.00", "2026-11-09T15:00:00Z", nil),
		purchaseEv("p5", "u1", "5.00", "2026-11-10T03:00:00Z", obj{"status": "refunded", "refunded_at": "2026-11-11T00:00:00Z"}),
		purchaseEv("p6", "u2", "6.00", "2026-11-10T03:00:00Z", nil),
		purchaseEv("p3", "u1", "3.00", "2026-11-10T14:59:59.999999Z", nil),
		purchaseEv("p4", "u3", "4.00", "2026-11-10T15:00:00Z", nil),
	}
	all := []string{"p4", "p3", "p6", "p5", "p2", "p1"} // newest first, ties by id descending
	q := url.QueryEscape
	cases := []struct {
		name, query string
		want        []string
	}{
		{"all", "", all},
		{"one customer", "customer_id=u1", []string{"p3", "p5", "p1"}},
		{"a customer of another app", "customer_id=boris", []string{}},
		{"paid", "status=paid", []string{"p4", "p3", "p6", "p2", "p1"}},
		{"refunded", "status=refunded", []string{"p5"}},
		{"one local day", "from=2026-11-10&to=2026-11-10", []string{"p3", "p6", "p5", "p2"}},
		{"from a local day on", "from=2026-11-10", []string{"p4", "p3", "p6", "p5", "p2"}},
		{"up to a local day", "to=2026-11-09", []string{"p1"}},
		{"times, both ends inclusive", "from=" + q("2026-11-09T15:00:00Z") + "&to=" + q("2026-11-10T03:00:00Z"),
			[]string{"p6", "p5", "p2"}},
		{"a time with an offset", "from=" + q("2026-11-10T12:00:00+09:00"), []string{"p4", "p3", "p6", "p5"}},
		{"a time with fractions", "to=" + q("2026-11-09T14:59:59.9999999Z"), []string{"p1"}},
		{"from a fraction after a purchase", "from=" + q("2026-11-09T14:59:59.9999991Z"), all[:5]},
		{"the same instant", "from=" + q("2026-11-10T03:00:00Z") + "&to=" + q("2026-11-10T03:00:00Z"),
			[]string{"p6", "p5"}},
		{"everything together", "customer_id=u1&status=paid&from=2026-11-10&to=2026-11-10", []string{"p3"}},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newCRMShop(t, db)
		if r := s.a.do("PATCH", "/api/v1/apps/"+s.a.appID, obj{"timezone": "Asia/Tokyo"}); r.status != 200 {
			t.Fatalf("time zone: %d %s", r.status, r.body)
		}
		// A fresh app of A's, so that only these purchases are listed.
		r := s.a.do("POST", "/api/v1/apps", obj{"name": "Tokyo", "timezone": "Asia/Tokyo"})
		appID := r.str("id")
		key := s.a.do("POST", "/api/v1/apps/"+appID+"/keys", obj{"scope": "full"}).str("key")
		loadBatch(t, s.h, key, buys...)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := keyReq(s.h, key, "GET", "/api/v1/purchases?"+c.query, nil)
				if r.status != 200 {
					t.Fatalf("%d %s", r.status, r.body)
				}
				sameIDs(t, c.query, dataIDs(r), c.want)
			})
		}
		for _, limit := range []int{1, 2, 4} {
			rows := walkPages(t, s.h, key, "/api/v1/purchases", limit, byID)
			sameIDs(t, fmt.Sprintf("all, %d per page", limit), rowIDs(rows), all)
			rows = walkPages(t, s.h, key, "/api/v1/purchases?from=2026-11-10&to=2026-11-10", limit, byID)
			sameIDs(t, fmt.Sprintf("one day, %d per page", limit), rowIDs(rows), cases[5].want)
		}
		r = keyReq(s.h, key, "GET", "/api/v1/purchases?status=refunded", nil)
		checkFields(t, s.fixture, "refunded purchase", r, map[string]any{"data.0.id": "p5", "data.0.customer_id": "u1",
			"data.0.amount": "5.00", "data.0.currency": "USD", "data.0.refunded_at": "2026-11-11T00:00:00Z",
			"data.0.purchased_at": "2026-11-10T03:00:00Z", "next_cursor": nil})
	})
}
