package stats

import (
	"math"
	"slices"
)

// MannKendall is the result of a Mann-Kendall trend test on an evenly
// spaced series, with Sen's estimate of its slope.
type MannKendall struct {
	N int
	// S is Kendall's score: concordant minus discordant pairs in time order.
	S float64
	// VarS is the variance of S under no trend, corrected for ties and,
	// in HamedRao, for autocorrelation.
	VarS float64
	// Z is the continuity-corrected normal score and P its two-sided
	// p-value.
	Z, P float64
	Tau  float64
	// Slope is Sen's slope per step and Intercept the line's value at
	// index 0: median(x) − Slope·(n−1)/2.
	Slope, Intercept float64
	// Correction is the factor n/n* VarS was multiplied by (1 for the
	// plain test).
	Correction float64
}

// MannKendallTest is the original test (Mann 1945, Kendall 1975) for a
// monotonic trend in x, which must have at least 3 values.
func MannKendallTest(x []float64) MannKendall {
	n := len(x)
	r := MannKendall{N: n, Correction: 1}
	for i := range n - 1 {
		for j := i + 1; j < n; j++ {
			r.S += sign(x[j] - x[i])
		}
	}
	_, ties := Ranks(x)
	fn := float64(n)
	v := fn * (fn - 1) * (2*fn + 5)
	for _, t := range ties {
		ft := float64(t)
		v -= ft * (ft - 1) * (2*ft + 5)
	}
	r.VarS = v / 18
	r.Tau = r.S / (fn * (fn - 1) / 2)
	r.Slope, r.Intercept = SenSlope(x)
	r.score()
	return r
}

// HamedRao is the Mann-Kendall test with the variance correction of Hamed
// and Rao (1998) for serially correlated data: S's variance is multiplied
// by n/n* = 1 + 2/(n(n−1)(n−2)) Σ (n−k)(n−k−1)(n−k−2) ρ_k, where ρ_k are the
// autocorrelations of the ranks of the series detrended by Sen's slope,
// summed over the lags whose autocorrelation is significant at alpha. The
// factor is kept at no less than 1: negative autocorrelation would shrink
// the variance and make trends easier to claim, and Pulse would rather miss
// a trend than report one that is not there. (pyMannKendall's
// hamed_rao_modification_test does not floor the factor; both agree
// whenever it is at least 1.)
func HamedRao(x []float64, alpha float64) MannKendall {
	r := MannKendallTest(x)
	n := len(x)
	detrended := make([]float64, n)
	for i, v := range x {
		detrended[i] = v - r.Slope*float64(i+1)
	}
	ranks, _ := Ranks(detrended)
	rho := autocorrelation(ranks)
	bound := NormalQuantile(1-alpha/2) / math.Sqrt(float64(n))
	fn := float64(n)
	sum := 0.0
	for k := 1; k < n; k++ {
		if math.Abs(rho[k]) <= bound {
			continue
		}
		fk := float64(k)
		sum += (fn - fk) * (fn - fk - 1) * (fn - fk - 2) * rho[k]
	}
	r.Correction = math.Max(1, 1+2/(fn*(fn-1)*(fn-2))*sum)
	r.VarS *= r.Correction
	r.score()
	return r
}

func (r *MannKendall) score() {
	switch {
	case r.VarS <= 0 || r.S == 0:
		r.Z = 0
	case r.S > 0:
		r.Z = (r.S - 1) / math.Sqrt(r.VarS)
	default:
		r.Z = (r.S + 1) / math.Sqrt(r.VarS)
	}
	r.P = 2 * NormalCDF(-math.Abs(r.Z))
}

// SenSlope is the median of the slopes (x_j − x_i)/(j − i) over all pairs
// i < j (Sen 1968), and the intercept median(x) − slope·(n−1)/2.
func SenSlope(x []float64) (slope, intercept float64) {
	n := len(x)
	if n < 2 {
		return 0, Median(x)
	}
	slopes := make([]float64, 0, n*(n-1)/2)
	for i := range n - 1 {
		for j := i + 1; j < n; j++ {
			slopes = append(slopes, (x[j]-x[i])/float64(j-i))
		}
	}
	slope = Median(slopes)
	return slope, Median(x) - slope*float64(n-1)/2
}

// autocorrelation returns the sample autocorrelations of x at lags 0 to
// n−1, each lag's sum of products divided by the lag-0 sum (the biased
// estimator that statsmodels' acf and pyMannKendall use).
func autocorrelation(x []float64) []float64 {
	n := len(x)
	m := Mean(x)
	y := slices.Clone(x)
	for i := range y {
		y[i] -= m
	}
	rho := make([]float64, n)
	var c0 float64
	for _, v := range y {
		c0 += v * v
	}
	if c0 == 0 {
		return rho
	}
	for k := range n {
		s := 0.0
		for t := 0; t+k < n; t++ {
			s += y[t] * y[t+k]
		}
		rho[k] = s / c0
	}
	return rho
}

func sign(v float64) float64 {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}
