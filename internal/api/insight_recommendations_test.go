package api_test

import (
	"encoding/csv"
	"fmt"
	"math"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"pulse/internal/money"
	"pulse/internal/store"
	"pulse/internal/storetest"
)

// recLine is one product of an order and what it cost.
type recLine struct {
	product string
	cents   int64
}

// recOrder is a purchase as a test sent it: ago days before the harness's
// today (2026-11-20), at noon UTC, the app's time zone.
type recOrder struct {
	id, customer string
	ago          int
	lines        []recLine
	refunded     bool // refunded before today: gone from the baskets, kept in the product rollups
}

func (o recOrder) amount() int64 {
	var s int64
	for _, l := range o.lines {
		s += l.cents
	}
	return s
}

func (o recOrder) has(product string) bool {
	return slices.ContainsFunc(o.lines, func(l recLine) bool { return l.product == product })
}

var recProductNames = map[string]string{"cam": "Camera", "card": "Memory card", "strap": "Strap", "bag": "Bag"}

// recItemOrders is how many orders of the hand-built shop list products:
// for 147 orders, 147 × (20/147) is a little over 20 in floating point, so
// a pair bought together exactly 20 times is the edge of the bundle rule.
const recItemOrders = 147

// recShopOrders is the hand-built shop. Repeat buyers of long ago (r),
// recent repeat buyers (m) and three-time buyers (t) give 42 gaps between
// a first and a second purchase: 2, 5, …, 59 days, 5…15 and 20…30, whose
// type-7 80th percentile is 34.4, a window of 35 days. One-time buyers of
// the last weeks (n) are the second-purchase audience, with e1 exactly 35
// days back (out of the audience, in the cohort) and e2 a day later (in
// it); old one-time buyers (old) fill the cohort; three customers' orders
// list no products (p). Camera and memory card are bought together in
// exactly 20 orders.
func recShopOrders(t *testing.T) []recOrder {
	t.Helper()
	var out []recOrder
	k := 0
	price := func(p string) int64 {
		k++
		switch p {
		case "cam":
			return []int64{30000, 28900}[k%2]
		case "card":
			return []int64{2500, 2750}[k%2]
		case "strap":
			return 1500
		}
		return 4000
	}
	add := func(cust string, ago int, products ...string) {
		o := recOrder{id: fmt.Sprintf("ord%03d", len(out)), customer: cust, ago: ago}
		for _, p := range products {
			o.lines = append(o.lines, recLine{p, price(p)})
		}
		out = append(out, o)
	}
	for i := range 20 {
		id, first := fmt.Sprintf("r%02d", i), 170-3*i
		switch {
		case i < 12:
			add(id, first, "cam", "card")
		case i < 16:
			add(id, first, "cam")
		default:
			add(id, first, "strap")
		}
		if i%2 == 0 {
			add(id, first-(2+3*i), "card")
		} else {
			add(id, first-(2+3*i), "bag")
		}
	}
	for i := range 11 {
		id := fmt.Sprintf("m%02d", i)
		if i < 6 {
			add(id, 45+i, "cam", "card")
		} else {
			add(id, 45+i, "cam")
		}
		add(id, 40, "strap", "bag")
	}
	for i := range 11 {
		id, first := fmt.Sprintf("t%02d", i), 330-5*i
		if i < 2 {
			add(id, first, "cam", "card")
		} else {
			add(id, first, "bag")
		}
		add(id, first-20-i, "strap")
		switch {
		case i < 5:
			add(id, 60-i, "card")
		case i < 8:
			add(id, 60-i, "cam")
		default:
			add(id, 60-i, "strap")
		}
	}
	for i := range 12 {
		add(fmt.Sprintf("n%02d", i), 1+2*i, []string{"cam", "card", "strap"}[i%3])
	}
	window := recSecond(out, 0).window
	if window != 35 {
		t.Fatalf("the designed gaps give a window of %d days, want 35", window)
	}
	add("e1", window, "bag")
	add("e2", window-1, "bag")
	for i := 0; len(out) < recItemOrders; i++ {
		switch {
		case i%5 == 0:
			add(fmt.Sprintf("old%02d", i), 100+3*i, "card")
		case i%2 == 0:
			add(fmt.Sprintf("old%02d", i), 100+3*i, "strap")
		default:
			add(fmt.Sprintf("old%02d", i), 100+3*i, "bag")
		}
	}
	for i := range 3 {
		out = append(out, recOrder{id: fmt.Sprintf("plain%d", i), customer: fmt.Sprintf("p%d", i), ago: 130 + i})
	}
	return out
}

// recEvents are the orders as batch purchase events, amounts the sum of
// their lines.
func recEvents(orders []recOrder, today time.Time) []map[string]any {
	out := make([]map[string]any, 0, len(orders))
	for _, o := range orders {
		at := today.AddDate(0, 0, -o.ago).Add(12 * time.Hour)
		ev := map[string]any{"type": "purchase", "id": o.id, "customer_id": o.customer,
			"amount": money.Format(o.amount(), 2), "purchased_at": at.Format(time.RFC3339)}
		var items []map[string]any
		for _, l := range o.lines {
			items = append(items, map[string]any{"product_id": l.product, "name": recProductNames[l.product],
				"quantity": 1, "price": money.Format(l.cents, 2)})
		}
		if items != nil {
			ev["items"] = items
		}
		out = append(out, ev)
	}
	return out
}

// recShop loads the hand-built shop into a new account's app.
func recShop(t *testing.T, db *store.DB) (*shop, []recOrder) {
	t.Helper()
	s := newShop(t, db)
	orders := recShopOrders(t)
	sendBatches(t, s, recEvents(orders, trendToday))
	return s, orders
}

// secondExpect is the second-purchase recommendation worked out from the
// orders by brute force.
type secondExpect struct {
	window, cohort, back int
	median               float64
	audience             []string // newest first buyer first, then by id
	values               []float64
	revenue              int64
}

// quantile7 is the type-7 quantile of sorted x, as R's quantile().
func quantile7(x []float64, p float64) float64 {
	h := p * float64(len(x)-1)
	lo := int(math.Floor(h))
	if lo+1 >= len(x) {
		return x[len(x)-1]
	}
	return x[lo] + (h-float64(lo))*(x[lo+1]-x[lo])
}

// recSecond works out the second-purchase numbers as of today ago-days
// back: the 80th percentile of the gaps from first to second purchase day
// (rounded up), the share of customers who first bought at least that
// long ago and came back within it, and the one-time buyers inside it.
func recSecond(orders []recOrder, asOfAgo int) secondExpect {
	days := map[string][]int{} // days as "ago", larger is earlier
	for _, o := range orders {
		if o.refunded || o.ago < asOfAgo {
			continue
		}
		if !slices.Contains(days[o.customer], o.ago) {
			days[o.customer] = append(days[o.customer], o.ago)
		}
	}
	var gaps []float64
	for _, d := range days {
		if len(d) > 1 {
			slices.Sort(d)
			slices.Reverse(d)
			gaps = append(gaps, float64(d[0]-d[1]))
		}
	}
	slices.Sort(gaps)
	var e secondExpect
	e.window = int(math.Ceil(quantile7(gaps, 0.8)))
	e.median = quantile7(gaps, 0.5)
	type one struct {
		id  string
		ago int
	}
	var audience []one
	for id, d := range days {
		first := slices.Max(d) - asOfAgo // days before the as-of day
		if first >= e.window {
			e.cohort++
			if len(d) > 1 {
				sorted := slices.Clone(d)
				slices.Sort(sorted)
				if sorted[len(sorted)-1]-sorted[len(sorted)-2] <= e.window {
					e.back++
				}
			}
		} else if len(d) == 1 {
			audience = append(audience, one{id, first})
		}
	}
	slices.SortFunc(audience, func(a, b one) int {
		if a.ago != b.ago {
			return a.ago - b.ago
		}
		return strings.Compare(a.id, b.id)
	})
	for _, a := range audience {
		e.audience = append(e.audience, a.id)
		var rev int64
		n := 0
		for _, o := range orders {
			if o.customer == a.id && !o.refunded {
				rev += o.amount()
				n++
			}
		}
		e.values = append(e.values, float64(rev)/float64(n))
		e.revenue += rev
	}
	return e
}

// bundleExpect is the bundle of a pair worked out by brute force.
type bundleExpect struct {
	antecedent, consequent string
	n, together, missing   int64
	support, conf, lift    float64
	revenuePerOrder        float64
	q                      float64 // Fisher's one-sided p, Benjamini–Hochberg adjusted over the candidate pairs
}

// hyperUpper is P(X ≥ both) for X hypergeometric: rowA orders drawn from n
// of which colB hold the other product, summed exactly in rationals.
func hyperUpper(both, rowA, colB, n int64) float64 {
	num := new(big.Int)
	for k := both; k <= min(rowA, colB); k++ {
		num.Add(num, new(big.Int).Mul(new(big.Int).Binomial(rowA, k), new(big.Int).Binomial(n-rowA, colB-k)))
	}
	f, _ := new(big.Rat).SetFrac(num, new(big.Int).Binomial(n, colB)).Float64()
	return f
}

// recRevenuePerOrder is a product's revenue per order over the 90 days to
// today, or the 90 before when it did not sell lately, refunded orders
// included as the daily product rollups keep them.
func recRevenuePerOrder(orders []recOrder, product string) float64 {
	for _, span := range [][2]int{{0, 89}, {90, 179}} {
		var rev, n int64
		for _, o := range orders {
			if o.ago < span[0] || o.ago > span[1] {
				continue
			}
			for _, l := range o.lines {
				if l.product == product {
					rev += l.cents
					n++
				}
			}
		}
		if n > 0 {
			return float64(rev) / float64(n)
		}
	}
	return 0
}

// recBundles works out every pair bought together in 20 orders or more
// with a lift of 1.5 or more, over the orders that list products, with the
// direction whose missed orders are worth more.
func recBundles(orders []recOrder) map[[2]string]bundleExpect { return recBundlesWith(orders, true) }

// recBundlesWith is recBundles, with the p-values when withP.
func recBundlesWith(orders []recOrder, withP bool) map[[2]string]bundleExpect {
	var baskets []recOrder
	count := map[string]int64{}
	for _, o := range orders {
		if o.refunded || len(o.lines) == 0 {
			continue
		}
		baskets = append(baskets, o)
		seen := map[string]bool{}
		for _, l := range o.lines {
			if !seen[l.product] {
				count[l.product]++
				seen[l.product] = true
			}
		}
	}
	n := int64(len(baskets))
	together := map[[2]string]int64{}
	for _, o := range baskets {
		for i, x := range o.lines {
			for _, y := range o.lines[i+1:] {
				together[[2]string{min(x.product, y.product), max(x.product, y.product)}]++
			}
		}
	}
	var products []string
	for p := range count {
		products = append(products, p)
	}
	slices.Sort(products)
	out := map[[2]string]bundleExpect{}
	var keys [][2]string
	var ps []float64
	for i, a := range products {
		for _, b := range products[i+1:] {
			both := together[[2]string{a, b}]
			lift := float64(both) * float64(n) / float64(count[a]*count[b])
			if both < 20 || lift < 1.5 {
				continue
			}
			best := bundleExpect{}
			bestWorth := -1.0
			for _, dir := range [][2]string{{a, b}, {b, a}} {
				x, y := dir[0], dir[1]
				var missing int64
				for _, o := range baskets {
					if o.ago <= 89 && o.has(x) && !o.has(y) {
						missing++
					}
				}
				rpo := recRevenuePerOrder(orders, y)
				worth := float64(missing) * rpo
				conf := float64(both) / float64(count[x])
				if worth > bestWorth || (worth == bestWorth && conf > best.conf) {
					bestWorth = worth
					best = bundleExpect{antecedent: x, consequent: y, n: n, together: both, missing: missing,
						support: float64(both) / float64(n), conf: conf, lift: lift, revenuePerOrder: rpo}
				}
			}
			keys = append(keys, [2]string{a, b})
			if withP {
				ps = append(ps, hyperUpper(both, count[a], count[b], n))
			}
			out[[2]string{a, b}] = best
		}
	}
	// Benjamini–Hochberg by hand: q_(i) = min over j ≥ i of p_(j)·m/j.
	m := len(ps)
	for i, k := range keys[:m] {
		q := 1.0
		for j := range ps {
			rank := 1
			for l := range ps {
				if ps[l] < ps[j] || (ps[l] == ps[j] && l < j) {
					rank++
				}
			}
			if ps[j] >= ps[i] {
				q = math.Min(q, ps[j]*float64(m)/float64(rank))
			}
		}
		b := out[k]
		b.q = q
		out[k] = b
	}
	return out
}

// recImpact is the money of a response basis: each of the values an
// independent chance rate: mean rate·Σv, 80 % range from rate(1−rate)Σv².
func recImpact(rate float64, values []float64) (amount, low, high float64) {
	var sum, sq float64
	for _, v := range values {
		sum += v
		sq += v * v
	}
	sd := math.Sqrt(rate * (1 - rate) * sq)
	amount = rate * sum
	return amount, math.Max(0, amount-1.2815515655446004*sd), amount + 1.2815515655446004*sd
}

func repeated(v float64, n int64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// recList fetches the recommendations with query and fails unless 200.
func recList(t *testing.T, h *harness, key, query string) *response {
	t.Helper()
	r := keyReq(h, key, "GET", "/api/v1/insights/recommendations"+query, nil)
	if r.status != http.StatusOK {
		t.Fatalf("recommendations%s: %d %s", query, r.status, r.body)
	}
	return r
}

func recItems(r *response) []map[string]any {
	v, _ := r.field("recommendations")
	var out []map[string]any
	for _, x := range v.([]any) {
		out = append(out, x.(map[string]any))
	}
	return out
}

// recOf is the first recommendation of a kind, nil when there is none.
func recOf(r *response, kind string) map[string]any {
	for _, m := range recItems(r) {
		if m["kind"] == kind {
			return m
		}
	}
	return nil
}

func recByID(r *response, id string) map[string]any {
	for _, m := range recItems(r) {
		if m["id"] == id {
			return m
		}
	}
	return nil
}

func sub(m map[string]any, path string) any {
	var v any = m
	for part := range strings.SplitSeq(path, ".") {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[part]
	}
	return v
}

func minor(t *testing.T, v any) float64 {
	t.Helper()
	s, _ := v.(string)
	x, err := money.Parse(s, 2)
	if err != nil {
		t.Fatalf("%v is not money: %v", v, err)
	}
	return float64(x)
}

// checkImpact compares a recommendation's impact with the mean and range
// worked out in the test, to the cent.
func checkImpact(t *testing.T, rec map[string]any, rate float64, amount, low, high float64) {
	t.Helper()
	for f, want := range map[string]float64{"amount": amount, "low": low, "high": high} {
		sameMoney(t, fmt.Sprintf("%s %s", rec["id"], f), sub(rec, "expected_impact."+f), want, 1)
	}
	if got := sub(rec, "expected_impact.response_rate"); got != rate {
		t.Errorf("%s response_rate = %v, want %v", rec["id"], got, rate)
	}
	if sub(rec, "expected_impact.horizon_days") != float64(90) || sub(rec, "expected_impact.currency") != "USD" {
		t.Errorf("%s impact = %v", rec["id"], rec["expected_impact"])
	}
}

// checkRanking: the new recommendations come first, in descending order
// of amount × confidence (as far as the rounding of both allows), then
// the done ones, then the dismissed ones.
func checkRanking(t *testing.T, r *response) {
	t.Helper()
	items := recItems(r)
	order := map[any]int{"new": 0, "done": 1, "dismissed": 2}
	for i := 1; i < len(items); i++ {
		a, b := items[i-1], items[i]
		if order[a["status"]] > order[b["status"]] {
			t.Errorf("%s (%v) listed before %s (%v)", a["id"], a["status"], b["id"], b["status"])
		}
		if a["status"] != "new" || b["status"] != "new" {
			continue
		}
		sa := minor(t, sub(a, "expected_impact.amount")) * a["confidence"].(float64)
		sb := minor(t, sub(b, "expected_impact.amount")) * b["confidence"].(float64)
		tol := 1 + 0.00005*max(minor(t, sub(a, "expected_impact.amount")), minor(t, sub(b, "expected_impact.amount")))
		if sa < sb-tol {
			t.Errorf("%s (score %.0f) ranked above %s (score %.0f)", a["id"], sa, b["id"], sb)
		}
	}
}

func near(got any, want, tol float64) bool {
	v, ok := got.(float64)
	return ok && math.Abs(v-want) <= tol
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

// TestRecommendationsHandBuiltShop: the bundle and second-purchase
// recommendations of a shop small enough to count by hand equal the
// counts, rules and money the test works out from the orders it sent, at
// the default response rate and at 20 %, in English and in Russian.
func TestRecommendationsHandBuiltShop(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, orders := recShop(t, db)
		bundles := recBundles(orders)
		want, ok := bundles[[2]string{"cam", "card"}]
		if !ok || len(bundles) != 1 || want.n != recItemOrders || want.together != 20 {
			t.Fatalf("the designed shop has bundles %+v, want camera and card bought together in 20 of %d orders", bundles, recItemOrders)
		}
		second := recSecond(orders, 0)
		if second.window != 35 || len(second.audience) != 13 || second.cohort < 30 {
			t.Fatalf("the designed shop's second purchase: %+v", second)
		}

		r := recList(t, s.h, s.c.key, "")
		checkFields(t, nil, "list", r, map[string]any{"as_of": "2026-11-20", "currency": "USD", "lang": "en",
			"response_rate": 0.1, "computed_at": "2026-11-20T10:00:00Z"})
		checkRanking(t, r)

		b := recOf(r, "bundle")
		if b == nil {
			t.Fatalf("no bundle: %s", r.body)
		}
		wantEv := map[string]any{"antecedent": want.antecedent, "consequent": want.consequent,
			"antecedent_name": recProductNames[want.antecedent], "consequent_name": recProductNames[want.consequent],
			"orders_with_both": float64(want.together), "orders_missing_consequent": float64(want.missing),
			"missing_window_days": float64(90), "support": round4(want.support), "confidence": round4(want.conf),
			"lift": round4(want.lift), "revenue_per_order": money.Format(int64(math.Round(want.revenuePerOrder)), 2)}
		for k, w := range wantEv {
			if got := sub(b, "evidence."+k); got != w {
				t.Errorf("bundle evidence %s = %v, want %v", k, got, w)
			}
		}
		if p := sub(b, "evidence.p_value"); !near(p, want.q, 1e-12*math.Max(1, want.q)+want.q*1e-9) {
			t.Errorf("bundle p_value = %v, want %v", p, want.q)
		}
		if !near(b["confidence"], round4(1-want.q), 1e-9) {
			t.Errorf("bundle confidence = %v, want %v", b["confidence"], round4(1-want.q))
		}
		amt, lo, hi := recImpact(0.1, repeated(want.revenuePerOrder, want.missing))
		checkImpact(t, b, 0.1, amt, lo, hi)
		if sub(b, "audience.type") != "products" || sub(b, "audience.count") != float64(2) {
			t.Errorf("bundle audience = %v", b["audience"])
		}

		sp := recOf(r, "second_purchase")
		if sp == nil {
			t.Fatalf("no second_purchase: %s", r.body)
		}
		rate := float64(second.back) / float64(second.cohort)
		for k, w := range map[string]any{"customers": float64(len(second.audience)), "window_days": float64(second.window),
			"cohort": float64(second.cohort), "repeat_rate": round4(rate), "median_gap_days": round4(second.median),
			"revenue": money.Format(second.revenue, 2), "window_quantile": 0.8} {
			if got := sub(sp, "evidence."+k); got != w {
				t.Errorf("second_purchase evidence %s = %v, want %v", k, got, w)
			}
		}
		if !near(sp["confidence"], round4(rate), 1e-9) {
			t.Errorf("second_purchase confidence = %v, want %v", sp["confidence"], round4(rate))
		}
		amt, lo, hi = recImpact(0.1, second.values)
		checkImpact(t, sp, 0.1, amt, lo, hi)
		if sub(sp, "audience.type") != "customers" || sub(sp, "audience.count") != float64(len(second.audience)) {
			t.Errorf("second_purchase audience = %v", sp["audience"])
		}
		if got, want := sp["title"], "Ask 13 first-time buyers for a second order"; got != want {
			t.Errorf("second_purchase title = %q, want %q", got, want)
		}
		for _, rec := range recItems(r) {
			if rec["status"] != "new" || rec["outcome"] != nil || rec["status_changed_at"] != nil || rec["as_of"] != "2026-11-20" {
				t.Errorf("fresh recommendation %v", rec)
			}
		}

		// Russian: the same numbers, Russian words and number formatting.
		ru := recList(t, s.h, s.c.key, "?lang=ru")
		if ru.str("lang") != "ru" {
			t.Errorf("lang = %s", ru.str("lang"))
		}
		for _, rec := range recItems(ru) {
			if !strings.ContainsFunc(rec["title"].(string), func(c rune) bool { return unicode.Is(unicode.Cyrillic, c) }) {
				t.Errorf("Russian title %q has no Cyrillic", rec["title"])
			}
		}
		spRU := recOf(ru, "second_purchase")
		_, lo, hi = recImpact(0.1, second.values)
		for _, frag := range []string{"10,0\u00a0% из 13 клиентов", "от " + ruMoney(lo) + " до " + ruMoney(hi),
			"80,0\u00a0% вторых покупок", ruPercent(rate)} {
			if a := sub(spRU, "expected_impact.assumption").(string) + " " + spRU["rationale"].(string); !strings.Contains(a, frag) {
				t.Errorf("Russian second purchase lacks %q: %s", frag, a)
			}
		}
		if got := recOf(ru, "bundle")["title"]; got != "Продавайте «Memory card» и «Camera» вместе" {
			t.Errorf("Russian bundle title = %q", got)
		}
		if got := recList(t, s.h, s.c.key, "").str("lang"); got != "en" {
			t.Errorf("default lang = %s", got)
		}
		accept := s.h.anon().send(req{method: "GET", path: "/api/v1/insights/recommendations", bearer: s.c.key,
			header: map[string]string{"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}})
		if v, _ := accept.field("lang"); v != "ru" {
			t.Errorf("Accept-Language ru gives lang %v", v)
		}
		for _, q := range []string{"lang=xx", "lang=", "status=open", "as_of=2026-11-21", "as_of=yesterday"} {
			bad := keyReq(s.h, s.c.key, "GET", "/api/v1/insights/recommendations?"+q, nil)
			field, _, _ := strings.Cut(q, "=")
			if bad.status != 422 {
				t.Errorf("?%s: %d %s", q, bad.status, bad.body)
				continue
			}
			checkProblem(t, bad)
			if f, _ := bad.field("errors.0.field"); f != field {
				t.Errorf("?%s names %v, want %s", q, f, field)
			}
		}

		// The response rate: every response-based impact follows it.
		if p := s.c.do("PATCH", "/api/v1/apps/"+s.c.appID, obj{"response_rate": 0.2}); p.status != 200 || p.json.(map[string]any)["response_rate"] != 0.2 {
			t.Fatalf("PATCH response_rate: %d %s", p.status, p.body)
		}
		r2 := recList(t, s.h, s.c.key, "")
		if v, _ := r2.field("response_rate"); v != 0.2 {
			t.Errorf("response_rate after PATCH = %v", v)
		}
		checkRanking(t, r2)
		for _, before := range recItems(r) {
			after := recByID(r2, before["id"].(string))
			if after == nil {
				t.Errorf("%s gone after a change of response rate", before["id"])
				continue
			}
			if sub(before, "expected_impact.response_rate") == nil {
				continue
			}
			a0, a1 := minor(t, sub(before, "expected_impact.amount")), minor(t, sub(after, "expected_impact.amount"))
			if math.Abs(a1-2*a0) > 1 {
				t.Errorf("%s amount %v at 10%%, %v at 20%%: not doubled", before["id"], a0, a1)
			}
			if a := sub(after, "expected_impact.assumption").(string); !strings.Contains(a, "20.0%") {
				t.Errorf("%s assumption at 20%%: %s", before["id"], a)
			}
		}
		amt, lo, hi = recImpact(0.2, repeated(want.revenuePerOrder, want.missing))
		checkImpact(t, recOf(r2, "bundle"), 0.2, amt, lo, hi)
		amt, lo, hi = recImpact(0.2, second.values)
		checkImpact(t, recOf(r2, "second_purchase"), 0.2, amt, lo, hi)
		for _, v := range []any{0, 1.5, -0.1, 0.0009, "x", "0.2", true} {
			p := s.c.do("PATCH", "/api/v1/apps/"+s.c.appID, obj{"response_rate": v})
			if p.status != 422 && p.status != 400 {
				t.Errorf("response_rate %v: %d %s", v, p.status, p.body)
				continue
			}
			checkProblem(t, p)
			if f, _ := p.field("errors.0.field"); f != "response_rate" {
				t.Errorf("response_rate %v: problem names %v: %s", v, f, p.body)
			}
		}
		if p := s.c.do("PATCH", "/api/v1/apps/"+s.c.appID, `{"response_rate": 1e309}`); p.status != 400 && p.status != 422 {
			t.Errorf("response_rate 1e309: %d %s", p.status, p.body)
		} else if f, _ := p.field("errors.0.field"); f != "response_rate" {
			t.Errorf("response_rate 1e309: problem names %v: %s", f, p.body)
		}
		if v, _ := recList(t, s.h, s.c.key, "").field("response_rate"); v != 0.2 {
			t.Errorf("a refused PATCH changed the response rate to %v", v)
		}
	})
}

// ruMoney is minor units of dollars as Russian text writes them.
func ruMoney(v float64) string {
	s := money.Format(int64(math.Round(v)), 2)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString("\u00a0")
		}
		b.WriteRune(c)
	}
	return b.String() + "," + frac + "\u00a0$"
}

func ruPercent(v float64) string {
	return strings.Replace(fmt.Sprintf("%.1f", v*100), ".", ",", 1) + "\u00a0%"
}

// TestRecommendationWinBackIsTheAtRiskList: the win-back audience is the
// customer list's at-risk customers, biggest spenders first, and its money
// is the response rate times the sum of their average orders.
func TestRecommendationWinBackIsTheAtRiskList(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, _, _ := churnShop(t, db)
		risk := walkScores(t, s, url.Values{"at_risk": {"true"}, "limit": {"500"}})
		if len(risk) < 12 {
			t.Fatalf("%d at-risk customers; the churn shop should have a dozen", len(risk))
		}
		slices.SortFunc(risk, func(a, b map[string]any) int {
			ra, rb := minor(t, a["revenue"]), minor(t, b["revenue"])
			if ra != rb {
				if ra > rb {
					return -1
				}
				return 1
			}
			return strings.Compare(a["customer_id"].(string), b["customer_id"].(string))
		})
		var ids []string
		var values []float64
		var revenue float64
		for _, m := range risk {
			ids = append(ids, m["customer_id"].(string))
			values = append(values, minor(t, m["revenue"])/m["orders"].(float64))
			revenue += minor(t, m["revenue"])
		}
		r := recList(t, s.h, s.c.key, "")
		wb := recOf(r, "win_back")
		if wb == nil {
			t.Fatalf("no win_back: %s", r.body)
		}
		amt, lo, hi := recImpact(0.1, values)
		checkImpact(t, wb, 0.1, amt, lo, hi)
		if sub(wb, "evidence.customers") != float64(len(ids)) || minor(t, sub(wb, "evidence.revenue")) != revenue {
			t.Errorf("win_back evidence %v, want %d customers with revenue %.0f", wb["evidence"], len(ids), revenue)
		}
		if sub(wb, "audience.count") != float64(len(ids)) {
			t.Errorf("win_back audience count %v, want %d", sub(wb, "audience.count"), len(ids))
		}
		got := walkPages(t, s.h, s.c.key, sub(wb, "audience.href").(string), 7,
			func(m map[string]any) string { return m["customer_id"].(string) })
		var gotIDs []string
		for _, m := range got {
			gotIDs = append(gotIDs, m["customer_id"].(string))
		}
		sameIDs(t, "win_back audience", gotIDs, ids)
		checkRanking(t, r)
	})
}

// recStatus posts a status and returns the answer.
func recStatus(h *harness, key, id string, body any) *response {
	h.t.Helper()
	return keyReq(h, key, "POST", "/api/v1/insights/recommendations/"+url.PathEscape(id)+"/status", body)
}

// TestRecommendationStatuses: a done mark records its time and then
// counts what the audience bought since, exactly; dismissed ones come
// after done ones; the status filter filters; new removes a mark; bad
// requests are problems naming the field; one app's marks never touch
// another's recommendations of the same id; an ingest key is refused.
func TestRecommendationStatuses(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, orders := recShop(t, db)
		other := s.h.register("Boris", "boris@example.com")
		sendBatches(t, &shop{h: s.h, c: other}, recEvents(orders, trendToday))
		second := recSecond(orders, 0)
		key := s.c.key
		list := recList(t, s.h, key, "")
		bundleID := recOf(list, "bundle")["id"].(string)
		if id := recOf(list, "second_purchase")["id"]; id != "second_purchase" {
			t.Fatalf("second purchase id = %v", id)
		}
		if recOf(recList(t, s.h, other.key, ""), "bundle")["id"] != bundleID {
			t.Fatalf("the two apps' bundles have different ids: the cross-app checks below would prove nothing")
		}

		marked := s.h.clock.Now()
		d := recStatus(s.h, key, "second_purchase", obj{"status": "done"})
		checkFields(t, nil, "mark done", d, map[string]any{"status": "done", "id": "second_purchase",
			"status_changed_at": marked.Format(time.RFC3339), "outcome.customers": 13, "outcome.buyers": 0,
			"outcome.orders": 0, "outcome.revenue": "0.00", "outcome.expected_buyers": 1.3, "outcome.days": 0,
			"audience.count": 13, "kind": "second_purchase"})

		// What the audience buys from the mark on counts; a purchase
		// before it, one refunded, and another customer's do not.
		s.h.clock.Advance(2 * time.Second)
		a := second.audience
		after := marked.Add(time.Second).Format(time.RFC3339)
		buy := func(id, cust, amount, at string) obj {
			return purchaseEv(id, cust, amount, at, nil)
		}
		refunded := buy("x5", a[4], "70.00", after)
		loadBatch(t, s.h, key,
			buy("x1", a[0], "10.00", after), buy("x2", a[0], "12.50", after),
			buy("x3", a[1], "20.00", after), buy("x4", a[2], "33.33", after),
			buy("x6", a[3], "99.00", marked.Add(-time.Hour).Format(time.RFC3339)),
			refunded, refundEv(refunded, after),
			buy("x7", "r00", "55.00", after),
			purchaseEv("x8", "r01", "300.00", after, obj{"items": []obj{{"product_id": "cam", "name": "Camera",
				"quantity": 1, "price": "300.00"}}}))
		got := recByID(recList(t, s.h, key, ""), "second_purchase")
		for k, w := range map[string]any{"status": "done", "outcome.customers": float64(13), "outcome.buyers": float64(3),
			"outcome.orders": float64(4), "outcome.revenue": "75.83", "outcome.expected_buyers": 1.3,
			"outcome.since": marked.Format(time.RFC3339), "audience.count": float64(13)} {
			if v := sub(got, k); v != w {
				t.Errorf("done second purchase %s = %v, want %v", k, v, w)
			}
		}
		// The other app's recommendation of the same id is untouched.
		if o := recByID(recList(t, s.h, other.key, ""), "second_purchase"); o["status"] != "new" || o["outcome"] != nil {
			t.Errorf("marking A's second purchase changed B's: %v", o)
		}

		s.h.clock.Advance(time.Second)
		dis := recStatus(s.h, key, bundleID, obj{"status": "dismissed"})
		checkFields(t, nil, "dismiss", dis, map[string]any{"status": "dismissed", "outcome": nil,
			"status_changed_at": s.h.clock.Now().Format(time.RFC3339)})
		all := recList(t, s.h, key, "")
		checkRanking(t, all)
		items := recItems(all)
		if n := len(items); n < 3 || items[n-2]["id"] != "second_purchase" || items[n-1]["id"] != bundleID {
			t.Errorf("marked ones are not listed last, done before dismissed: %s", all.body)
		}
		for status, want := range map[string][]string{"done": {"second_purchase"}, "dismissed": {bundleID}} {
			var ids []string
			for _, m := range recItems(recList(t, s.h, key, "?status="+status)) {
				ids = append(ids, m["id"].(string))
			}
			sameIDs(t, "?status="+status, ids, want)
		}
		fresh := recItems(recList(t, s.h, key, "?status=new"))
		if len(fresh) != len(items)-2 {
			t.Errorf("?status=new lists %d of %d", len(fresh), len(items))
		}
		for _, m := range fresh {
			if m["status"] != "new" {
				t.Errorf("?status=new lists %v", m)
			}
		}
		if o := recByID(recList(t, s.h, other.key, ""), bundleID); o["status"] != "new" {
			t.Errorf("dismissing A's bundle changed B's: %v", o)
		}
		// B marks its own; A's marks stay as they were.
		recStatus(s.h, other.key, "second_purchase", obj{"status": "dismissed"})
		recStatus(s.h, other.key, bundleID, obj{"status": "new"})
		aList := recList(t, s.h, key, "")
		if m := recByID(aList, "second_purchase"); m["status"] != "done" || sub(m, "outcome.buyers") != float64(3) {
			t.Errorf("B's marks changed A's second purchase: %v", m)
		}
		if m := recByID(aList, bundleID); m["status"] != "dismissed" {
			t.Errorf("B's marks changed A's bundle: %v", m)
		}

		// New again removes the mark, twice over as well as once.
		for range 2 {
			n := recStatus(s.h, key, "second_purchase", obj{"status": "new"})
			checkFields(t, nil, "back to new", n, map[string]any{"status": "new", "status_changed_at": nil, "outcome": nil})
		}
		if m := recByID(recList(t, s.h, key, "?status=new"), "second_purchase"); m == nil || m["outcome"] != nil {
			t.Errorf("second purchase after new: %v", m)
		}

		for _, c := range []struct {
			name   string
			id     string
			body   any
			status []int
			field  string
		}{
			{"unknown id", "win_back-000000000000", obj{"status": "done"}, []int{404}, ""},
			{"status missing", "second_purchase", obj{}, []int{422}, "status"},
			{"status null", "second_purchase", `{"status": null}`, []int{422}, "status"},
			{"status a number", "second_purchase", obj{"status": 1}, []int{400, 422}, "status"},
			{"status unknown", "second_purchase", obj{"status": "archived"}, []int{422}, "status"},
			{"status in capitals", "second_purchase", obj{"status": "DONE"}, []int{422}, "status"},
			{"unknown field", "second_purchase", obj{"status": "done", "note": "x"}, []int{422}, "note"},
		} {
			r := recStatus(s.h, key, c.id, c.body)
			if !slices.Contains(c.status, r.status) {
				t.Errorf("%s: %d %s", c.name, r.status, r.body)
				continue
			}
			checkProblem(t, r)
			if f, _ := r.field("errors.0.field"); c.field != "" && f != c.field {
				t.Errorf("%s: problem names %v, want %s", c.name, f, c.field)
			}
		}
		if m := recByID(recList(t, s.h, key, ""), "second_purchase"); m["status"] != "new" {
			t.Errorf("refused requests changed the second purchase: %v", m)
		}

		ingest := s.c.do("POST", "/api/v1/apps/"+s.c.appID+"/keys", obj{"name": "site", "scope": "ingest"}).str("key")
		for _, q := range []struct{ method, path string }{
			{"GET", "/api/v1/insights/recommendations"},
			{"POST", "/api/v1/insights/recommendations/second_purchase/status"},
			{"GET", "/api/v1/insights/recommendations/second_purchase/audience"},
		} {
			r := keyReq(s.h, ingest, q.method, q.path, obj{"status": "done"})
			if r.status != 403 {
				t.Errorf("%s %s with an ingest key: %d %s", q.method, q.path, r.status, r.body)
				continue
			}
			checkProblem(t, r)
			if r := keyReq(s.h, "", q.method, q.path, obj{"status": "done"}); r.status != 401 {
				t.Errorf("%s %s without a key: %d", q.method, q.path, r.status)
			}
		}
		if m := recByID(recList(t, s.h, key, ""), "second_purchase"); m["status"] != "new" {
			t.Errorf("an ingest key's request changed the second purchase: %v", m)
		}

		// A done bundle follows its suggested product: its orders from the
		// day of the mark on, today's included, against as many days
		// before.
		var prevOrders, prevRevenue int64
		for _, o := range orders {
			for _, l := range o.lines {
				if o.ago == 1 && l.product == "cam" {
					prevOrders++
					prevRevenue += l.cents
				}
			}
		}
		bd := recStatus(s.h, key, bundleID, obj{"status": "done"})
		checkFields(t, nil, "bundle done", bd, map[string]any{"status": "done", "outcome.product": "cam",
			"outcome.orders": 1, "outcome.revenue": "300.00", "outcome.previous_orders": prevOrders,
			"outcome.previous_revenue": money.Format(prevRevenue, 2), "outcome.customers": nil, "outcome.buyers": nil,
			"audience.count": 2})
	})
}

// recAudience walks a recommendation's audience a page at a time and
// returns its customer ids in order.
func recAudience(t *testing.T, h *harness, key, id string, limit int) []string {
	t.Helper()
	rows := walkPages(t, h, key, "/api/v1/insights/recommendations/"+url.PathEscape(id)+"/audience", limit,
		func(m map[string]any) string { return m["customer_id"].(string) })
	var out []string
	for _, m := range rows {
		out = append(out, m["customer_id"].(string))
	}
	return out
}

// recAudienceCSV fetches the audience as CSV: a header, then one row per
// customer; it returns the first column.
func recAudienceCSV(t *testing.T, h *harness, key, id string) []string {
	t.Helper()
	r := keyReq(h, key, "GET", "/api/v1/insights/recommendations/"+url.PathEscape(id)+"/audience?format=csv", nil)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("audience CSV: %d %s %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.body), "\ufeff"))).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("audience CSV does not parse: %v: %s", err, r.body)
	}
	want := []string{"customer_id", "name", "email", "phone", "segment", "p_alive", "clv", "orders", "revenue", "last_purchase_at"}
	if !slices.Equal(recs[0], want) {
		t.Errorf("audience CSV header %q", recs[0])
	}
	var out []string
	for _, rec := range recs[1:] {
		out = append(out, rec[0])
	}
	return out
}

// TestRecommendationAudience: the audience pages walk every customer once
// in the computed order, the CSV has them all, a product audience names
// its products, and an erased customer leaves the audience of a current
// and of a marked recommendation; the list's count agrees with the rows.
func TestRecommendationAudience(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, orders := recShop(t, db)
		key := s.c.key
		want := recSecond(orders, 0).audience
		list := recList(t, s.h, key, "")
		for _, limit := range []int{1, 4, 13, 100} {
			sameIDs(t, fmt.Sprintf("second purchase audience by %d", limit), recAudience(t, s.h, key, "second_purchase", limit), want)
		}
		sameIDs(t, "second purchase audience CSV", recAudienceCSV(t, s.h, key, "second_purchase"), want)
		first := keyReq(s.h, key, "GET", "/api/v1/insights/recommendations/second_purchase/audience?limit=2", nil)
		checkFields(t, nil, "audience page", first, map[string]any{"recommendation_id": "second_purchase",
			"type": "customers", "count": 13, "data.0.customer_id": want[0], "data.0.orders": 1,
			"data.1.customer_id": want[1]})

		bundle := recOf(list, "bundle")
		bp := keyReq(s.h, key, "GET", sub(bundle, "audience.href").(string), nil)
		checkFields(t, nil, "bundle audience", bp, map[string]any{"type": "products", "count": 2,
			"data.0.product": "card", "data.0.name": "Memory card", "data.1.product": "cam", "data.1.name": "Camera",
			"next_cursor": nil})

		next := first.str("next_cursor")
		for name, path := range map[string]string{
			"garbage cursor":            "/api/v1/insights/recommendations/second_purchase/audience?cursor=garbage",
			"another audience's cursor": sub(bundle, "audience.href").(string) + "?cursor=" + url.QueryEscape(next),
			"limit 0":                   "/api/v1/insights/recommendations/second_purchase/audience?limit=0",
		} {
			r := keyReq(s.h, key, "GET", path, nil)
			field := "cursor"
			if strings.Contains(path, "limit=0") {
				field = "limit"
			}
			if r.status != 422 {
				t.Errorf("%s: %d %s", name, r.status, r.body)
				continue
			}
			checkProblem(t, r)
			if f, _ := r.field("errors.0.field"); f != field {
				t.Errorf("%s: problem names %v", name, f)
			}
		}
		if r := keyReq(s.h, key, "GET", "/api/v1/insights/recommendations/nope/audience", nil); r.status != 404 {
			t.Errorf("audience of an unknown id: %d %s", r.status, r.body)
		}

		erase := func(id string) {
			t.Helper()
			if r := keyReq(s.h, key, "DELETE", custPath(id), nil); r.status != http.StatusNoContent {
				t.Fatalf("erase %s: %d %s", id, r.status, r.body)
			}
		}
		// Erased from a current recommendation.
		erase(want[0])
		sameIDs(t, "audience after an erasure", recAudience(t, s.h, key, "second_purchase", 5), want[1:])
		if c := sub(recOf(recList(t, s.h, key, ""), "second_purchase"), "audience.count"); c != float64(12) {
			t.Errorf("audience count after an erasure = %v, want 12", c)
		}
		// Marked done, the audience is the customers it was marked with:
		// one who buys again since is still in it, one erased is not.
		if r := recStatus(s.h, key, "second_purchase", obj{"status": "done"}); r.status != 200 {
			t.Fatalf("mark: %d %s", r.status, r.body)
		}
		s.h.clock.Advance(2 * time.Second)
		loadBatch(t, s.h, key, purchaseEv("again", want[1], "10.00", s.h.clock.Now().Add(-time.Second).Format(time.RFC3339), nil))
		erase(want[2]) // also makes the insights recompute
		marked := append([]string{want[1]}, want[3:]...)
		slices.Sort(marked)
		got := recAudience(t, s.h, key, "second_purchase", 4)
		slices.Sort(got)
		sameIDs(t, "marked audience after an erasure", got, marked)
		csvIDs := recAudienceCSV(t, s.h, key, "second_purchase")
		slices.Sort(csvIDs)
		sameIDs(t, "marked audience CSV after an erasure", csvIDs, marked)
		sp := recByID(recList(t, s.h, key, ""), "second_purchase")
		if sub(sp, "audience.count") != float64(len(marked)) {
			t.Errorf("marked audience count = %v, its pages list %d", sub(sp, "audience.count"), len(marked))
		}
		if sub(sp, "outcome.buyers") != float64(1) || sub(sp, "outcome.revenue") != "10.00" {
			t.Errorf("marked outcome = %v", sp["outcome"])
		}
	})
}
