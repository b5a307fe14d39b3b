package insight

import (
	"cmp"
	"errors"
	"math"
	"slices"
	"sync"
	"time"

	"pulse/internal/clv"
	"pulse/internal/day"
	"pulse/internal/model"
	"pulse/internal/money"
	"pulse/internal/rfm"
	"pulse/internal/store"
)

// unitDays is the models' time unit: weeks, as in the published fits, so
// that their parameters compare with the literature.
const unitDays = 7

// At risk is a valuable customer (RFM money score RiskScore or more: the
// top two fifths by revenue) with repeat purchases whose probability of
// being alive fell by at least RiskDrop over the last RiskWindow days, to
// below RiskBelow. A customer still near-certain to buy again is not at
// risk yet, however fast the probability moves; one long gone has
// stopped falling and is no longer a win-back of the moment.
const (
	RiskWindow = 30
	RiskDrop   = 0.1
	RiskBelow  = 0.8
	RiskScore  = 4
)

// Method names, as the API reports them.
const (
	MethodBGNBD     = "bg_nbd"
	MethodHeuristic = "heuristic"
	SpendGG         = "gamma_gamma"
	SpendAverage    = "average_order_value"
)

// CustomerModel is an app's customers scored as of a day.
type CustomerModel struct {
	AsOf       int64
	ComputedAt time.Time
	Currency   string
	exp        int
	// Method is how purchases are predicted, Spend how their value is;
	// Reason says why a model could not be used, empty when it was.
	Method, Spend, Reason string
	BG                    *clv.BGNBD
	GG                    *clv.GammaGamma
	// Customers counts those with a paid purchase, erased ones included;
	// Repeat those with purchases on two days or more; Purchases the paid
	// purchases read.
	Customers, Repeat, Purchases int
	Scores                       []CustomerScore
	byID                         map[string]int
	heur                         heuristic

	mu     sync.Mutex
	values map[valueKey][]clv.Value
}

// CustomerScore is one customer's history and probabilities.
type CustomerScore struct {
	ID     string
	Erased bool
	clv.Summary
	Orders, Revenue int64 // paid orders and their revenue in minor units
	LastPurchaseAt  time.Time
	Segment         rfm.Segment
	// PAlive is the probability that the customer still buys as of the
	// model's day, PAliveBefore the same RiskWindow days earlier (NaN when
	// the customer had not bought by then, or the heuristic cannot tell).
	PAlive, PAliveBefore float64
	AtRisk               bool
	avgOrder             float64 // major units
}

// Valuation is a customer's outlook over a horizon, in major units.
type Valuation struct {
	ExpectedPurchases, ExpectedRevenue, CLV float64
}

type valueKey struct {
	horizon int
	rate    float64
}

// Default horizon and discount rate of a valuation: a year ahead, at 10 %
// a year; a customer's expected purchases are also shown ShortHorizonDays
// ahead.
const (
	ShortHorizonDays    = 90
	DefaultHorizonDays  = 365
	MaxHorizonDays      = 3 * 365
	DefaultDiscountRate = 0.10
)

// scoreCustomers fits the models to the app's paid purchases as of the
// end of day asOf; erased holds the tombstone ids of erased customers.
func (s *Service) scoreCustomers(app model.App, asOf int64, purchases []store.Basket, erased map[string]bool) (*CustomerModel, error) {
	loc := Location(app)
	exp, ok := money.Exponent(app.Currency)
	if !ok {
		exp = 2
	}
	scale := math.Pow10(exp)
	txns := make([]clv.Txn, len(purchases))
	type totals struct {
		orders, revenue int64
		last            time.Time
	}
	tot := map[string]*totals{}
	for i, p := range purchases {
		txns[i] = clv.Txn{Customer: p.CustomerID, Day: day.Of(p.At, loc), Amount: float64(p.Amount) / scale}
		t := tot[p.CustomerID]
		if t == nil {
			t = &totals{}
			tot[p.CustomerID] = t
		}
		t.orders++
		t.revenue += p.Amount
		if p.At.After(t.last) {
			t.last = p.At
		}
	}
	now, err := clv.Summarize(txns, asOf, unitDays)
	if err != nil {
		return nil, err
	}
	before, err := clv.Summarize(txns, asOf-RiskWindow, unitDays)
	if err != nil {
		return nil, err
	}
	cm := &CustomerModel{AsOf: asOf, ComputedAt: s.now(), Currency: app.Currency, exp: exp, Purchases: len(purchases),
		Customers: len(now), Scores: make([]CustomerScore, len(now)), byID: make(map[string]int, len(now)),
		values: map[valueKey][]clv.Value{}}
	rs := make([]rfm.Customer, len(now))
	for i, sm := range now {
		t := tot[sm.Customer]
		cm.Scores[i] = CustomerScore{ID: sm.Customer, Erased: erased[sm.Customer], Summary: sm,
			Orders: t.orders, Revenue: t.revenue, LastPurchaseAt: t.last,
			avgOrder: float64(t.revenue) / float64(t.orders) / scale}
		cm.byID[sm.Customer] = i
		rs[i] = rfm.Customer{Recency: max(0, asOf-day.Of(t.last, loc)), Orders: t.orders, Revenue: t.revenue}
		if sm.X > 0 {
			cm.Repeat++
		}
	}
	md := rfm.Fit(rs)
	cm.fit(now)
	prev := make(map[string]clv.Summary, len(before))
	for _, sm := range before {
		prev[sm.Customer] = sm
	}
	for i := range cm.Scores {
		c := &cm.Scores[i]
		c.Segment = md.Segment(rs[i])
		c.PAlive = cm.pAlive(c.Summary)
		c.PAliveBefore = math.NaN()
		if sm, ok := prev[c.ID]; ok {
			c.PAliveBefore = cm.pAlive(sm)
		}
		_, _, m := md.Scores(rs[i])
		c.AtRisk = c.X > 0 && m >= RiskScore && c.PAlive < RiskBelow && c.PAliveBefore-c.PAlive >= RiskDrop
	}
	return cm, nil
}

// fit fits BG/NBD and Gamma-Gamma, falling back to the heuristic when
// there is too little data for BG/NBD, and to each customer's average
// order for spend when there is too little for Gamma-Gamma.
func (cm *CustomerModel) fit(ss []clv.Summary) {
	cm.heur = newHeuristic(ss)
	cm.Method, cm.Spend = MethodHeuristic, SpendAverage
	bg, err := clv.FitBGNBD(ss)
	if err != nil {
		cm.Reason = reasonOf(err)
		return
	}
	cm.Method, cm.BG = MethodBGNBD, &bg
	gg, err := clv.FitGammaGamma(ss)
	if err != nil {
		cm.Reason = reasonOf(err)
		return
	}
	cm.Spend, cm.GG = SpendGG, &gg
}

// reasonOf names why a model was not used.
func reasonOf(err error) string {
	if errors.Is(err, clv.ErrTooLittleData) {
		return "too_little_data"
	}
	return "fit_failed"
}

func (cm *CustomerModel) pAlive(s clv.Summary) float64 {
	if cm.BG != nil {
		return cm.BG.PAlive(s)
	}
	return cm.heur.pAlive(s)
}

// Score returns a customer's score, or false when the customer has no paid
// purchase as of the model's day.
func (cm *CustomerModel) Score(id string) (*CustomerScore, bool) {
	i, ok := cm.byID[id]
	if !ok {
		return nil, false
	}
	return &cm.Scores[i], true
}

// Values returns every customer's valuation over horizon days at an annual
// discount rate, in Scores order, computed once per pair and kept.
func (cm *CustomerModel) Values(horizon int, rate float64) []Valuation {
	k := valueKey{horizon, rate}
	cm.mu.Lock()
	vs, ok := cm.values[k]
	cm.mu.Unlock()
	if !ok {
		vs = cm.compute(cm.Scores, horizon, rate)
		cm.mu.Lock()
		if len(cm.values) >= 8 {
			clear(cm.values)
		}
		cm.values[k] = vs
		cm.mu.Unlock()
	}
	out := make([]Valuation, len(vs))
	for i, v := range vs {
		out[i] = Valuation{ExpectedPurchases: v.ExpectedTxns, ExpectedRevenue: v.Revenue, CLV: v.CLV}
	}
	return out
}

// ValueOf is one customer's valuation, taken from the kept valuations of
// every customer when there are some for the horizon and rate, computed
// alone otherwise: a customer page must not value the whole base.
func (cm *CustomerModel) ValueOf(c *CustomerScore, horizon int, rate float64) Valuation {
	i := cm.byID[c.ID]
	cm.mu.Lock()
	vs, ok := cm.values[valueKey{horizon, rate}]
	cm.mu.Unlock()
	v := clv.Value{}
	if ok {
		v = vs[i]
	} else {
		v = cm.compute(cm.Scores[i:i+1], horizon, rate)[0]
	}
	return Valuation{ExpectedPurchases: v.ExpectedTxns, ExpectedRevenue: v.Revenue, CLV: v.CLV}
}

// compute values the customers cs.
func (cm *CustomerModel) compute(cs []CustomerScore, horizon int, rate float64) []clv.Value {
	o := clv.ValueOptions{HorizonDays: float64(horizon), AnnualDiscount: rate}
	ss := make([]clv.Summary, len(cs))
	for i := range cs {
		ss[i] = cs[i].Summary
	}
	if cm.BG != nil && cm.GG != nil {
		vs, err := clv.Values(*cm.BG, *cm.GG, ss, o)
		if err == nil {
			return vs
		}
	}
	out := make([]clv.Value, len(ss))
	for i, s := range ss {
		spend := cs[i].avgOrder
		expected := func(units float64) float64 { return cm.heur.expected(s, units) }
		if cm.BG != nil {
			expected = func(units float64) float64 { return cm.BG.ExpectedRepeat(s, units) }
		}
		txns, discounted, err := clv.Discounted(expected, unitDays, o)
		if err != nil {
			continue
		}
		out[i] = clv.Value{Customer: s.Customer, PAlive: cm.pAlive(s), ExpectedTxns: txns, ExpectedSpend: spend,
			Revenue: txns * spend, CLV: discounted * spend}
	}
	return out
}

// heuristic predicts without a fitted model, from inter-purchase times: a
// repeat customer buys at the rate of their own past purchases and is
// presumed active until the time since the last purchase exceeds the
// usual gap, the presumption fading exponentially beyond it; a one-time
// buyer is given the typical gap of the repeat buyers.
type heuristic struct {
	gap float64 // median gap of repeat buyers, in units; 0 when none
}

func newHeuristic(ss []clv.Summary) heuristic {
	var gaps []float64
	for _, s := range ss {
		if s.X > 0 && s.TX > 0 {
			gaps = append(gaps, s.TX/float64(s.X))
		}
	}
	if len(gaps) == 0 {
		return heuristic{}
	}
	slices.Sort(gaps)
	return heuristic{gap: gaps[len(gaps)/2]}
}

// gapOf is a customer's usual time between purchases, 0 when unknown.
func (h heuristic) gapOf(s clv.Summary) float64 {
	if s.X > 0 && s.TX > 0 {
		return s.TX / float64(s.X)
	}
	return h.gap
}

func (h heuristic) pAlive(s clv.Summary) float64 {
	g := h.gapOf(s)
	if g == 0 {
		return math.NaN()
	}
	return math.Exp(-max(0, s.T-s.TX-g) / g)
}

// expected is the expected number of purchases in the next t units.
func (h heuristic) expected(s clv.Summary, t float64) float64 {
	g := h.gapOf(s)
	if g == 0 {
		return 0
	}
	return h.pAlive(s) * t / g
}

// Sorts of the customer list, as ?sort= names them.
var CustomerSorts = []string{"-clv", "clv", "-p_alive", "p_alive", "-expected_revenue", "-expected_purchases",
	"-revenue", "-last_purchase_at", "last_purchase_at"}

// sortKey is a row's value for a sort, larger first for "-" sorts.
func sortKey(sort string, c *CustomerScore, v Valuation) float64 {
	switch trimSign(sort) {
	case "p_alive":
		if math.IsNaN(c.PAlive) {
			return -1
		}
		return c.PAlive
	case "expected_revenue":
		return v.ExpectedRevenue
	case "expected_purchases":
		return v.ExpectedPurchases
	case "revenue":
		return float64(c.Revenue)
	case "last_purchase_at":
		return float64(c.LastPurchaseAt.UnixMicro())
	}
	return v.CLV
}

func trimSign(s string) string {
	if len(s) > 0 && s[0] == '-' {
		return s[1:]
	}
	return s
}

// CustomerFilter selects and orders the listed customers.
type CustomerFilter struct {
	Segment     rfm.Segment // empty for all
	AtRisk      bool
	Sort        string
	HorizonDays int
	Rate        float64
}

// Row is a listed customer with its valuation.
type Row struct {
	*CustomerScore
	Valuation
	Key float64 // the sort value, for cursors
}

// Totals sum the valuations of the customers a filter selects.
type Totals struct {
	Customers                               int
	ExpectedPurchases, ExpectedRevenue, CLV float64
}

// List returns the customers f selects in f's order (ties by id), erased
// customers left out, with their totals.
func (cm *CustomerModel) List(f CustomerFilter) ([]Row, Totals) {
	vs := cm.Values(f.HorizonDays, f.Rate)
	var (
		rows []Row
		tot  Totals
	)
	for i := range cm.Scores {
		c := &cm.Scores[i]
		if c.Erased || (f.Segment != "" && c.Segment != f.Segment) || (f.AtRisk && !c.AtRisk) {
			continue
		}
		rows = append(rows, Row{CustomerScore: c, Valuation: vs[i], Key: sortKey(f.Sort, c, vs[i])})
		tot.Customers++
		tot.ExpectedPurchases += vs[i].ExpectedPurchases
		tot.ExpectedRevenue += vs[i].ExpectedRevenue
		tot.CLV += vs[i].CLV
	}
	desc := f.Sort != "" && f.Sort[0] == '-'
	slices.SortFunc(rows, func(a, b Row) int { return compareRows(a, b, desc) })
	return rows, tot
}

func compareRows(a, b Row, desc bool) int {
	if c := cmp.Compare(a.Key, b.Key); c != 0 {
		if desc {
			return -c
		}
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// After returns the rows that come after the row with sort value key and
// id in rows' order.
func After(rows []Row, key float64, id string, desc bool) []Row {
	probe := Row{CustomerScore: &CustomerScore{ID: id}, Key: key}
	i, found := slices.BinarySearchFunc(rows, probe, func(a, b Row) int { return compareRows(a, b, desc) })
	if found {
		i++
	}
	return rows[i:]
}
