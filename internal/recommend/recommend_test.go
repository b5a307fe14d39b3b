package recommend

import (
	"math"
	"slices"
	"sync"
	"testing"
)

// shop is a small history whose every number is worked out by hand below.
//
//	a: day 1 X Y, day 3 Z       buyers: X a b c (3), Y a b d (3),
//	b: day 2 X Y                        Z a d (2),   W c e (2)
//	c: day 2 X, day 4 W         common: XY 2 (a b), YZ 2 (a d),
//	d: day 5 Y Z                        XZ 1 (a),   XW 1 (c)
//	e: day 1 W
//
// Cosines: XY 2/√9 = 0.6667, YZ 2/√6 = 0.8165, XZ = XW = 1/√6 = 0.4082.
var shop = []Purchase{
	{"a", 1, []string{"X", "Y"}},
	{"b", 2, []string{"X", "Y"}},
	{"c", 2, []string{"X"}},
	{"a", 3, []string{"Z"}},
	{"c", 4, []string{"W"}},
	{"d", 5, []string{"Y", "Z"}},
	{"e", 1, []string{"W"}},
}

var (
	simXY = 2 / math.Sqrt(9)
	simYZ = 2 / math.Sqrt(6)
	simXZ = 1 / math.Sqrt(6)
	simXW = 1 / math.Sqrt(6)
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

func sameSuggestions(t *testing.T, what string, got, want []Suggestion) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s = %+v, want %+v", what, got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Product != w.Product || g.Because != w.Because || g.Common != w.Common ||
			!near(g.Score, w.Score) || !near(g.Confidence, w.Confidence) || !near(g.Lift, w.Lift) {
			t.Errorf("%s[%d] = %+v, want %+v", what, i, g, w)
		}
	}
}

func TestSimilarIsCosineOfBuyerSets(t *testing.T) {
	t.Parallel()
	m := Fit(shop, Options{MinCommon: 1})
	cases := []struct {
		product string
		want    []Related
	}{
		// Confidence is common / buyers of the product asked about; lift
		// divides it by the other's share of the 5 customers.
		{"Y", []Related{{"Z", simYZ, 2, 2.0 / 3, (2.0 / 3) / (2.0 / 5)}, {"X", simXY, 2, 2.0 / 3, (2.0 / 3) / (3.0 / 5)}}},
		// XZ and XW tie: by name.
		{"X", []Related{{"Y", simXY, 2, 2.0 / 3, (2.0 / 3) / (3.0 / 5)}, {"W", simXW, 1, 1.0 / 3, (1.0 / 3) / (2.0 / 5)}, {"Z", simXZ, 1, 1.0 / 3, (1.0 / 3) / (2.0 / 5)}}},
		{"W", []Related{{"X", simXW, 1, 1.0 / 2, (1.0 / 2) / (3.0 / 5)}}},
		{"V", nil},
	}
	for _, c := range cases {
		got := m.Similar(c.product, 10)
		if len(got) != len(c.want) {
			t.Fatalf("Similar(%s) = %+v, want %+v", c.product, got, c.want)
		}
		for i, w := range c.want {
			g := got[i]
			if g.Product != w.Product || g.Common != w.Common || !near(g.Similarity, w.Similarity) ||
				!near(g.Confidence, w.Confidence) || !near(g.Lift, w.Lift) {
				t.Errorf("Similar(%s)[%d] = %+v, want %+v", c.product, i, g, w)
			}
		}
	}
	if got := m.Similar("X", 1); len(got) != 1 || got[0].Product != "Y" {
		t.Errorf("Similar(X, 1) = %+v, want Y alone", got)
	}
	// Two customers must share a pair by default: XZ and XW go.
	if got := Fit(shop, Options{}).Similar("X", 10); len(got) != 1 || got[0].Product != "Y" {
		t.Errorf("with MinCommon 2, Similar(X) = %+v, want Y alone", got)
	}
	// One neighbour each: X keeps Y, its most similar.
	if got := Fit(shop, Options{MinCommon: 1, Neighbours: 1}).Similar("X", 10); len(got) != 1 || got[0].Product != "Y" {
		t.Errorf("with Neighbours 1, Similar(X) = %+v, want Y alone", got)
	}
}

func TestNextSuggestsSimilarProductsNotBought(t *testing.T) {
	t.Parallel()
	m := Fit(shop, Options{MinCommon: 1})
	cases := []struct {
		customer string
		want     []Suggestion
	}{
		// b has X and Y. Z gets Y's 0.8165 and X's 0.4082, mostly from Y:
		// P(Z|Y) = 2/3, lift (2/3)/(2/5). W only from X: P(W|X) = 1/3.
		{"b", []Suggestion{
			{"Z", simYZ + simXZ, "Y", 2.0 / 3, (2.0 / 3) / (2.0 / 5), 2},
			{"W", simXW, "X", 1.0 / 3, (1.0 / 3) / (2.0 / 5), 1},
		}},
		// c has W (day 4) and X (day 2); W's only neighbour is X, bought.
		{"c", []Suggestion{
			{"Y", simXY, "X", 2.0 / 3, (2.0 / 3) / (3.0 / 5), 2},
			{"Z", simXZ, "X", 1.0 / 3, (1.0 / 3) / (2.0 / 5), 1},
		}},
		// d has Y and Z; both point at X, Y more; W is no neighbour of
		// either, so it is not suggested.
		{"d", []Suggestion{{"X", simXY + simXZ, "Y", 2.0 / 3, (2.0 / 3) / (3.0 / 5), 2}}},
		{"e", []Suggestion{{"X", simXW, "W", 1.0 / 2, (1.0 / 2) / (3.0 / 5), 1}}},
		{"a", []Suggestion{{"W", simXW, "X", 1.0 / 3, (1.0 / 3) / (2.0 / 5), 1}}},
		{"nobody", nil},
	}
	for _, c := range cases {
		sameSuggestions(t, "Next("+c.customer+")", m.Next(c.customer, 10), c.want)
	}
	sameSuggestions(t, "Next(b, 1)", m.Next("b", 1), []Suggestion{{"Z", simYZ + simXZ, "Y", 2.0 / 3, (2.0 / 3) / (2.0 / 5), 2}})
	if got := m.Next("b", 0); got != nil {
		t.Errorf("Next(b, 0) = %+v, want none", got)
	}
}

func TestNextBreaksTies(t *testing.T) {
	t.Parallel()
	// P has 4 buyers. Q has 4, 2 shared with P: 2/√16 = 0.5. R and S have
	// one buyer each, shared with P: 1/√4 = 0.5. Equal scores go to the
	// product more customers bought, then by name.
	ps := []Purchase{
		{"u1", 1, []string{"P", "Q"}}, {"u2", 1, []string{"P", "Q"}},
		{"u3", 1, []string{"P", "S", "R"}}, {"u4", 1, []string{"P"}},
		{"v1", 1, []string{"Q"}}, {"v2", 1, []string{"Q"}},
	}
	m := Fit(ps, Options{MinCommon: 1})
	var got []string
	for _, s := range m.Next("u4", 10) {
		got = append(got, s.Product)
		if s.Score != 0.5 {
			t.Errorf("%s scores %v, want 0.5", s.Product, s.Score)
		}
	}
	if !slices.Equal(got, []string{"Q", "R", "S"}) {
		t.Errorf("Next(u4) = %v, want Q (4 buyers), then R and S by name", got)
	}

	// C is as similar to A as to B; B, bought later, is the reason.
	ps = []Purchase{
		{"x", 1, []string{"A"}}, {"x", 2, []string{"B"}},
		{"y", 1, []string{"A", "C"}}, {"z", 1, []string{"B", "C"}},
	}
	s := Fit(ps, Options{MinCommon: 1}).Next("x", 10)
	if len(s) != 1 || s[0].Product != "C" || s[0].Because != "B" {
		t.Errorf("Next(x) = %+v, want C because of B, the more recent", s)
	}
}

func TestMaxProductsKeepsTheMostRecent(t *testing.T) {
	t.Parallel()
	// With one product per customer, no pair is ever counted, but what a
	// customer bought before their latest still counts as bought.
	ps := []Purchase{
		{"a", 1, []string{"X"}}, {"a", 2, []string{"Y"}},
		{"b", 1, []string{"X"}}, {"b", 3, []string{"Y"}},
	}
	m := Fit(ps, Options{MinCommon: 1, MaxProducts: 1})
	if got := m.Similar("Y", 10); len(got) != 0 {
		t.Errorf("Similar(Y) = %+v, want none", got)
	}
	if got := m.Popular("a", 10); len(got) != 0 {
		t.Errorf("Popular(a) = %v, want none: a bought both", got)
	}
	if got := Fit(ps, Options{MinCommon: 1}).Similar("Y", 10); len(got) != 1 || got[0].Common != 2 {
		t.Errorf("uncapped Similar(Y) = %+v, want X shared by 2", got)
	}
}

func TestPopularAndBuyAgain(t *testing.T) {
	t.Parallel()
	m := Fit(shop, Options{})
	// X and Y have 3 buyers, W and Z 2: ties by name.
	for _, c := range []struct {
		customer string
		n        int
		want     []string
	}{
		{"", 10, []string{"X", "Y", "W", "Z"}},
		{"nobody", 2, []string{"X", "Y"}},
		{"c", 10, []string{"Y", "Z"}},
		{"a", 10, []string{"W"}},
		{"a", 0, nil},
	} {
		if got := m.Popular(c.customer, c.n); !slices.Equal(got, c.want) {
			t.Errorf("Popular(%q, %d) = %v, want %v", c.customer, c.n, got, c.want)
		}
	}

	// f: X in 2 orders (last day 2), Y in 2 (last day 3), Z in 1 (day 3);
	// X twice in one order counts once.
	m = Fit(append(slices.Clone(shop),
		Purchase{"f", 1, []string{"X", "Y", "X"}}, Purchase{"f", 2, []string{"X"}},
		Purchase{"f", 3, []string{"Z"}}, Purchase{"f", 3, []string{"Y"}}), Options{})
	want := []Repeat{{"Y", 2, 3}, {"X", 2, 2}, {"Z", 1, 3}}
	if got := m.BuyAgain("f", 10); !slices.Equal(got, want) {
		t.Errorf("BuyAgain(f) = %v, want %v", got, want)
	}
	if got := m.BuyAgain("f", 1); !slices.Equal(got, want[:1]) {
		t.Errorf("BuyAgain(f, 1) = %v, want %v", got, want[:1])
	}
	// a bought X, Y and Z once each, Z last; X and Y on the same day.
	if got := m.BuyAgain("a", 10); !slices.Equal(got, []Repeat{{"Z", 1, 3}, {"X", 1, 1}, {"Y", 1, 1}}) {
		t.Errorf("BuyAgain(a) = %v", got)
	}
	if got := m.BuyAgain("nobody", 10); got != nil {
		t.Errorf("BuyAgain(nobody) = %v, want none", got)
	}
	if m.Buyers("X") != 4 || m.Buyers("V") != 0 || m.Customers() != 6 || !slices.Equal(m.Products(), []string{"W", "X", "Y", "Z"}) {
		t.Errorf("Buyers(X) %d, Buyers(V) %d, Customers %d, Products %v", m.Buyers("X"), m.Buyers("V"), m.Customers(), m.Products())
	}
}

func TestFitDoesNotDependOnInputOrder(t *testing.T) {
	t.Parallel()
	rev := slices.Clone(shop)
	slices.Reverse(rev)
	a, b := Fit(shop, Options{MinCommon: 1}), Fit(rev, Options{MinCommon: 1})
	for _, c := range []string{"a", "b", "c", "d", "e"} {
		sameSuggestions(t, "Next("+c+") on reversed input", b.Next(c, 10), a.Next(c, 10))
	}
}

func TestEdgeCases(t *testing.T) {
	t.Parallel()
	empty := Fit(nil, Options{})
	if empty.Customers() != 0 || len(empty.Products()) != 0 || empty.Next("a", 5) != nil ||
		empty.Popular("a", 5) != nil || empty.Similar("X", 5) != nil || empty.BuyAgain("a", 5) != nil {
		t.Error("a model of no purchases suggests something")
	}
	// Everyone bought the one product: nothing new to suggest to them,
	// and the best seller to a stranger.
	one := Fit([]Purchase{{"a", 1, []string{"P"}}, {"b", 2, []string{"P"}}}, Options{MinCommon: 1})
	if got := one.Next("a", 5); len(got) != 0 {
		t.Errorf("one product: Next(a) = %+v", got)
	}
	if got := one.Popular("a", 5); len(got) != 0 {
		t.Errorf("one product: Popular(a) = %v", got)
	}
	if got := one.Popular("stranger", 5); !slices.Equal(got, []string{"P"}) {
		t.Errorf("one product: Popular(stranger) = %v, want [P]", got)
	}
	// An order without products makes a customer with nothing bought.
	m := Fit([]Purchase{{"a", 1, nil}, {"b", 1, []string{"P"}}}, Options{})
	if m.Customers() != 2 || m.Next("a", 5) != nil || !slices.Equal(m.Popular("a", 5), []string{"P"}) {
		t.Errorf("empty order: %d customers, Next %v, Popular %v", m.Customers(), m.Next("a", 5), m.Popular("a", 5))
	}
}

func TestInsertTopKeepsTheBest(t *testing.T) {
	t.Parallel()
	better := func(a, b int) bool { return a > b }
	var top []int
	for _, v := range []int{3, 9, 1, 7, 9, 4, 8} {
		top = insertTop(top, 3, v, better)
	}
	if !slices.Equal(top, []int{9, 9, 8}) {
		t.Errorf("top 3 = %v, want [9 9 8]", top)
	}
	if got := insertTop(nil, 0, 5, better); len(got) != 0 {
		t.Errorf("top 0 = %v", got)
	}
}

func TestNextIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	m := Fit(shop, Options{MinCommon: 1})
	want := map[string][]Suggestion{}
	for _, c := range []string{"a", "b", "c", "d", "e"} {
		want[c] = m.Next(c, 10)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 200 {
				for c, w := range want {
					if got := m.Next(c, 10); !slices.Equal(got, w) {
						t.Errorf("Next(%s) = %+v, want %+v", c, got, w)
						return
					}
				}
			}
		})
	}
	wg.Wait()
}

func TestNextAfterTheStampWraps(t *testing.T) {
	t.Parallel()
	m := Fit(shop, Options{MinCommon: 1})
	s := m.newScratch()
	want := m.next(m.customers["b"], 10, s)
	m.next(m.customers["a"], 10, s)
	s.stamp = math.MaxInt32
	if got := m.next(m.customers["b"], 10, s); !slices.Equal(got, want) {
		t.Errorf("after the stamp wraps, Next(b) = %+v, want %+v", got, want)
	}
}
