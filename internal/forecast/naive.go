package forecast

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Naive repeats the last value. Intervals are those of a random walk,
// sigma*sqrt(h), with sigma the root mean square of the one-step changes
// (R's naive). A one-point series gets zero-width intervals; an empty y
// gives empty forecasts.
func Naive(y []float64, h int) Result {
	res := newResult("Naive", "naive", h)
	n := len(y)
	if n == 0 {
		return res
	}
	sigma := lagRMS(y, 1)
	res.Params["sigma"] = sigma
	for i := range res.Mean {
		res.setNormal(i, y[n-1], sigma*math.Sqrt(float64(i+1)))
	}
	return res
}

// SeasonalNaive repeats the last season: the forecast for step i is the
// value m steps before it. The variance grows with the number of whole
// seasons ahead (R's snaive). When the series is shorter than m+1 (no
// seasonal change to estimate from) or m < 2, it falls back to Naive and
// says so in Model.
func SeasonalNaive(y []float64, h, m int) Result {
	n := len(y)
	if m < 2 || n <= m {
		return Naive(y, h)
	}
	res := newResult("Seasonal naive", "seasonal_naive", h)
	sigma := lagRMS(y, m)
	res.Params["sigma"] = sigma
	for i := range res.Mean {
		k := float64(i/m + 1)
		res.setNormal(i, y[n-m+i%m], sigma*math.Sqrt(k))
	}
	return res
}

// Mean forecasts the sample mean with Student-t intervals widened for the
// uncertainty of the mean (R's meanf). A one-point series gets zero-width
// intervals.
func Mean(y []float64, h int) Result {
	res := newResult("Mean", "mean", h)
	n := len(y)
	if n == 0 {
		return res
	}
	mu := meanOf(y)
	sd := 0.0
	t80, t95 := 0.0, 0.0
	if n > 1 {
		for _, v := range y {
			sd += (v - mu) * (v - mu)
		}
		sd = math.Sqrt(sd / float64(n-1))
		t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}
		t80, t95 = t.Quantile(0.90), t.Quantile(0.975)
	}
	res.Params["sigma"] = sd
	se := sd * math.Sqrt(1+1/float64(n))
	for i := range res.Mean {
		res.Mean[i] = mu
		res.Lower80[i], res.Upper80[i] = mu-t80*se, mu+t80*se
		res.Lower95[i], res.Upper95[i] = mu-t95*se, mu+t95*se
	}
	return res
}

// lagRMS is the root mean square of y[t] - y[t-lag]; 0 when there is none.
func lagRMS(y []float64, lag int) float64 {
	s, k := 0.0, 0
	for t := lag; t < len(y); t++ {
		d := y[t] - y[t-lag]
		s += d * d
		k++
	}
	if k == 0 {
		return 0
	}
	return math.Sqrt(s / float64(k))
}
