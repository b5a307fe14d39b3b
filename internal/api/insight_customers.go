package api

import (
	"math"
	"net/http"
	"time"

	"pulse/internal/clv"
	"pulse/internal/day"
	"pulse/internal/httpx"
	"pulse/internal/insight"
	"pulse/internal/money"
)

// customerScoreJSON is a customer as the customer models see it. Money is
// a decimal string in the app's currency; a probability the heuristic
// cannot give is null.
type customerScoreJSON struct {
	CustomerID        string    `json:"customer_id"`
	PAlive            *float64  `json:"p_alive"`
	PAlive30dAgo      *float64  `json:"p_alive_30d_ago"`
	ExpectedPurchases float64   `json:"expected_purchases"`
	ExpectedRevenue   string    `json:"expected_revenue"`
	CLV               string    `json:"clv"`
	Segment           string    `json:"segment"`
	AtRisk            bool      `json:"at_risk"`
	Orders            int64     `json:"orders"`
	Revenue           string    `json:"revenue"`
	LastPurchaseAt    time.Time `json:"last_purchase_at"`
}

type bgnbdJSON struct {
	R             float64 `json:"r"`
	Alpha         float64 `json:"alpha"`
	A             float64 `json:"a"`
	B             float64 `json:"b"`
	LogLikelihood float64 `json:"log_likelihood"`
	Converged     bool    `json:"converged"`
}

type gammaGammaJSON struct {
	P                         float64 `json:"p"`
	Q                         float64 `json:"q"`
	V                         float64 `json:"v"`
	LogLikelihood             float64 `json:"log_likelihood"`
	Customers                 int     `json:"customers"`
	FrequencySpendCorrelation float64 `json:"frequency_spend_correlation"`
	IndependenceDoubtful      bool    `json:"independence_doubtful"`
}

type customerModelJSON struct {
	Method          string          `json:"method"`
	Spend           string          `json:"spend"`
	Reason          *string         `json:"reason"`
	TimeUnit        string          `json:"time_unit"`
	Customers       int             `json:"customers"`
	RepeatCustomers int             `json:"repeat_customers"`
	BGNBD           *bgnbdJSON      `json:"bg_nbd"`
	GammaGamma      *gammaGammaJSON `json:"gamma_gamma"`
}

type customerTotalsJSON struct {
	Customers         int     `json:"customers"`
	ExpectedPurchases float64 `json:"expected_purchases"`
	ExpectedRevenue   string  `json:"expected_revenue"`
	CLV               string  `json:"clv"`
}

type customerScoresJSON struct {
	AsOf         string              `json:"as_of"`
	ComputedAt   time.Time           `json:"computed_at"`
	Currency     string              `json:"currency"`
	HorizonDays  int                 `json:"horizon_days"`
	DiscountRate float64             `json:"discount_rate"`
	Model        customerModelJSON   `json:"model"`
	Totals       customerTotalsJSON  `json:"totals"`
	Data         []customerScoreJSON `json:"data"`
	NextCursor   *string             `json:"next_cursor"`
}

// insightCustomers is GET /api/v1/insights/customers.
func (a *API) insightCustomers(w http.ResponseWriter, r *http.Request) error {
	app := keyFrom(r.Context()).App
	q := r.URL.Query()
	p, err := insight.ParseCustomers(insight.CustomerQuery{AsOf: q.Get("as_of"), HorizonDays: q.Get("horizon_days"),
		DiscountRate: q.Get("discount_rate"), Segment: q.Get("segment"), AtRisk: q.Get("at_risk"), Sort: q.Get("sort"),
		Limit: q.Get("limit"), Cursor: q.Get("cursor")}, day.Of(a.now(), insight.Location(app)))
	if err != nil {
		return err
	}
	pg, err := a.insights.Customers(r.Context(), app, p)
	if err != nil {
		return err
	}
	cm := pg.Model
	out := customerScoresJSON{AsOf: day.String(cm.AsOf), ComputedAt: cm.ComputedAt, Currency: cm.Currency,
		HorizonDays: p.HorizonDays, DiscountRate: p.Rate, Model: toCustomerModel(cm),
		Totals: customerTotalsJSON{Customers: pg.Totals.Customers, ExpectedPurchases: round4(pg.Totals.ExpectedPurchases),
			ExpectedRevenue: majorMoney(pg.Totals.ExpectedRevenue, cm.Currency), CLV: majorMoney(pg.Totals.CLV, cm.Currency)},
		Data: make([]customerScoreJSON, len(pg.Rows)), NextCursor: pg.Next}
	for i, row := range pg.Rows {
		out.Data[i] = toCustomerScore(row.CustomerScore, row.Valuation, cm.Currency)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func toCustomerScore(c *insight.CustomerScore, v insight.Valuation, cur string) customerScoreJSON {
	return customerScoreJSON{CustomerID: c.ID, PAlive: probability(c.PAlive), PAlive30dAgo: probability(c.PAliveBefore),
		ExpectedPurchases: round4(v.ExpectedPurchases), ExpectedRevenue: majorMoney(v.ExpectedRevenue, cur),
		CLV: majorMoney(v.CLV, cur), Segment: string(c.Segment), AtRisk: c.AtRisk, Orders: c.Orders,
		Revenue: money.FormatCode(c.Revenue, cur), LastPurchaseAt: c.LastPurchaseAt}
}

func toCustomerModel(cm *insight.CustomerModel) customerModelJSON {
	out := customerModelJSON{Method: cm.Method, Spend: cm.Spend, TimeUnit: "week", Customers: cm.Customers,
		RepeatCustomers: cm.Repeat}
	if cm.Reason != "" {
		out.Reason = &cm.Reason
	}
	if bg := cm.BG; bg != nil {
		out.BGNBD = &bgnbdJSON{R: bg.R, Alpha: bg.Alpha, A: bg.A, B: bg.B, LogLikelihood: bg.LL, Converged: bg.Converged}
	}
	if gg := cm.GG; gg != nil {
		out.GammaGamma = &gammaGammaJSON{P: gg.P, Q: gg.Q, V: gg.V, LogLikelihood: gg.LL, Customers: gg.Customers,
			FrequencySpendCorrelation: round4(gg.FreqSpendCorr), IndependenceDoubtful: math.Abs(gg.FreqSpendCorr) > clv.CorrWarnAbove}
	}
	return out
}

// insightRefresh is POST /api/v1/insights/refresh: it starts recomputing
// the app's forecasts and customer scores now instead of when the
// background job would.
func (a *API) insightRefresh(w http.ResponseWriter, r *http.Request) error {
	app := keyFrom(r.Context()).App
	a.insights.Refresh(app)
	st := a.insights.Status(app.ID)
	httpx.WriteJSON(w, http.StatusAccepted, map[string]any{"status": "computing", "computed_at": st.ComputedAt})
	return nil
}

// probability rounds p to four decimals; NaN, unknown, is null.
func probability(p float64) *float64 {
	if math.IsNaN(p) {
		return nil
	}
	v := round4(p)
	return &v
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

// majorMoney formats an estimate in major units as a decimal string in the
// currency, rounded to its minor unit.
func majorMoney(v float64, cur string) string {
	exp, ok := money.Exponent(cur)
	if !ok {
		exp = 2
	}
	return money.FormatCode(int64(math.Round(v*math.Pow10(exp))), cur)
}

// customerDetailJSON is a customer with, once the app's scores are
// computed, how the customer models see it: null before that, and for a
// customer without a paid purchase.
type customerDetailJSON struct {
	customerJSON
	Segment              *string              `json:"segment"`
	PAlive               *float64             `json:"p_alive"`
	ExpectedPurchases90d *float64             `json:"expected_purchases_90d"`
	ExpectedPurchases    *float64             `json:"expected_purchases"`
	ExpectedRevenue      *string              `json:"expected_revenue"`
	CLV                  *string              `json:"clv"`
	AtRisk               *bool                `json:"at_risk"`
	NextProducts         []nextProductJSON    `json:"next_products"`
	Insights             *customerScoringJSON `json:"insights"`
}

// nextProductJSON is a product the customer has not bought that the
// buyers of their products buy: score ranks (a sum of cosine
// similarities), confidence is the share of the buyers of because who
// bought product, lift that share over the share of all customers.
type nextProductJSON struct {
	Product           string  `json:"product"`
	Name              string  `json:"name"`
	Score             float64 `json:"score"`
	Because           string  `json:"because"`
	BecauseName       string  `json:"because_name"`
	Confidence        float64 `json:"confidence"`
	Lift              float64 `json:"lift"`
	CustomersWithBoth int     `json:"customers_with_both"`
}

// NextProductsShown is how many next products a customer's detail lists.
const NextProductsShown = 5

func (out *customerDetailJSON) addNextProducts(rs *insight.Recommendations, id string) {
	out.NextProducts = []nextProductJSON{}
	for _, p := range rs.NextProducts(id, NextProductsShown) {
		out.NextProducts = append(out.NextProducts, nextProductJSON{Product: p.Product, Name: p.Name, Score: round4(p.Score),
			Because: p.Because, BecauseName: p.BecauseName, Confidence: round4(p.Confidence), Lift: round4(p.Lift),
			CustomersWithBoth: p.Common})
	}
}

// customerScoringJSON says when and how a customer's scores were made;
// expected_purchases, expected_revenue and clv look horizon_days ahead.
type customerScoringJSON struct {
	ComputedAt   time.Time `json:"computed_at"`
	AsOf         string    `json:"as_of"`
	HorizonDays  int       `json:"horizon_days"`
	DiscountRate float64   `json:"discount_rate"`
	Method       string    `json:"method"`
	Spend        string    `json:"spend"`
}

func (out *customerDetailJSON) addScores(cm *insight.CustomerModel, id string) {
	out.Insights = &customerScoringJSON{ComputedAt: cm.ComputedAt, AsOf: day.String(cm.AsOf),
		HorizonDays: insight.DefaultHorizonDays, DiscountRate: insight.DefaultDiscountRate, Method: cm.Method, Spend: cm.Spend}
	c, ok := cm.Score(id)
	if !ok {
		return
	}
	v := cm.ValueOf(c, insight.DefaultHorizonDays, insight.DefaultDiscountRate)
	row := toCustomerScore(c, v, cm.Currency)
	e90 := round4(cm.ValueOf(c, insight.ShortHorizonDays, insight.DefaultDiscountRate).ExpectedPurchases)
	seg := string(c.Segment)
	out.Segment, out.PAlive, out.ExpectedPurchases90d = &seg, row.PAlive, &e90
	out.ExpectedPurchases, out.ExpectedRevenue, out.CLV, out.AtRisk = &row.ExpectedPurchases, &row.ExpectedRevenue, &row.CLV, &row.AtRisk
}
