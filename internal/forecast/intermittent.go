package forecast

import (
	"math"
	"slices"

	"pulse/internal/stats"
)

// adiThreshold is the average inter-demand interval above which demand is
// intermittent (Syntetos, Boylan & Croston 2005).
const adiThreshold = 1.32

// IsIntermittent reports whether y is a non-negative demand series with at
// least one demand and an average inter-demand interval (periods per
// non-zero value) above 1.32.
func IsIntermittent(y []float64) bool {
	nz := 0
	for _, v := range y {
		if v < 0 {
			return false
		}
		if v > 0 {
			nz++
		}
	}
	return nz > 0 && float64(len(y))/float64(nz) > adiThreshold
}

// Croston forecasts intermittent demand as the smoothed demand size over
// the smoothed interval between demands (Croston 1972), with separate
// smoothing parameters for size (alpha) and interval (beta), both chosen to
// minimise the in-sample one-step mean squared error. The forecast is flat.
// Intervals come from the empirical quantiles of the in-sample one-step
// errors, clamped at zero; they describe one period's demand and do not
// widen with h.
func Croston(y []float64, h int) Result {
	res := newResult("Croston", "croston", h)
	if len(y) == 0 {
		return res
	}
	f := make([]float64, len(y))
	a, b, _ := searchGrid(func(a, b float64) float64 { return crostonMSE(y, a, b, f) })
	rate, first := croston(y, a, b, f)
	res.Params["alpha"], res.Params["beta"] = a, b
	setEmpiricalIntervals(&res, rate, y[first+1:], f[first+1:])
	return res
}

// TSB forecasts intermittent demand as the smoothed probability of a
// demand times the smoothed demand size (Teunter, Syntetos & Babai 2011).
// Unlike Croston, the probability decays through periods without demand,
// so an obsolete item's forecast goes to zero. Parameters and intervals
// are chosen as in Croston.
func TSB(y []float64, h int) Result {
	res := newResult("TSB", "tsb", h)
	if len(y) == 0 {
		return res
	}
	f := make([]float64, len(y))
	a, b, _ := searchGrid(func(a, b float64) float64 { return tsbMSE(y, a, b, f) })
	rate := tsb(y, a, b, f)
	res.Params["alpha"], res.Params["beta"] = a, b
	setEmpiricalIntervals(&res, rate, y, f)
	return res
}

// intermittentAuto returns Croston or TSB, whichever has the smaller
// in-sample one-step mean squared error.
func intermittentAuto(y []float64, h int) Result {
	f := make([]float64, len(y))
	_, _, cm := searchGrid(func(a, b float64) float64 { return crostonMSE(y, a, b, f) })
	_, _, tm := searchGrid(func(a, b float64) float64 { return tsbMSE(y, a, b, f) })
	if tm < cm {
		return TSB(y, h)
	}
	return Croston(y, h)
}

// croston runs the recursion and returns the final demand rate and the
// index of the first demand. f, if not nil, receives the one-step
// forecast made before each period (NaN before the first demand).
func croston(y []float64, alpha, beta float64, f []float64) (rate float64, first int) {
	first = -1
	var size, interval float64
	last := -1
	for t, v := range y {
		if f != nil {
			f[t] = math.NaN()
			if first >= 0 {
				f[t] = size / interval
			}
		}
		if v <= 0 {
			continue
		}
		gap := float64(t - last)
		if first < 0 {
			first = t
			size, interval = v, gap
		} else {
			size += alpha * (v - size)
			interval += beta * (gap - interval)
		}
		last = t
	}
	if first < 0 {
		return 0, len(y) - 1
	}
	return size / interval, first
}

// crostonMSE is the mean squared one-step error of Croston with alpha and
// beta, from the period after the first demand; f is scratch of len(y).
func crostonMSE(y []float64, alpha, beta float64, f []float64) float64 {
	_, first := croston(y, alpha, beta, f)
	return meanSquaredError(y[first+1:], f[first+1:])
}

// meanSquaredError is the mean of (y − f)²; +Inf for no values.
func meanSquaredError(y, f []float64) float64 {
	if len(y) == 0 {
		return math.Inf(1)
	}
	sse := 0.0
	for t, v := range y {
		d := v - f[t]
		sse += d * d
	}
	return sse / float64(len(y))
}

// tsbStart initialises the probability as the share of periods with demand
// and the size as the mean demand, as is usual for TSB.
func tsbStart(y []float64) (prob, size float64) {
	nz := 0
	for _, v := range y {
		if v > 0 {
			nz++
			size += v
		}
	}
	if nz == 0 {
		return 0, 0
	}
	return float64(nz) / float64(len(y)), size / float64(nz)
}

// tsb runs the TSB recursion with size smoothing alpha and probability
// smoothing beta and returns the final demand rate; f, if not nil,
// receives the one-step forecasts.
func tsb(y []float64, alpha, beta float64, f []float64) float64 {
	prob, size := tsbStart(y)
	for t, v := range y {
		if f != nil {
			f[t] = prob * size
		}
		if v > 0 {
			prob += beta * (1 - prob)
			size += alpha * (v - size)
		} else {
			prob -= beta * prob
		}
	}
	return prob * size
}

// tsbMSE is the mean squared one-step error of TSB with alpha and beta; f
// is scratch of len(y).
func tsbMSE(y []float64, alpha, beta float64, f []float64) float64 {
	tsb(y, alpha, beta, f)
	return meanSquaredError(y, f)
}

// searchGrid minimises mse over (a, b) in [0.01, 1]^2: a 0.05 grid, then a
// 0.01 grid around its best point. A grid is enough for two bounded
// parameters and, unlike a local search, cannot stop in a flat region.
func searchGrid(mse func(a, b float64) float64) (bestA, bestB, best float64) {
	best = math.Inf(1)
	try := func(a, b float64) {
		if v := mse(a, b); v < best {
			bestA, bestB, best = a, b, v
		}
	}
	for i := 1; i <= 20; i++ {
		for j := 1; j <= 20; j++ {
			try(float64(i)*0.05, float64(j)*0.05)
		}
	}
	a0, b0 := bestA, bestB
	for i := -5; i <= 5; i++ {
		for j := -5; j <= 5; j++ {
			a, b := a0+float64(i)*0.01, b0+float64(j)*0.01
			if a >= 0.01 && a <= 1 && b >= 0.01 && b <= 1 {
				try(math.Round(a*100)/100, math.Round(b*100)/100)
			}
		}
	}
	return bestA, bestB, best
}

// setEmpiricalIntervals fills a flat forecast at rate with intervals from
// the quantiles of the in-sample errors y - f, clamped at zero.
func setEmpiricalIntervals(res *Result, rate float64, y, f []float64) {
	errs := make([]float64, 0, len(y))
	for t, v := range y {
		if !math.IsNaN(f[t]) {
			errs = append(errs, v-f[t])
		}
	}
	slices.Sort(errs)
	q := func(p float64) float64 {
		if len(errs) == 0 {
			return 0
		}
		return math.Max(0, rate+stats.QuantileSorted(errs, p))
	}
	l95, l80, u80, u95 := q(0.025), q(0.10), q(0.90), q(0.975)
	res.Params["rate"] = rate
	for i := range res.Mean {
		res.Mean[i] = rate
		res.Lower95[i], res.Lower80[i] = math.Min(l95, rate), math.Min(l80, rate)
		res.Upper80[i], res.Upper95[i] = math.Max(u80, rate), math.Max(u95, rate)
	}
}
