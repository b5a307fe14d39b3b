package api_test

import (
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

// salesHistory is a random but reproducible shop history, kept as the raw
// purchases it sends so that every report figure can be recomputed here
// without the code under test.
type salesHistory struct {
	events    []obj
	orders    []salesOrder
	countries map[string]string // customer → country attribute, when sent
}

type salesOrder struct {
	customer   string
	at         time.Time
	amount     int64
	refundedAt *time.Time
	channel    string // purchase attribute, "" when not sent
	lines      []testLine
}

func randomSalesHistory(seed uint64, n int) *salesHistory {
	rng := rand.New(rand.NewPCG(seed, 2))
	base := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	h := &salesHistory{countries: map[string]string{}}
	nCust := n/5 + 1
	for i := range nCust {
		id := fmt.Sprintf("c%d", i)
		switch rng.IntN(3) {
		case 0:
			h.countries[id] = "RU"
			h.events = append(h.events, customerEv(id, obj{"attributes": obj{"country": "RU"}}))
		case 1:
			h.countries[id] = "DE"
			h.events = append(h.events, customerEv(id, obj{"attributes": obj{"country": "DE"}}))
		}
	}
	var buys []obj
	for i := range n {
		o := salesOrder{customer: fmt.Sprintf("c%d", rng.IntN(nCust)),
			at: base.Add(time.Duration(rng.Int64N(int64(120 * 24 * time.Hour)))).Truncate(time.Second)}
		fields := obj{}
		var items []obj
		for range 1 + rng.IntN(3) {
			l := testLine{product: fmt.Sprintf("sku-%d", rng.IntN(6)), qty: 1 + rng.Int64N(3), priceCt: 100 + rng.Int64N(5000)}
			o.lines = append(o.lines, l)
			o.amount += l.qty * l.priceCt
			items = append(items, obj{"product_id": l.product, "name": "Product " + l.product,
				"quantity": l.qty, "price": cents(l.priceCt)})
		}
		fields["items"] = items
		if c := []string{"", "web", "app"}[rng.IntN(3)]; c != "" {
			o.channel = c
			fields["attributes"] = obj{"channel": c}
		}
		ev := purchaseEv(fmt.Sprintf("o%d", i), o.customer, cents(o.amount), o.at.Format(time.RFC3339), fields)
		if rng.IntN(8) == 0 {
			r := o.at.Add(time.Duration(rng.Int64N(int64(20 * 24 * time.Hour)))).Truncate(time.Second)
			o.refundedAt = &r
			ev["status"], ev["refunded_at"] = "refunded", r.Format(time.RFC3339)
		}
		h.orders = append(h.orders, o)
		buys = append(buys, ev)
	}
	// Purchases arrive out of order, so first orders move back in time.
	rng.Shuffle(len(buys), func(i, j int) { buys[i], buys[j] = buys[j], buys[i] })
	h.events = append(h.events, buys...)
	return h
}

// cents formats minor units of a two-digit currency.
func cents(n int64) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return fmt.Sprintf("%s%d.%02d", sign, n/100, n%100)
}

// dateIn is t's local date in loc.
func dateIn(t time.Time, loc *time.Location) string { return t.In(loc).Format(time.DateOnly) }

// expectTotals computes a range's figures from the raw orders, as the JSON
// holds them. keep selects the orders and refunds that count (a group).
func (h *salesHistory) expectTotals(loc *time.Location, from, to string, keep func(salesOrder) bool) map[string]any {
	in := func(t time.Time) bool { d := dateIn(t, loc); return d >= from && d <= to }
	first := map[string]string{}
	for _, o := range h.orders {
		if d, ok := first[o.customer]; !ok || dateIn(o.at, loc) < d {
			first[o.customer] = dateIn(o.at, loc)
		}
	}
	var revenue, refunds, orders, refundsCount int64
	perCustomer := map[string]int{}
	for _, o := range h.orders {
		if !keep(o) {
			continue
		}
		if in(o.at) {
			revenue += o.amount
			orders++
			perCustomer[o.customer]++
		}
		if o.refundedAt != nil && in(*o.refundedAt) {
			refunds += o.amount
			refundsCount++
		}
	}
	var newC, repeaters int64
	for c, n := range perCustomer {
		if first[c] >= from {
			newC++
		}
		if n >= 2 {
			repeaters++
		}
	}
	custs := int64(len(perCustomer))
	m := map[string]any{
		"revenue": cents(revenue), "refunds": cents(refunds), "net_revenue": cents(revenue - refunds),
		"orders": float64(orders), "refunds_count": float64(refundsCount), "average_order_value": nil,
		"customers": float64(custs), "new_customers": float64(newC), "returning_customers": float64(custs - newC),
		"repeat_purchase_rate": nil,
	}
	if orders > 0 {
		m["average_order_value"] = cents((2*revenue + orders) / (2 * orders))
	}
	if custs > 0 {
		m["repeat_purchase_rate"] = math.Round(10000*float64(repeaters)/float64(custs)) / 100
	}
	return m
}

func all(salesOrder) bool { return true }

// expectBuckets cuts from..to into days, Monday weeks or months, computed
// with the calendar rather than day numbers.
func expectBuckets(from, to, interval string) [][2]string {
	f, _ := time.Parse(time.DateOnly, from)
	t, _ := time.Parse(time.DateOnly, to)
	var out [][2]string
	key := func(d time.Time) string {
		switch interval {
		case "week":
			return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7)).Format(time.DateOnly)
		case "month":
			return d.Format("2006-01")
		}
		return d.Format(time.DateOnly)
	}
	for d := f; !d.After(t); d = d.AddDate(0, 0, 1) {
		s := d.Format(time.DateOnly)
		if len(out) > 0 && key(d) == key(d.AddDate(0, 0, -1)) {
			out[len(out)-1][1] = s
			continue
		}
		out = append(out, [2]string{s, s})
	}
	return out
}

// totalFields picks the totals fields out of a JSON object.
func totalFields(v any) map[string]any {
	m, _ := v.(map[string]any)
	out := map[string]any{}
	for _, k := range []string{"revenue", "refunds", "net_revenue", "orders", "refunds_count", "average_order_value",
		"customers", "new_customers", "returning_customers", "repeat_purchase_rate"} {
		out[k] = m[k]
	}
	return out
}

func sameTotals(t *testing.T, what string, got any, want map[string]any) {
	t.Helper()
	if g := totalFields(got); !reflect.DeepEqual(g, want) {
		t.Errorf("%s:\n got %v\nwant %v", what, g, want)
	}
}

func getOK(t *testing.T, s *shop, path string) *response {
	t.Helper()
	r := s.get(path)
	if r.status != 200 {
		t.Fatalf("GET %s: %d %s", path, r.status, r.body)
	}
	return r
}

func setTimezone(t *testing.T, s *shop, tz string) *time.Location {
	t.Helper()
	if r := s.c.do("PATCH", "/api/v1/apps/"+s.c.appID, obj{"timezone": tz}); r.status != 200 {
		t.Fatalf("set time zone %s: %d %s", tz, r.status, r.body)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// checkSales compares a sales report, with its previous period, with the
// brute force for every interval.
func checkSales(t *testing.T, s *shop, h *salesHistory, loc *time.Location, from, to string) {
	t.Helper()
	for _, interval := range []string{"day", "week", "month"} {
		r := getOK(t, s, "/api/v1/reports/sales?compare=previous_period&from="+from+"&to="+to+"&interval="+interval)
		sameTotals(t, interval+" totals", r.json.(map[string]any)["totals"], h.expectTotals(loc, from, to, all))
		series, _ := r.field("series")
		buckets := expectBuckets(from, to, interval)
		if len(series.([]any)) != len(buckets) {
			t.Fatalf("%s: %d buckets, want %d", interval, len(series.([]any)), len(buckets))
		}
		for i, b := range buckets {
			got := series.([]any)[i].(map[string]any)
			if got["period_start"] != b[0] || got["period_end"] != b[1] {
				t.Errorf("%s bucket %d = %v..%v, want %v", interval, i, got["period_start"], got["period_end"], b)
			}
			sameTotals(t, interval+" "+b[0], got, h.expectTotals(loc, b[0], b[1], all))
		}
		pf, pt := r.str("previous.from"), r.str("previous.to")
		f, _ := time.Parse(time.DateOnly, from)
		tt, _ := time.Parse(time.DateOnly, to)
		days := int(tt.Sub(f).Hours()/24) + 1
		if want := f.AddDate(0, 0, -days).Format(time.DateOnly); pf != want || pt != f.AddDate(0, 0, -1).Format(time.DateOnly) {
			t.Errorf("previous = %s..%s, want %s..", pf, pt, want)
		}
		prevTotals, _ := r.field("previous.totals")
		sameTotals(t, "previous", prevTotals, h.expectTotals(loc, pf, pt, all))
	}
}

// The sales, products and top-customers reports equal a brute-force
// computation over the raw purchases, in the app's time zone, before and
// after the zone changes; breakdowns by a purchase and a customer
// attribute too.
func TestSalesReportsMatchBruteForce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newShop(t, db)
		la := setTimezone(t, s, "America/Los_Angeles")
		h := randomSalesHistory(11, 700)
		sendBatches(t, s, h.events)
		from, to := "2026-08-20", "2026-10-05"
		checkSales(t, s, h, la, from, to)
		checkGroups(t, s, h, la, from, to)
		checkProducts(t, s, h, la, from, to)
		checkTopCustomers(t, s, h, la, from, to)

		tokyo := setTimezone(t, s, "Asia/Tokyo")
		checkSales(t, s, h, tokyo, from, to)
		checkProducts(t, s, h, tokyo, from, to)
		// Events after the change land in the rebuilt sets.
		more := randomSalesHistory(12, 100)
		for i, ev := range more.events {
			if ev["type"] == "purchase" {
				ev["id"] = fmt.Sprintf("late%d", i)
			}
		}
		sendBatches(t, s, more.events)
		h.orders = append(h.orders, more.orders...)
		checkSales(t, s, h, tokyo, from, to)
	})
}

func checkGroups(t *testing.T, s *shop, h *salesHistory, loc *time.Location, from, to string) {
	t.Helper()
	cases := []struct {
		groupBy string
		values  []string
		of      func(salesOrder) string
	}{
		{"purchase.channel", []string{"web", "app", "(none)"}, func(o salesOrder) string { return o.channel }},
		{"customer.country", []string{"RU", "DE", "(none)"}, func(o salesOrder) string { return h.countries[o.customer] }},
	}
	for _, c := range cases {
		r := getOK(t, s, "/api/v1/reports/sales?from="+from+"&to="+to+"&group_by="+c.groupBy)
		if r.str("group_by") != c.groupBy {
			t.Errorf("group_by = %s", r.str("group_by"))
		}
		got := map[string]any{}
		groups, _ := r.field("groups")
		for _, g := range groups.([]any) {
			got[g.(map[string]any)["value"].(string)] = g
		}
		if len(got) != len(c.values) {
			t.Errorf("%s: groups %v", c.groupBy, slices.Collect(mapsKeys(got)))
		}
		for _, v := range c.values {
			want := v
			if v == "(none)" {
				want = ""
			}
			sameTotals(t, c.groupBy+"="+v, got[v], h.expectTotals(loc, from, to, func(o salesOrder) bool { return c.of(o) == want }))
		}
	}
}

func mapsKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// expectProducts computes each product's figures in from..to.
func (h *salesHistory) expectProducts(loc *time.Location, from, to string) map[string]map[string]any {
	in := func(t time.Time) bool { d := dateIn(t, loc); return d >= from && d <= to }
	type acc struct {
		revenue, refunds, units, orders int64
		buyers                          map[string]bool
	}
	ps := map[string]*acc{}
	get := func(p string) *acc {
		if ps[p] == nil {
			ps[p] = &acc{buyers: map[string]bool{}}
		}
		return ps[p]
	}
	var total int64
	for _, o := range h.orders {
		merged := map[string][2]int64{}
		for _, l := range o.lines {
			m := merged[l.product]
			merged[l.product] = [2]int64{m[0] + l.qty, m[1] + l.qty*l.priceCt}
		}
		for p, m := range merged {
			if in(o.at) {
				a := get(p)
				a.units += m[0]
				a.revenue += m[1]
				a.orders++
				a.buyers[o.customer] = true
				total += m[1]
			}
			if o.refundedAt != nil && in(*o.refundedAt) {
				get(p).refunds += m[1]
			}
		}
	}
	out := map[string]map[string]any{}
	for p, a := range ps {
		out[p] = map[string]any{"revenue": cents(a.revenue), "refunds": cents(a.refunds), "units": float64(a.units),
			"orders": float64(a.orders), "customers": float64(len(a.buyers)),
			"share_of_revenue": math.Round(10000*float64(a.revenue)/float64(total)) / 100}
	}
	return out
}

func checkProducts(t *testing.T, s *shop, h *salesHistory, loc *time.Location, from, to string) {
	t.Helper()
	r := getOK(t, s, "/api/v1/reports/products?from="+from+"&to="+to)
	want := h.expectProducts(loc, from, to)
	pf, pt := r.str("previous.from"), r.str("previous.to")
	prev := h.expectProducts(loc, pf, pt)
	products, _ := r.field("products")
	if len(products.([]any)) != len(want) {
		t.Fatalf("%d products, want %d: %s", len(products.([]any)), len(want), r.body)
	}
	lastRevenue := math.Inf(1)
	for _, p := range products.([]any) {
		pm := p.(map[string]any)
		id := pm["product"].(string)
		got := map[string]any{}
		for k := range want[id] {
			got[k] = pm[k]
		}
		if !reflect.DeepEqual(got, want[id]) {
			t.Errorf("product %s:\n got %v\nwant %v", id, got, want[id])
		}
		if pm["name"] != "Product "+id {
			t.Errorf("product %s name %v", id, pm["name"])
		}
		if pm["previous_revenue"] != prev[id]["revenue"] {
			t.Errorf("product %s previous revenue %v, want %v", id, pm["previous_revenue"], prev[id]["revenue"])
		}
		var rev float64
		fmt.Sscan(pm["revenue"].(string), &rev)
		if rev > lastRevenue {
			t.Errorf("products not sorted by revenue: %s", r.body)
		}
		lastRevenue = rev
	}
}

func checkTopCustomers(t *testing.T, s *shop, h *salesHistory, loc *time.Location, from, to string) {
	t.Helper()
	r := getOK(t, s, "/api/v1/reports/customers?limit=500&from="+from+"&to="+to)
	type row struct {
		orders  float64
		revenue int64
		last    time.Time
	}
	want := map[string]*row{}
	for _, o := range h.orders {
		if d := dateIn(o.at, loc); d < from || d > to {
			continue
		}
		w := want[o.customer]
		if w == nil {
			w = &row{}
			want[o.customer] = w
		}
		w.orders++
		w.revenue += o.amount
		if o.at.After(w.last) {
			w.last = o.at
		}
	}
	customers, _ := r.field("customers")
	if len(customers.([]any)) != len(want) {
		t.Fatalf("%d customers, want %d", len(customers.([]any)), len(want))
	}
	var prev int64 = math.MaxInt64
	for _, c := range customers.([]any) {
		cm := c.(map[string]any)
		w := want[cm["id"].(string)]
		last, _ := time.Parse(time.RFC3339, cm["last_purchase_at"].(string))
		if w == nil || cm["orders"] != w.orders || cm["revenue"] != cents(w.revenue) || !last.Equal(w.last) {
			t.Errorf("customer %v = %v, want %+v", cm["id"], cm, w)
			continue
		}
		if w.revenue > prev {
			t.Errorf("customers not sorted by revenue")
		}
		prev = w.revenue
	}
}

// csvRows fetches a report as CSV.
func csvRows(t *testing.T, s *shop, path string, header map[string]string) [][]string {
	t.Helper()
	r := s.h.anon().send(req{method: "GET", path: path, bearer: s.c.key, header: header})
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("GET %s as CSV: %d %s %s", path, r.status, r.header.Get("Content-Type"), r.body)
	}
	rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
