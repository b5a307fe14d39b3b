package api_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"pulse/internal/demo"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

// On the demo shop, loaded through the batch endpoint, the sales report for
// one quarter by month, compared with the quarter before, equals the brute
// force over the demo's raw purchase events.
func TestSalesReportOnDemoData(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newShop(t, db)
		moscow := setTimezone(t, s, "Europe/Moscow")
		d := demo.Generate(demo.Options{Seed: 5, End: s.h.clock.Now(), Years: 1, Customers: 1500})
		h := &salesHistory{}
		for _, raw := range d.Events {
			var m map[string]any
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			if m["type"] != "purchase" {
				continue
			}
			at, err := time.Parse(time.RFC3339Nano, m["purchased_at"].(string))
			if err != nil {
				t.Fatal(err)
			}
			o := salesOrder{customer: m["customer_id"].(string), at: at, amount: minorUnits(t, m["amount"].(string))}
			if r, ok := m["refunded_at"].(string); ok {
				rt, err := time.Parse(time.RFC3339Nano, r)
				if err != nil {
					t.Fatal(err)
				}
				o.refundedAt = &rt
			}
			h.orders = append(h.orders, o)
		}
		for _, body := range d.Batches(1000) {
			r := s.post("/api/v1/batch", body)
			if r.status != 200 {
				t.Fatalf("batch: %d %s", r.status, r.body)
			}
			if v, _ := r.field("rejected"); v != float64(0) {
				t.Fatalf("demo events rejected: %.300s", r.body)
			}
		}
		r := getOK(t, s, "/api/v1/reports/sales?from=2026-07-01&to=2026-09-30&interval=month&compare=previous_period")
		sameTotals(t, "quarter", r.json.(map[string]any)["totals"], h.expectTotals(moscow, "2026-07-01", "2026-09-30", all))
		prev, _ := r.field("previous.totals")
		sameTotals(t, "previous quarter", prev, h.expectTotals(moscow, r.str("previous.from"), r.str("previous.to"), all))
		for i, m := range [][2]string{{"2026-07-01", "2026-07-31"}, {"2026-08-01", "2026-08-31"}, {"2026-09-01", "2026-09-30"}} {
			b, _ := r.field("series." + strconv.Itoa(i))
			sameTotals(t, m[0], b, h.expectTotals(moscow, m[0], m[1], all))
		}
		if c, _ := r.field("totals.customers"); c == float64(0) {
			t.Errorf("the demo quarter has no customers: %s", r.body)
		}
	})
}

// minorUnits reads a two-digit decimal amount.
func minorUnits(t *testing.T, s string) int64 {
	t.Helper()
	whole, frac, _ := strings.Cut(s, ".")
	frac = (frac + "00")[:2]
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	return n
}
