package demo

import (
	"math"
	"math/rand/v2"
)

// gamma draws from Gamma(shape, 1) by Marsaglia and Tsang; math/rand/v2 has
// no gamma distribution and the customer model needs one.
func gamma(r *rand.Rand, shape float64) float64 {
	if shape < 1 {
		// Boosting keeps the fast method valid for shapes below one.
		return gamma(r, shape+1) * math.Pow(1-r.Float64(), 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := 1 - r.Float64()
		if math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}

// beta draws from Beta(a, b) as a ratio of gammas.
func beta(r *rand.Rand, a, b float64) float64 {
	x := gamma(r, a)
	y := gamma(r, b)
	return x / (x + y)
}

// pick returns an index drawn with the given cumulative weights.
func pick(r *rand.Rand, cum []float64) int {
	u := r.Float64() * cum[len(cum)-1]
	lo, hi := 0, len(cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if cum[mid] > u {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// cumulative turns weights into running sums for pick.
func cumulative(w []float64) []float64 {
	c := make([]float64, len(w))
	s := 0.0
	for i, x := range w {
		s += x
		c[i] = s
	}
	return c
}

// choose returns one element of a non-empty list, uniformly.
func choose[T any](r *rand.Rand, xs []T) T {
	return xs[r.IntN(len(xs))]
}
