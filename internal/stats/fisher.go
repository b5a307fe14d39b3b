package stats

import "math"

// FisherGreater is the one-sided p-value of Fisher's exact test that two
// events occur together more often than by chance, from the 2×2 table
// both, onlyA, onlyB, neither: the hypergeometric probability of at least
// both joint occurrences given the margins, as R's
// fisher.test(alternative = "greater") computes it.
func FisherGreater(both, onlyA, onlyB, neither int64) float64 {
	rowA, colB := both+onlyA, both+onlyB
	n := both + onlyA + onlyB + neither
	hi := min(rowA, colB)
	lo := max(0, rowA+colB-n)
	if both <= lo {
		return 1
	}
	logC := func(n, k int64) float64 {
		a, _ := math.Lgamma(float64(n + 1))
		b, _ := math.Lgamma(float64(k + 1))
		c, _ := math.Lgamma(float64(n - k + 1))
		return a - b - c
	}
	denom := logC(n, colB)
	total := 0.0
	for k := both; k <= hi; k++ {
		lp := logC(rowA, k) + logC(n-rowA, colB-k) - denom
		if lp < -745 && k > both {
			break // the tail is decreasing past the mode: the rest is below float range
		}
		total += math.Exp(lp)
	}
	return math.Min(1, total)
}
