package insight

import (
	"cmp"
	"math"
	"slices"

	"pulse/internal/apps"
	"pulse/internal/assoc"
	"pulse/internal/day"
	"pulse/internal/money"
	"pulse/internal/rfm"
	"pulse/internal/stats"
	"pulse/internal/trend"
)

// Reasons a kind has no recommendation.
const (
	SkipNoAudience    = "no_audience"
	SkipTooLittleData = "too_little_data"
	SkipNoStrongLinks = "no_strong_links"
	SkipNoTrend       = "no_significant_trend"
)

// Thresholds of the kinds that look for links between products.
const (
	// A cross-sell needs its pair bought by crossMinCommon customers and
	// its product bought crossMinLift times as often by the buyers of the
	// other as by everyone.
	crossMinCommon = 5
	crossMinLift   = 1.5
	// A bundle needs bundleMinOrders orders with both products, each
	// bundleMinLift times as likely with the other, and its link must
	// pass Fisher's exact test at trend.Alpha after Benjamini–Hochberg.
	bundleMinOrders = 20
	bundleMinLift   = 1.5
	// kindMax bounds the recommendations of one kind that has one per
	// product or pair: the user acts on a few at a time.
	kindMax = 3
	// secondQuantile sets the second-purchase window: the gap within
	// which this share of second purchases came.
	secondQuantile = 0.8
	// secondMinRepeat and secondMinCohort are the fewest repeat buyers to
	// take the window from and first-time buyers to measure the repeat
	// rate on.
	secondMinRepeat = 10
	secondMinCohort = 30
)

// audienceStats are the mean probabilities and totals of some customers.
type audienceStats struct {
	pAlive, pAliveBefore float64
	revenue              int64
	clv                  float64
	values               []float64 // each customer's average order, minor units
}

// statsOf sums up customers (indexes into cm.Scores). A probability the
// model cannot give (the heuristic without repeat buyers) is left out of
// its mean; with none at all, the mean is the share of the app's buyers
// who came back, the chance the data gives of any customer buying again.
func statsOf(cm *CustomerModel, idx []int) audienceStats {
	vals := cm.Values(DefaultHorizonDays, DefaultDiscountRate)
	var st audienceStats
	var nA, nB int
	for _, i := range idx {
		c := &cm.Scores[i]
		if !math.IsNaN(c.PAlive) {
			st.pAlive += c.PAlive
			nA++
		}
		if !math.IsNaN(c.PAliveBefore) {
			st.pAliveBefore += c.PAliveBefore
			nB++
		}
		st.revenue += c.Revenue
		st.clv += vals[i].CLV
		st.values = append(st.values, float64(c.Revenue)/float64(c.Orders))
	}
	fallback := 0.0
	if cm.Customers > 0 {
		fallback = float64(cm.Repeat) / float64(cm.Customers)
	}
	st.pAlive = meanOr(st.pAlive, nA, fallback)
	st.pAliveBefore = meanOr(st.pAliveBefore, nB, math.NaN())
	return st
}

func meanOr(sum float64, n int, fallback float64) float64 {
	if n == 0 {
		return fallback
	}
	return sum / float64(n)
}

// responseBasis is the impact basis of customers each worth their average
// order.
func responseBasis(values []float64) Basis {
	return Basis{Type: BasisResponse, Units: int64(len(values)), Values: values, ValueKind: "average_order_value"}
}

// idsOf lists the customers' ids.
func idsOf(cm *CustomerModel, idx []int) []string {
	out := make([]string, len(idx))
	for i, j := range idx {
		out[i] = cm.Scores[j].ID
	}
	return out
}

// byRevenue sorts customer indexes biggest spender first.
func byRevenue(cm *CustomerModel, idx []int) {
	slices.SortStableFunc(idx, func(a, b int) int {
		return cmp.Or(cmp.Compare(cm.Scores[b].Revenue, cm.Scores[a].Revenue), cmp.Compare(cm.Scores[a].ID, cm.Scores[b].ID))
	})
}

// winBack is the valuable customers slipping away: the at-risk customers
// of the customer model (top two fifths by spend, repeat buyers, whose
// probability of being alive fell by RiskDrop or more in RiskWindow days
// to below RiskBelow). Confidence is their mean probability of being
// alive: a customer gone for good does not answer.
func winBack(in *recInput) ([]Recommendation, string) {
	var idx []int
	for i := range in.cm.Scores {
		if c := &in.cm.Scores[i]; c.AtRisk && !c.Erased {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil, SkipNoAudience
	}
	byRevenue(in.cm, idx)
	st := statsOf(in.cm, idx)
	return []Recommendation{{
		Kind: KindWinBack,
		Facts: Facts{Customers: int64(len(idx)), Revenue: st.revenue, CLV: st.clv,
			PAlive: st.pAlive, PAliveBefore: st.pAliveBefore},
		AudienceType: AudienceCustomers, Audience: idsOf(in.cm, idx),
		Basis: responseBasis(st.values), Confidence: st.pAlive,
	}}, ""
}

// secondPurchase is the first-time buyers still inside the window in
// which most second purchases come: the secondQuantile of the gap between
// first and second purchase days among the app's repeat buyers.
// Confidence is the share of earlier first-time buyers, old enough to have
// been through the whole window, who did buy again within it.
func secondPurchase(in *recInput) ([]Recommendation, string) {
	type span struct{ first, second int64 }
	spans := map[string]*span{}
	for _, o := range in.orders {
		s := spans[o.Customer]
		switch {
		case s == nil:
			spans[o.Customer] = &span{first: o.Day, second: -1}
		case o.Day < s.first:
			s.first, s.second = o.Day, s.first
		case o.Day > s.first && (s.second < 0 || o.Day < s.second):
			s.second = o.Day
		}
	}
	var gaps []float64
	for _, s := range spans {
		if s.second >= 0 {
			gaps = append(gaps, float64(s.second-s.first))
		}
	}
	if len(gaps) < secondMinRepeat {
		return nil, SkipTooLittleData
	}
	slices.Sort(gaps)
	window := int64(math.Ceil(stats.QuantileSorted(gaps, secondQuantile)))
	var cohort, back int64
	for _, s := range spans {
		if s.first <= in.asOf-window {
			cohort++
			if s.second >= 0 && s.second-s.first <= window {
				back++
			}
		}
	}
	if cohort < secondMinCohort {
		return nil, SkipTooLittleData
	}
	var idx []int
	for id, s := range spans {
		if s.second >= 0 || s.first <= in.asOf-window {
			continue
		}
		if i, ok := in.cm.byID[id]; ok && !in.cm.Scores[i].Erased {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil, SkipNoAudience
	}
	// The newest buyers first: the earlier in the window, the likelier the
	// second purchase.
	slices.SortFunc(idx, func(a, b int) int {
		sa, sb := spans[in.cm.Scores[a].ID], spans[in.cm.Scores[b].ID]
		return cmp.Or(cmp.Compare(sb.first, sa.first), cmp.Compare(in.cm.Scores[a].ID, in.cm.Scores[b].ID))
	})
	st := statsOf(in.cm, idx)
	rate := float64(back) / float64(cohort)
	return []Recommendation{{
		Kind: KindSecondPurchase,
		Facts: Facts{Customers: int64(len(idx)), Revenue: st.revenue, WindowDays: window, RepeatRate: rate,
			MedianGapDays: stats.QuantileSorted(gaps, 0.5), Cohort: cohort},
		AudienceType: AudienceCustomers, Audience: idsOf(in.cm, idx),
		Basis: responseBasis(st.values), Confidence: rate,
	}}, ""
}

// revenuePerOrder is a product's revenue per order over the last
// ImpactHorizonDays, or the span before when it did not sell lately; 0
// when it sold in neither.
func (in *recInput) revenuePerOrder(product string) float64 {
	r, ok := in.products[product]
	switch {
	case !ok:
		return 0
	case r.CurOrders > 0:
		return float64(r.CurRevenue) / float64(r.CurOrders)
	case r.PrevOrders > 0:
		return float64(r.PrevRevenue) / float64(r.PrevOrders)
	}
	return 0
}

// crossSell groups the customers by their best next product (item-item
// co-purchase similarity), where that product is a strong one: bought by
// crossMinCommon customers together with the product that suggests it,
// crossMinLift times as often as by everyone. One recommendation per
// product, for the kindMax products worth most. Confidence is the
// audience's mean probability of being alive.
func crossSell(in *recInput) ([]Recommendation, string) {
	type group struct {
		idx     []int
		because map[string]int
		pair    map[string]Facts
	}
	groups := map[string]*group{}
	for i := range in.cm.Scores {
		c := &in.cm.Scores[i]
		if c.Erased {
			continue
		}
		next := in.items.Next(c.ID, 1)
		if len(next) == 0 {
			continue
		}
		s := next[0]
		if s.Common < crossMinCommon || s.Lift < crossMinLift {
			continue
		}
		g := groups[s.Product]
		if g == nil {
			g = &group{because: map[string]int{}, pair: map[string]Facts{}}
			groups[s.Product] = g
		}
		g.idx = append(g.idx, i)
		g.because[s.Because]++
		g.pair[s.Because] = Facts{PairConfidence: s.Confidence, Lift: s.Lift, Together: int64(s.Common)}
	}
	if len(groups) == 0 {
		return nil, SkipNoStrongLinks
	}
	var out []Recommendation
	for product, g := range groups {
		value := in.revenuePerOrder(product)
		if value == 0 {
			continue
		}
		because := ""
		for b, n := range g.because {
			if n > g.because[because] || (n == g.because[because] && b < because) {
				because = b
			}
		}
		st := statsOf(in.cm, g.idx)
		f := g.pair[because]
		f.Product, f.ProductName = product, in.name(product)
		f.Because, f.BecauseName = because, in.name(because)
		f.Customers, f.Support = int64(len(g.idx)), float64(f.Together)/float64(max(1, in.items.Customers()))
		out = append(out, Recommendation{
			Kind: KindCrossSell, Subject: product, Facts: f,
			AudienceType: AudienceCustomers, Audience: idsOf(in.cm, g.idx),
			Basis:      Basis{Type: BasisResponse, Units: int64(len(g.idx)), Value: value, ValueKind: "product_revenue_per_order"},
			Confidence: st.pAlive,
		})
	}
	return topByImpact(out), ""
}

// topByImpact keeps the kindMax recommendations worth most at the default
// response rate, times their confidence.
func topByImpact(list []Recommendation) []Recommendation {
	for i := range list {
		list[i].ID = recID(list[i].Kind, list[i].Subject)
	}
	Rank(list, apps.DefaultResponseRate)
	return list[:min(len(list), kindMax)]
}

// bundles are pairs of products bought in the same order more often than
// chance: association rules {A} ⇒ {B} over the app's orders that list
// their products, with at least
// bundleMinOrders orders holding both, lift bundleMinLift or more, and a
// link that passes Fisher's exact test, corrected across the pairs with
// Benjamini–Hochberg. The opportunity is the recent orders with A but not
// B. Confidence is one minus the adjusted p-value.
func bundles(in *recInput) ([]Recommendation, string) {
	index := map[string]int{}
	var names []string
	baskets := make([][]int, 0, len(in.orders))
	var days []int64 // each basket's day
	for _, o := range in.orders {
		// An order that lists no products tells nothing of which go
		// together; counted, it would pass for an order without either
		// product of every pair and inflate every lift.
		if len(o.Products) == 0 {
			continue
		}
		days = append(days, o.Day)
		b := make([]int, 0, len(o.Products))
		for _, p := range o.Products {
			i, ok := index[p]
			if !ok {
				i = len(names)
				index[p] = i
				names = append(names, p)
			}
			b = append(b, i)
		}
		baskets = append(baskets, b)
	}
	n := len(baskets)
	if n < bundleMinOrders {
		return nil, SkipTooLittleData
	}
	// Mine asks for ceil(n × MinSupport) orders, the product taken in
	// floating point: 20/n × n comes out a hair above 20 for some n (147),
	// which would ask for 21. Half an order less keeps the ceiling at
	// bundleMinOrders.
	rules, err := assoc.Mine(baskets, len(names), assoc.Options{
		MinSupport: (float64(bundleMinOrders) - 0.5) / float64(n), MinConfidence: 0, MinLen: 2, MaxLen: 2})
	if err != nil {
		return nil, SkipTooLittleData
	}
	counts := make([]int64, len(names))
	for _, b := range baskets {
		for _, i := range b {
			counts[i]++
		}
	}
	// Of A ⇒ B and B ⇒ A the one kept is the larger opportunity: the
	// recent orders with A but not B, times what B brings per order. The
	// recent orders with each product and with each pair are counted in one
	// pass, so that a rule's missing orders are a subtraction.
	recentWith := make([]int64, len(names))
	recentBoth := map[[2]int]int64{}
	for j, b := range baskets {
		if days[j] <= in.asOf-ImpactHorizonDays {
			continue
		}
		for x, i := range b {
			recentWith[i]++
			for _, k := range b[x+1:] {
				recentBoth[[2]int{min(i, k), max(i, k)}]++
			}
		}
	}
	missing := func(a, b int) int64 { return recentWith[a] - recentBoth[[2]int{min(a, b), max(a, b)}] }
	type pair struct{ a, b int }
	type candidate struct {
		rule    assoc.Rule
		missing int64
		worth   float64
	}
	best := map[pair]candidate{}
	for _, r := range rules {
		if len(r.Antecedent) != 1 || r.Lift < bundleMinLift {
			continue
		}
		a := r.Antecedent[0]
		c := candidate{rule: r, missing: missing(a, r.Consequent)}
		c.worth = float64(c.missing) * in.revenuePerOrder(names[r.Consequent])
		k := pair{min(a, r.Consequent), max(a, r.Consequent)}
		if old, ok := best[k]; !ok || c.worth > old.worth || (c.worth == old.worth && r.Confidence > old.rule.Confidence) {
			best[k] = c
		}
	}
	if len(best) == 0 {
		return nil, SkipNoStrongLinks
	}
	keys := make([]pair, 0, len(best))
	for k := range best {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y pair) int { return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b)) })
	ps := make([]float64, len(keys))
	for i, k := range keys {
		r := best[k].rule
		both := int64(r.Count)
		a, b := counts[r.Antecedent[0]], counts[r.Consequent]
		ps[i] = stats.FisherGreater(both, a-both, b-both, int64(n)-a-b+both)
	}
	q := stats.BenjaminiHochberg(ps)
	var out []Recommendation
	for i, k := range keys {
		if q[i] > trend.Alpha {
			continue
		}
		r, missing := best[k].rule, best[k].missing
		a, b := names[r.Antecedent[0]], names[r.Consequent]
		value := in.revenuePerOrder(b)
		if value == 0 || missing == 0 {
			continue
		}
		out = append(out, Recommendation{
			Kind: KindBundle, Subject: a + "\x00" + b,
			Facts: Facts{Product: b, ProductName: in.name(b), Because: a, BecauseName: in.name(a),
				Support: r.Support, PairConfidence: r.Confidence, Lift: r.Lift, Together: int64(r.Count),
				Missing: missing, PValue: q[i]},
			AudienceType: AudienceProducts, Audience: []string{a, b},
			Basis:      Basis{Type: BasisResponse, Units: missing, Value: value, ValueKind: "product_revenue_per_order"},
			Confidence: 1 - q[i],
		})
	}
	if len(out) == 0 {
		return nil, SkipNoStrongLinks
	}
	return topByImpact(out), ""
}

// productTrends turns the significant product trends into declining and
// rising product recommendations: the revenue at stake if the latest pace
// holds. Confidence is one minus the trend's adjusted p-value.
func productTrends(in *recInput) ([]Recommendation, string) {
	exp, ok := money.Exponent(in.app.Currency)
	if !ok {
		exp = 2
	}
	var out []Recommendation
	for _, f := range in.trends.Findings {
		if f.Kind != trend.KindProduct || f.Subject == nil || len(f.Evidence) != 2 ||
			f.Significance.PreviousOrders == nil || f.Significance.CurrentOrders == nil {
			continue
		}
		prev, cur := *f.Significance.PreviousOrders, *f.Significance.CurrentOrders
		prevRev, err1 := money.Parse(f.Evidence[0].Revenue, exp)
		curRev, err2 := money.Parse(f.Evidence[1].Revenue, exp)
		from, err3 := day.Parse(f.Evidence[1].PeriodStart)
		to, err4 := day.Parse(f.Evidence[1].PeriodEnd)
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil || prev+cur == 0 {
			continue
		}
		kind := KindRisingProduct
		if cur < prev {
			kind = KindDecliningProduct
		}
		q := f.Significance.PValue
		if f.Significance.AdjustedP != nil {
			q = *f.Significance.AdjustedP
		}
		product := *f.Subject
		periodDays := to - from + 1
		out = append(out, Recommendation{
			Kind: kind, Subject: product,
			Facts: Facts{Product: product, ProductName: in.name(product), PeriodDays: periodDays,
				From: f.Evidence[0].PeriodStart, To: f.Period.To, PrevOrders: prev, CurOrders: cur,
				PrevRevenue: prevRev, CurRevenue: curRev, PValue: q},
			AudienceType: AudienceProducts, Audience: []string{product},
			Basis: Basis{Type: BasisTrend, DeltaOrders: float64(cur - prev), DeltaRevenue: float64(curRev - prevRev),
				DeltaOrdersSD: math.Sqrt(float64(prev + cur)), RevenuePerOrder: float64(prevRev+curRev) / float64(prev+cur),
				PeriodDays: periodDays},
			Confidence: 1 - q,
		})
	}
	if len(out) == 0 {
		return nil, SkipNoTrend
	}
	return out, ""
}

// reactivateSegments are the RFM segments of customers on their way out
// (At risk, Cannot lose them) that grew significantly (the trends' segment
// shifts). The audience is the segment's customers now. Confidence is one
// minus the shift's adjusted p-value, times the customers' mean
// probability of being alive.
func reactivateSegments(in *recInput) ([]Recommendation, string) {
	var out []Recommendation
	for _, f := range in.trends.Findings {
		if f.Kind != trend.KindSegment || f.Subject == nil || f.Direction != "up" || len(f.Evidence) != 2 {
			continue
		}
		seg := rfm.Segment(*f.Subject)
		if seg != rfm.AtRisk && seg != rfm.CannotLoseThem {
			continue
		}
		var idx []int
		for i := range in.cm.Scores {
			if c := &in.cm.Scores[i]; c.Segment == seg && !c.Erased {
				idx = append(idx, i)
			}
		}
		if len(idx) == 0 {
			continue
		}
		byRevenue(in.cm, idx)
		st := statsOf(in.cm, idx)
		q := f.Significance.PValue
		if f.Significance.AdjustedP != nil {
			q = *f.Significance.AdjustedP
		}
		before, _ := f.Evidence[0].Value.(int64)
		out = append(out, Recommendation{
			Kind: KindReactivateSegment, Subject: string(seg),
			Facts: Facts{Segment: string(seg), Customers: int64(len(idx)), PrevCustomer: before,
				From: f.Period.From, To: f.Period.To, Revenue: st.revenue, CLV: st.clv, PAlive: st.pAlive, PValue: q},
			AudienceType: AudienceCustomers, Audience: idsOf(in.cm, idx),
			Basis: responseBasis(st.values), Confidence: (1 - q) * st.pAlive,
		})
	}
	if len(out) == 0 {
		return nil, SkipNoTrend
	}
	return out, ""
}

// name is a product's last known name, its id when it has none.
func (in *recInput) name(product string) string {
	if n := in.names[product]; n != "" {
		return n
	}
	return product
}
