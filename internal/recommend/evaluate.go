package recommend

import "slices"

// The methods and test sets of an Evaluation.
const (
	MethodItemItem = "item-item" // Model.Next
	MethodPopular  = "popular"   // Model.Popular
	MethodBuyAgain = "buy-again" // Model.BuyAgain

	// TestNew holds, for each customer, the products they bought on or
	// after the split and never before: what item-item and popular
	// recommend. It is the set they are compared on.
	TestNew = "new"
	// TestAll holds every product each customer bought on or after the
	// split, repeats included: the only set buy-again can score on, as it
	// recommends nothing else. Item-item and popular are scored on it too,
	// for reference, though its repeats are out of their reach.
	TestAll = "all"
)

// Evaluation is how well each method predicted what customers bought after
// a split day, from what they had bought before it.
type Evaluation struct {
	Split int64 // first day of the test period
	K     int   // length of each recommendation list
	// Customers and Products are those of the model fitted before Split.
	Customers, Products int
	Scores              []Score // item-item, popular on TestNew; then the three on TestAll
}

// Score is one method on one test set.
type Score struct {
	Method, Test string
	// Users are the customers scored: bought before the split, and bought
	// at least one product of the test set on or after it.
	Users int
	// TestItems counts the (user, product) pairs of the test set.
	TestItems int
	// HitRate is the share of users with at least one of their test
	// products among the K recommended.
	HitRate float64
	// Recall is the mean over users of the share of their test products
	// among the K recommended.
	Recall float64
}

// Score finds the score of a method on a test set.
func (e Evaluation) Score(method, test string) (Score, bool) {
	for _, s := range e.Scores {
		if s.Method == method && s.Test == test {
			return s, true
		}
	}
	return Score{}, false
}

// Evaluate fits a model on the purchases made before split and scores its
// top-k lists against the distinct products each customer bought on or
// after split. Customers first seen after the split are left out: no
// method here has anything to say about them beyond the best sellers.
// Products first sold after the split stay in the test sets, though no
// method can recommend them, so that the scores are not flattered.
//
// Item-item (Next) and popular (Popular) recommend only products the
// customer had not bought before the split, so they are compared on the
// products new to the customer (TestNew), buy-again on all (TestAll). On a
// short test period the same customers appear in both sets; in TestNew
// only those who tried something new.
func Evaluate(purchases []Purchase, split int64, k int, o Options) Evaluation {
	var train, test []Purchase
	for _, p := range purchases {
		if p.Day < split {
			train = append(train, p)
		} else {
			test = append(test, p)
		}
	}
	m := Fit(train, o)
	e := Evaluation{Split: split, K: k, Customers: m.Customers(), Products: len(m.products)}

	// Test products of each known customer, by customer number so that
	// the users are scored in a fixed order.
	later := make([][]string, m.Customers())
	for _, p := range test {
		if c, ok := m.customers[p.Customer]; ok {
			later[c] = append(later[c], p.Products...)
		}
	}
	newSet := []*tally{{method: MethodItemItem}, {method: MethodPopular}}
	allSet := []*tally{{method: MethodItemItem}, {method: MethodPopular}, {method: MethodBuyAgain}}
	s := m.newScratch()
	popMark := make([]int32, len(m.products))
	bought := make([]bool, len(m.products))
	for c, products := range later {
		if len(products) == 0 {
			continue
		}
		slices.Sort(products)
		all := slices.Compact(products)
		own := m.owned(int32(c))
		for _, o := range own {
			bought[o.product] = true
		}
		var fresh []string
		for _, p := range all {
			if j, ok := m.index[p]; !ok || !bought[j] {
				fresh = append(fresh, p)
			}
		}
		for _, o := range own {
			bought[o.product] = false
		}
		var next, again []string
		for _, sg := range m.next(int32(c), k, s) {
			next = append(next, sg.Product)
		}
		for _, o := range m.buyAgain(int32(c), k) {
			again = append(again, m.products[o.product])
		}
		pop := m.popular(own, k, popMark)
		allSet[0].add(all, next)
		allSet[1].add(all, pop)
		allSet[2].add(all, again)
		if len(fresh) > 0 {
			newSet[0].add(fresh, next)
			newSet[1].add(fresh, pop)
		}
	}
	for _, t := range newSet {
		e.Scores = append(e.Scores, t.score(TestNew))
	}
	for _, t := range allSet {
		e.Scores = append(e.Scores, t.score(TestAll))
	}
	return e
}

// tally accumulates one method's hits on one test set.
type tally struct {
	method      string
	users, hits int
	items       int
	recall      float64
}

// add scores one user: test holds their distinct test products, recs the
// recommended ones.
func (t *tally) add(test, recs []string) {
	found := 0
	for _, p := range test {
		if slices.Contains(recs, p) {
			found++
		}
	}
	t.users++
	t.items += len(test)
	if found > 0 {
		t.hits++
	}
	t.recall += float64(found) / float64(len(test))
}

func (t *tally) score(test string) Score {
	s := Score{Method: t.method, Test: test, Users: t.users, TestItems: t.items}
	if t.users > 0 {
		s.HitRate = float64(t.hits) / float64(t.users)
		s.Recall = t.recall / float64(t.users)
	}
	return s
}
