package recommend

import "math"

// Suggestion is a product for a customer, with the reason for it.
type Suggestion struct {
	Product string
	// Score ranks the suggestions: the sum of the product's cosine
	// similarities to the customer's recent products it is a neighbour of.
	Score float64
	// Because is the customer's product that adds most to Score; ties go
	// to the more recently bought.
	Because string
	// Confidence is the share of Because's buyers who also bought Product,
	// P(Product | Because).
	Confidence float64
	// Lift is Confidence over the share of all customers who bought
	// Product: how many times likelier Because's buyers are to buy it.
	Lift float64
	// Common is the number of customers who bought both.
	Common int
}

// Next returns up to n products the customer has never bought, best first:
// the products similar to theirs (see Fit), ranked by Score, ties by more
// buyers, then by name. It returns fewer than n when fewer products are
// similar to theirs, and none for a customer the model does not know; the
// caller may top such a list up from Popular.
func (m *Model) Next(customer string, n int) []Suggestion {
	c, ok := m.customers[customer]
	if !ok || n <= 0 {
		return nil
	}
	s, _ := m.scratch.Get().(*scratch)
	if s == nil {
		s = m.newScratch()
	}
	defer m.scratch.Put(s)
	return m.next(c, n, s)
}

// scratch is the working memory of next, reused from call to call: a
// few arrays the size of the catalogue, valid where mark holds the current
// call's stamp, so that nothing needs clearing between calls.
type scratch struct {
	stamp   int32
	mark    []int32 // == stamp: bought by the customer, or == -stamp: scored
	score   []float64
	because []neighbourOf
	touched []int32
	top     []int32
}

// neighbourOf is the strongest link from a customer's product to a
// candidate.
type neighbourOf struct {
	from   int32
	sim    float64
	common int32
}

func (m *Model) newScratch() *scratch {
	np := len(m.products)
	return &scratch{mark: make([]int32, np), score: make([]float64, np), because: make([]neighbourOf, np)}
}

func (m *Model) next(c int32, n int, s *scratch) []Suggestion {
	if s.stamp == math.MaxInt32 {
		// Old marks could pass for new ones after the stamp wraps.
		clear(s.mark)
		s.stamp = 0
	}
	s.stamp++
	for _, o := range m.owned(c) {
		s.mark[o.product] = s.stamp
	}
	s.touched = s.touched[:0]
	for _, o := range m.recent(c) {
		for _, nb := range m.neigh[o.product] {
			j := nb.product
			switch s.mark[j] {
			case s.stamp:
				continue
			case -s.stamp:
				s.score[j] += nb.sim
				if nb.sim > s.because[j].sim {
					s.because[j] = neighbourOf{o.product, nb.sim, nb.common}
				}
			default:
				s.mark[j] = -s.stamp
				s.score[j] = nb.sim
				s.because[j] = neighbourOf{o.product, nb.sim, nb.common}
				s.touched = append(s.touched, j)
			}
		}
	}
	s.top = s.top[:0]
	for _, j := range s.touched {
		s.top = insertTop(s.top, n, j, func(a, b int32) bool {
			if s.score[a] != s.score[b] {
				return s.score[a] > s.score[b]
			}
			if m.buyers[a] != m.buyers[b] {
				return m.buyers[a] > m.buyers[b]
			}
			return a < b
		})
	}
	if len(s.top) == 0 {
		return nil
	}
	out := make([]Suggestion, len(s.top))
	for k, j := range s.top {
		b := s.because[j]
		conf := float64(b.common) / float64(m.buyers[b.from])
		out[k] = Suggestion{Product: m.products[j], Score: s.score[j], Because: m.products[b.from],
			Confidence: conf, Lift: conf / m.share(j), Common: int(b.common)}
	}
	return out
}

// share is the share of all customers who bought product j.
func (m *Model) share(j int32) float64 {
	return float64(m.buyers[j]) / float64(m.Customers())
}

// Related is a product bought by the customers of another one.
type Related struct {
	Product    string
	Similarity float64 // cosine of their sets of buyers
	Common     int     // customers who bought both
	Confidence float64 // P(Product | the other)
	Lift       float64 // Confidence / P(Product)
}

// Similar returns up to n products most similar to product ("customers who
// bought this also bought"), most similar first, ties by name; none for an
// unknown product.
func (m *Model) Similar(product string, n int) []Related {
	i, ok := m.index[product]
	if !ok || n <= 0 {
		return nil
	}
	nbs := m.neigh[i][:min(n, len(m.neigh[i]))]
	out := make([]Related, len(nbs))
	for k, nb := range nbs {
		conf := float64(nb.common) / float64(m.buyers[i])
		out[k] = Related{Product: m.products[nb.product], Similarity: nb.sim, Common: int(nb.common),
			Confidence: conf, Lift: conf / m.share(nb.product)}
	}
	return out
}

// Popular returns up to n best sellers, by the number of customers who
// bought them, ties by name, leaving out those the customer has bought:
// like Next, it answers which product new to them they will buy. An
// unknown customer (or "") gets the best sellers overall.
func (m *Model) Popular(customer string, n int) []string {
	var own []owned
	if c, ok := m.customers[customer]; ok {
		own = m.owned(c)
	}
	return m.popular(own, n, nil)
}

// popular lists the best sellers not in own; mark, when given, is scratch
// memory of one int32 per product, all different from -1.
func (m *Model) popular(own []owned, n int, mark []int32) []string {
	if mark == nil {
		mark = make([]int32, len(m.products))
	}
	for _, o := range own {
		mark[o.product] = -1
	}
	var out []string
	for _, j := range m.byBuyers {
		if len(out) == n {
			break
		}
		if mark[j] != -1 {
			out = append(out, m.products[j])
		}
	}
	for _, o := range own {
		mark[o.product] = 0
	}
	return out
}

// Repeat is a product the customer has bought before.
type Repeat struct {
	Product string
	Orders  int   // orders it was in
	Last    int64 // day of the latest
}

// BuyAgain returns up to n of the customer's own products, the ones in most
// of their orders first, then the most recently bought, then by name; none
// for an unknown customer. It is the baseline for repeat purchases, which
// Next never suggests.
func (m *Model) BuyAgain(customer string, n int) []Repeat {
	c, ok := m.customers[customer]
	if !ok || n <= 0 {
		return nil
	}
	top := m.buyAgain(c, n)
	out := make([]Repeat, len(top))
	for k, o := range top {
		out[k] = Repeat{Product: m.products[o.product], Orders: int(o.orders), Last: o.last}
	}
	return out
}

func (m *Model) buyAgain(c int32, n int) []owned {
	var top []owned
	for _, o := range m.owned(c) {
		top = insertTop(top, n, o, func(a, b owned) bool {
			if a.orders != b.orders {
				return a.orders > b.orders
			}
			if a.last != b.last {
				return a.last > b.last
			}
			return a.product < b.product
		})
	}
	return top
}
