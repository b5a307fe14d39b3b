package insight_test

import (
	"math"
	"strings"
	"testing"

	"pulse/internal/insight"
)

// The impacts, worked by hand: a response basis is a sum of independent
// Bernoulli(rate) responses, each worth its value; a trend basis carries
// the revenue difference of one period over the 90-day horizon.
func TestImpact(t *testing.T) {
	t.Parallel()
	const z80 = 1.2815515655446004
	tests := []struct {
		name            string
		basis           insight.Basis
		rate            float64
		amount, sd      float64
		wantRate        float64
		lowFloorsAtZero bool
	}{
		{
			// Three customers worth 10, 20 and 30: mean 0.5·60 = 30,
			// variance 0.5·0.5·(100+400+900) = 350.
			name:  "customers at their own average order",
			basis: insight.Basis{Type: insight.BasisResponse, Units: 3, Values: []float64{1000, 2000, 3000}},
			rate:  0.5, amount: 3000, sd: 100 * math.Sqrt(350), wantRate: 0.5,
		},
		{
			// 50 orders that may add a product worth 25: mean 0.2·50·25 =
			// 250, variance 0.2·0.8·50·625 = 5000.
			name:  "orders missing a product",
			basis: insight.Basis{Type: insight.BasisResponse, Units: 50, Value: 2500},
			rate:  0.2, amount: 25000, sd: 100 * math.Sqrt(5000), wantRate: 0.2,
		},
		{
			// Everyone responds: no uncertainty left.
			name:  "certain response",
			basis: insight.Basis{Type: insight.BasisResponse, Units: 2, Value: 700},
			rate:  1, amount: 1400, sd: 0, wantRate: 1,
		},
		{
			// 40 orders then 20 in 28 days, revenue 4000 then 2000: the
			// loss of 2000 per 28 days over 90 days is 2000·90/28; the
			// order difference has sd √60, at 100 per order.
			name: "declining product",
			basis: insight.Basis{Type: insight.BasisTrend, DeltaOrders: -20, DeltaRevenue: -2000,
				DeltaOrdersSD: math.Sqrt(60), RevenuePerOrder: 100, PeriodDays: 28},
			rate: 0.1, amount: 2000 * 90.0 / 28, sd: math.Sqrt(60) * 100 * 90 / 28,
		},
		{
			// One customer worth 100 at 10 %: mean 10, sd 30, so the
			// lower bound 10 − 1.28·30 is below zero and floors there.
			name:  "range floored at zero",
			basis: insight.Basis{Type: insight.BasisResponse, Units: 1, Values: []float64{100}},
			rate:  0.1, amount: 10, sd: 30, wantRate: 0.1, lowFloorsAtZero: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := insight.Recommendation{Basis: tt.basis}
			got := r.Impact(tt.rate)
			wantLow := math.Max(0, tt.amount-z80*tt.sd)
			if tt.lowFloorsAtZero != (wantLow == 0) {
				t.Fatalf("case does not test what it says: low %v", wantLow)
			}
			if !near(got.Amount, tt.amount) || !near(got.Low, wantLow) || !near(got.High, tt.amount+z80*tt.sd) {
				t.Errorf("impact = %.6f [%.6f, %.6f], want %.6f [%.6f, %.6f]", got.Amount, got.Low, got.High,
					tt.amount, wantLow, tt.amount+z80*tt.sd)
			}
			if got.HorizonDays != 90 || got.Rate != tt.wantRate {
				t.Errorf("horizon %d, rate %v; want 90, %v", got.HorizonDays, got.Rate, tt.wantRate)
			}
		})
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// Ranking is by amount at the rate times confidence, ties by id.
func TestRank(t *testing.T) {
	t.Parallel()
	worth := func(id string, value, conf float64) insight.Recommendation {
		return insight.Recommendation{ID: id, Confidence: conf,
			Basis: insight.Basis{Type: insight.BasisResponse, Units: 1, Value: value}}
	}
	list := []insight.Recommendation{
		worth("a", 1000, 0.5), // 0.1·1000·0.5 = 50
		worth("b", 900, 0.9),  // 81
		worth("c", 2000, 0.1), // 20
		worth("d", 500, 1),    // 50, ties with a
	}
	insight.Rank(list, 0.1)
	var got []string
	for _, r := range list {
		got = append(got, r.ID)
	}
	if strings.Join(got, ",") != "b,a,d,c" {
		t.Errorf("order = %v, want b,a,d,c", got)
	}
}

// Texts name the numbers in each language's format.
func TestRecommendationText(t *testing.T) {
	t.Parallel()
	r := insight.Recommendation{Kind: insight.KindWinBack,
		Facts: insight.Facts{Customers: 21, Revenue: 123456, CLV: 789.5, PAlive: 0.42, PAliveBefore: 0.75},
		Basis: insight.Basis{Type: insight.BasisResponse, Units: 21, Values: make([]float64, 21), ValueKind: "average_order_value"}}
	imp := insight.Impact{Amount: 12345, Low: 10000, High: 15000, HorizonDays: 90, Rate: 0.1}
	en := r.Text("en", "USD", imp)
	ru := r.Text("ru", "USD", imp)
	for _, c := range []struct {
		got  string
		want []string
	}{
		{en.Title, []string{"21 valuable customers"}},
		{en.Rationale, []string{"75.0%", "42.0%", "$1,234.56", "$789.50", "30 days"}},
		{en.Assumption, []string{"10.0% of the 21 customers", "90 days", "$100.00 to $150.00"}},
		{ru.Title, []string{"21 ценного клиента"}},
		{ru.Rationale, []string{"75,0\u00a0%", "42,0\u00a0%", "1\u00a0234,56\u00a0$", "30 дней"}},
		{ru.Assumption, []string{"10,0\u00a0% из 21 клиента", "90 дней"}},
	} {
		for _, w := range c.want {
			if !strings.Contains(c.got, w) {
				t.Errorf("%q does not contain %q", c.got, w)
			}
		}
	}
}

// Top keeps the rank order, one recommendation of a kind, new ones only.
func TestTop(t *testing.T) {
	t.Parallel()
	l := insight.RecommendationList{Items: []insight.Listed{
		{Recommendation: insight.Recommendation{ID: "a", Kind: insight.KindRisingProduct}, Status: insight.StatusNew},
		{Recommendation: insight.Recommendation{ID: "b", Kind: insight.KindRisingProduct}, Status: insight.StatusNew},
		{Recommendation: insight.Recommendation{ID: "c", Kind: insight.KindBundle}, Status: insight.StatusNew},
		{Recommendation: insight.Recommendation{ID: "d", Kind: insight.KindWinBack}, Status: insight.StatusDone},
		{Recommendation: insight.Recommendation{ID: "e", Kind: insight.KindBundle}, Status: insight.StatusNew},
		{Recommendation: insight.Recommendation{ID: "f", Kind: insight.KindCrossSell}, Status: insight.StatusNew},
		{Recommendation: insight.Recommendation{ID: "g", Kind: insight.KindWinBack}, Status: insight.StatusNew},
	}}
	for n, want := range map[int]string{0: "", 1: "a", 3: "a,c,f", 9: "a,c,f,g"} {
		var got []string
		for _, r := range l.Top(n) {
			got = append(got, r.ID)
		}
		if strings.Join(got, ",") != want {
			t.Errorf("Top(%d) = %v, want %s", n, got, want)
		}
	}
}
