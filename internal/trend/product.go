package trend

import (
	"pulse/internal/day"
	"pulse/internal/stats"
	"pulse/internal/store"
)

const (
	// productDays is the length of each of the two periods compared.
	productDays = 28
	// minProductOrders is the fewest orders over both periods for a product
	// to be tested: with fewer, even "all in one period" is barely
	// significant, and the product would only widen the correction.
	minProductOrders = 10
)

// productTrends compares each product's orders in the last productDays
// days with the productDays before. Under no change, and with periods of
// equal length, a product's orders in the current period given its orders
// in both are Binomial(total, ½) — the conditional test for the ratio of
// two Poisson rates (Przyborowski & Wilenski 1940). The exact two-sided
// p-values are adjusted across products with Benjamini–Hochberg. The test
// is of each product's own orders, not of its share: when the whole shop
// grows, its products rise with it.
func (a *analysis) productTrends() error {
	from, split := a.last-2*productDays+1, a.last-productDays+1
	if a.first > from {
		a.skip(KindProduct, "orders", a.txt.fewDays(2*productDays, int(a.last-a.first+1)))
		return nil
	}
	rows, err := a.db.ProductPeriods(a.ctx, a.app.ID, from, split, a.last)
	if err != nil {
		return err
	}
	var tested []store.ProductPeriods
	var ps []float64
	for _, r := range rows {
		if r.PrevOrders+r.CurOrders < minProductOrders {
			continue
		}
		tested = append(tested, r)
		ps = append(ps, stats.BinomialTest(int(r.CurOrders), int(r.PrevOrders+r.CurOrders), 0.5))
	}
	if len(tested) == 0 {
		a.skip(KindProduct, "orders", a.txt.fewProductOrders(minProductOrders, 2*productDays))
		return nil
	}
	q := stats.BenjaminiHochberg(ps)
	var found []Finding
	var order []float64
	for i, r := range tested {
		if q[i] > Alpha || r.CurOrders == r.PrevOrders {
			continue
		}
		found = append(found, a.productFinding(r, from, split, ps[i], q[i]))
		order = append(order, q[i])
	}
	a.addInOrder(found, order)
	return nil
}

func (a *analysis) productFinding(r store.ProductPeriods, from, split int64, p, q float64) Finding {
	prev, cur := float64(r.PrevOrders), float64(r.CurOrders)
	f := Finding{
		Kind: KindProduct, Metric: "orders", Subject: ptr(r.Product), Direction: direction(cur - prev),
		ChangePct: pct(prev, cur), ChangeAbs: r.CurOrders - r.PrevOrders,
		Period: Period{From: day.String(from), To: day.String(a.last)},
		Significance: Significance{
			Test: "poisson_rate_conditional_binomial", PValue: p, AdjustedP: ptr(q), Statistic: cur, Alpha: Alpha,
			N: int(r.PrevOrders + r.CurOrders), PreviousOrders: ptr(r.PrevOrders), CurrentOrders: ptr(r.CurOrders),
		},
		Evidence: []Point{
			{PeriodStart: day.String(from), PeriodEnd: day.String(split - 1), Value: r.PrevOrders, Revenue: a.moneyValue(float64(r.PrevRevenue))},
			{PeriodStart: day.String(split), PeriodEnd: day.String(a.last), Value: r.CurOrders, Revenue: a.moneyValue(float64(r.CurRevenue))},
		},
	}
	name := r.Name
	if name == "" {
		name = r.Product
	}
	f.Summary = a.txt.productTrend(name, r.PrevOrders, r.CurOrders, f.ChangePct, q)
	return f
}
