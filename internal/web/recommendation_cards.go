package web

import (
	"math"
	"net/url"

	"pulse/internal/day"
	"pulse/internal/i18n"
	"pulse/internal/insight"
	"pulse/internal/rfm"
)

// recKinds orders the kinds whose absence the assistant page explains, as
// the API lists them.
var recKinds = []string{insight.KindWinBack, insight.KindSecondPurchase, insight.KindCrossSell, insight.KindBundle,
	insight.KindDecliningProduct, insight.KindRisingProduct, insight.KindReactivateSegment}

// recStatuses are the assistant page's tabs, in order.
var recStatuses = []string{insight.StatusNew, insight.StatusDone, insight.StatusDismissed}

// recCard is a recommendation written out for the page: what to do and
// why, the numbers it rests on, the money it may bring, who it is aimed
// at, and what became of it once marked.
type recCard struct {
	ID, Kind, KindLabel, Status  string
	Title, Rationale, Assumption string
	Evidence                     []fact
	// Impact is the expected money, Range its 80 % range and horizon.
	Impact, Range string
	Confidence    string
	// Audience counts the customers or products; "" when a recommendation
	// that is gone from the computation was marked without its audience
	// being counted.
	Audience            string
	AudienceURL, CSVURL string
	// Marked says when the card was marked done or dismissed; Outcome is
	// what its audience did since it was marked done.
	Marked  string
	Outcome []fact
	// Previous is an earlier mark, older than the impact's horizon, of an
	// opportunity that is back.
	Previous        string
	PreviousOutcome []fact
	ActionURL       string
}

// fact is one labelled figure.
type fact struct {
	Label, Value string
}

// recPath is the path of a recommendation's own pages.
func recPath(v *view, id string) string {
	return appPath(v, "/assistant/recommendations/"+url.PathEscape(id))
}

// newRecCard writes l out in the page's language.
func newRecCard(v *view, l *insight.Listed) recCard {
	txt := l.Text(v.Lang, v.App.Currency, l.Impact)
	base := recPath(v, l.ID)
	c := recCard{ID: l.ID, Kind: l.Kind, KindLabel: v.T("assistant.kind." + l.Kind), Status: l.Status,
		Title: txt.Title, Rationale: txt.Rationale, Assumption: txt.Assumption,
		Evidence: recEvidence(v, &l.Recommendation), Impact: minorMoney(v, l.Impact.Amount),
		Range: v.T("assistant.impact.range", minorMoney(v, l.Impact.Low), minorMoney(v, l.Impact.High),
			v.N("assistant.days", int64(l.Impact.HorizonDays))),
		Confidence:  v.Pct(round4(l.Confidence)),
		AudienceURL: base + "/audience", CSVURL: base + "/audience?format=csv", ActionURL: base + "/status"}
	if n, ok := audienceCount(l); ok {
		c.Audience = v.N("assistant.audience."+l.AudienceType, n)
	}
	if l.StatusAt != nil {
		c.Marked = v.T("assistant.marked."+l.Status, v.DateTime(*l.StatusAt))
		c.Outcome = outcomeFacts(v, l.Outcome)
	}
	if p := l.Previous; p != nil {
		c.Previous = v.T("assistant.previous."+p.Status, v.Date(p.At))
		c.PreviousOutcome = outcomeFacts(v, p.Outcome)
	}
	return c
}

// audienceCount is how many customers or products l is aimed at. A
// recommendation marked and since gone from the computation keeps its
// customers apart from its facts; a done one's outcome counts them.
func audienceCount(l *insight.Listed) (int64, bool) {
	if len(l.Audience) > 0 || l.AudienceType != insight.AudienceCustomers || l.Status == insight.StatusNew {
		return int64(len(l.Audience)), true
	}
	if l.Outcome != nil {
		return l.Outcome.Customers, true
	}
	return 0, false
}

// minorMoney formats an estimate in minor units of the app's currency,
// rounded as the API rounds it.
func minorMoney(v *view, x float64) string { return v.Money(int64(math.Round(x))) }

// recEvidence lists the figures a recommendation rests on, by kind: the
// numbers its rationale quotes, and those behind them.
func recEvidence(v *view, r *insight.Recommendation) []fact {
	f := &r.Facts
	days := func(n int64) string { return v.N("assistant.days", n) }
	switch r.Kind {
	case insight.KindWinBack:
		return []fact{
			{v.T("assistant.ev.customers"), v.Int(f.Customers)},
			{v.T("assistant.ev.revenue"), v.Money(f.Revenue)},
			{v.N("assistant.ev.clv", insight.DefaultHorizonDays), majorMoney(v, f.CLV)},
			{v.T("assistant.ev.p_alive"), probabilityText(v, f.PAlive)},
			{v.N("assistant.ev.p_alive_before", insight.RiskWindow), probabilityText(v, f.PAliveBefore)},
		}
	case insight.KindSecondPurchase:
		return []fact{
			{v.T("assistant.ev.customers"), v.Int(f.Customers)},
			{v.T("assistant.ev.revenue"), v.Money(f.Revenue)},
			{v.T("assistant.ev.window"), days(f.WindowDays)},
			{v.T("assistant.ev.median_gap"), days(int64(math.Round(f.MedianGapDays)))},
			{v.T("assistant.ev.repeat_rate"), v.Pct(round4(f.RepeatRate))},
			{v.T("assistant.ev.cohort"), v.Int(f.Cohort)},
		}
	case insight.KindCrossSell:
		return []fact{
			{v.T("assistant.ev.product"), f.ProductName},
			{v.T("assistant.ev.because"), f.BecauseName},
			{v.T("assistant.ev.customers"), v.Int(f.Customers)},
			{v.T("assistant.ev.together_customers"), v.Int(f.Together)},
			{v.T("assistant.ev.support_customers"), v.Pct(round4(f.Support))},
			{v.T("assistant.ev.pair_confidence", f.BecauseName, f.ProductName), v.Pct(round4(f.PairConfidence))},
			{v.T("assistant.ev.lift"), times(v, f.Lift)},
			{v.T("assistant.ev.revenue_per_order"), minorMoney(v, r.Basis.Value)},
		}
	case insight.KindBundle:
		return []fact{
			{v.T("assistant.ev.bundle"), v.T("assistant.ev.pair", f.BecauseName, f.ProductName)},
			{v.T("assistant.ev.together_orders"), v.Int(f.Together)},
			{v.T("assistant.ev.support_orders"), v.Pct(round4(f.Support))},
			{v.T("assistant.ev.pair_confidence_orders", f.BecauseName, f.ProductName), v.Pct(round4(f.PairConfidence))},
			{v.T("assistant.ev.lift"), times(v, f.Lift)},
			{v.T("assistant.ev.p_value"), pValue(v, f.PValue)},
			{v.N("assistant.ev.missing", insight.ImpactHorizonDays), v.Int(f.Missing)},
			{v.T("assistant.ev.revenue_per_order"), minorMoney(v, r.Basis.Value)},
		}
	case insight.KindDecliningProduct, insight.KindRisingProduct:
		return []fact{
			{v.T("assistant.ev.product"), f.ProductName},
			{v.T("assistant.ev.period"), factPeriod(v, f.From, f.To)},
			{v.N("assistant.ev.orders", f.PeriodDays), v.T("assistant.ev.then_now", v.Int(f.PrevOrders), v.Int(f.CurOrders))},
			{v.N("assistant.ev.period_revenue", f.PeriodDays), v.T("assistant.ev.then_now", v.Money(f.PrevRevenue), v.Money(f.CurRevenue))},
			{v.T("assistant.ev.p_value"), pValue(v, f.PValue)},
		}
	case insight.KindReactivateSegment:
		return []fact{
			{v.T("assistant.ev.segment"), segmentName(v, rfm.Segment(f.Segment))},
			{v.T("assistant.ev.period"), factPeriod(v, f.From, f.To)},
			{v.T("assistant.ev.segment_size"), v.T("assistant.ev.then_now", v.Int(f.PrevCustomer), v.Int(f.Customers))},
			{v.T("assistant.ev.p_value"), pValue(v, f.PValue)},
			{v.T("assistant.ev.revenue"), v.Money(f.Revenue)},
			{v.N("assistant.ev.clv", insight.DefaultHorizonDays), majorMoney(v, f.CLV)},
			{v.T("assistant.ev.p_alive"), probabilityText(v, f.PAlive)},
		}
	}
	return nil
}

// times formats a ratio such as a lift: "1.5×".
func times(v *view, x float64) string { return i18n.Float(v.Lang, x, 1) + "×" }

// factPeriod names the days from to to, dates as the facts hold them
// (YYYY-MM-DD); a date that does not parse is shown as it is.
func factPeriod(v *view, from, to string) string {
	f, err1 := day.Parse(from)
	t, err2 := day.Parse(to)
	if err1 != nil || err2 != nil {
		return from + " – " + to
	}
	return dateRange(v, f, t)
}

// outcomeFacts is what a done recommendation's audience did since the
// mark: for customers, how many bought against how many the response rate
// expected; for a product, its sales since against as many days before.
func outcomeFacts(v *view, o *insight.Outcome) []fact {
	if o == nil {
		return nil
	}
	since := v.T("assistant.outcome.since_value", v.Date(o.Since), v.N("assistant.days", o.Days))
	if o.Product == "" {
		return []fact{
			{v.T("assistant.outcome.since"), since},
			{v.T("assistant.outcome.buyers"), v.T("assistant.outcome.buyers_value", v.Int(o.Buyers), v.Int(o.Customers),
				i18n.Float(v.Lang, round4(o.ExpectedBuyers), 1))},
			{v.T("assistant.outcome.orders"), v.Int(o.Orders)},
			{v.T("assistant.outcome.revenue"), v.Money(o.Revenue)},
		}
	}
	return []fact{
		{v.T("assistant.outcome.since"), since},
		{v.T("assistant.outcome.product_orders"), v.T("assistant.ev.then_now", v.Int(o.PrevOrders), v.Int(o.Orders))},
		{v.T("assistant.outcome.product_revenue"), v.T("assistant.ev.then_now", v.Money(o.PrevRevenue), v.Money(o.Revenue))},
	}
}

// recSkip is a kind the computation found nothing for, and why.
type recSkip struct {
	Kind, Label, Reason string
}

// skippedKinds explains, in the page's language, each kind that has no
// recommendation; a reason the catalog does not know is shown as it is.
func skippedKinds(v *view, skipped map[string]string) []recSkip {
	var out []recSkip
	for _, k := range recKinds {
		reason, ok := skipped[k]
		if !ok {
			continue
		}
		text := reason
		if key := "assistant.skip." + reason; v.msgs.Has(key) {
			text = v.T(key)
		}
		out = append(out, recSkip{Kind: k, Label: v.T("assistant.skipped." + k), Reason: text})
	}
	return out
}
