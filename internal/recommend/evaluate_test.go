package recommend

import (
	"slices"
	"testing"
)

// TestEvaluateByHand scores the shop (days 1 to 5) against what its
// customers bought from day 10 on, with lists of one product.
//
// Recommended before the split (see TestNextSuggestsSimilarProductsNotBought
// and TestPopularAndBuyAgain):
//
//	        item-item  popular  buy-again
//	a       W          W        Z  (X, Y, Z once each; Z last)
//	b       Z          W        X  (X, Y once each, same day: by name)
//	c       Y          Y        W  (W later than X)
//	e       X          X        W
//
// Bought on or after day 10, and new to the customer:
//
//	a  W X  → new W       hits: item-item a b(Z) ; popular a
//	b  Z V  → new Z V     buy-again e
//	c  Z X  → new Z
//	e  W    → nothing new (not in the "new" set)
//	g  X    → a customer first seen after the split: left out
//
// V was never sold before the split: no method can find it, yet it counts.
func TestEvaluateByHand(t *testing.T) {
	t.Parallel()
	ps := append(slices.Clone(shop),
		Purchase{"a", 10, []string{"W", "X"}},
		Purchase{"b", 11, []string{"Z"}}, Purchase{"b", 12, []string{"V", "Z"}},
		Purchase{"c", 12, []string{"Z", "X"}},
		Purchase{"e", 10, []string{"W"}},
		Purchase{"g", 10, []string{"X"}},
	)
	e := Evaluate(ps, 10, 1, Options{MinCommon: 1})
	if e.Split != 10 || e.K != 1 || e.Customers != 5 || e.Products != 4 {
		t.Errorf("evaluation %+v: want split 10, k 1, 5 customers, 4 products", e)
	}
	want := []Score{
		// a 1/1, b 1/2, c 0/1.
		{MethodItemItem, TestNew, 3, 4, 2.0 / 3, (1 + 0.5 + 0) / 3},
		// a 1/1 only.
		{MethodPopular, TestNew, 3, 4, 1.0 / 3, 1.0 / 3},
		// a 1/2, b 1/2, c 0/2, e 0/1.
		{MethodItemItem, TestAll, 4, 7, 2.0 / 4, (0.5 + 0.5) / 4},
		{MethodPopular, TestAll, 4, 7, 1.0 / 4, 0.5 / 4},
		// e 1/1 only.
		{MethodBuyAgain, TestAll, 4, 7, 1.0 / 4, 1.0 / 4},
	}
	if len(e.Scores) != len(want) {
		t.Fatalf("scores %+v, want %+v", e.Scores, want)
	}
	for i, w := range want {
		g := e.Scores[i]
		if g.Method != w.Method || g.Test != w.Test || g.Users != w.Users || g.TestItems != w.TestItems ||
			!near(g.HitRate, w.HitRate) || !near(g.Recall, w.Recall) {
			t.Errorf("score %d = %+v, want %+v", i, g, w)
		}
	}
	if s, ok := e.Score(MethodBuyAgain, TestAll); !ok || s != e.Scores[4] {
		t.Errorf("Score(buy-again, all) = %+v, %v", s, ok)
	}
	if _, ok := e.Score(MethodBuyAgain, TestNew); ok {
		t.Error("buy-again has a score on the new products, which it never recommends")
	}
}

func TestEvaluateWithoutTestPeriodOrHistory(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		ps    []Purchase
		split int64
	}{
		{"no purchases", nil, 10},
		{"nothing after the split", shop, 10},
		{"nothing before the split", shop, 0},
	} {
		e := Evaluate(c.ps, c.split, 10, Options{})
		if len(e.Scores) != 5 {
			t.Fatalf("%s: scores %+v", c.name, e.Scores)
		}
		for _, s := range e.Scores {
			if s.Users != 0 || s.TestItems != 0 || s.HitRate != 0 || s.Recall != 0 {
				t.Errorf("%s: %+v, want zeros", c.name, s)
			}
		}
	}
}
