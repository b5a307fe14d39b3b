// Package recommend suggests the products a customer is likely to buy next,
// by item-item collaborative filtering on purchase histories: two products
// are similar when the same customers buy both, across all their orders,
// not only within one basket. It also holds the two baselines any
// recommender must beat, the best sellers and the customer's own favourites,
// and a time-split evaluation that scores all three on the same customers.
//
// The types are plain values: the caller reads the purchases (from the
// store, a file or the demo) and keeps the fitted Model as long as it likes.
package recommend

import (
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Purchase is one paid order: who bought, on which day (a local date
// number, as package day counts them) and the products in it. A product
// named twice counts once.
type Purchase struct {
	Customer string
	Day      int64
	Products []string
}

// Options tune Fit. Zero values take the defaults.
type Options struct {
	// Neighbours is how many most similar products each product keeps,
	// default 50. Only they can be suggested because of it.
	Neighbours int
	// MinCommon is how many customers must have bought both products of a
	// pair for it to count as similar, default 2: a pair one customer
	// happened to buy is noise, and with few buyers its cosine is high.
	MinCommon int
	// MaxProducts caps the products of one customer that enter the
	// co-purchase counts and a suggestion's score: their most recently
	// bought ones, default 100. The pairs of one customer grow with the
	// square of their products, and a reseller who buys the whole catalogue
	// says nothing about which products go together. Past the cap, a
	// product still counts as bought, so it is never suggested.
	MaxProducts int
}

func (o Options) withDefaults() Options {
	if o.Neighbours <= 0 {
		o.Neighbours = 50
	}
	if o.MinCommon <= 0 {
		o.MinCommon = 2
	}
	if o.MaxProducts <= 0 {
		o.MaxProducts = 100
	}
	return o
}

// Model is fitted purchase histories. It is read-only after Fit and safe
// for concurrent use.
type Model struct {
	opts      Options
	products  []string         // by index, in name order
	index     map[string]int32 // product → index
	buyers    []int32          // per product: customers who bought it
	customers map[string]int32
	// Customer c's products, most recent first, are own[ownAt[c]:ownAt[c+1]]:
	// one array for all, as a slice per customer would cost an allocation
	// and a scattered read each.
	own      []owned
	ownAt    []int32
	neigh    [][]neighbour // per product: most similar first
	byBuyers []int32       // product indexes, best sellers first
	scratch  sync.Pool     // of *scratch, for Next
}

// owned is one product of one customer's history.
type owned struct {
	product int32
	orders  int32 // orders it was in
	last    int64 // day of the latest
}

// neighbour is a product similar to another one.
type neighbour struct {
	product int32
	common  int32 // customers who bought both
	sim     float64
}

// Fit builds the model from purchase histories, in any order. It counts,
// for every pair of products, the customers who bought both (over each
// customer's Options.MaxProducts most recent products), and keeps for each
// product its Options.Neighbours most similar ones by cosine similarity of
// their sets of buyers, |A∩B| / sqrt(|A|·|B|), among the pairs at least
// Options.MinCommon customers share.
func Fit(purchases []Purchase, o Options) *Model {
	m := &Model{opts: o.withDefaults()}
	m.collect(m.number(purchases))
	m.byBuyers = make([]int32, len(m.products))
	for i := range m.byBuyers {
		m.byBuyers[i] = int32(i)
	}
	slices.SortStableFunc(m.byBuyers, func(a, b int32) int { return int(m.buyers[b] - m.buyers[a]) })
	m.neighbours()
	return m
}

// line is one product of one purchase, by number.
type line struct {
	product int32
	order   int32 // the purchase's index in the input
	day     int64
}

// number reads the purchases once, in input order, and returns their
// products as lines grouped by customer. Customers are numbered in order
// of appearance, products in name order, so that every tie later broken by
// number is broken by name, whatever the input order. Each string is
// looked up once; everything after works on numbers in flat arrays.
func (m *Model) number(purchases []Purchase) []line {
	m.customers = map[string]int32{}
	m.index = map[string]int32{}
	custOf := make([]int32, len(purchases))
	var perCustomer []int32
	n := 0
	for i, p := range purchases {
		c, ok := m.customers[p.Customer]
		if !ok {
			c = int32(len(perCustomer))
			m.customers[p.Customer] = c
			perCustomer = append(perCustomer, 0)
		}
		custOf[i] = c
		perCustomer[c] += int32(len(p.Products))
		n += len(p.Products)
	}
	// Counting sort by customer: at[c] is where customer c's lines go.
	m.ownAt = make([]int32, len(perCustomer)+1)
	for c, k := range perCustomer {
		m.ownAt[c+1] = m.ownAt[c] + k
	}
	fill := slices.Clone(m.ownAt[:len(perCustomer)])
	lines := make([]line, n)
	for i, p := range purchases {
		c := custOf[i]
		for _, s := range p.Products {
			j, ok := m.index[s]
			if !ok {
				j = int32(len(m.products))
				m.index[s] = j
				m.products = append(m.products, s)
			}
			lines[fill[c]] = line{product: j, order: int32(i), day: p.Day}
			fill[c]++
		}
	}
	// Renumber the products in name order.
	byName := make([]int32, len(m.products))
	for i := range byName {
		byName[i] = int32(i)
	}
	slices.SortFunc(byName, func(a, b int32) int { return strings.Compare(m.products[a], m.products[b]) })
	rank := make([]int32, len(byName))
	sorted := make([]string, len(byName))
	for r, j := range byName {
		rank[j] = int32(r)
		sorted[r] = m.products[j]
		m.index[m.products[j]] = int32(r)
	}
	m.products = sorted
	for i := range lines {
		lines[i].product = rank[lines[i].product]
	}
	return lines
}

// collect turns each customer's lines into their products, with order
// counts and latest day, most recent first, in m.own. Dense arrays indexed
// by product stand in for a map per customer: pos holds where a product
// sits in the current customer's list, valid when seen holds that
// customer's number; inOrder keeps a product named twice in one purchase
// from counting twice.
func (m *Model) collect(lines []line) {
	np, nc := len(m.products), len(m.ownAt)-1
	m.buyers = make([]int32, np)
	seen, pos, inOrder := make([]int32, np), make([]int32, np), make([]int32, np)
	for i := range seen {
		seen[i], inOrder[i] = -1, -1
	}
	m.own = make([]owned, 0, len(lines))
	for c := range nc {
		from := len(m.own)
		for _, l := range lines[m.ownAt[c]:m.ownAt[c+1]] {
			j := l.product
			if inOrder[j] == l.order {
				continue
			}
			inOrder[j] = l.order
			if seen[j] != int32(c) {
				seen[j], pos[j] = int32(c), int32(len(m.own)-from)
				m.own = append(m.own, owned{product: j, last: l.day})
				m.buyers[j]++
			}
			o := &m.own[from+int(pos[j])]
			o.orders++
			o.last = max(o.last, l.day)
		}
		slices.SortFunc(m.own[from:], func(a, b owned) int {
			if a.last != b.last {
				if a.last > b.last {
					return -1
				}
				return 1
			}
			return int(a.product - b.product)
		})
		m.ownAt[c] = int32(from)
	}
	m.ownAt[nc] = int32(len(m.own))
	m.own = slices.Clip(m.own)
}

// owned lists customer c's products, most recent first.
func (m *Model) owned(c int32) []owned { return m.own[m.ownAt[c]:m.ownAt[c+1]] }

// recent is the part of a customer's products that counts toward
// similarities and scores.
func (m *Model) recent(c int32) []owned {
	own := m.owned(c)
	return own[:min(len(own), m.opts.MaxProducts)]
}

// neighbours fills m.neigh. For each product it walks the customers who
// bought it and counts their other products in a dense array, a row of the
// co-purchase matrix at a time: far cheaper than a map of pairs, and the
// rows are independent, so the workers share nothing but the inputs. The
// customers' recent products are copied first into one flat array of
// numbers, the only thing the inner loop reads.
func (m *Model) neighbours() {
	np, nc := len(m.products), len(m.ownAt)-1
	at := make([]int32, nc+1)
	for c := range nc {
		at[c+1] = at[c] + int32(len(m.recent(int32(c))))
	}
	items := make([]int32, 0, at[nc])
	// Buyers of each product, over the capped histories, as one flat list.
	start := make([]int32, np+1)
	for c := range nc {
		for _, o := range m.recent(int32(c)) {
			items = append(items, o.product)
			start[o.product+1]++
		}
	}
	for j := range np {
		start[j+1] += start[j]
	}
	flat := make([]int32, start[np])
	fill := slices.Clone(start[:np])
	for c := range nc {
		for _, j := range items[at[c]:at[c+1]] {
			flat[fill[j]] = int32(c)
			fill[j]++
		}
	}

	m.neigh = make([][]neighbour, np)
	workers := max(1, min(runtime.GOMAXPROCS(0), np))
	var next atomic.Int32
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			counts := make([]int32, np)
			var touched []int32
			for i := next.Add(1) - 1; int(i) < np; i = next.Add(1) - 1 {
				touched = touched[:0]
				for _, c := range flat[start[i]:start[i+1]] {
					for _, j := range items[at[c]:at[c+1]] {
						if counts[j] == 0 {
							touched = append(touched, j)
						}
						counts[j]++
					}
				}
				// Every buyer of i counted i itself too.
				counts[i] = 0
				m.neigh[i] = m.best(i, counts, touched)
				for _, j := range touched {
					counts[j] = 0
				}
			}
		})
	}
	wg.Wait()
}

// best keeps product i's most similar products among those counted.
func (m *Model) best(i int32, counts []int32, touched []int32) []neighbour {
	top := make([]neighbour, 0, min(len(touched), m.opts.Neighbours))
	ni := float64(m.buyers[i])
	for _, j := range touched {
		n := counts[j]
		if int(n) < m.opts.MinCommon {
			continue
		}
		nb := neighbour{product: j, common: n, sim: float64(n) / math.Sqrt(ni*float64(m.buyers[j]))}
		top = insertTop(top, m.opts.Neighbours, nb, func(a, b neighbour) bool {
			return a.sim > b.sim || a.sim == b.sim && a.product < b.product
		})
	}
	return slices.Clip(top)
}

// insertTop adds v to top, a list of at most n sorted by better, if it
// belongs there. Most candidates fall short of the last one and cost one
// comparison, which beats sorting every candidate to keep a few.
func insertTop[T any](top []T, n int, v T, better func(a, b T) bool) []T {
	if n <= 0 || len(top) == n && !better(v, top[n-1]) {
		return top
	}
	k := len(top)
	for k > 0 && better(v, top[k-1]) {
		k--
	}
	if len(top) < n {
		top = append(top, v)
	}
	copy(top[k+1:], top[k:len(top)-1])
	top[k] = v
	return top
}

// Customers is the number of customers the model was fitted on.
func (m *Model) Customers() int { return len(m.ownAt) - 1 }

// Products lists every product the model knows, in name order.
func (m *Model) Products() []string { return slices.Clone(m.products) }

// Buyers is the number of customers who bought product, 0 for an unknown
// one.
func (m *Model) Buyers(product string) int {
	j, ok := m.index[product]
	if !ok {
		return 0
	}
	return int(m.buyers[j])
}
