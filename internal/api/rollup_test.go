package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

// dayTotals are what daily_sales holds for one date.
type dayTotals struct{ orders, revenue, units, refunds, refunded, newCustomers int64 }

type productDay struct{ date, product string }

type productTotals struct{ orders, units, revenue, refunds, refunded int64 }

// storedRollups reads the rollups back, keyed by calendar date.
func storedRollups(t *testing.T, db *store.DB, appID string) (map[string]dayTotals, map[productDay]productTotals) {
	t.Helper()
	raw := storetest.Inspect(t, db)
	sales := map[string]dayTotals{}
	rows, err := raw.QueryContext(context.Background(), `SELECT day, orders, revenue, units, refunds, refunded, new_customers
		FROM daily_sales WHERE app_id = '`+appID+`'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var d int64
		var s dayTotals
		if err := rows.Scan(&d, &s.orders, &s.revenue, &s.units, &s.refunds, &s.refunded, &s.newCustomers); err != nil {
			t.Fatal(err)
		}
		if s != (dayTotals{}) {
			sales[time.Unix(d*86400, 0).UTC().Format(time.DateOnly)] = s
		}
	}
	rows.Close()
	products := map[productDay]productTotals{}
	rows, err = raw.QueryContext(context.Background(), `SELECT day, product, orders, units, revenue, refunds, refunded
		FROM daily_products WHERE app_id = '`+appID+`'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var d int64
		var k productDay
		var p productTotals
		if err := rows.Scan(&d, &k.product, &p.orders, &p.units, &p.revenue, &p.refunds, &p.refunded); err != nil {
			t.Fatal(err)
		}
		k.date = time.Unix(d*86400, 0).UTC().Format(time.DateOnly)
		products[k] = p
	}
	return sales, products
}

// history is a random but reproducible set of events with the totals they
// must produce, computed here from the events alone.
type history struct {
	events    []map[string]any
	customers map[string]time.Time
	purchases []testPurchase
}

type testPurchase struct {
	at, refundedAt time.Time
	refunded       bool
	lines          []testLine
}

type testLine struct {
	product      string
	qty, priceCt int64
}

func randomHistory(seed uint64, n int) *history {
	rng := rand.New(rand.NewPCG(seed, 1))
	base := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	h := &history{customers: map[string]time.Time{}}
	for i := range n {
		cust := fmt.Sprintf("u_%d", rng.IntN(n/4+1))
		at := base.Add(time.Duration(rng.Int64N(int64(60 * 24 * time.Hour))))
		at = at.Truncate(time.Second)
		p := testPurchase{at: at}
		var items []map[string]any
		var amount int64
		for range 1 + rng.IntN(3) {
			l := testLine{product: fmt.Sprintf("sku-%d", rng.IntN(5)), qty: 1 + rng.Int64N(3), priceCt: 100 + rng.Int64N(5000)}
			p.lines = append(p.lines, l)
			amount += l.qty * l.priceCt
			items = append(items, map[string]any{"product_id": l.product, "quantity": l.qty,
				"price": fmt.Sprintf("%d.%02d", l.priceCt/100, l.priceCt%100)})
		}
		ev := map[string]any{"type": "purchase", "id": fmt.Sprintf("o_%d", i), "customer_id": cust,
			"amount": fmt.Sprintf("%d.%02d", amount/100, amount%100), "purchased_at": at.Format(time.RFC3339), "items": items}
		if rng.IntN(10) == 0 {
			p.refunded = true
			p.refundedAt = at.Add(time.Duration(rng.Int64N(int64(72 * time.Hour))))
			ev["status"] = "refunded"
			ev["refunded_at"] = p.refundedAt.Format(time.RFC3339)
		}
		h.events = append(h.events, ev)
		h.purchases = append(h.purchases, p)
		if first, ok := h.customers[cust]; !ok || at.Before(first) {
			h.customers[cust] = at
		}
	}
	return h
}

// expect computes the rollups by brute force in loc.
func (h *history) expect(loc *time.Location) (map[string]dayTotals, map[productDay]productTotals) {
	date := func(t time.Time) string { return t.In(loc).Format(time.DateOnly) }
	sales := map[string]dayTotals{}
	products := map[productDay]productTotals{}
	for _, at := range h.customers {
		s := sales[date(at)]
		s.newCustomers++
		sales[date(at)] = s
	}
	for _, p := range h.purchases {
		s := sales[date(p.at)]
		s.orders++
		perProduct := map[string]testLine{}
		for _, l := range p.lines {
			s.revenue += l.qty * l.priceCt
			s.units += l.qty
			m := perProduct[l.product]
			m.qty += l.qty
			m.priceCt += l.qty * l.priceCt
			perProduct[l.product] = m
		}
		sales[date(p.at)] = s
		for prod, m := range perProduct {
			k := productDay{date(p.at), prod}
			x := products[k]
			x.orders++
			x.units += m.qty
			x.revenue += m.priceCt
			products[k] = x
			if p.refunded {
				k := productDay{date(p.refundedAt), prod}
				x := products[k]
				x.refunds++
				x.refunded += m.priceCt
				products[k] = x
			}
		}
		if p.refunded {
			r := sales[date(p.refundedAt)]
			r.refunds++
			r.refunded += amountOf(p)
			sales[date(p.refundedAt)] = r
		}
	}
	return sales, products
}

func amountOf(p testPurchase) int64 {
	var a int64
	for _, l := range p.lines {
		a += l.qty * l.priceCt
	}
	return a
}

func sendBatches(t *testing.T, s *shop, events []map[string]any) {
	t.Helper()
	for start := 0; start < len(events); start += 300 {
		body, _ := json.Marshal(map[string]any{"events": events[start:min(len(events), start+300)]})
		r := s.post("/api/v1/batch", body)
		if r.status != 200 {
			t.Fatalf("batch: %d %s", r.status, r.body)
		}
		if v, _ := r.field("rejected"); v != float64(0) {
			t.Fatalf("batch rejected events: %s", r.body)
		}
	}
}

func compareRollups(t *testing.T, db *store.DB, appID string, h *history, loc *time.Location) {
	t.Helper()
	gotSales, gotProducts := storedRollups(t, db, appID)
	wantSales, wantProducts := h.expect(loc)
	if len(gotSales) != len(wantSales) {
		t.Errorf("%s: %d days in daily_sales, want %d", loc, len(gotSales), len(wantSales))
	}
	for d, w := range wantSales {
		if gotSales[d] != w {
			t.Errorf("%s: daily_sales %s = %+v, want %+v", loc, d, gotSales[d], w)
		}
	}
	if len(gotProducts) != len(wantProducts) {
		t.Errorf("%s: %d rows in daily_products, want %d", loc, len(gotProducts), len(wantProducts))
	}
	for k, w := range wantProducts {
		if gotProducts[k] != w {
			t.Errorf("%s: daily_products %v = %+v, want %+v", loc, k, gotProducts[k], w)
		}
	}
}

// The rollups equal a brute-force computation over the raw events, in the
// app's time zone, and are rebuilt when the time zone changes.
func TestRollupsMatchRawEvents(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newShop(t, db)
		r := s.c.do("PATCH", "/api/v1/apps/"+s.c.appID, map[string]any{"timezone": "America/Los_Angeles"})
		if r.status != 200 {
			t.Fatalf("set time zone: %d %s", r.status, r.body)
		}
		h := randomHistory(7, 600)
		sendBatches(t, s, h.events)
		la, _ := time.LoadLocation("America/Los_Angeles")
		compareRollups(t, db, s.c.appID, h, la)

		r = s.c.do("PATCH", "/api/v1/apps/"+s.c.appID, map[string]any{"timezone": "Asia/Tokyo"})
		if r.status != 200 {
			t.Fatalf("change time zone: %d %s", r.status, r.body)
		}
		tokyo, _ := time.LoadLocation("Asia/Tokyo")
		compareRollups(t, db, s.c.appID, h, tokyo)
	})
}

// A purchase at 23:30 UTC is on the next day in Moscow, and its refund
// counts on the day of the refund.
func TestRollupDayInAppTimeZone(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newShop(t, db)
		s.c.do("PATCH", "/api/v1/apps/"+s.c.appID, map[string]any{"timezone": "Europe/Moscow"})
		s.run(t, []ingestCase{
			{name: "late purchase", path: "/api/v1/purchases", wantStatus: 201,
				body: `{"id": "o1", "customer_id": "u1", "amount": "20", "purchased_at": "2026-11-10T23:30:00Z", "product": "Book"}`},
			{name: "refund later", path: "/api/v1/purchases", wantStatus: 200,
				body: `{"id": "o1", "customer_id": "u1", "amount": "20", "status": "refunded"}`},
		})
		sales, products := storedRollups(t, db, s.c.appID)
		want := map[string]dayTotals{
			"2026-11-11": {orders: 1, revenue: 2000, units: 1, newCustomers: 1},
			"2026-11-20": {refunds: 1, refunded: 2000},
		}
		if fmt.Sprint(sales) != fmt.Sprint(want) {
			t.Errorf("daily_sales = %v, want %v", sales, want)
		}
		if p := products[productDay{"2026-11-11", "Book"}]; p != (productTotals{orders: 1, units: 1, revenue: 2000}) {
			t.Errorf("Book on 2026-11-11 = %+v", p)
		}
		if p := products[productDay{"2026-11-20", "Book"}]; p != (productTotals{refunds: 1, refunded: 2000}) {
			t.Errorf("Book refund on 2026-11-20 = %+v", p)
		}
	})
}
