package rfm

import "slices"

// Cuts are the quintile cut points of one dimension, on a scale where a
// larger value is better: a value scores at least s (2 to 5) when it is at
// least the cut for s. A score no value reached has no cut.
type Cuts struct {
	at [4]int64
	ok [4]bool
}

// Quintiles computes the cut points of values by the rank rule in the
// package comment.
func Quintiles(values []int64) Cuts {
	var c Cuts
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	n := len(sorted)
	for i, v := range sorted {
		if i > 0 && sorted[i-1] == v {
			continue
		}
		// i values are strictly below v.
		score := 1 + 5*i/n
		for s := 2; s <= score; s++ {
			if !c.ok[s-2] {
				c.at[s-2], c.ok[s-2] = v, true
			}
		}
	}
	return c
}

// At is the cut for score s (2 to 5), and whether any value reached it.
func (c Cuts) At(s int) (int64, bool) { return c.at[s-2], c.ok[s-2] }

// Score is the score of value v.
func (c Cuts) Score(v int64) int {
	for s := 5; s >= 2; s-- {
		if c.ok[s-2] && v >= c.at[s-2] {
			return s
		}
	}
	return 1
}

// Customer is what a customer is scored on. Recency is whole days from the
// local date of the last purchase to the date of the analysis.
type Customer struct {
	Recency, Orders, Revenue int64
}

// Model holds the cut points fitted to a set of customers. Recency cuts
// are on the negated number of days, so that larger is better there too.
type Model struct {
	R, F, M Cuts
}

// Fit computes the cut points of every dimension over cs.
func Fit(cs []Customer) Model {
	r := make([]int64, len(cs))
	f := make([]int64, len(cs))
	m := make([]int64, len(cs))
	for i, c := range cs {
		r[i], f[i], m[i] = -c.Recency, c.Orders, c.Revenue
	}
	return Model{R: Quintiles(r), F: Quintiles(f), M: Quintiles(m)}
}

// Scores are a customer's R, F and M scores.
func (md Model) Scores(c Customer) (r, f, m int) {
	return md.R.Score(-c.Recency), md.F.Score(c.Orders), md.M.Score(c.Revenue)
}

// Segment is c's segment under md.
func (md Model) Segment(c Customer) Segment {
	return Of(md.Scores(c))
}

// RecencyCut is the largest number of days since the last purchase that
// scores at least s on recency, and whether any customer reached s.
func (md Model) RecencyCut(s int) (int64, bool) {
	v, ok := md.R.At(s)
	return -v, ok
}
