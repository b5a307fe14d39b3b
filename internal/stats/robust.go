package stats

import (
	"math"
	"slices"
)

// Median is the middle of x, the mean of the two middle values when len(x)
// is even; NaN for an empty slice.
func Median(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	s := slices.Clone(x)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// QuantileSorted is R's default (type 7) sample quantile of sorted data;
// NaN for none.
func QuantileSorted(x []float64, q float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	pos := q * float64(len(x)-1)
	lo := int(math.Floor(pos))
	if lo >= len(x)-1 {
		return x[len(x)-1]
	}
	return x[lo] + (pos-float64(lo))*(x[lo+1]-x[lo])
}

// MAD is the median absolute deviation from the median, unscaled.
func MAD(x []float64) float64 {
	med := Median(x)
	dev := make([]float64, len(x))
	for i, v := range x {
		dev[i] = math.Abs(v - med)
	}
	return Median(dev)
}

// Mean is the arithmetic mean of x; NaN for an empty slice.
func Mean(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// Variance is the sample variance of x (divided by n−1).
func Variance(x []float64) float64 {
	if len(x) < 2 {
		return 0
	}
	m := Mean(x)
	s := 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return s / float64(len(x)-1)
}

// ModifiedZ returns the modified z-scores of Iglewicz and Hoaglin (1993),
// 0.6745·(x − median)/MAD, which they flag as outliers above 3.5 in
// absolute value. When more than half the values are equal the MAD is 0;
// the scores then use the mean absolute deviation, scaled by 1.253314 to
// estimate the same σ (as IBM's and others' implementations do). All
// scores are 0 when every value is the same.
func ModifiedZ(x []float64) []float64 {
	med := Median(x)
	scale := MAD(x) / 0.6745
	if scale == 0 {
		sum := 0.0
		for _, v := range x {
			sum += math.Abs(v - med)
		}
		scale = 1.253314 * sum / float64(len(x))
	}
	z := make([]float64, len(x))
	if scale == 0 {
		return z
	}
	for i, v := range x {
		z[i] = (v - med) / scale
	}
	return z
}

// Ranks are the ranks of x from 1, ties given the mean of the ranks they
// span, with the sizes of the tied groups (groups of one left out).
func Ranks(x []float64) (ranks []float64, ties []int) {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case x[a] < x[b]:
			return -1
		case x[a] > x[b]:
			return 1
		}
		return 0
	})
	ranks = make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && x[idx[j+1]] == x[idx[i]] {
			j++
		}
		r := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			ranks[idx[k]] = r
		}
		if j > i {
			ties = append(ties, j-i+1)
		}
		i = j + 1
	}
	return ranks, ties
}

// BenjaminiHochberg returns the step-up adjusted p-values (q-values) of p,
// in p's order: a test is significant at false discovery rate α when its
// adjusted value is at most α.
func BenjaminiHochberg(p []float64) []float64 {
	m := len(p)
	idx := make([]int, m)
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		switch {
		case p[a] < p[b]:
			return -1
		case p[a] > p[b]:
			return 1
		}
		return 0
	})
	q := make([]float64, m)
	running := 1.0
	for r := m - 1; r >= 0; r-- {
		i := idx[r]
		running = math.Min(running, p[i]*float64(m)/float64(r+1))
		q[i] = running
	}
	return q
}
