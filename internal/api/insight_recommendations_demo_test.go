package api_test

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"pulse/internal/demo"
	"pulse/internal/money"
)

// demoRecOrders reads the demo's purchases as the recommendation tests'
// orders, in UTC (the app's zone): lines merged by product, a refunded
// purchase marked so.
func demoRecOrders(t *testing.T, h *demo.History, today time.Time, loc *time.Location) []recOrder {
	t.Helper()
	var out []recOrder
	for _, raw := range h.Events {
		var ev struct {
			Type        string     `json:"type"`
			ID          string     `json:"id"`
			CustomerID  string     `json:"customer_id"`
			PurchasedAt time.Time  `json:"purchased_at"`
			RefundedAt  *time.Time `json:"refunded_at"`
			Items       []struct {
				ProductID string `json:"product_id"`
				Quantity  int64  `json:"quantity"`
				Price     string `json:"price"`
			} `json:"items"`
		}
		if err := json.Unmarshal(raw, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Type != "purchase" {
			continue
		}
		d := ev.PurchasedAt.In(loc)
		o := recOrder{id: ev.ID, customer: ev.CustomerID, refunded: ev.RefundedAt != nil,
			ago: int(today.Sub(time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)) / (24 * time.Hour))}
		for _, it := range ev.Items {
			price, err := money.Parse(it.Price, 2)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(o.lines, func(l recLine) bool { return l.product == it.ProductID })
			if i < 0 {
				o.lines = append(o.lines, recLine{product: it.ProductID})
				i = len(o.lines) - 1
			}
			o.lines[i].cents += it.Quantity * price
		}
		out = append(out, o)
	}
	return out
}

// checkRecommendationsOnDemo: the demo shop gets the recommendations
// its generator plants — the designed bundles, cross-sells, a win-back and
// a second-purchase campaign — with every bundle's counts equal to the
// brute force over the events sent, sane ranges and confidences, audience
// links that work, a ranking that follows the response rate, and a
// customer page listing products the customer never bought.
func checkRecommendationsOnDemo(t *testing.T, s *shop, h *demo.History, ny *time.Location) {
	orders := demoRecOrders(t, h, trendToday, ny)
	r := recList(t, s.h, s.c.key, "")
	items := recItems(r)
	if len(items) == 0 {
		t.Fatalf("no recommendation on the demo: %s", r.body)
	}
	kinds := map[string]int{}
	for _, rec := range items {
		kinds[rec["kind"].(string)]++
	}
	for _, k := range []string{"bundle", "cross_sell", "win_back", "second_purchase"} {
		if kinds[k] == 0 {
			t.Errorf("no %s recommendation on the demo (kinds %v)", k, kinds)
		}
	}
	checkRanking(t, r)

	// Every bundle equals the brute force over the orders sent; the
	// designed pairs are among them.
	want := recBundlesNoP(orders)
	pairs := map[[2]string]bool{}
	for _, rec := range items {
		if rec["kind"] != "bundle" {
			continue
		}
		a, b := sub(rec, "evidence.antecedent").(string), sub(rec, "evidence.consequent").(string)
		key := [2]string{min(a, b), max(a, b)}
		pairs[key] = true
		w, ok := want[key]
		if !ok {
			t.Errorf("bundle %s ⇒ %s is no pair bought together in 20 orders with a lift of 1.5", a, b)
			continue
		}
		for k, v := range map[string]any{"antecedent": w.antecedent, "consequent": w.consequent,
			"orders_with_both": float64(w.together), "orders_missing_consequent": float64(w.missing),
			"support": round4(w.support), "confidence": round4(w.conf), "lift": round4(w.lift),
			"revenue_per_order": money.Format(int64(math.Round(w.revenuePerOrder)), 2)} {
			if got := sub(rec, "evidence."+k); got != v {
				t.Errorf("bundle %s ⇒ %s evidence %s = %v, want %v", a, b, k, got, v)
			}
		}
		amt, lo, hi := recImpact(0.1, repeated(w.revenuePerOrder, w.missing))
		checkImpact(t, rec, 0.1, amt, lo, hi)
	}
	if !pairs[[2]string{"sku-21", "sku-22"}] {
		t.Errorf("the Smart Watch and Watch Band bundle is not recommended: %v", pairs)
	}
	if !pairs[[2]string{"sku-1", "sku-2"}] && !pairs[[2]string{"sku-1", "sku-3"}] {
		t.Errorf("no camera bundle is recommended: %v", pairs)
	}

	// The second-purchase campaign equals the brute force too.
	second := recSecond(orders, 0)
	sp := recOf(r, "second_purchase")
	for k, v := range map[string]any{"window_days": float64(second.window), "cohort": float64(second.cohort),
		"customers": float64(len(second.audience)), "median_gap_days": round4(second.median),
		"repeat_rate": round4(float64(second.back) / float64(second.cohort))} {
		if got := sub(sp, "evidence."+k); got != v {
			t.Errorf("second purchase evidence %s = %v, want %v", k, got, v)
		}
	}
	got := recAudience(t, s.h, s.c.key, "second_purchase", 500)
	sameIDs(t, "demo second purchase audience", got, second.audience)

	// In Russian the numbers take the case their words need.
	ru := recList(t, s.h, s.c.key, "?lang=ru")
	if text := recOf(ru, "second_purchase")["rationale"].(string); !strings.Contains(text,
		fmt.Sprintf("в течение %d %s после первой", second.window, ruPlural(second.window, "дня", "дней", "дней"))) {
		t.Errorf("Russian second purchase rationale: %s", text)
	}
	for _, rec := range recItems(ru) {
		if rec["kind"] != "bundle" {
			continue
		}
		m := int(sub(rec, "evidence.orders_missing_consequent").(float64))
		if want := fmt.Sprintf("в %d %s с «", m, ruPlural(m, "заказе", "заказах", "заказах")); !strings.Contains(rec["rationale"].(string), want) {
			t.Errorf("Russian bundle rationale lacks %q: %s", want, rec["rationale"])
		}
		n := int(sub(rec, "evidence.orders_with_both").(float64))
		if want := fmt.Sprintf("(%s %s вместе", ruInt(n), ruPlural(n, "заказ", "заказа", "заказов")); !strings.Contains(rec["rationale"].(string), want) {
			t.Errorf("Russian bundle rationale lacks %q: %s", want, rec["rationale"])
		}
	}

	for _, rec := range items {
		id := rec["id"].(string)
		amount, low, high := minor(t, sub(rec, "expected_impact.amount")), minor(t, sub(rec, "expected_impact.low")),
			minor(t, sub(rec, "expected_impact.high"))
		if !(0 <= low && low <= amount && amount <= high) {
			t.Errorf("%s impact %v ≤ %v ≤ %v does not hold", id, low, amount, high)
		}
		if c := rec["confidence"].(float64); c < 0 || c > 1 {
			t.Errorf("%s confidence %v", id, c)
		}
		if rec["title"] == "" || rec["rationale"] == "" || sub(rec, "expected_impact.assumption") == "" {
			t.Errorf("%s has no text: %v", id, rec)
		}
		href := sub(rec, "audience.href").(string)
		count := int(sub(rec, "audience.count").(float64))
		if count == 0 {
			t.Errorf("%s has an empty audience", id)
		}
		rows := walkPages(t, s.h, s.c.key, href, 500, func(m map[string]any) string {
			return fmt.Sprint(m["customer_id"], m["product"])
		})
		if len(rows) != count {
			t.Errorf("%s: audience count %d, its pages list %d", id, count, len(rows))
		}
	}

	// Each customer's next products: at most five, none bought before,
	// best first.
	bought := map[string]map[string]bool{}
	for _, o := range orders {
		if o.refunded {
			continue
		}
		if bought[o.customer] == nil {
			bought[o.customer] = map[string]bool{}
		}
		for _, l := range o.lines {
			bought[o.customer][l.product] = true
		}
	}
	// Every cross-sell equals the brute force over the customers'
	// products: its pair's shares, its audience (who have not bought the
	// product) and its impact at the product's revenue per order.
	productBuyers := map[string]int{}
	for _, ps := range bought {
		for p := range ps {
			productBuyers[p]++
		}
	}
	crossSells := 0
	for _, rec := range items {
		if rec["kind"] != "cross_sell" {
			continue
		}
		crossSells++
		product, because := sub(rec, "evidence.product").(string), sub(rec, "evidence.because").(string)
		common := 0
		for _, ps := range bought {
			if ps[product] && ps[because] {
				common++
			}
		}
		conf := float64(common) / float64(productBuyers[because])
		lift := conf / (float64(productBuyers[product]) / float64(len(bought)))
		rpo := recRevenuePerOrder(orders, product)
		for k, v := range map[string]any{"customers_with_both": float64(common), "confidence": round4(conf),
			"lift": round4(lift), "revenue_per_order": money.Format(int64(math.Round(rpo)), 2)} {
			if got := sub(rec, "evidence."+k); got != v {
				t.Errorf("cross-sell of %s because of %s: %s = %v, want %v", product, because, k, got, v)
			}
		}
		rows := walkPages(t, s.h, s.c.key, sub(rec, "audience.href").(string), 500, func(m map[string]any) string {
			return m["customer_id"].(string)
		})
		for _, m := range rows {
			if id := m["customer_id"].(string); bought[id][product] || len(bought[id]) == 0 {
				t.Errorf("cross-sell of %s: %s has bought it, or nothing", product, id)
			}
		}
		if sub(rec, "evidence.customers") != float64(len(rows)) {
			t.Errorf("cross-sell of %s: %v customers, the audience lists %d", product, sub(rec, "evidence.customers"), len(rows))
		}
		amt, lo, hi := recImpact(0.1, repeated(rpo, int64(len(rows))))
		checkImpact(t, rec, 0.1, amt, lo, hi)
	}
	if crossSells == 0 {
		t.Error("no cross-sell to check")
	}

	var buyers []string
	for id := range bought {
		buyers = append(buyers, id)
	}
	slices.Sort(buyers)
	withNext := 0
	for _, id := range buyers[:40] {
		c := keyReq(s.h, s.c.key, "GET", custPath(id), nil)
		if c.status != 200 {
			t.Fatalf("customer %s: %d %s", id, c.status, c.body)
		}
		v, ok := c.field("next_products")
		list, isList := v.([]any)
		if !ok || !isList {
			t.Errorf("customer %s has no next_products list: %s", id, c.body)
			continue
		}
		if len(list) > 5 {
			t.Errorf("customer %s: %d next products", id, len(list))
		}
		if len(list) > 0 {
			withNext++
		}
		prev := math.Inf(1)
		for _, x := range list {
			p := x.(map[string]any)
			if bought[id][p["product"].(string)] {
				t.Errorf("customer %s is offered %v, which they bought", id, p["product"])
			}
			if !bought[id][p["because"].(string)] {
				t.Errorf("customer %s is offered %v because of %v, which they never bought", id, p["product"], p["because"])
			}
			if sc := p["score"].(float64); sc > prev || sc <= 0 {
				t.Errorf("customer %s next products not by score: %v", id, list)
			} else {
				prev = sc
			}
			if p["name"] == "" || strings.HasPrefix(p["name"].(string), "sku-") {
				t.Errorf("customer %s next product without its name: %v", id, p)
			}
		}
	}
	if withNext < 30 {
		t.Errorf("%d of 40 buyers have next products", withNext)
	}

	// At a response rate of 20 % the response-based impacts double and
	// the trend-based ones stay: the ranking follows.
	if p := s.c.do("PATCH", "/api/v1/apps/"+s.c.appID, obj{"response_rate": 0.2}); p.status != 200 {
		t.Fatalf("PATCH response_rate: %d %s", p.status, p.body)
	}
	r2 := recList(t, s.h, s.c.key, "")
	checkRanking(t, r2)
	for _, before := range items {
		after := recByID(r2, before["id"].(string))
		a0, a1 := minor(t, sub(before, "expected_impact.amount")), minor(t, sub(after, "expected_impact.amount"))
		wantAfter := a0
		if sub(before, "expected_impact.response_rate") != nil {
			wantAfter = 2 * a0
		}
		if math.Abs(a1-wantAfter) > 1 {
			t.Errorf("%s amount %v at 10%%, %v at 20%%, want %v", before["id"], a0, a1, wantAfter)
		}
	}
}

// recBundlesNoP is recBundles without the p-values, which on tens of
// thousands of orders would take the exact sum too long.
func recBundlesNoP(orders []recOrder) map[[2]string]bundleExpect {
	return recBundlesWith(orders, false)
}

// ruPlural picks the Russian form for n: one for 1, 21, 31…, few for 2–4,
// 22–24…, many otherwise (11–14 included).
func ruPlural(n int, one, few, many string) string {
	switch {
	case n%10 == 1 && n%100 != 11:
		return one
	case n%10 >= 2 && n%10 <= 4 && (n%100 < 10 || n%100 >= 20):
		return few
	}
	return many
}

// ruInt groups thousands with non-breaking spaces.
func ruInt(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u00a0")
		}
		b.WriteRune(c)
	}
	return b.String()
}
