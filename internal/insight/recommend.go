package insight

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"

	"pulse/internal/apps"
	"pulse/internal/day"
	"pulse/internal/model"
	"pulse/internal/recommend"
	"pulse/internal/store"
	"pulse/internal/trend"
)

// Recommendation kinds.
const (
	KindWinBack           = "win_back"
	KindSecondPurchase    = "second_purchase"
	KindCrossSell         = "cross_sell"
	KindBundle            = "bundle"
	KindDecliningProduct  = "declining_product"
	KindRisingProduct     = "rising_product"
	KindReactivateSegment = "reactivate_segment"
)

// Audience types.
const (
	AudienceCustomers = "customers"
	AudienceProducts  = "products"
)

// Impact bases: how a recommendation's money is worked out.
const (
	// BasisResponse: a share of the audience (the app's response rate)
	// buys once, each response worth a known amount.
	BasisResponse = "response"
	// BasisTrend: a product's sales keep their latest pace for the
	// horizon, against the pace before it.
	BasisTrend = "trend"
)

// ImpactHorizonDays is the span every impact is stated over, and how long
// a done or dismissed mark holds before the recommendation may return.
const ImpactHorizonDays = 90

// z80 is the standard normal quantile of 0.9: an 80 % interval is the
// mean ± z80 standard deviations.
const z80 = 1.2815515655446004

// Recommendation is one suggested action with the numbers it rests on, in
// language-neutral form: texts are written per request (Text).
type Recommendation struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"`
	Subject string `json:"subject,omitempty"`
	AsOf    int64  `json:"as_of"`
	Facts   Facts  `json:"facts"`
	// Audience is who or what the action is aimed at: customer ids, best
	// prospects first, or product ids.
	AudienceType string   `json:"audience_type"`
	Audience     []string `json:"audience"`
	Basis        Basis    `json:"basis"`
	// Confidence is a probability from the models (see each kind).
	Confidence float64 `json:"confidence"`
}

// Facts are the numbers behind a recommendation; which are set depends on
// the kind. Money is in minor units of the app's currency.
type Facts struct {
	Product     string `json:"product,omitempty"`
	ProductName string `json:"product_name,omitempty"`
	// Because is the product whose buyers a cross-sell or bundle is built
	// on (the antecedent).
	Because     string `json:"because,omitempty"`
	BecauseName string `json:"because_name,omitempty"`
	Segment     string `json:"segment,omitempty"`

	Customers int64 `json:"customers,omitempty"`
	// Revenue is the audience's revenue to date; CLV its expected value over
	// DefaultHorizonDays (major units).
	Revenue int64   `json:"revenue,omitempty"`
	CLV     float64 `json:"clv,omitempty"`
	// PAlive and PAliveBefore are the audience's mean probability of being
	// alive now and RiskWindow days earlier.
	PAlive       float64 `json:"p_alive,omitempty"`
	PAliveBefore float64 `json:"p_alive_before,omitempty"`

	// Second purchase: WindowDays is the span within which most second
	// purchases come (the 80th percentile of the gap), RepeatRate the
	// share of past first-time buyers who bought again within it,
	// MedianGapDays the median gap, Cohort how many past buyers that share
	// is taken from.
	WindowDays    int64   `json:"window_days,omitempty"`
	RepeatRate    float64 `json:"repeat_rate,omitempty"`
	MedianGapDays float64 `json:"median_gap_days,omitempty"`
	Cohort        int64   `json:"cohort,omitempty"`

	// Pair statistics (cross-sell and bundle): Support is the share of
	// customers (cross-sell) or orders (bundle) with both products,
	// PairConfidence P(product | because), Lift that over P(product),
	// Together the customers or orders with both, Missing the orders of the
	// last ImpactHorizonDays with Because but not Product.
	Support        float64 `json:"support,omitempty"`
	PairConfidence float64 `json:"pair_confidence,omitempty"`
	Lift           float64 `json:"lift,omitempty"`
	Together       int64   `json:"together,omitempty"`
	Missing        int64   `json:"missing,omitempty"`
	// PValue is the chance of so strong a link, or so large a change, by
	// luck (adjusted across the tests of its family where there is one).
	PValue float64 `json:"p_value,omitempty"`

	// Trends: orders and revenue of the previous and the latest period of
	// PeriodDays days, the latest ending on To; customers in a segment then
	// and now.
	PeriodDays   int64  `json:"period_days,omitempty"`
	From         string `json:"from,omitempty"`
	To           string `json:"to,omitempty"`
	PrevOrders   int64  `json:"prev_orders,omitempty"`
	CurOrders    int64  `json:"cur_orders,omitempty"`
	PrevRevenue  int64  `json:"prev_revenue,omitempty"`
	CurRevenue   int64  `json:"cur_revenue,omitempty"`
	PrevCustomer int64  `json:"prev_customers,omitempty"`
}

// Basis is what the money impact is computed from, so that it follows the
// app's response rate when that changes.
type Basis struct {
	Type string `json:"type"`
	// Response basis: Units responses are possible (customers, or orders
	// missing a product), the i-th worth Values[i] — or, when Values is
	// empty, each worth Value. Minor units.
	Units  int64     `json:"units,omitempty"`
	Value  float64   `json:"value,omitempty"`
	Values []float64 `json:"values,omitempty"`
	// ValueKind says what a response is worth: "average_order_value" (each
	// customer's own), "product_revenue_per_order" or "order_value".
	ValueKind string `json:"value_kind,omitempty"`
	// Trend basis: the difference in orders and in revenue per PeriodDays
	// between the latest period and the one before, and its standard
	// deviation in orders (Poisson counts).
	DeltaOrders     float64 `json:"delta_orders,omitempty"`
	DeltaRevenue    float64 `json:"delta_revenue,omitempty"`
	DeltaOrdersSD   float64 `json:"delta_orders_sd,omitempty"`
	RevenuePerOrder float64 `json:"revenue_per_order,omitempty"`
	PeriodDays      int64   `json:"period_days,omitempty"`
}

// Impact is the money a recommendation may bring over HorizonDays, with
// an 80 % range, in minor units.
type Impact struct {
	Amount, Low, High float64
	HorizonDays       int
	Rate              float64 // the response rate assumed; 0 for trends
}

// Impact works the money out at response rate rate. For a response basis
// each possible response is an independent chance rate of its value: the
// mean is rate·Σv and the variance rate(1−rate)·Σv². For a trend basis
// the latest pace's difference from the previous one is carried over the
// horizon, its range from the Poisson error of the two order counts.
func (r *Recommendation) Impact(rate float64) Impact {
	b := r.Basis
	out := Impact{HorizonDays: ImpactHorizonDays}
	var mean, sd float64
	switch b.Type {
	case BasisResponse:
		out.Rate = rate
		sum, sumSq := b.Value*float64(b.Units), b.Value*b.Value*float64(b.Units)
		if len(b.Values) > 0 {
			sum, sumSq = 0, 0
			for _, v := range b.Values {
				sum += v
				sumSq += v * v
			}
		}
		mean, sd = rate*sum, math.Sqrt(rate*(1-rate)*sumSq)
	case BasisTrend:
		scale := float64(ImpactHorizonDays) / float64(b.PeriodDays)
		mean = math.Abs(b.DeltaRevenue) * scale
		sd = b.DeltaOrdersSD * b.RevenuePerOrder * scale
	}
	out.Amount, out.Low, out.High = mean, math.Max(0, mean-z80*sd), mean+z80*sd
	return out
}

// Recommendations are an app's recommendations as of a day, ranked for
// the app's response rate when they were computed.
type Recommendations struct {
	AsOf     int64
	Currency string
	List     []Recommendation
	// Skipped names the kinds that could not be computed, and why.
	Skipped map[string]string
	items   *recommend.Model
	names   map[string]string
}

// Find returns the recommendation with an id.
func (rs *Recommendations) Find(id string) (*Recommendation, bool) {
	for i := range rs.List {
		if rs.List[i].ID == id {
			return &rs.List[i], true
		}
	}
	return nil, false
}

// NextProduct is a product a customer is likely to buy next.
type NextProduct struct {
	recommend.Suggestion
	Name, BecauseName string
}

// NextProducts are a customer's best next products, at most n, that they
// have not bought; none when the customer has no purchase.
func (rs *Recommendations) NextProducts(customerID string, n int) []NextProduct {
	if rs == nil || rs.items == nil {
		return nil
	}
	var out []NextProduct
	for _, s := range rs.items.Next(customerID, n) {
		out = append(out, NextProduct{Suggestion: s, Name: rs.name(s.Product), BecauseName: rs.name(s.Because)})
	}
	return out
}

func (rs *Recommendations) name(product string) string {
	if n := rs.names[product]; n != "" {
		return n
	}
	return product
}

// Rank orders recommendations by expected impact at rate times
// confidence, largest first; ties by id, so the order is stable.
func Rank(list []Recommendation, rate float64) {
	score := func(r *Recommendation) float64 { return r.Impact(rate).Amount * r.Confidence }
	slices.SortStableFunc(list, func(a, b Recommendation) int {
		if c := cmp.Compare(score(&b), score(&a)); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// recID is a recommendation's id: its kind, with a digest of its subject
// when it has one. The same opportunity keeps its id from one computation
// to the next, so that a mark stays on it; product ids may hold any
// character, and the digest keeps the id safe in a URL path.
func recID(kind, subject string) string {
	if subject == "" {
		return kind
	}
	h := sha256.Sum256([]byte(kind + "\x00" + subject))
	return kind + "-" + hex.EncodeToString(h[:6])
}

// Recommendations returns the snapshot's recommendations, computed with
// its customer scores from the same read of the purchases.
func (snap *Snapshot) Recommendations() *Recommendations { return snap.recs }

// recInput is what the recommendation kinds are computed from.
type recInput struct {
	app      model.App
	asOf     int64 // the last day of data
	cm       *CustomerModel
	orders   []recommend.Purchase
	items    *recommend.Model
	products map[string]store.ProductPeriods // last ImpactHorizonDays, and the span before
	names    map[string]string               // every product's last known name
	trends   *trend.Result
}

// computeRecommendations computes every kind from the app's orders as of
// the snapshot's day.
func (s *Service) computeRecommendations(ctx context.Context, app model.App, snap *Snapshot, baskets []store.Basket,
	trends *trend.Result) (*Recommendations, error) {
	loc := Location(app)
	in := recInput{app: app, asOf: snap.Today, cm: snap.Customers, trends: trends}
	var err error
	in.orders = make([]recommend.Purchase, len(baskets))
	for i, b := range baskets {
		in.orders[i] = recommend.Purchase{Customer: b.CustomerID, Day: day.Of(b.At, loc), Products: b.Products}
	}
	in.items = recommend.Fit(in.orders, recommend.Options{})
	h := int64(ImpactHorizonDays)
	rows, err := s.db.ProductPeriods(ctx, app.ID, snap.Today-2*h+1, snap.Today-h+1, snap.Today)
	if err != nil {
		return nil, fmt.Errorf("insight: recommendations of %s: %w", app.ID, err)
	}
	in.products = make(map[string]store.ProductPeriods, len(rows))
	for _, r := range rows {
		in.products[r.Product] = r
	}
	if in.names, err = s.db.ProductNames(ctx, app.ID); err != nil {
		return nil, fmt.Errorf("insight: recommendations of %s: %w", app.ID, err)
	}
	rs := &Recommendations{AsOf: snap.Today, Currency: app.Currency, Skipped: map[string]string{},
		items: in.items, names: in.names}
	// Each computation gives its kinds, or why it has none; a kind it
	// found nothing of is skipped for its reason, or for none found.
	for _, k := range []struct {
		kinds []string
		fn    func(*recInput) ([]Recommendation, string)
		none  string
	}{
		{[]string{KindWinBack}, winBack, SkipNoAudience},
		{[]string{KindSecondPurchase}, secondPurchase, SkipNoAudience},
		{[]string{KindCrossSell}, crossSell, SkipNoStrongLinks},
		{[]string{KindBundle}, bundles, SkipNoStrongLinks},
		{[]string{KindDecliningProduct, KindRisingProduct}, productTrends, SkipNoTrend},
		{[]string{KindReactivateSegment}, reactivateSegments, SkipNoTrend},
	} {
		list, skip := k.fn(&in)
		for _, kind := range k.kinds {
			if !slices.ContainsFunc(list, func(r Recommendation) bool { return r.Kind == kind }) {
				rs.Skipped[kind] = cmp.Or(skip, k.none)
			}
		}
		for i := range list {
			list[i].AsOf = snap.Today
			list[i].ID = recID(list[i].Kind, list[i].Subject)
		}
		rs.List = append(rs.List, list...)
	}
	Rank(rs.List, ResponseRate(app))
	return rs, nil
}

// ResponseRate is the app's response rate, the default when it has none
// (an app made before the setting, in a test).
func ResponseRate(app model.App) float64 {
	if app.ResponseRate > 0 {
		return app.ResponseRate
	}
	return apps.DefaultResponseRate
}
