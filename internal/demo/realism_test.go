package demo

import (
	"slices"
	"testing"
	"time"
)

// realismChecks measure, on the generated events, every pattern the demo
// exists to show: if one fades, a report or the assistant has nothing to
// find.
func realismChecks(d *dataset) []check {
	start, end := d.h.Start, d.h.End
	firstHalfYear, lastHalfYear := start.AddDate(0, 6, 0), end.AddDate(0, -6, 0)
	day := func(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC) }

	return []check{
		{"catalogue of about 40 products in 6 categories, 5 to 300", func(t *testing.T) {
			units, categories := map[string]int{}, map[string]bool{}
			var lo, hi int64 = 1 << 62, 0
			for _, p := range d.purchases {
				for _, it := range p.Items {
					units[it.ProductID] += it.Quantity
					categories[it.Category] = true
					if p.Attributes.Coupon == nil {
						lo, hi = min(lo, minor(t, it.Price, 2)), max(hi, minor(t, it.Price, 2))
					}
				}
			}
			counts := make([]int, 0, len(units))
			for _, n := range units {
				counts = append(counts, n)
			}
			slices.Sort(counts)
			if len(units) < 35 || len(units) > 45 || len(categories) != 6 || lo < 500 || lo > 1000 || hi < 25000 || hi > 30000 {
				t.Errorf("%d products, %d categories, prices %d..%d cents", len(units), len(categories), lo, hi)
			}
			// Zipf-like: the best seller outsells the median product many times.
			if top, median := counts[len(counts)-1], counts[len(counts)/2]; top < 5*median {
				t.Errorf("best seller %d units, median product %d", top, median)
			}
		}},
		{"bundles bought together", func(t *testing.T) {
			for _, pair := range [][2]string{{"sku-1", "sku-2"}, {"sku-1", "sku-3"}, {"sku-2", "sku-3"},
				{"sku-21", "sku-22"}, {"sku-34", "sku-35"}, {"sku-36", "sku-38"}} {
				if l := d.lift(pair[0], pair[1]); !(l > 3) {
					t.Errorf("lift(%s, %s) = %.2f", pair[0], pair[1], l)
				}
			}
			if l := d.lift("sku-14", "sku-30"); l > 2 {
				t.Errorf("unrelated phone case and robot vacuum have lift %.2f", l)
			}
		}},
		{"growth", func(t *testing.T) {
			var first, last int64
			for _, p := range d.purchases {
				switch a := minor(t, p.Amount, 2); {
				case p.PurchasedAt.Before(firstHalfYear):
					first += a
				case !p.PurchasedAt.Before(lastHalfYear):
					last += a
				}
			}
			if float64(last) < 1.3*float64(first) {
				t.Errorf("revenue in the last six months %d, first six %d", last, first)
			}
		}},
		{"weekends", func(t *testing.T) {
			var weekend, weekday float64
			for _, p := range d.purchases {
				if wd := p.PurchasedAt.Weekday(); wd == time.Saturday || wd == time.Sunday {
					weekend++
				} else {
					weekday++
				}
			}
			if ratio := (weekend / 2) / (weekday / 5); ratio < 1.15 {
				t.Errorf("orders per weekend day / per weekday = %.2f", ratio)
			}
		}},
		{"November–December peak", func(t *testing.T) {
			peak, autumn := d.perDay(day(2025, 11, 1), day(2026, 1, 1)), d.perDay(day(2025, 9, 1), day(2025, 11, 1))
			if peak < 1.25*autumn {
				t.Errorf("orders a day: Nov–Dec %.1f, Sep–Oct %.1f", peak, autumn)
			}
		}},
		{"Black Friday week", func(t *testing.T) {
			bf := day(2025, 11, 28)
			week, before := d.perDay(bf.AddDate(0, 0, -3), bf.AddDate(0, 0, 4)), d.perDay(bf.AddDate(0, 0, -24), bf.AddDate(0, 0, -3))
			if week < 1.8*before {
				t.Errorf("orders a day: Black Friday week %.1f, three weeks before %.1f", week, before)
			}
		}},
		{"coupons only in their promotions", func(t *testing.T) {
			windows := promotionsIn(start, end)
			used := map[string]int{}
			for _, p := range d.purchases {
				if p.Attributes.Coupon == nil {
					continue
				}
				c := *p.Attributes.Coupon
				used[c]++
				if !slices.ContainsFunc(windows, func(w promotion) bool {
					return w.Coupon == c && !p.PurchasedAt.Before(w.From) && p.PurchasedAt.Before(w.To)
				}) {
					t.Fatalf("%s: coupon %s at %v", p.ID, c, p.PurchasedAt)
				}
			}
			for _, c := range []string{"BF24", "BF25", "SPRING15", "SUMMER20", "BTS10"} {
				if used[c] < 50 {
					t.Errorf("coupon %s used %d times", c, used[c])
				}
			}
			for _, w := range windows {
				if w.To.After(end) {
					continue
				}
				in, before := d.perDay(w.From, w.To), d.perDay(w.From.AddDate(0, 0, -14), w.From)
				if in < 1.15*before {
					t.Errorf("%s %v: %.1f orders a day, %.1f before", w.Coupon, w.From, in, before)
				}
			}
		}},
		{"growing acquisition over the whole period", func(t *testing.T) {
			var quarters [4]int
			for _, c := range d.customers {
				quarters[min(3, int(4*c.CreatedAt.Sub(start)/end.Sub(start)))]++
			}
			if quarters[3] <= quarters[1] || quarters[1] < len(d.customers)/8 {
				t.Errorf("sign-ups per quarter %v", quarters)
			}
		}},
		{"buying habits differ and customers churn", func(t *testing.T) {
			orders, revenue := map[string]int{}, map[string]int64{}
			first, last := map[string]time.Time{}, map[string]time.Time{}
			for _, p := range d.purchases {
				orders[p.CustomerID]++
				revenue[p.CustomerID] += minor(t, p.Amount, 2)
				if _, ok := first[p.CustomerID]; !ok {
					first[p.CustomerID] = p.PurchasedAt
				}
				last[p.CustomerID] = p.PurchasedAt
			}
			once, loyal, old, lapsed := 0, 0, 0, 0
			var spend []int64
			var total int64
			for id, n := range orders {
				once += min(1, max(0, 2-n))
				loyal += min(1, n/30)
				spend = append(spend, revenue[id])
				total += revenue[id]
				if first[id].Before(end.AddDate(-1, 0, 0)) {
					old++
					if last[id].Before(end.AddDate(0, 0, -180)) {
						lapsed++
					}
				}
			}
			slices.Sort(spend)
			var top int64
			for _, s := range spend[len(spend)*9/10:] {
				top += s
			}
			buyers := float64(len(orders))
			switch {
			case len(orders) == len(d.customers):
				t.Error("every customer bought; some should only sign up")
			case float64(once)/buyers < 0.1 || float64(once)/buyers > 0.5:
				t.Errorf("one-time buyers %d of %.0f", once, buyers)
			case loyal < 50:
				t.Errorf("only %d customers with 30+ orders", loyal)
			case float64(top) < 0.35*float64(total):
				t.Errorf("top tenth of buyers brings %d of %d", top, total)
			case float64(lapsed) < 0.3*float64(old):
				t.Errorf("%d of %d year-old buyers lapsed", lapsed, old)
			}
		}},
		{"product trends", func(t *testing.T) {
			share := func(sku string) (float64, float64) {
				return d.unitShare(sku, start, firstHalfYear), d.unitShare(sku, lastHalfYear, end)
			}
			if a, b := share("sku-21"); b < 2*a {
				t.Errorf("rising Smart Watch: share %.4f then %.4f", a, b)
			}
			if a, b := share("sku-9"); b > 0.5*a {
				t.Errorf("declining Wired Earbuds: share %.4f then %.4f", a, b)
			}
			launch := start.Add(time.Duration(launchAt * float64(end.Sub(start))))
			if before, after := d.unitShare("sku-13", start, launch), d.unitShare("sku-13", lastHalfYear, end); before != 0 || after < 0.01 {
				t.Errorf("launched Wireless Earbuds Pro: share %.4f before launch, %.4f lately", before, after)
			}
		}},
		{"Smart Ring comes back most", func(t *testing.T) {
			var ring, ringRefunds float64
			for _, p := range d.purchases {
				for _, it := range p.Items {
					if it.ProductID == "sku-24" {
						ring++
						if p.Status == "refunded" {
							ringRefunds++
						}
					}
				}
			}
			if rate := ringRefunds / ring; rate < 0.08 {
				t.Errorf("Smart Ring refund rate %.3f over %.0f orders", rate, ring)
			}
		}},
	}
}
